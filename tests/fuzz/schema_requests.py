"""Valid requests of every served API at every served version, built from the schemas.

Values are drawn field by field from each message's schema (``protocol/schema``), seeded, and
biased by the field's name towards what reaches deep into the broker: topics and groups that
exist, small partitions and offsets, short timeouts (a long poll would idle a fuzzing
connection), honest record batches. Anything else is drawn from the field's whole range.

``RequestFactory.layout`` gives a built request's *layout*: where every array count, string
and bytes length, integer and tagged-field section sits in the encoded body, found by a walker
that encodes the message again beside the codec. Targeted mutations ("set this array count to
2^31-1") need it; when the walker and the codec disagree there is no layout and only blind
mutations apply (``RequestFactory.layout_mismatches`` counts such cases).
"""

from __future__ import annotations

import keyword
import random
import struct
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from protocol.messages import REQUESTS, Message
from protocol.primitives import write_array_length, write_bytes, write_string, write_uvarint
from protocol.records import Compression, RecordBatchBuilder
from protocol.schema.apis import all_messages
from protocol.schema.dsl import Field
from protocol.schema.dsl import Message as MessageDef

__all__ = [
    "BuiltRequest",
    "RequestFactory",
    "Spot",
    "Vocabulary",
    "honest_batch",
]

#: Elements per array at the top levels and deeper down: enough to exercise loops, few enough
#: that a request stays small (the broker's work per request is what is being fuzzed).
MAX_TOP_ARRAY_ELEMENTS: Final = 3
MAX_NESTED_ARRAY_ELEMENTS: Final = 2
#: Records per honest batch, and the largest value in one (bytes).
MAX_HONEST_RECORDS: Final = 5
MAX_HONEST_VALUE_BYTES: Final = 64

_INT_RANGES: Final = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
}
_FIXED: Final = {
    "int8": struct.Struct(">b"),
    "int16": struct.Struct(">h"),
    "int32": struct.Struct(">i"),
    "int64": struct.Struct(">q"),
    "uint16": struct.Struct(">H"),
    "uint32": struct.Struct(">I"),
    "float64": struct.Struct(">d"),
    "bool": struct.Struct(">?"),
}
_ALPHABET: Final = "abcxyz-._é"
_COMPRESSIONS: Final = tuple(Compression)


@dataclass(frozen=True)
class Vocabulary:
    """Names the generator prefers: existing topics and groups, and a few that do not exist.

    Topics that the fuzzer must keep (the canary, the probe targets) are never in here, so no
    generated DeleteTopics, DeleteRecords or AlterConfigs touches them.
    """

    topics: tuple[str, ...]
    groups: tuple[str, ...]
    config_names: tuple[str, ...] = (
        "cleanup.policy",
        "retention.ms",
        "retention.bytes",
        "max.message.bytes",
        "compression.type",
        "min.insync.replicas",
        "message.timestamp.type",
        "unclean.leader.election.enable",
    )
    config_values: tuple[str, ...] = (
        "1",
        "0",
        "-1",
        "delete",
        "compact",
        "compact,delete",
        "producer",
        "gzip",
        "1048576",
        "LogAppendTime",
        "9999999999999999999999",
        "true",
    )


@dataclass(frozen=True)
class Spot:
    """One field in an encoded body: where it starts, how many bytes it takes, what it is.

    ``kind`` is an integer type (``int8`` ... ``uint32``), ``array``, ``string``, ``bytes``
    (records too) or ``tags`` (a flexible struct's tagged-field count); ``compact`` says whether
    a length is an unsigned varint (flexible versions) or a fixed int16/int32.
    """

    offset: int
    size: int
    kind: str
    compact: bool


@dataclass(frozen=True)
class BuiltRequest:
    """A valid request: its API and version, the message and its encoded body."""

    api_key: int
    version: int
    body: Message
    body_bytes: bytes
    #: Whether the broker answers it at all (acks=0 produces get no response).
    answered: bool


class _LayoutMismatch(Exception):
    """The walker cannot mirror the codec for this message (so no layout)."""


def honest_batch(rng: random.Random, *, max_records: int = MAX_HONEST_RECORDS) -> bytes:
    """A well-formed v2 batch of a few small records, in a random codec."""
    builder = RecordBatchBuilder(compression=rng.choice(_COMPRESSIONS))
    now_ms = int(time.time() * 1000)
    for i in range(rng.randint(1, max_records)):
        key = None if rng.random() < 0.5 else b"k%d" % rng.randrange(8)
        value = rng.randbytes(rng.randint(0, MAX_HONEST_VALUE_BYTES))
        builder.append(value, key=key, timestamp_ms=now_ms + i)
    return builder.build()


