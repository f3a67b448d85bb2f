"""The sans-IO connection: a client end and a server end paired in memory, no sockets.

Bytes from one end's ``send`` go into the other's ``receive_data`` (or through ``get_buffer`` /
``buffer_updated``, as an ``asyncio.BufferedProtocol`` would move them).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from protocol.codec import UnsupportedRequestError, encode_response, join_frame
from protocol.connection import ClientConnection, RequestSlot, ServerConnection
from protocol.connection_versions import (
    CLIENT_MIN_VERSIONS,
    UNSUPPORTED_VERSION,
    VersionTable,
    api_versions_retry_version,
)
from protocol.errors import DecodeError, FrameTooLargeError, ProtocolError
from protocol.frame import frame_size_prefix
from protocol.headers import RequestHeader
from protocol.messages import (
    ApiVersionsRequest,
    ApiVersionsResponse,
    MetadataRequest,
    MetadataResponse,
    ProduceRequest,
)

METADATA = MetadataRequest(topics=[], allow_auto_topic_creation=False)
RANGES = [(3, 0, 8), (18, 0, 4)]


def _pair(
    server_in_flight: int = 8, client_in_flight: int = 8, max_frame_bytes: int = 1 << 20
) -> tuple[ClientConnection, ServerConnection]:
    client = ClientConnection("test", max_in_flight=client_in_flight)
    server = ServerConnection(
        server_in_flight, max_frame_bytes=max_frame_bytes, fallback_api_keys=RANGES
    )
    return client, server


def _request_bytes(client: ClientConnection, body: Any = METADATA, version: int = 8) -> bytes:
    chunks, _ = client.send(body, version)
    return join_frame(chunks)


def _answer(slot: RequestSlot) -> bytes:
    """The bytes of a Metadata response naming the request's correlation id as controller."""
    if slot.raw is not None:
        return slot.raw
    response = MetadataResponse(controller_id=slot.header.correlation_id, topics=[])
    return join_frame(encode_response(slot.header, response))


def _drain(server: ServerConnection) -> bytes:
    out = b""
    while (slot := server.next_response()) is not None:
        out += _answer(slot)
    return out


def _dispatch_all(server: ServerConnection) -> list[RequestSlot]:
    slots = []
    while server.can_dispatch:
        slot = server.next_request()
        if slot is not None:
            slots.append(slot)
    return slots


# -- round trips -------------------------------------------------------------------------------


def test_pipelined_requests_round_trip_in_order() -> None:
    client, server = _pair()
    sent = b"".join(_request_bytes(client) for _ in range(5))
    assert client.in_flight == 5
    assert server.receive_data(sent) == 5
    slots = _dispatch_all(server)
    assert [s.header.correlation_id for s in slots] == [0, 1, 2, 3, 4]
    assert all(isinstance(s.body, MetadataRequest) and s.header.client_id == "test" for s in slots)
    assert server.in_flight == 5
    for slot in slots:
        server.complete(slot, None)
    assert client.receive_data(_drain(server)) == 5
    answered = []
    while (pending := client.next_response()) is not None:
        answered.append(pending)
    assert [p.correlation_id for p in answered] == [0, 1, 2, 3, 4]
    assert [p.response.controller_id for p in answered] == [0, 1, 2, 3, 4]  # type: ignore[union-attr]
    assert client.in_flight == 0 and server.in_flight == 0


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_out_of_order_completion_is_answered_in_request_order(order: tuple[int, ...]) -> None:
    client, server = _pair()
    server.receive_data(b"".join(_request_bytes(client) for _ in range(3)))
    slots = _dispatch_all(server)
    written: list[int] = []
    done: set[int] = set()
    for index in order:
        server.complete(slots[index], None)
        done.add(index)
        while (slot := server.next_response()) is not None:
            written.append(slot.header.correlation_id)
        # Exactly the done requests with nothing unfinished ahead of them have left.
        expected = list(itertools.takewhile(done.__contains__, range(3)))
        assert written == expected
    assert written == [0, 1, 2]


def test_an_unfinished_head_holds_back_finished_requests() -> None:
    client, server = _pair()
    server.receive_data(b"".join(_request_bytes(client) for _ in range(2)))
    first, second = _dispatch_all(server)
    server.complete(second, None)
    assert server.next_response() is None and server.in_flight == 2
    server.complete(first, None)
    assert server.next_response() is first
    assert server.next_response() is second


# -- in-flight bounds --------------------------------------------------------------------------


