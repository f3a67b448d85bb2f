"""Size-prefixed frames: feed bytes, get whole frames.

Every Kafka request and response is an int32 size followed by that many bytes. The decoder
checks the size against a maximum before anything else (Kafka's ``socket.request.max.bytes``),
and it never trusts the size with memory: a frame's buffer grows as the frame's bytes arrive,
so a peer that announces 100 MiB and sends 13 bytes costs a few bytes, not 100 MiB.

Growth is geometric (each step at least doubles the buffer, up to exactly the announced size),
so a large frame costs at most one extra copy of itself, amortised, and no waste at the end: a
whole frame is always a buffer of exactly its size.

It serves two styles of reading: ``feed(data)`` for bytes from anywhere, and ``get_buffer()`` /
``buffer_updated(n)`` for ``asyncio.BufferedProtocol``. On that second path:

- small frames arrive through a scratch buffer, so that a burst of small pipelined requests
  costs one read; each whole frame is copied out of it into its own buffer;
- the rest of a large frame is read straight into that frame's buffer, with no copy;
- the scratch buffer may be shared by every decoder of one event loop (``scratch=``): a decoder
  copies out everything it keeps before ``buffer_updated`` returns, and the loop never calls one
  protocol's ``get_buffer`` between another's ``get_buffer`` and ``buffer_updated``;
- a caller that bounds memory (the broker's ``queued.max.request.bytes``) passes an
  ``allowance`` to ``get_buffer`` and grows the frame itself with ``reserve`` when
  ``growth_needed`` says so: then ``held_bytes`` never grows by more than it allowed.
"""

from __future__ import annotations

from typing import Final

from protocol.errors import DecodeError, FrameTooLargeError
from protocol.primitives import INT32

DEFAULT_MAX_FRAME_BYTES: Final = 100 * 1024 * 1024
"""Kafka's default ``socket.request.max.bytes`` (100 MiB)."""

# The scratch buffer for small frames and size prefixes: large enough that a burst of small
# pipelined requests arrives in one read, small enough to keep per connection (or one per loop).
SCRATCH_BYTES: Final = 64 * 1024

# The smallest step a frame's buffer grows by: a peer trickling bytes costs at most this much
# more than it sent (10,000 such connections: 10 MiB), and reads are never tiny. A fast peer's
# frame starts with a whole read (up to the scratch buffer's size) and then doubles.
MIN_GROWTH_BYTES: Final = 1024

_PREFIX_BYTES: Final = 4


