"""What an injected fault does to the messages of one request, per API: pure functions over
decoded requests and responses, called by the connection (``connection.py``) only when
``FaultPlan.on_request`` decided that a fault applies to the request.

* ``partitions_of``: the topic partitions a request names, for faults scoped to a topic
  (Produce, Fetch, ListOffsets, OffsetCommit, OffsetFetch, OffsetForLeaderEpoch; None for
  the other APIs, which such faults then do not match). Fetch is served up to v11, where a
  request names its topics, so no topic id needs resolving.
* ``split_request`` (error, when=before, scoped to a topic): a Produce or Fetch without the
  scoped partitions, for the handler, and the partitions taken out; ``with_errors`` then adds
  the taken partitions to the handler's answer with the error code.
* ``rewrite_errors`` (error, when=after, scoped): the handler's Produce or Fetch answer with
  the scoped partitions' entries replaced by error entries (a Fetch's records in them handed to
  ``release``, as they will not be sent).
* ``partial_response`` (drop with mid_response): the first half of a response's bytes.

Error entries have Kafka's per-partition layout for an error: Produce base offset -1, log
append time -1 and log start offset -1; Fetch high watermark, last stable offset and log start
offset -1, no aborted transactions and no records.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from protocol.errors import ErrorCode
from protocol.messages import (
    FetchRequest,
    FetchResponse,
    ListOffsetsRequest,
    Message,
    OffsetCommitRequest,
    OffsetFetchRequest,
    OffsetForLeaderEpochRequest,
    ProduceRequest,
    ProduceResponse,
)

__all__ = [
    "Split",
    "TopicPartition",
    "partial_response",
    "partitions_of",
    "rewrite_errors",
    "split_request",
    "with_errors",
]

TopicPartition: TypeAlias = tuple[str, int]
#: Partitions by topic, in request order.
Taken: TypeAlias = list[tuple[str, list[int]]]

_ProduceTopic = ProduceRequest.TopicProduceData
_TopicResponse = ProduceResponse.TopicProduceResponse
_PartitionResponse = ProduceResponse.TopicProduceResponse.PartitionProduceResponse
_FetchTopic = FetchRequest.FetchTopic
_FetchTopicData = FetchResponse.FetchableTopicResponse
_FetchPartitionData = FetchResponse.FetchableTopicResponse.PartitionData

#: Kafka's "no offset" in a response (base offset, high watermark, log start offset).
_NO_OFFSET: Final = -1


# -- which partitions a request names ------------------------------------------------------------


def _produce(body: ProduceRequest) -> Iterator[TopicPartition]:
    for t in body.topic_data:
        for p in t.partition_data:
            yield t.name, p.index


def _fetch(body: FetchRequest) -> Iterator[TopicPartition]:
    for t in body.topics:
        for p in t.partitions:
            yield t.topic, p.partition


def _list_offsets(body: ListOffsetsRequest) -> Iterator[TopicPartition]:
    for t in body.topics:
        for p in t.partitions:
            yield t.name, p.partition_index


def _offset_commit(body: OffsetCommitRequest) -> Iterator[TopicPartition]:
    for t in body.topics:
        for p in t.partitions:
            yield t.name, p.partition_index


def _offset_fetch(body: OffsetFetchRequest) -> Iterator[TopicPartition]:
    # v0-7 name one group's topics (None: all of them, which names no topic); v8+ a list of
    # groups, each with its topics.
    for t in body.topics or ():
        for index in t.partition_indexes:
            yield t.name, index
    for group in body.groups:
        for gt in group.topics or ():
            for index in gt.partition_indexes:
                yield gt.name, index


def _offset_for_leader_epoch(body: OffsetForLeaderEpochRequest) -> Iterator[TopicPartition]:
    for t in body.topics:
        for p in t.partitions:
            yield t.topic, p.partition


_EXTRACTORS: Final[dict[int, Callable[[Any], Iterable[TopicPartition]]]] = {
    ProduceRequest.API_KEY: _produce,
    FetchRequest.API_KEY: _fetch,
    ListOffsetsRequest.API_KEY: _list_offsets,
    OffsetCommitRequest.API_KEY: _offset_commit,
    OffsetFetchRequest.API_KEY: _offset_fetch,
    OffsetForLeaderEpochRequest.API_KEY: _offset_for_leader_epoch,
}


def partitions_of(api_key: int, body: Any) -> Callable[[], Iterable[TopicPartition]] | None:
    """A function listing the topic partitions ``body`` names (the plan calls it only when a
    fault scoped to a topic is armed); None for an API whose partitions are not extracted."""
    extract = _EXTRACTORS.get(api_key)
    if extract is None:
        return None
    return lambda: extract(body)


# -- error entries -------------------------------------------------------------------------------


def _produce_error(index: int, code: ErrorCode) -> _PartitionResponse:
    return _PartitionResponse(
        index=index,
        error_code=code,
        base_offset=_NO_OFFSET,
        log_append_time_ms=_NO_OFFSET,
        log_start_offset=_NO_OFFSET,
    )


def _fetch_error(index: int, code: ErrorCode) -> _FetchPartitionData:
    return _FetchPartitionData(
        partition_index=index,
        error_code=code,
        high_watermark=_NO_OFFSET,
        last_stable_offset=_NO_OFFSET,
        log_start_offset=_NO_OFFSET,
        aborted_transactions=None,
        records=b"",
    )


# -- before: taking scoped partitions out of a request -------------------------------------------


@dataclass(frozen=True, slots=True)
class Split:
    """A request without the partitions an error fault takes: ``rest`` goes to the handler
    (None: nothing is left, the handler is not called); ``taken`` get the error."""

    rest: Message | None
    taken: Taken


def _take(
    names: Iterable[tuple[str, list[int]]], scoped: Collection[TopicPartition]
) -> tuple[list[list[int]], Taken]:
    """Per topic, the positions of its partitions that stay; and what is taken, per topic."""
    kept: list[list[int]] = []
    taken: Taken = []
    for name, indexes in names:
        stay: list[int] = []
        gone: list[int] = []
        for pos, index in enumerate(indexes):
            if (name, index) in scoped:
                gone.append(index)
            else:
                stay.append(pos)
        kept.append(stay)
        if gone:
            taken.append((name, gone))
    return kept, taken


def _split_produce(body: ProduceRequest, scoped: Collection[TopicPartition]) -> Split:
    kept, taken = _take(
        ((t.name, [p.index for p in t.partition_data]) for t in body.topic_data), scoped
    )
    topics = [
        _ProduceTopic(name=t.name, partition_data=[t.partition_data[i] for i in stay])
        for t, stay in zip(body.topic_data, kept, strict=True)
        if stay
    ]
    rest = None
    if topics:
        rest = ProduceRequest(
            transactional_id=body.transactional_id,
            acks=body.acks,
            timeout_ms=body.timeout_ms,
            topic_data=topics,
        )
    return Split(rest, taken)


def _split_fetch(body: FetchRequest, scoped: Collection[TopicPartition]) -> Split:
    kept, taken = _take(
        ((t.topic, [p.partition for p in t.partitions]) for t in body.topics), scoped
    )
    topics = [
        _FetchTopic(topic=t.topic, partitions=[t.partitions[i] for i in stay])
        for t, stay in zip(body.topics, kept, strict=True)
        if stay
    ]
    rest = None
    if topics:
        rest = FetchRequest(
            replica_id=body.replica_id,
            # Kafka answers a fetch at once when a partition of it has an error: the others
            # do not long-poll.
            max_wait_ms=0,
            min_bytes=body.min_bytes,
            max_bytes=body.max_bytes,
            isolation_level=body.isolation_level,
            session_id=body.session_id,
            session_epoch=body.session_epoch,
            topics=topics,
            forgotten_topics_data=body.forgotten_topics_data,
            rack_id=body.rack_id,
        )
    return Split(rest, taken)


_SPLITTERS: Final[dict[int, Callable[[Any, Collection[TopicPartition]], Split]]] = {
    ProduceRequest.API_KEY: _split_produce,
    FetchRequest.API_KEY: _split_fetch,
}


def split_request(api_key: int, body: Any, scoped: Collection[TopicPartition]) -> Split | None:
    """``body`` without the ``scoped`` partitions (None: the API is not split, the whole
    request gets the error)."""
    splitter = _SPLITTERS.get(api_key)
    return None if splitter is None else splitter(body, scoped)


def with_errors(api_key: int, response: Message | None, taken: Taken, code: ErrorCode) -> Message:
    """The handler's answer (None: nothing was left to ask it) with the ``taken`` partitions
    added, each with ``code``; each joins its topic's entry when the answer has one."""
    if api_key == ProduceRequest.API_KEY:
        produce = response if isinstance(response, ProduceResponse) else ProduceResponse()
        by_name = {t.name: t for t in produce.responses}
        for name, indexes in taken:
            topic = by_name.get(name)
            if topic is None:
                topic = by_name[name] = _TopicResponse(name=name)
                produce.responses.append(topic)
            topic.partition_responses.extend(_produce_error(i, code) for i in indexes)
        return produce
    if api_key == FetchRequest.API_KEY:
        fetch = response if isinstance(response, FetchResponse) else FetchResponse()
        by_topic = {t.topic: t for t in fetch.responses}
        for name, indexes in taken:
            data = by_topic.get(name)
            if data is None:
                data = by_topic[name] = _FetchTopicData(topic=name)
                fetch.responses.append(data)
            data.partitions.extend(_fetch_error(i, code) for i in indexes)
        return fetch
    raise ValueError(f"API key {api_key} has no per-partition errors")


