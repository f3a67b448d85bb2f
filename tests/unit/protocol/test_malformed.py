"""Malformed input: mutated, truncated and random bytes for every decoder.

Every outcome is either a decoded message or Samsa's ``ProtocolError``; nothing else escapes,
nothing hangs, and a lying array count is refused before anything is allocated. CI runs a
bounded number of cases per (API, version); ``--run-slow`` runs over 100,000 in total.
"""

from __future__ import annotations

import contextlib
import random
import tracemalloc

import pytest
from support.schema_values import all_versions, message_class, random_message

from protocol.codec import decode_request
from protocol.errors import ProtocolError
from protocol.messages import REQUESTS, Message, ProduceRequest
from protocol.schema.dsl import Message as MessageDef

CASES = all_versions()
IDS = [f"{m.name}-v{v}" for m, v in CASES]


def _seed_message(mdef: MessageDef, version: int, rng: random.Random) -> bytes:
    """A valid encoding with some content, so that mutations reach nested fields."""
    return random_message(mdef, version, rng).encode(version)


def _mutations(data: bytes, rng: random.Random, count: int) -> list[bytes]:
    out: list[bytes] = []
    for _ in range(count):
        kind = rng.randrange(5)
        buf = bytearray(data)
        if kind == 0 and buf:  # flip bytes
            for _ in range(rng.randint(1, 4)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif kind == 1:  # truncate
            del buf[rng.randint(0, len(buf)) :]
        elif kind == 2 and len(buf) >= 4:  # plant a huge or negative int32 (array counts, lengths)
            at = rng.randrange(len(buf) - 3)
            buf[at : at + 4] = rng.choice([b"\x7f\xff\xff\xff", b"\xff\xff\xff\xfe", b"\x80\0\0\0"])
        elif kind == 3:  # random bytes
            buf = bytearray(rng.randbytes(rng.randint(0, 64)))
        else:  # insert garbage
            at = rng.randint(0, len(buf))
            buf[at:at] = rng.randbytes(rng.randint(1, 8))
        out.append(bytes(buf))
    return out


def _check(cls: type[Message], version: int, data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        cls.decode(data, version)


def _run(per_case: int, seed: int) -> int:
    done = 0
    for mdef, version in CASES:
        cls = message_class(mdef)
        rng = random.Random(f"{seed}-{mdef.name}-{version}")
        valid = _seed_message(mdef, version, rng)
        for data in _mutations(valid, rng, per_case):
            _check(cls, version, data)
            done += 1
    return done


@pytest.mark.parametrize(("mdef", "version"), CASES, ids=IDS)
def test_mutated_bodies_raise_only_protocol_errors(mdef: MessageDef, version: int) -> None:
    cls = message_class(mdef)
    rng = random.Random(f"ci-{mdef.name}-{version}")
    valid = _seed_message(mdef, version, rng)
    for data in _mutations(valid, rng, 60):
        _check(cls, version, data)
    # Every prefix of a valid encoding, too.
    for end in range(len(valid)):
        _check(cls, version, valid[:end])


def test_random_request_frames() -> None:
    rng = random.Random(1234)
    keys = list(REQUESTS)
    for _ in range(3000):
        header = (
            rng.choice([*keys, rng.randrange(-5, 300)]).to_bytes(2, "big", signed=True)
            + rng.randrange(-1, 12).to_bytes(2, "big", signed=True)
            + rng.randbytes(4)
        )
        frame = header + rng.choice([b"\x00\x01c", b"\xff\xff", b""]) + rng.randbytes(
            rng.randint(0, 40)
        )
        with contextlib.suppress(ProtocolError):
            decode_request(memoryview(frame))


def test_huge_array_count_is_refused_before_allocation() -> None:
    # ProduceRequest v3: transactional id (null), acks, timeout, then a topic count of 2^31-1.
    body = b"\xff\xff" + b"\x00\x01" + b"\x00\x00\x03\xe8" + b"\x7f\xff\xff\xff" + b"\x00" * 16
    tracemalloc.start()
    try:
        with pytest.raises(ProtocolError):
            ProduceRequest.decode(body, 3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_many_mutations() -> None:
    per_case = 100_000 // len(CASES) + 1
    assert _run(per_case, seed=random.randrange(2**32)) >= 100_000
