"""One client connection: frames in, handlers called in order, responses out in order.

``KafkaConnection`` is an ``asyncio.BufferedProtocol``: reads land in the ``FrameDecoder``'s
buffers — small frames through the server's shared scratch buffer, the rest of a large frame
straight in its own buffer, which grows as its bytes arrive. Each whole frame is decoded and
handed to its handler at once, in arrival order; a handler answers directly or with an
awaitable that runs as a task. Requests may complete out of order (a long-polling Fetch, then a
Metadata) but responses leave in request order: each request has a slot in a queue, and the
head of the queue is written as soon as it is done.

Limits: ``queued.max.requests`` slots per connection (reading pauses at the limit and resumes
below it); reading also pauses while the transport's write buffer is over its high-water mark
(a slow reader cannot make the broker buffer without bound) and while the connection waits for
``queued.max.request.bytes`` budget to grow its partial frame (``budget.py``). The server closes
connections idle past ``connections.max.idle.ms`` and those whose frame takes longer than
``connections.max.request.read.ms`` to arrive.

Bad input never escapes the connection: a malformed frame or header closes it, an unknown API
key or version closes it — except ApiVersions, answered with UNSUPPORTED_VERSION and the
supported ranges — and a handler that raises gets an UNKNOWN_SERVER_ERROR response (logged with
its traceback). Closes are counted per reason and logged at a bounded rate (``closes.py``).
Bytes after a request's body are ignored, as Kafka ignores them (``protocol.codec``), and
counted in ``KafkaServer.request_anomaly_counts``.

Record sets held as file slices are read with ``os.pread`` and written through the transport
(measured: fast enough, and safe with its buffering); slices are released once written or when
the connection drops.
"""

from __future__ import annotations

import asyncio
import logging
import select
import time
from collections import deque
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, cast

from broker.handlers.base import CLOSE_CONNECTION, ApiHandler, Outcome, RequestContext
from broker.handlers.fetch import release_records
from broker.server.budget import Waiter
from broker.server.closes import CloseReason
from broker.storage.slice import FileSlice
from protocol.codec import (
    UnsupportedRequestError,
    api_versions_fallback,
    decode_request,
    encode_response,
)
from protocol.errors import ErrorCode, FrameTooLargeError, ProtocolError
from protocol.extensions import PRIVATE_API_KEYS
from protocol.frame import FrameDecoder
from protocol.headers import API_VERSIONS_KEY, RequestHeader
from protocol.messages import FetchResponse, Message, ProduceRequest, api_name

if TYPE_CHECKING:
    from broker.server.server import KafkaServer

__all__ = ["KafkaConnection"]

log = logging.getLogger("samsa.server")

_PRODUCE_KEY = 0
# Events that say the peer is gone (POLLRDHUP, a closed read side, is Linux's).
_POLL_CLOSED = getattr(select, "POLLRDHUP", 0) | select.POLLHUP | select.POLLERR | select.POLLNVAL


class _Slot:
    """A request's place in the response order."""

    __slots__ = ("done", "header", "outcome", "raw", "task")

    def __init__(self, header: RequestHeader | None) -> None:
        self.header = header
        self.done = False
        self.outcome: Outcome = None
        self.raw: bytes | None = None
        self.task: asyncio.Task[None] | None = None


