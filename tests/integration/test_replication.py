"""Leader/follower replication between in-process brokers (real sockets, fake control plane).

Three brokers replicate a topic with replication factor 3 and ``min.insync.replicas=2``; the
tests produce over the wire to the leader and check what followers hold, the ISR, the high
watermark, the acks=all answers and truncation after a failover.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from typing import Any

import pytest
from support.kafka_ops import fetch, offsets_of, produce, values_of
from support.replication_cluster import InProcessCluster
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.replication.partition import Partition
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

TOPIC = "replicated"
TP = TopicPartition(TOPIC, 0)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def cluster() -> AsyncIterator[InProcessCluster]:
    c = InProcessCluster(3)
    await c.start()
    await c.create_topic(TOPIC, [1, 2, 3], configs={"min.insync.replicas": "2"})
    try:
        yield c
    finally:
        await c.close()


def replica(broker: Broker) -> Partition:
    assert broker.replica_manager is not None
    found = broker.replica_manager.replica(TP)
    assert found is not None, f"broker {broker.config.node_id} has no replica of {TP}"
    return found


def _high_watermark_is(broker: Broker, offset: int) -> bool:
    return replica(broker).high_watermark == offset


def log_values(broker: Broker) -> list[tuple[int, bytes | None]]:
    """(offset, value) of every record in the broker's log of TP."""
    log = replica(broker).log
    found = log.read(log.log_start_offset, 1 << 30, min_one_batch=True)
    try:
        data = found.read_bytes()
    finally:
        found.release()
    return list(zip(offsets_of(data), values_of(data), strict=True))


async def send(client: WireClient, values: list[bytes], *, acks: int = -1, **kw: Any) -> Any:
    return await produce(client, TOPIC, 0, make_batch(values, **kw), acks=acks)


async def test_followers_copy_the_log_and_acks_all_waits_for_the_isr(
    cluster: InProcessCluster,
) -> None:
    leader = cluster.brokers[1]
    client = await WireClient.connect(cluster.bootstrap(1))
    try:
        for i in range(20):
            r = await send(client, [f"v{i}-{j}".encode() for j in range(3)])
            assert r.error_code == 0, r
            assert r.base_offset == 3 * i
            # acks=all: the high watermark passed the batch, so every ISR member has it.
            for node in (2, 3):
                assert replica(cluster.brokers[node]).log.log_end_offset >= 3 * i + 3
    finally:
        await client.close()
    assert replica(leader).high_watermark == 60
    expected = log_values(leader)
    assert len(expected) == 60
    for node in (2, 3):
        follower = cluster.brokers[node]
        assert log_values(follower) == expected
        assert replica(follower).log.epoch_cache.entries == replica(leader).log.epoch_cache.entries
        await eventually(functools.partial(_high_watermark_is, follower, 60), what="follower hw")
    assert cluster.state(TOPIC).isr == (1, 2, 3)


async def test_isr_shrinks_when_a_follower_stops_and_expands_when_it_returns(
    cluster: InProcessCluster,
) -> None:
    client = await WireClient.connect(cluster.bootstrap(1))
    try:
        assert (await send(client, [b"before"])).error_code == 0
        await cluster.stop_broker(3)
        # Writes keep coming; broker 3 falls behind and leaves the ISR after the lag time.
        r = await send(client, [b"while-3-is-down"])
        assert r.error_code == 0  # the ISR (1, 2) still meets min.insync.replicas=2
        await eventually(lambda: cluster.state(TOPIC).isr == (1, 2), what="ISR shrinks")
        for i in range(5):
            assert (await send(client, [f"more-{i}".encode()])).error_code == 0
        await cluster.start_broker(3)
        await eventually(lambda: cluster.state(TOPIC).isr == (1, 2, 3), what="ISR expands")
        assert log_values(cluster.brokers[3]) == log_values(cluster.brokers[1])
    finally:
        await client.close()


