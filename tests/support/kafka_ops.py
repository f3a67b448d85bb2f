"""Request builders for broker tests: one call per common Kafka operation over a WireClient."""

from __future__ import annotations

from typing import Any

from support.wire import WireClient

from protocol.messages import (
    CreateTopicsRequest,
    FetchRequest,
    ListOffsetsRequest,
    MetadataRequest,
    ProduceRequest,
)
from protocol.records import iter_batches


async def create_topic(
    client: WireClient,
    name: str,
    partitions: int = 1,
    configs: dict[str, str] | None = None,
    version: int = 5,
) -> Any:
    topic = CreateTopicsRequest.CreatableTopic(
        name=name,
        num_partitions=partitions,
        replication_factor=-1,
        configs=[
            CreateTopicsRequest.CreatableTopic.CreatableTopicConfig(name=k, value=v)
            for k, v in (configs or {}).items()
        ],
    )
    response = await client.request(CreateTopicsRequest(topics=[topic], timeout_ms=10_000), version)
    result = response.topics[0]
    assert result.error_code == 0, result
    return result


async def metadata(
    client: WireClient, topics: list[str] | None, version: int = 8, allow_auto_create: bool = True
) -> Any:
    body = MetadataRequest(
        topics=[MetadataRequest.MetadataRequestTopic(name=t) for t in topics or []],
        allow_auto_topic_creation=allow_auto_create,
    )
    if topics is None:
        body.topics = None  # the constructor maps None to []
    return await client.request(body, version)


def produce_request(
    topic: str, partition: int, records: bytes | None, *, acks: int = -1, timeout_ms: int = 5000
) -> ProduceRequest:
    return ProduceRequest(
        acks=acks,
        timeout_ms=timeout_ms,
        topic_data=[
            ProduceRequest.TopicProduceData(
                name=topic,
                partition_data=[
                    ProduceRequest.TopicProduceData.PartitionProduceData(
                        index=partition, records=records
                    )
                ],
            )
        ],
    )


async def produce(
    client: WireClient,
    topic: str,
    partition: int,
    records: bytes | None,
    *,
    acks: int = -1,
    version: int = 8,
) -> Any:
    """The one partition response."""
    response = await client.request(produce_request(topic, partition, records, acks=acks), version)
    return response.responses[0].partition_responses[0]


def fetch_request(
    topic: str,
    partition: int,
    offset: int,
    *,
    max_wait_ms: int = 0,
    min_bytes: int = 1,
    max_bytes: int = 50 * 1024 * 1024,
    partition_max_bytes: int = 1024 * 1024,
    current_leader_epoch: int = -1,
    isolation_level: int = 0,
    partitions: list[tuple[int, int]] | None = None,
) -> FetchRequest:
    parts = partitions if partitions is not None else [(partition, offset)]
    return FetchRequest(
        replica_id=-1,
        max_wait_ms=max_wait_ms,
        min_bytes=min_bytes,
        max_bytes=max_bytes,
        isolation_level=isolation_level,
        session_id=0,
        session_epoch=-1,
        topics=[
            FetchRequest.FetchTopic(
                topic=topic,
                partitions=[
                    FetchRequest.FetchTopic.FetchPartition(
                        partition=p,
                        current_leader_epoch=current_leader_epoch,
                        fetch_offset=o,
                        log_start_offset=-1,
                        partition_max_bytes=partition_max_bytes,
                    )
                    for p, o in parts
                ],
            )
        ],
    )


async def fetch(
    client: WireClient, topic: str, partition: int, offset: int, *, version: int = 11, **kwargs: Any
) -> Any:
    """The one partition's data."""
    response = await client.request(fetch_request(topic, partition, offset, **kwargs), version)
    assert response.error_code == 0
    return response.responses[0].partitions[0]


def values_of(records: Any) -> list[bytes | None]:
    """Every record value in a records blob."""
    if not records:
        return []
    out: list[bytes | None] = []
    for batch in iter_batches(bytes(records)):
        out.extend(r.value for r in batch.records())
    return out


def offsets_of(records: Any) -> list[int]:
    if not records:
        return []
    out: list[int] = []
    for batch in iter_batches(bytes(records)):
        out.extend(r.offset for r in batch.records())
    return out


async def list_offset(
    client: WireClient,
    topic: str,
    partition: int,
    timestamp: int,
    version: int = 7,
    isolation_level: int = 0,
    current_leader_epoch: int = -1,
) -> Any:
    body = ListOffsetsRequest(
        replica_id=-1,
        isolation_level=isolation_level,
        topics=[
            ListOffsetsRequest.ListOffsetsTopic(
                name=topic,
                partitions=[
                    ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition(
                        partition_index=partition,
                        current_leader_epoch=current_leader_epoch,
                        timestamp=timestamp,
                    )
                ],
            )
        ],
    )
    response = await client.request(body, version)
    return response.topics[0].partitions[0]