class KafkaConnection(asyncio.BufferedProtocol):
    """The Kafka protocol on one accepted socket."""

    def __init__(self, server: KafkaServer, connection_id: int, ip: str) -> None:
        self.server = server
        self.connection_id = connection_id
        self.ip = ip
        """The client's address, as counted for ``max.connections.per.ip``."""
        self.admitted = False
        """Whether the server counts it against its connection limits."""
        self._services = server.services
        self._table = server.dispatch_table
        self._decoder = FrameDecoder(server.config.socket_request_max_bytes, scratch=server.scratch)
        self._budget = server.budget
        self._charged = 0  # budget bytes this connection holds (what its decoder holds)
        self._budget_waiter: Waiter | None = None
        self._max_in_flight = server.config.queued_max_requests
        self._slots: deque[_Slot] = deque()
        # Whole frames read but not dispatched because ``queued.max.requests`` were in flight;
        # at most one read's worth (reading pauses while it is non-empty).
        self._backlog: deque[memoryview] = deque()
        self._transport: asyncio.Transport | None = None
        self._peer = ip
        self._closed = False
        self._reading_paused = False
        self._writing_paused = False
        now = time.monotonic()
        self.opened_at = now
        self.last_active = now
        self.last_completed_at: float | None = None
        """When a request last completed (its response was written, or it had none)."""
        self.frame_started_at: float | None = None
        """When the first byte of the frame being received arrived (None: between frames)."""

    # -- asyncio callbacks -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast(asyncio.Transport, transport)
        peer = transport.get_extra_info("peername")
        self._peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self.server.attach(self)
        if self._closed:  # closed before the transport existed (evicted, server stopping)
            self._transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self._release_budget()
        self.server.detach(self)
        self._backlog.clear()
        for slot in self._slots:
            if slot.task is not None and not slot.task.done():
                slot.task.cancel()
            elif isinstance(slot.outcome, FetchResponse):
                release_records(slot.outcome)
        self._slots.clear()

    def get_buffer(self, sizehint: int) -> memoryview:
        budget = self._budget
        buf = self._decoder.get_buffer(budget.headroom() if budget.bounded else None)
        self._settle_budget()
        return buf

    def buffer_updated(self, nbytes: int) -> None:
        now = time.monotonic()
        self.last_active = now
        decoder = self._decoder
        try:
            frames = decoder.buffer_updated(nbytes)
        except FrameTooLargeError as exc:
            self.close(CloseReason.FRAME_TOO_LARGE, str(exc))
            return
        except ProtocolError as exc:
            self.close(CloseReason.MALFORMED_FRAME, str(exc))
            return
        if frames:
            # Any frame in progress now began in this read.
            self.frame_started_at = None if decoder.idle else now
        elif self.frame_started_at is None and not decoder.idle:
            self.frame_started_at = now
        self._settle_budget()
        self._backlog.extend(frames)
        self._progress()

    def _progress(self) -> None:
        """Dispatch backlogged frames while slots are free, write what is done, and pause or
        resume reading accordingly."""
        try:
            backlog = self._backlog
            while backlog and len(self._slots) < self._max_in_flight and not self._closed:
                self._on_frame(backlog.popleft())
                if backlog and len(self._slots) >= self._max_in_flight:
                    self._flush()  # answered requests free their slots
            self._flush()
        except Exception:
            log.exception("connection %s: unexpected error; closing it", self._peer)
            self.close(CloseReason.INTERNAL_ERROR, "unexpected error (logged above)")
            return
        self._update_reading()

    def eof_received(self) -> bool | None:
        return None  # close our side too

    def pause_writing(self) -> None:
        self._writing_paused = True
        self._update_reading()

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._update_reading()

    # -- the request-bytes budget ------------------------------------------------------------

    def _settle_budget(self) -> None:
        """Charge or release the difference between what the decoder holds and what this
        connection has charged; then, if the partial frame must grow before the next read,
        take the budget for it or queue for it (and stop reading meanwhile)."""
        if self._closed:
            return
        budget = self._budget
        decoder = self._decoder
        held = decoder.held_bytes
        if held > self._charged:
            budget.charge(held - self._charged)  # within the allowance get_buffer was given
            self._charged = held
        elif held < self._charged:
            freed = self._charged - held
            self._charged = held
            budget.release(freed)  # may grant waiters (other connections resume)
        if not budget.bounded or self._budget_waiter is not None:
            return
        least, wanted = decoder.growth_needed
        if not least:
            return
        headroom = budget.headroom()
        if headroom >= least:
            self._grow(min(wanted, headroom))
            return
        waiter = self._budget_waiter = Waiter(least, wanted, self._on_budget_granted)
        budget.wait(waiter)
        if self._budget_waiter is not None:
            self.server.waiting_for_budget(self)

    def _grow(self, nbytes: int) -> None:
        self._budget.charge(nbytes)
        self._charged += nbytes
        self._decoder.reserve(nbytes)

    def _on_budget_granted(self, nbytes: int) -> None:
        self._budget_waiter = None
        if self._closed:
            self._budget.release(nbytes)
            return
        self._charged += nbytes  # the budget charged it on our behalf
        self._decoder.reserve(nbytes)
        self._update_reading()

    def _release_budget(self) -> None:
        waiter = self._budget_waiter
        self._budget_waiter = None
        charged = self._charged
        self._charged = 0
        if charged:
            self._budget.release(charged)
        if waiter is not None:
            self._budget.cancel(waiter)

    @property
    def waiting_for_budget(self) -> bool:
        """Whether reading is paused until ``queued.max.request.bytes`` frees up."""
        return self._budget_waiter is not None

    @property
    def held_bytes(self) -> int:
        """Bytes this connection's partial frame holds."""
        return self._decoder.held_bytes

    def peer_has_closed(self) -> bool:
        """Whether the client closed its side (or the socket failed), asked of the socket
        itself: a connection that is not reading does not learn it otherwise."""
        transport = self._transport
        if transport is None or self._closed:
            return False
        sock = transport.get_extra_info("socket")
        if sock is None:
            return False
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLIN | _POLL_CLOSED)
        return any(events & _POLL_CLOSED for _, events in poller.poll(0))

    # -- requests ----------------------------------------------------------------------------

    def _on_frame(self, frame: memoryview) -> None:
        try:
            request = decode_request(frame)
        except UnsupportedRequestError as exc:
            header = exc.header
            if header.api_key == API_VERSIONS_KEY:
                slot = _Slot(None)
                # The request is unreadable, so who sent it is unknown: no private APIs.
                public = [k for k in self.server.api_keys if k[0] not in PRIVATE_API_KEYS]
                slot.raw = api_versions_fallback(header.correlation_id, public)
                slot.done = True
                self._slots.append(slot)
                return
            self.close(
                CloseReason.UNSUPPORTED_REQUEST,
                f"{api_name(header.api_key)} (key {header.api_key}) version {header.api_version}",
            )
            return
        except ProtocolError as exc:
            self.close(CloseReason.MALFORMED_REQUEST, str(exc))
            return
        header = request.header
        handler = self._table.get(header.api_key)
        if handler is None or not handler.min_version <= header.api_version <= handler.max_version:
            self.close(
                CloseReason.UNSUPPORTED_REQUEST,
                f"{api_name(header.api_key)} (key {header.api_key}) version {header.api_version}",
            )
            return
        if request.trailing_bytes:
            self.server.trailing_bytes(self, header, request.trailing_bytes)
        slot = _Slot(header)
        self._slots.append(slot)
        ctx = RequestContext(header, self._peer, self.connection_id)
        try:
            result = handler.handle(self._services, ctx, request.body)
        except Exception:
            self._handler_failed(slot, handler, request.body)
            return
        if result is None or isinstance(result, Message) or result is CLOSE_CONNECTION:
            slot.outcome = result
            slot.done = True
        else:
            awaitable = cast(Awaitable[Outcome], result)
            slot.task = asyncio.ensure_future(self._run(slot, handler, request.body, awaitable))

    async def _run(
        self, slot: _Slot, handler: ApiHandler, body: Message, awaitable: Awaitable[Outcome]
    ) -> None:
        try:
            slot.outcome = await awaitable
            slot.done = True
        except asyncio.CancelledError:
            raise
        except Exception:
            self._handler_failed(slot, handler, body)
        if not self._closed:
            self._progress()

    def _handler_failed(self, slot: _Slot, handler: ApiHandler, body: Message) -> None:
        header = slot.header
        assert header is not None
        log.exception(
            "%s v%d (correlation id %d) from %s failed; answering UNKNOWN_SERVER_ERROR",
            api_name(header.api_key),
            header.api_version,
            header.correlation_id,
            self._peer,
        )
        if header.api_key == _PRODUCE_KEY and isinstance(body, ProduceRequest) and body.acks == 0:
            slot.outcome = CLOSE_CONNECTION
        else:
            slot.outcome = handler.error_response(
                body, header.api_version, ErrorCode.UNKNOWN_SERVER_ERROR
            )
        slot.done = True

    # -- responses ---------------------------------------------------------------------------

    def _flush(self) -> None:
        """Write every finished response at the head of the queue, all in one write (a burst
        of pipelined requests costs one syscall, not one per response)."""
        slots = self._slots
        out: list[Any] = []
        close_reason: str | None = None
        completed = 0
        while slots and slots[0].done and not self._closed:
            slot = slots.popleft()
            completed += 1
            if slot.raw is not None:
                out.append(slot.raw)
                continue
            outcome = slot.outcome
            if outcome is None:
                continue
            if outcome is CLOSE_CONNECTION:
                close_reason = "closing after a failed acks=0 produce, as Kafka does"
                break
            assert slot.header is not None and isinstance(outcome, Message)
            if not self._serialise(slot.header, outcome, out):
                return
        if out and self._transport is not None and not self._closed:
            self._transport.writelines(out)
        now = time.monotonic()
        if completed and not self._closed:
            self.last_completed_at = now
            self.server.request_completed(self, now)
        if close_reason is not None:
            self.close(CloseReason.FAILED_ACKS0_PRODUCE, close_reason)
        self.last_active = now

    def _serialise(self, header: RequestHeader, body: Message, out: list[Any]) -> bool:
        """Append the response's bytes to ``out`` (record slices read with ``pread``); False
        if it failed and the connection was closed."""
        try:
            chunks = encode_response(header, body)
        except Exception:
            if isinstance(body, FetchResponse):
                release_records(body)
            log.exception("cannot encode the %s response", api_name(header.api_key))
            self.close(CloseReason.INTERNAL_ERROR, "response encoding failed (logged above)")
            return False
        if not isinstance(body, FetchResponse):
            out.extend(chunks)
            return True
        try:
            for chunk in chunks:
                if isinstance(chunk, FileSlice):
                    out.append(chunk.read_bytes())
                elif isinstance(chunk, bytes | bytearray | memoryview):
                    out.append(chunk)
                else:
                    out.append(bytes(chunk))
        except Exception:
            log.exception("cannot read records for the %s response", api_name(header.api_key))
            self.close(CloseReason.INTERNAL_ERROR, "reading records failed (logged above)")
            return False
        finally:
            release_records(body)
        return True

    # -- flow control and closing ------------------------------------------------------------

    def _update_reading(self) -> None:
        transport = self._transport
        if transport is None or self._closed:
            return
        should_pause = (
            self._writing_paused
            or bool(self._backlog)
            or len(self._slots) >= self._max_in_flight
            or self._budget_waiter is not None
        )
        if should_pause and not self._reading_paused:
            self._reading_paused = True
            transport.pause_reading()
        elif not should_pause and self._reading_paused:
            self._reading_paused = False
            transport.resume_reading()

    @property
    def in_flight(self) -> int:
        """Requests received and not yet answered."""
        return len(self._slots)

    @property
    def peer(self) -> str:
        """``host:port`` of the client."""
        return self._peer

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self, reason: CloseReason | None = None, detail: str = "") -> None:
        """Close the connection; a reason is counted and logged (at a bounded rate)."""
        if self._closed:
            return
        self._closed = True
        self._release_budget()
        self.server.closing(self, reason, detail)
        if self._transport is not None:
            self._transport.abort()
