"""The transactional producer against a scripted broker: which requests it sends, in which
order, with which fields, and what it does with each coordinator answer (retries, abortable
and fatal errors, the epoch bump after an abort that lost sequence numbers)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from support.fake_broker import FakeBroker, api_versions_body
from support.waiting import eventually

from client import Producer, TopicPartition
from client.errors import (
    IllegalStateError,
    ProducerFencedError,
    TransactionAbortedError,
)
from client.producer.transactions import ConsumerGroupMetadata, TransactionState
from client.sync import Producer as SyncProducer
from protocol.codec import Request
from protocol.errors import ErrorCode, KafkaError, TopicAuthorizationFailedError
from protocol.messages import (
    REQUESTS,
    AddOffsetsToTxnResponse,
    AddPartitionsToTxnResponse,
    EndTxnResponse,
    FindCoordinatorResponse,
    InitProducerIdResponse,
    MetadataResponse,
    ProduceResponse,
    TxnOffsetCommitResponse,
)
from protocol.records import iter_batches

pytestmark = pytest.mark.timeout(30)

TOPIC = "payments"
PID = 42

_APIS = (0, 3, 10, 18, 22, 24, 25, 26, 28)


class TxnBroker:
    """A one-broker cluster that answers the transactional producer's requests; answers
    listed in ``errors[api_key]`` (error codes) come first, one per request."""

    def __init__(self) -> None:
        self.errors: dict[int, list[int]] = {}
        self.epoch = -1
        self.offset = 0
        self.fake = FakeBroker(self.handle)

    async def __aenter__(self) -> TxnBroker:
        await self.fake.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.fake.__aexit__(*exc)

    @property
    def bootstrap(self) -> str:
        return self.fake.bootstrap

    def sent(self, api_key: int) -> list[Any]:
        """The bodies of the requests with this key, in order."""
        return [r.body for r in self.fake.requests if r.header.api_key == api_key]

    def keys(self) -> list[int]:
        """The API keys asked, in order, without ApiVersions and Metadata."""
        return [r.header.api_key for r in self.fake.requests if r.header.api_key not in (3, 18)]

    def _error(self, api_key: int) -> int:
        queue = self.errors.get(api_key)
        return queue.pop(0) if queue else 0

    def handle(self, request: Request) -> Any:
        key = request.header.api_key
        body: Any = request.body
        if key == 18:
            ranges = {k: (REQUESTS[k].MIN_VERSION, REQUESTS[k].MAX_VERSION) for k in _APIS}
            return api_versions_body(ranges)
        if key == 3:
            names = [t.name for t in body.topics or []] or [TOPIC]
            part = MetadataResponse.MetadataResponseTopic.MetadataResponsePartition
            return MetadataResponse(
                brokers=[
                    MetadataResponse.MetadataResponseBroker(
                        node_id=1, host="127.0.0.1", port=self.fake.port
                    )
                ],
                cluster_id="fake",
                controller_id=1,
                topics=[
                    MetadataResponse.MetadataResponseTopic(
                        name=name,
                        partitions=[
                            part(partition_index=i, leader_id=1, replica_nodes=[1], isr_nodes=[1])
                            for i in range(3)
                        ],
                    )
                    for name in names
                ],
            )
        if key == 10:
            return FindCoordinatorResponse(
                error_code=self._error(10), node_id=1, host="127.0.0.1", port=self.fake.port
            )
        if key == 22:
            code = self._error(22)
            if code:
                return InitProducerIdResponse(error_code=code)
            self.epoch += 1
            return InitProducerIdResponse(producer_id=PID, producer_epoch=self.epoch)
        if key == 24:
            result = AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult
            code = self._error(24)
            return AddPartitionsToTxnResponse(
                results_by_topic_v3_and_below=[
                    result(
                        name=t.name,
                        results_by_partition=[
                            result.AddPartitionsToTxnPartitionResult(
                                partition_index=p, partition_error_code=code
                            )
                            for p in t.partitions
                        ],
                    )
                    for t in body.v3_and_below_topics
                ]
            )
        if key == 0:
            code = self._error(0)
            topics = []
            for t in body.topic_data:
                parts = []
                for p in t.partition_data:
                    count = sum(b.records_count for b in iter_batches(p.records))
                    parts.append(
                        ProduceResponse.TopicProduceResponse.PartitionProduceResponse(
                            index=p.index, error_code=code, base_offset=-1 if code else self.offset
                        )
                    )
                    if not code:
                        self.offset += count
                topics.append(
                    ProduceResponse.TopicProduceResponse(name=t.name, partition_responses=parts)
                )
            return ProduceResponse(responses=topics)
        if key == 25:
            return AddOffsetsToTxnResponse(error_code=self._error(25))
        if key == 26:
            return EndTxnResponse(error_code=self._error(26))
        if key == 28:
            code = self._error(28)
            topic = TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic
            return TxnOffsetCommitResponse(
                topics=[
                    topic(
                        name=t.name,
                        partitions=[
                            topic.TxnOffsetCommitResponsePartition(
                                partition_index=p.partition_index, error_code=code
                            )
                            for p in t.partitions
                        ],
                    )
                    for t in body.topics
                ]
            )
        raise AssertionError(f"unexpected request {key}")


@pytest.fixture
async def cluster() -> AsyncIterator[TxnBroker]:
    async with TxnBroker() as c:
        yield c


def _producer(cluster: TxnBroker, **options: Any) -> Producer:
    settings: dict[str, Any] = {
        "bootstrap_servers": cluster.bootstrap,
        "transactional_id": "tx-1",
        "linger_ms": 0,
        "retry_backoff_ms": 1,
        "retry_backoff_max_ms": 5,
    }
    return Producer(settings | options)


def _state(producer: Producer) -> TransactionState | None:
    return producer.transaction_state


async def test_a_committed_transaction_adds_partitions_before_producing(
    cluster: TxnBroker,
) -> None:
    async with _producer(cluster) as producer:
        assert producer.transaction_state is TransactionState.READY
        init = cluster.sent(22)
        assert [(i.transactional_id, i.transaction_timeout_ms) for i in init] == [("tx-1", 60000)]
        coordinator = cluster.sent(10)
        assert [(c.key, c.key_type) for c in coordinator] == [("tx-1", 1)]
        producer.begin_transaction()
        first = await producer.send(TOPIC, b"a", partition=0)
        second = await producer.send(TOPIC, b"b", partition=1)
        await producer.commit_transaction()
        assert first.done() and second.done()
        assert producer.transaction_state is TransactionState.READY
    keys = cluster.keys()
    assert keys.index(24) < keys.index(0)  # AddPartitionsToTxn before the first Produce
    assert keys[-1] == 26
    added = {
        (t.name, p)
        for body in cluster.sent(24)
        for t in body.v3_and_below_topics
        for p in t.partitions
    }
    assert added == {(TOPIC, 0), (TOPIC, 1)}
    for produce in cluster.sent(0):
        assert produce.transactional_id == "tx-1"
        for t in produce.topic_data:
            for p in t.partition_data:
                for batch in iter_batches(p.records):
                    assert batch.is_transactional
                    assert (batch.producer_id, batch.producer_epoch) == (PID, 0)
    (end,) = cluster.sent(26)
    assert (end.transactional_id, end.producer_id, end.producer_epoch, end.committed) == (
        "tx-1",
        PID,
        0,
        True,
    )


async def test_partitions_are_added_once_per_transaction(cluster: TxnBroker) -> None:
    async with _producer(cluster) as producer:
        for round_ in range(2):
            producer.begin_transaction()
            for i in range(3):
                await (await producer.send(TOPIC, b"%d" % i, partition=0))
            await producer.commit_transaction()
            assert len(cluster.sent(24)) == round_ + 1
    assert [e.committed for e in cluster.sent(26)] == [True, True]


async def test_the_partition_is_added_while_its_first_batch_lingers(cluster: TxnBroker) -> None:
    async with _producer(cluster, linger_ms=60_000) as producer:
        producer.begin_transaction()
        future = await producer.send(TOPIC, b"a", partition=1)
        await eventually(lambda: cluster.sent(24), 5, "AddPartitionsToTxn during linger.ms")
        assert cluster.sent(0) == [] and not future.done()
        await producer.commit_transaction()  # flushes: the batch leaves now
        assert future.done() and len(cluster.sent(0)) == 1


async def test_init_retries_while_the_coordinator_is_busy_or_moved(cluster: TxnBroker) -> None:
    cluster.errors[22] = [
        ErrorCode.CONCURRENT_TRANSACTIONS,
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
        ErrorCode.NOT_COORDINATOR,
    ]
    async with _producer(cluster) as producer:
        assert producer.transaction_state is TransactionState.READY
    assert len(cluster.sent(22)) == 4
    assert len(cluster.sent(10)) == 2  # found again after NOT_COORDINATOR


async def test_add_partitions_is_retried_on_concurrent_transactions(cluster: TxnBroker) -> None:
    cluster.errors[24] = [ErrorCode.CONCURRENT_TRANSACTIONS]
    async with _producer(cluster) as producer:
        producer.begin_transaction()
        metadata = await (await producer.send(TOPIC, b"x", partition=2))
        assert metadata.partition == 2
        await producer.commit_transaction()
    assert len(cluster.sent(24)) == 2


async def test_sends_need_an_open_transaction(cluster: TxnBroker) -> None:
    async with _producer(cluster) as producer:
        with pytest.raises(IllegalStateError, match="begin_transaction"):
            await producer.send(TOPIC, b"x")
        with pytest.raises(IllegalStateError):
            await producer.commit_transaction()
        with pytest.raises(IllegalStateError):
            await producer.abort_transaction()
        producer.begin_transaction()
        with pytest.raises(IllegalStateError):
            producer.begin_transaction()
        with pytest.raises(ValueError, match="conditional"):
            await producer.send(TOPIC, b"x", partition=0, expected_offset=0)
        await producer.abort_transaction()


async def test_non_transactional_producer_refuses_transaction_calls(cluster: TxnBroker) -> None:
    async with Producer(bootstrap_servers=cluster.bootstrap) as producer:
        assert producer.transaction_state is None
        with pytest.raises(IllegalStateError, match="transactional_id"):
            producer.begin_transaction()


async def test_an_empty_transaction_sends_no_end_txn(cluster: TxnBroker) -> None:
    async with _producer(cluster) as producer:
        producer.begin_transaction()
        await producer.commit_transaction()
        producer.begin_transaction()
        await producer.abort_transaction()
    assert cluster.sent(26) == []


async def test_abort_then_a_new_transaction(cluster: TxnBroker) -> None:
    async with _producer(cluster) as producer:
        producer.begin_transaction()
        await (await producer.send(TOPIC, b"a", partition=0))
        await producer.abort_transaction()
        assert producer.transaction_state is TransactionState.READY
        producer.begin_transaction()
        await producer.send(TOPIC, b"b", partition=0)
        await producer.commit_transaction()
    assert [e.committed for e in cluster.sent(26)] == [False, True]
    assert len(cluster.sent(22)) == 1  # no sequence was lost: no epoch bump
    assert len(cluster.sent(24)) == 2  # the partition is added again in the new transaction


@pytest.mark.parametrize(
    "code",
    [
        ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,  # nothing missing before it: state lost
        ErrorCode.UNKNOWN_PRODUCER_ID,
    ],
)
async def test_a_failed_send_makes_the_transaction_abortable(
    cluster: TxnBroker, code: ErrorCode
) -> None:
    cluster.errors[0] = [code]
    async with _producer(cluster) as producer:
        producer.begin_transaction()
        future = await producer.send(TOPIC, b"a", partition=0)
        with pytest.raises(KafkaError) as failed:
            await future
        assert failed.value.code == code
        assert producer.transaction_state is TransactionState.ABORTABLE_ERROR
        with pytest.raises(type(failed.value)):
            await producer.send(TOPIC, b"b", partition=0)
        with pytest.raises(type(failed.value)):
            await producer.commit_transaction()
        await producer.abort_transaction()
        assert _state(producer) is TransactionState.READY
        # The failed batch's sequence numbers were lost: a new epoch (KIP-360).
        bump = cluster.sent(22)[-1]
        assert (bump.producer_id, bump.producer_epoch) == (PID, 0)
        producer.begin_transaction()
        await (await producer.send(TOPIC, b"c", partition=0))
        await producer.commit_transaction()
    assert len(cluster.sent(0)) == 2  # the failed batch was not sent again
    last = cluster.sent(0)[-1].topic_data[0].partition_data[0].records
    (batch,) = iter_batches(last)
    assert (batch.producer_epoch, batch.base_sequence) == (1, 0)
    assert [e.committed for e in cluster.sent(26)] == [False, True]


async def test_fencing_is_fatal(cluster: TxnBroker) -> None:
    cluster.errors[26] = [ErrorCode.PRODUCER_FENCED]
    producer = _producer(cluster)
    await producer.start()
    try:
        producer.begin_transaction()
        await (await producer.send(TOPIC, b"a", partition=0))
        with pytest.raises(ProducerFencedError):
            await producer.commit_transaction()
        assert producer.transaction_state is TransactionState.FATAL_ERROR
        with pytest.raises(ProducerFencedError):
            producer.begin_transaction()
        with pytest.raises(ProducerFencedError):
            await producer.abort_transaction()
    finally:
        await producer.close()


async def test_a_fenced_produce_is_fatal(cluster: TxnBroker) -> None:
    cluster.errors[0] = [ErrorCode.INVALID_PRODUCER_EPOCH]
    producer = _producer(cluster)
    await producer.start()
    try:
        producer.begin_transaction()
        with pytest.raises(Exception, match="epoch"):
            await (await producer.send(TOPIC, b"a", partition=0))
        assert producer.transaction_state is TransactionState.FATAL_ERROR
    finally:
        await producer.close()
    assert cluster.sent(26) == []  # nothing more was asked of the coordinator


async def test_unsent_records_fail_when_the_transaction_aborts(cluster: TxnBroker) -> None:
    cluster.errors[24] = [ErrorCode.CONCURRENT_TRANSACTIONS] * 1000
    async with _producer(cluster, retry_backoff_ms=50, retry_backoff_max_ms=50) as producer:
        producer.begin_transaction()
        future = await producer.send(TOPIC, b"a", partition=0)
        await eventually(lambda: len(cluster.sent(24)) >= 1, 5, "AddPartitionsToTxn sent")
        await producer.abort_transaction()
        with pytest.raises(TransactionAbortedError):
            await future
    assert cluster.sent(0) == []


async def test_offsets_are_committed_in_the_transaction(cluster: TxnBroker) -> None:
    async with _producer(cluster) as producer:
        producer.begin_transaction()
        tp = TopicPartition("orders", 1)
        await producer.send_offsets_to_transaction(
            {tp: 5}, ConsumerGroupMetadata("g1", generation_id=3, member_id="m-1")
        )
        await producer.commit_transaction()
        producer.begin_transaction()
        await producer.send_offsets_to_transaction({tp: 9}, "g1")
        await producer.abort_transaction()
    keys = cluster.keys()
    assert keys.index(25) < keys.index(28)
    first, second = cluster.sent(28)
    assert (first.group_id, first.generation_id, first.member_id) == ("g1", 3, "m-1")
    assert (first.transactional_id, first.producer_id) == ("tx-1", PID)
    assert [
        (t.name, p.partition_index, p.committed_offset) for t in first.topics for p in t.partitions
    ] == [("orders", 1, 5)]
    assert (second.generation_id, second.member_id) == (-1, "")
    assert [a.group_id for a in cluster.sent(25)] == ["g1", "g1"]
    assert [e.committed for e in cluster.sent(26)] == [True, False]


async def test_a_fenced_consumer_generation_makes_the_transaction_abortable(
    cluster: TxnBroker,
) -> None:
    cluster.errors[28] = [ErrorCode.ILLEGAL_GENERATION]
    async with _producer(cluster) as producer:
        producer.begin_transaction()
        with pytest.raises(Exception, match="rebalanced"):
            await producer.send_offsets_to_transaction(
                {TopicPartition("orders", 0): 1}, ConsumerGroupMetadata("g1", 7, "m")
            )
        assert producer.transaction_state is TransactionState.ABORTABLE_ERROR
        await producer.abort_transaction()


async def test_the_transaction_context_manager(cluster: TxnBroker) -> None:
    async with _producer(cluster) as producer:
        async with producer.transaction():
            await producer.send(TOPIC, b"a", partition=0)
        with pytest.raises(RuntimeError, match="boom"):
            async with producer.transaction():
                await (await producer.send(TOPIC, b"b", partition=0))
                raise RuntimeError("boom")
        assert producer.transaction_state is TransactionState.READY
        cluster.errors[0] = [ErrorCode.TOPIC_AUTHORIZATION_FAILED]
        with pytest.raises(TopicAuthorizationFailedError):
            async with producer.transaction():
                await producer.send(TOPIC, b"c", partition=0)
        assert _state(producer) is TransactionState.READY  # the failed commit was aborted
    assert [e.committed for e in cluster.sent(26)] == [True, False, False]


async def test_close_aborts_an_open_transaction(cluster: TxnBroker) -> None:
    producer = _producer(cluster)
    await producer.start()
    producer.begin_transaction()
    await (await producer.send(TOPIC, b"a", partition=0))
    await producer.close()
    assert [e.committed for e in cluster.sent(26)] == [False]


async def test_the_sync_producer_has_the_same_calls(cluster: TxnBroker) -> None:
    def run() -> None:  # in a thread: the scripted broker serves on this test's loop
        with SyncProducer(
            bootstrap_servers=cluster.bootstrap, transactional_id="tx-1", linger_ms=0
        ) as producer:
            producer.begin_transaction()
            future = producer.send(TOPIC, b"a", partition=0)
            producer.send_offsets_to_transaction({TopicPartition("orders", 0): 3}, "g1")
            producer.commit_transaction()
            assert future.result(timeout=5).partition == 0
            producer.begin_transaction()
            producer.send(TOPIC, b"b", partition=0).result(timeout=5)
            producer.abort_transaction()
            assert producer.transaction_state is TransactionState.READY
            with pytest.raises(ValueError, match="boom"), producer.transaction():
                producer.send(TOPIC, b"c", partition=0).result(timeout=5)
                raise ValueError("boom")
            with producer.transaction():
                producer.send(TOPIC, b"d", partition=0)

    await asyncio.to_thread(run)
    assert [e.committed for e in cluster.sent(26)] == [True, False, False, True]
