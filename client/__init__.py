"""Samsa's Kafka client: asyncio ``Producer``, ``Consumer`` and ``Admin``, built on ``protocol``.

A synchronous facade with the same surface lives in ``client.sync``.
"""

from client.admin import Admin, NewTopic
from client.config import AdminConfig, ClientConfig, ConsumerConfig, ProducerConfig
from client.consumer import Consumer, ConsumerRebalanceListener, ConsumerRecord
from client.errors import (
    ClientClosedError,
    ClientError,
    CommitFailedError,
    ConfigError,
    ConfigTypeError,
    IllegalStateError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    NoOffsetForPartitionError,
    RecordDeserializationError,
    SerializationError,
    UnsupportedFeatureError,
)
from client.producer import ConditionalAppendConflictError, Producer, RecordFuture
from client.types import (
    BrokerInfo,
    OffsetAndMetadata,
    OffsetAndTimestamp,
    RecordMetadata,
    TimestampType,
    TopicPartition,
)

__all__ = [
    "Admin",
    "AdminConfig",
    "BrokerInfo",
    "ClientClosedError",
    "ClientConfig",
    "ClientError",
    "CommitFailedError",
    "ConditionalAppendConflictError",
    "ConfigError",
    "ConfigTypeError",
    "Consumer",
    "ConsumerConfig",
    "ConsumerRebalanceListener",
    "ConsumerRecord",
    "IllegalStateError",
    "KafkaConnectionError",
    "KafkaError",
    "KafkaTimeoutError",
    "NewTopic",
    "NoOffsetForPartitionError",
    "OffsetAndMetadata",
    "OffsetAndTimestamp",
    "Producer",
    "ProducerConfig",
    "RecordDeserializationError",
    "RecordFuture",
    "RecordMetadata",
    "SerializationError",
    "TimestampType",
    "TopicPartition",
    "UnsupportedFeatureError",
]
