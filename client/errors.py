"""The client's exceptions: Kafka's error codes, typed, plus what can go wrong on this side.

Every error a broker reports arrives as the ``protocol.errors`` class for its code (one class
per code, ``retriable`` set as in Kafka, ``remote=True``); catch ``KafkaError`` for all of them.
Failures of the client itself use the same family where Kafka has a code for them:

* ``KafkaConnectionError`` (a ``NetworkExceptionError``, retriable) names the address that
  could not be reached or that dropped the connection;
* ``KafkaTimeoutError`` (a ``RequestTimedOutError``, retriable) is every local deadline:
  ``request.timeout.ms``, ``delivery.timeout.ms``, ``max.block.ms``, the timeouts of calls;
* ``UnsupportedFeatureError`` (an ``UnsupportedVersionError``) is a broker without a version of
  an API that the client can speak;
* ``AuthenticationError`` (a ``SaslAuthenticationFailedError``, not retriable) is a SASL
  exchange that failed, naming the user and the mechanism, and ``SslError`` (an
  ``AuthenticationError``, as Kafka's ``SslAuthenticationException``) a TLS handshake that
  failed, naming the address. Both print as their one-line message.

Misuse and local states without a Kafka code derive from ``ClientError``: ``ConfigError``
(``ConfigTypeError`` for a wrong type, also a ``TypeError``),
``IllegalStateError`` (and ``ClientClosedError``), ``CommitFailedError``,
``NoOffsetForPartitionError``, ``SerializationError`` (``RecordDeserializationError`` for a
fetched record, with its partition and offset), ``TransactionAbortedError`` (a record of an
aborted transaction that was never sent).

The transactional producer's fatal errors are Kafka's own: ``ProducerFencedError`` (another
producer with the same ``transactional.id`` took over), ``InvalidProducerEpochError``,
``TransactionalIdAuthorizationFailedError``; re-exported here with ``InvalidTxnStateError``.
"""

from __future__ import annotations

from typing import Any

from client.types import TopicPartition
from protocol.errors import (
    ConcurrentTransactionsError,
    ErrorCode,
    InvalidProducerEpochError,
    InvalidTxnStateError,
    KafkaError,
    NetworkExceptionError,
    ProducerFencedError,
    RequestTimedOutError,
    SaslAuthenticationFailedError,
    TransactionalIdAuthorizationFailedError,
    UnknownServerError,
    UnsupportedVersionError,
    error_for_code,
)

__all__ = [
    "AuthenticationError",
    "ClientClosedError",
    "ClientError",
    "CommitFailedError",
    "ConcurrentTransactionsError",
    "ConfigError",
    "ConfigTypeError",
    "ErrorCode",
    "IllegalStateError",
    "InvalidProducerEpochError",
    "InvalidTxnStateError",
    "KafkaConnectionError",
    "KafkaError",
    "KafkaTimeoutError",
    "NoOffsetForPartitionError",
    "ProducerFencedError",
    "RecordDeserializationError",
    "SerializationError",
    "SslError",
    "TransactionAbortedError",
    "TransactionalIdAuthorizationFailedError",
    "UnsupportedFeatureError",
    "error_from_code",
]


class KafkaConnectionError(NetworkExceptionError):
    """A broker could not be reached, or the connection to it broke; names ``host:port``."""

    def __init__(self, host: str, port: int, reason: str, *, node_id: int | None = None) -> None:
        who = (
            f"{host}:{port}"
            if node_id is None or node_id < 0
            else f"{host}:{port} (node {node_id})"
        )
        super().__init__(f"connection to {who} failed: {reason}")
        self.host = host
        self.port = port
        self.node_id = node_id
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_connection_error, (self.host, self.port, self.reason, self.node_id))


def _rebuild_connection_error(
    host: str, port: int, reason: str, node_id: int | None
) -> KafkaConnectionError:
    return KafkaConnectionError(host, port, reason, node_id=node_id)


class AuthenticationError(SaslAuthenticationFailedError):
    """Authentication with a broker failed (not retriable): ``authentication failed for user
    'alice' (SCRAM-SHA-256): <why>``."""

    def __str__(self) -> str:
        return self.message or self.code.description


class SslError(AuthenticationError):
    """A TLS handshake with a broker failed: ``TLS handshake with host:port failed: <why>``."""


class KafkaTimeoutError(RequestTimedOutError):
    """A local deadline passed (request, delivery, blocking or call timeout)."""


class UnsupportedFeatureError(UnsupportedVersionError):
    """The broker offers no version of an API that this client speaks."""


class ClientError(Exception):
    """A failure on the client's side that has no Kafka error code."""


class ConfigError(ClientError, ValueError):
    """A configuration key is unknown or a value is invalid."""


class ConfigTypeError(ConfigError, TypeError):
    """An option (or an argument of a client's constructor) has the wrong type; names it."""


class IllegalStateError(ClientError):
    """A call that is not valid in the object's current state."""


class ClientClosedError(IllegalStateError):
    """The producer, consumer or admin client is closed (or was never started)."""


class CommitFailedError(ClientError):
    """An offset commit was refused for good: the group rebalanced and the partitions moved.

    The records since the last commit may be delivered again to another member.
    """


class NoOffsetForPartitionError(ClientError):
    """No committed offset and ``auto.offset.reset`` is ``none``."""


class TransactionAbortedError(ClientError):
    """The record's transaction was aborted before the record was sent (Kafka's
    ``TransactionAbortedException``): it was never written."""


class SerializationError(ClientError, ValueError):
    """A key or value could not be serialized or deserialized."""


class RecordDeserializationError(SerializationError):
    """A fetched record's key or value could not be deserialized (Kafka's
    ``RecordDeserializationException``): names the partition, the offset and which part failed.

    The records before it were handed out; the consumer's position stays at this record, so
    every later ``getmany`` or iteration raises this again until the application decides: skip
    it with ``consumer.seek(error.topic_partition, error.offset + 1)`` (then commit as usual),
    or stop. ``record`` is the record as fetched (key and value as bytes).
    """

    def __init__(
        self, topic_partition: TopicPartition, offset: int, origin: str, record: Any, cause: str
    ) -> None:
        super().__init__(
            f"cannot deserialize the {origin} of the record at offset {offset} of "
            f"{topic_partition.topic}-{topic_partition.partition}: {cause} (the consumer "
            f"stays at that offset: seek to {offset + 1} to skip the record)"
        )
        self.topic_partition = topic_partition
        self.offset = offset
        #: ``"key"`` or ``"value"``.
        self.origin = origin
        #: The ``ConsumerRecord`` as fetched, undeserialized.
        self.record = record


def error_from_code(code: int, message: str | None = None) -> KafkaError:
    """The exception instance (``remote=True``) for a non-zero error code from a response."""
    cls = error_for_code(code)
    if cls is UnknownServerError and code != ErrorCode.UNKNOWN_SERVER_ERROR:
        detail = f"unknown error code {code}"
        message = detail if message is None else f"{message} ({detail})"
    return cls(message, remote=True)
