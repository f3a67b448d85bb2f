"""DescribeConfigs (32, v0-4), AlterConfigs (33, v0-2), IncrementalAlterConfigs (44, v0-1).

Resources: topics (type 2) and brokers (type 4; name = this node's id, or "" for the
cluster-wide defaults). Topic configs show their value, source (topic override, dynamic broker
default, static broker setting, Kafka default) and, on request, the synonyms they override.
Broker settings are read-only except the topic defaults (``log.retention.ms`` …), which
AlterConfigs changes at runtime as Kafka does. Changes go through the controller.
"""

from __future__ import annotations

from collections.abc import Awaitable

from broker.config import BrokerConfig
from broker.handlers.base import BrokerServices, RequestContext
from broker.metadata.controller import AlterConfigOp, ConfigResourceChange, OpResult
from broker.metadata.image import BROKER_RESOURCE, TOPIC_RESOURCE
from broker.topic_configs import (
    BROKER_DYNAMIC_CONFIGS,
    TOPIC_CONFIGS,
    ConfigSource,
    ConfigType,
    ResolvedConfig,
)
from protocol.errors import ErrorCode
from protocol.messages import (
    AlterConfigsRequest,
    AlterConfigsResponse,
    DescribeConfigsRequest,
    DescribeConfigsResponse,
    IncrementalAlterConfigsRequest,
    IncrementalAlterConfigsResponse,
)

__all__ = [
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
    return DescribeConfigsResponse(
        throttle_time_ms=0,
        results=[
            _describe_one(services, r, version, synonyms, documentation) for r in request.resources
        ],
    )


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
    return _alter_configs(services, changes, request.validate_only)


async def _alter_configs(
    services: BrokerServices, changes: list[ConfigResourceChange], validate_only: bool
) -> AlterConfigsResponse:
    results = await services.controller.alter_configs(changes, validate_only=validate_only)
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
    return _incremental_alter_configs(services, changes, request.validate_only)


async def _incremental_alter_configs(
    services: BrokerServices, changes: list[ConfigResourceChange], validate_only: bool
) -> IncrementalAlterConfigsResponse:
    results: list[OpResult] = await services.controller.alter_configs(
        changes, validate_only=validate_only
    )
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