class FrameDecoder:
    """Splits a byte stream into frames (the bytes after each size prefix)."""

    __slots__ = (
        "_body",
        "_direct",
        "_filled",
        "_header",
        "_max_frame_bytes",
        "_scratch",
        "_size",
    )

    def __init__(
        self, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES, *, scratch: bytearray | None = None
    ) -> None:
        if scratch is not None and len(scratch) < _PREFIX_BYTES:
            raise ValueError("the scratch buffer must hold at least a size prefix")
        self._max_frame_bytes = max_frame_bytes
        self._header = bytearray()  # a partial size prefix
        self._body: bytearray | None = None  # the frame being filled; len() is its capacity
        self._size = 0  # the announced size of the frame being filled
        self._filled = 0
        self._scratch = scratch
        self._direct = False  # whether the last get_buffer() was the frame's own buffer

    @property
    def max_frame_bytes(self) -> int:
        """The largest frame accepted; a SASL listener raises it once the peer authenticated
        (it applies to size prefixes read from then on)."""
        return self._max_frame_bytes

    @max_frame_bytes.setter
    def max_frame_bytes(self, value: int) -> None:
        self._max_frame_bytes = value

    @property
    def idle(self) -> bool:
        """True when no partial frame (not even part of a size prefix) is buffered."""
        return self._body is None and not self._header

    @property
    def held_bytes(self) -> int:
        """Bytes allocated for the frame being received (its buffer's capacity)."""
        body = self._body
        return len(body) if body is not None else 0

    @property
    def received_bytes(self) -> int:
        """Bytes of the frame being received that have arrived (without its size prefix)."""
        return self._filled if self._body is not None else 0

    @property
    def growth_needed(self) -> tuple[int, int]:
        """``(least, wanted)`` bytes the frame's buffer must grow by before the next read can
        make progress; ``(0, 0)`` when it can read as it is.

        ``least`` is what any progress needs; ``wanted`` is the geometric step (at least double
        the buffer), which keeps the copies of a large frame amortised."""
        body = self._body
        if body is None or len(body) > self._filled:
            return 0, 0
        capacity = len(body)
        size = self._size
        wanted = min(size, max(2 * capacity, capacity + MIN_GROWTH_BYTES)) - capacity
        return min(size - capacity, MIN_GROWTH_BYTES), wanted

    def reserve(self, nbytes: int) -> None:
        """Grow the frame's buffer by ``nbytes`` (capped at the announced size)."""
        body = self._body
        if body is None or nbytes <= 0:
            return
        self._grow(min(self._size, len(body) + nbytes))

    def _grow(self, capacity: int) -> bytearray:
        body = self._body
        assert body is not None
        if capacity <= len(body):
            return body
        # A new buffer and one copy of what arrived: resizing in place would fail while the
        # event loop still holds a view of the old buffer from the last read.
        grown = bytearray(capacity)
        grown[: self._filled] = memoryview(body)[: self._filled]
        self._body = grown
        return grown

    def feed(self, data: bytes | bytearray | memoryview) -> list[memoryview]:
        """Consume ``data``; return every frame it completes, in order."""
        view = memoryview(data).cast("B") if not isinstance(data, memoryview) else data
        frames: list[memoryview] = []
        pos = 0
        end = len(view)
        while pos < end:
            body = self._body
            if body is None:
                if not self._header and end - pos >= _PREFIX_BYTES:
                    (size,) = INT32.unpack_from(view, pos)
                    pos += _PREFIX_BYTES
                else:
                    take = min(_PREFIX_BYTES - len(self._header), end - pos)
                    self._header += view[pos : pos + take]
                    pos += take
                    if len(self._header) < _PREFIX_BYTES:
                        break
                    (size,) = INT32.unpack_from(self._header, 0)
                    self._header.clear()
                self._check_size(size)
                if size == 0:
                    frames.append(memoryview(b""))
                    continue
                # The buffer holds what arrived, not what was announced.
                body = self._body = bytearray(min(size, end - pos))
                self._size = size
                self._filled = 0
            take = min(self._size - self._filled, end - pos)
            needed = self._filled + take
            if needed > len(body):
                body = self._grow(min(self._size, max(needed, 2 * len(body))))
            body[self._filled : needed] = view[pos : pos + take]
            self._filled = needed
            pos += take
            if needed == self._size:
                frames.append(memoryview(body))
                self._body = None
        return frames

    def _check_size(self, size: int) -> None:
        if size < 0:
            raise DecodeError(f"negative frame size {size}")
        if size > self._max_frame_bytes:
            raise FrameTooLargeError(
                f"frame of {size} bytes exceeds the maximum of {self._max_frame_bytes}"
            )

    def _reads_directly(self, body: bytearray) -> bool:
        """Whether the next read lands in the frame's own buffer rather than the scratch one:
        unless the frame is fully allocated and ends within a scratch read (then reading into
        the scratch buffer picks up the pipelined frames behind it too)."""
        capacity = len(body)
        return capacity < self._size or self._size - self._filled >= SCRATCH_BYTES

    def get_buffer(self, allowance: int | None = None) -> memoryview:
        """Where the next read should land (``BufferedProtocol.get_buffer``).

        ``allowance`` bounds how much ``held_bytes`` may grow through this read (None: no
        bound). A caller that passes one must ``reserve`` what ``growth_needed`` asks before
        reading; if it did not, the buffer grows by the least step anyway.
        """
        body = self._body
        self._direct = body is not None and self._reads_directly(body)
        if body is not None and self._direct:
            spare = len(body) - self._filled
            if spare == 0:
                least, wanted = self.growth_needed
                if allowance is not None:
                    wanted = max(least, min(wanted, allowance))
                body = self._grow(len(body) + wanted)
            return memoryview(body)[self._filled :]
        scratch = self._scratch
        if scratch is None:
            scratch = self._scratch = bytearray(SCRATCH_BYTES)
        if allowance is None:
            return memoryview(scratch)
        # Bytes that cost nothing to hold: the rest of this frame (already allocated) and the
        # next size prefix. A frame started past them holds at most what else was read.
        if body is not None:
            free = self._size - self._filled + _PREFIX_BYTES
        else:
            free = _PREFIX_BYTES - len(self._header)
        return memoryview(scratch)[: min(len(scratch), free + max(0, allowance))]

    def buffer_updated(self, nbytes: int) -> list[memoryview]:
        """Account for ``nbytes`` written into the last ``get_buffer()``; return whole frames."""
        body = self._body
        if body is not None and self._direct:
            # The read landed in the frame's own buffer (get_buffer may have grown it since it
            # checked, so its choice is remembered rather than checked again).
            self._filled += nbytes
            if self._filled == self._size:
                self._body = None
                return [memoryview(body)]
            return []
        assert self._scratch is not None
        return self.feed(memoryview(self._scratch)[:nbytes])


def frame_size_prefix(size: int) -> bytes:
    """The 4-byte size prefix of a frame of ``size`` bytes."""
    return INT32.pack(size)
