"""The transaction handlers' shaping: the dispatch table's entries, error responses at every
version, PRODUCER_FENCED answered as INVALID_PRODUCER_EPOCH to older clients, AddPartitionsToTxn
with unknown partitions, WriteTxnMarkers for partitions not led here, InitProducerId and
FindCoordinator for transactional ids, and the produce path's KIP-890 verification."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, cast

import pytest

import protocol.messages
from broker.config import load_config
from broker.handlers import build_dispatch_table, transactions
from broker.handlers.base import BrokerServices, RequestContext
from broker.handlers.produce import REMOTE_VERIFICATION, RemoteCheck, txn_verification_error
from broker.handlers.recovery_wait import AppendQueue
from broker.metadata.image import MetadataImage, PartitionImage, TopicImage
from broker.replication.appends import AppendFailure
from broker.replication.pauses import ProducePauses
from broker.telemetry import TopicTraffic
from broker.txn.driver import InitPidAnswer
from protocol.errors import ErrorCode, NotLeaderOrFollowerError
from protocol.headers import RequestHeader
from protocol.messages import (
    AddOffsetsToTxnRequest,
    AddPartitionsToTxnRequest,
    AddPartitionsToTxnResponse,
    EndTxnRequest,
    EndTxnResponse,
    FindCoordinatorRequest,
    FindCoordinatorResponse,
    InitProducerIdRequest,
    InitProducerIdResponse,
    Message,
    WriteTxnMarkersRequest,
    WriteTxnMarkersResponse,
)
from protocol.records import RecordBatchBuilder
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(30)

_Topic = AddPartitionsToTxnRequest.AddPartitionsToTxnTopic
_Marker = WriteTxnMarkersRequest.WritableTxnMarker

REQUESTS: dict[int, Message] = {
    22: InitProducerIdRequest(transactional_id="tx", transaction_timeout_ms=60_000),
    24: AddPartitionsToTxnRequest(
        v3_and_below_transactional_id="tx",
        v3_and_below_producer_id=7,
        v3_and_below_producer_epoch=0,
        v3_and_below_topics=[
            _Topic(name="data", partitions=[0, 1]),
            _Topic(name="x", partitions=[0]),
        ],
    ),
    25: AddOffsetsToTxnRequest(
        transactional_id="tx", producer_id=7, producer_epoch=0, group_id="g"
    ),
    26: EndTxnRequest(transactional_id="tx", producer_id=7, producer_epoch=0, committed=True),
    27: WriteTxnMarkersRequest(
        markers=[
            _Marker(
                producer_id=7,
                producer_epoch=0,
                transaction_result=True,
                topics=[
                    _Marker.WritableTxnMarkerTopic(name="data", partition_indexes=[0, 1]),
                    _Marker.WritableTxnMarkerTopic(name="gone", partition_indexes=[3]),
                ],
                coordinator_epoch=2,
            )
        ]
    ),
}


def image(*, with_x: bool = False) -> MetadataImage:
    """``data`` with partition 0 led by broker 2 and partition 1 by broker 3 (and ``x``, one
    partition led by broker 2, if asked)."""
    parts = {p: PartitionImage(p, (2, 3), (2, 3), 2 + p, 0, 0) for p in (0, 1)}
    topics = {"data": TopicImage("data", uuid.uuid4(), parts)}
    if with_x:
        topics["x"] = TopicImage("x", uuid.uuid4(), {0: parts[0]})
    return MetadataImage(topics_by_name=topics)


@dataclass
class FakeCoordinator:
    """Answers every request with ``error``; records what it was asked."""

    error: ErrorCode = ErrorCode.NONE
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    verify: ErrorCode | None = None

    async def init_producer_id(
        self, tid: str, timeout_ms: int, pid: int, epoch: int
    ) -> InitPidAnswer:
        self.calls.append(("init", tid, timeout_ms, pid, epoch))
        if self.error is not ErrorCode.NONE:
            return InitPidAnswer(self.error)
        return InitPidAnswer(ErrorCode.NONE, 42, 3)

    async def add_partitions(
        self,
        tid: str,
        pid: int,
        epoch: int,
        tps: list[TopicPartition],
        *,
        verify_only: bool = False,
    ) -> dict[TopicPartition, ErrorCode]:
        self.calls.append(("verify" if verify_only else "add", tid, pid, epoch, list(tps)))
        return dict.fromkeys(tps, self.error)

    async def end_txn(self, tid: str, pid: int, epoch: int, commit: bool) -> ErrorCode:
        self.calls.append(("end", tid, pid, epoch, commit))
        return self.error

    def describe(self, tid: str) -> Any:
        if tid == "missing":
            return ErrorCode.TRANSACTIONAL_ID_NOT_FOUND
        return Description(tid)

    def list_transactions(
        self, states: Any, producer_ids: Any, duration: int
    ) -> tuple[ErrorCode, list[Any]]:
        self.calls.append(("list", list(states), list(producer_ids), duration))
        return self.error, [Listing("tx", 7, "Ongoing")]

    def coordinator_for(self, tid: str) -> tuple[ErrorCode, int]:
        return ErrorCode.NONE, 1

    async def verify_remotely(
        self, tid: str, pid: int, epoch: int, tp: TopicPartition
    ) -> ErrorCode:
        self.calls.append(("remote", tid, pid, epoch, tp))
        return ErrorCode.NONE if tp.partition == 0 else ErrorCode.INVALID_TXN_STATE

    def verify_locally(
        self, tid: str, pid: int, epoch: int, tp: TopicPartition
    ) -> ErrorCode | None:
        self.calls.append(("verify", tid, pid, epoch, tp))
        return self.verify


@dataclass
class Description:
    transactional_id: str
    state: str = "Ongoing"
    producer_id: int = 7
    producer_epoch: int = 1
    transaction_timeout_ms: int = 60_000
    transaction_start_time_ms: int = 1234
    partitions: tuple[TopicPartition, ...] = (
        TopicPartition("a", 0),
        TopicPartition("a", 2),
        TopicPartition("b", 1),
    )


@dataclass
class Listing:
    transactional_id: str
    producer_id: int
    state: str


class _NothingToRecover:
    """A log manager after a clean start, as Produce sees it first."""

    unrecovered_count = 0


@dataclass
class FakeServices:
    txn_coordinator: FakeCoordinator | None = None
    image: MetadataImage = field(default_factory=image)
    node_id: int = 1
    group_coordinator: None = None
    advertised_host: str = "h"
    advertised_port: int = 9092
    replica_manager: Any = None
    log_manager: Any = field(default_factory=_NothingToRecover)
    append_queue: AppendQueue = field(default_factory=AppendQueue)
    clock_ms: Any = lambda: 1000
    config: Any = field(default_factory=lambda: load_config(None, {"node.id": 1}))
    traffic: TopicTraffic = field(default_factory=TopicTraffic)

    def authorizer_for_image(self) -> None:
        """Authorization is off."""
        return None


def call(services: FakeServices, api_key: int, version: int, request: Message) -> Message:
    handler = build_dispatch_table()[api_key]
    header = RequestHeader(api_key=api_key, api_version=version, correlation_id=1)
    answer = handler.handle(cast(BrokerServices, services), RequestContext(header), request)
    if isinstance(answer, Awaitable):
        raise AssertionError("expected an answer at once")
    assert isinstance(answer, Message)
    return answer


async def call_async(services: FakeServices, api_key: int, version: int, request: Message) -> Any:
    handler = build_dispatch_table()[api_key]
    header = RequestHeader(api_key=api_key, api_version=version, correlation_id=1)
    answer = handler.handle(cast(BrokerServices, services), RequestContext(header), request)
    if isinstance(answer, Awaitable):
        answer = await answer
    return answer


def test_transaction_apis_are_in_the_dispatch_table() -> None:
    table = build_dispatch_table()
    assert {k: (table[k].min_version, table[k].max_version) for k in REQUESTS} == {
        22: (0, 4),
        24: (0, transactions.ADD_PARTITIONS_MAX_VERSION),
        25: (0, 3),
        26: (0, 3),
        27: (0, 1),
    }
    assert all(table[h.api_key] is h for h in transactions.HANDLERS)


@pytest.mark.parametrize("api_key", sorted(REQUESTS))
@pytest.mark.parametrize("code", [ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.PRODUCER_FENCED])
def test_error_responses_encode_at_every_version(api_key: int, code: ErrorCode) -> None:
    handler = build_dispatch_table()[api_key]
    for version in range(handler.min_version, handler.max_version + 1):
        response = handler.error_response(REQUESTS[api_key], version, code)
        data = response.encode(version)
        assert type(response).decode(data, version).encode(version) == data


@pytest.mark.parametrize(("api_key", "since"), [(22, 4), (24, 2), (25, 2), (26, 2)])
def test_producer_fenced_is_invalid_producer_epoch_for_older_clients(
    api_key: int, since: int
) -> None:
    handler = build_dispatch_table()[api_key]
    for version in range(handler.min_version, handler.max_version + 1):
        response = handler.error_response(REQUESTS[api_key], version, ErrorCode.PRODUCER_FENCED)
        if isinstance(response, AddPartitionsToTxnResponse) and version >= 4:
            code = response.error_code  # type: ignore[attr-defined, unused-ignore]
        elif isinstance(response, AddPartitionsToTxnResponse):
            codes = {
                p.partition_error_code
                for t in response.results_by_topic_v3_and_below
                for p in t.results_by_partition
            }
            [code] = codes
        else:
            code = response.error_code  # type: ignore[attr-defined]
        expected = (
            ErrorCode.PRODUCER_FENCED if version >= since else ErrorCode.INVALID_PRODUCER_EPOCH
        )
        assert code == expected, version


@pytest.mark.parametrize("api_key", [24, 25, 26])
def test_without_a_coordinator_the_answer_is_coordinator_not_available(api_key: int) -> None:
    services = FakeServices(image=image(with_x=True))
    handler = build_dispatch_table()[api_key]
    for version in range(handler.min_version, handler.max_version + 1):
        answer = call(services, api_key, version, REQUESTS[api_key])
        expected = handler.error_response(
            REQUESTS[api_key], version, ErrorCode.COORDINATOR_NOT_AVAILABLE
        )
        assert answer.encode(version) == expected.encode(version)


def test_add_partitions_with_an_unknown_partition_adds_nothing() -> None:
    tc = FakeCoordinator()
    answer = call(FakeServices(tc), 24, 3, REQUESTS[24])
    assert isinstance(answer, AddPartitionsToTxnResponse)
    got = {
        (t.name, p.partition_index): p.partition_error_code
        for t in answer.results_by_topic_v3_and_below
        for p in t.results_by_partition
    }
    assert got == {
        ("data", 0): ErrorCode.OPERATION_NOT_ATTEMPTED,
        ("data", 1): ErrorCode.OPERATION_NOT_ATTEMPTED,
        ("x", 0): ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    }
    assert tc.calls == []


async def test_add_partitions_goes_to_the_coordinator() -> None:
    tc = FakeCoordinator(ErrorCode.CONCURRENT_TRANSACTIONS)
    request = AddPartitionsToTxnRequest(
        v3_and_below_transactional_id="tx",
        v3_and_below_producer_id=7,
        v3_and_below_producer_epoch=1,
        v3_and_below_topics=[_Topic(name="data", partitions=[1, 0])],
    )
    answer = await call_async(FakeServices(tc), 24, 1, request)
    assert tc.calls == [("add", "tx", 7, 1, [TopicPartition("data", 1), TopicPartition("data", 0)])]
    [topic] = answer.results_by_topic_v3_and_below
    assert {p.partition_error_code for p in topic.results_by_partition} == {
        ErrorCode.CONCURRENT_TRANSACTIONS
    }


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (1, ErrorCode.INVALID_PRODUCER_EPOCH),
        (2, ErrorCode.PRODUCER_FENCED),
        (3, ErrorCode.PRODUCER_FENCED),
    ],
)
async def test_end_txn_maps_producer_fenced_by_version(version: int, expected: ErrorCode) -> None:
    tc = FakeCoordinator(ErrorCode.PRODUCER_FENCED)
    answer = await call_async(FakeServices(tc), 26, version, REQUESTS[26])
    assert isinstance(answer, EndTxnResponse)
    assert answer.error_code == expected
    assert tc.calls == [("end", "tx", 7, 0, True)]


async def test_init_producer_id_with_a_transactional_id_goes_to_the_coordinator() -> None:
    tc = FakeCoordinator()
    request = InitProducerIdRequest(
        transactional_id="tx", transaction_timeout_ms=5000, producer_id=9, producer_epoch=2
    )
    answer = await call_async(FakeServices(tc), 22, 3, request)
    assert isinstance(answer, InitProducerIdResponse)
    assert (answer.error_code, answer.producer_id, answer.producer_epoch) == (0, 42, 3)
    answer = await call_async(FakeServices(tc), 22, 2, request)  # no id and epoch before v3
    assert tc.calls == [("init", "tx", 5000, 9, 2), ("init", "tx", 5000, -1, -1)]
    tc.error = ErrorCode.PRODUCER_FENCED
    answer = await call_async(FakeServices(tc), 22, 3, request)
    assert (answer.error_code, answer.producer_id) == (ErrorCode.INVALID_PRODUCER_EPOCH, -1)
    answer = await call_async(FakeServices(tc), 22, 4, request)
    assert answer.error_code == ErrorCode.PRODUCER_FENCED


def test_init_producer_id_with_an_empty_transactional_id_is_invalid() -> None:
    request = InitProducerIdRequest(transactional_id="", transaction_timeout_ms=5000)
    answer = call(FakeServices(FakeCoordinator()), 22, 4, request)
    assert answer.error_code == ErrorCode.INVALID_REQUEST  # type: ignore[attr-defined]


def test_find_coordinator_for_a_transactional_id() -> None:
    request = FindCoordinatorRequest(key="tx", key_type=1)
    answer = call(FakeServices(FakeCoordinator()), 10, 3, request)
    assert isinstance(answer, FindCoordinatorResponse)
    assert (answer.error_code, answer.node_id, answer.host, answer.port) == (0, 1, "h", 9092)
    answer = call(FakeServices(None), 10, 3, request)
    assert answer.error_code == ErrorCode.COORDINATOR_NOT_AVAILABLE  # type: ignore[attr-defined]
    empty = FindCoordinatorRequest(key="", key_type=1)
    answer = call(FakeServices(FakeCoordinator()), 10, 3, empty)
    assert answer.error_code == ErrorCode.INVALID_REQUEST  # type: ignore[attr-defined]


@pytest.mark.parametrize("version", [0, 1])
def test_write_txn_markers_for_partitions_not_led_here(version: int) -> None:
    answer = call(FakeServices(node_id=1), 27, version, REQUESTS[27])
    assert isinstance(answer, WriteTxnMarkersResponse)
    [marker] = answer.markers
    assert marker.producer_id == 7
    got = {(t.name, p.partition_index): p.error_code for t in marker.topics for p in t.partitions}
    assert got == {
        ("data", 0): ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ("data", 1): ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ("gone", 3): ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    }


# -- KIP-890 verification in the produce path ----------------------------------------------


class FakePartition:
    def __init__(self, needs: bool) -> None:
        self.needs = needs

    def needs_txn_verification(self, producer_id: int) -> bool:
        return self.needs


class FakeReplicas:
    def __init__(self, needs: bool) -> None:
        self.partition = FakePartition(needs)

    def get_partition(self, topic: str, partition: int) -> FakePartition:
        return self.partition


def transactional_batch(transactional: bool = True) -> bytes:
    builder = RecordBatchBuilder(
        producer_id=7, producer_epoch=2, base_sequence=0, is_transactional=transactional
    )
    builder.append(b"v", timestamp_ms=1000)
    return builder.build()


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        (None, "remote"),  # coordinated elsewhere: asked with AddPartitionsToTxn v4
        (ErrorCode.NONE, None),
        (ErrorCode.INVALID_TXN_STATE, ErrorCode.INVALID_TXN_STATE),
        (ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_TXN_STATE),
        (ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.NOT_ENOUGH_REPLICAS),
    ],
)
def test_produce_verification(verdict: ErrorCode | None, expected: ErrorCode | str | None) -> None:
    tc = FakeCoordinator(verify=verdict)
    services = FakeServices(tc, replica_manager=FakeReplicas(needs=True))
    got = txn_verification_error(
        cast(BrokerServices, services), "tx", "data", 0, transactional_batch()
    )
    if expected == "remote":
        remote = RemoteCheck("tx", 7, 2, TopicPartition("data", 0))
        assert got == (remote if REMOTE_VERIFICATION else None)
    else:
        assert got == expected
    assert tc.calls == [("verify", "tx", 7, 2, TopicPartition("data", 0))]


def test_produce_verification_only_for_a_producer_without_an_open_transaction() -> None:
    tc = FakeCoordinator(verify=ErrorCode.INVALID_TXN_STATE)
    services = FakeServices(tc, replica_manager=FakeReplicas(needs=False))
    assert (
        txn_verification_error(
            cast(BrokerServices, services), "tx", "data", 0, transactional_batch()
        )
        is None
    )
    services = FakeServices(tc, replica_manager=FakeReplicas(needs=True))
    plain = transactional_batch(transactional=False)
    assert txn_verification_error(cast(BrokerServices, services), "tx", "data", 0, plain) is None
    assert tc.calls == []


# -- messages that come with the protocol's transaction schemas -----------------------------

_BATCHED = transactions.ADD_PARTITIONS_MAX_VERSION >= 4
_messages: Any = protocol.messages


@pytest.mark.skipif(not _BATCHED, reason="AddPartitionsToTxn v4+ lands with the protocol part")
async def test_batched_add_partitions_answers_per_transaction() -> None:
    txn_type = _messages.AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction
    topic_type = txn_type.AddPartitionsToTxnTopic
    request = _messages.AddPartitionsToTxnRequest(
        transactions=[
            txn_type(
                transactional_id="t1",
                producer_id=7,
                producer_epoch=0,
                verify_only=True,
                topics=[topic_type(name="data", partitions=[0])],
            ),
            txn_type(
                transactional_id="t2",
                producer_id=8,
                producer_epoch=0,
                verify_only=False,
                topics=[topic_type(name="nope", partitions=[0])],
            ),
        ]
    )
    tc = FakeCoordinator(ErrorCode.INVALID_TXN_STATE)
    for version in (4, 5):
        tc.calls.clear()
        answer = await call_async(FakeServices(tc), 24, version, request)
        data = answer.encode(version)
        answer = type(answer).decode(data, version)
        got = {
            (r.transactional_id, t.name, p.partition_index): p.partition_error_code
            for r in answer.results_by_transaction
            for t in r.topic_results
            for p in t.results_by_partition
        }
        assert got == {
            ("t1", "data", 0): ErrorCode.INVALID_TXN_STATE,
            ("t2", "nope", 0): ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        }
        assert tc.calls == [("verify", "t1", 7, 0, [TopicPartition("data", 0)])]


_DESCRIBE = hasattr(_messages, "DescribeTransactionsRequest")
_LIST = hasattr(_messages, "ListTransactionsRequest")


@pytest.mark.skipif(not _DESCRIBE, reason="DescribeTransactions lands with the protocol part")
def test_describe_transactions() -> None:
    request = _messages.DescribeTransactionsRequest(transactional_ids=["tx", "missing"])
    answer: Any = call(FakeServices(FakeCoordinator()), 65, 0, request)
    answer = type(answer).decode(answer.encode(0), 0)
    found, missing = answer.transaction_states
    assert (found.error_code, found.transaction_state, found.producer_id) == (0, "Ongoing", 7)
    assert (found.transaction_timeout_ms, found.transaction_start_time_ms) == (60_000, 1234)
    assert [(t.topic, list(t.partitions)) for t in found.topics] == [("a", [0, 2]), ("b", [1])]
    assert (missing.transactional_id, missing.error_code) == (
        "missing",
        ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
    )
    answer = call(FakeServices(None), 65, 0, request)
    assert {s.error_code for s in answer.transaction_states} == {
        ErrorCode.COORDINATOR_NOT_AVAILABLE
    }


@pytest.mark.skipif(not _LIST, reason="ListTransactions lands with the protocol part")
@pytest.mark.parametrize("version", [0, 1])
def test_list_transactions(version: int) -> None:
    request = _messages.ListTransactionsRequest(
        state_filters=["Ongoing", "Nonsense"], producer_id_filters=[7], duration_filter=500
    )
    tc = FakeCoordinator()
    answer: Any = call(FakeServices(tc), 66, version, request)
    answer = type(answer).decode(answer.encode(version), version)
    assert answer.error_code == 0
    assert list(answer.unknown_state_filters) == ["Nonsense"]
    assert [
        (t.transactional_id, t.producer_id, t.transaction_state) for t in answer.transaction_states
    ] == [("tx", 7, "Ongoing")]
    duration = 500 if version >= 1 else -1
    assert tc.calls == [("list", ["Ongoing", "Nonsense"], [7], duration)]


_PRODUCERS = hasattr(_messages, "DescribeProducersRequest")


@dataclass
class Batch:
    timestamp_ms: int


@dataclass
class Entry:
    producer_id: int
    producer_epoch: int
    last_seq: int
    coordinator_epoch: int
    current_txn_first_offset: int
    batches: list[Batch]


class ProducerReplicas:
    def needs_opening(self, wanted: Any) -> bool:
        return False  # every partition was opened

    def get_partition(self, topic: str, partition: int) -> Any:
        if partition == 1:
            raise NotLeaderOrFollowerError("not here")
        entries = [Entry(7, 2, 41, 3, 100, [Batch(5000)]), Entry(8, 0, -1, -1, -1, [])]

        class Part:
            def producers_snapshot(self) -> list[Entry]:
                return entries

        return Part()


@pytest.mark.skipif(not _PRODUCERS, reason="DescribeProducers lands with the protocol part")
def test_describe_producers() -> None:
    topic_type = _messages.DescribeProducersRequest.TopicRequest
    request = _messages.DescribeProducersRequest(
        topics=[topic_type(name="data", partition_indexes=[0, 1])]
    )
    services = FakeServices(replica_manager=ProducerReplicas())
    answer: Any = call(services, 61, 0, request)
    answer = type(answer).decode(answer.encode(0), 0)
    [topic] = answer.topics
    here, elsewhere = topic.partitions
    assert here.error_code == 0
    assert [
        (
            p.producer_id,
            p.producer_epoch,
            p.last_sequence,
            p.last_timestamp,
            p.coordinator_epoch,
            p.current_txn_start_offset,
        )
        for p in here.active_producers
    ] == [(7, 2, 41, 5000, 3, 100), (8, 0, -1, -1, -1, -1)]
    assert (elsewhere.error_code, list(elsewhere.active_producers)) == (
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        [],
    )


@dataclass
class MarkerResult:
    error_code: ErrorCode = ErrorCode.NONE


class MarkerReplicas:
    """Writes markers (in order) and acknowledges them at once; partition 1 fails."""

    def __init__(self) -> None:
        self.written: list[tuple[str, int, int, bool, int]] = []

    def write_txn_marker(self, topic: str, partition: int, **kw: Any) -> Any:
        self.written.append(
            (topic, partition, kw["producer_id"], kw["commit"], kw["coordinator_epoch"])
        )
        if partition == 1:
            return AppendFailure(ErrorCode.INVALID_PRODUCER_EPOCH, "older epoch")
        return MarkerResult()

    def acknowledge(self, results: Any, acks: int, timeout_ms: int) -> None:
        assert acks == -1
        return None


async def test_write_txn_markers_writes_here_in_request_order() -> None:
    both = {p: PartitionImage(p, (1,), (1,), 1, 0, 0) for p in (0, 1)}
    here = MetadataImage(topics_by_name={"data": TopicImage("data", uuid.uuid4(), both)})
    replicas = MarkerReplicas()
    services = FakeServices(image=here, replica_manager=replicas)
    request = WriteTxnMarkersRequest(
        markers=[
            _Marker(
                producer_id=pid,
                producer_epoch=0,
                transaction_result=commit,
                topics=[_Marker.WritableTxnMarkerTopic(name="data", partition_indexes=parts)],
                coordinator_epoch=4,
            )
            for pid, commit, parts in ((7, True, [0]), (8, False, [1, 0]))
        ]
    )
    answer = await call_async(services, 27, 1, request)
    assert replicas.written == [
        ("data", 0, 7, True, 4),
        ("data", 1, 8, False, 4),
        ("data", 0, 8, False, 4),
    ]
    got = {
        (m.producer_id, p.partition_index): p.error_code
        for m in answer.markers
        for t in m.topics
        for p in t.partitions
    }
    assert got == {(7, 0): 0, (8, 0): 0, (8, 1): ErrorCode.INVALID_PRODUCER_EPOCH}


@dataclass
class Appended:
    base_offset: int
    log_append_time_ms: int = -1
    log_start_offset: int = 0
    error_code: ErrorCode = ErrorCode.NONE
    next_offset: int = 0
    duplicate: bool = False


class ProduceReplicas:
    pauses = ProducePauses()  # nothing paused

    def __init__(self) -> None:
        self.partition = FakePartition(True)
        self.appended: list[tuple[str, int, bytes]] = []

    def get_partition(self, topic: str, partition: int) -> FakePartition:
        return self.partition

    def append(self, topic: str, index: int, records: Any, **kw: Any) -> Appended:
        self.appended.append((topic, index, bytes(records)))
        return Appended(base_offset=5 + index)

    def acknowledge(self, results: Any, acks: int, timeout_ms: int) -> None:
        return None


@pytest.mark.skipif(not REMOTE_VERIFICATION, reason="AddPartitionsToTxn v4 lands with protocol")
@pytest.mark.parametrize("version", [3, 8])
async def test_produce_waits_for_a_remote_coordinator_before_appending(version: int) -> None:
    from protocol.messages import ProduceRequest

    data = ProduceRequest.TopicProduceData
    batch = transactional_batch()
    request = ProduceRequest(
        transactional_id="tx",
        acks=-1,
        timeout_ms=1000,
        topic_data=[
            data(
                name="data",
                partition_data=[
                    data.PartitionProduceData(index=0, records=batch),
                    data.PartitionProduceData(index=1, records=batch),
                ],
            )
        ],
    )
    tc = FakeCoordinator(verify=None)  # every partition coordinated elsewhere
    replicas = ProduceReplicas()
    services = FakeServices(tc, replica_manager=replicas)
    answer = await call_async(services, 0, version, request)
    [topic] = answer.responses
    first, second = topic.partition_responses
    assert (first.index, first.error_code, first.base_offset) == (0, 0, 5)
    assert (second.index, second.error_code, second.base_offset) == (
        1,
        ErrorCode.INVALID_TXN_STATE,
        -1,
    )
    assert replicas.appended == [("data", 0, batch)]  # the refused batch is not appended
    remote = [c for c in tc.calls if c[0] == "remote"]
    assert [c[4].partition for c in remote] == [0, 1]
