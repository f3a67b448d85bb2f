"""Request header v0 to v2 and response header v0 to v1.

A request header is v2 when the request's version is flexible, else v1 (v0, without a client
id, only for the oldest ControlledShutdown, which Samsa does not serve). A response header is v1
when the response is flexible, except ApiVersions: its response always uses header v0, so that
a client that does not yet know the broker's versions can read it (and one stray byte there
makes librdkafka read garbage).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

from protocol.errors import DecodeError
from protocol.messages import REQUESTS
from protocol.primitives import (
    INT32,
    read_string,
    skip_tagged_fields,
    write_string,
)

API_VERSIONS_KEY: Final = 18
_REQUEST_FIXED: Final = struct.Struct(">hhi")
#: ``(api_key, api_version)`` → whether it is flexible, for every request Samsa has a schema
#: for: one lookup per header instead of a class lookup and two method calls.
_FLEXIBLE: Final = {
    (key, version): cls.is_flexible(version)
    for key, cls in REQUESTS.items()
    for version in range(cls.MIN_VERSION, cls.MAX_VERSION + 1)
}


@dataclass(slots=True)
class RequestHeader:
    """The header of every request."""

    api_key: int
    api_version: int
    correlation_id: int
    client_id: str | None = None

    def encode_into(self, out: bytearray, header_version: int) -> None:
        """Append this header at ``header_version`` (0, 1 or 2)."""
        out += _REQUEST_FIXED.pack(self.api_key, self.api_version, self.correlation_id)
        if header_version >= 1:
            # The client id stays a classic (non-compact) string even in header v2.
            write_string(out, self.client_id)
        if header_version >= 2:
            out.append(0)


def request_header_version(api_key: int, api_version: int) -> int:
    """The request header version that goes with a request (2 for flexible versions)."""
    cls = REQUESTS.get(api_key)
    if cls is not None and cls.is_flexible(api_version):
        return 2
    return 1


def response_header_version(api_key: int, api_version: int) -> int:
    """The response header version: 1 for flexible responses, but always 0 for ApiVersions."""
    flexible = _FLEXIBLE.get((api_key, api_version))
    if flexible is not None:
        return 1 if flexible and api_key != API_VERSIONS_KEY else 0
    if api_key == API_VERSIONS_KEY:
        return 0
    cls = REQUESTS.get(api_key)
    if cls is not None and cls.is_flexible(api_version):
        return 1
    return 0


def decode_request_header(frame: memoryview) -> tuple[RequestHeader, int, bool]:
    """Decode a request header from the start of a frame.

    Returns ``(header, body_position, known)``. ``known`` is False when Samsa has no schema for
    the API key and version: then the header was read as v1 (Kafka's rule for requests it does
    not know) and the body position may be wrong, which matters only to a caller that answers.
    """
    try:
        api_key, api_version, correlation_id = _REQUEST_FIXED.unpack_from(frame, 0)
    except struct.error:
        raise DecodeError("truncated request header") from None
    client_id, pos = read_string(frame, 8)
    flexible = _FLEXIBLE.get((api_key, api_version))
    known = flexible is not None
    if not known:  # read as v1 unless the key is known and the version would be flexible
        cls = REQUESTS.get(api_key)
        flexible = cls is not None and cls.is_flexible(api_version)
    if flexible:
        pos = skip_tagged_fields(frame, pos)
    return RequestHeader(api_key, api_version, correlation_id, client_id), pos, known


def encode_response_header(out: bytearray, correlation_id: int, header_version: int) -> None:
    """Append a response header (v0: correlation id; v1: plus an empty tagged-field section)."""
    out += INT32.pack(correlation_id)
    if header_version >= 1:
        out.append(0)


def decode_response_header(frame: memoryview, header_version: int) -> tuple[int, int]:
    """Decode a response header: ``(correlation_id, body_position)``."""
    try:
        (correlation_id,) = INT32.unpack_from(frame, 0)
    except struct.error:
        raise DecodeError("truncated response header") from None
    pos = 4
    if header_version >= 1:
        pos = skip_tagged_fields(frame, pos)
    return correlation_id, pos
