"""What one fuzzing step sends: valid requests, mutated ones, random frames, length-prefix and
header attacks, half-sent frames and Produce requests carrying hostile record batches.

Each generator returns an ``Action``: the bytes to write, what the broker owes in return (for
valid requests), and how the step ends (a sentinel request whose answer proves everything
before it was read, or a close, or a stall). Everything is drawn from the caller's seeded
``random.Random``, so a worker's sequence of actions is fixed by the run's seed.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from fuzz.batches import HostileBatch, hostile_batch, real_bomb
from fuzz.schema_requests import BuiltRequest, RequestFactory, Spot, encode_uvarint
from protocol.errors import ProtocolError
from protocol.headers import RequestHeader, decode_request_header, request_header_version
from protocol.messages import (
    REQUESTS,
    CreatePartitionsRequest,
    CreateTopicsRequest,
    Message,
    ProduceRequest,
)

__all__ = [
    "ACTION_WEIGHTS",
    "Action",
    "ActionContext",
    "Expected",
    "Finish",
    "choose_action",
    "request_frame",
    "sentinel_frame",
]

CLIENT_ID: Final = "samsa-wire-fuzz"
#: The sentinel is ApiVersions v0: every broker answers it, with a small fixed-shape body.
SENTINEL_API_KEY: Final = 18
#: Junk appended by the "extend" mutation, at most (bytes).
MAX_JUNK_BYTES: Final = 4096
#: Size of purely random frames, at most (bytes).
MAX_RANDOM_FRAME_BYTES: Final = 1024
#: Partitions a generated CreateTopics or CreatePartitions may ask for, at most: mutations
#: that would create more are redrawn, so that the broker's memory grows with what was sent,
#: not with partitions a mutated admin request created (each costs files and memory).
MAX_CREATED_PARTITIONS: Final = 8
#: Valid requests pipelined in one step, at most (one round trip for several frames).
MAX_PIPELINED: Final = 8

Finish = Literal["sentinel", "close", "stall", "trickle"]

#: Relative weights of the step kinds (the long run and CI alike).
ACTION_WEIGHTS: Final[dict[str, int]] = {
    "valid": 30,
    "mutated": 34,
    "random": 6,
    "header": 8,
    "length": 7,
    "half-sent": 5,
    "probe": 10,
}


@dataclass(frozen=True)
class Expected:
    """A response the broker owes: to this correlation id, of this API and version."""

    correlation_id: int
    api_key: int
    version: int


@dataclass
class Action:
    """One step: bytes to write and what should come back."""

    kind: str
    chunks: list[bytes]
    finish: Finish = "sentinel"
    #: Responses owed (valid requests only; empty when nothing is known).
    expected: list[Expected] = field(default_factory=list)
    #: Whether every frame is a valid request (then closing the connection is a bug, unless
    #: ``may_close``: an acks=0 produce that fails closes by Kafka's rule).
    all_valid: bool = False
    may_close: bool = False
    probe: HostileBatch | None = None
    probe_correlation_id: int | None = None
    #: Attack frames this step counts as (a half-sent frame is one).
    frames: int = 1


@dataclass
class ActionContext:
    """What generators need: the request factory, the served APIs, the frame limit and the
    probe topics, plus the connection's correlation ids."""

    factory: RequestFactory
    served: dict[int, tuple[int, int]]
    max_frame_bytes: int
    probe_topics: Sequence[str]
    heavy_probes: bool
    next_correlation: Callable[[], int]
    #: The next probe carries real bomb number ``pending_bomb`` (each worker's first probe
    #: does, so that every run sends each kind however short it is); None after.
    pending_bomb: int | None = None


def request_frame(
    api_key: int,
    version: int,
    correlation_id: int,
    body: bytes,
    *,
    header_version: int | None = None,
) -> bytes:
    """A size-prefixed request frame (header v1, or v2 for flexible versions)."""
    out = bytearray()
    hv = request_header_version(api_key, version) if header_version is None else header_version
    RequestHeader(api_key, version, correlation_id, CLIENT_ID).encode_into(out, hv)
    out += body
    return struct.pack(">i", len(out)) + bytes(out)


