"""``broker.server.fault_hooks``: which partitions a request names, and how an error fault
scoped to some of them splits a Produce or Fetch request and rewrites the answer."""

from __future__ import annotations

from typing import Any

import pytest

from broker.server import fault_hooks
from broker.server.fault_hooks import TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import (
    FetchRequest,
    FetchResponse,
    ListOffsetsRequest,
    Message,
    MetadataRequest,
    OffsetCommitRequest,
    OffsetFetchRequest,
    OffsetForLeaderEpochRequest,
    ProduceRequest,
    ProduceResponse,
)

pytestmark = pytest.mark.timeout(30)

_PD = ProduceRequest.TopicProduceData
_PP = ProduceRequest.TopicProduceData.PartitionProduceData
_FT = FetchRequest.FetchTopic
_FP = FetchRequest.FetchTopic.FetchPartition
_TR = ProduceResponse.TopicProduceResponse
_PR = ProduceResponse.TopicProduceResponse.PartitionProduceResponse
_FD = FetchResponse.FetchableTopicResponse
_FR = FetchResponse.FetchableTopicResponse.PartitionData


def produce(topics: dict[str, list[int]], acks: int = -1) -> ProduceRequest:
    return ProduceRequest(
        acks=acks,
        timeout_ms=1234,
        transactional_id="tx",
        topic_data=[
            _PD(name=name, partition_data=[_PP(index=i, records=b"r%d" % i) for i in indexes])
            for name, indexes in topics.items()
        ],
    )


def fetch(topics: dict[str, list[int]]) -> FetchRequest:
    return FetchRequest(
        max_wait_ms=500,
        min_bytes=7,
        isolation_level=1,
        rack_id="r1",
        topics=[
            _FT(topic=name, partitions=[_FP(partition=i, fetch_offset=10 + i) for i in indexes])
            for name, indexes in topics.items()
        ],
    )


def produce_answer(topics: dict[str, list[int]]) -> ProduceResponse:
    return ProduceResponse(
        responses=[
            _TR(name=name, partition_responses=[_PR(index=i, base_offset=100 + i) for i in idx])
            for name, idx in topics.items()
        ]
    )


def fetch_answer(topics: dict[str, list[int]]) -> FetchResponse:
    return FetchResponse(
        responses=[
            _FD(
                topic=name,
                partitions=[
                    _FR(partition_index=i, high_watermark=50, records=b"data-%d" % i) for i in idx
                ],
            )
            for name, idx in topics.items()
        ]
    )


PARTITIONS_CASES: list[tuple[str, Message, list[TopicPartition] | None]] = [
    ("produce", produce({"a": [0, 1], "b": [2]}), [("a", 0), ("a", 1), ("b", 2)]),
    ("fetch", fetch({"a": [3], "c": [0]}), [("a", 3), ("c", 0)]),
    (
        "list offsets",
        ListOffsetsRequest(
            topics=[
                ListOffsetsRequest.ListOffsetsTopic(
                    name="l",
                    partitions=[
                        ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition(partition_index=4)
                    ],
                )
            ]
        ),
        [("l", 4)],
    ),
    (
        "offset commit",
        OffsetCommitRequest(
            topics=[
                OffsetCommitRequest.OffsetCommitRequestTopic(
                    name="o",
                    partitions=[
                        OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition(
                            partition_index=i
                        )
                        for i in (0, 5)
                    ],
                )
            ]
        ),
        [("o", 0), ("o", 5)],
    ),
    (
        "offset fetch v0-7",
        OffsetFetchRequest(
            topics=[OffsetFetchRequest.OffsetFetchRequestTopic(name="x", partition_indexes=[1])]
        ),
        [("x", 1)],
    ),
    ("offset fetch, all topics", OffsetFetchRequest(topics=None), []),
    (
        "offset fetch v8+ groups",
        OffsetFetchRequest(
            groups=[
                OffsetFetchRequest.OffsetFetchRequestGroup(
                    group_id="g",
                    topics=[
                        OffsetFetchRequest.OffsetFetchRequestGroup.OffsetFetchRequestTopics(
                            name="y", partition_indexes=[2, 3]
                        )
                    ],
                ),
                OffsetFetchRequest.OffsetFetchRequestGroup(group_id="h", topics=None),
            ]
        ),
        [("y", 2), ("y", 3)],
    ),
    (
        "offset for leader epoch",
        OffsetForLeaderEpochRequest(
            topics=[
                OffsetForLeaderEpochRequest.OffsetForLeaderTopic(
                    topic="e",
                    partitions=[
                        OffsetForLeaderEpochRequest.OffsetForLeaderTopic.OffsetForLeaderPartition(
                            partition=6
                        )
                    ],
                )
            ]
        ),
        [("e", 6)],
    ),
    ("metadata: not extracted", MetadataRequest(topics=[]), None),
]


