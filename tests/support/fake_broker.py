"""A scripted Kafka server for client tests: decodes requests, answers as a test says.

The handler gets each request and returns a response body to send, ``None`` to send nothing
(the request stays unanswered), ``CLOSE`` to drop the connection, or raw ``bytes`` to send as
they are.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable
from typing import Any, Final

from protocol.codec import Request, decode_request, encode_response, join_frame
from protocol.messages import ApiVersionsResponse, MetadataResponse

CLOSE: Final = object()

Handler = Callable[[Request], Any]


def api_versions_body(ranges: dict[int, tuple[int, int]]) -> ApiVersionsResponse:
    """An ApiVersions answer offering ``ranges``."""
    return ApiVersionsResponse(
        error_code=0,
        api_keys=[
            ApiVersionsResponse.ApiVersion(api_key=k, min_version=lo, max_version=hi)
            for k, (lo, hi) in sorted(ranges.items())
        ],
    )


def metadata_body(port: int, node_id: int = 1) -> MetadataResponse:
    """A Metadata answer naming this server as the only broker and controller."""
    return MetadataResponse(
        brokers=[
            MetadataResponse.MetadataResponseBroker(node_id=node_id, host="127.0.0.1", port=port)
        ],
        cluster_id="fake",
        controller_id=node_id,
        topics=[],
    )


class FakeBroker:
    """Serves one handler on 127.0.0.1 and a free port; records every request."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.server: asyncio.Server | None = None
        self.port = 0
        self.connections = 0
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> FakeBroker:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self._writers):
            writer.close()
        if self._handlers:
            await asyncio.wait(self._handlers, timeout=5)
        await self.server.wait_closed()

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(writer)
        try:
            while True:
                size = struct.unpack(">i", await reader.readexactly(4))[0]
                frame = await reader.readexactly(size)
                request = decode_request(memoryview(frame))
                self.requests.append(request)
                answer = self.handler(request)
                if asyncio.iscoroutine(answer):
                    answer = await answer
                if answer is CLOSE:
                    break
                if answer is None:
                    continue
                if isinstance(answer, bytes):
                    writer.write(answer)
                else:
                    writer.write(join_frame(encode_response(request.header, answer)))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            self._writers.discard(writer)
            self._handlers.discard(task)
