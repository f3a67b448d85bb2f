"""Poison batches over the wire: each kind is refused on produce with Kafka's code and a message
naming the problem (and the record), nothing is appended, and the same connection goes on.

Each batch has a correct CRC-32C (``support.poison``): before record validation, every one of
them was acknowledged, and a consumer then stopped at its offset for ever.
"""

from __future__ import annotations

from typing import Any

import pytest
from support.kafka_ops import create_topic, fetch, list_offset, produce, values_of
from support.poison import Kind, Rec, kinds, poison, section
from support.wire import WireClient, make_batch

from broker.app import Broker
from protocol.errors import ErrorCode
from protocol.messages import ConditionalProduceRequest
from protocol.records.validate import KEYLESS_ON_COMPACTED_MESSAGE

KINDS = kinds()
LATEST = -1


async def _log_end(client: WireClient, topic: str) -> int:
    answer = await list_offset(client, topic, 0, LATEST)
    offset: int = answer.offset
    return offset


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
async def test_poison_is_refused_and_nothing_is_appended(
    broker: Broker, client: WireClient, kind: Kind
) -> None:
    await create_topic(client, "t")
    assert (await produce(client, "t", 0, make_batch([b"before"]))).error_code == 0
    end = await _log_end(client, "t")

    answer = await produce(client, "t", 0, kind.batch)
    assert answer.error_code == kind.code, answer
    assert answer.base_offset == -1
    assert answer.error_message and kind.message in answer.error_message, answer.error_message
    if kind.index is None:
        assert answer.record_errors == []
    else:
        assert [e.batch_index for e in answer.record_errors] == [kind.index]
        message = answer.record_errors[0].batch_index_error_message
        assert message and f"record {kind.index}" in message
    assert await _log_end(client, "t") == end

    # The same connection goes on: a good batch after the poison is appended right after.
    after = await produce(client, "t", 0, make_batch([b"after"]))
    assert (after.error_code, after.base_offset) == (0, end)
    data = await fetch(client, "t", 0, 0)
    assert values_of(data.records) == [b"before", b"after"]


async def test_old_produce_versions_get_the_code_without_a_message(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "t")
    for version in (3, 7):
        answer = await produce(client, "t", 0, KINDS[0].batch, version=version)
        assert answer.error_code == ErrorCode.INVALID_RECORD
        assert answer.error_message is None
    assert await _log_end(client, "t") == 0


async def test_compacted_topic_refuses_keyless_records(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "c", configs={"cleanup.policy": "compact"})
    keyless = poison(section(Rec(0), Rec(1, key=None), Rec(2), Rec(3, key=None)), 4)
    answer = await produce(client, "c", 0, keyless)
    assert answer.error_code == ErrorCode.INVALID_RECORD
    assert answer.error_message.startswith(KEYLESS_ON_COMPACTED_MESSAGE)
    assert [(e.batch_index, e.batch_index_error_message) for e in answer.record_errors] == [
        (1, KEYLESS_ON_COMPACTED_MESSAGE),
        (3, KEYLESS_ON_COMPACTED_MESSAGE),
    ]
    assert await _log_end(client, "c") == 0
    # Keyed records (an empty key is a key) and tombstones are fine.
    keyed = make_batch([b"v", b""], keys=[b"k", b""])
    assert (await produce(client, "c", 0, keyed)).error_code == 0
    tombstone = poison(section(Rec(0, key=b"k", value=None)), 1)
    assert (await produce(client, "c", 0, tombstone)).error_code == 0
    assert await _log_end(client, "c") == 3
    # The same keyless batch is fine on a topic that is not compacted.
    await create_topic(client, "d", configs={"cleanup.policy": "delete"})
    assert (await produce(client, "d", 0, keyless)).error_code == 0


async def test_compaction_turned_on_later_applies_at_once(
    broker: Broker, client: WireClient
) -> None:
    from protocol.messages import IncrementalAlterConfigsRequest

    await create_topic(client, "later")
    keyless = make_batch([b"v"])
    assert (await produce(client, "later", 0, keyless)).error_code == 0
    R = IncrementalAlterConfigsRequest.AlterConfigsResource
    body = IncrementalAlterConfigsRequest(
        resources=[
            R(
                resource_type=2,
                resource_name="later",
                configs=[
                    R.AlterableConfig(name="cleanup.policy", config_operation=0, value="compact")
                ],
            )
        ],
        validate_only=False,
    )
    altered = await client.request(body, 1)
    assert altered.responses[0].error_code == 0, altered
    answer = await produce(client, "later", 0, make_batch([b"v"]))
    assert answer.error_code == ErrorCode.INVALID_RECORD


async def test_conditional_produce_names_the_record(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "t")
    data = ConditionalProduceRequest.TopicProduceData
    bad = next(k for k in KINDS if k.name == "offset deltas out of order")

    def request(records: bytes) -> Any:
        return ConditionalProduceRequest(
            acks=-1,
            timeout_ms=5_000,
            topic_data=[
                data(
                    name="t",
                    partition_data=[
                        data.PartitionProduceData(index=0, expected_offset=0, records=records)
                    ],
                )
            ],
        )

    answer = (await client.request(request(bad.batch), 0)).responses[0].partition_responses[0]
    assert answer.error_code == ErrorCode.INVALID_RECORD
    assert "record 1 has offset delta 2" in answer.error_message
    good = (await client.request(request(make_batch([b"x"])), 0)).responses[0]
    assert good.partition_responses[0].error_code == 0
