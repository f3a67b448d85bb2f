"""Pure planner for config changes: AlterConfigs and IncrementalAlterConfigs.

``plan_alter_configs`` takes the image, the changes and the topic defaults, and returns one
result per resource plus the ``ConfigRecord``s (a None value deletes a setting) that make the
valid changes. Topic resources must exist and take only topic configs with valid values; broker
resources (``""`` for the cluster default, or a registered broker's id) take only the settings
Kafka lets change dynamically. APPEND and SUBTRACT apply to list settings only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from broker.metadata.controller_api import (
    AlterConfigOp,
    ConfigResourceChange,
    OpResult,
    Rejected,
)
from broker.metadata.image import BROKER_RESOURCE, TOPIC_RESOURCE, MetadataImage
from broker.metadata.records import ConfigRecord, MetadataRecord
from broker.metadata.topic_configs import (
    TOPIC_CONFIGS,
    ConfigType,
    ResolvedConfig,
    validate_broker_dynamic,
    validate_topic_overrides,
)
from protocol.errors import ErrorCode, KafkaError

__all__ = ["plan_alter_configs"]


def plan_alter_configs(
    image: MetadataImage,
    changes: Sequence[ConfigResourceChange],
    node_id: int,
    defaults: Mapping[str, ResolvedConfig],
) -> tuple[list[OpResult], list[MetadataRecord]]:
    """One result per change, in order, and the records making the valid ones."""
    keys = [(c.resource_type, c.resource_name) for c in changes]
    results: list[OpResult] = []
    records: list[MetadataRecord] = []
    for change in changes:
        result = OpResult(change.resource_name)
        results.append(result)
        try:
            if keys.count((change.resource_type, change.resource_name)) > 1:
                raise Rejected(ErrorCode.INVALID_REQUEST, "Duplicate resource in the request")
            records.extend(_plan_change(image, change, node_id, defaults))
        except Rejected as rej:
            result.error = rej.code
            result.message = rej.message
    return results, records


def _plan_change(
    image: MetadataImage,
    change: ConfigResourceChange,
    node_id: int,
    defaults: Mapping[str, ResolvedConfig],
) -> list[ConfigRecord]:
    rtype, rname = change.resource_type, change.resource_name
    if rtype == TOPIC_RESOURCE:
        if image.topic(rname) is None:
            raise Rejected(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, f"Topic {rname} does not exist.")
    elif rtype == BROKER_RESOURCE:
        known = {str(b) for b in image.brokers} | {str(node_id)}
        if rname not in ("", *known):
            raise Rejected(ErrorCode.INVALID_REQUEST, f"Unexpected broker id {rname}")
    else:
        raise Rejected(ErrorCode.INVALID_REQUEST, f"Unsupported resource type {rtype} for configs")
    current = dict(image.config(rtype, rname))
    updated: dict[str, str] = {} if change.replace else dict(current)
    for name, op, value in change.ops:
        if op == AlterConfigOp.SET:
            if value is None:
                if rtype == TOPIC_RESOURCE:
                    raise Rejected(
                        ErrorCode.INVALID_CONFIG,
                        f"Null value not supported for topic configs: {name}",
                    )
                updated.pop(name, None)
            else:
                updated[name] = value
        elif op == AlterConfigOp.DELETE:
            updated.pop(name, None)
        elif op in (AlterConfigOp.APPEND, AlterConfigOp.SUBTRACT):
            updated[name] = _list_op(rtype, name, op, value, updated, defaults)
        else:
            raise Rejected(ErrorCode.INVALID_REQUEST, f"Unknown config operation {op}")
    try:
        if rtype == TOPIC_RESOURCE:
            updated = validate_topic_overrides(defaults, updated)
        else:
            for name, value in updated.items():
                if current.get(name) != value:
                    validate_broker_dynamic(name, value)
            for name in current.keys() - updated.keys():
                validate_broker_dynamic(name, None)
    except KafkaError as exc:
        code = exc.code
        if "dynamically" in (exc.message or ""):
            code = ErrorCode.INVALID_REQUEST
        raise Rejected(code, exc.message or str(exc)) from None
    records = [
        ConfigRecord(rtype, rname, name, value)
        for name, value in sorted(updated.items())
        if current.get(name) != value
    ]
    records += [ConfigRecord(rtype, rname, name, None) for name in sorted(current.keys() - updated)]
    return records


def _list_op(
    rtype: int,
    name: str,
    op: int,
    value: str | None,
    updated: Mapping[str, str],
    defaults: Mapping[str, ResolvedConfig],
) -> str:
    if rtype == TOPIC_RESOURCE:
        d = TOPIC_CONFIGS.get(name)
        is_list = d is not None and d.type == ConfigType.LIST
        base = updated.get(name)
        if base is None and d is not None:
            base = defaults[name].value
    else:
        is_list = False
        base = updated.get(name)
    if not is_list:
        verb = "append" if op == AlterConfigOp.APPEND else "subtract"
        raise Rejected(
            ErrorCode.INVALID_CONFIG,
            f"Config value {verb} is not allowed for config key: {name}",
        )
    items = [v for v in (base or "").split(",") if v]
    given = [v.strip() for v in (value or "").split(",") if v.strip()]
    if op == AlterConfigOp.APPEND:
        items += [v for v in given if v not in items]
    else:
        items = [v for v in items if v not in given]
    return ",".join(items)
