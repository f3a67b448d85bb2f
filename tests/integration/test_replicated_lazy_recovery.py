"""A broker of a cluster restarting after an unclean stop recovers its replicated logs on worker
threads, not at start-up on the event loop: each partition then leads or follows as the image
says, its torn tail cut, and replication resumes from there."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from support.kafka_ops import fetch, produce, produce_request, values_of
from support.log_opens import record_open_threads
from support.replication_cluster import InProcessCluster
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.replication.partition import Partition
from broker.storage import PartitionLog
from broker.storage.manager import CLEAN_SHUTDOWN_FILE
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(120)

TOPIC = "lazy-replicated"
#: Partition 0 is led by broker 1, partition 1 by broker 2 (the one that restarts).
FOLLOWED, LED = 0, 1
BATCHES = 10
#: Half a batch: what a write cut by the crash leaves at a segment's end.
TORN = make_batch([b"torn" * 100])[:250]
#: Longest a gated recovery waits for the test to let it go (a failing test must not hang).
GATE_TIMEOUT_S = 30.0


def _tear_tails(data_dir: Path) -> None:
    for partition in (FOLLOWED, LED):
        last = max((data_dir / f"{TOPIC}-{partition}").glob("*.log"))
        with open(last, "ab") as f:
            f.write(TORN)


def _replica(broker: Broker, partition: int) -> Partition | None:
    assert broker.replica_manager is not None
    return broker.replica_manager.replica(TopicPartition(TOPIC, partition))


async def _crash_broker_2(cluster: InProcessCluster, tmp_path: Path) -> None:
    """Fill both partitions, then stop broker 2 and make it look killed: no clean-shutdown
    marker, and a torn write at the end of each of its logs."""
    await cluster.create_topic(TOPIC, [1, 2, 3], partitions=2)
    for node, partition in ((1, FOLLOWED), (2, LED)):
        client = await WireClient.connect(cluster.bootstrap(node))
        try:
            for i in range(BATCHES):
                batch = make_batch([b"p%d-%d" % (partition, i)])
                assert (await produce(client, TOPIC, partition, batch, acks=-1)).error_code == 0
        finally:
            await client.close()
    await cluster.stop_broker(2)
    data_dir = tmp_path / "broker-2"
    (data_dir / CLEAN_SHUTDOWN_FILE).unlink()
    _tear_tails(data_dir)


def _gate_worker_opens(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """From now on, log opens on threads other than this one (the event loop's) wait until
    the returned event is set (at most ``GATE_TIMEOUT_S``)."""
    loop_thread = threading.get_ident()
    gate = threading.Event()
    real_open = PartitionLog.open

    def gated_open(*args: Any, **kwargs: Any) -> Any:
        if threading.get_ident() != loop_thread:
            gate.wait(GATE_TIMEOUT_S)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(PartitionLog, "open", gated_open)
    return gate


async def test_a_restarted_replica_recovers_off_the_event_loop_then_leads_and_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = InProcessCluster(3, root=tmp_path)
    await cluster.start()
    clients: list[WireClient] = []
    try:
        await _crash_broker_2(cluster, tmp_path)
        loop_thread = threading.get_ident()
        opened_on = record_open_threads(monkeypatch)
        # The broker starts, and takes a Produce for the partition it leads, while the
        # recoveries are under way.
        gate = _gate_worker_opens(monkeypatch)
        restarted = await cluster.start_broker(2)
        tps = [TopicPartition(TOPIC, p) for p in (FOLLOWED, LED)]
        early = await WireClient.connect(cluster.bootstrap(2))
        clients.append(early)
        await early.send(produce_request(TOPIC, LED, make_batch([b"early"]), acks=-1), 8)
        assert _replica(restarted, LED) is None and _replica(restarted, FOLLOWED) is None
        gate.set()
        answer = (await early.receive()).responses[0].partition_responses[0]
        assert answer.error_code == 0 and answer.base_offset == BATCHES
        await eventually(
            lambda: all(_replica(restarted, p) is not None for p in (FOLLOWED, LED)),
            what="both replicas opened",
        )
        assert all(opened_on[tp] != loop_thread for tp in tps), "recovered on the event loop"
        manager = restarted.log_manager
        assert manager is not None
        assert manager.recovery_stats.bytes_truncated == 2 * len(TORN)
        followed, led = _replica(restarted, FOLLOWED), _replica(restarted, LED)
        assert followed is not None and followed.is_follower
        assert led is not None and led.is_leader

        # It leads: acks=all reaches the followers again.
        client = await WireClient.connect(cluster.bootstrap(2))
        clients.append(client)
        response = await produce(client, TOPIC, LED, make_batch([b"after"]), acks=-1)
        assert response.error_code == 0 and response.base_offset == BATCHES + 1
        data = await fetch(client, TOPIC, LED, 0)
        written = [*(b"p1-%d" % i for i in range(BATCHES)), b"early", b"after"]
        assert values_of(data.records) == written
        # It follows: the leader's next write reaches it.
        leader = await WireClient.connect(cluster.bootstrap(1))
        clients.append(leader)
        response = await produce(leader, TOPIC, FOLLOWED, make_batch([b"next"]), acks=1)
        assert response.error_code == 0 and response.base_offset == BATCHES
        await eventually(
            lambda: followed.log.log_end_offset == BATCHES + 1, what="the follower to catch up"
        )
    finally:
        for client in clients:
            await client.close()
        await cluster.close()


async def test_a_deferred_partition_a_request_opens_first_takes_its_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A request that opens a deferred partition before the background recovery comes to it
    (here: at once, as the recoveries end) makes it lead then, as the image says."""
    cluster = InProcessCluster(3, root=tmp_path)
    await cluster.start()
    try:
        await _crash_broker_2(cluster, tmp_path)
        gate = _gate_worker_opens(monkeypatch)
        restarted = await cluster.start_broker(2)
        manager = restarted.replica_manager
        assert manager is not None and _replica(restarted, LED) is None
        gate.set()
        # Without letting the event loop run, so before the background task resumes: the
        # open waits for the recovery under way on its thread.
        with caplog.at_level(logging.INFO, logger="samsa.replication"):
            led = manager.get_partition(TOPIC, LED)
        assert led.is_leader
        assert f"{TOPIC}-{LED}: leader at epoch" in caplog.text
        await eventually(lambda: _replica(restarted, FOLLOWED) is not None, what="the follower")
        followed = _replica(restarted, FOLLOWED)
        assert followed is not None and followed.is_follower
        client = await WireClient.connect(cluster.bootstrap(2))
        try:
            response = await produce(client, TOPIC, LED, make_batch([b"after"]), acks=-1)
            assert response.error_code == 0 and response.base_offset == BATCHES
        finally:
            await client.close()
    finally:
        await cluster.close()
