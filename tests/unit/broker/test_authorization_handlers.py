"""Kafka's ACL checks in every handler: a table of (API, the permission missing) -> the error
code Kafka answers, driven through the dispatch table with fake services; what an allowed
request reaches instead; Metadata's listing and per-listener endpoints; the ACL and SCRAM
credential APIs against a fake controller."""

from __future__ import annotations

import asyncio
import struct
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pytest

from broker.config import load_config
from broker.handlers import build_dispatch_table
from broker.handlers.auth import authorized, filter_authorized
from broker.handlers.base import BrokerServices, RequestContext, ResponseCaches
from broker.handlers.recovery_wait import AppendQueue
from broker.metadata.controller_api import CreateTopicResult, OpResult
from broker.metadata.image import BrokerRegistration, MetadataImage, PartitionImage, TopicImage
from broker.metadata.topic_configs import ConfigSource, ResolvedConfig
from broker.replication.pauses import ProducePauses
from broker.security.acl import AclBinding, AclFilter, Authorizer
from broker.telemetry import TopicTraffic
from protocol.acl import (
    CLUSTER_NAME,
    AclOperation,
    AclPermissionType,
    PatternType,
    ResourceType,
    ScramMechanism,
)
from protocol.errors import ErrorCode
from protocol.headers import RequestHeader
from protocol.messages import (
    AddOffsetsToTxnRequest,
    AddPartitionsToTxnRequest,
    AlterConfigsRequest,
    AlterUserScramCredentialsRequest,
    ConditionalProduceRequest,
    ConsumerGroupDescribeRequest,
    ConsumerGroupHeartbeatRequest,
    CreateAclsRequest,
    CreatePartitionsRequest,
    CreateTopicsRequest,
    DeleteAclsRequest,
    DeleteGroupsRequest,
    DeleteRecordsRequest,
    DeleteTopicsRequest,
    DescribeAclsRequest,
    DescribeClusterRequest,
    DescribeConfigsRequest,
    DescribeGroupsRequest,
    DescribeLogDirsRequest,
    DescribeProducersRequest,
    DescribeTransactionsRequest,
    DescribeUserScramCredentialsRequest,
    ElectLeadersRequest,
    EndTxnRequest,
    FetchRequest,
    FindCoordinatorRequest,
    HeartbeatRequest,
    IncrementalAlterConfigsRequest,
    InitProducerIdRequest,
    JoinGroupRequest,
    LeaveGroupRequest,
    ListGroupsRequest,
    ListGroupsResponse,
    ListOffsetsRequest,
    ListTransactionsRequest,
    Message,
    MetadataRequest,
    MetadataResponse,
    OffsetCommitRequest,
    OffsetDeleteRequest,
    OffsetFetchRequest,
    OffsetForLeaderEpochRequest,
    ProduceRequest,
    SyncGroupRequest,
    TxnOffsetCommitRequest,
    WriteTxnMarkersRequest,
)
from protocol.records.header import BATCH_HEADER_SIZE, PRODUCER_ID_OFFSET
from protocol.scram import ScramCredential

pytestmark = pytest.mark.timeout(30)

ALICE = "User:alice"
HOST = "10.0.0.7"
TOPIC = ResourceType.TOPIC
GROUP = ResourceType.GROUP
CLUSTER = ResourceType.CLUSTER
TXN = ResourceType.TRANSACTIONAL_ID
Op = AclOperation


def allow(rtype: ResourceType, name: str, op: AclOperation, principal: str = ALICE) -> AclBinding:
    return AclBinding(rtype, name, PatternType.LITERAL, principal, "*", op, AclPermissionType.ALLOW)


def image_with_topic() -> MetadataImage:
    parts = {0: PartitionImage(0, (1,), (1,), 1, 0, 0)}
    topics = {"t": TopicImage("t", uuid.uuid4(), parts)}
    brokers = {1: BrokerRegistration(1, "h1", 9092, fenced=False)}
    return MetadataImage(topics_by_name=topics, brokers=brokers)


@dataclass
class FakeController:
    """Records what it is asked; answers every item with NONE."""

    image: Any = None
    controller_id: int = 1
    calls: list[tuple[str, Any]] = field(default_factory=list)

    async def create_topics(self, topics: Any, validate_only: bool = False) -> list[Any]:
        self.calls.append(("create_topics", topics))
        config = ResolvedConfig("retention.ms", "1000", ConfigSource.DYNAMIC_TOPIC_CONFIG, ())
        return [
            CreateTopicResult(t.name, num_partitions=1, configs={"retention.ms": config})
            for t in topics
        ]

    async def create_acls(self, bindings: Sequence[AclBinding]) -> list[OpResult]:
        self.calls.append(("create_acls", list(bindings)))
        return [OpResult("") for _ in bindings]

    async def delete_acls(self, filters: Sequence[AclFilter]) -> list[Any]:
        self.calls.append(("delete_acls", list(filters)))
        deleted = tuple(b for b in self.image.acls.values() if filters[0].matches(b))
        return [
            _Deleted(ErrorCode.NONE, None, deleted if i == 0 else ()) for i in range(len(filters))
        ]

    async def alter_scram_credentials(self, deletions: Any, upsertions: Any) -> list[OpResult]:
        self.calls.append(("alter_scram", (list(deletions), list(upsertions))))
        users = dict.fromkeys([d[0] for d in deletions] + [u.user for u in upsertions])
        return [OpResult(u) for u in users]


