"""Writing a connection's responses with their record slices sent by ``os.sendfile``.

A Fetch response's records are ``FileSlice``s of segment files. Read into memory and handed to
the transport, each byte is copied twice on the broker's core (page cache to a buffer, buffer to
the socket); ``os.sendfile`` copies it once, in the kernel, and allocates nothing. The bytes
around the slices (the response header, partition headers) still go through the transport.

Order on the wire is kept by one rule: a slice is sent directly only while the transport holds
nothing unwritten (``get_write_buffer_size() == 0``), so nothing queued before it can be
overtaken. Whatever the socket does not take at once (it is non-blocking) is read with
``pread`` and queued on the transport behind it, as every slice was before; the transport's
flow control (``pause_writing``) then applies as usual.

Only plain TCP connections qualify: TLS encrypts in user space, so its transports have no
socket to send to. Slices under ``SENDFILE_MIN_BYTES`` are read as before: for the one-record
batches of a consumer that is caught up, one more system call would cost more than the copy.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Final

from broker.storage.scan import pread_exact
from broker.storage.slice import FileSlice

__all__ = [
    "SENDFILE_MIN_BYTES",
    "SliceReadError",
    "read_rest",
    "sendable",
    "socket_fd",
    "write_chunks",
]

#: Smallest slice sent with ``sendfile``; smaller ones are read and written with the rest.
#: Below this the extra system call outweighs the copy it saves (a 32 KiB copy from the page
#: cache takes about as long as a system call's entry and exit).
SENDFILE_MIN_BYTES: Final = 32 * 1024


class SliceReadError(Exception):
    """A record slice could not be read whole (a local failure: the connection closes)."""


def socket_fd(transport: asyncio.BaseTransport, uses_tls: bool) -> int:
    """The socket a transport writes to, for ``sendfile``; -1 if there is none to use (TLS, or
    a transport without a socket)."""
    if uses_tls:
        return -1
    sock = transport.get_extra_info("socket")
    if sock is None:
        return -1
    try:
        return int(sock.fileno())
    except (OSError, ValueError):
        return -1


def sendable(chunk: object, sock_fd: int) -> bool:
    """Whether ``chunk`` is a slice to leave unread for ``write_chunks``."""
    return sock_fd >= 0 and isinstance(chunk, FileSlice) and chunk.length >= SENDFILE_MIN_BYTES


def _send_slice(sock_fd: int, piece: FileSlice) -> int:
    """Send as much of ``piece`` as the socket takes now; the bytes sent. A socket error stops
    it quietly: the transport's next write meets the same error and closes the connection."""
    sent = 0
    try:
        while sent < piece.length:
            n = os.sendfile(sock_fd, piece.fd, piece.position + sent, piece.length - sent)
            if n == 0:  # the file ended early (truncated): pread_exact reports it
                break
            sent += n
    except OSError:  # a full socket (BlockingIOError) or a broken one
        pass
    return sent


def read_rest(piece: FileSlice, start: int = 0) -> bytes:
    """The bytes of ``piece`` from ``start`` on (``pread``). A file that ends before the slice
    does (truncated since the slice was taken) raises ``SliceReadError``: the response already
    announced the slice's length, and fewer bytes would corrupt every frame after it."""
    wanted = piece.length - start
    if wanted <= 0:
        return b""
    data = pread_exact(piece.fd, wanted, piece.position + start)
    if len(data) != wanted:
        raise SliceReadError(
            f"a record slice of {piece.length} bytes at {piece.position} ended after "
            f"{start + len(data)}: the file was truncated"
        )
    return data


def write_chunks(transport: asyncio.WriteTransport, sock_fd: int, out: list[Any]) -> None:
    """Write ``out`` (bytes-like chunks, and ``FileSlice``s that ``sendable`` let through) in
    order. Raises ``SliceReadError`` or what ``pread_exact`` raises if a slice cannot be read
    whole (the caller closes the connection)."""
    pending: list[Any] = []
    for chunk in out:
        if not isinstance(chunk, FileSlice):
            pending.append(chunk)
            continue
        if pending:
            transport.writelines(pending)
            pending = []
        sent = 0
        if transport.get_write_buffer_size() == 0:
            sent = _send_slice(sock_fd, chunk)
        if sent < chunk.length:
            pending.append(read_rest(chunk, sent))
    if pending:
        transport.writelines(pending)