def sentinel_frame(correlation_id: int) -> bytes:
    """ApiVersions v0, empty body."""
    return request_frame(SENTINEL_API_KEY, 0, correlation_id, b"")


def _header_size(api_key: int, version: int) -> int:
    return len(request_frame(api_key, version, 0, b"")) - 4


def choose_action(rng: random.Random, ctx: ActionContext) -> Action:
    """One step, its kind drawn by ``ACTION_WEIGHTS``."""
    kind = rng.choices(list(ACTION_WEIGHTS), weights=list(ACTION_WEIGHTS.values()))[0]
    return _GENERATORS[kind](rng, ctx)


def _build(rng: random.Random, ctx: ActionContext) -> BuiltRequest:
    """A valid request that creates nothing outside the fuzzer's vocabulary."""
    while True:
        built = ctx.factory.build(rng)
        if not body_creates_too_much(built.body, ctx.factory.vocabulary.topics):
            return built


# -- valid -----------------------------------------------------------------------------------


def _valid(rng: random.Random, ctx: ActionContext) -> Action:
    chunks: list[bytes] = []
    expected: list[Expected] = []
    may_close = False
    for _ in range(rng.randint(1, MAX_PIPELINED)):
        built = _build(rng, ctx)
        corr = ctx.next_correlation()
        chunks.append(request_frame(built.api_key, built.version, corr, built.body_bytes))
        if built.answered:
            expected.append(Expected(corr, built.api_key, built.version))
        else:
            may_close = True
    return Action(
        "valid", chunks, expected=expected, all_valid=True, may_close=may_close, frames=len(chunks)
    )


# -- mutated ---------------------------------------------------------------------------------

_MUTATIONS: Final = (
    "bitflip",
    "insert",
    "delete",
    "truncate",
    "extend",
    "extreme",
    "extreme",
    "api-key",
    "version",
    "correlation-id",
)


def _mutated(rng: random.Random, ctx: ActionContext) -> Action:
    for _ in range(8):
        built = _build(rng, ctx)
        corr = ctx.next_correlation()
        frame = request_frame(built.api_key, built.version, corr, built.body_bytes)
        payload = bytearray(frame[4:])
        mutation = rng.choice(_MUTATIONS)
        header_size = _header_size(built.api_key, built.version)
        _mutate(rng, ctx, mutation, payload, built, header_size)
        if not _creates_too_much(payload, ctx.factory.vocabulary.topics):
            return Action(f"mutated:{mutation}", [struct.pack(">i", len(payload)) + payload])
    return _valid(rng, ctx)


def _mutate(
    rng: random.Random,
    ctx: ActionContext,
    mutation: str,
    payload: bytearray,
    built: BuiltRequest,
    header_size: int,
) -> None:
    n = len(payload)
    if mutation == "bitflip":
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(n)
            payload[pos] ^= 1 << rng.randrange(8)
    elif mutation == "insert":
        pos = rng.randint(0, n)
        payload[pos:pos] = rng.randbytes(rng.randint(1, 16))
    elif mutation == "delete":
        pos = rng.randrange(n)
        del payload[pos : pos + rng.randint(1, 16)]
    elif mutation == "truncate":
        del payload[rng.randrange(n) :]
    elif mutation == "extend":
        payload += rng.randbytes(rng.randint(1, MAX_JUNK_BYTES))
    elif mutation == "extreme":
        spots = ctx.factory.layout(built)
        if not spots:
            payload[rng.randrange(n)] ^= 0xFF
            return
        spot = rng.choice(spots)
        at = header_size + spot.offset
        payload[at : at + spot.size] = _extreme(rng, spot)
    elif mutation == "api-key":
        keys = [k for k in ctx.served if k != built.api_key]
        key = rng.choice(keys) if rng.random() < 0.8 else rng.randint(-(2**15), 2**15 - 1)
        struct.pack_into(">h", payload, 0, key)
    elif mutation == "version":
        lo, hi = ctx.served[built.api_key]
        version = rng.choice((lo - 1, hi + 1, -1, 2**15 - 1, rng.randint(lo, hi), hi + 10))
        struct.pack_into(">h", payload, 2, version)
    elif mutation == "correlation-id":
        struct.pack_into(">i", payload, 4, rng.choice((-1, 0, 2**31 - 1, -(2**31))))


