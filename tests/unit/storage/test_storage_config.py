"""LogConfig: Kafka names as aliases, defaults, parsing of string values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from broker.storage import CleanupPolicy, FlushPolicy, LogConfig
from broker.storage.config import LONG_MAX


def test_defaults_are_kafkas() -> None:
    c = LogConfig()
    assert c.segment_bytes == 1 << 30
    assert c.segment_ms == 7 * 24 * 3600 * 1000
    assert c.segment_index_bytes == 10 * 1024 * 1024
    assert c.index_interval_bytes == 4096
    assert c.retention_ms == 7 * 24 * 3600 * 1000
    assert c.retention_bytes == -1
    assert c.cleanup_policy == frozenset({CleanupPolicy.DELETE})
    assert c.delete_retention_ms == 24 * 3600 * 1000
    assert c.min_cleanable_dirty_ratio == 0.5
    assert c.max_message_bytes == 1048588
    assert c.flush_messages == LONG_MAX and c.flush_ms == LONG_MAX
    assert c.message_timestamp_type == "CreateTime"
    assert FlushPolicy("group") is FlushPolicy.GROUP


def test_kafka_names_and_strings() -> None:
    c = LogConfig.from_kafka(
        {"segment.bytes": "1048576", "cleanup.policy": "compact,delete", "retention.ms": "-1"}
    )
    assert c.segment_bytes == 1048576 and c.retention_ms == -1
    assert c.compact and c.delete
    assert LogConfig.from_kafka({"cleanup.policy": "compact"}).compact
    assert not LogConfig.from_kafka({"cleanup.policy": "compact"}).delete
    assert c.kafka_settings()["cleanup.policy"] == "compact,delete"
    assert c.with_overrides({"segment_ms": 5, "retention.bytes": 7}).segment_ms == 5
    assert c.with_overrides({"retention.bytes": 7}).retention_bytes == 7
    assert c.max_index_entries == 10 * 1024 * 1024 // 8


def test_invalid_values_rejected() -> None:
    with pytest.raises(ValidationError):
        LogConfig(segment_bytes=1)
    with pytest.raises(ValidationError):
        LogConfig.from_kafka({"cleanup.policy": "shred"})
    with pytest.raises(ValidationError):
        LogConfig.from_kafka({"no.such.setting": "1"})
    with pytest.raises(ValidationError):
        LogConfig(min_cleanable_dirty_ratio=1.5)
