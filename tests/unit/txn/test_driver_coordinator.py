"""The transaction coordinator's driver around a scripted core: partitions it leads are loaded
with their leader epoch as coordinator epoch (requests answer COORDINATOR_LOAD_IN_PROGRESS
meanwhile), appends go to ``__transaction_state`` with acks=all and are reported, parked
requests get the core's answer, markers are written and reported, lost leadership unloads,
stop answers NOT_COORDINATOR."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from support.waiting import eventually

from broker.config import load_config
from broker.metadata.image import MetadataDelta, MetadataImage, PartitionImage, TopicImage
from broker.metadata.internal_topics import TRANSACTION_STATE_TOPIC
from broker.txn.driver import TransactionCoordinator, partition_for_transactional_id
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(30)

PARTITIONS = 3
TX = "tx"
TX_PARTITION = partition_for_transactional_id(TX, PARTITIONS)
DATA = TopicPartition("data", 0)


@dataclass
class Outcome:
    result: Any = None
    parked: int | None = None
    appends: list[Any] = field(default_factory=list)
    markers: list[Any] = field(default_factory=list)
    completions: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class TxnAppend:
    token: int
    partition: int
    key: bytes
    value: bytes | None


@dataclass(frozen=True)
class SendMarkers:
    transactional_id: str
    producer_id: int
    producer_epoch: int
    coordinator_epoch: int
    commit: bool
    partitions: frozenset[TopicPartition]


@dataclass(frozen=True)
class TxnCompletion:
    key: int
    result: object


class ScriptedCore:
    """EndTxn parks on one append; once it is durable the answer comes with the markers."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.loaded: dict[int, int] = {}

    def owns(self, transactional_id: str) -> ErrorCode:
        return ErrorCode.NONE

    def load(self, partition: int, epoch: int, records: Any, *, now_ms: int) -> Outcome:
        self.calls.append(("load", partition, epoch, list(records)))
        self.loaded[partition] = epoch
        return Outcome()

    def unload(self, partition: int, *, now_ms: int) -> Outcome:
        self.calls.append(("unload", partition))
        self.loaded.pop(partition, None)
        return Outcome(completions=[TxnCompletion(1, ErrorCode.NOT_COORDINATOR)])

    def end_txn(self, tid: str, pid: int, epoch: int, commit: bool, *, now_ms: int) -> Outcome:
        self.calls.append(("end_txn", tid, pid, epoch, commit))
        return Outcome(parked=1, appends=[TxnAppend(1, TX_PARTITION, b"key", b"prepare")])

    def append_completed(self, token: int, error: ErrorCode, *, now_ms: int) -> Outcome:
        self.calls.append(("append_completed", token, error))
        if error is not ErrorCode.NONE:
            return Outcome(completions=[TxnCompletion(1, ErrorCode.COORDINATOR_NOT_AVAILABLE)])
        epoch = self.loaded[TX_PARTITION]
        return Outcome(
            completions=[TxnCompletion(1, ErrorCode.NONE)],
            markers=[SendMarkers(TX, 7, 0, epoch, True, frozenset({DATA}))],
        )

    def markers_written(self, tid: str, pid: int, epoch: int, *, now_ms: int) -> Outcome:
        self.calls.append(("markers_written", tid, pid, epoch))
        return Outcome()

    def next_deadline_ms(self) -> int | None:
        return None

    def add_partitions(
        self, tid: str, pid: int, epoch: int, tps: Any, *, verify_only: bool, now_ms: int
    ) -> Outcome:
        assert verify_only
        return Outcome(result={tp: ErrorCode.INVALID_TXN_STATE for tp in tps})

    def list_transactions(
        self, states: Any, producer_ids: Any, min_duration_ms: int, *, now_ms: int
    ) -> list[str]:
        return ["listing"]

    def tick(self, now_ms: int) -> Outcome:
        return Outcome()


@dataclass
class Result:
    error_code: ErrorCode = ErrorCode.NONE


class FakeAcknowledgement:
    """``replication.appends.Acknowledgement``'s interface over a future."""

    def __init__(self, future: asyncio.Future[None]) -> None:
        self._future = future

    def __await__(self) -> Any:
        return self._future.__await__()

    def done(self) -> bool:
        return self._future.done()

    def add_done_callback(self, callback: Any) -> None:
        self._future.add_done_callback(lambda f: None if f.cancelled() else callback())

    def cancel(self) -> None:
        self._future.cancel()


