"""Small applications the fault-injection tests run against a broker with faults armed: an
idempotent confluent-kafka producer that keeps every delivery report, a confluent-kafka group
consumer that commits after processing and counts what it could not commit, a reader of a
topic's log from the beginning, and the at-least-once tally of what a group consumed.

What they check is what an application relies on: every record stored once and in order (the
producer), and no record lost with only as many duplicates as uncommitted records allow (the
group)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import confluent_kafka
from support.confluent_ops import OP_TIMEOUT_S
from support.waiting import eventually_sync

from broker.app import Broker
from broker.faults import Fault
from broker.faults.plan import MAX_HISTORY

#: Retries at once: an injected error is answered quickly, so the clients need not wait long
#: before trying again (librdkafka's default backoff is 100 ms, growing to 1 s).
FAST_RETRIES: Final[dict[str, Any]] = {"retry.backoff.ms": 10, "retry.backoff.max.ms": 200}
#: Group timings that let a forced rebalance finish in well under a second: members learn of
#: it from their next heartbeat. The session is short because librdkafka (2.16), when the
#: coordinator connection drops under a synchronous OffsetCommit, fails the retried commit each
#: time it finds the coordinator again and so marks it dead again: no heartbeat leaves until
#: the session expires (the member is then expelled and rejoins). 3 s is still ten heartbeats.
#: The broker's `group.min.session.timeout.ms` must allow it.
FAST_GROUP: Final[dict[str, Any]] = {"heartbeat.interval.ms": 300, "session.timeout.ms": 3000}
#: How long a group member's poll waits: short, so that a stop request is seen at once.
POLL_S: Final = 0.05
#: A steady producer's pause between its batches: an application's own pace, a few hundred
#: records a second.
PRODUCE_PAUSE_S: Final = 0.05


def firings(broker: Broker, faults: Iterable[Fault]) -> Counter[int]:
    """How many times each of ``faults`` fired, from the broker's firing history."""
    ids = {fault.fault_id for fault in faults}
    return Counter(f.fault_id for f in broker.faults.history(MAX_HISTORY) if f.fault_id in ids)


def wait_fired(broker: Broker, fault: Fault, times: int = 1) -> None:
    """Wait until ``fault`` fired ``times`` times."""
    eventually_sync(
        lambda: firings(broker, [fault])[fault.fault_id] >= times,
        OP_TIMEOUT_S,
        f"{fault.describe()} fired {times} time(s)",
        describe=lambda: [f.describe() for f in broker.faults.history(MAX_HISTORY)][-10:],
    )