@dataclass(frozen=True)
class _Deleted:
    error: ErrorCode
    message: str | None
    deleted: tuple[AclBinding, ...]


class _NoPartitions:
    """A replica manager with nothing to serve (refused requests never get this far)."""

    pauses = ProducePauses()  # nothing paused
    catching_up = False  # metadata up to date

    def offline_partitions(self) -> set[Any]:
        return set()

    def acknowledge(self, appends: Any, acks: int, timeout_ms: int) -> None:
        return None


class _NothingToRecover:
    """A log manager after a clean start, as Produce and Fetch see it first."""

    unrecovered_count = 0


@dataclass
class FakeServices:
    bindings: list[AclBinding] = field(default_factory=list)
    enabled: bool = True
    image: Any = field(default_factory=image_with_topic)
    controller: FakeController = field(default_factory=FakeController)
    config: Any = field(default_factory=lambda: load_config(None, {"node.id": 1}))
    node_id: int = 1
    cluster_id: str = "c"
    advertised_host: str = "h1"
    advertised_port: int = 9092
    advertised_endpoints: dict[str, tuple[str, int]] = field(default_factory=dict)
    caches: ResponseCaches = field(default_factory=ResponseCaches)
    group_coordinator: None = None
    txn_coordinator: None = None
    replica_manager: Any = field(default_factory=_NoPartitions)
    log_manager: Any = field(default_factory=_NothingToRecover)
    append_queue: AppendQueue = field(default_factory=AppendQueue)
    clock_ms: Callable[[], int] = lambda: 1000
    authorizer_calls: int = 0
    traffic: TopicTraffic = field(default_factory=TopicTraffic)

    def __post_init__(self) -> None:
        self.controller.image = self.image

    def authorizer_for_image(self) -> Authorizer | None:
        self.authorizer_calls += 1
        if not self.enabled:
            return None
        return Authorizer(self.bindings, frozenset(), allow_everyone_if_no_acl_found=False)


def call(
    services: FakeServices,
    request: Message,
    version: int,
    *,
    listener: str = "",
    principal: str = ALICE,
) -> Any:
    handler = build_dispatch_table()[request.API_KEY]
    header = RequestHeader(api_key=request.API_KEY, api_version=version, correlation_id=1)
    ctx = RequestContext(header, peer=f"{HOST}:5000", listener=listener, client_host=HOST)
    ctx.principal = principal
    answer = handler.handle(cast(BrokerServices, services), ctx, request)
    if isinstance(answer, Awaitable):
        answer = asyncio.run(_wait(answer))
    return answer


async def _wait(answer: Awaitable[Any]) -> Any:
    return await answer


def idempotent_batch() -> bytes:
    """A batch header with producer id 5 (only the header is read before the ACL check)."""
    data = bytearray(BATCH_HEADER_SIZE)
    struct.pack_into(">qh", data, PRODUCER_ID_OFFSET, 5, 0)
    return bytes(data)


_PTopic = ProduceRequest.TopicProduceData
_PPart = _PTopic.PartitionProduceData


def produce(
    txn: str | None = None, records: bytes | None = None, topic: str = "t"
) -> ProduceRequest:
    return ProduceRequest(
        transactional_id=txn,
        acks=-1,
        timeout_ms=1000,
        topic_data=[_PTopic(name=topic, partition_data=[_PPart(index=0, records=records)])],
    )


def fetch(replica_id: int = -1, topic: str = "t") -> Message:
    t = FetchRequest.FetchTopic
    return FetchRequest(
        replica_id=replica_id,
        max_wait_ms=0,
        min_bytes=1,
        max_bytes=1 << 20,
        session_id=0,
        session_epoch=-1,
        topics=[t(topic=topic, partitions=[t.FetchPartition(partition=0, fetch_offset=0)])],
    )


def offset_for_leader_epoch(replica_id: int = -1) -> Message:
    t = OffsetForLeaderEpochRequest.OffsetForLeaderTopic
    p = t.OffsetForLeaderPartition(partition=0, leader_epoch=0)
    return OffsetForLeaderEpochRequest(replica_id=replica_id, topics=[t(topic="t", partitions=[p])])


def first_partition_code(response: Any, topics: str = "topics", parts: str = "partitions") -> int:
    topic = getattr(response, topics)[0]
    return int(getattr(topic, parts)[0].error_code)


def produce_code(r: Any) -> int:
    return int(r.responses[0].partition_responses[0].error_code)


_OC = OffsetCommitRequest.OffsetCommitRequestTopic
_TC = TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
_OD = OffsetDeleteRequest.OffsetDeleteRequestTopic
_AP = AddPartitionsToTxnRequest.AddPartitionsToTxnTopic
_DR = DeleteRecordsRequest.DeleteRecordsTopic
_CR = DescribeConfigsRequest.DescribeConfigsResource
_AC = AlterConfigsRequest.AlterConfigsResource
_IAC = IncrementalAlterConfigsRequest.AlterConfigsResource


def offset_commit() -> Message:
    part = _OC.OffsetCommitRequestPartition(partition_index=0, committed_offset=1)
    return OffsetCommitRequest(group_id="g", topics=[_OC(name="t", partitions=[part])])


def txn_offset_commit() -> Message:
    part = _TC.TxnOffsetCommitRequestPartition(partition_index=0, committed_offset=1)
    return TxnOffsetCommitRequest(
        transactional_id="tx", group_id="g", topics=[_TC(name="t", partitions=[part])]
    )


