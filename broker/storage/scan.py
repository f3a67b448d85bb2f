"""Reading batch headers and whole batches from a segment file with ``os.pread``.

The read path never decodes records: it walks the 61-byte headers (``RecordBatch`` over a
header-sized view) from an index position to the batch it needs. Small batches are walked
inside one block read; big ones cost one header-sized read each.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from broker.storage.errors import LogStorageError
from protocol.records import BATCH_HEADER_SIZE, LOG_OVERHEAD, RecordBatch, read_batch_length

__all__ = [
    "BATCH_READ_BYTES",
    "SCAN_BLOCK_BYTES",
    "iter_file_batches",
    "iter_headers",
    "pread_exact",
    "read_header",
]

#: Bytes read at once while walking headers: covers the headers of every small batch within
#: one default index interval (4 KiB) plus a header straddling its end.
SCAN_BLOCK_BYTES = 8192

_MIN_BATCH_SIZE = BATCH_HEADER_SIZE


def pread_exact(fd: int, length: int, position: int) -> bytes:
    """Read up to ``length`` bytes at ``position``; fewer only at end of file."""
    try:
        data = os.pread(fd, length, position)
        if len(data) == length or not data:
            return data
        parts = [data]
        got = len(data)
        while got < length:
            more = os.pread(fd, length - got, position + got)
            if not more:
                break
            parts.append(more)
            got += len(more)
        return b"".join(parts)
    except OSError as exc:
        raise LogStorageError(f"read failed at position {position}: {exc}") from exc


def read_header(fd: int, position: int) -> RecordBatch | None:
    """The header of the batch at ``position``, or None if fewer than 61 bytes remain."""
    data = pread_exact(fd, BATCH_HEADER_SIZE, position)
    if len(data) < BATCH_HEADER_SIZE:
        return None
    return RecordBatch(data)


def iter_headers(
    fd: int, start: int, end: int, first_read: int = SCAN_BLOCK_BYTES
) -> Iterator[tuple[int, RecordBatch]]:
    """``(position, header)`` of each batch whose whole extent lies in ``[start, end)``.

    Stops at the first batch that is cut off by ``end`` or has an impossible length (below the
    header size). Headers are views of a temporary buffer: use their fields, not ``buffer``.
    ``first_read``: the bytes read first (``BATCH_HEADER_SIZE`` when only the first header is
    wanted); later reads are blocks of ``SCAN_BLOCK_BYTES``.
    """
    pos = start
    block = b""
    block_start = start
    read_size = first_read
    while pos + _MIN_BATCH_SIZE <= end:
        off = pos - block_start
        if off < 0 or off + BATCH_HEADER_SIZE > len(block):
            block = pread_exact(fd, min(read_size, end - pos), pos)
            block_start = pos
            off = 0
            if len(block) < BATCH_HEADER_SIZE:
                return
        header = RecordBatch(memoryview(block)[off : off + BATCH_HEADER_SIZE])
        size = LOG_OVERHEAD + header.batch_length
        if size < _MIN_BATCH_SIZE or pos + size > end:
            return
        yield pos, header
        pos += size
        # Big batches: read just the next header instead of a block of payload.
        read_size = SCAN_BLOCK_BYTES if size < SCAN_BLOCK_BYTES else BATCH_HEADER_SIZE


#: Bytes read at once when a whole segment is read batch by batch (compaction).
BATCH_READ_BYTES = 4 * 1024 * 1024


def iter_file_batches(fd: int, start: int, end: int) -> Iterator[tuple[int, RecordBatch]]:
    """``(position, batch)`` of each whole batch in ``[start, end)``, read in chunks of
    ``BATCH_READ_BYTES`` (a bigger batch is read alone). Stops at a cut-off or malformed one.
    Batches are views of chunk buffers and stay valid after the iteration moves on."""
    pos = start
    while pos + LOG_OVERHEAD <= end:
        chunk = pread_exact(fd, min(BATCH_READ_BYTES, end - pos), pos)
        view = memoryview(chunk)
        off = 0
        while off + BATCH_HEADER_SIZE <= len(view):
            length = read_batch_length(view, off)
            size = LOG_OVERHEAD + length
            if size < BATCH_HEADER_SIZE:
                return
            if off + size > len(view):
                break
            yield pos + off, RecordBatch(view[off : off + size])
            off += size
        if off == 0:
            head = pread_exact(fd, LOG_OVERHEAD, pos)
            if len(head) < LOG_OVERHEAD:
                return
            size = LOG_OVERHEAD + read_batch_length(head)
            if size < BATCH_HEADER_SIZE or pos + size > end:
                return
            yield pos, RecordBatch(pread_exact(fd, size, pos))
            off = size
        pos += off
