"""``broker.server.sendfile.write_chunks``: record slices go out by ``sendfile`` only while the
transport holds nothing, what the socket does not take is queued behind them, and the bytes on
the wire are always the chunks in order."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterator
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


class Segment:
    """A segment file of random bytes and the slices taken of it (released at teardown)."""

    def __init__(self, directory: Path, size: int) -> None:
        self.data = os.urandom(size)
        self.path = directory / "00000000000000000000.log"
        self.path.write_bytes(self.data)
        self.pool = FilePool(16)
        self.file = self.pool.file(self.path)
        self.slices: list[FileSlice] = []

    def slice(self, position: int, length: int) -> FileSlice:
        piece = FileSlice(self.file, position, length, len(self.slices))
        self.slices.append(piece)
        return piece

    def close(self) -> None:
        for piece in self.slices:
            piece.release()
        self.pool.close_all()


@pytest.fixture
def segment(tmp_path: Path) -> Iterator[Callable[[int], Segment]]:
    made: list[Segment] = []

    def make(size: int) -> Segment:
        made.append(Segment(tmp_path, size))
        return made[-1]

    yield make
    for seg in made:
        seg.close()


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
    segment: Callable[[int], Segment], pair: tuple[socket.socket, socket.socket]
) -> None:
    seg = segment(300 * KIB)
    data = seg.data
    left, right = pair
    transport = SocketTransport(left)
    first = seg.slice(0, 100 * KIB)
    second = seg.slice(100 * KIB, 200 * KIB)
    assert sendfile.sendable(first, left.fileno())
    out: list[Any] = [b"head", first, b"middle", second, b"tail"]
    sendfile.write_chunks(transport, left.fileno(), out)  # type: ignore[arg-type]
    expected = b"head" + data[: 100 * KIB] + b"middle" + data[100 * KIB :] + b"tail"
    assert _read_all(right, transport, len(expected)) == expected


def test_a_socket_that_fills_gets_the_rest_queued_behind(
    segment: Callable[[int], Segment], pair: tuple[socket.socket, socket.socket]
) -> None:
    # A small send buffer: the first slice fills it, so the second slice and the bytes after
    # it must be queued on the transport, not sent past what it holds.
    seg = segment(4096 * KIB)
    data = seg.data
    left, right = pair
    left.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * KIB)
    transport = SocketTransport(left)
    slices = [seg.slice(i * 1024 * KIB, 1024 * KIB) for i in range(4)]
    out: list[Any] = [b"A"]
    for n, piece in enumerate(slices):
        out += [piece, b"<%d>" % n]
    sendfile.write_chunks(transport, left.fileno(), out)  # type: ignore[arg-type]
    assert transport.queued, "the socket took everything: the test does not fill it"
    expected = b"A" + b"".join(
        data[n * 1024 * KIB : (n + 1) * 1024 * KIB] + b"<%d>" % n for n in range(4)
    )
    assert _read_all(right, transport, len(expected)) == expected


def test_nothing_is_sent_past_a_transport_that_holds_bytes(
    segment: Callable[[int], Segment], pair: tuple[socket.socket, socket.socket]
) -> None:
    seg = segment(64 * KIB)
    data = seg.data
    left, right = pair
    transport = SocketTransport(left)
    transport.queued += b"earlier"  # unwritten bytes of an earlier response
    piece = seg.slice(0, 64 * KIB)
    sendfile.write_chunks(transport, left.fileno(), [piece, b"after"])  # type: ignore[arg-type]
    with pytest.raises(BlockingIOError):
        right.recv(1)  # nothing overtook the queued bytes
    expected = b"earlier" + data + b"after"
    assert _read_all(right, transport, len(expected)) == expected


def test_small_slices_and_tls_are_not_sent_by_sendfile(segment: Callable[[int], Segment]) -> None:
    seg = segment(64 * KIB)
    small = seg.slice(0, sendfile.SENDFILE_MIN_BYTES - 1)
    large = seg.slice(0, sendfile.SENDFILE_MIN_BYTES)
    assert not sendfile.sendable(small, 5)
    assert sendfile.sendable(large, 5)
    assert not sendfile.sendable(large, -1)
    assert not sendfile.sendable(b"bytes", 5)


def test_a_truncated_file_raises_instead_of_sending_short(
    segment: Callable[[int], Segment], pair: tuple[socket.socket, socket.socket]
) -> None:
    seg = segment(64 * KIB)
    left, _right = pair
    piece = seg.slice(0, 64 * KIB)
    os.truncate(seg.path, 40 * KIB)
    with pytest.raises(sendfile.SliceReadError, match="truncated"):
        sendfile.write_chunks(SocketTransport(left), left.fileno(), [piece])  # type: ignore[arg-type]