def test_server_in_flight_bound_holds_frames_back_until_a_slot_frees() -> None:
    client, server = _pair(server_in_flight=2)
    assert server.wants_data
    server.receive_data(b"".join(_request_bytes(client) for _ in range(4)))
    slots = _dispatch_all(server)
    assert len(slots) == 2 and server.in_flight == 2
    assert server.blocked and not server.can_dispatch and not server.wants_data
    assert server.next_request() is None
    server.complete(slots[0], None)
    assert server.blocked  # done, but its slot frees only when its response leaves
    assert server.next_response() is slots[0]
    assert server.can_dispatch
    third = server.next_request()
    assert third is not None and third.header.correlation_id == 2
    assert not server.can_dispatch
    for slot in (slots[1], third):
        server.complete(slot, None)
    _drain(server)
    fourth = server.next_request()
    assert fourth is not None and fourth.header.correlation_id == 3
    server.complete(fourth, None)
    _drain(server)
    assert server.wants_data and not server.blocked


def test_client_in_flight_bound() -> None:
    client, _ = _pair(client_in_flight=2)
    _request_bytes(client)
    _request_bytes(client)
    assert not client.has_capacity
    with pytest.raises(RuntimeError, match="2 requests in flight"):
        client.send(METADATA, 8)
    # A request that expects no response (acks=0) takes a correlation id but no slot.
    chunks, pending = client.send(
        ProduceRequest(acks=0, timeout_ms=1000, topic_data=[]), 8, expect_response=False
    )
    assert pending is None and chunks and client.in_flight == 2


def test_server_needs_at_least_one_slot() -> None:
    with pytest.raises(ValueError):
        ServerConnection(0)


# -- partial frames ----------------------------------------------------------------------------


def test_partial_frames_byte_by_byte_both_ways() -> None:
    client, server = _pair()
    data = _request_bytes(client) + _request_bytes(client)
    completed = [server.receive_data(data[i : i + 1]) for i in range(len(data))]
    assert sum(completed) == 2 and completed[-1] == 1
    assert completed.index(1) == len(data) // 2 - 1  # the first frame ends halfway
    for slot in _dispatch_all(server):
        server.complete(slot, None)
    answer = _drain(server)
    for i in range(len(answer) - 1):
        client.receive_data(answer[i : i + 1])
        assert client.next_response() is None or i >= len(answer) // 2 - 1
    client.receive_data(answer[-1:])
    assert client.next_response() is not None
    assert client.in_flight == 0


def test_buffered_protocol_path() -> None:
    """Bytes read into ``get_buffer`` views, as asyncio's BufferedProtocol reads them."""
    client, server = _pair()
    data = b"".join(_request_bytes(client) for _ in range(3))

    def deliver(end: ClientConnection | ServerConnection, payload: bytes, step: int) -> int:
        frames = 0
        for pos in range(0, len(payload), step):
            piece = payload[pos : pos + step]
            view = end.get_buffer()
            view[: len(piece)] = piece
            frames += end.buffer_updated(len(piece))
        return frames

    assert deliver(server, data, 7) == 3
    for slot in _dispatch_all(server):
        server.complete(slot, None)
    assert deliver(client, _drain(server), 5) == 3
    assert [client.next_response() is not None for _ in range(3)] == [True] * 3


# -- bad input ---------------------------------------------------------------------------------


def _frame(payload: bytes) -> bytes:
    return frame_size_prefix(len(payload)) + payload


@pytest.mark.parametrize(
    ("data", "where", "error"),
    [
        (frame_size_prefix(-1), "receive", DecodeError),
        (frame_size_prefix(2 << 20), "receive", FrameTooLargeError),
        (_frame(b"\x00\x03\x00"), "next_request", DecodeError),  # truncated header
        (_frame(b"\x00\x03\x00\x08\x00\x00\x00\x01\x00\x09ab"), "next_request", DecodeError),
        (_frame(b""), "next_request", DecodeError),
        # API key 9999, then Metadata v99 (flexible: header v2): unknown, and not ApiVersions.
        (
            _frame(b"\x27\x0f\x00\x00\x00\x00\x00\x01\xff\xff"),
            "next_request",
            UnsupportedRequestError,
        ),
        (
            _frame(b"\x00\x03\x00\x63\x00\x00\x00\x01\xff\xff\x00"),
            "next_request",
            UnsupportedRequestError,
        ),
    ],
    ids=[
        "negative-size",
        "too-large",
        "short-header",
        "client-id-past-end",
        "empty-frame",
        "unknown-key",
        "unknown-version",
    ],
)
def test_malformed_input_raises(data: bytes, where: str, error: type[ProtocolError]) -> None:
    _, server = _pair()
    if where == "receive":
        with pytest.raises(error):
            server.receive_data(data)
        return
    assert server.receive_data(data) == 1
    with pytest.raises(error):
        server.next_request()


def test_malformed_body_raises() -> None:
    client, server = _pair()
    whole = _request_bytes(client, METADATA, 1)
    # Cut the body short and fix the size prefix: the header reads, the body does not.
    cut = whole[4:-3]
    server.receive_data(_frame(cut))
    with pytest.raises(DecodeError):
        server.next_request()


