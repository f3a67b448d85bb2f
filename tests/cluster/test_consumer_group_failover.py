"""A KIP-848 consumer group (confluent-kafka with ``group.protocol=consumer``) in a 3-broker
process cluster loses its coordinator in the middle of a rebalance: ``__consumer_offsets`` and a
12-partition topic with replication factor 3 and min.insync.replicas 2, three members committing
synchronously while a producer writes numbered records; a fourth member joins and, while the
group is reconciling (a member's current assignment differs from its target: at the first sight
of it, or once some members reached their target), the coordinator broker is SIGKILLed. The group
converges on the new coordinator, which reloaded it from ``__consumer_offsets`` (its group epoch
did not go back), every partition is owned by exactly one live member, every acknowledged record
is consumed, and records are consumed twice only after the kill (those are counted and
reported)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import pytest
from cluster.cluster_harness import ProcessCluster, running_cluster
from support.waiting import eventually, eventually_sync
from support.wire import WireClient

from client import Admin, KafkaError
from client.admin.types import ConsumerGroupDescription
from protocol.messages import ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse

confluent_kafka = pytest.importorskip("confluent_kafka")

pytestmark = [pytest.mark.timeout(150)]

T = TypeVar("T")

TOPIC: Final = "failover-orders"
GROUP: Final = "failover-kip848"
PARTITIONS: Final = 12
#: A member silent this long is removed: long enough to ride out the coordinator's failover
#: (the controller notices the dead broker after ``broker.session.timeout.ms``, 2.5 s).
SESSION_TIMEOUT_MS: Final = 8_000
#: Members heartbeat this often, so a reconciliation takes a few hundred milliseconds.
HEARTBEAT_INTERVAL_MS: Final = 300
SETTINGS: Final = {
    "min.insync.replicas": "2",
    "group.consumer.session.timeout.ms": str(SESSION_TIMEOUT_MS),
    "group.consumer.min.session.timeout.ms": "1000",
    "group.consumer.heartbeat.interval.ms": str(HEARTBEAT_INTERVAL_MS),
    "group.consumer.min.heartbeat.interval.ms": "100",
}
#: How long each phase (three sharing, reconciling, converging, draining) may take.
PHASE_TIMEOUT_S: Final = 30.0
#: Join-and-leave rounds of a throw-away member before the real ones: each moves the group
#: epoch twice, so a group recreated from scratch after the failover would show a lower one.
EPOCH_ROUNDS: Final = 3
#: Records wanted consumed before the fourth member joins, and produced after convergence.
BATCH: Final = 200
#: How long a member keeps retrying a synchronous commit (the coordinator may be moving).
COMMIT_RETRY_S: Final = 20.0
#: The ConsumerGroupHeartbeat version librdkafka 2.16 sends.
HEARTBEAT_VERSION: Final = 1


def run(make: Callable[[], Awaitable[T]]) -> T:
    """Run one coroutine to completion on a loop of its own."""

    async def main() -> T:
        return await make()

    return asyncio.run(main())


def find_coordinator(cluster: ProcessCluster, nodes: list[int]) -> int:
    """The group's coordinator as FindCoordinator (asked of ``nodes``) names it."""

    async def ask() -> int:
        servers = ",".join(cluster.address(n) for n in nodes)
        async with Admin(bootstrap_servers=servers) as admin:
            broker = await admin.find_group_coordinator(GROUP, timeout_ms=5_000)
            return broker.node_id

    return run(ask)


def describe(cluster: ProcessCluster, nodes: list[int]) -> ConsumerGroupDescription | None:
    """The group as ConsumerGroupDescribe shows it (None while no coordinator answers)."""

    async def ask() -> ConsumerGroupDescription:
        servers = ",".join(cluster.address(n) for n in nodes)
        async with Admin(bootstrap_servers=servers) as admin:
            return (await admin.describe_consumer_groups([GROUP], timeout_ms=5_000))[GROUP]

    try:
        return run(ask)
    except KafkaError:
        return None


