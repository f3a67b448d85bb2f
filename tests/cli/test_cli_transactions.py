"""``samsa transaction``: list, describe, find-hanging and abort against a scripted broker
(text in pipes and JSON), and their usage errors."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from cli.cli_support import invoke_samsa
from click.testing import Result
from support.fake_broker import FakeBroker, api_versions_body

from protocol.codec import Request
from protocol.errors import ErrorCode
from protocol.messages import (
    DescribeProducersRequest,
    DescribeProducersResponse,
    DescribeTransactionsRequest,
    DescribeTransactionsResponse,
    FindCoordinatorRequest,
    FindCoordinatorResponse,
    ListTransactionsRequest,
    ListTransactionsResponse,
    MetadataResponse,
    WriteTxnMarkersRequest,
    WriteTxnMarkersResponse,
)

pytestmark = pytest.mark.timeout(60)

_VERSIONS = {3: (0, 8), 10: (0, 3), 18: (0, 3), 27: (0, 1), 61: (0, 0), 65: (0, 0), 66: (0, 1)}
_HOUR_MS = 3_600_000


@dataclass
class Txn:
    """A transactional id at the coordinator."""

    producer_id: int
    epoch: int
    state: str
    partitions: list[int] = field(default_factory=list)


@dataclass
class Producer:
    """A producer as the leader of "t" reports it (partition → state)."""

    producer_id: int
    epoch: int
    start_offset: int
    last_timestamp_ms: int
    coordinator_epoch: int = -1


@dataclass
class Cluster:
    """One broker (node 1) leading topic "t" (2 partitions), coordinating ``txns``."""

    port: int = 0
    txns: dict[str, Txn] = field(default_factory=dict)
    producers: dict[int, list[Producer]] = field(default_factory=dict)
    seen: list[Any] = field(default_factory=list)

    def __call__(self, request: Request) -> object:
        body = request.body
        self.seen.append(body)
        if request.header.api_key == 18:
            return api_versions_body(_VERSIONS)
        if request.header.api_key == 3:
            return self.metadata()
        if isinstance(body, FindCoordinatorRequest):
            return FindCoordinatorResponse(
                error_code=0, node_id=1, host="127.0.0.1", port=self.port
            )
        if isinstance(body, ListTransactionsRequest):
            state = ListTransactionsResponse.TransactionState
            return ListTransactionsResponse(
                transaction_states=[
                    state(transactional_id=k, producer_id=t.producer_id, transaction_state=t.state)
                    for k, t in self.txns.items()
                    if not body.producer_id_filters or t.producer_id in body.producer_id_filters
                ]
            )
        if isinstance(body, DescribeTransactionsRequest):
            return self.describe(body)
        if isinstance(body, DescribeProducersRequest):
            return self.describe_producers(body)
        if isinstance(body, WriteTxnMarkersRequest):
            result = WriteTxnMarkersResponse.WritableTxnMarkerResult
            topic = result.WritableTxnMarkerTopicResult
            part = topic.WritableTxnMarkerPartitionResult
            return WriteTxnMarkersResponse(
                markers=[
                    result(
                        producer_id=m.producer_id,
                        topics=[
                            topic(
                                name=t.name,
                                partitions=[
                                    part(partition_index=p, error_code=0)
                                    for p in t.partition_indexes
                                ],
                            )
                            for t in m.topics
                        ],
                    )
                    for m in body.markers
                ]
            )
        raise AssertionError(f"unexpected request {body!r}")

    def metadata(self) -> MetadataResponse:
        topic = MetadataResponse.MetadataResponseTopic
        return MetadataResponse(
            brokers=[
                MetadataResponse.MetadataResponseBroker(node_id=1, host="127.0.0.1", port=self.port)
            ],
            cluster_id="fake",
            controller_id=1,
            topics=[
                topic(
                    error_code=0,
                    name="t",
                    partitions=[
                        topic.MetadataResponsePartition(
                            error_code=0,
                            partition_index=i,
                            leader_id=1,
                            replica_nodes=[1],
                            isr_nodes=[1],
                        )
                        for i in range(2)
                    ],
                )
            ],
        )

    def describe(self, body: DescribeTransactionsRequest) -> DescribeTransactionsResponse:
        state = DescribeTransactionsResponse.TransactionState
        out = []
        for tid in body.transactional_ids:
            t = self.txns.get(tid)
            if t is None:
                out.append(
                    state(error_code=ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactional_id=tid)
                )
                continue
            out.append(
                state(
                    error_code=0,
                    transactional_id=tid,
                    transaction_state=t.state,
                    transaction_timeout_ms=60_000,
                    transaction_start_time_ms=1_700_000_000_000 if t.partitions else -1,
                    producer_id=t.producer_id,
                    producer_epoch=t.epoch,
                    topics=[state.TopicData(topic="t", partitions=t.partitions)]
                    if t.partitions
                    else [],
                )
            )
        return DescribeTransactionsResponse(transaction_states=out)

    def describe_producers(self, body: DescribeProducersRequest) -> DescribeProducersResponse:
        topic = DescribeProducersResponse.TopicResponse
        part = topic.PartitionResponse
        return DescribeProducersResponse(
            topics=[
                topic(
                    name=t.name,
                    partitions=[
                        part(
                            partition_index=p,
                            error_code=0,
                            active_producers=[
                                part.ProducerState(
                                    producer_id=s.producer_id,
                                    producer_epoch=s.epoch,
                                    last_sequence=0,
                                    last_timestamp=s.last_timestamp_ms,
                                    coordinator_epoch=s.coordinator_epoch,
                                    current_txn_start_offset=s.start_offset,
                                )
                                for s in self.producers.get(p, [])
                            ],
                        )
                        for p in t.partition_indexes
                    ],
                )
                for t in body.topics
            ]
        )

    def sent(self, kind: type) -> list[Any]:
        return [b for b in self.seen if isinstance(b, kind)]


async def _samsa(cluster: Cluster, *args: str, expect: int | None = 0) -> Result:
    """Run ``samsa`` in-process against a fake broker serving ``cluster`` (in a thread: the
    command runs its own event loop)."""
    async with FakeBroker(cluster) as fake:
        cluster.port = fake.port
        invoke = invoke_samsa(fake.bootstrap)
        return await asyncio.to_thread(invoke, *args, expect=expect)


def _usage(*args: str, fragment: str) -> None:
    result = invoke_samsa("127.0.0.1:1")(*args, expect=2)
    assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("transaction", "list", "--state", "Bogus"), "'Bogus' is not one of"),
        (("transaction", "list", "--producer-id", "-1"), "--producer-id"),
        (("transaction", "describe"), "Missing argument 'ID'"),
        (("transaction", "abort", "--topic", "t", "--partition", "0"), "--producer-id"),
        (("transaction", "abort", "--partition", "0", "--producer-id", "1"), "--topic"),
        (("transaction", "find-hanging"), "exactly one of --broker-id and --topic"),
        (
            ("transaction", "find-hanging", "--broker-id", "1", "--topic", "t"),
            "exactly one of --broker-id and --topic",
        ),
        (("transaction", "find-hanging", "--broker-id", "1", "--partition", "0"), "needs --topic"),
    ],
)
def test_usage_errors(args: tuple[str, ...], fragment: str) -> None:
    _usage(*args, fragment=fragment)


async def test_list_in_a_pipe_and_as_json() -> None:
    cluster = Cluster(txns={"b-tx": Txn(8, 0, "Ongoing", [0]), "a-tx": Txn(7, 2, "Empty")})
    text = await _samsa(cluster, "transaction", "list")
    assert text.output.splitlines() == ["a-tx\t1\t7\tEmpty", "b-tx\t1\t8\tOngoing"]
    doc = await _samsa(cluster, "--format", "json", "transaction", "list", "--state", "Ongoing")
    assert json.loads(doc.output)[0] == {
        "transactional_id": "a-tx",
        "coordinator": 1,
        "producer_id": 7,
        "state": "Empty",
    }
    (sent,) = cluster.sent(ListTransactionsRequest)[-1:]
    assert sent.state_filters == ["Ongoing"]


async def test_describe_text_and_json() -> None:
    cluster = Cluster(txns={"tx": Txn(7, 2, "Ongoing", [1, 0])})
    text = await _samsa(cluster, "transaction", "describe", "tx")
    pairs = dict(line.split("\t") for line in text.output.splitlines())
    assert pairs["STATE"] == "Ongoing"
    assert pairs["PRODUCER-EPOCH"] == "2"
    assert pairs["START-TIME"] == "2023-11-14T22:13:20.000+00:00"
    assert pairs["PARTITIONS"] == "t-0,t-1"
    doc = json.loads((await _samsa(cluster, "transaction", "describe", "tx", "--format", "json"))
                     .output)  # fmt: skip
    assert doc["partitions"] == [{"topic": "t", "partition": 0}, {"topic": "t", "partition": 1}]
    assert doc["coordinator"] == 1 and doc["transaction_timeout_ms"] == 60_000


async def test_describe_an_unknown_id_is_one_line() -> None:
    result = await _samsa(Cluster(), "transaction", "describe", "nope", expect=1)
    assert result.stderr.strip() == "samsa: error: transactional id 'nope' not found"


async def test_abort_looks_up_the_epochs_at_the_leader() -> None:
    cluster = Cluster(producers={1: [Producer(7, 4, 120, 0), Producer(9, 1, -1, 0)]})
    result = await _samsa(
        cluster, "transaction", "abort", "--topic", "t", "--partition", "1", "--producer-id", "7"
    )
    assert "producer 7 (epoch 4) in t-1, open since offset 120" in result.output
    (sent,) = cluster.sent(WriteTxnMarkersRequest)
    (marker,) = sent.markers
    assert (marker.producer_id, marker.producer_epoch, marker.transaction_result) == (7, 4, False)
    assert marker.coordinator_epoch == 0  # none reported: Kafka's tool writes 0
    assert [(t.name, t.partition_indexes) for t in marker.topics] == [("t", [1])]


async def test_abort_by_start_offset_as_json() -> None:
    cluster = Cluster(producers={0: [Producer(7, 4, 120, 0, coordinator_epoch=3)]})
    result = await _samsa(
        cluster, "--format", "json", "transaction", "abort", "--topic", "t", "--partition", "0",
        "--start-offset", "120",
    )  # fmt: skip
    assert json.loads(result.output) == {
        "topic": "t",
        "partition": 0,
        "producer_id": 7,
        "producer_epoch": 4,
        "coordinator_epoch": 3,
        "start_offset": 120,
        "aborted": True,
    }


async def test_abort_without_a_matching_open_transaction_writes_nothing() -> None:
    cluster = Cluster(producers={0: [Producer(9, 1, -1, 0)]})
    result = await _samsa(
        cluster, "transaction", "abort", "--topic", "t", "--partition", "0", "--producer-id", "9",
        expect=1,
    )  # fmt: skip
    assert "no open transaction with producer id 9 in t-0" in result.stderr
    assert cluster.sent(WriteTxnMarkersRequest) == []


async def test_find_hanging_skips_young_and_known_transactions() -> None:
    old = int(time.time() * 1000) - 2 * _HOUR_MS
    young = int(time.time() * 1000)
    cluster = Cluster(
        txns={"live": Txn(8, 1, "Ongoing", [0]), "moved-on": Txn(9, 5, "Ongoing", [1])},
        producers={
            0: [Producer(7, 4, 100, old), Producer(8, 1, 50, old), Producer(10, 0, 70, young)],
            1: [Producer(9, 4, 30, old)],  # its id is at epoch 5 now: this one hangs
        },
    )
    text = await _samsa(cluster, "transaction", "find-hanging", "--broker-id", "1")
    rows = [line.split("\t") for line in text.output.splitlines()]
    assert [(r[0], r[1], r[2], r[3], r[5], r[7]) for r in rows] == [
        ("t", "0", "7", "4", "100", "120"),
        ("t", "1", "9", "4", "30", "120"),
    ]
    doc = await _samsa(
        cluster, "--format", "json", "transaction", "find-hanging", "--topic", "t",
        "--partition", "1", "--max-transaction-timeout-ms", "60000",
    )  # fmt: skip
    assert [(r["producer_id"], r["start_offset"]) for r in json.loads(doc.output)] == [(9, 30)]
