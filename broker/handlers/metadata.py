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
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Final

from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.metadata.controller_api import NewTopic, topic_name_error
from broker.metadata.image import NO_LEADER, MetadataImage, TopicImage
from broker.metadata.internal_topics import is_internal_topic
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
    "describe_cluster_error",
    "handle_describe_cluster",
    "handle_metadata",
    "metadata_error",
]

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
    if not any(TopicPartition(topic.name, p.partition_index) in offline for p in topic.partitions):
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
        if TopicPartition(topic.name, p.partition_index) in offline
        else p
        for p in topic.partitions
    ]
    return _Topic(
        error_code=0, name=topic.name, is_internal=topic.is_internal, partitions=partitions
    )


def _live_brokers(services: BrokerServices) -> list[tuple[int, str, int, str | None]]:
    """``(node id, host, port, rack)`` of every unfenced registered broker; this broker alone
    while none is registered (a cluster of one)."""
    brokers = [
        (b.node_id, b.host, b.port, b.rack) for b in services.image.brokers.values() if not b.fenced
    ]
    if not brokers:
        rack = services.config.broker_rack
        brokers = [(services.node_id, services.advertised_host, services.advertised_port, rack)]
    return brokers


def _response(
    services: BrokerServices,
    names: Sequence[str] | None,
    errors: dict[str, ErrorCode],
) -> MetadataResponse:
    image = services.image
    offline = services.replica_manager.offline_partitions()
    if names is None:
        topics = [
            _describe_topic(services, image, t, offline) for t in image.topics_by_name.values()
        ]
    else:
        topics = []
        for name in names:
            topic = image.topic(name)
            if topic is not None:
                topics.append(_describe_topic(services, image, topic, offline))
            else:
                code = errors.get(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                topics.append(_Topic(error_code=code, name=name, partitions=[]))
    return MetadataResponse(
        brokers=[
            MetadataResponse.MetadataResponseBroker(node_id=n, host=h, port=p, rack=r)
            for n, h, p, r in _live_brokers(services)
        ],
        cluster_id=services.cluster_id,
        controller_id=_controller_for_clients(services),
        topics=topics,
    )


def handle_metadata(
    services: BrokerServices, ctx: RequestContext, request: MetadataRequest
) -> MetadataResponse | Awaitable[MetadataResponse]:
    """Describe brokers and topics; auto-create missing topics when allowed."""
    version = ctx.version
    if request.topics is None or (version == 0 and not request.topics):
        return _response(services, None, {})
    names = list(dict.fromkeys(t.name for t in request.topics))
    image = services.image
    missing = [n for n in names if image.topic(n) is None]
    if not missing:
        return _response(services, names, {})
    allow = services.config.auto_create_topics_enable and (
        request.allow_auto_topic_creation if version >= 4 else True
    )
    errors: dict[str, ErrorCode] = {}
    to_create: list[str] = []
    for name in missing:
        if not allow:
            continue
        if topic_name_error(name) is not None:
            errors[name] = ErrorCode.INVALID_TOPIC_EXCEPTION
        else:
            to_create.append(name)
    if not to_create:
        return _response(services, names, errors)
    return _create_then_respond(services, names, to_create, errors)


async def _create_then_respond(
    services: BrokerServices, names: list[str], to_create: list[str], errors: dict[str, ErrorCode]
) -> MetadataResponse:
    results = await services.controller.create_topics([NewTopic(n) for n in to_create])
    for result in results:
        if result.error == ErrorCode.TOPIC_ALREADY_EXISTS:
            continue  # created meanwhile by someone else: described from the image
        if result.error != ErrorCode.NONE:
            errors[result.name] = result.error
    return _response(services, names, errors)


def metadata_error(request: MetadataRequest, version: int, code: ErrorCode) -> MetadataResponse:
    """Every requested topic with the error."""
    topics = [_Topic(error_code=code, name=t.name, partitions=[]) for t in request.topics or []]
    return MetadataResponse(brokers=[], topics=topics)


def handle_describe_cluster(
    services: BrokerServices, ctx: RequestContext, request: DescribeClusterRequest
) -> DescribeClusterResponse:
    """The cluster id, the active controller and the live brokers."""
    return DescribeClusterResponse(
        error_code=0,
        endpoint_type=request.endpoint_type,
        cluster_id=services.cluster_id,
        controller_id=_controller_for_clients(services),
        brokers=[
            DescribeClusterResponse.DescribeClusterBroker(broker_id=n, host=h, port=p, rack=r)
            for n, h, p, r in _live_brokers(services)
        ],
    )


def describe_cluster_error(
    request: DescribeClusterRequest, version: int, code: ErrorCode
) -> DescribeClusterResponse:
    """DescribeCluster failed."""
    return DescribeClusterResponse(error_code=code, cluster_id="", brokers=[])


def _controller_for_clients(services: BrokerServices) -> int:
    """The controller id clients see: the active controller when it is a live broker, else
    this broker (a dedicated controller has no client listener; this broker forwards admin
    requests to it), as Kafka does in KRaft mode."""
    controller_id = services.controller.controller_id
    live = {node_id for node_id, _host, _port, _rack in _live_brokers(services)}
    if controller_id < 0 or controller_id in live:
        return controller_id
    return services.node_id


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(MetadataRequest, 0, 8, handle_metadata, metadata_error),
    api_handler(DescribeClusterRequest, 0, 1, handle_describe_cluster, describe_cluster_error),
)
