"""Topic administration: CreateTopics (v2-5), DeleteTopics (v1-4), CreatePartitions (v0-3) and
DeleteRecords (v0-2).

The first three are translations to the controller, which validates (Kafka's topic name rules,
partition counts, replication factor ≤ 1 broker, configs) and commits. DeleteRecords moves each
partition's log start offset (at most to the high watermark) and checkpoints it at once, so
deleted records stay deleted across a crash.

Internal topics (``__consumer_offsets``) are protected, each refusal naming the topic where the
response has a message field:

* DeleteRecords: INVALID_TOPIC_EXCEPTION, as Kafka answers ("Cannot delete records of internal
  topic"); it would drop committed offsets.
* DeleteTopics and CreatePartitions: POLICY_VIOLATION. Kafka's broker allows both (only its
  command-line tool refuses to delete an internal topic); here they are a policy: deleting the
  topic loses every group's offsets, adding partitions moves groups (placed by hash modulo the
  partition count) away from theirs.
* CreateTopics of an internal topic's name (before the broker creates it): refused with
  POLICY_VIOLATION if its configs would destroy or block it (``internal_topic_policy.py``).

With ACLs on (Kafka's checks, TOPIC_AUTHORIZATION_FAILED per topic): CreateTopics needs CREATE
on the Cluster or on the topic (and DESCRIBE_CONFIGS on it for v5's configs, else
``topic_config_error_code``), DeleteTopics and DeleteRecords DELETE on the topic,
CreatePartitions ALTER on it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Final

from broker.handlers.auth import CLUSTER_NAME, allows
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.handlers.recovery_wait import answer_once_opened
from broker.metadata.controller_api import CreateTopicResult, NewTopic
from broker.metadata.internal_topic_policy import check_internal_topic_configs
from broker.metadata.internal_topics import is_internal_topic
from broker.metadata.topic_configs import resolve_topic_configs
from broker.security.acl import Authorizer
from broker.storage.errors import LogStorageError
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode, KafkaError
from protocol.messages import (
    CreatePartitionsRequest,
    CreatePartitionsResponse,
    CreateTopicsRequest,
    CreateTopicsResponse,
    DeleteRecordsRequest,
    DeleteRecordsResponse,
    DeleteTopicsRequest,
    DeleteTopicsResponse,
)

__all__ = [
    "HANDLERS",
    "create_partitions_error",
    "create_topics_error",
    "delete_records_error",
    "delete_topics_error",
    "handle_create_partitions",
    "handle_create_topics",
    "handle_delete_records",
    "handle_delete_topics",
]

log = logging.getLogger("samsa.admin")

_CTResult = CreateTopicsResponse.CreatableTopicResult
_CTConfig = CreateTopicsResponse.CreatableTopicResult.CreatableTopicConfigs

_OFFSET_HIGH_WATERMARK = -1


def _topic_denied(
    authorizer: Authorizer | None, ctx: RequestContext, op: AclOperation, name: str
) -> bool:
    """Whether ACLs are on and refuse ``op`` on topic ``name``."""
    return authorizer is not None and not allows(authorizer, ctx, op, ResourceType.TOPIC, name)


# -- CreateTopics ------------------------------------------------------------------------------


def _topic_result(result: CreateTopicResult, version: int) -> _CTResult:
    out = _CTResult(
        name=result.name,
        error_code=result.error,
        error_message=result.message,
        num_partitions=result.num_partitions,
        replication_factor=result.replication_factor,
        configs=None,
    )
    if version >= 5 and result.error == ErrorCode.NONE and result.configs is not None:
        out.configs = [
            _CTConfig(
                name=name,
                value=r.value,
                read_only=False,
                config_source=r.source,
                is_sensitive=False,
            )
            for name, r in sorted(result.configs.items())
        ]
    return out


def handle_create_topics(
    services: BrokerServices, ctx: RequestContext, request: CreateTopicsRequest
) -> Awaitable[CreateTopicsResponse]:
    """Create topics (or only validate them)."""
    return _create_topics(services, ctx, request)


def _internal_topic_refusal(services: BrokerServices, topic: NewTopic) -> str | None:
    """Why creating internal topic ``topic`` with its configs would destroy or block it."""
    if not is_internal_topic(topic.name) or services.image.topic(topic.name) is not None:
        return None  # an existing topic: the controller answers TOPIC_ALREADY_EXISTS
    overrides = {k: v for k, v in topic.configs.items() if v is not None}
    resolved = resolve_topic_configs(services.controller.topic_defaults(), overrides)
    factor = topic.replication_factor
    if topic.assignments:
        factor = min(len(replicas) for replicas in topic.assignments.values())
    elif factor <= 0:
        factor = services.config.default_replication_factor
    try:
        check_internal_topic_configs(
            topic.name,
            None,
            {name: r.value for name, r in resolved.items()},
            replication_factor=factor,
            min_retention_ms=services.config.offsets_retention_minutes * 60_000,
        )
    except KafkaError as exc:
        return exc.message or str(exc)
    return None


def _may_create(authorizer: Authorizer | None, ctx: RequestContext, name: str) -> bool:
    """CREATE on the Cluster or on the topic (always, with ACLs off)."""
    return (
        authorizer is None
        or allows(authorizer, ctx, AclOperation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME)
        or allows(authorizer, ctx, AclOperation.CREATE, ResourceType.TOPIC, name)
    )


async def _create_topics(
    services: BrokerServices, ctx: RequestContext, request: CreateTopicsRequest
) -> CreateTopicsResponse:
    version = ctx.version
    authorizer = services.authorizer_for_image()
    topics = [
        NewTopic(
            name=t.name,
            num_partitions=t.num_partitions,
            replication_factor=t.replication_factor,
            assignments={a.partition_index: list(a.broker_ids) for a in t.assignments} or None,
            configs={c.name: c.value for c in t.configs},
        )
        for t in request.topics
    ]
    names = [t.name for t in topics]
    refused: dict[int, tuple[ErrorCode, str | None]] = {}
    for i, topic in enumerate(topics):
        if names.count(topic.name) == 1:  # duplicates: the controller refuses them
            if not _may_create(authorizer, ctx, topic.name):
                refused[i] = (ErrorCode.TOPIC_AUTHORIZATION_FAILED, None)
                continue
            why = _internal_topic_refusal(services, topic)
            if why is not None:
                refused[i] = (ErrorCode.POLICY_VIOLATION, why)
    allowed = [t for i, t in enumerate(topics) if i not in refused]
    created = iter(
        await services.controller.create_topics(allowed, validate_only=request.validate_only)
        if allowed
        else []
    )
    results = [
        CreateTopicResult(name=t.name, error=refused[i][0], message=refused[i][1])
        if i in refused
        else next(created)
        for i, t in enumerate(topics)
    ]
    answers = [_topic_result(r, version) for r in results]
    if authorizer is not None and version >= 5:
        for answer in answers:
            if answer.configs is not None and _topic_denied(
                authorizer, ctx, AclOperation.DESCRIBE_CONFIGS, answer.name
            ):
                # Kafka's rule: created, but its configs are not shown without DESCRIBE_CONFIGS.
                answer.configs = None
                answer.topic_config_error_code = ErrorCode.TOPIC_AUTHORIZATION_FAILED
    return CreateTopicsResponse(throttle_time_ms=0, topics=answers)


def create_topics_error(
    request: CreateTopicsRequest, version: int, code: ErrorCode
) -> CreateTopicsResponse:
    """Every topic with the error."""
    return CreateTopicsResponse(
        topics=[_CTResult(name=t.name, error_code=code, error_message=None) for t in request.topics]
    )


# -- DeleteTopics ------------------------------------------------------------------------------


def handle_delete_topics(
    services: BrokerServices, ctx: RequestContext, request: DeleteTopicsRequest
) -> Awaitable[DeleteTopicsResponse]:
    """Delete topics with their logs."""
    return _delete_topics(services, ctx, request)


async def _delete_topics(
    services: BrokerServices, ctx: RequestContext, request: DeleteTopicsRequest
) -> DeleteTopicsResponse:
    names = list(request.topic_names)
    authorizer = services.authorizer_for_image()
    denied = {n for n in names if _topic_denied(authorizer, ctx, AclOperation.DELETE, n)}
    allowed = [n for n in names if not is_internal_topic(n) and n not in denied]
    results = await services.controller.delete_topics(allowed) if allowed else []
    by_name = iter(results)
    responses = []
    for name in names:
        if name in denied:
            responses.append(
                DeleteTopicsResponse.DeletableTopicResult(
                    name=name, error_code=ErrorCode.TOPIC_AUTHORIZATION_FAILED
                )
            )
        elif is_internal_topic(name):
            # The coordinator's log: deleting it would lose every group's offsets. (v1-4 of
            # the response carry no message; the code and the name say it.)
            responses.append(
                DeleteTopicsResponse.DeletableTopicResult(
                    name=name, error_code=ErrorCode.POLICY_VIOLATION
                )
            )
        else:
            r = next(by_name)
            responses.append(
                DeleteTopicsResponse.DeletableTopicResult(name=r.name, error_code=r.error)
            )
    return DeleteTopicsResponse(throttle_time_ms=0, responses=responses)


def delete_topics_error(
    request: DeleteTopicsRequest, version: int, code: ErrorCode
) -> DeleteTopicsResponse:
    """Every topic with the error."""
    return DeleteTopicsResponse(
        responses=[
            DeleteTopicsResponse.DeletableTopicResult(name=n, error_code=code)
            for n in request.topic_names
        ]
    )


# -- CreatePartitions --------------------------------------------------------------------------


def handle_create_partitions(
    services: BrokerServices, ctx: RequestContext, request: CreatePartitionsRequest
) -> Awaitable[CreatePartitionsResponse]:
    """Add partitions to topics."""
    return _create_partitions(services, ctx, request)


async def _create_partitions(
    services: BrokerServices, ctx: RequestContext, request: CreatePartitionsRequest
) -> CreatePartitionsResponse:
    authorizer = services.authorizer_for_image()
    asks = [
        (
            t.name,
            t.count,
            [list(a.broker_ids) for a in t.assignments] if t.assignments else None,
        )
        for t in request.topics
    ]
    denied = {a[0] for a in asks if _topic_denied(authorizer, ctx, AclOperation.ALTER, a[0])}
    allowed = [a for a in asks if not is_internal_topic(a[0]) and a[0] not in denied]
    results = (
        await services.controller.create_partitions(allowed, validate_only=request.validate_only)
        if allowed
        else []
    )
    by_name = iter(results)
    out = []
    for name, _, _ in asks:
        if name in denied:
            out.append(
                CreatePartitionsResponse.CreatePartitionsTopicResult(
                    name=name, error_code=ErrorCode.TOPIC_AUTHORIZATION_FAILED, error_message=None
                )
            )
        elif is_internal_topic(name):
            # Groups are placed by hashing over the partition count: adding partitions to
            # __consumer_offsets would move groups away from their offsets.
            out.append(
                CreatePartitionsResponse.CreatePartitionsTopicResult(
                    name=name,
                    error_code=ErrorCode.POLICY_VIOLATION,
                    error_message=(
                        f"Cannot add partitions to internal topic {name}: groups would move "
                        "away from their committed offsets"
                    ),
                )
            )
        else:
            r = next(by_name)
            out.append(
                CreatePartitionsResponse.CreatePartitionsTopicResult(
                    name=r.name, error_code=r.error, error_message=r.message
                )
            )
    return CreatePartitionsResponse(throttle_time_ms=0, results=out)


def create_partitions_error(
    request: CreatePartitionsRequest, version: int, code: ErrorCode
) -> CreatePartitionsResponse:
    """Every topic with the error."""
    return CreatePartitionsResponse(
        results=[
            CreatePartitionsResponse.CreatePartitionsTopicResult(name=t.name, error_code=code)
            for t in request.topics
        ]
    )


# -- DeleteRecords -----------------------------------------------------------------------------

_DRTopic = DeleteRecordsResponse.DeleteRecordsTopicResult
_DRPartition = DeleteRecordsResponse.DeleteRecordsTopicResult.DeleteRecordsPartitionResult


def handle_delete_records(
    services: BrokerServices, ctx: RequestContext, request: DeleteRecordsRequest
) -> DeleteRecordsResponse | Awaitable[DeleteRecordsResponse]:
    """Move log start offsets up; offset -1 means the high watermark. Partitions not opened
    yet (their logs may await recovery after an unclean stop) are opened first, as ListOffsets
    opens them, with the event loop serving others meanwhile."""
    authorizer = services.authorizer_for_image()
    wanted = [
        (t.name, p.partition_index)
        for t in request.topics
        if not is_internal_topic(t.name)
        and not _topic_denied(authorizer, ctx, AclOperation.DELETE, t.name)
        for p in t.partitions
    ]
    return answer_once_opened(services, wanted, lambda: _delete_records(services, ctx, request))


def _delete_records(
    services: BrokerServices, ctx: RequestContext, request: DeleteRecordsRequest
) -> DeleteRecordsResponse:
    replicas = services.replica_manager
    authorizer = services.authorizer_for_image()
    topics: list[_DRTopic] = []
    moved = False
    for topic in request.topics:
        results: list[_DRPartition] = []
        topics.append(_DRTopic(name=topic.name, partitions=results))
        if _topic_denied(authorizer, ctx, AclOperation.DELETE, topic.name):
            code = ErrorCode.TOPIC_AUTHORIZATION_FAILED
            results.extend(
                _DRPartition(partition_index=p.partition_index, low_watermark=-1, error_code=code)
                for p in topic.partitions
            )
            continue
        internal = is_internal_topic(topic.name)
        for p in topic.partitions:
            if internal:
                # Kafka's answer: the records are the coordinator's committed offsets.
                results.append(
                    _DRPartition(
                        partition_index=p.partition_index,
                        low_watermark=-1,
                        error_code=ErrorCode.INVALID_TOPIC_EXCEPTION,
                    )
                )
                continue
            try:
                partition = replicas.get_partition(topic.name, p.partition_index)
                log_ = partition.log
                hw = partition.high_watermark
                offset = hw if p.offset == _OFFSET_HIGH_WATERMARK else p.offset
                if offset < 0 or offset > hw:
                    results.append(
                        _DRPartition(
                            partition_index=p.partition_index,
                            low_watermark=-1,
                            error_code=ErrorCode.OFFSET_OUT_OF_RANGE,
                        )
                    )
                    continue
                if log_.increase_log_start_offset(offset):
                    moved = True
                    partition.producers.truncate_head(log_.log_start_offset)
            except KafkaError as exc:
                results.append(
                    _DRPartition(
                        partition_index=p.partition_index, low_watermark=-1, error_code=exc.code
                    )
                )
                continue
            results.append(
                _DRPartition(
                    partition_index=p.partition_index,
                    low_watermark=log_.log_start_offset,
                    error_code=0,
                )
            )
    if moved:
        try:
            services.log_manager.checkpoint()
        except LogStorageError as exc:
            log.error("checkpoint after DeleteRecords failed: %s", exc)
    return DeleteRecordsResponse(throttle_time_ms=0, topics=topics)


def delete_records_error(
    request: DeleteRecordsRequest, version: int, code: ErrorCode
) -> DeleteRecordsResponse:
    """Every partition with the error."""
    return DeleteRecordsResponse(
        topics=[
            _DRTopic(
                name=t.name,
                partitions=[
                    _DRPartition(
                        partition_index=p.partition_index, low_watermark=-1, error_code=code
                    )
                    for p in t.partitions
                ],
            )
            for t in request.topics
        ]
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(CreateTopicsRequest, 2, 5, handle_create_topics, create_topics_error),
    api_handler(DeleteTopicsRequest, 1, 4, handle_delete_topics, delete_topics_error),
    api_handler(DeleteRecordsRequest, 0, 2, handle_delete_records, delete_records_error),
    api_handler(CreatePartitionsRequest, 0, 3, handle_create_partitions, create_partitions_error),
)
