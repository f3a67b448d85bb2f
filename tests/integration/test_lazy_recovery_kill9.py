"""After a ``kill -9`` the broker answers before it recovers any log: each partition is
recovered when a request first touches it (a Fetch, a Produce, a ListOffsets), and that
recovery still cuts a torn tail and keeps every acknowledged record, under the ``group``
policy (acknowledged = fsynced; recovery fsyncs before use) and under ``none`` (the recovery
point stays and the flusher fsyncs later)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from support import embedded_process
from support.group_ops import commit, committed, fetch_offsets_when_loaded, find_coordinator
from support.kafka_ops import (
    create_topic,
    fetch,
    fetch_request,
    list_offset,
    produce,
    produce_request,
    values_of,
)
from support.log_opens import record_open_threads
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.group import partition_for_group
from broker.handlers import recovery_wait
from broker.metadata.internal_topics import GROUP_METADATA_TOPIC, TRANSACTION_STATE_TOPIC
from broker.storage.names import TopicPartition
from broker.txn.records import partition_for_transactional_id
from protocol.errors import ErrorCode
from protocol.messages import (
    DeleteRecordsRequest,
    DescribeProducersRequest,
    FindCoordinatorRequest,
    InitProducerIdRequest,
    ProduceRequest,
    WriteTxnMarkersRequest,
)

pytestmark = pytest.mark.timeout(120)

T = TypeVar("T")

#: A broker process (a fresh interpreter) starts within this on a busy machine.
STARTUP_TIMEOUT_S = 30.0
TOPIC = "lazy"
PARTITIONS = 3
BATCHES = 20
FETCH, PRODUCE, LIST_OFFSETS = 0, 1, 2
GROUP = "lazy-group"
TXN_ID = "lazy-txn"


async def _run_and_kill(
    data_dir: Path, tmp_path: Path, policy: str, work: Callable[[WireClient], Awaitable[T]]
) -> T:
    """``work`` done over the wire by a broker process, which is then SIGKILLed."""
    settings = {"log.flush.policy": policy}
    async with embedded_process.killed_after(data_dir, tmp_path / "port", settings) as client:
        return await work(client)


async def _fill_and_kill(data_dir: Path, tmp_path: Path, policy: str) -> list[list[bytes]]:
    """Acknowledged values per partition, written by a broker process then SIGKILLed."""

    async def fill(client: WireClient) -> list[list[bytes]]:
        await create_topic(client, TOPIC, partitions=PARTITIONS)
        acked: list[list[bytes]] = [[] for _ in range(PARTITIONS)]
        for i in range(BATCHES):
            for p in range(PARTITIONS):
                value = b"p%d-m%d" % (p, i)
                response = await produce(client, TOPIC, p, make_batch([value]), acks=1)
                assert response.error_code == 0
                acked[p].append(value)
        return acked

    return await _run_and_kill(data_dir, tmp_path, policy, fill)


#: Half a batch: what a write cut by the crash leaves at a segment's end.
TORN = make_batch([b"torn" * 100])[:250]


def _tear_tails(data_dir: Path) -> dict[int, int]:
    """Append ``TORN`` to every partition's last segment; returns each one's intact size."""
    intact: dict[int, int] = {}
    for p in range(PARTITIONS):
        last = max((data_dir / f"{TOPIC}-{p}").glob("*.log"))
        intact[p] = last.stat().st_size
        with open(last, "ab") as f:
            f.write(TORN)
    return intact


def _last_segment_size(data_dir: Path, p: int) -> int:
    return max((data_dir / f"{TOPIC}-{p}").glob("*.log")).stat().st_size


@pytest.mark.parametrize("policy", ["group", "none"])
async def test_first_touch_recovers_cuts_the_torn_tail_and_keeps_the_acknowledged(
    tmp_path: Path, policy: str
) -> None:
    data_dir = tmp_path / "data"
    acked = await _fill_and_kill(data_dir, tmp_path, policy)
    intact = _tear_tails(data_dir)
    tps = [TopicPartition(TOPIC, p) for p in range(PARTITIONS)]
    async with Broker.embedded(data_dir, **{"log.flush.policy": policy}) as broker:
        manager = broker.log_manager
        assert manager is not None
        # Listening, and no log of the topic recovered yet.
        assert set(tps) <= set(manager.unrecovered_partitions())
        client = await WireClient.connect(broker.bootstrap_servers)

        data = await fetch(client, TOPIC, FETCH, 0)
        assert values_of(data.records) == acked[FETCH]
        assert data.high_watermark == BATCHES
        assert _last_segment_size(data_dir, FETCH) == intact[FETCH]
        assert tps[FETCH] not in manager.unrecovered_partitions()

        response = await produce(client, TOPIC, PRODUCE, make_batch([b"after"]), acks=1)
        assert response.error_code == 0 and response.base_offset == BATCHES
        data = await fetch(client, TOPIC, PRODUCE, 0)
        assert values_of(data.records) == [*acked[PRODUCE], b"after"]
        assert tps[PRODUCE] not in manager.unrecovered_partitions()

        assert (await list_offset(client, TOPIC, LIST_OFFSETS, -1)).offset == BATCHES
        assert _last_segment_size(data_dir, LIST_OFFSETS) == intact[LIST_OFFSETS]
        assert tps[LIST_OFFSETS] not in manager.unrecovered_partitions()
        assert manager.recovery_stats.bytes_truncated == PARTITIONS * len(TORN)
        await client.close()
    # A clean stop after that: the next start validates nothing of the topic and keeps all.
    async with Broker.embedded(data_dir, **{"log.flush.policy": policy}) as broker:
        manager = broker.log_manager
        assert manager is not None
        assert manager.unrecovered_partitions() == []
        client = await WireClient.connect(broker.bootstrap_servers)
        for p in range(PARTITIONS):
            data = await fetch(client, TOPIC, p, 0)
            expected = [*acked[p], b"after"] if p == PRODUCE else acked[p]
            assert values_of(data.records) == expected
        assert manager.recovery_stats.batches_validated == 0
        await client.close()


async def test_first_touch_recovers_off_the_event_loop_and_keeps_pipelined_appends_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Produce or Fetch naming a partition that awaits its recovery has it recovered on a
    worker thread (the event loop serves others meanwhile); produces pipelined behind such a
    one, to that partition or another, append in the order they were sent."""
    data_dir = tmp_path / "data"
    acked = await _fill_and_kill(data_dir, tmp_path, "none")
    _tear_tails(data_dir)
    loop_thread = threading.get_ident()
    opened_on = record_open_threads(monkeypatch)
    async with Broker.embedded(data_dir, **{"log.flush.policy": "none"}) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        # Sent before any answer: appends to PRODUCE (awaiting recovery) and to FETCH (also
        # awaiting it) interleaved, then a Fetch of LIST_OFFSETS.
        order = [PRODUCE, FETCH, PRODUCE, PRODUCE, FETCH]
        for n, p in enumerate(order):
            request = produce_request(TOPIC, p, make_batch([b"new-%d" % n]), acks=1)
            await client.send(request, 8)
        await client.send(fetch_request(TOPIC, LIST_OFFSETS, 0), 11)
        next_offset = {PRODUCE: BATCHES, FETCH: BATCHES}
        for p in order:
            answer = (await client.receive()).responses[0].partition_responses[0]
            assert answer.error_code == 0
            assert answer.base_offset == next_offset[p]
            next_offset[p] += 1
        read = (await client.receive()).responses[0].partitions[0]
        assert values_of(read.records) == acked[LIST_OFFSETS]
        for p in (PRODUCE, FETCH):
            data = await fetch(client, TOPIC, p, 0)
            sent = [b"new-%d" % n for n, q in enumerate(order) if q == p]
            assert values_of(data.records) == [*acked[p], *sent]
        await client.close()
        touched = [TopicPartition(TOPIC, p) for p in (PRODUCE, FETCH, LIST_OFFSETS)]
        assert set(touched) <= set(opened_on)
        assert all(opened_on[tp] != loop_thread for tp in touched)
        assert broker.services is not None and not broker.services.append_queue.busy


