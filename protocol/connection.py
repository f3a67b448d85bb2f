"""The Kafka protocol on one connection, sans-IO: a server end and a client end.

Both ends own what a Kafka connection is apart from its socket: framing (``FrameDecoder``, with
its memory rules), the request and response headers, correlation ids, the order of responses,
the bound on requests in flight and version negotiation (the server end's ApiVersions fallback
here, the client end's choice of versions in ``connection_versions.py``). Bytes go in
(``receive_data``, or ``get_buffer``/``buffer_updated`` for ``asyncio.BufferedProtocol``),
requests or responses come out one at a time, and what to send comes back as chunks for
``writelines``. Transports, tasks, timers and memory budgets belong to the drivers
(``broker/server/connection.py``, ``client/connection.py``).

Server end (``ServerConnection``): every whole frame waits in a backlog until a slot is free
(``queued.max.requests`` slots: ``wants_data`` says when to read more). ``next_request`` decodes
the oldest frame into a ``RequestSlot``; the driver answers with ``complete(slot, outcome)``, in
any order, and ``next_response`` yields finished slots in request order only (head-of-line
completion). An ApiVersions request of an unknown version is answered by the connection itself
(UNSUPPORTED_VERSION with the supported ranges, Kafka's rule: its slot comes out done); any
other unknown API key or version raises ``UnsupportedRequestError`` and a malformed header or
body ``ProtocolError``.

Client end (``ClientConnection``): ``send`` frames a request with the next correlation id and
remembers it (at most ``max_in_flight`` await answers); each response frame is matched to the
oldest request, decoded at that request's version and checked by correlation id.
``next_response`` raises ``ProtocolError`` for a response nobody asked for, one that does not
decode and a correlation id mismatch: the connection cannot be trusted after any of them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any, Final

from protocol.codec import (
    UnsupportedRequestError,
    api_versions_fallback,
    decode_response,
    encode_request,
)
from protocol.errors import ProtocolError
from protocol.frame import DEFAULT_MAX_FRAME_BYTES, FrameDecoder
from protocol.headers import API_VERSIONS_KEY, RequestHeader, decode_request_header
from protocol.messages import REQUESTS, Message, api_name

__all__ = [
    "ClientConnection",
    "PendingRequest",
    "RequestSlot",
    "ServerConnection",
]

_INT32_MAX: Final = 2**31 - 1


# -- the server end ----------------------------------------------------------------------------


class RequestSlot:
    """A request's place in the response order on the server end.

    ``body`` is the decoded request: a driver takes it (sets it to None) when it hands it to
    its handler, so that the slot, which lives until the response is written, does not keep
    the request's frame alive. ``outcome`` is what the driver completed it with (the
    connection only keeps it); ``raw`` is a response the connection wrote itself (the
    ApiVersions fallback). ``handler`` and ``task`` are the driver's, for its own
    bookkeeping."""

    __slots__ = ("body", "done", "handler", "header", "outcome", "raw", "task", "trailing_bytes")

    def __init__(self, header: RequestHeader) -> None:
        self.header = header
        self.body: Message | None = None
        self.trailing_bytes = 0
        """Bytes of the frame after the body: ignored, as Kafka ignores them."""
        self.done = False
        self.outcome: Any = None
        self.raw: bytes | None = None
        self.handler: Any = None
        self.task: Any = None


class ServerConnection:
    """The server end of one connection: frames in, request slots out, responses in order."""

    __slots__ = ("_backlog", "_decoder", "_fallback_api_keys", "_max_in_flight", "_slots")

    def __init__(
        self,
        max_in_flight: int,
        *,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        scratch: bytearray | None = None,
        fallback_api_keys: Sequence[tuple[int, int, int]] = (),
    ) -> None:
        """``max_in_flight`` is ``queued.max.requests``; ``fallback_api_keys`` the
        ``(api_key, min_version, max_version)`` ranges the ApiVersions fallback lists (the
        request is unreadable then, so whoever sent it gets the public ranges)."""
        if max_in_flight < 1:
            raise ValueError("at least one request must be allowed in flight")
        self._decoder = FrameDecoder(max_frame_bytes, scratch=scratch)
        self._max_in_flight = max_in_flight
        self._fallback_api_keys = fallback_api_keys
        self._slots: deque[RequestSlot] = deque()
        # Whole frames read but not decoded while ``max_in_flight`` requests are in flight: at
        # most one read's worth, since a driver stops reading while ``wants_data`` is False.
        self._backlog: deque[memoryview] = deque()

    @property
    def decoder(self) -> FrameDecoder:
        """The frame decoder, for a driver that bounds its memory (``held_bytes``,
        ``growth_needed``, ``reserve``, ``idle``)."""
        return self._decoder

    # -- bytes in ------------------------------------------------------------------------------

    def receive_data(self, data: bytes | bytearray | memoryview) -> int:
        """Take bytes from the peer; return how many frames they completed.

        Raises ``FrameTooLargeError`` or ``ProtocolError`` for a bad size prefix."""
        frames = self._decoder.feed(data)
        self._backlog.extend(frames)
        return len(frames)

    def get_buffer(self, allowance: int | None = None) -> memoryview:
        """Where the next read should land (``FrameDecoder.get_buffer``)."""
        return self._decoder.get_buffer(allowance)

    def buffer_updated(self, nbytes: int) -> int:
        """Account for ``nbytes`` read into the last ``get_buffer()``; return how many frames
        they completed (errors as ``receive_data``)."""
        frames = self._decoder.buffer_updated(nbytes)
        if frames:
            self._backlog.extend(frames)
        return len(frames)

    @property
    def can_dispatch(self) -> bool:
        """Whether ``next_request`` has a frame to decode and a slot for it."""
        return bool(self._backlog) and len(self._slots) < self._max_in_flight

    @property
    def blocked(self) -> bool:
        """Whether whole frames wait for a slot (the head's response must leave first)."""
        return bool(self._backlog) and len(self._slots) >= self._max_in_flight

    @property
    def wants_data(self) -> bool:
        """Whether reading more is useful: no frame waits and a slot is free."""
        return not self._backlog and len(self._slots) < self._max_in_flight

    @property
    def in_flight(self) -> int:
        """Requests received (decoded) and not yet answered."""
        return len(self._slots)

    # -- requests out --------------------------------------------------------------------------

    def next_request(self) -> RequestSlot | None:
        """Decode the oldest waiting frame into a new slot; None when no frame waits or no
        slot is free (``can_dispatch``).

        A slot that is ``done`` already was answered by the connection itself (the ApiVersions
        fallback): it needs no handler. Raises ``UnsupportedRequestError`` for another API key
        or version without a schema and ``ProtocolError`` (``DecodeError``) for malformed
        bytes; either way the connection should close."""
        backlog = self._backlog
        slots = self._slots
        if not backlog or len(slots) >= self._max_in_flight:
            return None
        frame = backlog.popleft()
        header, pos, known = decode_request_header(frame)
        slot = RequestSlot(header)
        if not known:
            if header.api_key != API_VERSIONS_KEY:
                raise UnsupportedRequestError(header)
            slot.raw = api_versions_fallback(header.correlation_id, self._fallback_api_keys)
            slot.done = True
            slots.append(slot)
            return slot
        body, end = REQUESTS[header.api_key].decode_from(frame, header.api_version, pos)
        slot.body = body
        slot.trailing_bytes = len(frame) - end
        slots.append(slot)
        return slot

    @staticmethod
    def complete(slot: RequestSlot, outcome: Any) -> None:
        """Finish a request, in any order: ``outcome`` is the driver's (a response message,
        None for no response, or a marker of its own)."""
        slot.outcome = outcome
        slot.done = True

    # -- responses out -------------------------------------------------------------------------

    def next_response(self) -> RequestSlot | None:
        """The oldest request, once it is done (removed from the order); None while it is not.

        Its response is ``raw`` when the connection wrote it, else ``encode_response(
        slot.header, slot.outcome)`` when the outcome is a message."""
        slots = self._slots
        if slots and slots[0].done:
            return slots.popleft()
        return None

    def abandon(self) -> list[RequestSlot]:
        """Forget every request (the connection is gone): the slots not answered yet, done or
        not, for the driver to clean up; unread frames are dropped."""
        self._backlog.clear()
        slots = list(self._slots)
        self._slots.clear()
        return slots


# -- the client end ----------------------------------------------------------------------------


class PendingRequest:
    """A request sent on the client end and not answered yet.

    ``response`` is set by ``next_response``; ``waiter`` and ``timer`` are the driver's."""

    __slots__ = ("api_key", "correlation_id", "response", "timer", "version", "waiter")

    def __init__(self, api_key: int, version: int, correlation_id: int) -> None:
        self.api_key = api_key
        self.version = version
        self.correlation_id = correlation_id
        self.response: Message | None = None
        self.waiter: Any = None
        self.timer: Any = None


class ClientConnection:
    """The client end of one connection: requests out, responses matched in order."""

    __slots__ = ("_correlation_id", "_decoder", "_frames", "_pending", "client_id", "max_in_flight")

    def __init__(
        self,
        client_id: str | None,
        *,
        max_in_flight: int,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
    ) -> None:
        self.client_id = client_id
        self.max_in_flight = max_in_flight
        self._decoder = FrameDecoder(max_frame_bytes)
        self._correlation_id = 0
        self._pending: deque[PendingRequest] = deque()
        # Response frames read and not matched yet: at most one read's worth (a driver matches
        # them as soon as the read returns).
        self._frames: deque[memoryview] = deque()

    @property
    def in_flight(self) -> int:
        """Requests sent that wait for a response."""
        return len(self._pending)

    @property
    def has_capacity(self) -> bool:
        """True when one more request that expects a response may be sent."""
        return len(self._pending) < self.max_in_flight

    def _next_correlation_id(self) -> int:
        cid = self._correlation_id
        self._correlation_id = 0 if cid >= _INT32_MAX else cid + 1
        return cid

    def send(
        self, body: Message, version: int, *, expect_response: bool = True
    ) -> tuple[list[Any], PendingRequest | None]:
        """Frame a request: ``(chunks to write, its pending entry)``.

        Without ``expect_response`` (Produce with acks=0) the request takes a correlation id
        but no place in flight, and the entry is None. Past the in-flight bound this raises
        ``RuntimeError``: a caller checks ``has_capacity`` first."""
        if expect_response and len(self._pending) >= self.max_in_flight:
            raise RuntimeError(f"{len(self._pending)} requests in flight already")
        api_key = body.API_KEY
        correlation_id = self._next_correlation_id()
        chunks = encode_request(
            RequestHeader(api_key, version, correlation_id, self.client_id), body
        )
        if not expect_response:
            return chunks, None
        pending = PendingRequest(api_key, version, correlation_id)
        self._pending.append(pending)
        return chunks, pending

    # -- bytes in ------------------------------------------------------------------------------

    def receive_data(self, data: bytes | bytearray | memoryview) -> int:
        """Take bytes from the broker; return how many frames they completed."""
        frames = self._decoder.feed(data)
        self._frames.extend(frames)
        return len(frames)

    def get_buffer(self) -> memoryview:
        """Where the next read should land (``FrameDecoder.get_buffer``)."""
        return self._decoder.get_buffer()

    def buffer_updated(self, nbytes: int) -> int:
        """Account for ``nbytes`` read into the last ``get_buffer()``; return how many frames
        they completed."""
        frames = self._decoder.buffer_updated(nbytes)
        if frames:
            self._frames.extend(frames)
        return len(frames)

    def next_response(self) -> PendingRequest | None:
        """The oldest request, answered (``response`` set and removed from flight), or None
        when no whole response frame waits.

        Raises ``ProtocolError`` when the frame answers no request, does not decode at its
        request's version, or carries another correlation id; the request stays in flight
        (the driver fails it with the connection)."""
        frames = self._frames
        if not frames:
            return None
        frame = frames.popleft()
        pending_requests = self._pending
        if not pending_requests:
            frames.clear()
            raise ProtocolError("a response arrived with no request")
        pending = pending_requests[0]
        try:
            correlation_id, message = decode_response(pending.api_key, pending.version, frame)
        except ProtocolError as exc:
            frames.clear()
            raise ProtocolError(f"undecodable {api_name(pending.api_key)} response: {exc}") from exc
        if correlation_id != pending.correlation_id:
            frames.clear()
            raise ProtocolError(
                f"response correlation id {correlation_id}, expected {pending.correlation_id}"
            )
        pending_requests.popleft()
        pending.response = message
        return pending

    def abandon(self) -> list[PendingRequest]:
        """Forget every request in flight (the connection is gone) and return them, oldest
        first, for the driver to fail."""
        self._frames.clear()
        pending = list(self._pending)
        self._pending.clear()
        return pending
