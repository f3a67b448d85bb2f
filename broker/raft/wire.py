"""The controller port's framing: Raft messages and internal RPCs between brokers (pure).

Every frame is::

    frame := length uint32 | version uint8 | kind uint8 | payload (JSON object, UTF-8)

``length`` counts the bytes after itself. ``kind`` is ``RAFT`` (a one-way Raft message),
``REQUEST`` (an RPC: ``{"id", "op", "body"}``) or ``RESPONSE`` (``{"id", "body"}`` or
``{"id", "error", "message"}``). Bytes inside messages (entry and snapshot data) travel as
base64. A frame of an unknown version, or longer than ``MAX_FRAME_BYTES``, is refused: the
connection is closed rather than guessed at. No pickle: a peer's bytes never become code.
"""

from __future__ import annotations

import base64
import json
import struct
from dataclasses import fields
from typing import Any, Final

from broker.raft.log import Entry, Snapshot
from broker.raft.messages import (
    AppendEntriesRequest,
    AppendEntriesResponse,
    InstallSnapshotRequest,
    InstallSnapshotResponse,
    Message,
    PreVoteRequest,
    PreVoteResponse,
    VoteRequest,
    VoteResponse,
)

__all__ = [
    "FRAME_HEADER",
    "KIND_RAFT",
    "KIND_REQUEST",
    "KIND_RESPONSE",
    "MAX_FRAME_BYTES",
    "WIRE_VERSION",
    "FrameError",
    "decode_frame_header",
    "decode_message",
    "decode_payload",
    "encode_frame",
    "encode_message",
]

WIRE_VERSION: Final = 1
KIND_RAFT: Final = 1
KIND_REQUEST: Final = 2
KIND_RESPONSE: Final = 3
_KINDS: Final = frozenset({KIND_RAFT, KIND_REQUEST, KIND_RESPONSE})

#: Largest frame: a metadata snapshot (in one InstallSnapshot) of the largest cluster the
#: controller allows, base64-encoded, fits; a corrupt or hostile length cannot make a reader
#: allocate more.
MAX_FRAME_BYTES: Final = 96 * 1024 * 1024

FRAME_HEADER: Final = struct.Struct(">IBB")

_MESSAGE_TYPES: Final[dict[str, type[Any]]] = {
    cls.__name__: cls
    for cls in (
        PreVoteRequest,
        PreVoteResponse,
        VoteRequest,
        VoteResponse,
        AppendEntriesRequest,
        AppendEntriesResponse,
        InstallSnapshotRequest,
        InstallSnapshotResponse,
    )
}


class FrameError(ValueError):
    """A frame that does not decode: bad length, version, kind or payload."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise FrameError("binary field is not a string")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise FrameError(f"bad base64: {exc}") from None


def encode_message(message: Message) -> dict[str, Any]:
    """A Raft message as a JSON-able object."""
    out: dict[str, Any] = {"type": type(message).__name__}
    for f in fields(message):
        value = getattr(message, f.name)
        if f.name == "entries":
            value = [[e.index, e.term, _b64(e.data)] for e in value]
        elif f.name == "snapshot":
            value = [value.index, value.term, _b64(value.data)]
        out[f.name] = value
    return out


def decode_message(obj: Any) -> Message:
    """The Raft message ``encode_message`` made; FrameError when it is not one."""
    if not isinstance(obj, dict):
        raise FrameError("a raft message is not an object")
    cls = _MESSAGE_TYPES.get(obj.get("type", ""))
    if cls is None:
        raise FrameError(f"unknown raft message type {obj.get('type')!r}")
    kwargs: dict[str, Any] = {}
    try:
        for f in fields(cls):
            value = obj[f.name]
            if f.name == "entries":
                value = tuple(Entry(int(i), int(t), _unb64(d)) for i, t, d in value)
            elif f.name == "snapshot":
                i, t, d = value
                value = Snapshot(int(i), int(t), _unb64(d))
            elif isinstance(value, bool):
                pass
            elif isinstance(value, int):
                value = int(value)
            else:
                raise FrameError(f"field {f.name} has type {type(value).__name__}")
            kwargs[f.name] = value
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, FrameError):
            raise
        raise FrameError(f"malformed {cls.__name__}: {exc!r}") from None
    message: Message = cls(**kwargs)
    return message


def encode_frame(kind: int, payload: dict[str, Any]) -> bytes:
    """One frame; ValueError when it would exceed ``MAX_FRAME_BYTES``."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    length = len(body) + 2
    if length > MAX_FRAME_BYTES:
        raise ValueError(f"frame of {length} bytes exceeds {MAX_FRAME_BYTES}")
    return FRAME_HEADER.pack(length, WIRE_VERSION, kind) + body


def decode_frame_header(header: bytes) -> tuple[int, int]:
    """``(kind, payload_length)`` from the 6 header bytes; FrameError if they are wrong."""
    length, version, kind = FRAME_HEADER.unpack(header)
    if version != WIRE_VERSION:
        raise FrameError(f"frame version {version}, this broker speaks {WIRE_VERSION}")
    if kind not in _KINDS:
        raise FrameError(f"unknown frame kind {kind}")
    if not 2 <= length <= MAX_FRAME_BYTES:
        raise FrameError(f"frame length {length} is out of bounds")
    return kind, length - 2


def decode_payload(data: bytes) -> dict[str, Any]:
    """The JSON object of a frame."""
    try:
        obj = json.loads(data)
    except ValueError as exc:
        raise FrameError(f"payload is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise FrameError("payload is not an object")
    return obj