# -- versions ----------------------------------------------------------------------------------


def test_unknown_api_versions_version_is_answered_with_the_fallback() -> None:
    _, server = _pair()
    # ApiVersions v99 (flexible: header v2), correlation id 0, null client id, no tagged
    # fields: no schema, so the server end answers it.
    server.receive_data(_frame(b"\x00\x12\x00\x63\x00\x00\x00\x00\xff\xff\x00"))
    slot = server.next_request()
    assert slot is not None and slot.done and slot.raw is not None and slot.body is None
    assert server.in_flight == 1
    assert server.next_response() is slot
    # A client that asked at v4 reads it: UNSUPPORTED_VERSION with every range, at v0.
    client = ClientConnection("x", max_in_flight=1)
    client.send(ApiVersionsRequest(), 4)
    client.receive_data(slot.raw)
    pending = client.next_response()
    assert pending is not None
    response = pending.response
    assert isinstance(response, ApiVersionsResponse)
    assert response.error_code == UNSUPPORTED_VERSION
    assert [(k.api_key, k.min_version, k.max_version) for k in response.api_keys] == RANGES
    assert api_versions_retry_version(response, 4) == 4


@pytest.mark.parametrize(
    ("offered", "asked", "retry"),
    [({18: 2}, 4, 2), ({18: 9}, 4, 4), ({}, 4, 0), ({3: 8}, 3, 0)],
)
def test_api_versions_downgrade_rule(offered: dict[int, int], asked: int, retry: int) -> None:
    response = ApiVersionsResponse(
        error_code=UNSUPPORTED_VERSION,
        api_keys=[
            ApiVersionsResponse.ApiVersion(api_key=k, min_version=0, max_version=v)
            for k, v in offered.items()
        ],
    )
    assert api_versions_retry_version(response, asked) == retry
    response.error_code = 0
    assert api_versions_retry_version(response, asked) is None


@pytest.mark.parametrize(
    ("api_key", "theirs", "chosen"),
    [
        (3, (0, 5), 5),  # their maximum
        (3, (0, 99), MetadataRequest.MAX_VERSION),  # ours
        (0, (0, 2), None),  # below the client's minimum for Produce
        (0, (0, 8), 8),
        (3, (13, 20), None),  # no overlap
        (24, None, None),  # not offered
    ],
)
def test_version_table_picks_the_highest_common_version(
    api_key: int, theirs: tuple[int, int] | None, chosen: int | None
) -> None:
    table = VersionTable({} if theirs is None else {api_key: theirs})
    assert table.pick(api_key) == chosen
    assert table.supports(api_key) == (chosen is not None)
    if chosen is None:
        reason = table.unsupported_reason(api_key, "h:1")
        assert "h:1" in reason
        if api_key in CLIENT_MIN_VERSIONS:
            assert f"speaks {CLIENT_MIN_VERSIONS[api_key]}-" in reason


# -- the client end's checks -------------------------------------------------------------------


def test_correlation_id_mismatch_is_refused() -> None:
    client, server = _pair()
    server.receive_data(_request_bytes(client))
    (slot,) = _dispatch_all(server)
    slot.header.correlation_id = 41
    server.complete(slot, None)
    client.receive_data(_drain(server))
    with pytest.raises(ProtocolError, match="correlation id 41, expected 0"):
        client.next_response()
    assert client.in_flight == 1  # the driver fails it with the connection
    assert [p.correlation_id for p in client.abandon()] == [0]
    assert client.in_flight == 0


def test_a_response_without_a_request_is_refused() -> None:
    client, _ = _pair()
    header = RequestHeader(3, 8, 0, "x")
    client.receive_data(join_frame(encode_response(header, MetadataResponse())))
    with pytest.raises(ProtocolError, match="no request"):
        client.next_response()


def test_an_undecodable_response_is_refused() -> None:
    client, _ = _pair()
    client.send(METADATA, 8)
    client.receive_data(_frame(b"\x00\x00\x00\x00\x00\x01"))
    with pytest.raises(ProtocolError, match="undecodable Metadata response"):
        client.next_response()
    assert client.in_flight == 1


def test_correlation_ids_wrap_at_int32_max() -> None:
    client, _ = _pair()
    client._correlation_id = 2**31 - 1
    _, first = client.send(METADATA, 8)
    _, second = client.send(METADATA, 8)
    assert first is not None and second is not None
    assert (first.correlation_id, second.correlation_id) == (2**31 - 1, 0)


def test_abandon_returns_every_slot_and_drops_waiting_frames() -> None:
    client, server = _pair(server_in_flight=1)
    server.receive_data(_request_bytes(client) + _request_bytes(client))
    (slot,) = _dispatch_all(server)
    assert server.blocked
    assert server.abandon() == [slot]
    assert server.in_flight == 0 and not server.blocked and server.wants_data