async def test_a_produce_behind_one_awaiting_a_recovery_appends_after_it(tmp_path: Path) -> None:
    """The first request names a partition awaiting its recovery and a recovered one; the
    second, pipelined behind it, only the recovered one: it must not append there first."""
    data_dir = tmp_path / "data"
    acked = await _fill_and_kill(data_dir, tmp_path, "none")
    async with Broker.embedded(data_dir, **{"log.flush.policy": "none"}) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        data = await fetch(client, TOPIC, FETCH, 0)  # recovers FETCH
        assert values_of(data.records) == acked[FETCH]
        both = produce_request(TOPIC, FETCH, make_batch([b"first"]), acks=1)
        both.topic_data[0].partition_data.append(
            ProduceRequest.TopicProduceData.PartitionProduceData(
                index=PRODUCE, records=make_batch([b"first"])
            )
        )
        await client.send(both, 8)
        await client.send(produce_request(TOPIC, FETCH, make_batch([b"second"]), acks=1), 8)
        first = (await client.receive()).responses[0].partition_responses
        second = (await client.receive()).responses[0].partition_responses[0]
        assert [(r.index, r.error_code, r.base_offset) for r in first] == [
            (FETCH, 0, BATCHES),
            (PRODUCE, 0, BATCHES),
        ]
        assert (second.error_code, second.base_offset) == (0, BATCHES + 1)
        data = await fetch(client, TOPIC, FETCH, 0)
        assert values_of(data.records) == [*acked[FETCH], b"first", b"second"]
        await client.close()