class FakeReplicas:
    def __init__(self) -> None:
        self.appended: list[tuple[str, int, bytes]] = []
        self.markers: list[tuple[TopicPartition, int, bool]] = []
        self.pending: asyncio.Future[None] | None = None
        self.log_manager = self
        self.fetchers = self  # the replica fetchers' endpoints and security, for markers
        self.security = None
        #: Partitions whose logs await their recovery (after an unclean stop): opened by
        #: ``open_partitions`` (on worker threads in the broker), never by an append.
        self.unopened: set[tuple[str, int]] = set()
        self.opened: list[tuple[str, int]] = []

    def get_log(self, tp: TopicPartition, *, now_ms: int) -> None:
        return None  # never written: loads are empty

    async def recover_logs(self, tps: Any, *, now_ms: int) -> None:
        return None  # nothing awaits its recovery

    def endpoint_of(self, node: int) -> None:
        return None

    def append(self, topic: str, partition: int, records: bytes, **kw: Any) -> Result:
        assert kw["required_acks"] == -1
        self.appended.append((topic, partition, records))
        return Result()

    def needs_opening(self, wanted: Any) -> bool:
        return any(tp in self.unopened for tp in wanted)

    async def open_partitions(self, wanted: Any) -> None:
        for tp in wanted:
            if tp in self.unopened:
                self.unopened.discard(tp)
                self.opened.append(tp)

    def write_txn_marker(self, topic: str, partition: int, **kw: Any) -> Result:
        assert (topic, partition) not in self.unopened, "a marker's append opened the log"
        self.markers.append(
            (TopicPartition(topic, partition), kw["coordinator_epoch"], kw["commit"])
        )
        return Result()

    def acknowledge(self, results: Any, acks: int, timeout_ms: int) -> Any:
        assert acks == -1
        if self.pending is not None:
            return FakeAcknowledgement(self.pending)
        return None  # acknowledged already


class FakeController:
    def __init__(self, image: MetadataImage) -> None:
        self.image = image

    def try_allocate_producer_id(self) -> int:
        return 1000


def image(leaders: dict[int, tuple[int, int]]) -> MetadataImage:
    """``__transaction_state`` and ``data`` with partition -> (leader, leader epoch)."""
    parts = {
        p: PartitionImage(p, (1, 2), (1, 2), leader, epoch, 0)
        for p, (leader, epoch) in leaders.items()
    }
    txn = TopicImage(TRANSACTION_STATE_TOPIC, uuid.uuid4(), parts)
    data = TopicImage("data", uuid.uuid4(), {0: PartitionImage(0, (1,), (1,), 1, 0, 0)})
    return MetadataImage(topics_by_name={txn.name: txn, "data": data})


async def started(
    leaders: dict[int, tuple[int, int]],
) -> tuple[TransactionCoordinator, ScriptedCore, FakeReplicas]:
    config = load_config(None, {"node.id": 1})
    core = ScriptedCore()
    replicas = FakeReplicas()
    tc = TransactionCoordinator(
        config,
        FakeController(image(leaders)),  # type: ignore[arg-type]
        replicas,  # type: ignore[arg-type]
        clock_ms=lambda: 5000,
        core_factory=lambda cfg, n: cast(Any, core),
    )
    await tc.start()
    return tc, core, replicas


async def test_partitions_led_here_load_with_their_leader_epoch() -> None:
    tc, core, _ = await started({0: (1, 4), 1: (2, 1), 2: (1, 9)})
    try:
        assert tc.num_partitions == PARTITIONS
        assert tc.owned_partitions == {0, 2}
        await tc.wait_loaded(10)
        assert core.loaded == {0: 4, 2: 9}
        for p in (0, 2):
            assert ("load", p, core.loaded[p], []) in core.calls
        other = next(
            t for t in ("a", "b", "c", "d", "e") if partition_for_transactional_id(t, 3) == 1
        )
        assert tc.availability(other) is ErrorCode.NOT_COORDINATOR
        assert tc.coordinator_for(other) == (ErrorCode.NONE, 2)
    finally:
        await tc.stop()


async def test_requests_wait_for_the_load() -> None:
    tc, _, _ = await started({p: (1, 1) for p in range(PARTITIONS)})
    try:
        # start() only queued the loads: nothing ran yet.
        assert tc.availability(TX) is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        assert await tc.end_txn(TX, 7, 0, True) is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        await tc.wait_loaded(10)
        assert tc.availability(TX) is ErrorCode.NONE
    finally:
        await tc.stop()


async def test_end_txn_is_answered_once_durable_then_markers_are_written_and_reported() -> None:
    tc, core, replicas = await started({p: (1, 3) for p in range(PARTITIONS)})
    try:
        await tc.wait_loaded(10)
        replicas.pending = asyncio.get_running_loop().create_future()
        answer = asyncio.ensure_future(tc.end_txn(TX, 7, 0, True))
        await eventually(lambda: replicas.appended, 10, "PREPARE_COMMIT appended")
        [(topic, partition, _)] = replicas.appended
        assert (topic, partition) == (TRANSACTION_STATE_TOPIC, TX_PARTITION)
        assert not answer.done()  # parked until the append is acknowledged
        replicas.pending.set_result(None)
        assert await answer is ErrorCode.NONE
        await eventually(
            lambda: ("markers_written", TX, 7, 0) in core.calls, 10, "markers reported"
        )
        assert replicas.markers == [(DATA, 3, True)]
        assert ("append_completed", 1, ErrorCode.NONE) in core.calls
    finally:
        await tc.stop()