def offset_delete() -> Message:
    part = _OD.OffsetDeleteRequestPartition(partition_index=0)
    return OffsetDeleteRequest(group_id="g", topics=[_OD(name="t", partitions=[part])])


#: (case id, request, version, what is granted, how to read the code, the expected code)
Case = tuple[str, Message, int, list[AclBinding], Callable[[Any], int], ErrorCode]

TAF = ErrorCode.TOPIC_AUTHORIZATION_FAILED
GAF = ErrorCode.GROUP_AUTHORIZATION_FAILED
CAF = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
TIAF = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED


def top(r: Any) -> int:
    return int(r.error_code)


CASES: list[Case] = [
    ("produce-write-topic", produce(), 8, [], produce_code, TAF),
    ("produce-txn-id", produce("tx"), 8, [allow(TOPIC, "t", Op.WRITE)], produce_code, TIAF),
    ("produce-idempotent", produce(records=idempotent_batch()), 8, [], produce_code, CAF),
    (
        "produce-internal-topic-needs-cluster-alter",
        produce(topic="__consumer_offsets"),
        8,
        [allow(TOPIC, "__consumer_offsets", Op.WRITE)],
        produce_code,
        TAF,
    ),
    (
        "conditional-produce",
        ConditionalProduceRequest(
            acks=-1,
            timeout_ms=1000,
            topic_data=[
                ConditionalProduceRequest.TopicProduceData(
                    name="t",
                    partition_data=[
                        ConditionalProduceRequest.TopicProduceData.PartitionProduceData(index=0)
                    ],
                )
            ],
        ),
        0,
        [],
        produce_code,
        TAF,
    ),
    ("fetch-read-topic", fetch(), 11, [], lambda r: first_partition_code(r, "responses"), TAF),
    (
        "fetch-internal-topic-needs-cluster-alter",
        fetch(topic="__consumer_offsets"),
        11,
        [allow(TOPIC, "__consumer_offsets", Op.READ)],
        lambda r: first_partition_code(r, "responses"),
        TAF,
    ),
    ("fetch-follower-cluster-action", fetch(replica_id=2), 11, [], top, CAF),
    (
        "list-offsets-describe-topic",
        ListOffsetsRequest(
            replica_id=-1,
            topics=[
                ListOffsetsRequest.ListOffsetsTopic(
                    name="t",
                    partitions=[
                        ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition(partition_index=0)
                    ],
                )
            ],
        ),
        7,
        [],
        first_partition_code,
        TAF,
    ),
    (
        "offset-for-leader-epoch-describe-topic",
        offset_for_leader_epoch(),
        4,
        [],
        first_partition_code,
        TAF,
    ),
    (
        "offset-for-leader-epoch-follower",
        offset_for_leader_epoch(replica_id=2),
        4,
        [allow(TOPIC, "t", Op.DESCRIBE)],
        first_partition_code,
        CAF,
    ),
    (
        "metadata-describe-topic",
        MetadataRequest(topics=[MetadataRequest.MetadataRequestTopic(name="t")]),
        8,
        [],
        lambda r: int(r.topics[0].error_code),
        TAF,
    ),
    (
        "metadata-auto-create-needs-create",
        MetadataRequest(
            topics=[MetadataRequest.MetadataRequestTopic(name="new")],
            allow_auto_topic_creation=True,
        ),
        8,
        [allow(TOPIC, "new", Op.DESCRIBE)],
        lambda r: int(r.topics[0].error_code),
        TAF,
    ),
    (
        "offset-commit-read-group",
        offset_commit(),
        8,
        [allow(TOPIC, "t", Op.READ)],
        first_partition_code,
        GAF,
    ),
    (
        "offset-commit-read-topic",
        offset_commit(),
        8,
        [allow(GROUP, "g", Op.READ)],
        first_partition_code,
        TAF,
    ),
    (
        "offset-fetch-describe-group",
        OffsetFetchRequest(group_id="g", topics=None),
        7,
        [],
        top,
        GAF,
    ),
    (
        "offset-fetch-describe-topic",
        OffsetFetchRequest(
            group_id="g",
            topics=[OffsetFetchRequest.OffsetFetchRequestTopic(name="t", partition_indexes=[0])],
        ),
        7,
        [allow(GROUP, "g", Op.DESCRIBE)],
        first_partition_code,
        TAF,
    ),
    ("find-coordinator-group", FindCoordinatorRequest(key="g", key_type=0), 3, [], top, GAF),
    ("find-coordinator-txn", FindCoordinatorRequest(key="tx", key_type=1), 3, [], top, TIAF),
    ("join-group", JoinGroupRequest(group_id="g", protocol_type="consumer"), 7, [], top, GAF),
    ("sync-group", SyncGroupRequest(group_id="g"), 5, [], top, GAF),
    ("heartbeat", HeartbeatRequest(group_id="g"), 4, [], top, GAF),
    (
        "consumer-group-heartbeat",
        ConsumerGroupHeartbeatRequest(group_id="g", member_id="m", member_epoch=0),
        1,
        [],
        top,
        GAF,
    ),
    (
        "consumer-group-describe",
        ConsumerGroupDescribeRequest(group_ids=["g"]),
        0,
        [],
        lambda r: int(r.groups[0].error_code),
        GAF,
    ),
    ("leave-group", LeaveGroupRequest(group_id="g"), 4, [], top, GAF),
    (
        "describe-groups",
        DescribeGroupsRequest(groups=["g"]),
        5,
        [],
        lambda r: int(r.groups[0].error_code),
        GAF,
    ),
    (
        "delete-groups",
        DeleteGroupsRequest(groups_names=["g"]),
        2,
        [allow(GROUP, "g", Op.READ)],
        lambda r: int(r.results[0].error_code),
        GAF,
    ),
    ("offset-delete-group", offset_delete(), 0, [allow(TOPIC, "t", Op.READ)], top, GAF),
    (
        "offset-delete-topic",
        offset_delete(),
        0,
        [allow(GROUP, "g", Op.DELETE)],
        first_partition_code,
        TAF,
    ),
    (
        "create-topics",
        CreateTopicsRequest(
            topics=[CreateTopicsRequest.CreatableTopic(name="new", num_partitions=1)]
        ),
        5,
        [],
        lambda r: int(r.topics[0].error_code),
        TAF,
    ),
    (
        "delete-topics",
        DeleteTopicsRequest(topic_names=["t"]),
        4,
        [],
        lambda r: int(r.responses[0].error_code),
        TAF,
    ),
    (
        "create-partitions",
        CreatePartitionsRequest(
            topics=[CreatePartitionsRequest.CreatePartitionsTopic(name="t", count=2)]
        ),
        3,
        [],
        lambda r: int(r.results[0].error_code),
        TAF,
    ),
    (
        "elect-leaders",
        ElectLeadersRequest(
            topic_partitions=[ElectLeadersRequest.TopicPartitions(topic="t", partitions=[0])]
        ),
        2,
        # A topic permission is not enough: elections need ALTER on the Cluster.
        [allow(TOPIC, "t", Op.ALTER)],
        top,
        CAF,
    ),
    (
        "delete-records",
        DeleteRecordsRequest(
            topics=[_DR(name="t", partitions=[_DR.DeleteRecordsPartition(partition_index=0)])]
        ),
        2,
        [],
        first_partition_code,
        TAF,
    ),
    (
        "describe-configs-topic",
        DescribeConfigsRequest(resources=[_CR(resource_type=2, resource_name="t")]),
        4,
        [],
        lambda r: int(r.results[0].error_code),
        TAF,
    ),
    (
        "describe-configs-broker",
        DescribeConfigsRequest(resources=[_CR(resource_type=4, resource_name="1")]),
        4,
        [],
        lambda r: int(r.results[0].error_code),
        CAF,
    ),
    (
        "alter-configs-topic",
        AlterConfigsRequest(resources=[_AC(resource_type=2, resource_name="t")]),
        2,
        [allow(TOPIC, "t", Op.DESCRIBE_CONFIGS)],
        lambda r: int(r.responses[0].error_code),
        TAF,
    ),
    (
        "incremental-alter-configs-broker",
        IncrementalAlterConfigsRequest(resources=[_IAC(resource_type=4, resource_name="")]),
        1,
        [],
        lambda r: int(r.responses[0].error_code),
        CAF,
    ),
    ("init-producer-id-txn", InitProducerIdRequest(transactional_id="tx"), 4, [], top, TIAF),
    ("init-producer-id-idempotent", InitProducerIdRequest(transactional_id=None), 4, [], top, CAF),
    (
        "add-partitions-txn-id",
        AddPartitionsToTxnRequest(
            v3_and_below_transactional_id="tx", v3_and_below_topics=[_AP(name="t", partitions=[0])]
        ),
        3,
        [allow(TOPIC, "t", Op.WRITE)],
        lambda r: int(
            r.results_by_topic_v3_and_below[0].results_by_partition[0].partition_error_code
        ),
        TIAF,
    ),
    (
        "add-partitions-topic",
        AddPartitionsToTxnRequest(
            v3_and_below_transactional_id="tx", v3_and_below_topics=[_AP(name="t", partitions=[0])]
        ),
        3,
        [allow(TXN, "tx", Op.WRITE)],
        lambda r: int(
            r.results_by_topic_v3_and_below[0].results_by_partition[0].partition_error_code
        ),
        TAF,
    ),
    (
        "add-offsets-txn-id",
        AddOffsetsToTxnRequest(transactional_id="tx", group_id="g"),
        3,
        [allow(GROUP, "g", Op.READ)],
        top,
        TIAF,
    ),
    (
        "add-offsets-group",
        AddOffsetsToTxnRequest(transactional_id="tx", group_id="g"),
        3,
        [allow(TXN, "tx", Op.WRITE)],
        top,
        GAF,
    ),
    ("end-txn", EndTxnRequest(transactional_id="tx"), 3, [], top, TIAF),
    (
        "txn-offset-commit-txn-id",
        txn_offset_commit(),
        3,
        [allow(GROUP, "g", Op.READ), allow(TOPIC, "t", Op.READ)],
        first_partition_code,
        TIAF,
    ),
    (
        "txn-offset-commit-group",
        txn_offset_commit(),
        3,
        [allow(TXN, "tx", Op.WRITE), allow(TOPIC, "t", Op.READ)],
        first_partition_code,
        GAF,
    ),
    (
        "txn-offset-commit-topic",
        txn_offset_commit(),
        3,
        [allow(TXN, "tx", Op.WRITE), allow(GROUP, "g", Op.READ)],
        first_partition_code,
        TAF,
    ),
    (
        "write-txn-markers",
        WriteTxnMarkersRequest(
            markers=[
                WriteTxnMarkersRequest.WritableTxnMarker(
                    producer_id=1,
                    topics=[
                        WriteTxnMarkersRequest.WritableTxnMarker.WritableTxnMarkerTopic(
                            name="t", partition_indexes=[0]
                        )
                    ],
                )
            ]
        ),
        1,
        [],
        lambda r: first_partition_code(r.markers[0]),
        CAF,
    ),
    (
        "describe-transactions",
        DescribeTransactionsRequest(transactional_ids=["tx"]),
        0,
        [],
        lambda r: int(r.transaction_states[0].error_code),
        TIAF,
    ),
    (
        "describe-producers",
        DescribeProducersRequest(
            topics=[DescribeProducersRequest.TopicRequest(name="t", partition_indexes=[0])]
        ),
        0,
        [],
        first_partition_code,
        TAF,
    ),
    ("describe-log-dirs", DescribeLogDirsRequest(topics=None), 4, [], top, CAF),
    (
        "describe-acls",
        DescribeAclsRequest(
            resource_type_filter=1, pattern_type_filter=1, operation=1, permission_type=1
        ),
        3,
        [],
        top,
        CAF,
    ),
    (
        "create-acls",
        CreateAclsRequest(creations=[CreateAclsRequest.AclCreation()]),
        3,
        [allow(CLUSTER, CLUSTER_NAME, Op.DESCRIBE)],
        lambda r: int(r.results[0].error_code),
        CAF,
    ),
    (
        "delete-acls",
        DeleteAclsRequest(filters=[DeleteAclsRequest.DeleteAclsFilter()]),
        3,
        [allow(CLUSTER, CLUSTER_NAME, Op.DESCRIBE)],
        lambda r: int(r.filter_results[0].error_code),
        CAF,
    ),
    ("describe-scram", DescribeUserScramCredentialsRequest(users=None), 0, [], top, CAF),
    (
        "alter-scram",
        AlterUserScramCredentialsRequest(
            deletions=[
                AlterUserScramCredentialsRequest.ScramCredentialDeletion(name="bob", mechanism=1)
            ]
        ),
        0,
        [allow(CLUSTER, CLUSTER_NAME, Op.DESCRIBE)],
        lambda r: int(r.results[0].error_code),
        CAF,
    ),
]


