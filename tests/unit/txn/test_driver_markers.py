"""The marker writer: markers grouped by the partition's leader, this broker's written directly,
retried until written (re-resolving leaders), deleted partitions counted as written, fenced
jobs abandoned; the WriteTxnMarkers request and response shaping."""

from __future__ import annotations

import pytest
from support.waiting import eventually

from broker.txn.markers import MarkerJob, MarkerWriter, marker_request, results_of_response
from protocol.errors import ErrorCode
from protocol.messages import WriteTxnMarkersRequest, WriteTxnMarkersResponse
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(30)

A0 = TopicPartition("a", 0)
A1 = TopicPartition("a", 1)
B0 = TopicPartition("b", 0)
GONE = TopicPartition("gone", 0)

ME = 1


def job(*partitions: TopicPartition, commit: bool = True) -> MarkerJob:
    return MarkerJob("tx", 7, 3, 5, commit, frozenset(partitions))


class Cluster:
    """Leaders by partition, and what each broker answers (scripted per call)."""

    def __init__(self, leaders: dict[TopicPartition, int]) -> None:
        self.leaders = leaders
        self.calls: list[tuple[int, list[TopicPartition]]] = []
        #: Answers to give, per broker, one list per call; missing -> NONE for all.
        self.script: dict[int, list[dict[TopicPartition, ErrorCode]]] = {}
        self.written: list[MarkerJob] = []

    def leader_of(self, tp: TopicPartition) -> int | None:
        return self.leaders.get(tp)

    def _answer(self, node: int, tps: list[TopicPartition]) -> dict[TopicPartition, ErrorCode]:
        self.calls.append((node, tps))
        queued = self.script.get(node)
        answer = queued.pop(0) if queued else {}
        return {tp: answer.get(tp, ErrorCode.NONE) for tp in tps}

    async def local(
        self, j: MarkerJob, tps: list[TopicPartition]
    ) -> dict[TopicPartition, ErrorCode]:
        return self._answer(ME, tps)

    async def remote(
        self, node: int, j: MarkerJob, tps: list[TopicPartition]
    ) -> dict[TopicPartition, ErrorCode]:
        assert node != ME
        return self._answer(node, tps)

    def writer(self) -> MarkerWriter:
        return MarkerWriter(
            ME,
            self.leader_of,
            self.local,
            self.remote,
            self.written.append,
            backoff_ms=1,
            backoff_max_ms=2,
        )


async def test_markers_are_grouped_by_leader_and_reported_once() -> None:
    cluster = Cluster({A0: ME, A1: 2, B0: 2})
    writer = cluster.writer()
    j = job(A0, A1, B0)
    writer.submit(j)
    writer.submit(j)  # the same job is not written twice
    await eventually(lambda: cluster.written, 10, "markers written")
    assert cluster.written == [j]
    assert sorted(cluster.calls) == [(ME, [A0]), (2, [A1, B0])]
    assert writer.in_flight == frozenset()


async def test_a_failed_partition_is_retried_with_its_leader_looked_up_again() -> None:
    cluster = Cluster({A0: 2, B0: ME})
    cluster.script[2] = [{A0: ErrorCode.NOT_LEADER_OR_FOLLOWER}]
    remote = cluster.remote

    async def moved(
        node: int, j: MarkerJob, tps: list[TopicPartition]
    ) -> dict[TopicPartition, ErrorCode]:
        cluster.leaders[A0] = ME  # leadership moved here while the request was in flight
        return await remote(node, j, tps)

    cluster.remote = moved  # type: ignore[method-assign]
    writer = cluster.writer()
    j = job(A0, B0)
    writer.submit(j)
    await eventually(lambda: cluster.written, 10, "markers written")
    assert sorted(cluster.calls[:2]) == [(ME, [B0]), (2, [A0])]
    assert cluster.calls[2:] == [(ME, [A0])]  # B0 is not written again


