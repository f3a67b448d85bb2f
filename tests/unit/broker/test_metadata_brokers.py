"""Broker registrations in the image, metadata snapshots, and the delta of a snapshot install."""

from __future__ import annotations

import uuid

import pytest

from broker.metadata.image import (
    TOPIC_RESOURCE,
    MetadataApplyError,
    MetadataImage,
    delta_between,
)
from broker.metadata.records import (
    BrokerRegistrationChangeRecord,
    ConfigRecord,
    FenceBrokerRecord,
    MetadataRecord,
    PartitionChangeRecord,
    PartitionRecord,
    ProducerIdsRecord,
    RegisterBrokerRecord,
    RemoveTopicRecord,
    TopicRecord,
    UnfenceBrokerRecord,
    UnregisterBrokerRecord,
    decode_batch,
    encode_batch,
)
from broker.metadata.snapshot import SnapshotFormatError, decode_image, encode_image

A = uuid.UUID("7f3a2b1c-0000-4000-8000-00000000abcd")
B = uuid.UUID("11111111-2222-4333-8444-555555555555")

BROKER_RECORDS: list[MetadataRecord] = [
    RegisterBrokerRecord(1, "inc-1", "host-1", 9092, "rack-a"),
    RegisterBrokerRecord(2, "inc-2", "host-2", 9093, None, fenced=False),
    UnfenceBrokerRecord(1, 0),
    BrokerRegistrationChangeRecord(2, 1, in_controlled_shutdown=True),
    FenceBrokerRecord(2, 1),
    UnregisterBrokerRecord(2, 1),
]


def test_broker_records_roundtrip_in_a_batch() -> None:
    found = decode_batch(encode_batch(0, BROKER_RECORDS))
    assert found is not None
    assert found[1] == BROKER_RECORDS


@pytest.mark.parametrize(
    ("upto", "expected"),
    [
        (1, {1: (True, False, 0)}),
        (2, {1: (True, False, 0), 2: (False, False, 1)}),
        (3, {1: (False, False, 0), 2: (False, False, 1)}),
        (4, {1: (False, False, 0), 2: (False, True, 1)}),
        (5, {1: (False, False, 0), 2: (True, False, 1)}),
        (6, {1: (False, False, 0)}),
    ],
)
def test_image_tracks_registrations(upto: int, expected: dict[int, tuple[bool, bool, int]]) -> None:
    image = MetadataImage.empty().apply(0, BROKER_RECORDS[:upto])
    got = {b: (r.fenced, r.in_controlled_shutdown, r.epoch) for b, r in image.brokers.items()}
    assert got == expected
    assert image.brokers[1].host == "host-1" and image.brokers[1].rack == "rack-a"


def test_change_of_an_unregistered_broker_is_refused() -> None:
    with pytest.raises(MetadataApplyError):
        MetadataImage.empty().apply(0, [FenceBrokerRecord(7, 0)])


def _sample_image() -> MetadataImage:
    return MetadataImage.empty().apply(
        0,
        [
            *BROKER_RECORDS[:4],
            TopicRecord("orders", A),
            PartitionRecord(A, 0, (1, 2), (1, 2), 1),
            PartitionChangeRecord(A, 0, leader=2, isr=(2,)),
            TopicRecord("gone", B),
            PartitionRecord(B, 0, (1,), (1,), 1),
            ConfigRecord(TOPIC_RESOURCE, "orders", "retention.ms", "1000"),
            ProducerIdsRecord(1, 3000),
        ],
    )


def test_snapshot_roundtrip() -> None:
    image = _sample_image()
    restored = decode_image(encode_image(image))
    assert restored.offset == image.offset
    assert dict(restored.brokers) == dict(image.brokers)
    assert restored.topics_by_name.keys() == image.topics_by_name.keys()
    for name, topic in image.topics_by_name.items():
        assert dict(restored.topics_by_name[name].partitions) == dict(topic.partitions)
        assert restored.topics_by_name[name].topic_id == topic.topic_id
    assert {k: dict(v) for k, v in restored.configs.items()} == {
        k: dict(v) for k, v in image.configs.items()
    }
    assert restored.next_producer_id == 3000


@pytest.mark.parametrize(
    "data",
    [b"", b"[]", b'{"version": 99}', b'{"version": 1}', b"\xff", b'{"version":1,"offset":"x"}'],
)
def test_bad_snapshots_are_refused(data: bytes) -> None:
    with pytest.raises(SnapshotFormatError):
        decode_image(data)


def test_delta_between_says_what_a_snapshot_changed() -> None:
    old = _sample_image()
    new = old.apply(
        old.offset + 1,
        [
            RemoveTopicRecord(B),
            PartitionChangeRecord(A, 0, isr=(1, 2)),
            FenceBrokerRecord(1, 0),
            ConfigRecord(TOPIC_RESOURCE, "orders", "retention.ms", None),
        ],
    )
    delta = delta_between(old, new)
    built = delta.build()
    assert built.offset == new.offset
    assert set(delta.deleted_topics) == {B}
    assert delta.changed_partitions == {(A, 0)}
    assert delta.changed_brokers == {1}
    assert delta.changed_configs == {(TOPIC_RESOURCE, "orders")}
    assert dict(built.brokers) == dict(new.brokers)
    assert built.topics_by_name.keys() == {"orders"}
