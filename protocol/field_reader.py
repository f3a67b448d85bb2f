"""``FieldReader``: sequential reads of a non-flexible Kafka-style record (fixed-size integers,
int16-length strings, int32-length bytes and arrays) that turn every decoding failure into one
error type of the caller's.

The broker's internal topics (``__consumer_offsets``, ``__transaction_state``) keep their
keys and values in this encoding; their readers must refuse a damaged record with their own
error (so a loader can say which record of which partition), never an ``IndexError`` or a
``struct.error``.
"""

from __future__ import annotations

import struct
from typing import Final

from protocol.errors import DecodeError
from protocol.primitives import (
    INT8,
    INT16,
    INT32,
    INT64,
    ReadBuffer,
    read_array_length,
    read_bytes,
    read_string,
)

__all__ = ["FieldReader"]

#: Every element of the arrays read here takes at least this many bytes (an int32, or a string
#: with its length and an array count): a count that cannot fit in what is left is refused
#: before anything is allocated for it.
_MIN_ELEMENT_BYTES: Final = 2


class FieldReader:
    """Reads ``buf`` from its start; each failure raises ``error(f"{what}: ...")``."""

    __slots__ = ("buf", "error", "pos", "what")

    def __init__(self, buf: ReadBuffer, what: str, error: type[Exception]) -> None:
        self.buf = buf
        self.pos = 0
        self.what = what
        self.error = error

    def _fixed(self, fmt: struct.Struct) -> int:
        if self.pos + fmt.size > len(self.buf):
            raise self.error(f"truncated {self.what}")
        (value,) = fmt.unpack_from(self.buf, self.pos)
        self.pos += fmt.size
        return int(value)

    def int8(self) -> int:
        return self._fixed(INT8)

    def int16(self) -> int:
        return self._fixed(INT16)

    def int32(self) -> int:
        return self._fixed(INT32)

    def int64(self) -> int:
        return self._fixed(INT64)

    def nullable_string(self) -> str | None:
        try:
            value, self.pos = read_string(self.buf, self.pos)
        except DecodeError as e:
            raise self.error(f"{self.what}: {e}") from None
        return value

    def string(self) -> str:
        value = self.nullable_string()
        if value is None:
            raise self.error(f"{self.what}: null where a string is required")
        return value

    def bytes_(self) -> bytes:
        try:
            value, self.pos = read_bytes(self.buf, self.pos)
        except DecodeError as e:
            raise self.error(f"{self.what}: {e}") from None
        if value is None:
            raise self.error(f"{self.what}: null where bytes are required")
        return value

    def array_length(self, *, nullable: bool = False) -> int:
        """An array's element count; -1 for a null array when ``nullable``."""
        try:
            n, self.pos = read_array_length(self.buf, self.pos, compact=False)
        except DecodeError as e:
            raise self.error(f"{self.what}: {e}") from None
        if n < 0:
            if nullable:
                return -1
            raise self.error(f"{self.what}: null array")
        if n > (len(self.buf) - self.pos) // _MIN_ELEMENT_BYTES:
            raise self.error(f"{self.what}: array of {n} past the end")
        return n

    def done(self) -> None:
        """Everything was read."""
        if self.pos != len(self.buf):
            raise self.error(f"{self.what}: {len(self.buf) - self.pos} trailing bytes")