async def test_not_enough_replicas_before_and_after_append(cluster: InProcessCluster) -> None:
    client = await WireClient.connect(cluster.bootstrap(1))
    try:
        assert (await send(client, [b"a"])).error_code == 0
        await cluster.stop_broker(2)
        await cluster.stop_broker(3)
        # Nothing replicates: an acks=all write waits; when the ISR shrinks below
        # min.insync.replicas underneath it, it gets NOT_ENOUGH_REPLICAS_AFTER_APPEND.
        r = await send(client, [b"b"])
        assert r.error_code == ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, r
        await eventually(lambda: cluster.state(TOPIC).isr == (1,), what="ISR is the leader")
        r = await send(client, [b"c"])
        assert r.error_code == ErrorCode.NOT_ENOUGH_REPLICAS, r
        r = await send(client, [b"d"], acks=1)
        assert r.error_code == 0, r
    finally:
        await client.close()


async def test_consumers_never_read_past_the_high_watermark(cluster: InProcessCluster) -> None:
    client = await WireClient.connect(cluster.bootstrap(1))
    try:
        assert (await send(client, [b"committed"])).error_code == 0
        await cluster.stop_broker(2)
        await cluster.stop_broker(3)
        r = await send(client, [b"not-yet-committed"], acks=1)
        assert r.error_code == 0 and r.base_offset == 1
        leader = replica(cluster.brokers[1])
        assert leader.log.log_end_offset == 2 and leader.high_watermark == 1
        data = await fetch(client, TOPIC, 0, 0)
        assert data.high_watermark == 1
        assert values_of(data.records) == [b"committed"]
        assert values_of((await fetch(client, TOPIC, 0, 1)).records) == []
    finally:
        await client.close()


async def test_an_isolated_leader_acknowledges_no_acks_all_write(
    cluster: InProcessCluster,
) -> None:
    client = await WireClient.connect(cluster.bootstrap(1))
    try:
        assert (await send(client, [b"a"])).error_code == 0
        cluster.isolated.add(1)  # its AlterPartition calls fail: the ISR cannot shrink
        await cluster.stop_broker(2)
        await cluster.stop_broker(3)
        for value in (b"b", b"c"):
            r = await send(client, [value])
            assert r.error_code == ErrorCode.REQUEST_TIMED_OUT, r
        assert replica(cluster.brokers[1]).high_watermark == 1
        assert cluster.state(TOPIC).isr == (1, 2, 3)
    finally:
        await client.close()


async def test_a_deposed_leader_truncates_what_it_alone_had(cluster: InProcessCluster) -> None:
    client = await WireClient.connect(cluster.bootstrap(1))
    try:
        for i in range(5):
            assert (await send(client, [f"kept-{i}".encode()])).error_code == 0
        await cluster.stop_broker(2)
        await cluster.stop_broker(3)
        r = await send(client, [b"lost-1", b"lost-2"], acks=1)
        assert r.error_code == 0 and r.base_offset == 5
    finally:
        await client.close()
    await cluster.stop_broker(1)
    await cluster.start_broker(2)
    await cluster.start_broker(3)
    await cluster.elect(TOPIC, 0, leader=2, isr=(2, 3))
    client = await WireClient.connect(cluster.bootstrap(2))
    try:
        await eventually(lambda: replica(cluster.brokers[2]).is_leader, what="2 leads")
        r = await send(client, [b"new-1", b"new-2", b"new-3"])
        assert r.error_code == 0 and r.base_offset == 5, r
    finally:
        await client.close()
    await cluster.start_broker(1)
    new_leader = cluster.brokers[2]
    await eventually(
        lambda: log_values(cluster.brokers[1]) == log_values(new_leader), what="1 caught up"
    )
    values = [v for _, v in log_values(cluster.brokers[1])]
    assert values == [*(f"kept-{i}".encode() for i in range(5)), b"new-1", b"new-2", b"new-3"]
    epochs = replica(cluster.brokers[1]).log.epoch_cache.entries
    assert epochs == replica(new_leader).log.epoch_cache.entries
    await eventually(lambda: cluster.state(TOPIC).isr == (1, 2, 3), what="1 back in the ISR")


