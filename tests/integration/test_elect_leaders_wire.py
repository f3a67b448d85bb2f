"""ElectLeaders on the wire, every version, against one broker: its partitions are led by
their only replica, so every election is not needed; unknown partitions and election types
are answered with Kafka's codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.kafka_ops import create_topic
from support.wire import WireClient

from broker.app import Broker
from protocol.errors import ErrorCode
from protocol.messages import ElectLeadersRequest, ElectLeadersResponse

pytestmark = pytest.mark.timeout(60)

E = ErrorCode


def _request(election_type: int, asked: dict[str, list[int]] | None) -> ElectLeadersRequest:
    return ElectLeadersRequest(
        election_type=election_type,
        topic_partitions=None
        if asked is None
        else [ElectLeadersRequest.TopicPartitions(topic=t, partitions=p) for t, p in asked.items()],
        timeout_ms=10_000,
    )


def _results(response: ElectLeadersResponse) -> list[tuple[str, int, int, bool]]:
    """(topic, partition, error code, whether a message came) per answer, in order."""
    return [
        (t.topic, p.partition_id, int(p.error_code), p.error_message is not None)
        for t in response.replica_election_results
        for p in t.partition_result
    ]


@pytest.mark.parametrize("version", [0, 1, 2])
async def test_every_version_answers_per_partition(tmp_path: Path, version: int) -> None:
    async with Broker.embedded(tmp_path) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        try:
            await create_topic(client, "el", partitions=2)
            asked = {"el": [0, 1, 7], "nope": [0]}
            response = await client.request(_request(0, asked), version)
            assert response.error_code == 0
            assert _results(response) == [
                ("el", 0, E.ELECTION_NOT_NEEDED, False),
                ("el", 1, E.ELECTION_NOT_NEEDED, False),
                ("el", 7, E.UNKNOWN_TOPIC_OR_PARTITION, True),
                ("nope", 0, E.UNKNOWN_TOPIC_OR_PARTITION, True),
            ]
            # Every partition: none needed an election, so none is answered for.
            everything = await client.request(_request(0, None), version)
            assert everything.error_code == 0
            assert _results(everything) == []
        finally:
            await client.close()


async def test_unclean_and_unknown_election_types(tmp_path: Path) -> None:
    async with Broker.embedded(tmp_path) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        try:
            await create_topic(client, "el")
            unclean = await client.request(_request(1, {"el": [0]}), 2)
            assert _results(unclean) == [("el", 0, E.ELECTION_NOT_NEEDED, False)]
            refused = await client.request(_request(2, {"el": [0]}), 2)
            assert refused.error_code == E.INVALID_REQUEST
            assert _results(refused) == [("el", 0, E.INVALID_REQUEST, False)]
        finally:
            await client.close()