class DeliveryLog:
    """The delivery reports of a confluent-kafka producer: (value, partition, offset, error)."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, int, int]] = []
        self.failed: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(
        self, error: confluent_kafka.KafkaError | None, msg: confluent_kafka.Message
    ) -> None:
        value = (msg.value() or b"").decode()
        with self._lock:
            if error is not None:
                self.failed.append((value, str(error)))
            else:
                self.delivered.append((value, msg.partition() or 0, msg.offset() or 0))


def idempotent_producer(bootstrap: str, client_id: str, **conf: Any) -> confluent_kafka.Producer:
    """A confluent-kafka producer with ``enable.idempotence=true`` and quick retries."""
    return confluent_kafka.Producer(
        {
            "bootstrap.servers": bootstrap,
            "client.id": client_id,
            "enable.idempotence": True,
            "linger.ms": 2,
            **FAST_RETRIES,
            **conf,
        }
    )


def produce_values(
    producer: confluent_kafka.Producer, topic: str, values: list[str], log: DeliveryLog
) -> None:
    """Produce each value (keyed by itself) and wait until every one is reported."""
    for value in values:
        producer.produce(topic, key=value.encode(), value=value.encode(), on_delivery=log)
        producer.poll(0)
    assert producer.flush(OP_TIMEOUT_S) == 0, "records still undelivered"


def read_partitions(bootstrap: str, topic: str, partitions: int) -> dict[int, list[str]]:
    """Every record's value in each partition of ``topic``, from offset 0 to the high
    watermark, in log order."""
    consumer = confluent_kafka.Consumer(
        # Partitions are assigned, not subscribed: the group id is never used.
        {
            "bootstrap.servers": bootstrap,
            "group.id": "fault-tests-reader",
            "enable.auto.commit": False,
        }
    )
    try:
        ends = {
            p: consumer.get_watermark_offsets(
                confluent_kafka.TopicPartition(topic, p), OP_TIMEOUT_S
            )[1]
            for p in range(partitions)
        }
        consumer.assign(
            [
                confluent_kafka.TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING)
                for p in range(partitions)
            ]
        )
        got: dict[int, list[str]] = {p: [] for p in range(partitions)}
        deadline = time.monotonic() + OP_TIMEOUT_S
        while any(len(got[p]) < ends[p] for p in got):
            assert time.monotonic() < deadline, f"read {got} of {ends}"
            msg = consumer.poll(POLL_S)
            if msg is None:
                continue
            assert msg.error() is None, msg.error()
            got[msg.partition() or 0].append((msg.value() or b"").decode())
        return got
    finally:
        consumer.close()


@dataclass
class GroupTally:
    """What a group's members consumed, and how many records they processed but could not
    commit (the ones at-least-once may hand out again)."""

    consumed: list[str]
    uncommitted: int

    @property
    def duplicates(self) -> int:
        return len(self.consumed) - len(set(self.consumed))

    def check(self, produced: list[str]) -> str:
        """Assert no loss and duplicates bounded by the uncommitted; a one-line account."""
        lost = set(produced) - set(self.consumed)
        assert not lost, f"{len(lost)} record(s) lost, e.g. {sorted(lost)[:5]}"
        assert set(self.consumed) <= set(produced), "consumed records nobody produced"
        assert self.duplicates <= self.uncommitted, (
            f"{self.duplicates} duplicates, but only {self.uncommitted} records were processed "
            "without a successful commit"
        )
        repeated = sorted(v for v, n in Counter(self.consumed).items() if n > 1)
        return (
            f"{len(produced)} produced, {len(self.consumed)} consumed, {self.duplicates} "
            f"duplicate(s) {repeated[:10]}, {self.uncommitted} processed but not committed"
        )


class GroupMember(threading.Thread):
    """A confluent-kafka group consumer on its own thread: processes each record (keeps its
    value), then commits it synchronously before polling again. A commit that fails (a
    rebalance took the partition, the connection dropped) is counted, not retried: that record
    is "processed but uncommitted", the only kind at-least-once may deliver again."""

    def __init__(
        self, bootstrap: str, group: str, topic: str, client_id: str, protocol: str = "classic"
    ) -> None:
        super().__init__(daemon=True, name=f"group-member-{client_id}")
        self.config: dict[str, Any] = {
            "bootstrap.servers": bootstrap,
            "client.id": client_id,
            "group.id": group,
            "group.protocol": protocol,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            # A KIP-848 member takes its heartbeat interval and session from the coordinator.
            **(FAST_GROUP if protocol == "classic" else {}),
            **FAST_RETRIES,
        }
        self.topic = topic
        self.values: list[str] = []
        self.assigned: frozenset[int] = frozenset()
        #: Assignments received (the first, then one per rebalance the member went through).
        self.assignments = 0
        self.failed_commits: list[str] = []
        self.errors: list[object] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        consumer = confluent_kafka.Consumer(self.config)
        try:
            consumer.subscribe([self.topic], on_assign=self._on_assign)
            while not self.stopping.is_set():
                msg = consumer.poll(POLL_S)
                self.assigned = frozenset(tp.partition for tp in consumer.assignment())
                if msg is None:
                    continue
                error = msg.error()
                if error is not None:
                    if error.fatal():
                        self.errors.append(error)
                    continue  # transient: librdkafka recovers on its own
                self.values.append((msg.value() or b"").decode())
                try:
                    consumer.commit(message=msg, asynchronous=False)
                except confluent_kafka.KafkaException as exc:
                    self.failed_commits.append(str(exc))
        except Exception as exc:  # reported by the test
            self.errors.append(exc)
        finally:
            consumer.close()

    def _on_assign(
        self, consumer: confluent_kafka.Consumer, partitions: list[confluent_kafka.TopicPartition]
    ) -> None:
        self.assignments += 1

    def stop(self) -> None:
        self.stopping.set()
        self.join(OP_TIMEOUT_S)
        assert not self.is_alive(), f"{self.name} did not stop"


def tally(members: list[GroupMember]) -> GroupTally:
    """The members' consumption, together."""
    return GroupTally(
        [v for m in members for v in m.values], sum(len(m.failed_commits) for m in members)
    )