async def test_leader_epoch_checks_and_requests_to_followers(cluster: InProcessCluster) -> None:
    follower = await WireClient.connect(cluster.bootstrap(2))
    leader = await WireClient.connect(cluster.bootstrap(1))
    try:
        r = await produce(follower, TOPIC, 0, make_batch([b"x"]))
        assert r.error_code == ErrorCode.NOT_LEADER_OR_FOLLOWER
        data = await fetch(follower, TOPIC, 0, 0)
        assert data.error_code == ErrorCode.NOT_LEADER_OR_FOLLOWER
        await cluster.elect(TOPIC, 0, leader=2, isr=(1, 2, 3))  # epoch 0 -> 1
        await eventually(lambda: replica(cluster.brokers[2]).is_leader, what="2 leads")
        leader, follower = follower, leader
        assert replica(cluster.brokers[2]).leader_epoch == 1
        old = await fetch(leader, TOPIC, 0, 0, current_leader_epoch=0)
        assert old.error_code == ErrorCode.FENCED_LEADER_EPOCH
        new = await fetch(leader, TOPIC, 0, 0, current_leader_epoch=2)
        assert new.error_code == ErrorCode.UNKNOWN_LEADER_EPOCH
        ok = await fetch(leader, TOPIC, 0, 0, current_leader_epoch=1)
        assert ok.error_code == 0
    finally:
        await follower.close()
        await leader.close()


async def test_a_new_leader_answers_a_retried_idempotent_batch_as_a_duplicate(
    cluster: InProcessCluster,
) -> None:
    batch = make_batch([b"once"], producer_id=4242, producer_epoch=0, base_sequence=0)
    client = await WireClient.connect(cluster.bootstrap(1))
    try:
        first = await produce(client, TOPIC, 0, batch)
        assert first.error_code == 0 and first.base_offset == 0
    finally:
        await client.close()
    await cluster.elect(TOPIC, 0, leader=2, isr=(1, 2, 3))
    await eventually(lambda: replica(cluster.brokers[2]).is_leader, what="2 leads")
    client = await WireClient.connect(cluster.bootstrap(2))
    try:
        # The producer never saw the answer and retries at the new leader.
        retried = await produce(client, TOPIC, 0, batch)
        assert retried.error_code == 0 and retried.base_offset == 0, retried
        after = make_batch([b"next"], producer_id=4242, producer_epoch=0, base_sequence=1)
        nxt = await produce(client, TOPIC, 0, after)
        assert nxt.error_code == 0 and nxt.base_offset == 1, nxt
    finally:
        await client.close()
    assert [v for _, v in log_values(cluster.brokers[2])] == [b"once", b"next"]


async def test_a_conditional_append_is_checked_on_the_leader_and_replicated(
    cluster: InProcessCluster,
) -> None:
    from client import ConditionalAppendConflictError, Producer

    producer = Producer(bootstrap_servers=cluster.bootstrap(1), acks="all", linger_ms=0)
    await producer.start()
    try:
        first = await producer.send_and_wait(TOPIC, b"a", partition=0, expected_offset=0)
        assert first.offset == 0
        with pytest.raises(ConditionalAppendConflictError) as refused:
            await producer.send_and_wait(TOPIC, b"stale", partition=0, expected_offset=0)
        assert refused.value.log_end_offset == 1
        second = await producer.send_and_wait(TOPIC, b"b", partition=0, expected_offset=1)
        assert second.offset == 1
    finally:
        await producer.stop()
    # acks=all: both accepted appends reached every ISR member; the refused one reached none.
    for node in (1, 2, 3):
        assert log_values(cluster.brokers[node]) == [(0, b"a"), (1, b"b")]