def _extreme(rng: random.Random, spot: Spot) -> bytes:
    """Bytes that replace a field's length, count or value with an extreme."""
    huge_varints = (
        encode_uvarint(0),  # null (compact: length + 1 = 0)
        encode_uvarint(2**32 - 1),
        encode_uvarint(2**31),
        encode_uvarint(rng.randint(2, 2**20)),
        b"\xff\xff\xff\xff\xff\x01",  # six bytes: longer than any varint
        b"\x80\x80\x80\x80\x80",  # continuation bits up to the end of the field
    )
    if spot.kind == "tags":
        return rng.choice(
            (
                encode_uvarint(2**31),
                encode_uvarint(1),  # one tagged field announced, none follows
                encode_uvarint(1) + encode_uvarint(0) + encode_uvarint(2**20),  # size lies
                encode_uvarint(2) + b"\x00\x01x\x00\x01y",  # duplicate tag 0
                b"\xff\xff\xff\xff\xff\x0f",
            )
        )
    if spot.compact and spot.kind in ("array", "string", "bytes"):
        return rng.choice(huge_varints)
    if spot.kind == "array":
        return struct.pack(">i", rng.choice((-1, -2, 2**31 - 1, 2**31 - 2, 65_536, -(2**31))))
    if spot.kind == "string":
        return struct.pack(">h", rng.choice((-1, -2, 2**15 - 1, -(2**15), 1000)))
    if spot.kind == "bytes":
        return struct.pack(">i", rng.choice((-1, -2, 2**31 - 1, -(2**31), 1 << 24)))
    fmt = {
        "int8": ">b",
        "int16": ">h",
        "int32": ">i",
        "int64": ">q",
        "uint16": ">H",
        "uint32": ">I",
    }[spot.kind]
    bits = struct.calcsize(fmt) * 8
    if spot.kind.startswith("uint"):
        return struct.pack(fmt, rng.choice((0, 2**bits - 1, 2 ** (bits - 1))))
    return struct.pack(fmt, rng.choice((-1, 0, 2 ** (bits - 1) - 1, -(2 ** (bits - 1)))))


def _creates_too_much(payload: bytearray, allowed: Sequence[str]) -> bool:
    """Whether a (mutated) request would create topics outside ``allowed`` or more than
    ``MAX_CREATED_PARTITIONS`` partitions, were the broker to accept it."""
    if len(payload) < 4:
        return False
    api_key, version = struct.unpack_from(">hh", payload, 0)
    if api_key not in (19, 37) or not REQUESTS[api_key].supports(version):
        return False
    try:
        frame = memoryview(bytes(payload))
        _, pos, _known = decode_request_header(frame)
        body = REQUESTS[api_key].decode(frame, version, pos)
    except (ProtocolError, ValueError, IndexError, struct.error):
        return False
    return body_creates_too_much(body, allowed)


def body_creates_too_much(body: Message, allowed: Sequence[str]) -> bool:
    """Whether a CreateTopics or CreatePartitions body asks for more than the fuzzer allows."""
    if isinstance(body, CreateTopicsRequest):
        return any(
            t.num_partitions > MAX_CREATED_PARTITIONS
            or len(t.assignments) > MAX_CREATED_PARTITIONS
            or t.name not in allowed
            for t in body.topics
        )
    if isinstance(body, CreatePartitionsRequest):
        return any(t.count > MAX_CREATED_PARTITIONS for t in body.topics)
    return False


# -- random frames ---------------------------------------------------------------------------


def _random(rng: random.Random, ctx: ActionContext) -> Action:
    if rng.random() < 0.5:
        payload = rng.randbytes(rng.randint(0, MAX_RANDOM_FRAME_BYTES))
        return Action("random:bytes", [struct.pack(">i", len(payload)) + payload])
    key = rng.choice(list(ctx.served))
    lo, hi = ctx.served[key]
    body = rng.randbytes(rng.randint(0, MAX_RANDOM_FRAME_BYTES))
    frame = request_frame(key, rng.randint(lo, hi), ctx.next_correlation(), body)
    if _creates_too_much(bytearray(frame[4:]), ctx.factory.vocabulary.topics):
        return _valid(rng, ctx)
    return Action("random:body", [frame])


