"""Metadata records, their batch framing and the image they build."""

from __future__ import annotations

import struct
import uuid

import pytest

from broker.metadata.image import (
    BROKER_RESOURCE,
    TOPIC_RESOURCE,
    MetadataApplyError,
    MetadataDelta,
    MetadataImage,
)
from broker.metadata.records import (
    AccessControlEntryRecord,
    ConfigRecord,
    MetadataRecord,
    MetadataRecordError,
    PartitionChangeRecord,
    PartitionRecord,
    ProducerIdsRecord,
    RegisterBrokerRecord,
    RemoveAccessControlEntryRecord,
    RemoveTopicRecord,
    RemoveUserScramCredentialRecord,
    TopicRecord,
    UserScramCredentialRecord,
    decode_batch,
    encode_batch,
)

TID = uuid.UUID("7f3a2b1c-0000-4000-8000-00000000abcd")
OTHER = uuid.UUID("11111111-2222-4333-8444-555555555555")

ALL_RECORDS: list[MetadataRecord] = [
    TopicRecord("orders", TID),
    PartitionRecord(TID, 0, (1,), (1,), 1, 0, 0),
    PartitionChangeRecord(TID, 0, leader=2, isr=(2,)),
    PartitionChangeRecord(TID, 0),
    ConfigRecord(TOPIC_RESOURCE, "orders", "retention.ms", "1000"),
    ConfigRecord(TOPIC_RESOURCE, "orders", "retention.ms", None),
    RemoveTopicRecord(TID),
    ProducerIdsRecord(1, 2000),
    RegisterBrokerRecord(1, "inc", "h", 9093, None, True, (("SSL", "h", 9093), ("IN", "i", 1))),
    UserScramCredentialRecord("alice", "SCRAM-SHA-256", b"\x00salt", b"\xffsk", b"svk", 4096),
    RemoveUserScramCredentialRecord("alice", "SCRAM-SHA-256"),
    AccessControlEntryRecord(str(OTHER), 2, "orders", 3, "User:alice", "*", 3, 3),
    RemoveAccessControlEntryRecord(str(OTHER)),
]


def test_batch_roundtrip_of_every_record_type() -> None:
    data = encode_batch(7, ALL_RECORDS)
    decoded = decode_batch(data)
    assert decoded is not None
    base, records, end = decoded
    assert (base, records, end) == (7, ALL_RECORDS, len(data))