async def test_a_request_waits_for_a_recovery_no_longer_than_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A recovery that does not end (a hung disk) holds a Produce no longer than its timeout
    and a Fetch no longer than ``MAX_FETCH_RECOVERY_WAIT_S``: both are answered
    REQUEST_TIMED_OUT, and once recoveries end the same requests succeed."""
    data_dir = tmp_path / "data"
    acked = await _fill_and_kill(data_dir, tmp_path, "none")
    async with Broker.embedded(data_dir, **{"log.flush.policy": "none"}) as broker:
        manager = broker.log_manager
        assert manager is not None
        recover = manager.recover_logs
        hung = asyncio.Event()

        async def never_ends(tps: object, *, now_ms: int) -> None:
            await hung.wait()

        monkeypatch.setattr(manager, "recover_logs", never_ends)
        monkeypatch.setattr(recovery_wait, "MAX_FETCH_RECOVERY_WAIT_S", 0.2)
        client = await WireClient.connect(broker.bootstrap_servers)
        request = produce_request(TOPIC, PRODUCE, make_batch([b"late"]), acks=1, timeout_ms=200)
        answer = (await client.request(request, 8)).responses[0].partition_responses[0]
        assert answer.error_code == ErrorCode.REQUEST_TIMED_OUT
        response = await client.request(fetch_request(TOPIC, FETCH, 0), 11)
        assert response.error_code == ErrorCode.REQUEST_TIMED_OUT
        monkeypatch.setattr(manager, "recover_logs", recover)
        answer = (await client.request(request, 8)).responses[0].partition_responses[0]
        assert (answer.error_code, answer.base_offset) == (0, BATCHES)
        assert values_of((await fetch(client, TOPIC, FETCH, 0)).records) == acked[FETCH]
        assert broker.services is not None and not broker.services.append_queue.busy
        await client.close()


async def test_the_group_coordinator_loads_offsets_recovered_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a kill -9, the group coordinator's load of ``__consumer_offsets`` has the log
    recovered on a worker thread, and the committed offsets come back."""
    data_dir = tmp_path / "data"
    offsets = {(TOPIC, p): 10 + p for p in range(PARTITIONS)}

    async def commit_offsets(client: WireClient) -> None:
        await create_topic(client, TOPIC, partitions=PARTITIONS)
        await eventually(
            lambda: _coordinator_found(client, GROUP), STARTUP_TIMEOUT_S, "a coordinator"
        )
        assert set((await commit(client, GROUP, offsets)).values()) == {0}

    await _run_and_kill(data_dir, tmp_path, "none", commit_offsets)
    loop_thread = threading.get_ident()
    opened_on = record_open_threads(monkeypatch)
    async with Broker.embedded(data_dir, **{"log.flush.policy": "none"}) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        assert committed(await fetch_offsets_when_loaded(client, GROUP)) == offsets
        await client.close()
    tp = TopicPartition(GROUP_METADATA_TOPIC, partition_for_group(GROUP))
    assert opened_on[tp] != loop_thread


async def _coordinator_found(client: WireClient, group: str) -> bool:
    return bool((await find_coordinator(client, group)).error_code == 0)