# -- length prefix ---------------------------------------------------------------------------


def _length(rng: random.Random, ctx: ActionContext) -> Action:
    built = _build(rng, ctx)
    frame = request_frame(built.api_key, built.version, ctx.next_correlation(), built.body_bytes)
    payload = frame[4:]
    variant = rng.choice(
        (
            "negative",
            "zero",
            "huge",
            "over-limit",
            "larger-than-sent",
            "larger-than-sent",
            "smaller-than-sent",
        )
    )
    if variant == "negative":
        size = rng.choice((-1, -(2**31), -rng.randint(2, 2**31 - 1)))
        return Action("length:negative", [struct.pack(">i", size) + payload[: rng.randint(0, 64)]])
    if variant == "zero":
        return Action("length:zero", [struct.pack(">i", 0)])
    if variant == "huge":
        return Action("length:huge", [struct.pack(">i", 2**31 - 1) + payload])
    if variant == "over-limit":
        size = ctx.max_frame_bytes + rng.choice((1, 2, 4096))
        return Action("length:over-limit", [struct.pack(">i", size) + payload])
    if variant == "larger-than-sent":
        # A claim the limit allows, but the bytes never come: the broker must not reserve
        # memory for what it has not received. Ends in a stall or a close. Mostly the
        # largest claim the limit allows, held: what an attacker would send.
        claim = (
            ctx.max_frame_bytes
            if rng.random() < 0.8
            else rng.randint(len(payload) + 1, ctx.max_frame_bytes)
        )
        finish: Finish = "stall" if rng.random() < 0.8 else "close"
        return Action("length:larger-than-sent", [struct.pack(">i", claim) + payload], finish)
    cut = rng.randint(0, len(payload) - 1)
    return Action("length:smaller-than-sent", [struct.pack(">i", cut) + payload])


# -- header ----------------------------------------------------------------------------------


def _header(rng: random.Random, ctx: ActionContext) -> Action:
    built = _build(rng, ctx)
    key, version = built.api_key, built.version
    corr = ctx.next_correlation()
    fixed = struct.pack(">hhi", key, version, corr)
    flexible = REQUESTS[key].is_flexible(version)
    variant = rng.choice(
        (
            "client-id-overrun",
            "client-id-negative",
            "client-id-null",
            "unknown-api-key",
            "unserved-api",
            "version-out-of-range",
            "truncated",
            "tags-lie",
            "tags-unknown",
            "tags-missing",
        )
    )
    tags = b"\x00" if flexible else b""
    if variant == "client-id-overrun":
        payload = fixed + struct.pack(">h", rng.choice((2**15 - 1, 200, 40))) + b"x" * 3
    elif variant == "client-id-negative":
        payload = fixed + struct.pack(">h", rng.randint(-(2**15), -2)) + tags + built.body_bytes
    elif variant == "client-id-null":
        # Null client ids are legal: the request must be answered as usual.
        payload = fixed + struct.pack(">h", -1) + tags + built.body_bytes
        return Action(
            "header:client-id-null",
            [struct.pack(">i", len(payload)) + payload],
            expected=[Expected(corr, key, version)] if built.answered else [],
            all_valid=True,
            may_close=not built.answered,
        )
    elif variant in ("unknown-api-key", "unserved-api"):
        if variant == "unserved-api":
            pool = [k for k in REQUESTS if k not in ctx.served] or [9999]
            other = rng.choice(pool)
        else:
            other = rng.choice((-1, 9999, 2**15 - 1, -(2**15), rng.randint(100, 31_999)))
        payload = struct.pack(">hhi", other, rng.randint(0, 12), corr) + struct.pack(">h", 1)
        payload += b"x" + built.body_bytes
    elif variant == "version-out-of-range":
        lo, hi = ctx.served[key]
        bad = rng.choice((hi + 1, hi + 50, lo - 1, -1, 2**15 - 1))
        payload = struct.pack(">hhi", key, bad, corr) + struct.pack(">h", 1) + b"x"
        payload += tags + built.body_bytes
    elif variant == "truncated":
        payload = (fixed + struct.pack(">h", 4) + b"abcd")[: rng.randint(0, 9)]
    elif not flexible:
        # The tagged-field variants need a flexible version: find one.
        flexible_apis = [(k, v) for k, v in ctx.factory.versions if REQUESTS[k].is_flexible(v)]
        built = ctx.factory.build(rng, rng.choice(flexible_apis))
        return _header_tags(rng, ctx, built, variant)
    else:
        return _header_tags(rng, ctx, built, variant)
    return Action(f"header:{variant}", [struct.pack(">i", len(payload)) + payload])


