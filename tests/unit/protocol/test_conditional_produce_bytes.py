"""ConditionalProduce (Samsa-private, key 32000), byte for byte: requests and responses."""

from __future__ import annotations

import pytest

from protocol.codec import (
    decode_request,
    decode_response,
    encode_request,
    encode_response,
    join_frame,
)
from protocol.errors import ErrorCode
from protocol.extensions import CONDITIONAL_PRODUCE_KEY, PRIVATE_API_KEYS
from protocol.headers import RequestHeader
from protocol.messages import (
    REQUESTS,
    RESPONSES,
    ConditionalProduceRequest,
    ConditionalProduceResponse,
    Message,
)

_TopicData = ConditionalProduceRequest.TopicProduceData
_PartitionData = _TopicData.PartitionProduceData
_TopicResponse = ConditionalProduceResponse.TopicProduceResponse
_PartitionResponse = _TopicResponse.PartitionProduceResponse


def _request(expected_offset: int, records: bytes | None) -> ConditionalProduceRequest:
    return ConditionalProduceRequest(
        acks=-1,
        timeout_ms=30_000,
        topic_data=[
            _TopicData(
                name="t",
                partition_data=[
                    _PartitionData(index=2, expected_offset=expected_offset, records=records)
                ],
            )
        ],
    )


def _response(code: int, base: int, leo: int, message: str | None) -> ConditionalProduceResponse:
    return ConditionalProduceResponse(
        responses=[
            _TopicResponse(
                name="t",
                partition_responses=[
                    _PartitionResponse(
                        index=2,
                        error_code=code,
                        base_offset=base,
                        log_append_time_ms=-1,
                        log_start_offset=0,
                        log_end_offset=leo,
                        error_message=message,
                    )
                ],
            )
        ],
        throttle_time_ms=0,
    )


# (case, message, body bytes as hex): every body is flexible (compact arrays and strings,
# a tagged-field byte after each struct).
CASES: list[tuple[str, Message, str]] = [
    (
        "request, expected offset 7, three record bytes",
        _request(7, b"abc"),
        "ffff"  # acks -1
        "00007530"  # timeout 30000 ms
        "02"
        "0274"  # one topic, compact string "t"
        "02"
        "00000002"  # one partition, index 2
        "0000000000000007"  # expected offset 7
        "04"
        "616263"  # compact records: 3 bytes
        "00"
        "00"
        "00",  # tagged fields: partition, topic, body
    ),
    (
        "request, null records",
        _request(0, None),
        "ffff"
        "00007530"
        "02"
        "0274"
        "02"
        "00000002"
        "0000000000000000"
        "00"  # null compact records
        "00"
        "00"
        "00",
    ),
    (
        "response, success at offset 7",
        _response(0, 7, 8, None),
        "02"
        "0274"
        "02"
        "00000002"
        "0000"  # no error
        "0000000000000007"  # base offset
        "ffffffffffffffff"  # log append time -1
        "0000000000000000"  # log start offset
        "0000000000000008"  # log end offset after the append
        "00"  # null error message
        "00"
        "00"
        "00000000"
        "00",  # tagged fields, throttle time, tagged fields
    ),
    (
        "response, conflict: the log end offset is 9",
        _response(ErrorCode.CONDITIONAL_APPEND_CONFLICT, -1, 9, "x"),
        "02"
        "0274"
        "02"
        "00000002"
        "7d00"  # error 32000
        "ffffffffffffffff"
        "ffffffffffffffff"
        "0000000000000000"
        "0000000000000009"  # the current log end offset
        "02"
        "78"  # error message "x"
        "00"
        "00"
        "00000000"
        "00",
    ),
]


@pytest.mark.parametrize(("case", "message", "body"), CASES, ids=[c[0] for c in CASES])
def test_body_bytes_and_round_trip(case: str, message: Message, body: str) -> None:
    encoded = message.encode(0)
    assert encoded.hex() == body
    assert type(message).decode(encoded, 0) == message


def test_whole_request_uses_header_v2_and_decodes() -> None:
    header = RequestHeader(CONDITIONAL_PRODUCE_KEY, 0, 5, "samsa-python")
    frame = join_frame(encode_request(header, _request(7, b"abc")))
    decoded = decode_request(memoryview(frame)[4:])
    assert decoded.header.api_key == CONDITIONAL_PRODUCE_KEY
    assert decoded.body == _request(7, b"abc")
    response = join_frame(encode_response(header, _response(0, 7, 8, None)))
    correlation_id, body = decode_response(CONDITIONAL_PRODUCE_KEY, 0, memoryview(response)[4:])
    assert correlation_id == 5
    assert body == _response(0, 7, 8, None)


def test_private_keys_are_far_above_kafkas_and_fit_int16() -> None:
    kafka_keys = set(REQUESTS) - PRIVATE_API_KEYS
    assert max(kafka_keys) < 1000 < min(PRIVATE_API_KEYS)
    assert max(PRIVATE_API_KEYS) <= 0x7FFF
    assert REQUESTS[CONDITIONAL_PRODUCE_KEY] is ConditionalProduceRequest
    assert RESPONSES[CONDITIONAL_PRODUCE_KEY] is ConditionalProduceResponse
