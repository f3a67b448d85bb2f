"""``FileSlice``: a byte range of a segment file, handed to the network layer.

The server sends it with ``os.sendfile(sock, s.fd, s.position, s.length)`` (or reads it with
``os.pread``). The slice leases its descriptor from the ``FilePool`` so that the descriptor
stays open (and keeps pointing at the same file, even if the segment is deleted meanwhile) until
``release()``; use it as a context manager.
"""

from __future__ import annotations

from types import TracebackType

from broker.storage.fdpool import PooledFile
from broker.storage.scan import pread_exact

__all__ = ["FileSlice"]


class FileSlice:
    """``length`` bytes at ``position`` of the file behind ``fd``: whole record batches, the
    first of which starts at offset ``first_offset`` (or the requested offset if empty), the
    last of which ends before ``next_offset`` (``first_offset`` if empty)."""

    __slots__ = ("_file", "fd", "first_offset", "length", "next_offset", "position")

    def __init__(
        self,
        file: PooledFile | None,
        position: int,
        length: int,
        first_offset: int,
        next_offset: int | None = None,
    ) -> None:
        self._file = file if length > 0 else None
        self.fd = self._file.lease() if self._file is not None else -1
        self.position = position
        self.length = length
        self.first_offset = first_offset
        self.next_offset = first_offset if next_offset is None else next_offset

    @classmethod
    def empty(cls, offset: int) -> FileSlice:
        """A slice with no bytes."""
        return cls(None, 0, 0, offset)

    def __repr__(self) -> str:
        return (
            f"FileSlice(fd={self.fd}, position={self.position}, length={self.length}, "
            f"first_offset={self.first_offset})"
        )

    def __len__(self) -> int:
        return self.length

    def read_bytes(self) -> bytes:
        """The slice's bytes (``os.pread``), for callers that cannot use sendfile."""
        if self.length == 0:
            return b""
        return pread_exact(self.fd, self.length, self.position)

    def release(self) -> None:
        """Give the descriptor back to the pool; idempotent."""
        file = self._file
        if file is not None:
            self._file = None
            self.fd = -1
            file.release()

    def __enter__(self) -> FileSlice:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