def _header_tags(
    rng: random.Random, ctx: ActionContext, built: BuiltRequest, variant: str
) -> Action:
    corr = ctx.next_correlation()
    head = struct.pack(">hhi", built.api_key, built.version, corr) + struct.pack(">h", 1) + b"x"
    if variant == "tags-unknown":
        # Unknown tagged fields in the header must be skipped and the request answered.
        tag_data = rng.randbytes(rng.randint(0, 8))
        tags = (
            encode_uvarint(1)
            + encode_uvarint(rng.randint(0, 2**16))
            + encode_uvarint(len(tag_data))
            + tag_data
        )
        payload = head + tags + built.body_bytes
        return Action(
            "header:tags-unknown",
            [struct.pack(">i", len(payload)) + payload],
            expected=[Expected(corr, built.api_key, built.version)] if built.answered else [],
            all_valid=True,
            may_close=not built.answered,
        )
    if variant == "tags-missing":
        payload = head + built.body_bytes
    else:
        lie = rng.choice(
            (
                encode_uvarint(2**31),
                encode_uvarint(1) + encode_uvarint(0) + encode_uvarint(2**20),
                encode_uvarint(3) + encode_uvarint(1) + encode_uvarint(0),
                b"\xff\xff\xff\xff\xff\xff",
                encode_uvarint(1) + encode_uvarint(2**32 - 1) + encode_uvarint(0),
            )
        )
        payload = head + lie + built.body_bytes
    return Action(f"header:{variant}", [struct.pack(">i", len(payload)) + payload])


# -- half-sent -------------------------------------------------------------------------------


def _half_sent(rng: random.Random, ctx: ActionContext) -> Action:
    built = _build(rng, ctx)
    corr = ctx.next_correlation()
    frame = request_frame(built.api_key, built.version, corr, built.body_bytes)
    variant = rng.choice(("close", "stall", "trickle"))
    if variant == "trickle":
        # All of it, a few bytes at a time: the broker must reassemble and answer.
        pieces: list[bytes] = []
        at = 0
        while at < len(frame):
            step = rng.randint(1, 7)
            pieces.append(frame[at : at + step])
            at += step
        return Action(
            "half-sent:trickle",
            pieces,
            "trickle",
            expected=[Expected(corr, built.api_key, built.version)] if built.answered else [],
            all_valid=True,
            may_close=not built.answered,
        )
    cut = rng.randint(1, len(frame) - 1)
    finish: Finish = "stall" if variant == "stall" else "close"
    return Action(f"half-sent:{variant}", [frame[:cut]], finish)


# -- probes ----------------------------------------------------------------------------------


def _probe(rng: random.Random, ctx: ActionContext) -> Action:
    if ctx.pending_bomb is not None:
        batch = real_bomb(ctx.pending_bomb)
        ctx.pending_bomb = None
    else:
        batch = hostile_batch(rng, heavy=ctx.heavy_probes and rng.random() < 0.1)
    version = rng.randint(3, ctx.served[0][1])
    body = ProduceRequest(
        acks=rng.choice((1, -1)),
        timeout_ms=5000,
        topic_data=[
            ProduceRequest.TopicProduceData(
                name=rng.choice(ctx.probe_topics),
                partition_data=[
                    ProduceRequest.TopicProduceData.PartitionProduceData(
                        index=0, records=batch.data
                    )
                ],
            )
        ],
    )
    corr = ctx.next_correlation()
    frame = request_frame(0, version, corr, body.encode(version))
    return Action(f"probe:{batch.kind}", [frame], probe=batch, probe_correlation_id=corr)


_GENERATORS: Final[dict[str, Callable[[random.Random, ActionContext], Action]]] = {
    "valid": _valid,
    "mutated": _mutated,
    "random": _random,
    "header": _header,
    "length": _length,
    "half-sent": _half_sent,
    "probe": _probe,
}
