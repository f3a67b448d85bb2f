"""The console's way to its cluster: a Kafka client of the broker's own cluster.

Facts about partitions this broker does not lead (offsets, sizes, records, committed offsets
of groups coordinated elsewhere) are only known to other brokers, so the console asks the
cluster as any Kafka client would: one long-lived ``client.admin.Admin`` per broker, created at
the first call, connected to this broker's inter-broker listener with the broker's own
inter-broker security (the identity followers fetch with, a super user in a secured cluster;
the console applies its user's ACLs itself), closed when the HTTP application stops. Every call
has a deadline (``CALL_TIMEOUT_MS``).

Records are read with Fetch from the partition's leader (``read_records``): batches decoded as
the client's consumer decodes them, decompression bounded, control batches skipped, at most
``max_bytes`` of batches read per call. A test message is one record batch sent with Produce
(acks=all) to the leader (``produce_record``).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, Protocol

from broker.config import BrokerConfig
from broker.replication.security import inter_broker_security
from client.admin import Admin
from client.cluster import Cluster
from client.consumer.records import ConsumerRecord, decode_consumer_records
from client.errors import KafkaConnectionError, KafkaTimeoutError, error_from_code
from client.offsets import EARLIEST, LATEST, ListedOffset, list_offsets
from client.types import TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import FetchRequest, ProduceRequest
from protocol.partitioner import murmur2
from protocol.records import RecordBatchBuilder, decompress, iter_batches
from protocol.records.header import COMPRESSION_MASK, CONTROL_FLAG, TIMESTAMP_TYPE_FLAG

if TYPE_CHECKING:
    from broker.group.driver import GroupCoordinator
    from broker.handlers.base import BrokerServices
    from broker.replication.manager import ReplicaManager

__all__ = [
    "CALL_TIMEOUT_MS",
    "MAX_DECOMPRESSED_BYTES",
    "ConsoleBackend",
    "ConsoleBroker",
    "PartitionOffsets",
]

#: Deadline of every call the console makes to the cluster: a page waits no longer.
CALL_TIMEOUT_MS: Final = 10_000
#: A compressed batch may expand to at most this much while the console reads it (a hostile
#: batch cannot make the broker allocate more for one page of records).
MAX_DECOMPRESSED_BYTES: Final = 16 * 1024 * 1024
#: Fetch rounds per read: a read stops after this many answers even if each brought little
#: (compacted or aborted ranges).
_MAX_FETCH_ROUNDS: Final = 16
#: Retries of a partition whose leader moved during a read or a produce.
_LEADER_RETRIES: Final = 3
_LEADER_ERRORS: Final = frozenset(
    {
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ErrorCode.LEADER_NOT_AVAILABLE,
        ErrorCode.FENCED_LEADER_EPOCH,
        ErrorCode.UNKNOWN_LEADER_EPOCH,
    }
)

_FetchTopic = FetchRequest.FetchTopic
_FetchPartition = FetchRequest.FetchTopic.FetchPartition
_ProduceTopic = ProduceRequest.TopicProduceData
_ProducePartition = ProduceRequest.TopicProduceData.PartitionProduceData


class ConsoleBroker(Protocol):
    """What the console reads of the broker (``broker.Broker`` has all of it)."""

    @property
    def config(self) -> BrokerConfig: ...

    @property
    def cluster_id(self) -> str: ...

    @property
    def replica_manager(self) -> ReplicaManager | None: ...

    @property
    def services(self) -> BrokerServices | None: ...

    @property
    def group_coordinator(self) -> GroupCoordinator | None: ...


class PartitionOffsets:
    """A partition's log start offset and high watermark."""

    __slots__ = ("high_watermark", "log_start_offset")

    def __init__(self, log_start_offset: int, high_watermark: int) -> None:
        self.log_start_offset = log_start_offset
        self.high_watermark = high_watermark