def _attr(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def _request_defs() -> dict[int, MessageDef]:
    return {m.api_key: m for m in all_messages() if m.kind == "request"}


class RequestFactory:
    """Seeded valid requests of the served APIs (``(api_key, min, max)`` from ApiVersions)."""

    def __init__(self, served: Sequence[tuple[int, int, int]], vocabulary: Vocabulary) -> None:
        defs = _request_defs()
        self.vocabulary = vocabulary
        #: Every (api_key, version) to draw from; APIs without a schema are left out (and
        #: listed in ``unschematised``).
        self.versions: list[tuple[int, int]] = []
        self.unschematised: list[int] = []
        self._defs: dict[int, MessageDef] = {}
        for key, lo, hi in served:
            mdef = defs.get(key)
            if mdef is None or key not in REQUESTS:
                self.unschematised.append(key)
                continue
            self._defs[key] = mdef
            self.versions.extend((key, v) for v in range(lo, hi + 1))
        self.layout_mismatches = 0

    def build(self, rng: random.Random, api: tuple[int, int] | None = None) -> BuiltRequest:
        """A random valid request (of ``api`` = ``(key, version)`` if given)."""
        key, version = api if api is not None else rng.choice(self.versions)
        mdef = self._defs[key]
        cls = REQUESTS[key]
        body = self._struct(mdef.fields, cls, version, rng, 0, mdef.name)
        assert isinstance(body, Message)
        answered = not (key == 0 and getattr(body, "acks", 1) == 0)
        return BuiltRequest(key, version, body, body.encode(version), answered)

    def layout(self, built: BuiltRequest) -> tuple[Spot, ...] | None:
        """Where each length, count, integer and tagged-field section of ``built``'s body is;
        None (and counted in ``layout_mismatches``) if the walker disagrees with the codec."""
        mdef = self._defs[built.api_key]
        try:
            walked = bytearray()
            found: list[Spot] = []
            _walk(
                mdef.fields,
                built.body,
                built.version,
                built.version in mdef.flexible,
                walked,
                found,
            )
            if bytes(walked) != built.body_bytes:
                raise _LayoutMismatch(mdef.name)
        except _LayoutMismatch:
            self.layout_mismatches += 1
            return None
        return tuple(found)

    # -- values ------------------------------------------------------------------------------

    def _struct(
        self,
        fields: tuple[Field, ...],
        cls: type[Any],
        version: int,
        rng: random.Random,
        depth: int,
        context: str,
    ) -> Any:
        kwargs: dict[str, Any] = {}
        for fd in fields:
            if version not in fd.versions:
                continue
            if version in fd.nullable and rng.random() < 0.1:
                kwargs[_attr(fd.name)] = None
                continue
            if fd.is_array:
                limit = MAX_TOP_ARRAY_ELEMENTS if depth < 2 else MAX_NESTED_ARRAY_ELEMENTS
                count = rng.randint(1 if fd.is_struct and depth == 0 else 0, limit)
                kwargs[_attr(fd.name)] = [
                    self._element(fd, cls, version, rng, depth, context) for _ in range(count)
                ]
            else:
                kwargs[_attr(fd.name)] = self._element(fd, cls, version, rng, depth, context)
        return cls(**kwargs)

    def _element(
        self,
        fd: Field,
        cls: type[Any],
        version: int,
        rng: random.Random,
        depth: int,
        context: str,
    ) -> Any:
        el = fd.element_type
        if fd.is_struct:
            return self._struct(fd.fields or (), getattr(cls, el), version, rng, depth + 1, el)
        if el == "string":
            return self._string(fd.name, context, rng)
        if el in ("bytes", "records"):
            return self._bytes(fd.name, rng)
        if el in _INT_RANGES:
            return self._int(fd.name, el, rng)
        if el == "bool":
            return rng.random() < 0.5
        if el == "float64":
            return rng.uniform(-1e6, 1e6)
        if el == "uuid":
            return uuid.UUID(int=0 if rng.random() < 0.5 else rng.getrandbits(128))
        raise ValueError(f"no generator for type {el!r}")

    def _string(self, name: str, context: str, rng: random.Random) -> str:
        vocab = self.vocabulary
        biased = rng.random() < 0.8
        if biased:
            if name in ("key", "group_id", "groups", "groups_names"):
                return rng.choice(vocab.groups)
            if name in ("value",):
                return rng.choice(vocab.config_values)
            if name in ("configuration_keys",) or (name == "name" and "Config" in context):
                return rng.choice(vocab.config_names)
            if name == "name" and "Protocol" in context:
                return rng.choice(("range", "roundrobin", "cooperative-sticky"))
            if name in ("name", "topic", "topic_names", "resource_name"):
                extra = ("", "1") if name == "resource_name" else ()
                return rng.choice(vocab.topics + extra)
            if name == "protocol_type":
                return "consumer"
            if name == "client_software_name":
                return rng.choice(("samsa-python", "fuzz", "bad name!"))
            if name == "client_software_version":
                return rng.choice(("1.0", "0.0.1-a", ""))
            if name in ("member_id", "group_instance_id"):
                return rng.choice(("", f"fz-member-{rng.randrange(4)}"))
            if name == "committed_metadata" and rng.random() < 0.2:
                return "m" * rng.choice((4096, 4097, 20_000))
            if name in ("states_filter", "types_filter"):
                return rng.choice(("Stable", "Empty", "Dead", "consumer", "classic"))
        return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 8)))

    def _bytes(self, name: str, rng: random.Random) -> bytes:
        if name == "records":
            roll = rng.random()
            if roll < 0.7:
                return honest_batch(rng)
            if roll < 0.8:
                return honest_batch(rng) + honest_batch(rng)
            return rng.randbytes(rng.randint(0, 80))
        return rng.randbytes(rng.randint(0, 16))

    def _int(self, name: str, type_: str, rng: random.Random) -> int:
        lo, hi = _INT_RANGES[type_]
        if name.endswith("timeout_ms") or name == "max_wait_ms":
            # Never long: a parked request idles its worker (mutations still make them long).
            return rng.choice((0, 10, 100, 500) if "session" not in name else (6000, 10_000, 0))
        wild = rng.randint(lo, hi)
        if rng.random() < 0.1:
            return rng.choice((0, 1, -1 if lo < 0 else 2, wild))
        choices: tuple[int, ...]
        if name == "acks":
            choices = (-1, -1, 1, 1, 0)
        elif name in ("partition", "partition_index", "index", "partition_indexes", "partitions"):
            choices = (0, 0, 0, 1, 2, -1)
        elif name in ("num_partitions", "count"):
            choices = (1, 2, 3, -1, 0)
        elif name == "replication_factor":
            choices = (-1, 1, 3)
        elif name == "replica_id":
            choices = (-1, -1, 0, 1)
        elif name == "broker_ids":
            choices = (1, 1, 2, -1)
        elif "offset" in name:
            choices = (0, 1, -1, -2, rng.randrange(100))
        elif name == "timestamp":
            choices = (-1, -2, -3, 0, int(time.time() * 1000))
        elif name.endswith("bytes"):
            choices = (0, 1, 1024, 1 << 20)
        elif "epoch" in name or name.startswith("generation_id") or name == "producer_id":
            choices = (-1, 0, 1)
        elif name in ("session_id", "session_epoch"):
            choices = (0, -1)
        elif name == "resource_type":
            choices = (2, 2, 4)
        elif name in ("isolation_level", "key_type"):
            choices = (0, 1)
        elif name == "config_operation":
            choices = (0, 1, 2, 3)
        elif name == "endpoint_type":
            choices = (1, 2)
        else:
            choices = (0, 1, -1 if lo < 0 else 2, wild)
        return max(lo, min(hi, rng.choice(choices)))


