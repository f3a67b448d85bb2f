"""InitProducerId and idempotent produce over the wire; producer state across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.kafka_ops import create_topic, fetch, produce, values_of
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from protocol.errors import ErrorCode
from protocol.messages import InitProducerIdRequest


async def _init(client: WireClient, version: int = 4) -> tuple[int, int]:
    r = await client.request(
        InitProducerIdRequest(transactional_id=None, transaction_timeout_ms=60000), version
    )
    assert r.error_code == 0
    return r.producer_id, r.producer_epoch


def _batch(pid: int, epoch: int, seq: int, values: list[bytes]) -> bytes:
    return make_batch(values, producer_id=pid, producer_epoch=epoch, base_sequence=seq)


@pytest.mark.parametrize("version", range(0, 5))
async def test_init_producer_id_hands_out_fresh_ids(client: WireClient, version: int) -> None:
    ids = {(await _init(client, version))[0] for _ in range(5)}
    assert len(ids) == 5
    assert all(pid >= 0 for pid in ids)


async def test_transactional_ids_get_a_new_epoch_per_init(client: WireClient) -> None:
    # Retriable while __transaction_state is created and loaded (the first request creates it).
    retriable = {
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
        ErrorCode.NOT_COORDINATOR,
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
        ErrorCode.CONCURRENT_TRANSACTIONS,
    }

    async def init() -> tuple[int, int] | None:
        r = await client.request(
            InitProducerIdRequest(transactional_id="tx-1", transaction_timeout_ms=60000), 4
        )
        assert r.error_code == 0 or r.error_code in retriable, r
        return (r.producer_id, r.producer_epoch) if r.error_code == 0 else None

    pid, epoch = await eventually(init, 20, "a producer id for tx-1")
    assert pid >= 0 and epoch == 0
    assert await eventually(init, 20, "tx-1 again") == (pid, 1)
    empty = await client.request(
        InitProducerIdRequest(transactional_id="", transaction_timeout_ms=60000), 4
    )
    assert (empty.error_code, empty.producer_id) == (ErrorCode.INVALID_REQUEST, -1)


async def test_sequence_checks(client: WireClient) -> None:
    await create_topic(client, "idem")
    pid, epoch = await _init(client)
    assert (await produce(client, "idem", 0, _batch(pid, epoch, 0, [b"a", b"b"]))).base_offset == 0
    assert (await produce(client, "idem", 0, _batch(pid, epoch, 2, [b"c"]))).base_offset == 2
    # A retry of the first batch: the original offsets, nothing appended.
    dup = await produce(client, "idem", 0, _batch(pid, epoch, 0, [b"a", b"b"]))
    assert (dup.error_code, dup.base_offset) == (0, 0)
    gap = await produce(client, "idem", 0, _batch(pid, epoch, 7, [b"z"]))
    assert gap.error_code == 45  # OUT_OF_ORDER_SEQUENCE_NUMBER
    old = await produce(client, "idem", 0, _batch(pid, epoch - 1 if epoch else -5, 3, [b"z"]))
    assert old.error_code in (45, 47)
    data = await fetch(client, "idem", 0, 0)
    assert values_of(data.records) == [b"a", b"b", b"c"]


async def test_old_epoch_is_fenced(client: WireClient) -> None:
    await create_topic(client, "ep")
    pid, _ = await _init(client)
    assert (await produce(client, "ep", 0, _batch(pid, 3, 0, [b"a"]))).error_code == 0
    assert (await produce(client, "ep", 0, _batch(pid, 2, 1, [b"b"]))).error_code == 47
    assert (await produce(client, "ep", 0, _batch(pid, 4, 5, [b"b"]))).error_code == 45
    assert (await produce(client, "ep", 0, _batch(pid, 4, 0, [b"b"]))).error_code == 0


async def test_pipelined_idempotent_requests_keep_their_order(client: WireClient) -> None:
    from support.kafka_ops import produce_request

    await create_topic(client, "pipe")
    pid, epoch = await _init(client)
    for seq in range(5):
        await client.send(produce_request("pipe", 0, _batch(pid, epoch, seq, [b"%d" % seq])), 8)
    offsets = [(await client.receive()).responses[0].partition_responses[0] for _ in range(5)]
    assert [(p.error_code, p.base_offset) for p in offsets] == [(0, i) for i in range(5)]


@pytest.mark.parametrize("stop_cleanly", [True, False])
async def test_producer_state_and_ids_survive_a_restart(tmp_path: Path, stop_cleanly: bool) -> None:
    """Producer state comes back from the snapshot (clean stop) or from the log (no
    snapshot): a retry after the restart is still a duplicate, a gap still an error, and new
    producer ids never repeat."""
    async with Broker.embedded(tmp_path) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "keep")
        pid, epoch = await _init(client)
        for seq in range(3):
            await produce(client, "keep", 0, _batch(pid, epoch, seq, [b"%d" % seq]))
        await client.close()
        if not stop_cleanly:
            # No snapshot: the state must come from the batch headers in the log.
            for partition in broker.replica_manager.loaded_partitions():  # type: ignore[union-attr]
                partition.log.producer_snapshots.delete_all()
            broker.replica_manager.snapshot_producer_state = lambda **_: 0  # type: ignore[method-assign,union-attr]
    async with Broker.embedded(tmp_path) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        dup = await produce(client, "keep", 0, _batch(pid, epoch, 2, [b"2"]))
        assert (dup.error_code, dup.base_offset) == (0, 2)
        gap = await produce(client, "keep", 0, _batch(pid, epoch, 9, [b"9"]))
        assert gap.error_code == 45
        nxt = await produce(client, "keep", 0, _batch(pid, epoch, 3, [b"3"]))
        assert (nxt.error_code, nxt.base_offset) == (0, 3)
        new_pid, _ = await _init(client)
        assert new_pid != pid and new_pid > pid
        await client.close()
