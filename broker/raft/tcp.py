"""The controller port over TCP: Raft messages between voters and internal RPCs.

``ControllerEndpoint`` listens on the controller port and keeps one ``PeerLink`` per other
node. A link owns one outgoing connection (opened lazily, reopened with exponential backoff)
that carries this node's Raft messages to the peer — through a bounded queue: when the peer is
slow or away, the oldest messages are dropped, and Raft resends — and its RPC requests, whose
responses come back on the same connection. Incoming connections carry the peers' Raft
messages (handed to the ``RaftNode``) and RPC requests (answered by the RPC handler).
``wire.py`` frames both.

With TLS (``ssl_server`` / ``ssl_client``: the controller listener's protocol is SSL) the port
is mutual TLS: the server context demands a client certificate signed by its trust store, and
each link presents this node's certificate and checks the peer's (and its host name when the
client context says so). A handshake that fails — no certificate, an untrusted one, a peer
that speaks plain TCP — closes that one connection; it is counted and logged at a bounded rate,
and the endpoint and its links go on (a link reconnects with its usual backoff).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import ssl
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from broker.raft.messages import Message
from broker.raft.transport import MessageSink
from broker.raft.wire import (
    FRAME_HEADER,
    KIND_RAFT,
    KIND_REQUEST,
    KIND_RESPONSE,
    FrameError,
    decode_frame_header,
    decode_message,
    decode_payload,
    encode_frame,
    encode_message,
)
from broker.tasks import report_unexpected_end

__all__ = [
    "MAX_PENDING_RPCS",
    "MAX_TLS_HANDSHAKES",
    "RAFT_SEND_QUEUE",
    "TLS_FAILURE_LOG_INTERVAL_S",
    "TLS_HANDSHAKE_TIMEOUT_S",
    "ControllerEndpoint",
    "PeerLink",
    "RpcError",
    "RpcHandler",
    "TcpTransport",
]

log = logging.getLogger("samsa.raft.tcp")

#: Raft messages waiting for one peer's connection. A few heartbeat rounds and replication
#: batches; beyond it the oldest are dropped (Raft retries), so a dead peer costs bounded
#: memory, and a peer that comes back hears the newest state first, not what the leader said
#: before it went away (a stale commit index, a term since replaced).
RAFT_SEND_QUEUE: Final = 256
#: RPCs in flight on one link; more fail at once (callers retry), so a stuck controller cannot
#: pile up futures.
MAX_PENDING_RPCS: Final = 256
#: RPC requests served at once per incoming connection (each is a task).
MAX_SERVED_RPCS: Final = 64
#: Reconnect backoff: first delay and cap. Short enough to find a restarted peer within a
#: heartbeat or two, long enough not to spin on a dead one.
RECONNECT_BACKOFF_MS: Final = 50
RECONNECT_BACKOFF_MAX_MS: Final = 1_000
#: How long opening a connection may take (a blackholed peer must not hang the link).
CONNECT_TIMEOUT_S: Final = 2.0
#: How long an RPC waits for the link to be connected before failing (the caller then looks
#: for the active controller again instead of waiting on a peer that is gone).
CONNECTED_WAIT_S: Final = 0.5
#: Bytes buffered in a connection's writer before the sender waits for the socket.
WRITE_HIGH_WATER_BYTES: Final = 4 * 1024 * 1024
#: How long a TLS handshake may take, each side: a peer that connects and says nothing (or a
#: plain-TCP peer waiting for us) must not hold a connection or a link for long.
TLS_HANDSHAKE_TIMEOUT_S: Final = 10.0
#: At most one log line per this many seconds for failed TLS handshakes (per endpoint, per
#: link): a misconfigured peer retries about every second and must not flood the log; the
#: counters still count every failure.
TLS_FAILURE_LOG_INTERVAL_S: Final = 30.0
#: TLS handshakes in progress at once on the controller port; connections beyond it are closed
#: at once (a few peers reconnect at a time: more is a flood, which must not cost unbounded
#: tasks and handshake buffers).
MAX_TLS_HANDSHAKES: Final = 64
#: Pause after accept() fails (out of file descriptors): the listener retries, never spins.
ACCEPT_RETRY_S: Final = 0.1
#: Connections waiting in the kernel before accept() (the controller port has a few peers).
LISTEN_BACKLOG: Final = 128

#: ``handler(op, body) -> body``: serves one RPC; raise RpcError to answer an error.
RpcHandler = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


class RpcError(Exception):
    """An RPC failed: the peer answered an error, or it could not be reached in time."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class _BoundedLog:
    """One warning per ``TLS_FAILURE_LOG_INTERVAL_S`` at most (failures that repeat as fast
    as a peer retries); the ones left out are counted and their number told with the next
    line."""

    __slots__ = ("_next_at", "_skipped")

    def __init__(self) -> None:
        self._next_at = 0.0
        self._skipped = 0

    def warning(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now < self._next_at:
            self._skipped += 1
            return
        self._next_at = now + TLS_FAILURE_LOG_INTERVAL_S
        skipped, self._skipped = self._skipped, 0
        suffix = f" ({skipped} more since the last report)" if skipped else ""
        log.warning(message + suffix, *args)


async def _read_frame(reader: asyncio.StreamReader) -> tuple[int, dict[str, Any]]:
    header = await reader.readexactly(FRAME_HEADER.size)
    kind, size = decode_frame_header(header)
    return kind, decode_payload(await reader.readexactly(size))


class PeerLink:
    """This node's outgoing connection to one peer's controller port."""

    def __init__(
        self,
        node_id: int,
        peer_id: int,
        host: str,
        port: int,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.node_id = node_id
        self.peer_id = peer_id
        self.host = host
        self.port = port
        #: Client side of mutual TLS (None: plain TCP).
        self.ssl_context = ssl_context
        #: TLS handshakes this link saw fail (the peer's certificate refused, its host name
        #: wrong). Under TLS 1.3 the peer's refusal of ours shows here only as a closed
        #: connection: the peer counts and logs it.
        self.tls_failures = 0
        self._tls_log = _BoundedLog()
        self._queue: deque[bytes] = deque(maxlen=RAFT_SEND_QUEUE)
        self._queued = asyncio.Event()
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._task: asyncio.Task[None] | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._connected = asyncio.Event()
        self._closed = False
        self.dropped = 0

    def start(self) -> None:
        """Start the connection task."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"controller-link-{self.node_id}-to-{self.peer_id}"
            )
            # A failure the loop does not name (a bug) ends it, reported at once; its calls
            # fail and the next message or call starts a new loop.
            report_unexpected_end(
                self._task, log, "link to node %d stopped", self.peer_id, then=self._failed
            )

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self._fail_pending(RpcError("DISCONNECTED", f"the link to {self.peer_id} failed: {exc}"))

    async def close(self) -> None:
        """Close the connection; pending RPCs fail."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None and not task.done():  # a failed loop was reported when it ended
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._fail_pending(RpcError("DISCONNECTED", "the link closed"))

    def send_raft(self, message: Message) -> None:
        """Queue a Raft message; the oldest queued one is dropped when the queue is full."""
        try:
            frame = encode_frame(KIND_RAFT, encode_message(message))
        except ValueError:
            log.error("raft message to %d too large to send; dropped", self.peer_id)
            return
        queue = self._queue
        if len(queue) == queue.maxlen:
            self.dropped += 1  # the append below pushes the oldest out
        queue.append(frame)
        self._queued.set()
        if self._task is None and not self._closed:
            self.start()  # a loop that failed is started again by the next message

    async def call(self, op: str, body: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """One RPC; RpcError when the peer answers an error or does not answer in time."""
        if self._closed:
            raise RpcError("DISCONNECTED", "the link is closed")
        if len(self._pending) >= MAX_PENDING_RPCS:
            raise RpcError("BUSY", f"{MAX_PENDING_RPCS} calls to {self.peer_id} in flight")
        self.start()
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            async with asyncio.timeout(min(timeout_s, CONNECTED_WAIT_S)):
                await self._connected.wait()
        except TimeoutError:
            self._pending.pop(request_id, None)
            raise RpcError("DISCONNECTED", f"no connection to node {self.peer_id}") from None
        try:
            async with asyncio.timeout(timeout_s):
                writer = self._writer
                if writer is None:
                    raise RpcError("DISCONNECTED", f"no connection to {self.peer_id}")
                writer.write(encode_frame(KIND_REQUEST, {"id": request_id, "op": op, "body": body}))
                return await future
        except TimeoutError:
            raise RpcError("TIMEOUT", f"{op} to node {self.peer_id} timed out") from None
        finally:
            self._pending.pop(request_id, None)

    def _fail_pending(self, exc: Exception) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(exc)

    async def _run(self) -> None:
        backoff_ms = RECONNECT_BACKOFF_MS
        while not self._closed:
            try:
                reader, writer = await self._open()
            except (OSError, TimeoutError):
                await asyncio.sleep(backoff_ms / 1000)
                backoff_ms = min(backoff_ms * 2, RECONNECT_BACKOFF_MAX_MS)
                continue
            backoff_ms = RECONNECT_BACKOFF_MS
            writer.transport.set_write_buffer_limits(high=WRITE_HIGH_WATER_BYTES)
            self._writer = writer
            self._connected.set()
            reading = asyncio.get_running_loop().create_task(self._read_responses(reader))
            try:
                await self._pump(writer, reading)
            except (OSError, ConnectionError):
                pass
            finally:
                self._connected.clear()
                self._writer = None
                reading.cancel()
                # The reader ends on the failures it names (a closed or malformed stream) and
                # logs them; anything else is a bug and ends this link loudly.
                with contextlib.suppress(asyncio.CancelledError):
                    await reading
                writer.close()
                with contextlib.suppress(OSError):  # the peer reset the connection meanwhile
                    await writer.wait_closed()
                self._fail_pending(RpcError("DISCONNECTED", f"lost node {self.peer_id}"))
            await asyncio.sleep(backoff_ms / 1000)

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.ssl_context is None:
            async with asyncio.timeout(CONNECT_TIMEOUT_S):
                return await asyncio.open_connection(self.host, self.port)
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_S + TLS_HANDSHAKE_TIMEOUT_S):
                return await asyncio.open_connection(
                    self.host,
                    self.port,
                    ssl=self.ssl_context,
                    ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT_S,
                )
        except ssl.SSLError as exc:
            self._tls_failed(exc)
            raise

    def _tls_failed(self, exc: ssl.SSLError) -> None:
        self.tls_failures += 1
        self._tls_log.warning(
            "link to node %d at %s:%d: TLS failed: %s", self.peer_id, self.host, self.port, exc
        )

    async def _pump(self, writer: asyncio.StreamWriter, reading: asyncio.Task[None]) -> None:
        queue = self._queue
        while not reading.done():
            if not queue:
                self._queued.clear()
                queued = asyncio.ensure_future(self._queued.wait())
                done, _ = await asyncio.wait({queued, reading}, return_when=asyncio.FIRST_COMPLETED)
                if queued not in done:
                    queued.cancel()
                    return
            while queue:
                writer.write(queue.popleft())
            await writer.drain()

    async def _read_responses(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                kind, payload = await _read_frame(reader)
                if kind != KIND_RESPONSE:
                    raise FrameError(f"unexpected frame kind {kind} on an outgoing link")
                request_id = payload.get("id")
                if type(request_id) is not int:
                    raise FrameError(f"a response with id {request_id!r}, not an integer")
                future = self._pending.get(request_id)
                if future is None or future.done():
                    continue
                if "error" in payload:
                    future.set_exception(
                        RpcError(str(payload["error"]), str(payload.get("message", "")))
                    )
                else:
                    body = payload.get("body")
                    future.set_result(body if isinstance(body, dict) else {})
        except ssl.SSLError as exc:  # e.g. the peer refused our certificate (TLS 1.3)
            self._tls_failed(exc)
        except (asyncio.IncompleteReadError, OSError, FrameError) as exc:
            if not isinstance(exc, asyncio.IncompleteReadError):
                log.warning("link to node %d: %s", self.peer_id, exc)


class ControllerEndpoint:
    """The controller port: accepts peers' connections, holds links to every peer."""

    def __init__(
        self,
        node_id: int,
        host: str,
        port: int,
        peers: Mapping[int, tuple[str, int]],
        *,
        rpc_handler: RpcHandler | None = None,
        ssl_server: ssl.SSLContext | None = None,
        ssl_client: ssl.SSLContext | None = None,
    ) -> None:
        self.node_id = node_id
        self.host = host
        self.port = port
        self.links = {
            peer: PeerLink(node_id, peer, h, p, ssl_context=ssl_client)
            for peer, (h, p) in peers.items()
            if peer != node_id
        }
        self.sink: MessageSink | None = None
        self.rpc_handler = rpc_handler
        #: Server side of mutual TLS (None: plain TCP); it should require client certificates.
        self.ssl_server = ssl_server
        #: Incoming TLS handshakes that failed (refused certificate, timeout, not TLS).
        self.tls_handshake_failures = 0
        self._tls_log = _BoundedLog()
        self._accept_log = _BoundedLog()
        self._server: asyncio.Server | None = None
        self._listeners: list[socket.socket] = []
        self._accepting: list[asyncio.Task[None]] = []
        self._handshaking: set[asyncio.Task[None]] = set()
        self._handshakes_in_progress = 0
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    async def start(self, *, listen: bool = True) -> None:
        """Listen (port 0: a free one, see ``port``) and start the links. Without ``listen``
        only the links start (a broker that is not a voter only calls out)."""
        if listen and self.ssl_server is not None:
            await self._listen_tls(self.ssl_server)
        elif listen:
            self._server = await asyncio.start_server(
                self._serve, self.host, self.port, reuse_address=True
            )
            sockets = self._server.sockets
            if sockets:
                self.port = sockets[0].getsockname()[1]
        for link in self.links.values():
            link.start()

    async def _listen_tls(self, context: ssl.SSLContext) -> None:
        """Listen with our own accept loop: each connection's handshake is awaited here, so
        that a failed one is seen (counted, logged) rather than dropped silently by asyncio."""
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(
            self.host or None,
            self.port,
            type=socket.SOCK_STREAM,
            flags=socket.AI_PASSIVE,
        )
        port = self.port
        # One socket per distinct address (getaddrinfo repeats them per protocol).
        addresses = dict.fromkeys((family, address) for family, _, _, _, address in infos)
        try:
            for family, address in addresses:
                sock = socket.socket(family, socket.SOCK_STREAM)
                self._listeners.append(sock)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind((address[0], port, *address[2:]))
                sock.listen(LISTEN_BACKLOG)
                sock.setblocking(False)
                port = sock.getsockname()[1]  # port 0: every address on the same free port
        except OSError:
            for sock in self._listeners:
                sock.close()
            self._listeners.clear()
            raise
        self.port = port
        for sock in self._listeners:
            task = loop.create_task(
                self._accept(sock, context), name=f"controller-port-{self.node_id}"
            )
            report_unexpected_end(task, log, "controller port %d: accepting stopped", port)
            self._accepting.append(task)

    async def _accept(self, listener: socket.socket, context: ssl.SSLContext) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                sock, _ = await loop.sock_accept(listener)
            except OSError as exc:  # out of descriptors or buffers: retry shortly
                self._accept_log.warning("controller port %d: accept failed: %s", self.port, exc)
                await asyncio.sleep(ACCEPT_RETRY_S)
                continue
            if self._handshakes_in_progress >= MAX_TLS_HANDSHAKES:
                sock.close()
                self.tls_handshake_failures += 1
                self._tls_log.warning(
                    "controller port %d: %d TLS handshakes in progress; refusing a connection",
                    self.port,
                    MAX_TLS_HANDSHAKES,
                )
                continue
            task = loop.create_task(self._handshake(sock, context))
            self._handshaking.add(task)
            task.add_done_callback(self._handshaking.discard)

    async def _handshake(self, sock: socket.socket, context: ssl.SSLContext) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        protocol = asyncio.StreamReaderProtocol(reader)
        self._handshakes_in_progress += 1
        try:
            transport, _ = await loop.connect_accepted_socket(
                lambda: protocol, sock, ssl=context, ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT_S
            )
        except (OSError, TimeoutError) as exc:  # ssl.SSLError is an OSError
            sock.close()
            self.tls_handshake_failures += 1
            self._tls_log.warning(
                "controller port %d: TLS handshake failed: %s",
                self.port,
                str(exc) or type(exc).__name__,
            )
            return
        finally:
            self._handshakes_in_progress -= 1
        writer = asyncio.StreamWriter(transport, protocol, reader, loop)
        await self._serve(reader, writer)

    async def stop(self) -> None:
        """Close the listener, every connection and every link."""
        if self._server is not None:
            self._server.close()
        for task in self._accepting:
            task.cancel()
        for task in self._accepting:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._accepting.clear()
        for sock in self._listeners:
            sock.close()
        self._listeners.clear()
        # Closing the sockets ends the serving tasks (cancelling them would leave asyncio's
        # stream callbacks complaining).
        for writer in list(self._connections.values()):
            writer.transport.abort()
        for task in list(self._connections):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        # Connections still in their TLS handshake hold no stream yet: cancelling closes them.
        for task in list(self._handshaking):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for link in self.links.values():
            await link.close()
        if self._server is not None:
            with contextlib.suppress(OSError):
                await self._server.wait_closed()
            self._server = None

    def transport(self) -> TcpTransport:
        """The Raft transport over the links."""
        return TcpTransport(self)

    async def call(
        self, peer: int, op: str, body: dict[str, Any], timeout_s: float
    ) -> dict[str, Any]:
        """An RPC to ``peer``."""
        link = self.links.get(peer)
        if link is None:
            raise RpcError("UNKNOWN_PEER", f"no link to node {peer}")
        return await link.call(op, body, timeout_s)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        serving: set[asyncio.Task[None]] = set()
        try:
            while True:
                kind, payload = await _read_frame(reader)
                if kind == KIND_RAFT:
                    message = decode_message(payload)
                    if self.sink is not None:
                        self.sink.deliver(message)
                elif kind == KIND_REQUEST:
                    if len(serving) >= MAX_SERVED_RPCS:
                        writer.write(
                            encode_frame(
                                KIND_RESPONSE,
                                {"id": payload.get("id"), "error": "BUSY", "message": ""},
                            )
                        )
                        continue
                    t = asyncio.get_running_loop().create_task(self._answer(payload, writer))
                    serving.add(t)
                    t.add_done_callback(serving.discard)
                else:
                    raise FrameError(f"unexpected frame kind {kind} on an incoming connection")
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        except FrameError as exc:
            log.warning("controller port: closing a connection: %s", exc)
        finally:
            for t in list(serving):
                t.cancel()
            self._connections.pop(task, None)
            writer.close()
            with contextlib.suppress(OSError):  # the peer reset the connection meanwhile
                await writer.wait_closed()

    async def _answer(self, payload: dict[str, Any], writer: asyncio.StreamWriter) -> None:
        request_id = payload.get("id")
        op = str(payload.get("op", ""))
        body = payload.get("body")
        response: dict[str, Any]
        if self.rpc_handler is None:
            response = {"id": request_id, "error": "UNSUPPORTED", "message": op}
        else:
            try:
                result = await self.rpc_handler(op, body if isinstance(body, dict) else {})
                response = {"id": request_id, "body": result}
            except RpcError as exc:
                response = {"id": request_id, "error": exc.code, "message": exc.message}
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("controller RPC %s failed", op)
                response = {"id": request_id, "error": "INTERNAL", "message": str(exc)}
        if not writer.is_closing():
            writer.write(encode_frame(KIND_RESPONSE, response))


class TcpTransport:
    """``Transport`` for a ``RaftNode``: each message goes through its receiver's link."""

    def __init__(self, endpoint: ControllerEndpoint) -> None:
        self._endpoint = endpoint

    def send(self, message: Message) -> None:
        """Queue ``message`` for its receiver (dropped if unknown or its queue is full)."""
        link = self._endpoint.links.get(message.receiver)
        if link is not None:
            link.send_raft(message)
