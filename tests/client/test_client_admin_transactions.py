"""Admin's transaction calls against a scripted broker: ListTransactions, DescribeTransactions
(through the transactional id's coordinator), DescribeProducers and the abort marker, with
their retries and errors."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest
from support.fake_broker import FakeBroker, api_versions_body

from client import Admin
from client import sync as sync_client
from client.admin import ProducerState, TransactionDescription, TransactionListing
from client.admin.txn_requests import hanging_candidates, still_hanging
from client.errors import KafkaError, UnsupportedFeatureError
from client.types import TopicPartition
from protocol.codec import Request
from protocol.errors import ErrorCode
from protocol.messages import (
    DescribeProducersRequest,
    DescribeProducersResponse,
    DescribeTransactionsRequest,
    DescribeTransactionsResponse,
    FindCoordinatorRequest,
    FindCoordinatorResponse,
    ListTransactionsRequest,
    ListTransactionsResponse,
    MetadataResponse,
    WriteTxnMarkersRequest,
    WriteTxnMarkersResponse,
)

pytestmark = pytest.mark.timeout(30)

_FULL: dict[int, tuple[int, int]] = {
    3: (0, 8),  # Metadata
    10: (0, 3),  # FindCoordinator
    18: (0, 3),  # ApiVersions
    27: (0, 1),  # WriteTxnMarkers
    61: (0, 0),  # DescribeProducers
    65: (0, 0),  # DescribeTransactions
    66: (0, 1),  # ListTransactions
}


@dataclass
class Script:
    """What the fake broker answers: a topic "t" of two partitions led by node 1, and
    per-API queues of error codes to answer before succeeding."""

    port: int = 0
    versions: dict[int, tuple[int, int]] = field(default_factory=lambda: dict(_FULL))
    errors: dict[int, list[int]] = field(default_factory=dict)
    seen: list[Any] = field(default_factory=list)

    def next_error(self, api_key: int) -> int:
        queue = self.errors.get(api_key)
        return queue.pop(0) if queue else 0

    def __call__(self, request: Request) -> object:
        body = request.body
        self.seen.append(body)
        key = request.header.api_key
        if key == 18:
            return api_versions_body(self.versions)
        if key == 3:
            return self.metadata()
        if isinstance(body, FindCoordinatorRequest):
            return FindCoordinatorResponse(
                error_code=0, node_id=1, host="127.0.0.1", port=self.port
            )
        if isinstance(body, ListTransactionsRequest):
            return self.listing(body)
        if isinstance(body, DescribeTransactionsRequest):
            return self.description(body)
        if isinstance(body, DescribeProducersRequest):
            return self.producers(body)
        if isinstance(body, WriteTxnMarkersRequest):
            return self.markers(body)
        raise AssertionError(f"unexpected request {body!r}")

    def metadata(self) -> MetadataResponse:
        part = MetadataResponse.MetadataResponseTopic.MetadataResponsePartition
        return MetadataResponse(
            brokers=[
                MetadataResponse.MetadataResponseBroker(node_id=1, host="127.0.0.1", port=self.port)
            ],
            cluster_id="fake",
            controller_id=1,
            topics=[
                MetadataResponse.MetadataResponseTopic(
                    error_code=0,
                    name="t",
                    partitions=[
                        part(
                            error_code=0,
                            partition_index=i,
                            leader_id=1,
                            replica_nodes=[1],
                            isr_nodes=[1],
                        )
                        for i in range(2)
                    ],
                )
            ],
        )

    def listing(self, body: ListTransactionsRequest) -> ListTransactionsResponse:
        state = ListTransactionsResponse.TransactionState
        return ListTransactionsResponse(
            error_code=self.next_error(66),
            unknown_state_filters=[],
            transaction_states=[
                state(transactional_id="zeta", producer_id=8, transaction_state="Ongoing"),
                state(transactional_id="alpha", producer_id=7, transaction_state="Empty"),
            ],
        )

    def description(self, body: DescribeTransactionsRequest) -> DescribeTransactionsResponse:
        state = DescribeTransactionsResponse.TransactionState
        out = []
        for tid in body.transactional_ids:
            code = self.next_error(65) or (
                ErrorCode.TRANSACTIONAL_ID_NOT_FOUND if tid == "missing" else 0
            )
            out.append(
                state(
                    error_code=code,
                    transactional_id=tid,
                    transaction_state="Ongoing" if not code else "",
                    transaction_timeout_ms=60_000,
                    transaction_start_time_ms=1_000,
                    producer_id=7,
                    producer_epoch=3,
                    topics=[state.TopicData(topic="t", partitions=[1, 0])] if not code else [],
                )
            )
        return DescribeTransactionsResponse(transaction_states=out)

    def producers(self, body: DescribeProducersRequest) -> DescribeProducersResponse:
        topic = DescribeProducersResponse.TopicResponse
        part = topic.PartitionResponse
        code = self.next_error(61)
        return DescribeProducersResponse(
            topics=[
                topic(
                    name=t.name,
                    partitions=[
                        part(
                            partition_index=p,
                            error_code=code,
                            active_producers=[]
                            if code
                            else [
                                part.ProducerState(
                                    producer_id=7,
                                    producer_epoch=3,
                                    last_sequence=9,
                                    last_timestamp=5_000,
                                    coordinator_epoch=2,
                                    current_txn_start_offset=40 + p,
                                )
                            ],
                        )
                        for p in t.partition_indexes
                    ],
                )
                for t in body.topics
            ]
        )

    def markers(self, body: WriteTxnMarkersRequest) -> WriteTxnMarkersResponse:
        code = self.next_error(27)
        result = WriteTxnMarkersResponse.WritableTxnMarkerResult
        topic = result.WritableTxnMarkerTopicResult
        return WriteTxnMarkersResponse(
            markers=[
                result(
                    producer_id=m.producer_id,
                    topics=[
                        topic(
                            name=t.name,
                            partitions=[
                                topic.WritableTxnMarkerPartitionResult(
                                    partition_index=p, error_code=code
                                )
                                for p in t.partition_indexes
                            ],
                        )
                        for t in m.topics
                    ],
                )
                for m in body.markers
            ]
        )

    def sent(self, kind: type) -> list[Any]:
        return [b for b in self.seen if isinstance(b, kind)]


async def _admin(script: Script, fake: FakeBroker) -> Admin:
    script.port = fake.port
    admin = Admin(bootstrap_servers=fake.bootstrap, request_timeout_ms=5_000, retry_backoff_ms=10)
    await admin.start()
    return admin


async def test_list_transactions_sends_the_filters_and_sorts_the_answer() -> None:
    script = Script()
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            found = await admin.list_transactions(["Ongoing"], [7, 8], min_duration_ms=500)
        finally:
            await admin.close()
    assert found == [
        TransactionListing("alpha", 7, "Empty", coordinator_id=1),
        TransactionListing("zeta", 8, "Ongoing", coordinator_id=1),
    ]
    (sent,) = script.sent(ListTransactionsRequest)
    assert sent.state_filters == ["Ongoing"]
    assert sent.producer_id_filters == [7, 8]
    assert sent.duration_filter == 500


async def test_list_transactions_retries_a_loading_coordinator() -> None:
    script = Script(errors={66: [ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]})
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            found = await admin.list_transactions()
        finally:
            await admin.close()
    assert [t.transactional_id for t in found] == ["alpha", "zeta"]
    assert len(script.sent(ListTransactionsRequest)) == 2


async def test_list_transactions_refuses_unknown_states_before_asking() -> None:
    script = Script()
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            with pytest.raises(ValueError, match="Bogus"):
                await admin.list_transactions(["Bogus"])
            with pytest.raises(ValueError, match="min_duration_ms"):
                await admin.list_transactions(min_duration_ms=-1)
        finally:
            await admin.close()
    assert script.sent(ListTransactionsRequest) == []


async def test_a_duration_filter_needs_list_transactions_v1() -> None:
    script = Script()
    script.versions[66] = (0, 0)
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            with pytest.raises(UnsupportedFeatureError, match="duration"):
                await admin.list_transactions(min_duration_ms=10)
            assert len(await admin.list_transactions()) == 2  # v0 without the filter is fine
        finally:
            await admin.close()


async def test_describe_transactions_asks_the_transaction_coordinator() -> None:
    script = Script(errors={65: [ErrorCode.NOT_COORDINATOR]})
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            found = await admin.describe_transactions(["tx"])
        finally:
            await admin.close()
    assert found == {
        "tx": TransactionDescription(
            transactional_id="tx",
            coordinator_id=1,
            state="Ongoing",
            producer_id=7,
            producer_epoch=3,
            transaction_timeout_ms=60_000,
            transaction_start_time_ms=1_000,
            partitions=(TopicPartition("t", 0), TopicPartition("t", 1)),
        )
    }
    finds = script.sent(FindCoordinatorRequest)
    assert finds and all(f.key == "tx" and f.key_type == 1 for f in finds)
    assert len(script.sent(DescribeTransactionsRequest)) == 2  # NOT_COORDINATOR, then again


async def test_describe_transactions_raises_for_an_unknown_id() -> None:
    script = Script()
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            with pytest.raises(KafkaError) as info:
                await admin.describe_transactions(["missing"])
        finally:
            await admin.close()
    assert info.value.code == ErrorCode.TRANSACTIONAL_ID_NOT_FOUND
    assert "missing" in str(info.value)


async def test_describe_producers_follows_a_moved_leader() -> None:
    script = Script(errors={61: [ErrorCode.NOT_LEADER_OR_FOLLOWER]})
    tps = [TopicPartition("t", 1), TopicPartition("t", 0)]
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            found = await admin.describe_producers(tps)
        finally:
            await admin.close()
    assert list(found) == tps
    assert found[TopicPartition("t", 1)] == [
        ProducerState(
            producer_id=7,
            producer_epoch=3,
            last_sequence=9,
            last_timestamp_ms=5_000,
            coordinator_epoch=2,
            current_txn_start_offset=41,
        )
    ]
    sent = script.sent(DescribeProducersRequest)
    assert len(sent) == 2
    assert [(t.name, t.partition_indexes) for t in sent[0].topics] == [("t", [0, 1])]


async def test_describe_producers_of_a_missing_partition() -> None:
    script = Script()
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            with pytest.raises(KafkaError) as info:
                await admin.describe_producers([TopicPartition("t", 5)])
        finally:
            await admin.close()
    assert info.value.code == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    assert script.sent(DescribeProducersRequest) == []


async def test_abort_transaction_writes_an_abort_marker_at_the_leader() -> None:
    script = Script()
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            await admin.abort_transaction("t", 1, 7, 3, 2)
        finally:
            await admin.close()
    (sent,) = script.sent(WriteTxnMarkersRequest)
    (marker,) = sent.markers
    assert (marker.producer_id, marker.producer_epoch, marker.coordinator_epoch) == (7, 3, 2)
    assert marker.transaction_result is False  # ABORT
    assert [(t.name, t.partition_indexes) for t in marker.topics] == [("t", [1])]


async def test_abort_transaction_raises_the_leaders_refusal() -> None:
    script = Script(errors={27: [ErrorCode.INVALID_PRODUCER_EPOCH]})
    async with FakeBroker(script) as fake:
        admin = await _admin(script, fake)
        try:
            with pytest.raises(KafkaError) as info:
                await admin.abort_transaction("t", 0, 7, 3, 2)
            with pytest.raises(ValueError, match="producer id"):
                await admin.abort_transaction("t", 0, -1, 3, 2)
        finally:
            await admin.close()
    assert info.value.code == ErrorCode.INVALID_PRODUCER_EPOCH
    assert len(script.sent(WriteTxnMarkersRequest)) == 1


async def test_the_sync_admin_has_the_transaction_calls() -> None:
    script = Script()
    async with FakeBroker(script) as fake:
        script.port = fake.port

        def run() -> tuple[list[TransactionListing], dict[str, TransactionDescription]]:
            with sync_client.Admin(bootstrap_servers=fake.bootstrap) as admin:
                listed = admin.list_transactions(states=["Ongoing"])
                described = admin.describe_transactions(["tx"])
                producers = admin.describe_producers([TopicPartition("t", 0)])
                assert producers[TopicPartition("t", 0)][0].current_txn_start_offset == 40
                admin.abort_transaction("t", 0, 7, 3, 2)
                return listed, described

        listed, described = await asyncio.to_thread(run)
    assert [t.transactional_id for t in listed] == ["alpha", "zeta"]
    assert described["tx"].producer_epoch == 3


def _producer(pid: int, epoch: int, start: int, last_ms: int) -> ProducerState:
    return ProducerState(pid, epoch, 0, last_ms, -1, start)


def test_hanging_candidates_are_open_transactions_older_than_any_timeout() -> None:
    tp = TopicPartition("t", 0)
    states = {
        tp: [
            _producer(1, 0, 10, 0),  # open, last write long ago
            _producer(2, 0, -1, 0),  # nothing open
            _producer(3, 0, 20, 950),  # open, recent
        ]
    }
    found = hanging_candidates(states, now_ms=1_000, max_transaction_timeout_ms=100)
    assert [(t, s.producer_id) for t, s in found] == [(tp, 1)]


@pytest.mark.parametrize(
    ("listed", "state", "epoch", "partitions", "hanging"),
    [
        (False, "Ongoing", 4, ("t", 0), True),  # no transactional id holds the producer id
        (True, "Ongoing", 4, ("t", 0), False),  # the coordinator knows it
        (True, "PrepareCommit", 4, ("t", 0), False),  # its marker is on the way
        (True, "Ongoing", 5, ("t", 0), True),  # the id moved to a newer epoch
        (True, "Ongoing", 4, ("t", 1), True),  # the open transaction is elsewhere
        (True, "CompleteAbort", 4, ("t", 0), True),  # the coordinator finished it
    ],
)
def test_still_hanging(
    listed: bool, state: str, epoch: int, partitions: tuple[str, int], hanging: bool
) -> None:
    tp = TopicPartition("t", 0)
    candidate = (tp, _producer(7, 4, 10, 0))
    listings = [TransactionListing("tx", 7, state, 1)] if listed else []
    descriptions = {
        "tx": TransactionDescription(
            "tx", 1, state, 7, epoch, 60_000, 0, (TopicPartition(*partitions),)
        )
    }
    assert still_hanging([candidate], listings, descriptions) == ([candidate] if hanging else [])
