"""Base classes of the generated message classes.

A message or struct is a plain object with ``__slots__``: attribute access is as fast as Python
gets, and the generated codecs create and fill instances without calling ``__init__``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Protocol, Self, TypeAlias

from protocol.errors import DecodeError, ProtocolError


class RecordsSource(Protocol):
    """Record bytes that live elsewhere (a slice of a segment file); the transport sends them."""

    def __len__(self) -> int: ...


Records: TypeAlias = bytes | bytearray | memoryview | RecordsSource | None
"""The value of a ``records`` field: raw record batches, or a reference the transport resolves."""

Refs: TypeAlias = list[tuple[int, Any]]
"""Out-of-line records of an encoding: (position in the encode buffer, records object)."""

Decoder: TypeAlias = Callable[[memoryview, int], tuple[Any, int]]
Encoder: TypeAlias = Callable[[Any, bytearray, Refs], None]


class Struct:
    """A message or one of its nested structs."""

    __slots__: ClassVar[tuple[str, ...]] = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(_same(getattr(self, n), getattr(other, n)) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__qualname__}({parts})"

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values (nested structs as dicts, records as bytes)."""
        return {n: _plain(getattr(self, n)) for n in self.__slots__}

    def fields(self) -> Iterator[tuple[str, Any]]:
        """(name, value) for every field."""
        for n in self.__slots__:
            yield n, getattr(self, n)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, memoryview | bytearray) or isinstance(b, memoryview | bytearray):
        return a is not None and b is not None and bytes(a) == bytes(b)
    return bool(a == b)


def _plain(v: Any) -> Any:
    if isinstance(v, Struct):
        return v.to_dict()
    if isinstance(v, list):
        return [_plain(e) for e in v]
    if isinstance(v, memoryview | bytearray):
        return bytes(v)
    return v


class Message(Struct):
    """A request or response body; one class serves every version of it."""

    __slots__: ClassVar[tuple[str, ...]] = ()

    API_KEY: ClassVar[int]
    API_NAME: ClassVar[str]
    MIN_VERSION: ClassVar[int]
    MAX_VERSION: ClassVar[int]
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None]
    _DECODERS: ClassVar[tuple[Decoder, ...]]
    _ENCODERS: ClassVar[tuple[Encoder, ...]]

    @classmethod
    def is_flexible(cls, version: int) -> bool:
        """True when ``version`` uses compact encodings and tagged fields."""
        first = cls.FIRST_FLEXIBLE_VERSION
        return first is not None and version >= first

    @classmethod
    def supports(cls, version: int) -> bool:
        """True when Samsa's schema covers ``version``."""
        return cls.MIN_VERSION <= version <= cls.MAX_VERSION

    @classmethod
    def decode(cls, buf: bytes | bytearray | memoryview, version: int, pos: int = 0) -> Self:
        """Decode a body at ``pos``; raises ``DecodeError`` on any malformed input."""
        msg, _ = cls.decode_from(buf, version, pos)
        return msg

    @classmethod
    def decode_from(
        cls, buf: bytes | bytearray | memoryview, version: int, pos: int = 0
    ) -> tuple[Self, int]:
        """Decode a body at ``pos``; returns the message and the position after it."""
        if not cls.MIN_VERSION <= version <= cls.MAX_VERSION:
            raise ProtocolError(f"{cls.__name__} has no version {version}")
        view = buf if isinstance(buf, memoryview) else memoryview(buf)
        try:
            msg, end = cls._DECODERS[version - cls.MIN_VERSION](view, pos)
        except DecodeError:
            raise
        except (struct.error, IndexError, ValueError, OverflowError) as exc:
            raise DecodeError(f"malformed {cls.__name__} v{version}: {exc}") from None
        if end > len(view):
            raise DecodeError(f"truncated {cls.__name__} v{version}")
        return msg, end

    def encode_into(self, version: int, out: bytearray, refs: Refs) -> None:
        """Append this message at ``version`` to ``out``; large records go to ``refs``."""
        cls = type(self)
        if not cls.MIN_VERSION <= version <= cls.MAX_VERSION:
            raise ValueError(f"{cls.__name__} has no version {version}")
        cls._ENCODERS[version - cls.MIN_VERSION](self, out, refs)

    def encode(self, version: int) -> bytes:
        """This message at ``version`` as one bytes object (records copied in)."""
        out = bytearray()
        refs: Refs = []
        self.encode_into(version, out, refs)
        return join_refs(out, refs)


def join_refs(out: bytearray, refs: Refs) -> bytes:
    """Join an encode buffer and its out-of-line records into one bytes object."""
    if not refs:
        return bytes(out)
    chunks: list[bytes | bytearray | memoryview] = []
    start = 0
    for at, value in refs:
        chunks.append(memoryview(out)[start:at])
        chunks.append(value if isinstance(value, bytes | bytearray | memoryview) else bytes(value))
        start = at
    chunks.append(memoryview(out)[start:])
    return b"".join(chunks)


def split_refs(out: bytearray, refs: Refs) -> list[Any]:
    """The encode buffer and its out-of-line records as an ordered list of chunks to send."""
    if not refs:
        return [out]
    chunks: list[Any] = []
    start = 0
    view = memoryview(out)
    for at, value in refs:
        if at > start:
            chunks.append(view[start:at])
        chunks.append(value)
        start = at
    if start < len(out):
        chunks.append(view[start:])
    return chunks
