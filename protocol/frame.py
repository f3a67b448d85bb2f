"""Size-prefixed frames: feed bytes, get whole frames.

Every Kafka request and response is an int32 size followed by that many bytes. The decoder
checks the size against a maximum *before* it allocates anything, so a peer cannot make it
reserve memory it did not send (Kafka's ``socket.request.max.bytes``).

It serves two styles of reading: ``feed(data)`` for bytes from anywhere, and ``get_buffer()`` /
``buffer_updated(n)`` for ``asyncio.BufferedProtocol``, which then reads the body of a large
frame straight into that frame's own buffer with no copy.
"""

from __future__ import annotations

from typing import Final

from protocol.errors import DecodeError, FrameTooLargeError
from protocol.primitives import INT32

DEFAULT_MAX_FRAME_BYTES: Final = 100 * 1024 * 1024
"""Kafka's default ``socket.request.max.bytes`` (100 MiB)."""

# The scratch buffer for small frames and size prefixes: large enough that a burst of small
# pipelined requests arrives in one read, small enough to keep per connection.
SCRATCH_BYTES: Final = 64 * 1024


class FrameDecoder:
    """Splits a byte stream into frames (the bytes after each size prefix)."""

    __slots__ = ("_body", "_filled", "_header", "_max_frame_bytes", "_scratch")

    def __init__(self, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES) -> None:
        self._max_frame_bytes = max_frame_bytes
        self._header = bytearray()  # a partial size prefix
        self._body: bytearray | None = None  # the frame being filled
        self._filled = 0
        self._scratch: bytearray | None = None

    @property
    def idle(self) -> bool:
        """True when no partial frame is buffered."""
        return self._body is None and not self._header

    def feed(self, data: bytes | bytearray | memoryview) -> list[memoryview]:
        """Consume ``data``; return every frame it completes, in order."""
        view = memoryview(data).cast("B") if not isinstance(data, memoryview) else data
        frames: list[memoryview] = []
        pos = 0
        end = len(view)
        while pos < end:
            body = self._body
            if body is None:
                need = 4 - len(self._header)
                if not self._header and end - pos >= 4:
                    (size,) = INT32.unpack_from(view, pos)
                    pos += 4
                else:
                    take = min(need, end - pos)
                    self._header += view[pos : pos + take]
                    pos += take
                    if len(self._header) < 4:
                        break
                    (size,) = INT32.unpack_from(self._header, 0)
                    self._header.clear()
                body = self._start(size)
                if body is None:
                    frames.append(memoryview(b""))
                    continue
            take = min(len(body) - self._filled, end - pos)
            body[self._filled : self._filled + take] = view[pos : pos + take]
            self._filled += take
            pos += take
            if self._filled == len(body):
                frames.append(memoryview(body))
                self._body = None
        return frames

    def _start(self, size: int) -> bytearray | None:
        if size < 0:
            raise DecodeError(f"negative frame size {size}")
        if size > self._max_frame_bytes:
            raise FrameTooLargeError(
                f"frame of {size} bytes exceeds the maximum of {self._max_frame_bytes}"
            )
        if size == 0:
            return None
        self._body = bytearray(size)
        self._filled = 0
        return self._body

    def get_buffer(self) -> memoryview:
        """Where the next read should land (``BufferedProtocol.get_buffer``)."""
        body = self._body
        if body is not None and len(body) - self._filled >= SCRATCH_BYTES:
            # A large frame in progress: read straight into it.
            return memoryview(body)[self._filled :]
        if self._scratch is None:
            self._scratch = bytearray(SCRATCH_BYTES)
        return memoryview(self._scratch)

    def buffer_updated(self, nbytes: int) -> list[memoryview]:
        """Account for ``nbytes`` written into the last ``get_buffer()``; return whole frames."""
        body = self._body
        if body is not None and len(body) - self._filled >= SCRATCH_BYTES:
            # get_buffer chose the frame itself by this same rule, and nothing changed since.
            self._filled += nbytes
            if self._filled == len(body):
                self._body = None
                return [memoryview(body)]
            return []
        assert self._scratch is not None
        return self.feed(memoryview(self._scratch)[:nbytes])


def frame_size_prefix(size: int) -> bytes:
    """The 4-byte size prefix of a frame of ``size`` bytes."""
    return INT32.pack(size)
