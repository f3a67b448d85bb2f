"""Samsa's Kafka client: asyncio ``Producer``, ``Consumer`` and ``Admin``, built on ``protocol``.

A synchronous facade with the same surface lives in ``client.sync``.

Importing ``client`` is cheap: each public name is imported from its module on first use
(PEP 562), so that ``client.cli`` answers ``samsa --help`` without loading asyncio or pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from client.admin import AclBinding, AclBindingFilter, Admin, NewTopic
    from client.config import AdminConfig, ClientConfig, ConsumerConfig, ProducerConfig
    from client.consumer import Consumer, ConsumerRebalanceListener, ConsumerRecord
    from client.errors import (
        AuthenticationError,
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
        ProducerFencedError,
        RecordDeserializationError,
        SerializationError,
        SslError,
        TransactionAbortedError,
        UnsupportedFeatureError,
    )
    from client.producer import (
        ConditionalAppendConflictError,
        ConsumerGroupMetadata,
        Producer,
        RecordFuture,
        TransactionState,
    )
    from client.security import ClientSecurity
    from client.types import (
        BrokerInfo,
        OffsetAndMetadata,
        OffsetAndTimestamp,
        RecordMetadata,
        TimestampType,
        TopicPartition,
    )

#: Where each public name is defined; ``__getattr__`` imports it from there on first use.
_LAZY: Final[dict[str, str]] = {
    "AclBinding": "client.admin",
    "AclBindingFilter": "client.admin",
    "Admin": "client.admin",
    "AdminConfig": "client.config",
    "AuthenticationError": "client.errors",
    "BrokerInfo": "client.types",
    "ClientClosedError": "client.errors",
    "ClientConfig": "client.config",
    "ClientError": "client.errors",
    "ClientSecurity": "client.security",
    "CommitFailedError": "client.errors",
    "ConditionalAppendConflictError": "client.producer",
    "ConfigError": "client.errors",
    "ConfigTypeError": "client.errors",
    "Consumer": "client.consumer",
    "ConsumerConfig": "client.config",
    "ConsumerGroupMetadata": "client.producer",
    "ConsumerRebalanceListener": "client.consumer",
    "ConsumerRecord": "client.consumer",
    "IllegalStateError": "client.errors",
    "KafkaConnectionError": "client.errors",
    "KafkaError": "client.errors",
    "KafkaTimeoutError": "client.errors",
    "NewTopic": "client.admin",
    "NoOffsetForPartitionError": "client.errors",
    "OffsetAndMetadata": "client.types",
    "OffsetAndTimestamp": "client.types",
    "Producer": "client.producer",
    "ProducerConfig": "client.config",
    "ProducerFencedError": "client.errors",
    "RecordDeserializationError": "client.errors",
    "RecordFuture": "client.producer",
    "RecordMetadata": "client.types",
    "SerializationError": "client.errors",
    "SslError": "client.errors",
    "TimestampType": "client.types",
    "TopicPartition": "client.types",
    "TransactionAbortedError": "client.errors",
    "TransactionState": "client.producer",
    "UnsupportedFeatureError": "client.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'client' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "AclBinding",
    "AclBindingFilter",
    "Admin",
    "AdminConfig",
    "AuthenticationError",
    "BrokerInfo",
    "ClientClosedError",
    "ClientConfig",
    "ClientError",
    "ClientSecurity",
    "CommitFailedError",
    "ConditionalAppendConflictError",
    "ConfigError",
    "ConfigTypeError",
    "Consumer",
    "ConsumerConfig",
    "ConsumerGroupMetadata",
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
    "ProducerFencedError",
    "RecordDeserializationError",
    "RecordFuture",
    "RecordMetadata",
    "SerializationError",
    "SslError",
    "TimestampType",
    "TopicPartition",
    "TransactionAbortedError",
    "TransactionState",
    "UnsupportedFeatureError",
]
