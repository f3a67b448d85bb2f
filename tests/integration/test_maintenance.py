"""Periodic work while the broker runs: checkpoints and producer snapshots, retention."""

from __future__ import annotations

import pytest
from support.kafka_ops import create_topic, list_offset, produce
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from protocol.messages import InitProducerIdRequest

DEADLINE_S = 10.0


@pytest.mark.samsa_config(**{"log.flush.offset.checkpoint.interval.ms": 100})
async def test_checkpoints_and_producer_snapshots_are_written(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "snap")
    init = await client.request(
        InitProducerIdRequest(transactional_id=None, transaction_timeout_ms=1000), 4
    )
    batch = make_batch(
        [b"x"], producer_id=init.producer_id, producer_epoch=init.producer_epoch, base_sequence=0
    )
    assert (await produce(client, "snap", 0, batch)).error_code == 0
    data_dir = broker.data_dirs[0]
    await eventually(
        lambda: (
            list((data_dir / "snap-0").glob("*.snapshot"))
            and "snap 0 1" in (data_dir / "replication-offset-checkpoint").read_text()
        ),
        DEADLINE_S,
        "a producer snapshot and a checkpoint",
    )


@pytest.mark.samsa_config(**{"log.retention.check.interval.ms": 100})
async def test_retention_deletes_old_segments(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "old", configs={"segment.bytes": "1024", "retention.ms": "60000"})
    for i in range(20):
        batch = make_batch([b"%d" % i * 50], timestamp_ms=1000 + i)  # from 1970: long expired
        assert (await produce(client, "old", 0, batch)).error_code == 0

    async def deleted_some() -> bool:
        return bool((await list_offset(client, "old", 0, -2)).offset != 0)

    await eventually(deleted_some, DEADLINE_S, "retention to delete old segments")
    assert (await list_offset(client, "old", 0, -1)).offset == 20
