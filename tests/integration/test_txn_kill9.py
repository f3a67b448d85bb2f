"""``kill -9`` of a broker process with transactions in its logs: one committed, one aborted,
one left open. After the restart the partition's producer state and last stable offset come
back from the log (snapshot and replay): the open transaction still holds the last stable
offset, the aborted one is still listed to read_committed fetches, and the transaction
coordinator, reloaded from ``__transaction_state``, aborts the open one once its timeout has
passed, so read_committed readers move past it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fuzz.broker_process import BrokerProcess
from support.kafka_ops import create_topic, fetch, list_offset, offsets_of
from support.waiting import eventually
from support.wire import WireClient

from protocol.messages import (
    AddPartitionsToTxnRequest,
    EndTxnRequest,
    FindCoordinatorRequest,
    InitProducerIdRequest,
    ProduceRequest,
)
from protocol.records import RecordBatchBuilder

pytestmark = pytest.mark.timeout(120)

TOPIC = "ledger"
LATEST = -1
READ_COMMITTED = 1
CONCURRENT_TRANSACTIONS = 51
#: The open transaction's timeout: longer than a restart, short enough to wait for its abort.
OPEN_TXN_TIMEOUT_MS = 10_000
#: How often the coordinator looks for timed-out transactions (Kafka's default is 10 s).
SETTINGS = {"transaction.abort.timed.out.transaction.cleanup.interval.ms": "500"}
#: How long a transactional call may be refused while the coordinator loads or is busy.
RETRY_TIMEOUT_S = 30.0


class _Transactions:
    """One transactional id spoken over the wire, as a client would."""

    def __init__(self, client: WireClient, transactional_id: str, timeout_ms: int) -> None:
        self.client = client
        self.transactional_id = transactional_id
        self.timeout_ms = timeout_ms
        self.producer_id = -1
        self.epoch = -1
        self.sequence = 0

    async def init(self) -> None:
        async def ready() -> bool:
            found = await self.client.request(
                FindCoordinatorRequest(key=self.transactional_id, key_type=1), 3
            )
            if found.error_code != 0:
                return False
            answer = await self.client.request(
                InitProducerIdRequest(
                    transactional_id=self.transactional_id,
                    transaction_timeout_ms=self.timeout_ms,
                    producer_id=-1,
                    producer_epoch=-1,
                ),
                4,
            )
            self.producer_id, self.epoch = answer.producer_id, answer.producer_epoch
            return bool(answer.error_code == 0)

        await eventually(ready, RETRY_TIMEOUT_S, f"InitProducerId for {self.transactional_id}")
        self.sequence = 0

    async def add_partition(self) -> None:
        """AddPartitionsToTxn, retried while the previous transaction completes
        (CONCURRENT_TRANSACTIONS), as clients do."""
        topic = AddPartitionsToTxnRequest.AddPartitionsToTxnTopic(name=TOPIC, partitions=[0])
        request = AddPartitionsToTxnRequest(
            v3_and_below_transactional_id=self.transactional_id,
            v3_and_below_producer_id=self.producer_id,
            v3_and_below_producer_epoch=self.epoch,
            v3_and_below_topics=[topic],
        )

        async def added() -> bool:
            answer = await self.client.request(request, 3)
            [result] = answer.results_by_topic_v3_and_below[0].results_by_partition
            assert result.partition_error_code in (0, CONCURRENT_TRANSACTIONS), result
            return bool(result.partition_error_code == 0)

        await eventually(added, RETRY_TIMEOUT_S, "AddPartitionsToTxn")

    async def produce(self, *values: bytes) -> int:
        builder = RecordBatchBuilder(
            producer_id=self.producer_id,
            producer_epoch=self.epoch,
            base_sequence=self.sequence,
            is_transactional=True,
        )
        for value in values:
            builder.append(value, timestamp_ms=0)
        self.sequence += len(values)
        data = ProduceRequest.TopicProduceData.PartitionProduceData(
            index=0, records=builder.build()
        )
        answer = await self.client.request(
            ProduceRequest(
                transactional_id=self.transactional_id,
                acks=-1,
                timeout_ms=5000,
                topic_data=[ProduceRequest.TopicProduceData(name=TOPIC, partition_data=[data])],
            ),
            8,
        )
        part = answer.responses[0].partition_responses[0]
        assert part.error_code == 0, part
        return int(part.base_offset)

    async def end(self, *, commit: bool) -> None:
        answer = await self.client.request(
            EndTxnRequest(
                transactional_id=self.transactional_id,
                producer_id=self.producer_id,
                producer_epoch=self.epoch,
                committed=commit,
            ),
            3,
        )
        assert answer.error_code == 0


async def _committed_view(client: WireClient) -> tuple[int, int, list[Any], list[int]]:
    """(high watermark, last stable offset, aborted transactions, offsets of what it read)."""
    data = await fetch(client, TOPIC, 0, 0, isolation_level=READ_COMMITTED)
    aborted = [(t.producer_id, t.first_offset) for t in data.aborted_transactions or []]
    return data.high_watermark, data.last_stable_offset, aborted, offsets_of(data.records)


async def test_kill_9_keeps_open_and_aborted_transactions(tmp_path: Path) -> None:
    broker = BrokerProcess(tmp_path / "data", tmp_path / "broker.log", SETTINGS)
    broker.start()
    client: WireClient | None = None
    try:
        client = await WireClient.connect(broker.bootstrap)
        await create_topic(client, TOPIC)
        done = _Transactions(client, "bookkeeper", 60_000)
        await done.init()
        await done.add_partition()
        await done.produce(b"debit", b"credit")  # offsets 0-1
        await done.end(commit=True)  # marker at 2
        await done.add_partition()
        aborted_at = await done.produce(b"mistake")  # 3
        await done.end(commit=False)  # marker at 4
        left_open = _Transactions(client, "crashed-writer", OPEN_TXN_TIMEOUT_MS)
        await left_open.init()
        await left_open.add_partition()
        open_at = await left_open.produce(b"in doubt")  # 5, never ended

        async def hw_past_the_open_batch() -> bool:
            return (await _committed_view(client))[0] == open_at + 1  # type: ignore[arg-type]

        await eventually(hw_past_the_open_batch, 10, "the open batch committed")
        before = await _committed_view(client)
        assert before[1] == open_at
        assert before[2] == [(done.producer_id, aborted_at)]
        assert (await list_offset(client, TOPIC, 0, LATEST, isolation_level=1)).offset == open_at
        await client.close()
        client = None

        broker.kill()  # kill -9, with the open transaction still in the log
        broker.start()
        client = await WireClient.connect(broker.bootstrap)

        async def served() -> bool:
            assert client is not None
            try:
                await fetch(client, TOPIC, 0, 0, isolation_level=READ_COMMITTED)
            except AssertionError:
                return False
            return True

        await eventually(served, 30, "the partition served again")
        hw, lso, aborted, offsets = await _committed_view(client)
        assert (hw, lso) == (open_at + 1, open_at)  # rebuilt from the log
        assert aborted == [(done.producer_id, aborted_at)]
        assert max(offsets) < open_at  # a read_committed fetch stops before it

        async def open_one_aborted() -> bool:
            assert client is not None
            view = await _committed_view(client)
            return view[1] == view[0] and view[0] > open_at + 1  # its abort marker is in

        await eventually(open_one_aborted, 60, "the coordinator aborting the open transaction")
        hw, lso, aborted, offsets = await _committed_view(client)
        assert aborted == [(done.producer_id, aborted_at), (left_open.producer_id, open_at)]
        assert (await list_offset(client, TOPIC, 0, LATEST, isolation_level=1)).offset == hw
        assert open_at in offsets  # read now, and skipped by the client as aborted
    finally:
        if client is not None:
            await client.close()
        broker.stop()