@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in PARTITIONS_CASES], ids=[c[0] for c in PARTITIONS_CASES]
)
def test_partitions_of(body: Message, expected: list[TopicPartition] | None) -> None:
    listing = fault_hooks.partitions_of(body.API_KEY, body)
    if expected is None:
        assert listing is None
    else:
        assert listing is not None
        assert list(listing()) == expected


SPLIT_CASES: list[tuple[str, dict[str, list[int]], set[TopicPartition], Any, Any]] = [
    # (name, request topics, scoped, expected rest topics or None, expected taken)
    (
        "one topic of two",
        {"a": [0, 1], "b": [0]},
        {("a", 0), ("a", 1)},
        {"b": [0]},
        [("a", [0, 1])],
    ),
    ("one partition", {"a": [0, 1], "b": [0]}, {("a", 1)}, {"a": [0], "b": [0]}, [("a", [1])]),
    ("everything", {"a": [0]}, {("a", 0)}, None, [("a", [0])]),
    ("nothing named", {"a": [0]}, {("z", 0)}, {"a": [0]}, []),
]


def _produce_topics(body: ProduceRequest) -> dict[str, list[int]]:
    return {t.name: [p.index for p in t.partition_data] for t in body.topic_data}


def _fetch_topics(body: FetchRequest) -> dict[str, list[int]]:
    return {t.topic: [p.partition for p in t.partitions] for t in body.topics}


@pytest.mark.parametrize(
    ("topics", "scoped", "rest", "taken"),
    [c[1:] for c in SPLIT_CASES],
    ids=[c[0] for c in SPLIT_CASES],
)
def test_split_produce(
    topics: dict[str, list[int]], scoped: set[TopicPartition], rest: Any, taken: Any
) -> None:
    body = produce(topics, acks=1)
    split = fault_hooks.split_request(ProduceRequest.API_KEY, body, scoped)
    assert split is not None
    assert split.taken == taken
    if rest is None:
        assert split.rest is None
    else:
        assert isinstance(split.rest, ProduceRequest)
        assert _produce_topics(split.rest) == rest
        assert (split.rest.acks, split.rest.timeout_ms, split.rest.transactional_id) == (
            1,
            1234,
            "tx",
        )
        # The batches themselves are handed on.
        assert split.rest.topic_data[0].partition_data[0].records == b"r0"
    assert _produce_topics(body) == topics  # the request itself is left as it was


@pytest.mark.parametrize(
    ("topics", "scoped", "rest", "taken"),
    [c[1:] for c in SPLIT_CASES],
    ids=[c[0] for c in SPLIT_CASES],
)
def test_split_fetch(
    topics: dict[str, list[int]], scoped: set[TopicPartition], rest: Any, taken: Any
) -> None:
    body = fetch(topics)
    split = fault_hooks.split_request(FetchRequest.API_KEY, body, scoped)
    assert split is not None
    assert split.taken == taken
    if rest is None:
        assert split.rest is None
        return
    assert isinstance(split.rest, FetchRequest)
    assert _fetch_topics(split.rest) == rest
    # Kafka answers at once when a partition errs: the rest does not long-poll.
    assert split.rest.max_wait_ms == 0
    assert (split.rest.min_bytes, split.rest.isolation_level, split.rest.rack_id) == (7, 1, "r1")
    assert body.max_wait_ms == 500


def test_other_apis_are_not_split() -> None:
    body = MetadataRequest(topics=[])
    assert fault_hooks.split_request(body.API_KEY, body, {("a", 0)}) is None


WITH_ERRORS_CASES: list[tuple[str, dict[str, list[int]] | None, Any, dict[str, list[int]]]] = [
    ("into an existing topic", {"a": [0]}, [("a", [1])], {"a": [0, 1]}),
    ("a new topic", {"b": [0]}, [("a", [0, 1])], {"b": [0], "a": [0, 1]}),
    ("nothing was left", None, [("a", [2])], {"a": [2]}),
]


@pytest.mark.parametrize(
    ("answered", "taken", "expected"),
    [c[1:] for c in WITH_ERRORS_CASES],
    ids=[c[0] for c in WITH_ERRORS_CASES],
)
def test_with_errors_produce(
    answered: dict[str, list[int]] | None, taken: Any, expected: dict[str, list[int]]
) -> None:
    response = None if answered is None else produce_answer(answered)
    code = ErrorCode.NOT_LEADER_OR_FOLLOWER
    merged = fault_hooks.with_errors(ProduceRequest.API_KEY, response, taken, code)
    assert isinstance(merged, ProduceResponse)
    got = {t.name: [p.index for p in t.partition_responses] for t in merged.responses}
    assert got == expected
    errs = {(n, i) for n, idx in taken for i in idx}
    for t in merged.responses:
        for p in t.partition_responses:
            if (t.name, p.index) in errs:
                assert (p.error_code, p.base_offset, p.log_start_offset) == (code, -1, -1)
                assert p.log_append_time_ms == -1
            else:
                assert (p.error_code, p.base_offset) == (0, 100 + p.index)


