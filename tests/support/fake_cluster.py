"""A tiny in-memory Kafka cluster of scripted brokers, for client tests that need what a
single-node broker cannot show: partition leaders moving between brokers, fenced epochs,
lost producer state.

Every broker shares one log per partition (as if replication were instant); only the current
leader serves Produce and Fetch, the others answer NOT_LEADER_OR_FOLLOWER. Tests move leaders,
bump epochs and inject one-off errors through ``FakeCluster``.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from support.fake_broker import FakeBroker, api_versions_body

from protocol.codec import Request
from protocol.errors import ErrorCode
from protocol.messages import (
    FetchResponse,
    FindCoordinatorResponse,
    InitProducerIdResponse,
    ListOffsetsResponse,
    MetadataResponse,
    ProduceResponse,
)
from protocol.records import RecordBatch, iter_batches, patch_base_offset

VERSIONS = {0: (3, 8), 1: (4, 11), 2: (1, 7), 3: (1, 8), 10: (0, 3), 18: (0, 4), 22: (0, 4)}


@dataclass
class PartitionLog:
    leader: int = 1
    epoch: int = 0
    batches: list[bytes] = field(default_factory=list)
    next_offset: int = 0


class FakeCluster:
    """Brokers 1..n on free ports sharing partition logs."""

    def __init__(self, brokers: int, topics: dict[str, int]) -> None:
        self.topics = topics
        self.logs: dict[tuple[str, int], PartitionLog] = {
            (t, p): PartitionLog() for t, n in topics.items() for p in range(n)
        }
        self.nodes = {n: FakeBroker(self._handler(n)) for n in range(1, brokers + 1)}
        #: One-off errors: (api_key, node) → error codes to answer next, in order.
        self.inject: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.producer_ids = 0
        #: Next expected sequence per (topic, partition, producer id), as a broker checks.
        self.sequences: dict[tuple[str, int, int], int] = {}
        self.requests: list[tuple[int, int]] = []  # (node, api_key)

    async def __aenter__(self) -> FakeCluster:
        for broker in self.nodes.values():
            await broker.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for broker in self.nodes.values():
            await broker.__aexit__(*exc)

    @property
    def bootstrap(self) -> str:
        return self.nodes[1].bootstrap

    def move_leader(self, topic: str, partition: int, node: int) -> None:
        log = self.logs[(topic, partition)]
        log.leader = node
        log.epoch += 1

    def count(self, api_key: int, node: int | None = None) -> int:
        return sum(1 for n, k in self.requests if k == api_key and (node is None or n == node))

    def records(self, topic: str, partition: int) -> list[Any]:
        out: list[Any] = []
        for raw in self.logs[(topic, partition)].batches:
            out.extend(RecordBatch(raw).records())
        return out

    def batch_headers(self, topic: str, partition: int) -> list[RecordBatch]:
        return [RecordBatch(raw) for raw in self.logs[(topic, partition)].batches]

    # -- serving -----------------------------------------------------------------------------

    def _handler(self, node: int) -> Any:
        async def handle(request: Request) -> Any:
            key = request.header.api_key
            self.requests.append((node, key))
            await asyncio.sleep(0)
            injected = self.inject.get((key, node))
            code = injected.pop(0) if injected else 0
            body = request.body
            if key == 18:
                return api_versions_body(VERSIONS)
            if key == 3:
                return self._metadata(body)
            if key == 22:
                self.producer_ids += 1
                return InitProducerIdResponse(
                    error_code=code, producer_id=1000 + self.producer_ids, producer_epoch=0
                )
            if key == 10:
                return FindCoordinatorResponse(
                    error_code=code, node_id=1, host="127.0.0.1", port=self.nodes[1].port
                )
            if key == 0:
                return self._produce(node, body, code)
            if key == 1:
                return self._fetch(node, body, code)
            if key == 2:
                return self._list_offsets(node, body)
            raise AssertionError(f"the fake cluster does not serve API {key}")

        return handle

    def _metadata(self, body: Any) -> MetadataResponse:
        names = list(self.topics) if body.topics is None else [t.name for t in body.topics]
        topics = []
        for name in names:
            if name not in self.topics:
                topics.append(
                    MetadataResponse.MetadataResponseTopic(
                        error_code=ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name=name
                    )
                )
                continue
            partitions = []
            for p in range(self.topics[name]):
                log = self.logs[(name, p)]
                partitions.append(
                    MetadataResponse.MetadataResponseTopic.MetadataResponsePartition(
                        partition_index=p,
                        leader_id=log.leader,
                        leader_epoch=log.epoch,
                        replica_nodes=sorted(self.nodes),
                        isr_nodes=sorted(self.nodes),
                    )
                )
            topics.append(MetadataResponse.MetadataResponseTopic(name=name, partitions=partitions))
        return MetadataResponse(
            brokers=[
                MetadataResponse.MetadataResponseBroker(node_id=n, host="127.0.0.1", port=b.port)
                for n, b in self.nodes.items()
            ],
            cluster_id="fake-cluster",
            controller_id=1,
            topics=topics,
        )

    def _produce(self, node: int, body: Any, injected: int) -> ProduceResponse:
        responses = []
        for topic in body.topic_data:
            parts = []
            for p in topic.partition_data:
                log = self.logs[(topic.name, p.index)]
                code = injected or (0 if log.leader == node else ErrorCode.NOT_LEADER_OR_FOLLOWER)
                base = -1
                if code == 0:
                    code = self._check_sequences(topic.name, p.index, bytes(p.records))
                if code == 0:
                    for batch in iter_batches(bytes(p.records)):
                        if batch.producer_id >= 0:
                            self.sequences[(topic.name, p.index, batch.producer_id)] = (
                                batch.base_sequence + batch.records_count
                            )
                        raw = bytearray(batch.buffer)
                        base = log.next_offset if base < 0 else base
                        patch_base_offset(raw, log.next_offset)
                        log.next_offset += batch.last_offset_delta + 1
                        log.batches.append(bytes(raw))
                parts.append(
                    ProduceResponse.TopicProduceResponse.PartitionProduceResponse(
                        index=p.index, error_code=code, base_offset=base
                    )
                )
            responses.append(
                ProduceResponse.TopicProduceResponse(name=topic.name, partition_responses=parts)
            )
        return ProduceResponse(responses=responses)

    def _check_sequences(self, topic: str, partition: int, records: bytes) -> int:
        for batch in iter_batches(records):
            if batch.producer_id < 0:
                continue
            expected = self.sequences.get((topic, partition, batch.producer_id))
            if expected is None or batch.base_sequence == expected:
                continue  # a producer the partition never saw may start anywhere
            if batch.base_sequence > expected:
                return ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER
            return ErrorCode.DUPLICATE_SEQUENCE_NUMBER
        return 0

    def _fetch(self, node: int, body: Any, injected: int) -> FetchResponse:
        responses = []
        for topic in body.topics:
            parts = []
            for p in topic.partitions:
                log = self.logs[(topic.topic, p.partition)]
                code = injected or (0 if log.leader == node else ErrorCode.NOT_LEADER_OR_FOLLOWER)
                if code == 0 and 0 <= p.current_leader_epoch < log.epoch:
                    code = ErrorCode.FENCED_LEADER_EPOCH
                records = b""
                if code == 0:
                    records = b"".join(
                        raw for raw in log.batches if RecordBatch(raw).next_offset > p.fetch_offset
                    )
                parts.append(
                    FetchResponse.FetchableTopicResponse.PartitionData(
                        partition_index=p.partition,
                        error_code=code,
                        high_watermark=log.next_offset,
                        last_stable_offset=log.next_offset,
                        log_start_offset=0,
                        records=records,
                    )
                )
            responses.append(
                FetchResponse.FetchableTopicResponse(topic=topic.topic, partitions=parts)
            )
        return FetchResponse(responses=responses)

    def _list_offsets(self, node: int, body: Any) -> ListOffsetsResponse:
        topics = []
        for topic in body.topics:
            parts = []
            for p in topic.partitions:
                log = self.logs[(topic.name, p.partition_index)]
                code = 0 if log.leader == node else ErrorCode.NOT_LEADER_OR_FOLLOWER
                offset = 0 if p.timestamp == -2 else log.next_offset
                parts.append(
                    ListOffsetsResponse.ListOffsetsTopicResponse.ListOffsetsPartitionResponse(
                        partition_index=p.partition_index,
                        error_code=code,
                        offset=offset,
                        timestamp=-1,
                        leader_epoch=log.epoch,
                    )
                )
            topics.append(
                ListOffsetsResponse.ListOffsetsTopicResponse(name=topic.name, partitions=parts)
            )
        return ListOffsetsResponse(topics=topics)