# -- layout ----------------------------------------------------------------------------------


def _walk(
    fields: tuple[Field, ...],
    obj: Any,
    version: int,
    flexible: bool,
    out: bytearray,
    spots: list[Spot],
) -> None:
    """Encode ``obj`` as the codec does, recording a ``Spot`` for every length and integer."""
    for fd in fields:
        if version not in fd.versions:
            continue
        if flexible and fd.tag is not None and version in fd.tagged:
            raise _LayoutMismatch(f"tagged field {fd.name}")
        value = getattr(obj, _attr(fd.name))
        if fd.is_array:
            start = len(out)
            write_array_length(out, None if value is None else len(value), compact=flexible)
            spots.append(Spot(start, len(out) - start, "array", flexible))
            for element in value or ():
                _walk_value(fd, element, version, flexible, out, spots)
        elif fd.is_struct and version in fd.nullable:
            if value is None:
                out.append(0xFF)
                continue
            out.append(1)
            _walk_value(fd, value, version, flexible, out, spots)
        else:
            _walk_value(fd, value, version, flexible, out, spots)
    if flexible:
        spots.append(Spot(len(out), 1, "tags", True))
        out.append(0)


def _walk_value(
    fd: Field, value: Any, version: int, flexible: bool, out: bytearray, spots: list[Spot]
) -> None:
    el = fd.element_type
    start = len(out)
    if fd.is_struct:
        _walk(fd.fields or (), value, version, flexible, out, spots)
        return
    if el in _FIXED:
        out += _FIXED[el].pack(value)
        if el in _INT_RANGES:
            spots.append(Spot(start, len(out) - start, el, False))
        return
    if el == "uuid":
        out += value.bytes
        return
    if el == "string":
        write_string(out, value, compact=flexible)
        head = len(out) - start - (0 if value is None else len(value.encode()))
        spots.append(Spot(start, head, "string", flexible))
        return
    if el in ("bytes", "records"):
        data = None if value is None else bytes(value)
        write_bytes(out, data, compact=flexible)
        head = len(out) - start - (0 if data is None else len(data))
        spots.append(Spot(start, head, "bytes", flexible))
        return
    raise _LayoutMismatch(f"type {el}")


def encode_uvarint(n: int) -> bytes:
    """An unsigned varint as bytes."""
    out = bytearray()
    write_uvarint(out, n)
    return bytes(out)
