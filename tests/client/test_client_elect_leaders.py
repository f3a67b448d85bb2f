"""``Admin.elect_leaders`` (ElectLeaders) against the embedded broker: a single broker's
partitions are led by their only replica already, so every election is not needed."""

from __future__ import annotations

import socket

import pytest
from support.security import port_of
from support.waiting import eventually

from broker import Broker
from client import Admin, TopicPartition
from client.admin import AclBinding, AclOperation, AclPermissionType, ElectionResult, ResourceType
from client.admin.topic_requests import election_results
from client.sync import Admin as SyncAdmin
from protocol.acl import CLUSTER_NAME
from protocol.errors import ClusterAuthorizationFailedError, ErrorCode, InvalidRequestError
from protocol.messages import ElectLeadersResponse

pytestmark = pytest.mark.timeout(60)

_Topic = ElectLeadersResponse.ReplicaElectionResult
_Partition = ElectLeadersResponse.ReplicaElectionResult.PartitionResult


async def test_a_partition_led_by_its_preferred_replica_needs_no_election(admin: Admin) -> None:
    await admin.create_topic("orders", 3)
    asked = [("orders", 0), ("orders", 1), TopicPartition("orders", 2), ("orders", 1)]
    results = await admin.elect_leaders(asked)
    assert sorted(results) == [TopicPartition("orders", p) for p in range(3)]
    for result in results.values():
        assert result.error == ErrorCode.ELECTION_NOT_NEEDED
        assert not result.elected and not result.failed
    unclean = await admin.elect_leaders([("orders", 0)], election_type="unclean")
    assert unclean[TopicPartition("orders", 0)].error == ErrorCode.ELECTION_NOT_NEEDED


async def test_unknown_partitions_are_answered_for_not_raised(admin: Admin) -> None:
    await admin.create_topic("orders", 2)
    results = await admin.elect_leaders([("orders", 0), ("orders", 7), ("nope", 0)])
    assert results[TopicPartition("orders", 0)].error == ErrorCode.ELECTION_NOT_NEEDED
    for tp in (TopicPartition("orders", 7), TopicPartition("nope", 0)):
        assert results[tp].error == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        assert results[tp].failed


async def test_every_partition_leaves_out_those_that_need_no_election(admin: Admin) -> None:
    await admin.create_topic("orders", 3)
    assert await admin.elect_leaders(None) == {}
    assert await admin.elect_leaders(None, election_type="unclean") == {}
    assert await admin.elect_leaders([]) == {}


async def test_an_unknown_election_type_is_refused_before_anything_is_sent() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{sock.getsockname()[1]}"
    # Nothing listens there: a request would fail to connect, not raise ValueError.
    admin = Admin(bootstrap_servers=closed)
    try:
        with pytest.raises(ValueError, match="'preferred' or 'unclean', not 'random'"):
            await admin.elect_leaders([("orders", 0)], election_type="random")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="not 'PREFERRED'"):
            await admin.elect_leaders(None, election_type="PREFERRED")  # type: ignore[arg-type]
    finally:
        await admin.close()


async def test_elections_need_alter_on_the_cluster() -> None:
    async with Broker.embedded(
        listeners="PLAINTEXT://127.0.0.1:0",
        **{"authorizer.class.name": "samsa", "allow.everyone.if.no.acl.found": "true"},
    ) as broker:
        bootstrap = f"127.0.0.1:{port_of(broker, 'PLAINTEXT')}"
        deny = AclBinding(
            resource_type=ResourceType.CLUSTER,
            resource_name=CLUSTER_NAME,
            principal="User:ANONYMOUS",
            operation=AclOperation.ALTER,
            permission=AclPermissionType.DENY,
        )
        async with Admin(bootstrap_servers=bootstrap) as admin:
            await admin.create_topic("orders", 1)
            assert await admin.elect_leaders([("orders", 0)])
            await admin.create_acls([deny])

            async def refused() -> bool:
                try:
                    await admin.elect_leaders([("orders", 0)])
                except ClusterAuthorizationFailedError:
                    return True
                return False

            await eventually(refused, what="ElectLeaders refused once ALTER is denied")


def test_answers_are_read_per_partition_and_a_refusal_is_raised() -> None:
    answer = ElectLeadersResponse(
        replica_election_results=[
            _Topic(
                topic="orders",
                partition_result=[
                    _Partition(partition_id=0, error_code=0),
                    _Partition(
                        partition_id=1,
                        error_code=ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
                        error_message="broker 2 is not in sync",
                    ),
                    _Partition(partition_id=2, error_code=9999),
                ],
            )
        ]
    )
    results = election_results(answer)
    assert results[TopicPartition("orders", 0)] == ElectionResult(ErrorCode.NONE)
    assert results[TopicPartition("orders", 0)].elected
    assert results[TopicPartition("orders", 1)] == ElectionResult(
        ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, "broker 2 is not in sync"
    )
    odd = results[TopicPartition("orders", 2)]
    assert odd.error == ErrorCode.UNKNOWN_SERVER_ERROR and odd.message == "unknown error code 9999"
    with pytest.raises(InvalidRequestError, match="electing leaders"):
        election_results(ElectLeadersResponse(error_code=ErrorCode.INVALID_REQUEST))


def test_the_sync_admin_elects_too(broker: Broker) -> None:
    with SyncAdmin(bootstrap_servers=broker.bootstrap_servers) as admin:
        admin.create_topic("orders", 2)
        results = admin.elect_leaders([("orders", 0), ("orders", 1)])
        assert {r.error for r in results.values()} == {ErrorCode.ELECTION_NOT_NEEDED}
        assert admin.elect_leaders() == {}
