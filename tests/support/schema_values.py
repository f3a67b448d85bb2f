"""Hypothesis strategies that build any Samsa message at any version, straight from its schema."""

from __future__ import annotations

import random
import uuid
from typing import Any

from hypothesis import strategies as st

from protocol.messages import REQUESTS, RESPONSES, Message, Struct
from protocol.schema.apis import all_messages
from protocol.schema.dsl import Field
from protocol.schema.dsl import Message as MessageDef

INT_RANGES = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
}


def message_class(mdef: MessageDef) -> type[Message]:
    """The generated class of a schema."""
    return (REQUESTS if mdef.kind == "request" else RESPONSES)[mdef.api_key]


def all_versions() -> list[tuple[MessageDef, int]]:
    """Every (schema, version) pair Samsa implements."""
    return [
        (m, v) for m in all_messages() for v in range(m.versions.lo, m.versions.hi + 1)
    ]


def _scalar(type_: str) -> st.SearchStrategy[Any]:
    if type_ in INT_RANGES:
        lo, hi = INT_RANGES[type_]
        return st.integers(lo, hi)
    if type_ == "bool":
        return st.booleans()
    if type_ == "float64":
        return st.floats(allow_nan=False)
    if type_ == "uuid":
        return st.uuids() | st.just(uuid.UUID(int=0))
    if type_ == "string":
        return st.text(max_size=12)
    if type_ in ("bytes", "records"):
        return st.binary(max_size=24)
    raise ValueError(type_)


def _field(fd: Field, parent: type[Struct], version: int, depth: int) -> st.SearchStrategy[Any]:
    el = fd.element_type
    if fd.is_struct:
        element: st.SearchStrategy[Any] = struct_strategy(
            fd.fields or (), getattr(parent, el), version, depth + 1
        )
    else:
        element = _scalar(el)
    value = st.lists(element, max_size=3 if depth < 2 else 2) if fd.is_array else element
    if version in fd.nullable:
        value = st.none() | value
    return value


def struct_strategy(
    fields: tuple[Field, ...], cls: type[Struct], version: int, depth: int = 0
) -> st.SearchStrategy[Any]:
    """Instances of ``cls`` with every field that exists at ``version`` drawn at random."""
    present = {
        fd.name + ("_" if fd.name in ("from", "class") else ""): _field(fd, cls, version, depth)
        for fd in fields
        if version in fd.versions
    }
    return st.fixed_dictionaries(present).map(lambda kw: cls(**kw))


def message_strategy(mdef: MessageDef, version: int) -> st.SearchStrategy[Message]:
    """Random valid instances of a message at one version."""
    return struct_strategy(mdef.fields, message_class(mdef), version)


def present_dict(
    fields: tuple[Field, ...], obj: Struct, version: int, flexible: bool
) -> dict[str, Any]:
    """The fields of ``obj`` that exist at ``version``, as plain values (for oracle checks)."""
    out: dict[str, Any] = {}
    for fd in fields:
        if version not in fd.versions:
            continue
        value = getattr(obj, fd.name)
        if fd.is_struct and value is not None:
            if fd.is_array:
                value = [present_dict(fd.fields or (), e, version, flexible) for e in value]
            else:
                value = present_dict(fd.fields or (), value, version, flexible)
        elif isinstance(value, memoryview | bytearray):
            value = bytes(value)
        out[fd.name] = value
    return out


def random_message(mdef: MessageDef, version: int, rng: random.Random) -> Message:
    """A deterministic pseudo-random message (for fuzzers that need a seedable valid input)."""
    message: Message = _random_struct(mdef.fields, message_class(mdef), version, rng, 0)
    return message


def _random_scalar(type_: str, rng: random.Random) -> Any:
    if type_ in INT_RANGES:
        lo, hi = INT_RANGES[type_]
        return rng.choice([0, 1, -1 if lo < 0 else 2, rng.randint(lo, hi)])
    if type_ == "bool":
        return rng.random() < 0.5
    if type_ == "float64":
        return rng.uniform(-1e6, 1e6)
    if type_ == "uuid":
        return uuid.UUID(int=rng.getrandbits(128))
    if type_ == "string":
        return "".join(rng.choice("abcxyz-._é") for _ in range(rng.randint(0, 8)))
    return rng.randbytes(rng.randint(0, 16))


def _random_struct(
    fields: tuple[Field, ...], cls: type[Any], version: int, rng: random.Random, depth: int
) -> Any:
    kwargs: dict[str, Any] = {}
    for fd in fields:
        if version not in fd.versions:
            continue
        if version in fd.nullable and rng.random() < 0.15:
            kwargs[fd.name] = None
            continue
        el = fd.element_type

        def one(el: str = el, fd: Field = fd) -> Any:
            if fd.is_struct:
                return _random_struct(fd.fields or (), getattr(cls, el), version, rng, depth + 1)
            return _random_scalar(el, rng)

        if fd.is_array:
            kwargs[fd.name] = [one() for _ in range(rng.randint(0, 3 if depth < 2 else 1))]
        else:
            kwargs[fd.name] = one()
    return cls(**kwargs)
