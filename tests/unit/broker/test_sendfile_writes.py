"""``broker.server.sendfile.write_chunks``: record slices go out by ``sendfile`` only while the
transport holds nothing, what the socket does not take is queued behind them, and the bytes on
the wire are always the chunks in order."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from broker.server import sendfile
from broker.storage.fdpool import FilePool
from broker.storage.slice import FileSlice

pytestmark = pytest.mark.timeout(30)

KIB = 1024


class SocketTransport:
    """Writes as uvloop's stream transport does: at once while nothing is queued, the rest
    queued (and written by ``drain``, as the loop would when the socket is writable)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.queued = bytearray()
        self.writes = 0

    def get_write_buffer_size(self) -> int:
        return len(self.queued)

    def writelines(self, chunks: list[Any]) -> None:
        self.writes += 1
        data = b"".join(bytes(c) for c in chunks)
        if not self.queued:
            with contextlib.suppress(BlockingIOError):
                data = data[self.sock.send(data) :]
        self.queued += data

    def drain(self) -> None:
        while self.queued:
            try:
                del self.queued[: self.sock.send(self.queued)]
            except BlockingIOError:
                return


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    left, right = socket.socketpair()
    left.setblocking(False)
    right.setblocking(False)
    try:
        yield left, right
    finally:
        left.close()
        right.close()


def _segment(tmp_path: Path, size: int) -> tuple[FilePool, Any, bytes]:
    data = os.urandom(size)
    path = tmp_path / "00000000000000000000.log"
    path.write_bytes(data)
    pool = FilePool(16)
    return pool, pool.file(path), data


def _read_all(sock: socket.socket, transport: SocketTransport, expected: int) -> bytes:
    got = bytearray()
    for _ in range(100_000):
        transport.drain()
        try:
            chunk = sock.recv(1 << 20)
        except BlockingIOError:
            chunk = b""
        got += chunk
        if len(got) >= expected and not transport.queued:
            break
    return bytes(got)


def test_slices_are_sent_in_order_between_bytes(
    tmp_path: Path, pair: tuple[socket.socket, socket.socket]
) -> None:
    pool, file, data = _segment(tmp_path, 300 * KIB)
    left, right = pair
    transport = SocketTransport(left)
    first = FileSlice(file, 0, 100 * KIB, 0)
    second = FileSlice(file, 100 * KIB, 200 * KIB, 1)
    assert sendfile.sendable(first, left.fileno())
    out: list[Any] = [b"head", first, b"middle", second, b"tail"]
    sendfile.write_chunks(transport, left.fileno(), out)  # type: ignore[arg-type]
    expected = b"head" + data[: 100 * KIB] + b"middle" + data[100 * KIB :] + b"tail"
    assert _read_all(right, transport, len(expected)) == expected
    first.release()
    second.release()
    pool.close_all()


def test_a_socket_that_fills_gets_the_rest_queued_behind(
    tmp_path: Path, pair: tuple[socket.socket, socket.socket]
) -> None:
    # A small send buffer: the first slice fills it, so the second slice and the bytes after
    # it must be queued on the transport, not sent past what it holds.
    pool, file, data = _segment(tmp_path, 4096 * KIB)
    left, right = pair
    left.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * KIB)
    transport = SocketTransport(left)
    slices = [FileSlice(file, i * 1024 * KIB, 1024 * KIB, i) for i in range(4)]
    out: list[Any] = [b"A"]
    for n, piece in enumerate(slices):
        out += [piece, b"<%d>" % n]
    sendfile.write_chunks(transport, left.fileno(), out)  # type: ignore[arg-type]
    assert transport.queued, "the socket took everything: the test does not fill it"
    expected = b"A" + b"".join(
        data[n * 1024 * KIB : (n + 1) * 1024 * KIB] + b"<%d>" % n for n in range(4)
    )
    assert _read_all(right, transport, len(expected)) == expected
    for piece in slices:
        piece.release()
    pool.close_all()


def test_nothing_is_sent_past_a_transport_that_holds_bytes(
    tmp_path: Path, pair: tuple[socket.socket, socket.socket]
) -> None:
    pool, file, data = _segment(tmp_path, 64 * KIB)
    left, right = pair
    transport = SocketTransport(left)
    transport.queued += b"earlier"  # unwritten bytes of an earlier response
    piece = FileSlice(file, 0, 64 * KIB, 0)
    sendfile.write_chunks(transport, left.fileno(), [piece, b"after"])  # type: ignore[arg-type]
    with pytest.raises(BlockingIOError):
        right.recv(1)  # nothing overtook the queued bytes
    expected = b"earlier" + data + b"after"
    assert _read_all(right, transport, len(expected)) == expected
    piece.release()
    pool.close_all()


def test_small_slices_and_tls_are_not_sent_by_sendfile(tmp_path: Path) -> None:
    pool, file, _ = _segment(tmp_path, 64 * KIB)
    small = FileSlice(file, 0, sendfile.SENDFILE_MIN_BYTES - 1, 0)
    large = FileSlice(file, 0, sendfile.SENDFILE_MIN_BYTES, 0)
    assert not sendfile.sendable(small, 5)
    assert sendfile.sendable(large, 5)
    assert not sendfile.sendable(large, -1)
    assert not sendfile.sendable(b"bytes", 5)
    small.release()
    large.release()
    pool.close_all()


def test_a_truncated_file_raises_instead_of_sending_short(
    tmp_path: Path, pair: tuple[socket.socket, socket.socket]
) -> None:
    pool, file, _ = _segment(tmp_path, 64 * KIB)
    left, _right = pair
    piece = FileSlice(file, 0, 64 * KIB, 0)
    os.truncate(tmp_path / "00000000000000000000.log", 40 * KIB)
    with pytest.raises(sendfile.SliceReadError, match="truncated"):
        sendfile.write_chunks(SocketTransport(left), left.fileno(), [piece])  # type: ignore[arg-type]
    piece.release()
    pool.close_all()