def owned(partitions: tuple[Any, ...]) -> frozenset[int]:
    return frozenset(tp.partition for tp in partitions if tp.topic == TOPIC)


def watch(
    cluster: ProcessCluster, node: int, test: Callable[[ConsumerGroupDescription], bool]
) -> ConsumerGroupDescription:
    """The group as ``node`` describes it, once it passes ``test``: asked over one connection,
    as fast as the coordinator answers (a reconciliation lasts a few heartbeats)."""

    async def ask() -> ConsumerGroupDescription:
        async with Admin(bootstrap_servers=cluster.address(node)) as admin:

            async def passing() -> ConsumerGroupDescription | None:
                described = await admin.describe_consumer_groups([GROUP], timeout_ms=5_000)
                return when(described[GROUP], test)

            return await eventually(
                passing, PHASE_TIMEOUT_S, f"the group {test.__name__}", poll_s=0.005
            )

    return run(ask)


def when(
    group: ConsumerGroupDescription | None, test: Callable[[ConsumerGroupDescription], bool]
) -> ConsumerGroupDescription | None:
    """``group`` if it passes ``test``, else None."""
    return group if group is not None and test(group) else None


def reconciling(group: ConsumerGroupDescription) -> bool:
    """Four members, and one of them does not yet own its target."""
    return len(group.members) == 4 and unreconciled(group) > 0


def midway(group: ConsumerGroupDescription) -> bool:
    """Reconciling, with some members at their target already."""
    return reconciling(group) and unreconciled(group) < 4


#: When the coordinator is killed: as soon as the group is seen reconciling (in practice
#: every member short of its target: the fourth owns nothing yet, the others still own what
#: they must give up), or once some members reached their target.
MOMENTS: Final = {"start": reconciling, "midway": midway}


def unreconciled(group: ConsumerGroupDescription) -> int:
    """How many members do not own their target yet."""
    return sum(owned(m.assignment) != owned(m.target_assignment) for m in group.members)


def bump_group_epoch(cluster: ProcessCluster, coordinator: int) -> None:
    """``EPOCH_ROUNDS`` times, a member joins and leaves (raw ConsumerGroupHeartbeats)."""

    async def rounds() -> None:
        client = await WireClient.connect(cluster.address(coordinator))
        try:
            for n in range(EPOCH_ROUNDS):
                joined: ConsumerGroupHeartbeatResponse = await client.request(
                    ConsumerGroupHeartbeatRequest(
                        group_id=GROUP,
                        member_id=f"warm-up-{n}",
                        member_epoch=0,
                        rebalance_timeout_ms=5_000,
                        subscribed_topic_names=[TOPIC],
                        topic_partitions=[],
                    ),
                    HEARTBEAT_VERSION,
                )
                assert joined.error_code == 0, joined
                left: ConsumerGroupHeartbeatResponse = await client.request(
                    ConsumerGroupHeartbeatRequest(
                        group_id=GROUP, member_id=f"warm-up-{n}", member_epoch=-1
                    ),
                    HEARTBEAT_VERSION,
                )
                assert left.error_code == 0, left
        finally:
            await client.close()

    run(rounds)


class Writer(threading.Thread):
    """Produces 0, 1, 2, … (keys spread them over the partitions) until stopped, idempotent
    and acks=all; records what was acknowledged."""

    def __init__(self, bootstrap: str) -> None:
        super().__init__(daemon=True)
        self.producer = confluent_kafka.Producer(
            {
                "bootstrap.servers": bootstrap,
                "enable.idempotence": True,
                "acks": "all",
                "linger.ms": 2,
                "message.timeout.ms": 60_000,
                "socket.timeout.ms": 4_000,
                "retry.backoff.ms": 50,
            }
        )
        self.acked: list[int] = []
        self.failed: list[str] = []
        self._lock = threading.Lock()
        self._halt = threading.Event()

    def _delivered(self, err: Any, msg: Any) -> None:
        with self._lock:
            if err is None:
                self.acked.append(int(msg.value()))
            else:
                self.failed.append(str(err))

    @property
    def acked_count(self) -> int:
        with self._lock:
            return len(self.acked)

    def run(self) -> None:
        sent = 0
        while not self._halt.wait(0.004):  # paces the writer: a couple of hundred records/s
            value = str(sent).encode()
            try:
                self.producer.produce(TOPIC, key=value, value=value, on_delivery=self._delivered)
                sent += 1
            except BufferError:
                pass
            self.producer.poll(0)

    def finish(self) -> None:
        self._halt.set()
        self.join(PHASE_TIMEOUT_S)
        assert self.producer.flush(60) == 0, "records still undelivered"


