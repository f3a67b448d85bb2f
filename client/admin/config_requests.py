"""Config requests of ``Admin``: DescribeConfigs and IncrementalAlterConfigs built per broker
(a broker's own configs go to that broker, the rest to any broker or the controller), and
their answers read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from client.admin.types import AlterConfigOp, ConfigEntry, ConfigResource, ConfigResourceType
from client.errors import error_from_code
from protocol.messages import DescribeConfigsRequest, IncrementalAlterConfigsRequest
from protocol.types import ConfigSource

__all__ = [
    "alter_config_ops",
    "alter_configs_requests",
    "check_alter_configs",
    "config_entries",
    "config_node",
    "describe_configs_requests",
]


def config_node(resource: ConfigResource) -> int | None:
    """The broker a resource's configs are asked of (None: any broker, or the controller)."""
    if resource.type == ConfigResourceType.BROKER and resource.name.strip().isdigit():
        return int(resource.name)
    return None


def describe_configs_requests(
    resources: Iterable[ConfigResource], *, synonyms: bool, documentation: bool
) -> dict[int | None, DescribeConfigsRequest]:
    """One DescribeConfigs request per broker to ask (``config_node``)."""
    groups: dict[int | None, list[ConfigResource]] = {}
    for r in resources:
        r = ConfigResource(ConfigResourceType(r.type), r.name)
        groups.setdefault(config_node(r), []).append(r)
    return {
        node: DescribeConfigsRequest(
            resources=[
                DescribeConfigsRequest.DescribeConfigsResource(
                    resource_type=int(r.type), resource_name=r.name, configuration_keys=None
                )
                for r in items
            ],
            include_synonyms=synonyms,
            include_documentation=documentation,
        )
        for node, items in groups.items()
    }


def config_entries(response: Any) -> dict[ConfigResource, dict[str, ConfigEntry]]:
    """The configs of each resource in a DescribeConfigs answer (the first failure raised)."""
    out: dict[ConfigResource, dict[str, ConfigEntry]] = {}
    for result in response.results:
        resource = ConfigResource(ConfigResourceType(result.resource_type), result.resource_name)
        if result.error_code:
            raise error_from_code(
                result.error_code,
                f"configs of {resource.type.name.lower()} {resource.name!r}: "
                f"{result.error_message or ''}",
            )
        out[resource] = {c.name: _config_entry(c) for c in result.configs}
    return out


def alter_configs_requests(
    changes: Mapping[ConfigResource, Iterable[tuple[str, AlterConfigOp, str | None]]],
    *,
    validate_only: bool,
) -> dict[int | None, IncrementalAlterConfigsRequest]:
    """One IncrementalAlterConfigs request per broker to ask (``config_node``)."""
    groups: dict[int | None, list[Any]] = {}
    for resource, ops in changes.items():
        entry = IncrementalAlterConfigsRequest.AlterConfigsResource(
            resource_type=int(resource.type),
            resource_name=resource.name,
            configs=[
                IncrementalAlterConfigsRequest.AlterConfigsResource.AlterableConfig(
                    name=name, config_operation=int(op), value=value
                )
                for name, op, value in ops
            ],
        )
        groups.setdefault(config_node(resource), []).append(entry)
    return {
        node: IncrementalAlterConfigsRequest(resources=entries, validate_only=validate_only)
        for node, entries in groups.items()
    }


def check_alter_configs(response: Any) -> None:
    """Raise the first failure of an IncrementalAlterConfigs answer."""
    for result in response.responses:
        if result.error_code:
            raise error_from_code(
                result.error_code,
                f"{result.resource_name!r}: {result.error_message or ''}",
            )


def alter_config_ops(
    to_set: Mapping[str, str] | None,
    delete: Iterable[str],
    append: Mapping[str, str] | None,
    subtract: Mapping[str, str] | None,
) -> list[tuple[str, AlterConfigOp, str | None]]:
    """The (name, operation, value) changes of ``Admin.alter_configs``'s arguments."""
    ops: list[tuple[str, AlterConfigOp, str | None]] = []
    ops += [(k, AlterConfigOp.SET, v) for k, v in (to_set or {}).items()]
    ops += [(k, AlterConfigOp.DELETE, None) for k in delete]
    ops += [(k, AlterConfigOp.APPEND, v) for k, v in (append or {}).items()]
    ops += [(k, AlterConfigOp.SUBTRACT, v) for k, v in (subtract or {}).items()]
    return ops


def _config_entry(c: Any) -> ConfigEntry:
    try:
        source = ConfigSource(c.config_source)
    except ValueError:
        source = ConfigSource.UNKNOWN
    if c.config_source == -1:  # DescribeConfigs v0 has only is_default
        source = ConfigSource.DEFAULT_CONFIG if c.is_default else ConfigSource.UNKNOWN
    synonyms = []
    for s in c.synonyms or ():
        try:
            s_source = ConfigSource(s.source)
        except ValueError:
            s_source = ConfigSource.UNKNOWN
        synonyms.append((s.name, s.value, s_source))
    return ConfigEntry(
        c.name, c.value, source, bool(c.read_only), bool(c.is_sensitive), tuple(synonyms),
        c.documentation,
    )  # fmt: skip
