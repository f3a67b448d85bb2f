"""Metadata (v0-8) and DescribeCluster (v0-1).

Metadata lists the live (unfenced) brokers — this one alone in a cluster of one — the cluster id,
the active controller and the
requested topics (all of them for a null list, or an empty one in v0). Missing topics are
created when ``auto.create.topics.enable`` and the request (v4+) allow it; the response waits
for the commit and then describes them fully, so clients need no retry. A name that is not a
legal topic name gets INVALID_TOPIC_EXCEPTION; an unknown topic that is not created,
UNKNOWN_TOPIC_OR_PARTITION. A partition without a leader (its log offline) gets
LEADER_NOT_AVAILABLE with the replica listed as offline. Internal topics (``__consumer_offsets``)
are marked ``is_internal``.

The per-topic response structs depend only on the image, so they are cached per image
(``services.caches``).

Brokers are listed at their endpoint for the listener the request came in on (each broker's
registered endpoints; this broker's own advertised ones); a broker without that listener is
left out, so clients only learn addresses they can speak to.

A voter restarted in a cluster answers Metadata and DescribeCluster only once it has caught up
with the metadata quorum (``ReplicaManager.catching_up``; at most ``CATCH_UP_WAIT_S``, then
from the image it has), as a Kafka broker serves no client before it has caught up: the image
on its disk may name leaders, and live brokers, that changed while it was down, and clients
route their requests by what Metadata says.

With ACLs on, a topic needs DESCRIBE: a request for all topics leaves the others out, a named
one answers TOPIC_AUTHORIZATION_FAILED; auto-creation needs CREATE on the Cluster or on the
topic (else TOPIC_AUTHORIZATION_FAILED). v8 fills in the authorized-operations bit fields when
asked; DescribeCluster's when asked and DESCRIBE on the Cluster is allowed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Final, TypeVar

from broker.handlers.auth import CLUSTER_NAME, allows, authorized_operations
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.metadata.controller_api import NewTopic, topic_name_error
from broker.metadata.image import NO_LEADER, BrokerRegistration, MetadataImage, TopicImage
from broker.metadata.internal_topics import is_internal_topic
from broker.security.acl import Authorizer
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode
from protocol.messages import (
    DescribeClusterRequest,
    DescribeClusterResponse,
    MetadataRequest,
    MetadataResponse,
)
from protocol.types import TopicPartition

__all__ = [
    "HANDLERS",
    "broker_endpoint",
    "describe_cluster_error",
    "handle_describe_cluster",
    "handle_metadata",
    "metadata_error",
]

#: Longest a Metadata or DescribeCluster request waits for a restarted broker to catch up with
#: the metadata quorum before it is answered from the image it has. A whole cluster started
#: at once catches up within seconds (the quorum forms, then each broker applies what it
#: missed); clients give a request 30 s or more (Java's request.timeout.ms, kafkajs,
#: sarama), librdkafka 60 s, so this stays well inside every client's own timeout.
CATCH_UP_WAIT_S: Final = 5.0

_Req = TypeVar("_Req")
_Resp = TypeVar("_Resp")
_Topic = MetadataResponse.MetadataResponseTopic
_Partition = MetadataResponse.MetadataResponseTopic.MetadataResponsePartition


def _describe_topic(
    services: BrokerServices,
    image: MetadataImage,
    topic: TopicImage,
    offline: set[TopicPartition],
) -> _Topic:
    cache = services.caches.metadata_topics(image)
    found = cache.get(topic.name)
    if found is None:
        partitions = []
        for pid in sorted(topic.partitions):
            p = topic.partitions[pid]
            partitions.append(
                _Partition(
                    error_code=ErrorCode.LEADER_NOT_AVAILABLE if p.leader == NO_LEADER else 0,
                    partition_index=pid,
                    leader_id=p.leader,
                    leader_epoch=p.leader_epoch,
                    replica_nodes=list(p.replicas),
                    isr_nodes=list(p.isr),
                    offline_replicas=[],
                )
            )
        found = _Topic(
            error_code=0,
            name=topic.name,
            topic_id=topic.topic_id,
            is_internal=is_internal_topic(topic.name),
            partitions=partitions,
        )
        cache[topic.name] = found
    if offline:
        return _with_offline_logs(services, found, offline)
    return found


def _with_offline_logs(
    services: BrokerServices, topic: _Topic, offline: set[TopicPartition]
) -> _Topic:
    """The topic with partitions whose local log is offline shown leaderless."""
    name = topic.name or ""
    if not any(TopicPartition(name, p.partition_index) in offline for p in topic.partitions):
        return topic
    node = services.node_id
    partitions = [
        _Partition(
            error_code=ErrorCode.LEADER_NOT_AVAILABLE,
            partition_index=p.partition_index,
            leader_id=NO_LEADER,
            leader_epoch=p.leader_epoch,
            replica_nodes=p.replica_nodes,
            isr_nodes=p.isr_nodes,
            offline_replicas=[node],
        )
        if TopicPartition(name, p.partition_index) in offline
        else p
        for p in topic.partitions
    ]
    return _Topic(
        error_code=0,
        name=topic.name,
        topic_id=topic.topic_id,
        is_internal=topic.is_internal,
        partitions=partitions,
    )


def _live_brokers(
    services: BrokerServices, listener: str = ""
) -> list[tuple[int, str, int, str | None]]:
    """``(node id, host, port, rack)`` of every unfenced registered broker, at its endpoint for
    ``listener`` (brokers without one left out; their registered host and port when the
    listener is "" or the broker registered no endpoints); this broker alone while none is
    registered (a cluster of one)."""
    own = services.advertised_endpoints.get(listener) if listener else None
    brokers: list[tuple[int, str, int, str | None]] = []
    live = False
    for b in services.image.brokers.values():
        if b.fenced:
            continue
        live = True
        if own is not None and b.node_id == services.node_id:
            brokers.append((b.node_id, own[0], own[1], b.rack))
            continue
        endpoints = _endpoints_of(b)
        if not listener or not endpoints:
            brokers.append((b.node_id, b.host, b.port, b.rack))
            continue
        endpoint = endpoints.get(listener)
        if endpoint is not None:
            brokers.append((b.node_id, endpoint[0], endpoint[1], b.rack))
    if not live:
        rack = services.config.broker_rack
        host, port = (
            own if own is not None else (services.advertised_host, services.advertised_port)
        )
        brokers = [(services.node_id, host, port, rack)]
    return brokers


def broker_endpoint(
    services: BrokerServices, node_id: int, listener: str
) -> tuple[str, int] | None:
    """Where a client of ``listener`` reaches broker ``node_id``: this broker's advertised
    endpoint, another's registered one (its host and port when it registered none, or when
    the listener is ""); None when it is unknown or has no such listener."""
    if node_id == services.node_id:
        own = services.advertised_endpoints.get(listener) if listener else None
        return own if own is not None else (services.advertised_host, services.advertised_port)
    registration = services.image.brokers.get(node_id)
    if registration is None:
        return None
    endpoints = _endpoints_of(registration)
    if not listener or not endpoints:
        return registration.host, registration.port
    return endpoints.get(listener)


def _endpoints_of(registration: BrokerRegistration) -> Mapping[str, tuple[str, int]]:
    """A registration's endpoints by listener name (empty: registered before listeners)."""
    endpoints = registration.endpoints
    return endpoints