@pytest.mark.parametrize(
    ("answered", "taken", "expected"),
    [c[1:] for c in WITH_ERRORS_CASES],
    ids=[c[0] for c in WITH_ERRORS_CASES],
)
def test_with_errors_fetch(
    answered: dict[str, list[int]] | None, taken: Any, expected: dict[str, list[int]]
) -> None:
    response = None if answered is None else fetch_answer(answered)
    code = ErrorCode.FENCED_LEADER_EPOCH
    merged = fault_hooks.with_errors(FetchRequest.API_KEY, response, taken, code)
    assert isinstance(merged, FetchResponse)
    assert merged.error_code == 0
    got = {t.topic: [p.partition_index for p in t.partitions] for t in merged.responses}
    assert got == expected
    errs = {(n, i) for n, idx in taken for i in idx}
    for t in merged.responses:
        for p in t.partitions:
            if (t.topic, p.partition_index) in errs:
                assert p.error_code == code
                assert (p.high_watermark, p.last_stable_offset, p.log_start_offset) == (-1, -1, -1)
                assert p.records == b"" and p.aborted_transactions is None
            else:
                assert (p.error_code, p.high_watermark) == (0, 50)


def test_with_errors_refuses_other_apis() -> None:
    with pytest.raises(ValueError, match="no per-partition errors"):
        fault_hooks.with_errors(MetadataRequest.API_KEY, None, [("a", [0])], ErrorCode.NONE)


REWRITE_CASES: list[tuple[str, set[TopicPartition], set[TopicPartition]]] = [
    ("a topic", {("a", 0), ("a", 1)}, {("a", 0), ("a", 1)}),
    ("a partition", {("b", 0)}, {("b", 0)}),
    ("a partition not answered", {("z", 9)}, set()),
]


@pytest.mark.parametrize(
    ("scoped", "hit"), [c[1:] for c in REWRITE_CASES], ids=[c[0] for c in REWRITE_CASES]
)
def test_rewrite_produce(scoped: set[TopicPartition], hit: set[TopicPartition]) -> None:
    response = produce_answer({"a": [0, 1], "b": [0]})
    code = ErrorCode.KAFKA_STORAGE_ERROR
    assert fault_hooks.rewrite_errors(response, scoped, code)
    for t in response.responses:
        for p in t.partition_responses:
            if (t.name, p.index) in hit:
                assert (p.error_code, p.base_offset) == (code, -1)
            else:
                assert (p.error_code, p.base_offset) == (0, 100 + p.index)


@pytest.mark.parametrize(
    ("scoped", "hit"), [c[1:] for c in REWRITE_CASES], ids=[c[0] for c in REWRITE_CASES]
)
def test_rewrite_fetch_releases_dropped_records(
    scoped: set[TopicPartition], hit: set[TopicPartition]
) -> None:
    response = fetch_answer({"a": [0, 1], "b": [0]})
    released: list[FetchResponse] = []
    code = ErrorCode.NOT_LEADER_OR_FOLLOWER
    assert fault_hooks.rewrite_errors(response, scoped, code, released.append)
    dropped = {
        (t.topic, p.partition_index): p.records
        for r in released
        for t in r.responses
        for p in t.partitions
    }
    assert dropped == {tp: b"data-%d" % tp[1] for tp in hit}
    assert len(released) == (1 if hit else 0)
    for t in response.responses:
        for p in t.partitions:
            if (t.topic, p.partition_index) in hit:
                assert (p.error_code, p.high_watermark, p.records) == (code, -1, b"")
            else:
                assert (p.error_code, p.records) == (0, b"data-%d" % p.partition_index)


def test_rewrite_other_apis_says_no() -> None:
    assert not fault_hooks.rewrite_errors(
        MetadataRequest(), {("a", 0)}, ErrorCode.UNKNOWN_SERVER_ERROR
    )


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        ([b"\x00\x00\x00\x04", b"abcd"], b"\x00\x00\x00\x04"),
        ([b"12345678", bytearray(b"9"), memoryview(b"0")], b"12345"),
        ([b"ab"], b"a"),
    ],
)
def test_partial_response_is_the_first_half(chunks: list[Any], expected: bytes) -> None:
    assert fault_hooks.partial_response(chunks) == expected