async def test_losing_leadership_unloads_and_answers_parked_requests() -> None:
    tc, core, replicas = await started({p: (1, 3) for p in range(PARTITIONS)})
    try:
        await tc.wait_loaded(10)
        replicas.pending = asyncio.get_running_loop().create_future()  # never acknowledged
        answer = asyncio.ensure_future(tc.end_txn(TX, 7, 0, True))
        await eventually(lambda: replicas.appended, 10, "appended")
        moved = {p: (1, 3) for p in range(PARTITIONS)}
        moved[TX_PARTITION] = (2, 4)
        new_image = image(moved)
        tc.controller.image = new_image  # type: ignore[misc]
        tc.on_metadata(new_image, MetadataDelta(new_image))
        assert ("unload", TX_PARTITION) in core.calls
        assert await answer is ErrorCode.NOT_COORDINATOR
        assert tc.availability(TX) is ErrorCode.NOT_COORDINATOR
        # A new leader epoch here is a new coordinator epoch: reloaded.
        back = {p: (1, 3) for p in range(PARTITIONS)}
        back[TX_PARTITION] = (1, 5)
        new_image = image(back)
        tc.controller.image = new_image  # type: ignore[misc]
        tc.on_metadata(new_image, MetadataDelta(new_image))
        await tc.wait_loaded(10)
        assert core.loaded[TX_PARTITION] == 5
    finally:
        await tc.stop()


async def test_stop_answers_parked_requests_not_coordinator() -> None:
    tc, _, replicas = await started({p: (1, 3) for p in range(PARTITIONS)})
    await tc.wait_loaded(10)
    replicas.pending = asyncio.get_running_loop().create_future()
    answer = asyncio.ensure_future(tc.end_txn(TX, 7, 0, True))
    await eventually(lambda: replicas.appended, 10, "appended")
    await tc.stop()
    assert await answer is ErrorCode.NOT_COORDINATOR
    assert tc.availability(TX) is ErrorCode.NOT_COORDINATOR


async def test_without_the_topic_requests_answer_coordinator_not_available() -> None:
    config = load_config(None, {"node.id": 1})
    tc = TransactionCoordinator(
        config,
        FakeController(MetadataImage()),  # type: ignore[arg-type]
        FakeReplicas(),  # type: ignore[arg-type]
        core_factory=lambda cfg, n: cast(Any, ScriptedCore()),
    )
    created: list[bool] = []
    tc._creator.ensure_soon = lambda: created.append(True)  # type: ignore[method-assign]
    await tc.start()
    try:
        assert tc.coordinator_for(TX) == (ErrorCode.COORDINATOR_NOT_AVAILABLE, -1)
        assert await tc.end_txn(TX, 1, 0, True) is ErrorCode.COORDINATOR_NOT_AVAILABLE
        assert created  # the topic is created on demand
    finally:
        await tc.stop()


async def test_list_and_verify_follow_loading_and_ownership() -> None:
    tc, _, _ = await started({0: (1, 1), 1: (2, 1), 2: (1, 1)})
    try:
        other = next(t for t in "abcdefgh" if partition_for_transactional_id(t, 3) == 1)
        mine = next(t for t in "abcdefgh" if partition_for_transactional_id(t, 3) != 1)
        listed: Any = tc.list_transactions([], [])
        assert listed == (ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, [])
        verdict = tc.verify_locally(mine, 7, 0, DATA)
        assert verdict is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        await tc.wait_loaded(10)
        listed = tc.list_transactions(["Ongoing"], [7])
        assert listed == (ErrorCode.NONE, ["listing"])
        assert tc.verify_locally(other, 7, 0, DATA) is None  # coordinated elsewhere
        assert tc.verify_locally(mine, 7, 0, DATA) is ErrorCode.INVALID_TXN_STATE
    finally:
        await tc.stop()


async def test_markers_to_a_partition_awaiting_recovery_have_it_opened_first() -> None:
    """A partition led here whose log awaits its recovery (after an unclean stop) is opened
    through ``open_partitions`` (its recovery on worker threads) before the marker is
    appended, not by the append on the event loop."""
    tc, core, replicas = await started({p: (1, 3) for p in range(PARTITIONS)})
    try:
        await tc.wait_loaded(10)
        replicas.unopened.add((DATA.topic, DATA.partition))
        assert await tc.end_txn(TX, 7, 0, True) is ErrorCode.NONE
        await eventually(
            lambda: ("markers_written", TX, 7, 0) in core.calls, 10, "markers reported"
        )
        assert replicas.opened == [(DATA.topic, DATA.partition)]
        assert replicas.markers == [(DATA, 3, True)]
    finally:
        await tc.stop()