def _with_operations(topic: _Topic, operations: int) -> _Topic:
    """A copy of a (cached, shared) topic struct with its authorized operations."""
    return _Topic(
        error_code=topic.error_code,
        name=topic.name,
        topic_id=topic.topic_id,
        is_internal=topic.is_internal,
        partitions=topic.partitions,
        topic_authorized_operations=operations,
    )


def _response(
    services: BrokerServices,
    ctx: RequestContext,
    request: MetadataRequest,
    names: Sequence[str] | None,
    errors: dict[str, ErrorCode],
    authorizer: Authorizer | None,
) -> MetadataResponse:
    image = services.image
    offline = services.replica_manager.offline_partitions()
    if names is None:
        topics = [
            _describe_topic(services, image, t, offline)
            for t in image.topics_by_name.values()
            if authorizer is None
            or allows(authorizer, ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name)
        ]
    else:
        topics = _unknown_ids(request, image, ctx.version)
        for name in names:
            topic = image.topic(name) if name not in errors else None
            if topic is not None:
                topics.append(_describe_topic(services, image, topic, offline))
            else:
                code = errors.get(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                topics.append(_Topic(error_code=code, name=name, partitions=[]))
    want_ops = ctx.version >= 8
    if want_ops and request.include_topic_authorized_operations:
        topics = [
            t
            if (t.error_code and not t.partitions) or t.name is None
            else _with_operations(
                t, authorized_operations(authorizer, ctx, ResourceType.TOPIC, t.name)
            )
            for t in topics
        ]
    response = MetadataResponse(
        brokers=[
            MetadataResponse.MetadataResponseBroker(node_id=n, host=h, port=p, rack=r)
            for n, h, p, r in _live_brokers(services, ctx.listener)
        ],
        cluster_id=services.cluster_id,
        controller_id=_controller_for_clients(services, ctx.listener),
        topics=topics,
    )
    if 8 <= ctx.version <= 10 and request.include_cluster_authorized_operations:
        response.cluster_authorized_operations = _cluster_operations(authorizer, ctx)
    return response


def _requested_names(request: MetadataRequest, image: MetadataImage, version: int) -> list[str]:
    """The topics a request names, those asked by id (v12+) resolved to their names."""
    names: list[str] = []
    for t in request.topics or []:
        if t.name is not None:
            names.append(t.name)
        elif version >= 12:
            topic = image.topics_by_id.get(t.topic_id)
            if topic is not None:
                names.append(topic.name)
    return list(dict.fromkeys(names))


def _unknown_ids(request: MetadataRequest, image: MetadataImage, version: int) -> list[_Topic]:
    """UNKNOWN_TOPIC_ID for each topic asked by an id the image does not have (v12+); before
    v12 a topic without a name is INVALID_REQUEST (as Kafka: "Topic name can not be null"),
    answered with an empty name (v10-v11 responses cannot carry a null one)."""
    if version < 12:
        return [
            _Topic(error_code=ErrorCode.INVALID_REQUEST, name="", partitions=[])
            for t in request.topics or []
            if t.name is None
        ]
    return [
        _Topic(error_code=ErrorCode.UNKNOWN_TOPIC_ID, name=None, topic_id=t.topic_id, partitions=[])
        for t in request.topics or []
        if t.name is None and t.topic_id not in image.topics_by_id
    ]


def _cluster_operations(authorizer: Authorizer | None, ctx: RequestContext) -> int:
    """The Cluster's authorized operations; none (0) without DESCRIBE on it (Kafka's rule:
    asked for, the field is never left at its "not asked" default)."""
    if authorizer is not None and not allows(
        authorizer, ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME
    ):
        return 0
    return authorized_operations(authorizer, ctx, ResourceType.CLUSTER, CLUSTER_NAME)


def handle_metadata(
    services: BrokerServices, ctx: RequestContext, request: MetadataRequest
) -> MetadataResponse | Awaitable[MetadataResponse]:
    """Describe brokers and topics; auto-create missing topics when allowed. A broker still
    catching up with the metadata quorum answers once caught up (``CATCH_UP_WAIT_S`` at most)."""
    if services.replica_manager.catching_up:
        return _once_caught_up(services, ctx, request, _describe_all)
    return _describe_all(services, ctx, request)


async def _once_caught_up(
    services: BrokerServices,
    ctx: RequestContext,
    request: _Req,
    answer: Callable[[BrokerServices, RequestContext, _Req], _Resp | Awaitable[_Resp]],
) -> _Resp:
    """``answer`` once this broker's image has caught up with the quorum, or from the image it
    has when ``CATCH_UP_WAIT_S`` ran out (a quorum without a leader)."""
    await services.replica_manager.wait_caught_up(CATCH_UP_WAIT_S)
    answered = answer(services, ctx, request)
    if isinstance(answered, Awaitable):
        return await answered
    return answered


def _describe_all(
    services: BrokerServices, ctx: RequestContext, request: MetadataRequest
) -> MetadataResponse | Awaitable[MetadataResponse]:
    version = ctx.version
    authorizer = services.authorizer_for_image()
    if request.topics is None or (version == 0 and not request.topics):
        return _response(services, ctx, request, None, {}, authorizer)
    names = _requested_names(request, services.image, version)
    errors: dict[str, ErrorCode] = {}
    if authorizer is not None:
        for name in names:
            if not allows(authorizer, ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name):
                errors[name] = ErrorCode.TOPIC_AUTHORIZATION_FAILED
    image = services.image
    missing = [n for n in names if n not in errors and image.topic(n) is None]
    if not missing:
        return _response(services, ctx, request, names, errors, authorizer)
    allow = services.config.auto_create_topics_enable and (
        request.allow_auto_topic_creation if version >= 4 else True
    )
    to_create: list[str] = []
    for name in missing:
        if not allow:
            continue
        if topic_name_error(name) is not None:
            errors[name] = ErrorCode.INVALID_TOPIC_EXCEPTION
        elif authorizer is not None and not _may_create(authorizer, ctx, name):
            errors[name] = ErrorCode.TOPIC_AUTHORIZATION_FAILED
        else:
            to_create.append(name)
    if not to_create:
        return _response(services, ctx, request, names, errors, authorizer)
    return _create_then_respond(services, ctx, request, names, to_create, errors, authorizer)


def _may_create(authorizer: Authorizer, ctx: RequestContext, name: str) -> bool:
    """CREATE on the Cluster or on the topic."""
    return allows(
        authorizer, ctx, AclOperation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME
    ) or allows(authorizer, ctx, AclOperation.CREATE, ResourceType.TOPIC, name)


async def _create_then_respond(
    services: BrokerServices,
    ctx: RequestContext,
    request: MetadataRequest,
    names: list[str],
    to_create: list[str],
    errors: dict[str, ErrorCode],
    authorizer: Authorizer | None,
) -> MetadataResponse:
    results = await services.controller.create_topics([NewTopic(n) for n in to_create])
    for result in results:
        if result.error == ErrorCode.TOPIC_ALREADY_EXISTS:
            continue  # created meanwhile by someone else: described from the image
        if result.error != ErrorCode.NONE:
            errors[result.name] = result.error
    return _response(services, ctx, request, names, errors, authorizer)


def metadata_error(request: MetadataRequest, version: int, code: ErrorCode) -> MetadataResponse:
    """Every requested topic with the error."""
    topics = [
        _Topic(
            error_code=code,
            name=t.name if t.name is not None or version >= 12 else "",
            topic_id=t.topic_id,
            partitions=[],
        )
        for t in request.topics or []
    ]
    return MetadataResponse(brokers=[], topics=topics)


def handle_describe_cluster(
    services: BrokerServices, ctx: RequestContext, request: DescribeClusterRequest
) -> DescribeClusterResponse | Awaitable[DescribeClusterResponse]:
    """The cluster id, the active controller and the live brokers (once caught up, as
    Metadata)."""
    if services.replica_manager.catching_up:
        return _once_caught_up(services, ctx, request, _describe_cluster)
    return _describe_cluster(services, ctx, request)


def _describe_cluster(
    services: BrokerServices, ctx: RequestContext, request: DescribeClusterRequest
) -> DescribeClusterResponse:
    response = DescribeClusterResponse(
        error_code=0,
        endpoint_type=request.endpoint_type,
        cluster_id=services.cluster_id,
        controller_id=_controller_for_clients(services, ctx.listener),
        brokers=[
            DescribeClusterResponse.DescribeClusterBroker(broker_id=n, host=h, port=p, rack=r)
            for n, h, p, r in _live_brokers(services, ctx.listener)
        ],
    )
    if request.include_cluster_authorized_operations:
        authorizer = services.authorizer_for_image()
        response.cluster_authorized_operations = _cluster_operations(authorizer, ctx)
    return response


def describe_cluster_error(
    request: DescribeClusterRequest, version: int, code: ErrorCode
) -> DescribeClusterResponse:
    """DescribeCluster failed."""
    return DescribeClusterResponse(error_code=code, cluster_id="", brokers=[])


def _controller_for_clients(services: BrokerServices, listener: str = "") -> int:
    """The controller id clients see: the active controller when it is a live broker, else
    this broker, which forwards admin requests to the active controller (a dedicated one has
    no client listener), as Kafka does in KRaft mode. Also while this broker does not know the
    active controller (an election, or a moment after it was paused): -1 would leave clients
    such as librdkafka waiting for a controller until their request times out, while this
    broker's forwarding retries until one answers (``CONTROLLER_CALL_TIMEOUT_S``)."""
    controller_id = services.controller.controller_id
    live = {node_id for node_id, _host, _port, _rack in _live_brokers(services, listener)}
    if controller_id >= 0 and controller_id in live:
        return controller_id
    return services.node_id


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(MetadataRequest, 0, 12, handle_metadata, metadata_error),
    api_handler(DescribeClusterRequest, 0, 1, handle_describe_cluster, describe_cluster_error),
)