@dataclass(frozen=True)
class Received:
    value: int
    at: float


class Member(threading.Thread):
    """A ``group.protocol=consumer`` member on its own thread: records each message, then
    commits it synchronously (retrying while the coordinator moves) before polling again."""

    def __init__(self, bootstrap: str) -> None:
        super().__init__(daemon=True)
        self.config = {
            "bootstrap.servers": bootstrap,
            "group.id": GROUP,
            "group.protocol": "consumer",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
        self.received: list[Received] = []
        self.assigned: frozenset[int] = frozenset()
        self.member_id = ""
        #: Commits given up on (their records may be consumed again).
        self.lost_commits: list[str] = []
        self.errors: list[object] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        consumer = confluent_kafka.Consumer(self.config)
        try:
            consumer.subscribe([TOPIC])
            while not self.stopping.is_set():
                msg = consumer.poll(0.05)
                self.assigned = frozenset(tp.partition for tp in consumer.assignment())
                self.member_id = consumer.memberid() or ""
                if msg is None:
                    continue
                if msg.error() is not None:
                    self.errors.append(msg.error())
                    continue
                self.received.append(Received(int(msg.value()), time.monotonic()))
                self._commit(consumer, msg)
        except Exception as exc:  # reported by the test
            self.errors.append(exc)
        finally:
            consumer.close()

    def _commit(self, consumer: Any, msg: Any) -> None:
        deadline = time.monotonic() + COMMIT_RETRY_S
        while True:
            try:
                consumer.commit(message=msg, asynchronous=False)
                return
            except confluent_kafka.KafkaException as exc:
                error = exc.args[0]
                # Fenced or removed: the partition is someone else's now; give the commit up.
                if error.name() in ("UNKNOWN_MEMBER_ID", "FENCED_MEMBER_EPOCH") or (
                    time.monotonic() > deadline
                ):
                    self.lost_commits.append(error.name())
                    return
                time.sleep(0.05)  # back off before committing again

    def stop(self) -> None:
        self.stopping.set()
        self.join(PHASE_TIMEOUT_S)
        assert not self.is_alive()


def converged(members: list[Member], group: ConsumerGroupDescription | None, floor: int) -> bool:
    """Every partition owned by exactly one of ``members``, as they see it and as the
    coordinator describes it (each member at its target and at the group's epoch), at a group
    epoch of ``floor`` or above."""
    mine = sorted(p for m in members for p in m.assigned)
    if mine != list(range(PARTITIONS)) or not all(m.assigned for m in members):
        return False
    if group is None or group.group_epoch < floor:
        return False
    if sorted(m.member_id for m in group.members) != sorted(m.member_id for m in members):
        return False
    described = sorted(p for m in group.members for p in owned(m.assignment))
    # Reconciled: every member at its target, at the group's (and the target's) epoch.
    return (
        described == list(range(PARTITIONS))
        and all(owned(m.assignment) == owned(m.target_assignment) for m in group.members)
        and group.assignment_epoch == group.group_epoch
        and {m.member_epoch for m in group.members} == {group.group_epoch}
    )


@pytest.mark.parametrize("moment", sorted(MOMENTS))
def test_coordinator_killed_mid_rebalance(tmp_path: Path, moment: str) -> None:
    started = time.monotonic()
    with running_cluster(tmp_path, settings=SETTINGS) as cluster:
        nodes = cluster.node_ids()
        cluster.create_topic(TOPIC, PARTITIONS, 3, **{"min.insync.replicas": "2"})
        coordinator = eventually_sync(
            lambda: find_coordinator(cluster, nodes),
            PHASE_TIMEOUT_S,
            "the group's coordinator",
            retry_on=(KafkaError,),
        )
        bump_group_epoch(cluster, coordinator)
        writer = Writer(cluster.bootstrap_servers)
        members = [Member(cluster.bootstrap_servers) for _ in range(3)]
        writer.start()
        for m in members:
            m.start()
        try:
            eventually_sync(
                lambda: (
                    converged(members, describe(cluster, nodes), 0)
                    and sum(len(m.received) for m in members) >= BATCH
                ),
                PHASE_TIMEOUT_S,
                "three members sharing the partitions and consuming",
            )
            # The coordinator may have moved while the topic's leaders settled: ask again.
            coordinator = find_coordinator(cluster, nodes)
            fourth = Member(cluster.bootstrap_servers)
            members.append(fourth)
            fourth.start()
            before = watch(cluster, coordinator, MOMENTS[moment])
            killed_at = time.monotonic()
            cluster.kill(coordinator)
            live = [n for n in nodes if n != coordinator]
            new_coordinator = eventually_sync(
                lambda: (n := find_coordinator(cluster, live)) in live and n,
                PHASE_TIMEOUT_S,
                "a new coordinator",
                retry_on=(KafkaError,),
            )
            after: ConsumerGroupDescription = eventually_sync(
                lambda: when(
                    describe(cluster, live), lambda g: converged(members, g, before.group_epoch)
                ),
                PHASE_TIMEOUT_S,
                "the group converged on the new coordinator",
                describe=lambda: [(m.member_id, sorted(m.assigned)) for m in members],
            )
            converged_at = time.monotonic()
            # The new coordinator replayed the group from __consumer_offsets.
            loaded = cluster.wait_for_line(new_coordinator, "loaded from partition")
            assert GROUP in loaded, loaded
            target = writer.acked_count + BATCH
            eventually_sync(lambda: writer.acked_count >= target, PHASE_TIMEOUT_S, "more writes")
        finally:
            writer.finish()
        try:
            acked = set(writer.acked)
            eventually_sync(
                lambda: acked <= {r.value for m in members for r in m.received},
                PHASE_TIMEOUT_S,
                "every acknowledged record consumed",
                describe=lambda: len(acked - {r.value for m in members for r in m.received}),
            )
        finally:
            for m in members:
                m.stop()
        cluster.restart(coordinator)
        for node in nodes:  # no broker failed a request or a task on the way
            assert "Traceback" not in cluster.log_path(node).read_text(errors="replace"), node

    assert not writer.failed, writer.failed[:3]
    received = [r for m in members for r in m.received]
    counts = Counter(r.value for r in received)
    duplicated = {v for v, c in counts.items() if c > 1}
    # A record consumed twice: its second consumption came after the kill (never before).
    first_seen: dict[int, float] = {}
    early_duplicates = []
    for r in sorted(received, key=lambda r: r.at):
        if r.value in first_seen and r.at < killed_at:
            early_duplicates.append(r.value)
        first_seen.setdefault(r.value, r.at)
    assert not early_duplicates, f"consumed twice before the kill: {early_duplicates[:10]}"
    assert not acked - set(counts), "records lost"
    assert not [e for m in members for e in m.errors if isinstance(e, Exception)]
    print(
        f"\n{moment}: killed with {unreconciled(before)} of 4 members short of their target; "
        f"epoch before the kill {before.group_epoch}, after {after.group_epoch}; "
        f"converged {converged_at - killed_at:.1f} s after the kill; "
        f"{len(acked)} records acknowledged, {len(received)} consumed, "
        f"{len(duplicated)} consumed twice ({sum(counts[v] - 1 for v in duplicated)} extra); "
        f"commits given up: {sum(len(m.lost_commits) for m in members)}; "
        f"test {time.monotonic() - started:.1f} s"
    )