async def test_the_transaction_coordinator_loads_state_recovered_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a kill -9, the transaction coordinator's load of ``__transaction_state`` has the
    log recovered on a worker thread, and the transactional id's producer comes back (its
    next InitProducerId bumps the epoch of the same producer id)."""
    data_dir = tmp_path / "data"

    async def init(client: WireClient) -> tuple[int, int] | None:
        return await eventually(
            lambda: _init_producer_id(client), STARTUP_TIMEOUT_S, "InitProducerId"
        )

    before = await _run_and_kill(data_dir, tmp_path, "none", init)
    assert before is not None
    loop_thread = threading.get_ident()
    opened_on = record_open_threads(monkeypatch)
    async with Broker.embedded(data_dir, **{"log.flush.policy": "none"}) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        after = await eventually(
            lambda: _init_producer_id(client), STARTUP_TIMEOUT_S, "InitProducerId again"
        )
        await client.close()
    assert after == (before[0], before[1] + 1)
    tp = TopicPartition(TRANSACTION_STATE_TOPIC, partition_for_transactional_id(TXN_ID))
    assert opened_on[tp] != loop_thread


async def _init_producer_id(client: WireClient) -> tuple[int, int] | None:
    """The transactional id's (producer id, epoch), or None while its coordinator is not
    ready."""
    found = await client.request(FindCoordinatorRequest(key=TXN_ID, key_type=1), 3)
    if found.error_code != 0:
        return None
    answer = await client.request(
        InitProducerIdRequest(
            transactional_id=TXN_ID,
            transaction_timeout_ms=60_000,
            producer_id=-1,
            producer_epoch=-1,
        ),
        4,
    )
    if answer.error_code != 0:
        return None
    return int(answer.producer_id), int(answer.producer_epoch)


async def test_admin_requests_have_partitions_recovered_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DeleteRecords and DescribeProducers naming partitions that await their recovery have
    them recovered on worker threads, then answer as after any start."""
    data_dir = tmp_path / "data"
    await _fill_and_kill(data_dir, tmp_path, "none")
    loop_thread = threading.get_ident()
    opened_on = record_open_threads(monkeypatch)
    async with Broker.embedded(data_dir, **{"log.flush.policy": "none"}) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        deleted = await client.request(
            DeleteRecordsRequest(
                topics=[
                    DeleteRecordsRequest.DeleteRecordsTopic(
                        name=TOPIC,
                        partitions=[
                            DeleteRecordsRequest.DeleteRecordsTopic.DeleteRecordsPartition(
                                partition_index=FETCH, offset=5
                            )
                        ],
                    )
                ],
                timeout_ms=5000,
            ),
            1,
        )
        [moved] = deleted.topics[0].partitions
        assert (moved.error_code, moved.low_watermark) == (0, 5)
        described = await client.request(
            DescribeProducersRequest(
                topics=[
                    DescribeProducersRequest.TopicRequest(name=TOPIC, partition_indexes=[PRODUCE])
                ]
            ),
            0,
        )
        [producers] = described.topics[0].partitions
        assert producers.error_code == 0
        await client.close()
    for p in (FETCH, PRODUCE):
        assert opened_on[TopicPartition(TOPIC, p)] != loop_thread


async def test_txn_markers_have_partitions_recovered_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WriteTxnMarkers naming a partition that awaits its recovery has it recovered on a
    worker thread (with the produces' queue), then writes the marker after the acknowledged
    records."""
    data_dir = tmp_path / "data"
    acked = await _fill_and_kill(data_dir, tmp_path, "none")
    loop_thread = threading.get_ident()
    opened_on = record_open_threads(monkeypatch)
    marker = WriteTxnMarkersRequest.WritableTxnMarker
    async with Broker.embedded(data_dir, **{"log.flush.policy": "none"}) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        answer = await client.request(
            WriteTxnMarkersRequest(
                markers=[
                    marker(
                        producer_id=4242,
                        producer_epoch=0,
                        transaction_result=False,
                        topics=[
                            marker.WritableTxnMarkerTopic(
                                name=TOPIC, partition_indexes=[LIST_OFFSETS]
                            )
                        ],
                        coordinator_epoch=0,
                    )
                ]
            ),
            1,
        )
        [written] = answer.markers[0].topics[0].partitions
        assert written.error_code == 0
        end = await list_offset(client, TOPIC, LIST_OFFSETS, -1)
        assert end.offset == BATCHES + 1  # the records, then the marker
        data = await fetch(client, TOPIC, LIST_OFFSETS, 0)
        assert values_of(data.records)[:BATCHES] == acked[LIST_OFFSETS]
        await client.close()
    assert opened_on[TopicPartition(TOPIC, LIST_OFFSETS)] != loop_thread