def wait_consumed(members: list[GroupMember], produced: list[str]) -> None:
    """Wait until the members consumed every value of ``produced``."""
    want = set(produced)

    def missing() -> int:
        return len(want - {v for m in members for v in m.values})

    eventually_sync(
        lambda: missing() == 0,
        OP_TIMEOUT_S,
        f"the group consumed all {len(want)} records",
        describe=lambda: f"{missing()} missing; errors {[m.errors for m in members]}",
    )


def wait_stable(members: list[GroupMember], partitions: int) -> None:
    """Wait until every member owns partitions and together they own each once (the group
    is stable: a member alone with every partition may be waiting for the others to join)."""

    def stable() -> bool:
        owned = [m.assigned for m in members]
        return all(owned) and sorted(p for o in owned for p in o) == list(range(partitions))

    eventually_sync(
        stable,
        OP_TIMEOUT_S,
        f"{len(members)} members share {partitions} partitions",
        describe=lambda: [sorted(m.assigned) for m in members],
    )


def wait_reassigned(members: list[GroupMember], before: list[int]) -> None:
    """Wait until every member was assigned partitions again since it had ``before``
    assignments (it went through a rebalance)."""
    eventually_sync(
        lambda: all(m.assignments > n for m, n in zip(members, before, strict=True)),
        OP_TIMEOUT_S,
        "every member assigned partitions again",
        describe=lambda: f"assignments {[m.assignments for m in members]}, before {before}",
    )


class SteadyProducer(threading.Thread):
    """An idempotent confluent-kafka producer on its own thread: ``batch`` records every
    PRODUCE_PAUSE_S until stopped, values numbered from 0 with ``prefix``."""

    def __init__(
        self, bootstrap: str, topic: str, client_id: str, prefix: str, batch: int = 10
    ) -> None:
        super().__init__(daemon=True, name=f"steady-producer-{client_id}")
        self.producer = idempotent_producer(bootstrap, client_id)
        self.topic = topic
        self.prefix = prefix
        self.batch = batch
        self.produced: list[str] = []
        self.log = DeliveryLog()
        self.errors: list[BaseException] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(PRODUCE_PAUSE_S):
                start = len(self.produced)
                values = [f"{self.prefix}{i:06d}" for i in range(start, start + self.batch)]
                for value in values:
                    self.producer.produce(
                        self.topic, key=value.encode(), value=value.encode(), on_delivery=self.log
                    )
                self.produced.extend(values)
                self.producer.poll(0)
        except BaseException as exc:  # reported by the test
            self.errors.append(exc)

    def stop(self) -> list[str]:
        """Stop producing, wait for every delivery report; the values produced."""
        self.stopping.set()
        self.join(OP_TIMEOUT_S)
        assert not self.is_alive(), f"{self.name} did not stop"
        assert not self.errors, self.errors
        assert self.producer.flush(OP_TIMEOUT_S) == 0, "records still undelivered"
        return list(self.produced)