def test_torn_batch_is_incomplete_not_an_error() -> None:
    data = encode_batch(0, ALL_RECORDS)
    for cut in (0, 5, len(data) // 2, len(data) - 1):
        assert decode_batch(data[:cut]) is None


def test_corrupt_batch_fails_its_crc() -> None:
    data = bytearray(encode_batch(0, ALL_RECORDS))
    data[-5] ^= 0x01
    with pytest.raises(MetadataRecordError, match="CRC"):
        decode_batch(bytes(data))


def test_unknown_type_and_newer_version_are_refused() -> None:
    def batch_with(type_: int, version: int) -> bytes:
        payload = b"{}"
        body = struct.pack(">qi", 0, 1) + struct.pack(">hhi", type_, version, len(payload))
        body += payload
        import crc32c

        return struct.pack(">iI", len(body) + 4, crc32c.crc32c(body)) + body

    with pytest.raises(MetadataRecordError, match="unknown metadata record type"):
        decode_batch(batch_with(999, 0))
    with pytest.raises(MetadataRecordError, match="newer"):
        decode_batch(batch_with(TopicRecord.TYPE, 5))


def _image(*records: MetadataRecord) -> MetadataImage:
    return MetadataImage.empty().apply(0, records)


def test_image_from_topic_partitions_and_configs() -> None:
    image = _image(
        TopicRecord("orders", TID),
        PartitionRecord(TID, 0, (1,), (1,), 1, 0, 0),
        PartitionRecord(TID, 1, (1,), (1,), 1, 0, 0),
        ConfigRecord(TOPIC_RESOURCE, "orders", "retention.ms", "1000"),
        ConfigRecord(BROKER_RESOURCE, "", "log.retention.ms", "5"),
        ProducerIdsRecord(1, 1000),
    )
    topic = image.topic("orders")
    assert topic is not None and topic.topic_id == TID and topic.partition_count == 2
    assert image.topics_by_id[TID] is topic
    assert image.partition("orders", 1) is not None
    assert image.partition("orders", 2) is None
    assert dict(image.config(TOPIC_RESOURCE, "orders")) == {"retention.ms": "1000"}
    assert dict(image.config(BROKER_RESOURCE, "")) == {"log.retention.ms": "5"}
    assert image.next_producer_id == 1000
    assert image.offset == 5
    assert image.partition_count == 2


def test_partition_change_bumps_epochs() -> None:
    image = _image(TopicRecord("t", TID), PartitionRecord(TID, 0, (1, 2), (1, 2), 1, 3, 7))
    image = image.apply(image.offset + 1, [PartitionChangeRecord(TID, 0, isr=(1,))])
    p = image.partition("t", 0)
    assert p is not None and (p.leader, p.leader_epoch, p.partition_epoch, p.isr) == (
        1,
        3,
        8,
        (1,),
    )
    image = image.apply(image.offset + 1, [PartitionChangeRecord(TID, 0, leader=2)])
    p = image.partition("t", 0)
    assert p is not None and (p.leader, p.leader_epoch, p.partition_epoch) == (2, 4, 9)


def test_remove_topic_drops_partitions_and_configs_and_reports_it() -> None:
    image = _image(
        TopicRecord("t", TID),
        PartitionRecord(TID, 0, (1,), (1,), 1, 0, 0),
        ConfigRecord(TOPIC_RESOURCE, "t", "retention.ms", "1"),
    )
    delta = MetadataDelta(image)
    delta.replay(image.offset + 1, RemoveTopicRecord(TID))
    after = delta.build()
    assert after.topic("t") is None and not after.config(TOPIC_RESOURCE, "t")
    assert set(delta.deleted_topics) == {TID}
    assert (TOPIC_RESOURCE, "t") in delta.changed_configs
    # The old image is untouched.
    assert image.topic("t") is not None


def test_delta_reports_created_topics_and_changed_partitions() -> None:
    delta = MetadataDelta(MetadataImage.empty())
    delta.replay(0, TopicRecord("t", TID))
    delta.replay(1, PartitionRecord(TID, 0, (1,), (1,), 1, 0, 0))
    assert delta.created_topics == {TID}
    assert delta.changed_partitions == {(TID, 0)}


@pytest.mark.parametrize(
    "records",
    [
        [PartitionRecord(TID, 0, (1,), (1,), 1, 0, 0)],  # unknown topic
        [TopicRecord("t", TID), TopicRecord("u", TID)],  # duplicate id
        [TopicRecord("t", TID), TopicRecord("t", OTHER)],  # duplicate name
        [RemoveTopicRecord(TID)],
        [ProducerIdsRecord(1, 2000), ProducerIdsRecord(1, 1000)],  # backwards
        [TopicRecord("t", TID), PartitionChangeRecord(TID, 3, leader=1)],
        [RemoveUserScramCredentialRecord("alice", "SCRAM-SHA-256")],  # no such credential
        [UserScramCredentialRecord("alice", "SCRAM-MD5", b"s", b"k", b"k", 4096)],
        [RemoveAccessControlEntryRecord("a")],  # no such ACL
        [
            AccessControlEntryRecord("a", 2, "t", 3, "User:x", "*", 3, 3),
            AccessControlEntryRecord("a", 2, "u", 3, "User:x", "*", 3, 3),  # duplicate id
        ],
        [AccessControlEntryRecord("a", 99, "t", 3, "User:x", "*", 3, 3)],  # no such enum
    ],
)
def test_records_that_do_not_fit_are_refused(records: list[MetadataRecord]) -> None:
    with pytest.raises(MetadataApplyError):
        _image(*records)
