"""Cross-implementation checks: Samsa's codec against kafka-python 3's, an independent one.

For every (API, version) in Samsa's schema set, bytes Samsa encodes decode with kafka-python's
classes to the same values, and bytes kafka-python encodes decode with Samsa's.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.schema_values import all_versions, message_class, message_strategy, present_dict

from protocol.extensions import PRIVATE_API_KEYS
from protocol.schema.dsl import Message as MessageDef

kafka_protocol = pytest.importorskip("kafka.protocol.api_message")


def _kafka_classes() -> dict[tuple[int, str], Any]:
    import importlib
    import pkgutil

    import kafka.protocol as kp

    for info in pkgutil.walk_packages(kp.__path__, "kafka.protocol."):
        if ".old" in info.name or info.name.endswith(("generate_stubs", "parser")):
            continue
        importlib.import_module(info.name)
    found: dict[tuple[int, str], Any] = {}
    stack = list(kafka_protocol.ApiMessage.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if getattr(cls, "_class_version", None) is None and cls.__name__.endswith(
            ("Request", "Response")
        ):
            found[(cls.API_KEY, cls.type)] = cls
    return found


KAFKA = _kafka_classes()
# kafka-python renames a few fields in its own subclasses.
ALIASES = {
    "cluster_authorized_operations": "authorized_operations",
    "topic_authorized_operations": "authorized_operations",
}
# Samsa's private APIs have no Kafka counterpart to agree with, nor the APIs kafka-python does
# not implement (KIP-848's ConsumerGroupHeartbeat and ConsumerGroupDescribe).
CASES = [
    (m, v)
    for m, v in all_versions()
    if m.api_key not in PRIVATE_API_KEYS and (m.api_key, m.kind) in KAFKA
]


def _to_kafka(fields: Any, values: dict[str, Any], make: Any) -> Any:
    """Build kafka-python objects from plain values, following its field tree."""
    kwargs = {}
    for name, value in values.items():
        if name not in fields:
            name = ALIASES[name]
        kf = fields[name]
        if kf.type_str == "bitfield":
            value = None if value == NOT_REQUESTED else _bits(value)
        elif value is not None and kf.is_struct_array():
            value = [_to_kafka(kf.fields, e, kf.data_class) for e in value]
        elif value is not None and kf.is_struct():
            value = _to_kafka(kf.fields, value, kf.data_class)
        kwargs[name] = value
    return make(**kwargs)


# The authorized-operations value meaning "not requested"; kafka-python shows it as None.
NOT_REQUESTED = -(2**31)
ZERO_UUID = uuid.UUID(int=0)


def _bits(value: int) -> set[int]:
    return {i for i in range(32) if (value & 0xFFFFFFFF) >> i & 1}


def _project(expected: Any, actual: Any) -> Any:
    """``actual`` cut down to the keys ``expected`` has (kafka-python fills in every field)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {
            k: _project(v, actual[k] if k in actual else actual.get(ALIASES.get(k, k)))
            for k, v in expected.items()
        }
    if isinstance(expected, list) and isinstance(actual, list):
        return [_project(e, a) for e, a in zip(expected, actual, strict=False)] + actual[
            len(expected) :
        ]
    if actual is None and expected == NOT_REQUESTED:
        return expected
    if actual is None and expected == ZERO_UUID:
        return expected  # kafka-python shows the zero topic id as None
    if isinstance(actual, set) and isinstance(expected, int):
        # kafka-python shows authorized-operation bitfields as sets of bit positions.
        return expected if actual == _bits(expected) else actual
    if isinstance(actual, memoryview | bytearray):
        return bytes(actual)
    return actual


@pytest.mark.parametrize(("mdef", "version"), CASES, ids=[f"{m.name}-v{v}" for m, v in CASES])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_samsa_and_kafka_python_agree(mdef: MessageDef, version: int, data: st.DataObject) -> None:
    kcls = KAFKA[(mdef.api_key, mdef.kind)][version]
    msg = data.draw(message_strategy(mdef, version))
    if mdef.name == "ApiVersionsResponse" and version > 0:
        # With an error, an ApiVersions response body is read as v0 (the downgrade rule),
        # which kafka-python applies in its decoder; that case has its own byte-exact test.
        msg.error_code = 0  # type: ignore[attr-defined]
    flexible = message_class(mdef).is_flexible(version)
    expected = present_dict(mdef.fields, msg, version, flexible)

    ours = msg.encode(version)
    theirs_decoded = kcls.decode(ours)
    assert _project(expected, theirs_decoded.to_dict(json=False)) == expected

    theirs = bytes(_to_kafka(kcls._struct.fields, expected, kcls).encode())
    assert message_class(mdef).decode(theirs, version) == msg
    assert theirs == ours
