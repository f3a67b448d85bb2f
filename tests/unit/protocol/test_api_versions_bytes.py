"""ApiVersions, byte for byte: the response that every client reads before anything else."""

from __future__ import annotations

from protocol.codec import (
    api_versions_fallback,
    decode_request,
    decode_response,
    encode_request,
    encode_response,
    join_frame,
)
from protocol.headers import RequestHeader
from protocol.messages import ApiVersionsRequest, ApiVersionsResponse

KEYS = [(0, 0, 8), (18, 0, 4)]


def _response(version: int) -> bytes:
    header = RequestHeader(api_key=18, api_version=version, correlation_id=7, client_id="c")
    body = ApiVersionsResponse(
        error_code=0,
        api_keys=[
            ApiVersionsResponse.ApiVersion(api_key=k, min_version=lo, max_version=hi)
            for k, lo, hi in KEYS
        ],
        throttle_time_ms=0,
    )
    return join_frame(encode_response(header, body))


def test_v0_response_bytes() -> None:
    expected = bytes.fromhex(
        "00000016"  # size: 22 bytes follow
        "00000007"  # response header v0: correlation id
        "0000"  # error code
        "00000002"  # classic array of 2
        "0000" "0000" "0008"  # Produce 0-8
        "0012" "0000" "0004"  # ApiVersions 0-4
    )
    assert _response(0) == expected


def test_v3_response_uses_header_v0_and_a_flexible_body() -> None:
    expected = bytes.fromhex(
        "0000001a"  # size: 26 bytes follow
        "00000007"  # response header v0 — no tagged-field byte, even though the body is flexible
        "0000"  # error code
        "03"  # compact array: 2 entries + 1
        "0000" "0000" "0008" "00"  # Produce 0-8, no tagged fields
        "0012" "0000" "0004" "00"  # ApiVersions 0-4, no tagged fields
        "00000000"  # throttle time
        "00"  # no tagged fields
    )
    assert _response(3) == expected


def test_fallback_body_is_v0_with_unsupported_version() -> None:
    expected = bytes.fromhex(
        "00000016"
        "00000009"  # correlation id
        "0023"  # UNSUPPORTED_VERSION (35)
        "00000002"
        "0000" "0000" "0008"
        "0012" "0000" "0004"
    )
    assert api_versions_fallback(9, KEYS) == expected


def test_client_reads_fallback_as_v0_whatever_it_asked() -> None:
    frame = memoryview(api_versions_fallback(9, KEYS))[4:]
    correlation_id, body = decode_response(18, 3, frame)
    assert correlation_id == 9
    assert isinstance(body, ApiVersionsResponse)
    assert body.error_code == 35
    assert [(k.api_key, k.min_version, k.max_version) for k in body.api_keys] == KEYS


def test_v3_request_header_is_v2_and_round_trips() -> None:
    header = RequestHeader(api_key=18, api_version=3, correlation_id=1, client_id="samsa")
    body = ApiVersionsRequest(client_software_name="samsa", client_software_version="0.1")
    frame = join_frame(encode_request(header, body))
    assert frame[4:8] == bytes.fromhex("00120003")
    # Header v2 keeps the client id a classic int16-length string, then a tagged-field byte.
    assert frame[12:20] == b"\x00\x05samsa\x00"
    request = decode_request(memoryview(frame)[4:])
    assert request.header == header
    assert request.body == body
