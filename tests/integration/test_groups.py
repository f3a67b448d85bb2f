"""The group coordinator in an in-process broker, over the wire: ``__consumer_offsets``,
FindCoordinator, a rebalance driven with Samsa's own codec, commits that survive restarts,
deleted topics, offset expiry, session expiry, shutdown, lag."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from support import embedded_process
from support.group_ops import (
    Member,
    commit,
    committed,
    describe,
    fetch_offsets,
    fetch_offsets_when_loaded,
    find_coordinator,
    heartbeat,
    join,
    join_request,
    sync,
    wait_until_settled,
)
from support.kafka_ops import create_topic, metadata, produce
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.group.records import partition_for_group
from broker.metadata.internal_topics import GROUP_METADATA_TOPIC
from protocol.errors import ErrorCode
from protocol.messages import (
    ApiVersionsRequest,
    CreatePartitionsRequest,
    DeleteGroupsRequest,
    DeleteTopicsRequest,
    DescribeConfigsRequest,
    ListGroupsRequest,
)

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.samsa_config(**{"group.initial.rebalance.delay.ms": 0}),
]

NO_DELAY = {"group.initial.rebalance.delay.ms": 0}


async def test_consumer_offsets_is_internal_compacted_and_protected(
    broker: Broker, client: WireClient
) -> None:
    [topic] = (await metadata(client, [GROUP_METADATA_TOPIC], allow_auto_create=False)).topics
    assert topic.error_code == 0 and topic.is_internal is True
    assert len(topic.partitions) == 50
    assert all(p.leader_id == broker.config.node_id for p in topic.partitions)
    [other] = (await metadata(client, ["plain"])).topics
    assert other.is_internal is False

    configs = await client.request(
        DescribeConfigsRequest(
            resources=[
                DescribeConfigsRequest.DescribeConfigsResource(
                    resource_type=2, resource_name=GROUP_METADATA_TOPIC, configuration_keys=None
                )
            ]
        ),
        4,
    )
    values = {c.name: c.value for c in configs.results[0].configs}
    assert values["cleanup.policy"] == "compact"
    assert values["segment.bytes"] == str(100 * 1024 * 1024)

    # Only the broker writes it; it cannot be deleted or repartitioned.
    result = await produce(client, GROUP_METADATA_TOPIC, 0, make_batch([b"x"]))
    assert result.error_code == ErrorCode.INVALID_TOPIC_EXCEPTION
    deleted = await client.request(
        DeleteTopicsRequest(topic_names=[GROUP_METADATA_TOPIC, "plain"], timeout_ms=5000), 4
    )
    assert [(r.name, r.error_code) for r in deleted.responses] == [
        (GROUP_METADATA_TOPIC, ErrorCode.POLICY_VIOLATION),
        ("plain", 0),
    ]
    grown = await client.request(
        CreatePartitionsRequest(
            topics=[
                CreatePartitionsRequest.CreatePartitionsTopic(
                    name=GROUP_METADATA_TOPIC, count=60, assignments=None
                )
            ],
            timeout_ms=5000,
            validate_only=False,
        ),
        3,
    )
    assert grown.results[0].error_code == ErrorCode.POLICY_VIOLATION
    assert broker.controller is not None
    assert broker.controller.image.topic(GROUP_METADATA_TOPIC).partition_count == 50  # type: ignore[union-attr]


async def test_api_versions_advertise_the_group_apis(client: WireClient) -> None:
    response = await client.request(ApiVersionsRequest(), 2)
    ranges = {k.api_key: (k.min_version, k.max_version) for k in response.api_keys}
    assert {k: ranges[k] for k in (8, 9, 10, 11, 12, 13, 14, 15, 16, 42, 47)} == {
        8: (2, 9),
        9: (1, 9),
        10: (0, 3),
        11: (0, 7),
        12: (0, 4),
        13: (0, 4),
        14: (0, 5),
        15: (0, 5),
        16: (0, 5),
        42: (0, 2),
        47: (0, 0),
    }


@pytest.mark.parametrize("version", [0, 1, 2, 3])
async def test_find_coordinator(broker: Broker, client: WireClient, version: int) -> None:
    response = await find_coordinator(client, "some-group", version)
    assert response.error_code == 0
    assert (response.node_id, response.host, response.port) == (
        broker.config.node_id,
        broker.host,
        broker.port,
    )


async def test_find_transaction_coordinator(broker: Broker, client: WireClient) -> None:
    from protocol.messages import FindCoordinatorRequest

    async def found() -> Any:
        # The first request creates __transaction_state; the answer is retriable meanwhile.
        response = await client.request(FindCoordinatorRequest(key="tx", key_type=1), 3)
        retriable = {ErrorCode.NONE, ErrorCode.COORDINATOR_NOT_AVAILABLE}
        assert response.error_code in retriable, response
        return response if response.error_code == ErrorCode.NONE else None

    response = await eventually(found, 20, "the transaction coordinator")
    assert (response.node_id, response.host, response.port) == (
        broker.config.node_id,
        broker.host,
        broker.port,
    )
    empty = await client.request(FindCoordinatorRequest(key="", key_type=1), 3)
    assert empty.error_code == ErrorCode.INVALID_REQUEST
    bad = await client.request(FindCoordinatorRequest(key="x", key_type=7), 3)
    assert bad.error_code == ErrorCode.INVALID_REQUEST


async def test_three_members_rebalance_commit_and_describe(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "t", partitions=3)
    clients = [await WireClient.connect(broker.bootstrap_servers) for _ in range(3)]
    changed = asyncio.Event()
    members = [Member(c, "g3", topics=["t"], changed=changed) for c in clients]
    tasks: list[asyncio.Task[None]] = []
    try:
        started = time.monotonic()
        tasks = [asyncio.create_task(m.run()) for m in members]
        generation = await wait_until_settled(members, changed)
        elapsed = time.monotonic() - started
        print(
            f"\nrebalance of 3 members over the wire (first JoinGroup to all synced, "
            f"generation {generation}): {elapsed * 1000:.1f} ms"
        )
        ids = [m.member_id for m in members]
        assert len(set(ids)) == 3
        assert [m.assignment for m in members] == [i.encode() for i in ids]

        # Commits come from another connection: members are not tied to connections.
        m0 = members[0]
        errors = await commit(
            client, "g3", {("t", 0): 5, ("t", 1): 7}, generation=generation, member_id=ids[0]
        )
        assert errors == {("t", 0): 0, ("t", 1): 0}
        # Partitions that do not exist are refused, the rest committed.
        errors = await commit(
            client, "g3", {("t", 2): 1, ("t", 9): 1}, generation=generation, member_id=ids[0]
        )
        assert errors == {("t", 2): 0, ("t", 9): ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}
        # A stale generation is refused.
        errors = await commit(
            client, "g3", {("t", 0): 9}, generation=generation - 1, member_id=ids[1]
        )
        assert errors == {("t", 0): ErrorCode.ILLEGAL_GENERATION}
        fetched = await fetch_offsets(client, "g3")
        assert fetched.error_code == 0
        assert committed(fetched) == {("t", 0): 5, ("t", 1): 7, ("t", 2): 1}

        described = await describe(client, "g3")
        assert (described.error_code, described.group_state) == (0, "Stable")
        assert described.protocol_type == "consumer" and described.protocol_data == "range"
        assert sorted(m.member_id for m in described.members) == sorted(ids)
        assert {m.client_host for m in described.members} == {"/127.0.0.1"}
        assert {m.client_id for m in described.members} == {"wire-test"}
        assert {bytes(m.member_assignment) for m in described.members} == {i.encode() for i in ids}
        listed = await client.request(ListGroupsRequest(states_filter=[], types_filter=[]), 5)
        assert [(g.group_id, g.group_state, g.protocol_type) for g in listed.groups] == [
            ("g3", "Stable", "consumer")
        ]
        lag = {(x.topic, x.partition): x for x in broker.group_lag("g3")}
        assert lag[("t", 0)].committed_offset == 5 and lag[("t", 0)].log_end_offset == 0
        assert lag[("t", 0)].lag == 0
        assert m0.synced_generation == generation
    finally:
        for m in members:
            m.stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for c in clients:
            await c.close()


async def test_group_lag(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "lagging", partitions=2)
    for i in range(10):
        await produce(client, "lagging", 0, make_batch([b"r%d" % i]))
    before = int(time.time() * 1000)
    assert await commit(client, "lag-group", {("lagging", 0): 4, ("lagging", 1): 0}) == {
        ("lagging", 0): 0,
        ("lagging", 1): 0,
    }
    lag = broker.group_lag("lag-group")
    assert [(x.partition, x.committed_offset, x.log_end_offset, x.lag) for x in lag] == [
        (0, 4, 10, 6),
        (1, 0, 0, 0),
    ]
    assert all(x.commit_timestamp_ms >= before and x.metadata == "m" for x in lag)
    assert broker.group_lag("unknown-group") == []


async def test_offsets_and_groups_survive_a_restart(tmp_path: Path) -> None:
    # A given data dir keeps log.flush.policy=group: commits wait for the fsync.
    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "kept", partitions=2)
        assert await commit(client, "simple", {("kept", 0): 11, ("kept", 1): 22}) == {
            ("kept", 0): 0,
            ("kept", 1): 0,
        }
        member = await join(client, "managed", topics=["kept"], session_timeout_ms=30_000)
        assert member.error_code == 0
        synced = await sync(
            client, "managed", member.generation_id, member.member_id, {member.member_id: b"a"}
        )
        assert synced.error_code == 0
        errors = await commit(
            client,
            "managed",
            {("kept", 1): 3},
            generation=member.generation_id,
            member_id=member.member_id,
        )
        assert errors == {("kept", 1): 0}
        # Deleted groups stay deleted.
        assert await commit(client, "doomed", {("kept", 0): 1}) == {("kept", 0): 0}
        deleted = await client.request(DeleteGroupsRequest(groups_names=["doomed"]), 2)
        assert deleted.results[0].error_code == 0
        await client.close()

    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        assert broker.group_coordinator is not None
        await broker.group_coordinator.wait_loaded(20)
        client = await WireClient.connect(broker.bootstrap_servers)
        fetched = await fetch_offsets_when_loaded(client, "simple")
        assert committed(fetched) == {("kept", 0): 11, ("kept", 1): 22}
        assert committed(await fetch_offsets(client, "managed")) == {("kept", 1): 3}
        assert committed(await fetch_offsets(client, "doomed")) == {}
        # The managed group is back with its generation; its member may carry on.
        described = await describe(client, "managed")
        assert described.group_state == "Stable"
        assert [m.member_id for m in described.members] == [member.member_id]
        assert await heartbeat(client, "managed", member.generation_id, member.member_id) == 0
        assert (await describe(client, "simple")).group_state == "Empty"
        await client.close()


async def test_deleting_a_topic_drops_its_committed_offsets(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "gone")
    await create_topic(client, "stays")
    assert await commit(client, "gd", {("gone", 0): 3, ("stays", 0): 4}) == {
        ("gone", 0): 0,
        ("stays", 0): 0,
    }
    await client.request(DeleteTopicsRequest(topic_names=["gone"], timeout_ms=5000), 4)
    assert committed(await fetch_offsets(client, "gd")) == {("stays", 0): 4}


@pytest.mark.samsa_config(**{"offsets.retention.check.interval.ms": 50})
async def test_expired_offsets_are_removed_by_the_periodic_check(client: WireClient) -> None:
    await create_topic(client, "short")
    # OffsetCommit v2-v4 may carry a retention time: this commit expires 1 ms after it lands.
    errors = await commit(client, "expiring", {("short", 0): 5}, version=2, retention_time_ms=1)
    assert errors == {("short", 0): 0}

    async def expired() -> bool:
        return not committed(await fetch_offsets(client, "expiring"))

    await eventually(expired, 10, "the offset to expire", poll_s=0.05)
    listed = await client.request(ListGroupsRequest(states_filter=[], types_filter=[]), 5)
    assert "expiring" not in [g.group_id for g in listed.groups]


@pytest.mark.samsa_config(**{"group.min.session.timeout.ms": 100})
async def test_a_silent_member_is_expired_and_the_group_rebalances(broker: Broker) -> None:
    clients = [await WireClient.connect(broker.bootstrap_servers) for _ in range(2)]
    changed = asyncio.Event()
    keeper = Member(clients[0], "gs", changed=changed)
    silent = Member(clients[1], "gs", session_timeout_ms=300, changed=changed)
    tasks = [asyncio.create_task(m.run()) for m in (keeper, silent)]
    try:
        generation = await wait_until_settled([keeper, silent], changed)
        # ``silent`` stops heartbeating without leaving: after its 300 ms session the group
        # rebalances without it and ``keeper`` gets every partition.
        tasks[1].cancel()
        async with asyncio.timeout(10):
            while keeper.synced_generation <= generation:
                changed.clear()
                await changed.wait()
        assert keeper.generation == keeper.synced_generation > generation
        assert keeper.members == [keeper.member_id]
    finally:
        keeper.stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for c in clients:
            await c.close()


async def test_parked_join_is_answered_when_the_broker_stops() -> None:
    settings: dict[str, Any] = {"group.initial.rebalance.delay.ms": 60_000}
    async with Broker.embedded(**settings) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        first = await client.request(join_request("slow"), 7)
        assert first.error_code == ErrorCode.MEMBER_ID_REQUIRED
        await client.send(join_request("slow", first.member_id), 7)
        # The join is parked (the initial delay is a minute); stopping the broker answers it.
        observer = await WireClient.connect(broker.bootstrap_servers)

        async def parked() -> bool:
            return bool((await describe(observer, "slow")).group_state == "PreparingRebalance")

        await eventually(parked, what="the join parked in the initial delay")
        await observer.close()
        pending = asyncio.ensure_future(client.receive(timeout_s=20))
        await broker.stop()
        response = await pending
        assert response.error_code == ErrorCode.NOT_COORDINATOR
        await client.close()


async def test_group_placement_follows_kafka(broker: Broker) -> None:
    assert broker.group_coordinator is not None
    for group in ("g", "my-group", "console-consumer-12345", ""):
        assert broker.group_coordinator.partition_for(group) == partition_for_group(group, 50)


async def test_loading_reads_the_log_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import broker.group.loader as loader

    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "many", partitions=40)
        for p in range(40):  # one batch per commit
            assert await commit(client, "chunky", {("many", p): p + 1}) == {("many", p): 0}
        await client.close()
    monkeypatch.setattr(loader, "LOAD_CHUNK_BYTES", 300)  # a handful of batches per read
    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        assert broker.group_coordinator is not None
        await broker.group_coordinator.wait_loaded(20)
        client = await WireClient.connect(broker.bootstrap_servers)
        fetched = await fetch_offsets_when_loaded(client, "chunky")
        assert committed(fetched) == {("many", p): p + 1 for p in range(40)}
        await client.close()


async def test_an_unreadable_partition_stays_unavailable_instead_of_losing_offsets(
    tmp_path: Path,
) -> None:
    from protocol.records import RecordBatchBuilder

    broken, healthy = "broken-group", "healthy-group"
    assert partition_for_group(broken) != partition_for_group(healthy)
    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "u")
        for group in (broken, healthy):
            assert await commit(client, group, {("u", 0): 7}) == {("u", 0): 0}
        await client.close()
        # A record this version cannot read (say, written by a newer Samsa): key type 99.
        builder = RecordBatchBuilder()
        builder.append(b"\x00\x00", key=b"\x00\x63\x00\x00", timestamp_ms=0)
        assert broker.replica_manager is not None
        partition = broker.replica_manager.get_partition(
            GROUP_METADATA_TOPIC, partition_for_group(broken)
        )
        partition.append_records_as_leader(builder.build(), required_acks=-1, now_ms=0)
        broker.replica_manager.after_append(partition)
    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        assert broker.group_coordinator is not None
        await broker.group_coordinator.wait_loaded(20)
        assert broker.group_coordinator.loading_partitions == {partition_for_group(broken)}
        assert broker.group_coordinator.failed_partitions == {partition_for_group(broken)}
        client = await WireClient.connect(broker.bootstrap_servers)
        assert committed(await fetch_offsets(client, healthy)) == {("u", 0): 7}
        refused = await fetch_offsets(client, broken)
        assert refused.error_code == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        await client.close()


async def test_kill_9_loses_no_acknowledged_commit(tmp_path: Path) -> None:
    data_dir, port_file = tmp_path / "data", tmp_path / "port"
    settings = {"log.flush.policy": "group", "group.initial.rebalance.delay.ms": 0}
    async with embedded_process.killed_after(data_dir, port_file, settings) as client:
        await create_topic(client, "k9", partitions=2)
        for i in range(30):
            assert await commit(client, "k9-group", {("k9", i % 2): i}) == {("k9", i % 2): 0}
    async with Broker.embedded(data_dir, **NO_DELAY) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        fetched = await fetch_offsets_when_loaded(client, "k9-group")
        assert committed(fetched) == {("k9", 0): 28, ("k9", 1): 29}
        await client.close()


async def test_a_parked_request_is_bounded_even_if_the_core_never_answers(
    broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    import broker.group.driver as driver
    from broker.group import Outcome, ParkKey
    from protocol.messages import HeartbeatResponse

    monkeypatch.setattr(driver, "PARK_MARGIN_MS", 50)
    gc = broker.group_coordinator
    assert gc is not None
    key = ParkKey(10**9, 12, "never-answered")  # a key the core does not know
    waiting = gc.run(
        lambda core, now: Outcome(parked=key),
        lambda code: HeartbeatResponse(error_code=code),
        bound_ms=0,
    )
    assert not isinstance(waiting, HeartbeatResponse)
    async with asyncio.timeout(10):
        response = await waiting
    assert response.error_code == ErrorCode.COORDINATOR_NOT_AVAILABLE


@pytest.mark.samsa_config(**{"offsets.topic.replication.factor": 3})
async def test_groups_are_unavailable_while_consumer_offsets_cannot_be_created(
    broker: Broker, client: WireClient
) -> None:
    assert broker.controller is not None
    assert broker.controller.image.topic(GROUP_METADATA_TOPIC) is None  # 3 replicas, 1 broker
    found = await find_coordinator(client, "g")
    assert (found.error_code, found.node_id) == (ErrorCode.COORDINATOR_NOT_AVAILABLE, -1)
    joined = await client.request(join_request("g"), 7)
    assert joined.error_code == ErrorCode.COORDINATOR_NOT_AVAILABLE
    fetched = await fetch_offsets(client, "g")
    assert fetched.error_code == ErrorCode.COORDINATOR_NOT_AVAILABLE


@pytest.mark.samsa_config(**{"group.initial.rebalance.delay.ms": 60_000})
async def test_the_coordinator_follows_leadership_of_consumer_offsets(
    broker: Broker, client: WireClient
) -> None:
    """The cluster issue will move partition leaders; the coordinator already unloads a
    partition it stops leading (parked requests get NOT_COORDINATOR) and reloads it from the
    log when it leads it again."""
    from broker.metadata.image import MetadataDelta
    from broker.metadata.records import PartitionChangeRecord

    gc, controller = broker.group_coordinator, broker.controller
    assert gc is not None and controller is not None
    await create_topic(client, "lead")
    group = "moving-group"
    p = partition_for_group(group)
    assert await commit(client, group, {("lead", 0): 42}) == {("lead", 0): 0}
    other = await WireClient.connect(broker.bootstrap_servers)
    try:
        first = await other.request(join_request(group, topics=["lead"]), 7)
        await other.send(join_request(group, first.member_id, topics=["lead"]), 7)
        topic_id = controller.image.topic(GROUP_METADATA_TOPIC).topic_id  # type: ignore[union-attr]

        def change_leader(image: object, leader: int) -> object:
            delta = MetadataDelta(image)  # type: ignore[arg-type]
            delta.replay(
                image.offset + 1,  # type: ignore[attr-defined]
                PartitionChangeRecord(topic_id, p, leader=leader),
            )
            new = delta.build()
            gc.on_metadata(new, delta)
            return new

        moved = change_leader(controller.image, broker.config.node_id + 1)
        assert p not in gc.core.owned_partitions  # type: ignore[union-attr]
        # The parked join (waiting out a one-minute initial delay) is answered; new requests
        # are redirected.
        parked = await other.receive()
        assert parked.error_code == ErrorCode.NOT_COORDINATOR
        assert (await fetch_offsets(client, group)).error_code == ErrorCode.NOT_COORDINATOR

        change_leader(moved, broker.config.node_id)
        await gc.wait_loaded(10)
        assert committed(await fetch_offsets_when_loaded(client, group)) == {("lead", 0): 42}
    finally:
        await other.close()
