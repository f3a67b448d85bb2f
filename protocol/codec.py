"""Whole requests and responses: frame ⇄ (header, message).

This is the surface a server and a client use. Encoding returns a list of chunks to write in
order: the size prefix and headers and small fields in one buffer, large record sets as the
objects they were given (a memoryview, or a file slice the transport sends with ``sendfile``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from protocol.errors import DecodeError, ProtocolError
from protocol.headers import (
    API_VERSIONS_KEY,
    RequestHeader,
    decode_request_header,
    decode_response_header,
    encode_response_header,
    request_header_version,
    response_header_version,
)
from protocol.messages import REQUESTS, RESPONSES, ApiVersionsResponse, Message, Refs, split_refs
from protocol.primitives import INT16, INT32

UNSUPPORTED_VERSION: Final = 35


class UnsupportedRequestError(ProtocolError):
    """A well-formed header naming an API key or version that Samsa has no schema for."""

    def __init__(self, header: RequestHeader) -> None:
        super().__init__(f"unsupported API key {header.api_key} version {header.api_version}")
        self.header = header


@dataclass(slots=True)
class Request:
    """A decoded request."""

    header: RequestHeader
    body: Message
    trailing_bytes: int = 0
    """Bytes of the frame after the body (see ``decode_request``)."""


def decode_request(frame: memoryview) -> Request:
    """Decode one request frame (without its size prefix).

    Raises ``UnsupportedRequestError`` for an API key or version without a schema (the caller
    answers ApiVersions with the fallback body and closes the connection for anything else), and
    ``DecodeError`` for malformed bytes.

    Bytes left in the frame after the body are not an error: they are counted in
    ``Request.trailing_bytes`` and the request stands. That is what Apache Kafka does: its
    broker parses a request with ``RequestContext.parseRequest`` → ``AbstractRequest.
    parseRequest``, which reads the body's fields from the frame's buffer with the generated
    ``*Data`` readers and never checks that the buffer is used up (it only records the buffer's
    size for metrics); only a body that cannot be read (too short, bad lengths) raises
    ``InvalidRequestException``, which closes the connection. Being as lenient keeps working
    any client that Kafka serves; the count lets the broker report such requests.
    """
    header, pos, known = decode_request_header(frame)
    if not known:
        raise UnsupportedRequestError(header)
    body, end = REQUESTS[header.api_key].decode_from(frame, header.api_version, pos)
    return Request(header, body, len(frame) - end)


def _frame(out: bytearray, refs: Refs) -> list[Any]:
    size = len(out) - 4 + sum(len(r) for _, r in refs)
    INT32.pack_into(out, 0, size)
    return split_refs(out, refs)


def encode_response(header: RequestHeader, body: Message) -> list[Any]:
    """Frame a response to ``header``'s request: size prefix, response header, body."""
    out = bytearray(4)
    encode_response_header(
        out, header.correlation_id, response_header_version(header.api_key, header.api_version)
    )
    refs: Refs = []
    body.encode_into(header.api_version, out, refs)
    if refs:
        return _frame(out, refs)
    INT32.pack_into(out, 0, len(out) - 4)  # one chunk: most responses carry no records
    return [out]


def encode_request(header: RequestHeader, body: Message) -> list[Any]:
    """Frame a request: size prefix, request header, body."""
    out = bytearray(4)
    header.encode_into(out, request_header_version(header.api_key, header.api_version))
    refs: Refs = []
    body.encode_into(header.api_version, out, refs)
    return _frame(out, refs)


def decode_response(api_key: int, api_version: int, frame: memoryview) -> tuple[int, Message]:
    """Decode one response frame: ``(correlation_id, message)``."""
    cls = RESPONSES.get(api_key)
    if cls is None or not cls.supports(api_version):
        raise ProtocolError(f"no schema for API key {api_key} version {api_version}")
    correlation_id, pos = decode_response_header(
        frame, response_header_version(api_key, api_version)
    )
    # A broker that does not support our ApiVersions version answers with a v0 body.
    if (
        api_key == API_VERSIONS_KEY
        and api_version > 0
        and len(frame) >= pos + 2
        and INT16.unpack_from(frame, pos)[0] == UNSUPPORTED_VERSION
    ):
        return correlation_id, cls.decode(frame, 0, pos)
    return correlation_id, cls.decode(frame, api_version, pos)


def api_versions_fallback(correlation_id: int, api_keys: Iterable[tuple[int, int, int]]) -> bytes:
    """The answer to an ApiVersions request of a version that is too new.

    Error UNSUPPORTED_VERSION with a v0 body that still lists every supported range, so that the
    client retries with a version it finds there (Kafka's rule; librdkafka and kafka-python
    rely on it).
    """
    body = ApiVersionsResponse(
        error_code=UNSUPPORTED_VERSION,
        api_keys=[
            ApiVersionsResponse.ApiVersion(api_key=k, min_version=lo, max_version=hi)
            for k, lo, hi in api_keys
        ],
    )
    out = bytearray(4)
    encode_response_header(out, correlation_id, 0)
    refs: Refs = []
    body.encode_into(0, out, refs)
    return b"".join(_frame(out, refs))


def join_frame(chunks: list[Any]) -> bytes:
    """The chunks of an encoded frame as one bytes object (for tests and simple transports)."""
    return b"".join(
        c if isinstance(c, bytes | bytearray | memoryview) else bytes(c) for c in chunks
    )


__all__ = [
    "DecodeError",
    "Request",
    "UnsupportedRequestError",
    "api_versions_fallback",
    "decode_request",
    "decode_response",
    "encode_request",
    "encode_response",
    "join_frame",
]