# -- after: rewriting scoped partitions of an answer ---------------------------------------------


def rewrite_errors(
    response: Message,
    scoped: Collection[TopicPartition],
    code: ErrorCode,
    release: Callable[[Any], None] | None = None,
) -> bool:
    """Replace, in place, the entries of the ``scoped`` partitions in the handler's answer by
    error entries; a Fetch's dropped entries go to ``release`` (one response holding them).
    False when the API or the answer has no per-partition entries to rewrite."""
    if isinstance(response, ProduceResponse):
        for topic in response.responses:
            entries = topic.partition_responses
            for pos, entry in enumerate(entries):
                if (topic.name, entry.index) in scoped:
                    entries[pos] = _produce_error(entry.index, code)
        return True
    if isinstance(response, FetchResponse):
        dropped: list[_FetchTopicData] = []
        for data in response.responses:
            parts = data.partitions
            gone: list[_FetchPartitionData] = []
            for pos, part in enumerate(parts):
                if (data.topic, part.partition_index) in scoped:
                    gone.append(part)
                    parts[pos] = _fetch_error(part.partition_index, code)
            if gone:
                dropped.append(_FetchTopicData(topic=data.topic, partitions=gone))
        if dropped and release is not None:
            release(FetchResponse(responses=dropped))
        return True
    return False


# -- drop with mid_response ----------------------------------------------------------------------


def partial_response(chunks: Iterable[bytes | bytearray | memoryview]) -> bytes:
    """The first half of a response's bytes (its size prefix included): what a connection
    dropped mid-response wrote (never the whole frame)."""
    data = b"".join(chunks)
    return data[: len(data) // 2]