class ConsoleBackend:
    """One broker's console client of its cluster (lazily connected, closed by ``close``)."""

    def __init__(self, broker: ConsoleBroker) -> None:
        self.broker = broker
        self._admin: Admin | None = None
        self._lock = asyncio.Lock()

    @property
    def timeout_s(self) -> float:
        return CALL_TIMEOUT_MS / 1000

    async def admin(self) -> Admin:
        """The client, connected on first use (``KafkaConnectionError`` while the broker has
        no inter-broker endpoint yet)."""
        async with self._lock:
            if self._admin is None:
                self._admin = await self._connect()
            return self._admin

    async def _connect(self) -> Admin:
        broker = self.broker
        services = broker.services
        config = broker.config
        name = config.inter_broker_listener.name
        if services is None or name not in services.advertised_endpoints:
            raise KafkaConnectionError("?", 0, "the broker is not serving yet")
        host, port = services.advertised_endpoints[name]
        admin = Admin(
            bootstrap_servers=f"{host}:{port}",
            client_id="samsa-console",
            request_timeout_ms=CALL_TIMEOUT_MS,
        )
        # The console connects as the broker connects to its peers (TLS context, SASL user),
        # which the client's string options cannot express: the security object is set before
        # the first connection opens.
        admin._cluster.security = inter_broker_security(config)
        try:
            async with asyncio.timeout(self.timeout_s):
                await admin.start()
        except BaseException:
            await admin.close()
            raise
        return admin

    async def cluster(self) -> Cluster:
        return (await self.admin())._cluster

    async def close(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            await admin.close()

    # -- offsets -----------------------------------------------------------------------------

    async def offsets(
        self, tps: Iterable[TopicPartition]
    ) -> dict[TopicPartition, PartitionOffsets]:
        """Log start offset and high watermark of each partition (ListOffsets at the leaders).

        Partitions the metadata image does not have (a deleted topic) or that have no leader
        (offline) are left out of the answer: asking for them would only wait out the call's
        deadline."""
        image = self._image()
        wanted = [
            tp
            for tp in tps
            if image is not None
            and (p := image.partition(tp.topic, tp.partition)) is not None
            and p.leader >= 0
        ]
        if not wanted:
            return {}
        cluster = await self.cluster()
        if any(cluster.metadata.leader_for(tp) is None for tp in wanted):
            # One Metadata request for the topics not known yet, before the lookups (which
            # would otherwise each wait for the background refresh).
            cluster.add_topics({tp.topic for tp in wanted})
            await cluster.refresh()
        starts, ends = await asyncio.gather(
            list_offsets(cluster, dict.fromkeys(wanted, EARLIEST), timeout_s=self.timeout_s),
            list_offsets(cluster, dict.fromkeys(wanted, LATEST), timeout_s=self.timeout_s),
        )
        return {tp: PartitionOffsets(starts[tp].offset, ends[tp].offset) for tp in wanted}

    async def offset_for_time(self, tp: TopicPartition, timestamp_ms: int) -> ListedOffset:
        cluster = await self.cluster()
        found = await list_offsets(cluster, {tp: timestamp_ms}, timeout_s=self.timeout_s)
        return found[tp]

    async def sizes(self, topics: Iterable[str] | None) -> dict[TopicPartition, int]:
        """Bytes on disk of each partition's leader replica (DescribeLogDirs at every
        broker); partitions whose leader did not answer are absent."""
        admin = await self.admin()
        image = self._image()
        dirs = await admin.describe_log_dirs(
            None if topics is None else list(topics), timeout_ms=CALL_TIMEOUT_MS
        )
        out: dict[TopicPartition, int] = {}
        for d in dirs:
            for tp, info in d.replicas.items():
                part = image.partition(tp.topic, tp.partition) if image is not None else None
                if part is not None and part.leader == d.node_id and not info.is_future:
                    out[tp] = info.size_bytes
        return out

    def _image(self) -> Any:
        replicas = self.broker.replica_manager
        return None if replicas is None else replicas.image

    # -- records -----------------------------------------------------------------------------

    async def read_records(
        self, tp: TopicPartition, start: int, end: int, limit: int, max_bytes: int
    ) -> list[ConsumerRecord]:
        """Up to ``limit`` records of ``tp`` from ``start`` (inclusive) to ``end`` (exclusive),
        reading at most ``max_bytes`` of batches in all."""
        out: list[ConsumerRecord] = []
        offset = start
        budget = max_bytes
        for _ in range(_MAX_FETCH_ROUNDS):
            if offset >= end or len(out) >= limit or budget <= 0:
                break
            records, next_offset, size = await self._fetch(tp, offset, budget)
            budget -= max(size, 1)
            for r in records:
                if r.offset >= end or len(out) >= limit:
                    break
                out.append(r)
            if next_offset <= offset:
                break  # nothing more below the high watermark
            offset = next_offset
        return out

    async def _fetch(
        self, tp: TopicPartition, offset: int, max_bytes: int
    ) -> tuple[list[ConsumerRecord], int, int]:
        """One Fetch at ``offset``: the records, the offset after the last batch, the bytes."""
        cluster = await self.cluster()
        for attempt in range(_LEADER_RETRIES + 1):
            leader = await self._leader(cluster, tp)
            request = FetchRequest(
                replica_id=-1,
                max_wait_ms=0,
                min_bytes=0,
                max_bytes=max_bytes,
                isolation_level=0,
                session_id=0,
                session_epoch=-1,
                topics=[
                    _FetchTopic(
                        topic=tp.topic,
                        partitions=[
                            _FetchPartition(
                                partition=tp.partition,
                                current_leader_epoch=-1,
                                fetch_offset=offset,
                                log_start_offset=-1,
                                partition_max_bytes=max_bytes,
                            )
                        ],
                    )
                ],
                forgotten_topics_data=[],
                rack_id="",
            )
            response = await cluster.request(leader, request, timeout_s=self.timeout_s)
            if response.error_code:
                raise error_from_code(response.error_code, f"fetching {tp}")
            part = response.responses[0].partitions[0]
            code = part.error_code
            if code in _LEADER_ERRORS and attempt < _LEADER_RETRIES:
                cluster.invalidate_leaders([tp])
                await cluster.refresh()
                continue
            if code:
                raise error_from_code(code, f"fetching {tp} at offset {offset}")
            data = part.records or b""
            records: list[ConsumerRecord] = []
            next_offset = offset
            for batch in iter_batches(data):
                next_offset = max(next_offset, batch.next_offset)
                if batch.attributes & CONTROL_FLAG or batch.next_offset <= offset:
                    continue
                records.extend(_decode(batch, tp, offset))
            return records, next_offset, len(data)
        raise KafkaTimeoutError(f"the leader of {tp} kept moving")

    async def _leader(self, cluster: Cluster, tp: TopicPartition) -> int:
        info = cluster.metadata.partition(tp)
        if info is None or info.leader < 0:
            await cluster.wait_for_topic(tp.topic, self.timeout_s)
            cluster.add_topics([tp.topic])
            await cluster.refresh()
            info = cluster.metadata.partition(tp)
        if info is None:
            raise error_from_code(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, f"no partition {tp}")
        if info.leader < 0:
            raise error_from_code(ErrorCode.LEADER_NOT_AVAILABLE, f"{tp} has no leader")
        return info.leader

    async def first_timestamp(self, tp: TopicPartition, offset: int) -> int | None:
        """The timestamp of the first record at or after ``offset`` (None when there is none
        below the high watermark): one small Fetch at the leader. Consumer lag caches it
        (``broker.http.lag``)."""
        records = await self.read_records(tp, offset, _NO_END, 1, _TIMESTAMP_READ_BYTES)
        return records[0].timestamp if records else None

    # -- produce -----------------------------------------------------------------------------

    async def partition_for(self, topic: str, key: bytes | None) -> int:
        """Kafka's default partitioner: murmur2 of the key, a random partition without one."""
        cluster = await self.cluster()
        info = await cluster.wait_for_topic(topic, self.timeout_s)
        count = info.num_partitions
        if count <= 0:
            raise error_from_code(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, f"topic {topic!r}")
        if key is None:
            return random.randrange(count)
        return (murmur2(key) & 0x7FFFFFFF) % count

    async def produce_record(
        self,
        tp: TopicPartition,
        key: bytes | None,
        value: bytes | None,
        headers: Iterable[tuple[str, bytes | None]],
    ) -> int:
        """Append one record with acks=all; its offset."""
        cluster = await self.cluster()
        builder = RecordBatchBuilder()
        builder.append(
            value,
            key=key,
            headers=list(headers),
            timestamp_ms=int(time.time() * 1000),
        )
        batch = builder.build()
        request = ProduceRequest(
            transactional_id=None,
            acks=-1,
            timeout_ms=CALL_TIMEOUT_MS,
            topic_data=[
                _ProduceTopic(
                    name=tp.topic,
                    partition_data=[_ProducePartition(index=tp.partition, records=batch)],
                )
            ],
        )
        for attempt in range(_LEADER_RETRIES + 1):
            leader = await self._leader(cluster, tp)
            response = await cluster.request(leader, request, timeout_s=self.timeout_s)
            part = response.responses[0].partition_responses[0]
            code = part.error_code
            if code in _LEADER_ERRORS and attempt < _LEADER_RETRIES:
                cluster.invalidate_leaders([tp])
                await cluster.refresh()
                continue
            if code:
                raise error_from_code(code, f"producing to {tp}")
            return int(part.base_offset)
        raise KafkaTimeoutError(f"the leader of {tp} kept moving")


#: An end offset past any log's.
_NO_END: Final = 1 << 62
#: Bytes read to find one record's timestamp: the batch holding it (Kafka answers with at least
#: the first batch even when it is larger).
_TIMESTAMP_READ_BYTES: Final = 64 * 1024


def _decode(batch: Any, tp: TopicPartition, min_offset: int) -> list[ConsumerRecord]:
    codec = batch.attributes & COMPRESSION_MASK
    payload = batch.payload()
    if codec == 0:
        data = bytes(payload)
    else:
        data = decompress(batch.compression, payload, max_bytes=MAX_DECOMPRESSED_BYTES)
    log_append = batch.attributes & TIMESTAMP_TYPE_FLAG
    return decode_consumer_records(
        data,
        batch.records_count,
        topic=tp.topic,
        partition=tp.partition,
        base_offset=batch.base_offset,
        base_timestamp=batch.base_timestamp,
        timestamp_type=1 if log_append else 0,
        log_append_time=batch.max_timestamp if log_append else -1,
        leader_epoch=batch.partition_leader_epoch,
        min_offset=min_offset,
        key_deserializer=None,
        value_deserializer=None,
    )


def local_commit_times(broker: ConsoleBroker, group_id: str) -> dict[TopicPartition, int]:
    """When each of the group's offsets was committed, if this broker coordinates the group
    (OffsetFetch does not carry the time; other coordinators' groups have none here)."""
    coordinator = broker.group_coordinator
    core = None if coordinator is None else coordinator.core
    if core is None:
        return {}
    return {
        TopicPartition(tp.topic, tp.partition): om.commit_timestamp_ms
        for tp, om in core.committed_offsets(group_id).items()
    }
