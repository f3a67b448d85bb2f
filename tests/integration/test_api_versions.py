"""ApiVersions over a real socket: v0, v3 (response header v0 quirk), the too-new fallback,
and what happens to requests the broker does not serve."""

from __future__ import annotations

import struct

from support.wire import WireClient

from broker.app import Broker
from protocol.codec import encode_request, join_frame
from protocol.headers import RequestHeader
from protocol.messages import ApiVersionsRequest, ApiVersionsResponse, MetadataRequest

ADVERTISED = {
    0: (0, 8),
    1: (4, 11),
    2: (1, 7),
    3: (0, 12),
    8: (2, 9),
    9: (1, 9),
    10: (0, 3),
    11: (0, 7),
    12: (0, 4),
    13: (0, 4),
    14: (0, 5),
    15: (0, 5),
    16: (0, 5),
    17: (0, 1),
    18: (0, 4),
    19: (2, 5),
    20: (1, 4),
    21: (0, 2),
    22: (0, 4),
    23: (2, 4),
    24: (0, 5),
    25: (0, 3),
    26: (0, 3),
    27: (0, 1),
    28: (0, 3),
    29: (0, 3),
    30: (0, 3),
    31: (0, 3),
    32: (0, 4),
    33: (0, 2),
    35: (0, 4),
    36: (0, 2),
    37: (0, 3),
    42: (0, 2),
    43: (0, 2),
    44: (0, 1),
    47: (0, 0),
    50: (0, 0),
    51: (0, 0),
    60: (0, 1),
    61: (0, 0),
    65: (0, 0),
    66: (0, 1),
    68: (0, 1),
    69: (0, 0),
}


async def test_v0_lists_exactly_the_served_ranges(client: WireClient) -> None:
    response = await client.request(ApiVersionsRequest(), 0)
    assert response.error_code == 0
    assert {k.api_key: (k.min_version, k.max_version) for k in response.api_keys} == ADVERTISED


async def test_v3_response_uses_header_v0(client: WireClient) -> None:
    body = ApiVersionsRequest(client_software_name="samsa-test", client_software_version="1.0")
    header = RequestHeader(18, 3, 77, "raw")
    await client.send_raw(join_frame(encode_request(header, body)))
    frame = await client.read_frame()
    assert frame is not None
    # correlation id, then the body at once: error code 0 and a compact array length — no
    # tagged-field byte in between (one stray byte makes librdkafka read garbage).
    assert struct.unpack(">i", frame[:4])[0] == 77
    assert frame[4:6] == b"\x00\x00"
    assert frame[6] == len(ADVERTISED) + 1
    decoded = ApiVersionsResponse.decode(frame, 3, 4)
    assert {k.api_key for k in decoded.api_keys} == set(ADVERTISED)


async def test_v3_with_an_invalid_software_name_is_invalid_request(client: WireClient) -> None:
    body = ApiVersionsRequest(client_software_name="bad name!", client_software_version="1")
    response = await client.request(body, 3)
    assert response.error_code == 42
    assert response.api_keys == []


async def test_too_new_version_gets_the_v0_fallback(client: WireClient) -> None:
    # ApiVersions v5 (flexible): header v2, compact strings, tagged fields.
    raw = struct.pack(">hhi", 18, 5, 1234) + struct.pack(">h", 4) + b"test" + b"\x00"
    raw += b"\x05samsa" + b"\x02" + b"1" + b"\x00"
    await client.send_raw(struct.pack(">i", len(raw)) + raw)
    frame = await client.read_frame()
    assert frame is not None
    assert struct.unpack(">i", frame[:4])[0] == 1234
    fallback = ApiVersionsResponse.decode(frame, 0, 4)
    assert fallback.error_code == 35  # UNSUPPORTED_VERSION
    assert {k.api_key: (k.min_version, k.max_version) for k in fallback.api_keys} == ADVERTISED
    # The client retries at a version it found there, on the same connection.
    again = await client.request(ApiVersionsRequest(), 0)
    assert again.error_code == 0


async def test_unknown_api_key_closes_only_that_connection(
    broker: Broker, client: WireClient
) -> None:
    raw = struct.pack(">hhi", 999, 0, 1) + struct.pack(">h", 1) + b"x"
    await client.send_raw(struct.pack(">i", len(raw)) + raw)
    await client.expect_closed()
    other = await WireClient.connect(broker.bootstrap_servers)
    assert (await other.request(ApiVersionsRequest(), 0)).error_code == 0
    await other.close()


async def test_unsupported_version_of_a_served_api_closes(client: WireClient) -> None:
    raw = struct.pack(">hhi", 3, 50, 1) + struct.pack(">h", 1) + b"x" + b"\x00" * 8
    await client.send_raw(struct.pack(">i", len(raw)) + raw)
    await client.expect_closed()


async def test_pipelined_requests_are_answered_in_order(client: WireClient) -> None:
    ids = [await client.send(MetadataRequest(topics=[]), 1) for _ in range(20)]
    ids.append(await client.send(ApiVersionsRequest(), 2))
    for _ in ids:
        await client.receive()  # receive() asserts the correlation id order