@pytest.mark.parametrize(
    ("request_", "version", "granted", "code_of", "expected"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_a_missing_permission_gets_kafkas_error_code(
    request_: Message,
    version: int,
    granted: list[AclBinding],
    code_of: Callable[[Any], int],
    expected: ErrorCode,
) -> None:
    services = FakeServices(bindings=granted)
    answer = call(services, request_, version)
    assert code_of(answer) == expected
    # Refused before anything was asked of the controller.
    assert services.controller.calls == []


def test_every_served_api_is_in_the_table_or_needs_no_acl() -> None:
    """A new API must be added to the table (or to the APIs Kafka does not check)."""
    unchecked = {18, 17, 36, 60}  # ApiVersions, SaslHandshake, SaslAuthenticate, DescribeCluster
    listings = {ListGroupsRequest.API_KEY, ListTransactionsRequest.API_KEY}  # tested below
    checked = {c[1].API_KEY for c in CASES} | listings
    assert set(build_dispatch_table()) - checked - unchecked == set()


GROUP_APIS_WITH_PERMISSION: list[tuple[Message, int, list[AclBinding]]] = [
    (JoinGroupRequest(group_id="g", protocol_type="consumer"), 7, [allow(GROUP, "g", Op.READ)]),
    (HeartbeatRequest(group_id="g"), 4, [allow(GROUP, "g", Op.READ)]),
    (offset_commit(), 8, [allow(GROUP, "g", Op.READ), allow(TOPIC, "t", Op.READ)]),
    (OffsetFetchRequest(group_id="g", topics=None), 7, [allow(GROUP, "g", Op.DESCRIBE)]),
    (DescribeGroupsRequest(groups=["g"]), 5, [allow(GROUP, "g", Op.READ)]),  # READ -> DESCRIBE
]


@pytest.mark.parametrize(("request_", "version", "granted"), GROUP_APIS_WITH_PERMISSION)
def test_an_allowed_group_request_reaches_the_coordinator(
    request_: Message, version: int, granted: list[AclBinding]
) -> None:
    answer = call(FakeServices(bindings=granted), request_, version)
    codes = {int(getattr(answer, "error_code", 0))}
    for attr in ("topics", "groups"):
        for item in getattr(answer, attr, None) or []:
            codes.add(int(getattr(item, "error_code", 0)))
            for p in getattr(item, "partitions", []):
                codes.add(int(p.error_code))
    assert ErrorCode.COORDINATOR_NOT_AVAILABLE in codes
    assert not codes & {GAF, TAF}


def test_with_acls_off_a_request_asks_for_the_authorizer_once() -> None:
    services = FakeServices(enabled=False)
    request = produce()
    request.topic_data = [
        _PTopic(name=f"t{i}", partition_data=[_PPart(index=p) for p in range(3)]) for i in range(4)
    ]
    asked: list[tuple[str, int]] = []

    class Replicas(_NoPartitions):
        def append(self, topic: str, index: int, records: Any, **_: Any) -> Any:
            from broker.replication.appends import AppendFailure

            asked.append((topic, index))
            return AppendFailure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)

    services.replica_manager = Replicas()
    call(services, request, 8)
    assert len(asked) == 12
    assert services.authorizer_calls == 1


@dataclass
class _Answering:
    """A group coordinator that answers every call with ``answer``."""

    answer: Message

    def run(self, call: Any, error: Any, bound: Any) -> Message:
        return self.answer


def test_list_groups_lists_all_with_cluster_describe_else_only_describable_groups() -> None:
    listed = ListGroupsResponse.ListedGroup

    def groups(granted: list[AclBinding]) -> list[str]:
        answer = ListGroupsResponse(groups=[listed(group_id="g"), listed(group_id="h")])
        services = FakeServices(bindings=granted)
        services.group_coordinator = cast(None, _Answering(answer))
        return [g.group_id for g in call(services, ListGroupsRequest(), 4).groups]

    assert groups([allow(CLUSTER, CLUSTER_NAME, Op.DESCRIBE)]) == ["g", "h"]
    assert groups([allow(GROUP, "h", Op.DESCRIBE)]) == ["h"]
    assert groups([]) == []


@dataclass(frozen=True)
class _Listing:
    transactional_id: str
    producer_id: int
    state: str


class _Transactions:
    def list_transactions(self, states: Any, pids: Any, duration: int) -> Any:
        return ErrorCode.NONE, [_Listing("tx", 1, "Ongoing"), _Listing("ty", 2, "Empty")]


def test_list_transactions_lists_only_describable_ids() -> None:
    services = FakeServices(bindings=[allow(TXN, "ty", Op.DESCRIBE)])
    services.txn_coordinator = cast(None, _Transactions())
    answer = call(services, ListTransactionsRequest(), 1)
    assert [t.transactional_id for t in answer.transaction_states] == ["ty"]


def test_metadata_for_all_topics_leaves_out_undescribable_ones() -> None:
    image = image_with_topic()
    parts = {0: PartitionImage(0, (1,), (1,), 1, 0, 0)}
    image = MetadataImage(
        topics_by_name={**image.topics_by_name, "u": TopicImage("u", uuid.uuid4(), parts)},
        brokers=image.brokers,
    )
    services = FakeServices(bindings=[allow(TOPIC, "t", Op.DESCRIBE)], image=image)
    answer = call(services, MetadataRequest(topics=None), 8)
    assert [t.name for t in answer.topics] == ["t"]


def test_metadata_reports_authorized_operations_when_asked() -> None:
    granted = [allow(TOPIC, "t", Op.READ), allow(CLUSTER, CLUSTER_NAME, Op.DESCRIBE)]
    request = MetadataRequest(
        topics=None,
        include_topic_authorized_operations=True,
        include_cluster_authorized_operations=True,
    )
    answer = call(FakeServices(bindings=granted), request, 8)
    assert answer.topics[0].topic_authorized_operations == (1 << Op.READ) | (1 << Op.DESCRIBE)
    assert answer.cluster_authorized_operations == 1 << Op.DESCRIBE
    # The cached struct is shared between requests: asking did not change it.
    plain = call(FakeServices(bindings=granted), MetadataRequest(topics=None), 8)
    assert plain.topics[0].topic_authorized_operations == -2147483648


@dataclass(frozen=True)
class _Registration:
    node_id: int
    host: str
    port: int
    endpoints: Mapping[str, tuple[str, int]]
    rack: str | None = None
    fenced: bool = False


def test_metadata_lists_each_brokers_endpoint_for_the_requests_listener() -> None:
    brokers = {
        1: _Registration(1, "h1", 9092, {"PLAIN": ("h1", 9092), "SSL": ("h1", 9093)}),
        2: _Registration(2, "h2", 9092, {"PLAIN": ("h2", 9092)}),
        3: _Registration(3, "h3", 9092, {}),  # registered before listeners: host and port
    }
    image = MetadataImage(brokers=cast(Mapping[int, BrokerRegistration], brokers))
    services = FakeServices(enabled=False, image=image)
    services.advertised_endpoints = {"PLAIN": ("own", 1), "SSL": ("own", 2)}

    def listed(listener: str) -> list[tuple[int, str, int]]:
        answer = call(services, MetadataRequest(topics=[]), 8, listener=listener)
        assert isinstance(answer, MetadataResponse)
        return [(b.node_id, b.host, b.port) for b in answer.brokers]

    assert listed("SSL") == [(1, "own", 2), (3, "h3", 9092)]
    assert listed("PLAIN") == [(1, "own", 1), (2, "h2", 9092), (3, "h3", 9092)]
    assert listed("") == [(1, "h1", 9092), (2, "h2", 9092), (3, "h3", 9092)]


# -- the ACL and SCRAM APIs ------------------------------------------------------------------


@dataclass
class SecurityImage:
    acls: Mapping[str, AclBinding] = field(default_factory=dict)
    scram_credentials: Mapping[tuple[str, str], ScramCredential] = field(default_factory=dict)
    brokers: Mapping[int, Any] = field(default_factory=dict)


ADMIN = [allow(CLUSTER, CLUSTER_NAME, Op.ALTER)]  # ALTER implies DESCRIBE


def test_acl_apis_answer_security_disabled_without_an_authorizer() -> None:
    services = FakeServices(enabled=False)
    d = call(services, DescribeAclsRequest(resource_type_filter=1, pattern_type_filter=1), 3)
    assert d.error_code == ErrorCode.SECURITY_DISABLED
    c = call(services, CreateAclsRequest(creations=[CreateAclsRequest.AclCreation()]), 3)
    assert c.results[0].error_code == ErrorCode.SECURITY_DISABLED
    x = call(services, DeleteAclsRequest(filters=[DeleteAclsRequest.DeleteAclsFilter()]), 3)
    assert x.filter_results[0].error_code == ErrorCode.SECURITY_DISABLED


def test_create_acls_sends_valid_bindings_and_refuses_invalid_ones() -> None:
    services = FakeServices(bindings=ADMIN, image=SecurityImage())
    good = CreateAclsRequest.AclCreation(
        resource_type=TOPIC,
        resource_name="t",
        resource_pattern_type=PatternType.PREFIXED,
        principal="User:bob",
        host="*",
        operation=Op.READ,
        permission_type=AclPermissionType.ALLOW,
    )
    bad = CreateAclsRequest.AclCreation(
        resource_type=ResourceType.ANY,
        resource_name="t",
        principal="User:bob",
        host="*",
        operation=Op.READ,
        permission_type=AclPermissionType.ALLOW,
    )
    answer = call(services, CreateAclsRequest(creations=[bad, good]), 3)
    assert [r.error_code for r in answer.results] == [ErrorCode.INVALID_REQUEST, 0]
    assert answer.results[0].error_message
    [(name, sent)] = services.controller.calls
    assert name == "create_acls"
    assert sent == [
        AclBinding(
            TOPIC, "t", PatternType.PREFIXED, "User:bob", "*", Op.READ, AclPermissionType.ALLOW
        )
    ]


def binding(name: str, principal: str, op: AclOperation) -> AclBinding:
    return AclBinding(TOPIC, name, PatternType.LITERAL, principal, "*", op, AclPermissionType.ALLOW)


def test_describe_acls_groups_matching_bindings_by_resource() -> None:
    acls = {
        "1": binding("t", "User:bob", Op.READ),
        "2": binding("u", "User:bob", Op.WRITE),
        "3": binding("t", "User:carol", Op.WRITE),
        "4": binding("t", "User:dave", Op.ALL),
    }
    services = FakeServices(bindings=ADMIN, image=SecurityImage(acls=acls))
    request = DescribeAclsRequest(
        resource_type_filter=TOPIC,
        resource_name_filter=None,
        pattern_type_filter=PatternType.ANY,
        principal_filter=None,
        host_filter=None,
        operation=Op.ANY,
        permission_type=AclPermissionType.ANY,
    )
    answer = call(services, request, 3)
    assert answer.error_code == 0
    by_name = {
        r.resource_name: [(a.principal, a.operation) for a in r.acls] for r in answer.resources
    }
    assert by_name == {
        "t": [("User:bob", Op.READ), ("User:carol", Op.WRITE), ("User:dave", Op.ALL)],
        "u": [("User:bob", Op.WRITE)],
    }
    request.principal_filter = "User:carol"
    answer = call(services, request, 3)
    assert [(r.resource_name, len(r.acls)) for r in answer.resources] == [("t", 1)]
    request.resource_type_filter = 99
    assert call(services, request, 3).error_code == ErrorCode.INVALID_REQUEST


def test_delete_acls_answers_what_each_filter_deleted() -> None:
    acls = {"1": binding("t", "User:bob", Op.READ)}
    services = FakeServices(bindings=ADMIN, image=SecurityImage(acls=acls))
    f = DeleteAclsRequest.DeleteAclsFilter(
        resource_type_filter=TOPIC,
        resource_name_filter="t",
        pattern_type_filter=PatternType.LITERAL,
        principal_filter=None,
        host_filter=None,
        operation=Op.ANY,
        permission_type=AclPermissionType.ANY,
    )
    bad = DeleteAclsRequest.DeleteAclsFilter(resource_type_filter=0)
    answer = call(services, DeleteAclsRequest(filters=[f, bad]), 3)
    first, second = answer.filter_results
    assert first.error_code == 0
    assert [(m.resource_name, m.principal, m.operation) for m in first.matching_acls] == [
        ("t", "User:bob", Op.READ)
    ]
    assert second.error_code == ErrorCode.INVALID_REQUEST


def credential(iterations: int) -> ScramCredential:
    return ScramCredential("SCRAM-SHA-256", b"s", iterations, b"k", b"v")


def test_describe_scram_credentials() -> None:
    creds = {
        ("alice", "SCRAM-SHA-256"): credential(4096),
        ("alice", "SCRAM-SHA-512"): credential(8192),
        ("bob", "SCRAM-SHA-256"): credential(4096),
    }
    services = FakeServices(enabled=False, image=SecurityImage(scram_credentials=creds))
    every = call(services, DescribeUserScramCredentialsRequest(users=None), 0)
    assert every.error_code == 0
    assert {
        r.user: [(i.mechanism, i.iterations) for i in r.credential_infos] for r in every.results
    } == {
        "alice": [(ScramMechanism.SCRAM_SHA_256, 4096), (ScramMechanism.SCRAM_SHA_512, 8192)],
        "bob": [(ScramMechanism.SCRAM_SHA_256, 4096)],
    }
    name = DescribeUserScramCredentialsRequest.UserName
    named = call(
        services,
        DescribeUserScramCredentialsRequest(
            users=[name(name="bob"), name(name="zed"), name(name="alice"), name(name="alice")]
        ),
        0,
    )
    assert [(r.user, r.error_code) for r in named.results] == [
        ("bob", 0),
        ("zed", ErrorCode.RESOURCE_NOT_FOUND),
        ("alice", ErrorCode.DUPLICATE_RESOURCE),
    ]


def test_alter_scram_credentials_goes_to_the_controller() -> None:
    services = FakeServices(bindings=ADMIN, image=SecurityImage())
    r = AlterUserScramCredentialsRequest
    request = r(
        deletions=[r.ScramCredentialDeletion(name="bob", mechanism=2)],
        upsertions=[
            r.ScramCredentialUpsertion(
                name="alice", mechanism=1, iterations=4096, salt=b"s", salted_password=b"p"
            ),
            r.ScramCredentialUpsertion(name="eve", mechanism=7, iterations=4096),
        ],
    )
    answer = call(services, request, 0)
    assert [(x.user, x.error_code) for x in answer.results] == [
        ("bob", 0),
        ("alice", 0),
        ("eve", ErrorCode.UNSUPPORTED_SASL_MECHANISM),
    ]
    [(_, (deletions, upsertions))] = services.controller.calls
    assert deletions == [("bob", "SCRAM-SHA-512")]
    assert [(u.user, u.mechanism, u.iterations, u.salt, u.salted_password) for u in upsertions] == [
        ("alice", "SCRAM-SHA-256", 4096, b"s", b"p")
    ]


class _CoordinatorAt:
    """A group coordinator that names ``node_id`` for every group."""

    def __init__(self, node_id: int) -> None:
        self.node_id = node_id

    def coordinator_for(self, key: str) -> tuple[ErrorCode, int]:
        return ErrorCode.NONE, self.node_id


def test_find_coordinator_answers_the_endpoint_of_the_clients_listener() -> None:
    brokers = {
        1: _Registration(1, "h1", 9092, {"PLAIN": ("h1", 9092), "SSL": ("h1", 9093)}),
        2: _Registration(2, "h2", 9092, {"PLAIN": ("h2", 9092)}),
    }
    image = MetadataImage(brokers=cast(Mapping[int, BrokerRegistration], brokers))
    services = FakeServices(enabled=False, image=image)
    services.advertised_endpoints = {"PLAIN": ("own", 1), "SSL": ("own", 2)}

    def found(node_id: int, listener: str) -> tuple[int, str, int]:
        services.group_coordinator = cast(None, _CoordinatorAt(node_id))
        r = call(services, FindCoordinatorRequest(key="g", key_type=0), 3, listener=listener)
        return r.error_code, r.host, r.port

    assert found(1, "SSL") == (0, "own", 2)
    assert found(2, "PLAIN") == (0, "h2", 9092)
    assert found(2, "SSL") == (ErrorCode.COORDINATOR_NOT_AVAILABLE, "", -1)


def test_describe_cluster_reports_cluster_operations_when_asked_and_described() -> None:
    request = DescribeClusterRequest(include_cluster_authorized_operations=True)
    granted = [
        allow(CLUSTER, CLUSTER_NAME, Op.ALTER_CONFIGS),
        allow(CLUSTER, CLUSTER_NAME, Op.ALTER),
    ]
    answer = call(FakeServices(bindings=granted), request, 1)
    expected = (1 << Op.ALTER) | (1 << Op.DESCRIBE) | (1 << Op.ALTER_CONFIGS)
    assert answer.cluster_authorized_operations == expected | (1 << Op.DESCRIBE_CONFIGS)
    refused = call(FakeServices(bindings=[]), request, 1)
    assert refused.cluster_authorized_operations == 0  # asked for, but no DESCRIBE: none


def test_create_topics_shows_configs_only_with_describe_configs() -> None:
    request = CreateTopicsRequest(
        topics=[
            CreateTopicsRequest.CreatableTopic(name="a", num_partitions=1),
            CreateTopicsRequest.CreatableTopic(name="b", num_partitions=1),
        ]
    )
    granted = [
        allow(CLUSTER, CLUSTER_NAME, Op.CREATE),
        allow(TOPIC, "a", Op.DESCRIBE_CONFIGS),
    ]
    a, b = call(FakeServices(bindings=granted), request, 5).topics
    assert (a.error_code, a.topic_config_error_code, len(a.configs)) == (0, 0, 1)
    assert (b.error_code, b.topic_config_error_code, b.configs) == (0, TAF, None)


def test_auth_helpers_and_the_internal_topic_rule() -> None:
    header = RequestHeader(api_key=3, api_version=8, correlation_id=1)
    ctx = RequestContext(header, principal=ALICE, client_host=HOST)
    offsets = "__consumer_offsets"
    granted = [allow(TOPIC, "*", Op.ALL)]
    services = cast(BrokerServices, FakeServices(bindings=granted))
    names = ["a", offsets, "b"]
    assert filter_authorized(services, ctx, Op.READ, TOPIC, names) == ["a", "b"]
    assert filter_authorized(services, ctx, Op.DESCRIBE, TOPIC, names) == names
    admin = cast(BrokerServices, FakeServices(bindings=[*granted, *ADMIN]))
    assert authorized(admin, ctx, Op.READ, TOPIC, offsets)
    off = cast(BrokerServices, FakeServices(enabled=False))
    assert filter_authorized(off, ctx, Op.READ, TOPIC, names) == names
    assert authorized(off, ctx, Op.DELETE, TOPIC, offsets)
