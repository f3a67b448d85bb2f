"""A minimal Kafka wire client for broker tests, on Samsa's own ``protocol.codec``.

Requests may be pipelined (``send`` several, then ``receive`` each in order); raw bytes can be
sent to test malformed input. Every read has a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import struct
import time
from collections import deque
from typing import Any, Final

from protocol.codec import decode_response, encode_request, join_frame
from protocol.headers import RequestHeader
from protocol.messages import Message
from protocol.records import Compression, RecordBatchBuilder

READ_TIMEOUT_S: Final = 10.0


class WireClient:
    """One connection to a broker."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self._correlation = itertools.count(1)
        self._pending: deque[tuple[int, int, int]] = deque()

    @classmethod
    async def connect(cls, bootstrap: str) -> WireClient:
        host, _, port = bootstrap.rpartition(":")
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, int(port)), READ_TIMEOUT_S
        )
        return cls(reader, writer)

    async def send(self, body: Message, version: int, *, client_id: str = "wire-test") -> int:
        """Send a request; returns its correlation id (responses come in ``receive``)."""
        correlation_id = next(self._correlation)
        header = RequestHeader(body.API_KEY, version, correlation_id, client_id)
        self.writer.write(join_frame(encode_request(header, body)))
        await self.writer.drain()
        self._pending.append((body.API_KEY, version, correlation_id))
        return correlation_id

    async def receive(self, timeout_s: float = READ_TIMEOUT_S) -> Any:
        """The response to the oldest request sent and not yet received."""
        api_key, version, correlation_id = self._pending.popleft()
        frame = await self.read_frame(timeout_s)
        if frame is None:
            raise ConnectionError("the broker closed the connection")
        got, message = decode_response(api_key, version, memoryview(frame))
        assert got == correlation_id, f"correlation id {got}, expected {correlation_id}"
        return message

    async def request(self, body: Message, version: int, timeout_s: float = READ_TIMEOUT_S) -> Any:
        """Send and wait for the response."""
        await self.send(body, version)
        return await self.receive(timeout_s)

    async def send_raw(self, data: bytes) -> None:
        """Write bytes as they are."""
        self.writer.write(data)
        await self.writer.drain()

    async def read_frame(self, timeout_s: float = READ_TIMEOUT_S) -> bytes | None:
        """One response frame (without its size), or None if the broker closed."""
        try:
            size_bytes = await asyncio.wait_for(self.reader.readexactly(4), timeout_s)
            (size,) = struct.unpack(">i", size_bytes)
            return await asyncio.wait_for(self.reader.readexactly(size), timeout_s)
        except (asyncio.IncompleteReadError, ConnectionResetError):
            return None

    async def expect_closed(self, timeout_s: float = READ_TIMEOUT_S) -> None:
        """Assert the broker closes the connection (EOF or reset) within the deadline."""
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the broker did not close the connection"
            try:
                data = await asyncio.wait_for(self.reader.read(65536), remaining)
            except ConnectionResetError:
                return
            if not data:
                return

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, TimeoutError):
            await asyncio.wait_for(self.writer.wait_closed(), READ_TIMEOUT_S)


def make_batch(
    values: list[bytes],
    *,
    keys: list[bytes | None] | None = None,
    timestamp_ms: int | None = None,
    compression: Compression = Compression.NONE,
    producer_id: int = -1,
    producer_epoch: int = -1,
    base_sequence: int = -1,
) -> bytes:
    """One v2 batch holding ``values``."""
    builder = RecordBatchBuilder(
        compression=compression,
        producer_id=producer_id,
        producer_epoch=producer_epoch,
        base_sequence=base_sequence,
    )
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    for i, value in enumerate(values):
        builder.append(value, key=keys[i] if keys else None, timestamp_ms=ts + i)
    return builder.build()
