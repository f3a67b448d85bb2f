"""Bytes after a request's body: counted, and the request stands (as Kafka parses requests)."""

from __future__ import annotations

import pytest

from protocol.codec import decode_request, encode_request, join_frame
from protocol.errors import DecodeError
from protocol.headers import RequestHeader
from protocol.messages import ApiVersionsRequest, MetadataRequest


def _frame(body: ApiVersionsRequest | MetadataRequest, version: int) -> bytes:
    header = RequestHeader(body.API_KEY, version, 7, "t")
    return join_frame(encode_request(header, body))[4:]  # without the size prefix


@pytest.mark.parametrize("version", [0, 3])  # a classic and a flexible version
def test_a_well_formed_request_has_no_trailing_bytes(version: int) -> None:
    body = ApiVersionsRequest(client_software_name="x", client_software_version="1")
    request = decode_request(memoryview(_frame(body, version)))
    assert request.trailing_bytes == 0


@pytest.mark.parametrize("version", [1, 8])
def test_trailing_bytes_are_counted_and_the_request_stands(version: int) -> None:
    body = MetadataRequest(topics=[MetadataRequest.MetadataRequestTopic(name="t")])
    frame = _frame(body, version) + b"\x00junk"
    request = decode_request(memoryview(frame))
    assert request.trailing_bytes == 5
    assert request.header.correlation_id == 7
    assert isinstance(request.body, MetadataRequest)
    assert [t.name for t in request.body.topics or []] == ["t"]


def test_trailing_bytes_after_a_flexible_body() -> None:
    body = ApiVersionsRequest(client_software_name="x", client_software_version="1")
    assert ApiVersionsRequest.is_flexible(3)
    request = decode_request(memoryview(_frame(body, 3) + b"\x01\x02"))
    assert request.trailing_bytes == 2
    assert isinstance(request.body, ApiVersionsRequest)
    assert request.body.client_software_name == "x"


def test_a_body_cut_short_is_still_an_error() -> None:
    body = MetadataRequest(topics=[MetadataRequest.MetadataRequestTopic(name="topic")])
    frame = _frame(body, 1)
    with pytest.raises(DecodeError):
        decode_request(memoryview(frame[:-2]))
