"""A produce-only Kafka-protocol sink: the ceiling for a Python broker on this machine.

It does what a broker must do on the produce path and nothing more: asyncio + uvloop, an
``asyncio.BufferedProtocol`` reading through ``protocol.frame.FrameDecoder``, requests decoded
with ``protocol.codec``, and per partition of a Produce request: ``iter_batches`` +
``RecordBatch.validate()`` (framing and CRC-32C), the base offset and partition leader epoch
patched in place, the records appended to the partition's file with one ``os.write``, and the
base offset acknowledged. No index, no flush, no metadata log, no replication state.

It answers four APIs, enough for a non-idempotent librdkafka producer (it also advertises
Fetch v4-11, without serving it, because librdkafka only writes record batches v2 to a broker
that lists it):

* ApiVersions (v0-4; a too-new version gets UNSUPPORTED_VERSION with the ranges),
* Metadata (v0-8): one broker (itself, node 1, also the controller) and the one topic it was
  started with, ``--partitions`` partitions led by itself at leader epoch 0,
* InitProducerId (v0-4): a fresh producer id per call, epoch 0, should a producer ask,
* Produce (v3-8): acks 0 (no response), 1 and -1 (both answered at once: one replica).

Any other request closes the connection. Run it (``broker_bench.py`` does)::

    python bench/sink.py --port 9092 --dir /tmp/sink --topic bench [--partitions 1]

It prints ``Sink listening on HOST:PORT`` once it accepts connections, and stops on SIGTERM or
Ctrl-C, closing its files; its last line counts the requests it served per API
(``Sink requests: ApiVersions=1 Metadata=2 Produce=30000``, read back by ``requests_served``),
as a broker's ``samsa_requests_total`` does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, cast

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from broker.cli.allocator import keep_large_buffers
from protocol.codec import (
    UnsupportedRequestError,
    api_versions_fallback,
    decode_request,
    encode_response,
)
from protocol.errors import CorruptMessageError, ErrorCode, ProtocolError
from protocol.frame import FrameDecoder
from protocol.headers import API_VERSIONS_KEY, RequestHeader
from protocol.messages import (
    ApiVersionsResponse,
    InitProducerIdResponse,
    Message,
    MetadataRequest,
    MetadataResponse,
    ProduceRequest,
    ProduceResponse,
)
from protocol.records import iter_batches, patch_base_offset, patch_partition_leader_epoch

__all__ = ["API_KEYS", "Sink", "SinkConnection", "main", "requests_line", "requests_served"]

log = logging.getLogger("samsa.sink")

NODE_ID: Final = 1
CLUSTER_ID: Final = "samsa-bench-sink"
LEADER_EPOCH: Final = 0
#: Corrupt produce requests logged (the rest are only counted: a client retries them).
MAX_LOGGED_ERRORS: Final = 5
_PRODUCE, _FETCH, _METADATA, _API_VERSIONS, _INIT_PRODUCER_ID = 0, 1, 3, 18, 22
#: (api key, min version, max version) of every API the sink advertises. Fetch v4-11 is listed
#: but never served: librdkafka writes message format v2 only to a broker that has Produce v3+
#: *and* Fetch v4+ (its MsgVer2 feature), and falls back to v0 message sets otherwise.
API_KEYS: Final = (
    (_PRODUCE, 3, 8),
    (_FETCH, 4, 11),
    (_METADATA, 0, 8),
    (_API_VERSIONS, 0, 4),
    (_INIT_PRODUCER_ID, 0, 4),
)
#: The APIs answered (any other request closes the connection).
_SERVED: Final = {key: (lo, hi) for key, lo, hi in API_KEYS if key != _FETCH}
#: Kafka's name of every API served, for the request counts.
API_NAMES: Final = {
    _PRODUCE: "Produce",
    _METADATA: "Metadata",
    _API_VERSIONS: "ApiVersions",
    _INIT_PRODUCER_ID: "InitProducerId",
}
#: The first word of the last line the sink prints: its request counts.
REQUESTS_PREFIX: Final = "Sink requests:"
_REQUESTS_LINE: Final = re.compile(rf"^{REQUESTS_PREFIX}((?: \w+=\d+)*)$", re.M)

_Broker = MetadataResponse.MetadataResponseBroker
_Topic = MetadataResponse.MetadataResponseTopic
_Partition = MetadataResponse.MetadataResponseTopic.MetadataResponsePartition
_TopicResponse = ProduceResponse.TopicProduceResponse
_PartitionResponse = ProduceResponse.TopicProduceResponse.PartitionProduceResponse


class Sink:
    """The sink's state: one topic, one append-only file and next offset per partition."""

    def __init__(self, directory: Path, topic: str, partitions: int) -> None:
        self.topic = topic
        self.partitions = partitions
        self.host = "127.0.0.1"
        self.port = 0
        directory.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_TRUNC
        self.fds = [
            os.open(directory / f"{topic}-{p}.log", flags, 0o644) for p in range(partitions)
        ]
        self.next_offsets = [0] * partitions
        self.corrupt = 0  # partitions' records rejected as corrupt
        #: Requests served per API name (a Produce with acks 0 too, though nothing answers it).
        self.requests: Counter[str] = Counter()
        self._producer_ids = itertools.count(1000)
        self._metadata_topic = _Topic(
            error_code=0,
            name=topic,
            is_internal=False,
            partitions=[
                _Partition(
                    error_code=0,
                    partition_index=p,
                    leader_id=NODE_ID,
                    leader_epoch=LEADER_EPOCH,
                    replica_nodes=[NODE_ID],
                    isr_nodes=[NODE_ID],
                    offline_replicas=[],
                )
                for p in range(partitions)
            ],
        )
        self._api_versions = [
            ApiVersionsResponse.ApiVersion(api_key=k, min_version=lo, max_version=hi)
            for k, lo, hi in API_KEYS
        ]

    def close(self) -> None:
        """Close the partition files."""
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fds = []

    # -- the produce path ----------------------------------------------------------------------

    def append(self, partition: int, records: memoryview) -> int:
        """Validate, patch and append one partition's records; return their base offset.

        Raises CorruptMessageError for bad framing or CRC (nothing is written then).
        """
        base = offset = self.next_offsets[partition]
        pos = 0
        for batch in iter_batches(records, allow_partial=False):
            batch.validate()
            patch_base_offset(records, offset, pos=pos)
            patch_partition_leader_epoch(records, LEADER_EPOCH, pos=pos)
            offset += batch.last_offset_delta + 1
            pos += batch.size_in_bytes
        if pos == 0:
            raise CorruptMessageError("produce request without a record batch")
        fd = self.fds[partition]
        written = os.write(fd, records)
        while written < len(records):  # regular files write whole; this is for the odd case
            written += os.write(fd, records[written:])
        self.next_offsets[partition] = offset
        return base

    def produce(self, request: ProduceRequest, version: int) -> ProduceResponse:
        """Append every partition's records; one response entry per partition."""
        responses: list[_TopicResponse] = []
        for topic in request.topic_data:
            parts: list[_PartitionResponse] = []
            responses.append(_TopicResponse(name=topic.name, partition_responses=parts))
            known = topic.name == self.topic
            for data in topic.partition_data:
                index = data.index
                if not known or not 0 <= index < self.partitions:
                    parts.append(_error(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
                    continue
                records = data.records
                if not isinstance(records, memoryview):
                    records = memoryview(bytearray(cast(bytes, records or b"")))
                try:
                    base = self.append(index, records)
                except CorruptMessageError as exc:
                    self.corrupt += 1
                    if self.corrupt <= MAX_LOGGED_ERRORS:
                        log.warning("corrupt records for %s-%d: %s", topic.name, index, exc)
                    parts.append(_error(index, ErrorCode.CORRUPT_MESSAGE))
                    continue
                parts.append(
                    _PartitionResponse(
                        index=index, error_code=0, base_offset=base, log_start_offset=0
                    )
                )
        return ProduceResponse(responses=responses, throttle_time_ms=0)

    # -- the other APIs -------------------------------------------------------------------------

    def api_versions(self) -> ApiVersionsResponse:
        """Every API the sink answers, with its version range."""
        return ApiVersionsResponse(error_code=0, api_keys=self._api_versions)

    def metadata(self, request: MetadataRequest) -> MetadataResponse:
        """This broker, and the bench topic if asked for (or all topics are)."""
        topics: list[_Topic] = []
        if request.topics is None:
            topics.append(self._metadata_topic)
        else:
            for wanted in request.topics:
                if wanted.name == self.topic:
                    topics.append(self._metadata_topic)
                else:
                    topics.append(
                        _Topic(
                            error_code=ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                            name=wanted.name,
                            partitions=[],
                        )
                    )
        return MetadataResponse(
            brokers=[_Broker(node_id=NODE_ID, host=self.host, port=self.port)],
            cluster_id=CLUSTER_ID,
            controller_id=NODE_ID,
            topics=topics,
        )

    def init_producer_id(self) -> InitProducerIdResponse:
        """A new producer id at epoch 0."""
        return InitProducerIdResponse(
            error_code=0, producer_id=next(self._producer_ids), producer_epoch=0
        )


def _error(index: int, code: ErrorCode) -> _PartitionResponse:
    return _PartitionResponse(index=index, error_code=code, base_offset=-1)


class SinkConnection(asyncio.BufferedProtocol):
    """One client connection: frames in, each answered at once and in order."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._decoder = FrameDecoder()
        self._transport: asyncio.Transport | None = None
        self._closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._decoder.get_buffer()

    def buffer_updated(self, nbytes: int) -> None:
        try:
            frames = self._decoder.buffer_updated(nbytes)
        except ProtocolError as exc:
            self.close(f"malformed frame: {exc}")
            return
        out: list[Any] = []
        for frame in frames:
            if self._closed or not self._handle(frame, out):
                break
        if out and self._transport is not None and not self._closed:
            self._transport.writelines(out)

    def eof_received(self) -> bool | None:
        return None

    def pause_writing(self) -> None:
        # A client that does not read its responses: stop reading its requests.
        if self._transport is not None:
            self._transport.pause_reading()

    def resume_writing(self) -> None:
        if self._transport is not None and not self._closed:
            self._transport.resume_reading()

    def _handle(self, frame: memoryview, out: list[Any]) -> bool:
        """Answer one request into ``out``; False if the connection was closed."""
        try:
            request = decode_request(frame)
        except UnsupportedRequestError as exc:
            if exc.header.api_key == API_VERSIONS_KEY:
                out.append(api_versions_fallback(exc.header.correlation_id, API_KEYS))
                self._sink.requests[API_NAMES[API_VERSIONS_KEY]] += 1
                return True
            self.close(f"unsupported request key {exc.header.api_key} v{exc.header.api_version}")
            return False
        except ProtocolError as exc:
            self.close(f"malformed request: {exc}")
            return False
        header: RequestHeader = request.header
        key, version = header.api_key, header.api_version
        lo, hi = _SERVED.get(key, (1, 0))
        if not lo <= version <= hi:
            self.close(f"unsupported request key {key} v{version}")
            return False
        body = request.body
        response: Message
        self._sink.requests[API_NAMES[key]] += 1
        if key == _PRODUCE:
            produce = cast(ProduceRequest, body)
            response = self._sink.produce(produce, version)
            if produce.acks == 0:
                return True
        elif key == _METADATA:
            response = self._sink.metadata(cast(MetadataRequest, body))
        elif key == _API_VERSIONS:
            response = self._sink.api_versions()
        else:
            response = self._sink.init_producer_id()
        out.extend(encode_response(header, response))
        return True

    def close(self, reason: str) -> None:
        """Drop the connection, logging why."""
        if self._closed:
            return
        log.warning("closing connection: %s", reason)
        self._closed = True
        if self._transport is not None:
            self._transport.abort()


def _new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


async def serve(sink: Sink, host: str, port: int, on_ready: Callable[[int], None]) -> None:
    """Accept connections until SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = await loop.create_server(
        lambda: SinkConnection(sink), host=host, port=port, reuse_address=True
    )
    sink.host = host
    sink.port = server.sockets[0].getsockname()[1]
    on_ready(sink.port)
    try:
        await stop.wait()
    finally:
        server.close()


def requests_line(requests: Counter[str]) -> str:
    """``Sink requests: ApiVersions=1 Metadata=2 Produce=30000`` (APIs by name)."""
    return REQUESTS_PREFIX + "".join(f" {api}={n}" for api, n in sorted(requests.items()))


def requests_served(output: str) -> dict[str, int]:
    """The request counts of the last ``requests_line`` in a stopped sink's output; empty if
    it printed none (it was killed)."""
    found = _REQUESTS_LINE.findall(output)
    if not found:
        return {}
    pairs = (item.split("=") for item in found[-1].split())
    return {api: int(n) for api, n in pairs}


def main(argv: list[str] | None = None) -> int:
    """Run the sink until SIGTERM or Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9092, help="port (0: any free one)")
    parser.add_argument("--dir", type=Path, required=True, help="where the partition files go")
    parser.add_argument("--topic", default="bench", help="the one topic served")
    parser.add_argument("--partitions", type=int, default=1, help="its partition count")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    sink = Sink(args.dir, args.topic, args.partitions)
    # The broker's allocator settings (samsa broker start sets them): the ceiling keeps large
    # request buffers in the heap as the broker does.
    keep_large_buffers()

    def ready(port: int) -> None:
        print(f"Sink listening on {args.host}:{port}", flush=True)

    try:
        with asyncio.Runner(loop_factory=_new_event_loop) as runner:
            runner.run(serve(sink, args.host, args.port, ready))
    finally:
        sink.close()
        print(requests_line(sink.requests), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