async def test_a_partition_without_leader_waits_and_a_deleted_one_counts_as_written() -> None:
    cluster = Cluster({A0: -1})
    writer = cluster.writer()
    j = job(A0, GONE)
    writer.submit(j)
    await eventually(lambda: writer.in_flight, 10, "job in flight")
    assert cluster.calls == []  # nobody to ask yet; GONE is done already
    cluster.leaders[A0] = 3
    await eventually(lambda: cluster.written, 10, "markers written")
    assert cluster.calls == [(3, [A0])]


async def test_unknown_topic_or_partition_counts_as_written() -> None:
    cluster = Cluster({A0: 2})
    cluster.script[2] = [{A0: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}]
    writer = cluster.writer()
    writer.submit(job(A0))
    await eventually(lambda: cluster.written, 10, "markers written")
    assert len(cluster.calls) == 1


@pytest.mark.parametrize(
    "code", [ErrorCode.TRANSACTION_COORDINATOR_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH]
)
async def test_a_fenced_job_is_abandoned_unreported(code: ErrorCode) -> None:
    cluster = Cluster({A0: 2})
    cluster.script[2] = [{A0: code}]
    writer = cluster.writer()
    writer.submit(job(A0))
    await eventually(lambda: writer.abandoned == 1, 10, "job abandoned")
    await eventually(lambda: not writer.in_flight, 10, "job ended")
    assert cluster.written == []


async def test_stop_cancels_jobs_in_flight() -> None:
    cluster = Cluster({A0: -1})
    writer = cluster.writer()
    writer.submit(job(A0))
    await eventually(lambda: writer.in_flight, 10, "job in flight")
    await writer.stop()
    assert not writer.in_flight
    writer.submit(job(A0))  # ignored once stopped
    assert not writer.in_flight and cluster.written == []


async def test_cancelled_by_predicate() -> None:
    cluster = Cluster({A0: -1})
    writer = cluster.writer()
    writer.submit(job(A0))
    await eventually(lambda: writer.in_flight, 10, "job in flight")
    writer.cancel_coordinator_epoch(lambda j: j.transactional_id == "tx")
    await eventually(lambda: not writer.in_flight, 10, "job cancelled")
    assert cluster.written == []


@pytest.mark.parametrize("version", [0, 1])
def test_marker_request_and_response_round_trip(version: int) -> None:
    j = job(B0, A1, A0, commit=False)
    request = marker_request(j, [B0, A1, A0])
    decoded = WriteTxnMarkersRequest.decode(request.encode(version), version)
    [marker] = decoded.markers
    assert (marker.producer_id, marker.producer_epoch, marker.coordinator_epoch) == (7, 3, 5)
    assert marker.transaction_result is False
    assert [(t.name, list(t.partition_indexes)) for t in marker.topics] == [
        ("a", [0, 1]),
        ("b", [0]),
    ]
    result = WriteTxnMarkersResponse.WritableTxnMarkerResult
    topic = result.WritableTxnMarkerTopicResult
    part = topic.WritableTxnMarkerPartitionResult
    response = WriteTxnMarkersResponse(
        markers=[
            result(
                producer_id=7,
                topics=[
                    topic(
                        name="a",
                        partitions=[
                            part(partition_index=0, error_code=0),
                            part(partition_index=1, error_code=ErrorCode.NOT_LEADER_OR_FOLLOWER),
                        ],
                    )
                ],
            )
        ]
    )
    response = WriteTxnMarkersResponse.decode(response.encode(version), version)
    assert results_of_response(response, [A0, A1, B0]) == {
        A0: ErrorCode.NONE,
        A1: ErrorCode.NOT_LEADER_OR_FOLLOWER,
        B0: ErrorCode.UNKNOWN_SERVER_ERROR,  # left out: retried
    }


async def test_a_failing_round_is_retried() -> None:
    cluster = Cluster({A0: ME})
    local = cluster.local
    failures = [RuntimeError("bug")]

    async def flaky(j: MarkerJob, tps: list[TopicPartition]) -> dict[TopicPartition, ErrorCode]:
        if failures:
            raise failures.pop()
        return await local(j, tps)

    cluster.local = flaky  # type: ignore[method-assign]
    writer = cluster.writer()
    writer.submit(job(A0))
    await eventually(lambda: cluster.written, 10, "markers written")
    assert cluster.calls == [(ME, [A0])]
