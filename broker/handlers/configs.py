"""DescribeConfigs (v0-4), AlterConfigs (v0-2), IncrementalAlterConfigs (v0-1).

Resources: topics (type 2) and brokers (type 4; name = this node's id, or "" for the
cluster-wide defaults). Topic configs show their value, source (topic override, dynamic broker
default, static broker setting, Kafka default) and, on request, the synonyms they override.
Broker settings are read-only except the topic defaults (``log.retention.ms`` …), which
AlterConfigs changes at runtime as Kafka does. Changes go through the controller.

Internal topics (``__consumer_offsets``): a change that would destroy or block one — of its own
configs, or of a broker-level default it inherits — is refused here with POLICY_VIOLATION
naming the setting, ``validate_only`` or not (``broker/metadata/internal_topic_policy.py``).

With ACLs on: describing needs DESCRIBE_CONFIGS, altering ALTER_CONFIGS, on the topic
(TOPIC_AUTHORIZATION_FAILED) or, for a broker resource, on the Cluster
(CLUSTER_AUTHORIZATION_FAILED), per resource.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from typing import Final

from broker.config import BrokerConfig
from broker.handlers.auth import CLUSTER_NAME, allows
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.metadata.controller_api import AlterConfigOp, ConfigResourceChange, OpResult
from broker.metadata.image import BROKER_RESOURCE, TOPIC_RESOURCE, MetadataImage
from broker.metadata.internal_topic_policy import check_internal_topic_configs
from broker.metadata.internal_topics import INTERNAL_TOPICS
from broker.metadata.topic_configs import (
    BROKER_DYNAMIC_CONFIGS,
    TOPIC_CONFIGS,
    ConfigSource,
    ConfigType,
    ResolvedConfig,
    apply_config_ops,
    broker_topic_defaults,
    resolve_topic_configs,
)
from broker.security.acl import Authorizer
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode, KafkaError
from protocol.messages import (
    AlterConfigsRequest,
    AlterConfigsResponse,
    DescribeConfigsRequest,
    DescribeConfigsResponse,
    IncrementalAlterConfigsRequest,
    IncrementalAlterConfigsResponse,
)

__all__ = [
    "HANDLERS",
    "alter_configs_error",
    "describe_configs_error",
    "handle_alter_configs",
    "handle_describe_configs",
    "handle_incremental_alter_configs",
    "incremental_alter_configs_error",
]

_Result = DescribeConfigsResponse.DescribeConfigsResult
_Entry = DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult
_Synonym = _Entry.DescribeConfigsSynonym


def _entry(
    resolved: ResolvedConfig,
    *,
    read_only: bool,
    config_type: ConfigType,
    doc: str | None,
    version: int,
    synonyms: bool,
    documentation: bool,
) -> _Entry:
    return _Entry(
        name=resolved.name,
        value=resolved.value,
        read_only=read_only,
        is_default=resolved.source == ConfigSource.DEFAULT_CONFIG,
        config_source=resolved.source,
        is_sensitive=False,
        synonyms=[_Synonym(name=n, value=v, source=s) for n, v, s in resolved.synonyms]
        if synonyms
        else [],
        config_type=config_type,
        documentation=doc if documentation else None,
    )


def _broker_configs(services: BrokerServices, name: str) -> dict[str, ResolvedConfig]:
    config = services.config
    image = services.image
    node = image.config(BROKER_RESOURCE, str(services.node_id))
    cluster = image.config(BROKER_RESOURCE, "")
    defaults = BrokerConfig.model_construct().kafka_settings()
    explicit = config.explicitly_set
    out: dict[str, ResolvedConfig] = {}
    for key, value in config.kafka_settings().items():
        chain: list[tuple[str, str | None, ConfigSource]] = []
        if name and key in node:
            chain.append((key, node[key], ConfigSource.DYNAMIC_BROKER_CONFIG))
        if key in cluster:
            chain.append((key, cluster[key], ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG))
        if not name:
            # The cluster-wide resource shows only what was set cluster-wide.
            if chain:
                out[key] = ResolvedConfig(key, chain[0][1], chain[0][2], tuple(chain))
            continue
        if key in explicit:
            chain.append((key, value, ConfigSource.STATIC_BROKER_CONFIG))
        chain.append((key, defaults.get(key), ConfigSource.DEFAULT_CONFIG))
        out[key] = ResolvedConfig(key, chain[0][1], chain[0][2], tuple(chain))
    return out


def _acl_refusal(
    authorizer: Authorizer | None,
    ctx: RequestContext,
    op: AclOperation,
    rtype: int,
    rname: str,
) -> ErrorCode | None:
    """The error when ACLs refuse ``op`` on a config resource (a topic, or a broker: the
    Cluster); None when allowed, when ACLs are off, or for a type answered INVALID_REQUEST."""
    if authorizer is None:
        return None
    if rtype == TOPIC_RESOURCE:
        if allows(authorizer, ctx, op, ResourceType.TOPIC, rname):
            return None
        return ErrorCode.TOPIC_AUTHORIZATION_FAILED
    if rtype == BROKER_RESOURCE:
        if allows(authorizer, ctx, op, ResourceType.CLUSTER, CLUSTER_NAME):
            return None
        return ErrorCode.CLUSTER_AUTHORIZATION_FAILED
    return None


def _describe_one(
    services: BrokerServices,
    resource: DescribeConfigsRequest.DescribeConfigsResource,
    version: int,
    synonyms: bool,
    documentation: bool,
) -> _Result:
    rtype, rname = resource.resource_type, resource.resource_name
    result = _Result(error_code=0, resource_type=rtype, resource_name=rname, configs=[])
    # Kafka: null or empty means every setting.
    keys = set(resource.configuration_keys) if resource.configuration_keys else None
    if rtype == TOPIC_RESOURCE:
        if services.image.topic(rname) is None:
            result.error_code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            result.error_message = f"Topic {rname} does not exist."
            return result
        for key, resolved in sorted(services.controller.topic_configs(rname).items()):
            if keys is not None and key not in keys:
                continue
            d = TOPIC_CONFIGS[key]
            result.configs.append(
                _entry(
                    resolved,
                    read_only=False,
                    config_type=d.type,
                    doc=d.doc,
                    version=version,
                    synonyms=synonyms,
                    documentation=documentation,
                )
            )
        return result
    if rtype == BROKER_RESOURCE:
        if rname not in ("", str(services.node_id)):
            result.error_code = ErrorCode.INVALID_REQUEST
            result.error_message = (
                f"Unexpected broker id, expected {services.node_id} or empty string, "
                f"but received {rname}"
            )
            return result
        for key, resolved in sorted(_broker_configs(services, rname).items()):
            if keys is not None and key not in keys:
                continue
            result.configs.append(
                _entry(
                    resolved,
                    read_only=key not in BROKER_DYNAMIC_CONFIGS,
                    config_type=ConfigType.STRING,
                    doc=None,
                    version=version,
                    synonyms=synonyms,
                    documentation=documentation,
                )
            )
        return result
    result.error_code = ErrorCode.INVALID_REQUEST
    result.error_message = f"Unsupported resource type {rtype}"
    return result


def handle_describe_configs(
    services: BrokerServices, ctx: RequestContext, request: DescribeConfigsRequest
) -> DescribeConfigsResponse:
    """Describe topic and broker settings."""
    version = ctx.version
    synonyms = version >= 1 and request.include_synonyms
    documentation = version >= 3 and request.include_documentation
    authorizer = services.authorizer_for_image()
    results: list[_Result] = []
    for r in request.resources:
        refused = _acl_refusal(
            authorizer, ctx, AclOperation.DESCRIBE_CONFIGS, r.resource_type, r.resource_name
        )
        if refused is not None:
            results.append(
                _Result(
                    error_code=refused,
                    resource_type=r.resource_type,
                    resource_name=r.resource_name,
                    configs=[],
                )
            )
        else:
            results.append(_describe_one(services, r, version, synonyms, documentation))
    return DescribeConfigsResponse(throttle_time_ms=0, results=results)


def describe_configs_error(
    request: DescribeConfigsRequest, version: int, code: ErrorCode
) -> DescribeConfigsResponse:
    """Every resource with the error."""
    return DescribeConfigsResponse(
        results=[
            _Result(
                error_code=code,
                resource_type=r.resource_type,
                resource_name=r.resource_name,
                configs=[],
            )
            for r in request.resources
        ]
    )


def handle_alter_configs(
    services: BrokerServices, ctx: RequestContext, request: AlterConfigsRequest
) -> Awaitable[AlterConfigsResponse]:
    """Replace the settings of each resource with the given set."""
    changes = [
        ConfigResourceChange(
            r.resource_type,
            r.resource_name,
            [(c.name, AlterConfigOp.SET, c.value) for c in r.configs],
            replace=True,
        )
        for r in request.resources
    ]
    refused = _acl_refused(services, ctx, changes)
    return _alter_configs(services, changes, request.validate_only, refused)


def _acl_refused(
    services: BrokerServices, ctx: RequestContext, changes: Sequence[ConfigResourceChange]
) -> dict[int, OpResult]:
    """The changes ACLs refuse (ALTER_CONFIGS), by index."""
    authorizer = services.authorizer_for_image()
    if authorizer is None:
        return {}
    refused: dict[int, OpResult] = {}
    for i, c in enumerate(changes):
        code = _acl_refusal(
            authorizer, ctx, AclOperation.ALTER_CONFIGS, c.resource_type, c.resource_name
        )
        if code is not None:
            refused[i] = OpResult(c.resource_name, code, None)
    return refused


def _values(resolved: Mapping[str, ResolvedConfig]) -> dict[str, str | None]:
    return {name: r.value for name, r in resolved.items()}


def _replication_factor(image: MetadataImage, topic: str) -> int:
    found = image.topic(topic)
    if found is None or not found.partitions:
        return 1
    return min(len(p.replicas) for p in found.partitions.values())


def _check_internal_topic(
    services: BrokerServices,
    topic: str,
    before: Mapping[str, ResolvedConfig],
    after: Mapping[str, ResolvedConfig],
) -> None:
    check_internal_topic_configs(
        topic,
        _values(before),
        _values(after),
        replication_factor=_replication_factor(services.image, topic),
        min_retention_ms=services.config.offsets_retention_minutes * 60_000,
    )


def _policy_check(services: BrokerServices, change: ConfigResourceChange) -> None:
    """Raise PolicyViolationError if ``change`` would destroy or block an internal topic."""
    image = services.image
    rtype, rname = change.resource_type, change.resource_name
    internal = [t for t in INTERNAL_TOPICS if image.topic(t) is not None]
    if rtype == TOPIC_RESOURCE and rname in internal:
        defaults = services.controller.topic_defaults()
        current = image.config(TOPIC_RESOURCE, rname)
        updated = apply_config_ops(
            current,
            change.ops,
            replace=change.replace,
            list_default=lambda name: defaults[name].value if name in defaults else None,
        )
        if updated is None:
            return
        before = resolve_topic_configs(defaults, current)
        _check_internal_topic(services, rname, before, resolve_topic_configs(defaults, updated))
    elif rtype == BROKER_RESOURCE and internal:
        # A dynamic broker default reaches every internal topic that does not override it.
        if any(op in (AlterConfigOp.APPEND, AlterConfigOp.SUBTRACT) for _, op, _ in change.ops):
            return  # not list settings at the broker level: the controller refuses them
        node = rname or str(services.node_id)
        node_before = image.config(BROKER_RESOURCE, node)
        cluster_before = image.config(BROKER_RESOURCE, "")
        updated = apply_config_ops(
            image.config(BROKER_RESOURCE, rname),
            change.ops,
            replace=change.replace,
            list_default=lambda name: None,
        )
        if updated is None:
            return
        node_after = node_before if not rname else updated
        cluster_after = updated if not rname else cluster_before
        defaults_before = broker_topic_defaults(services.config, node_before, cluster_before)
        defaults_after = broker_topic_defaults(services.config, node_after, cluster_after)
        for topic in sorted(internal):
            overrides = image.config(TOPIC_RESOURCE, topic)
            _check_internal_topic(
                services,
                topic,
                resolve_topic_configs(defaults_before, overrides),
                resolve_topic_configs(defaults_after, overrides),
            )


async def _policy_checked(
    services: BrokerServices,
    changes: Sequence[ConfigResourceChange],
    validate_only: bool,
    acl_refused: dict[int, OpResult],
) -> list[OpResult]:
    """The controller's results for ``changes``, except those ACLs refuse (``acl_refused``)
    and those the internal-topic policy refuses first (a duplicated resource is left to the
    controller, which refuses it)."""
    keys = [(c.resource_type, c.resource_name) for c in changes]
    refused: dict[int, OpResult] = dict(acl_refused)
    for i, change in enumerate(changes):
        if keys.count(keys[i]) > 1 or i in refused:
            continue
        try:
            _policy_check(services, change)
        except KafkaError as exc:
            refused[i] = OpResult(change.resource_name, exc.code, exc.message or str(exc))
    allowed = [c for i, c in enumerate(changes) if i not in refused]
    answered = iter(
        await services.controller.alter_configs(allowed, validate_only=validate_only)
        if allowed
        else []
    )
    return [refused[i] if i in refused else next(answered) for i in range(len(changes))]


async def _alter_configs(
    services: BrokerServices,
    changes: list[ConfigResourceChange],
    validate_only: bool,
    acl_refused: dict[int, OpResult],
) -> AlterConfigsResponse:
    results = await _policy_checked(services, changes, validate_only, acl_refused)
    item = AlterConfigsResponse.AlterConfigsResourceResponse
    return AlterConfigsResponse(
        throttle_time_ms=0,
        responses=[
            item(
                error_code=r.error,
                error_message=r.message,
                resource_type=c.resource_type,
                resource_name=c.resource_name,
            )
            for c, r in zip(changes, results, strict=True)
        ],
    )


def handle_incremental_alter_configs(
    services: BrokerServices, ctx: RequestContext, request: IncrementalAlterConfigsRequest
) -> Awaitable[IncrementalAlterConfigsResponse]:
    """SET / DELETE / APPEND / SUBTRACT individual settings."""
    changes = [
        ConfigResourceChange(
            r.resource_type,
            r.resource_name,
            [(c.name, c.config_operation, c.value) for c in r.configs],
        )
        for r in request.resources
    ]
    refused = _acl_refused(services, ctx, changes)
    return _incremental_alter_configs(services, changes, request.validate_only, refused)


async def _incremental_alter_configs(
    services: BrokerServices,
    changes: list[ConfigResourceChange],
    validate_only: bool,
    acl_refused: dict[int, OpResult],
) -> IncrementalAlterConfigsResponse:
    results = await _policy_checked(services, changes, validate_only, acl_refused)
    item = IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
    return IncrementalAlterConfigsResponse(
        throttle_time_ms=0,
        responses=[
            item(
                error_code=r.error,
                error_message=r.message,
                resource_type=c.resource_type,
                resource_name=c.resource_name,
            )
            for c, r in zip(changes, results, strict=True)
        ],
    )


def alter_configs_error(
    request: AlterConfigsRequest, version: int, code: ErrorCode
) -> AlterConfigsResponse:
    """Every resource with the error."""
    return AlterConfigsResponse(
        responses=[
            AlterConfigsResponse.AlterConfigsResourceResponse(
                error_code=code, resource_type=r.resource_type, resource_name=r.resource_name
            )
            for r in request.resources
        ]
    )


def incremental_alter_configs_error(
    request: IncrementalAlterConfigsRequest, version: int, code: ErrorCode
) -> IncrementalAlterConfigsResponse:
    """Every resource with the error."""
    return IncrementalAlterConfigsResponse(
        responses=[
            IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(
                error_code=code, resource_type=r.resource_type, resource_name=r.resource_name
            )
            for r in request.resources
        ]
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(DescribeConfigsRequest, 0, 4, handle_describe_configs, describe_configs_error),
    api_handler(AlterConfigsRequest, 0, 2, handle_alter_configs, alter_configs_error),
    api_handler(
        IncrementalAlterConfigsRequest,
        0,
        1,
        handle_incremental_alter_configs,
        incremental_alter_configs_error,
    ),
)
