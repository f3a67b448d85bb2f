"""The client's exception types."""

from __future__ import annotations

import pickle

from client.errors import (
    ClientClosedError,
    ConfigError,
    IllegalStateError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    UnsupportedFeatureError,
    error_from_code,
)
from protocol.errors import (
    ErrorCode,
    NetworkExceptionError,
    NotLeaderOrFollowerError,
    RequestTimedOutError,
    TopicAlreadyExistsError,
    UnknownServerError,
    UnsupportedVersionError,
)


def test_connection_error_names_the_address() -> None:
    error = KafkaConnectionError("10.0.0.7", 9093, "Connection refused", node_id=4)
    assert "10.0.0.7:9093" in str(error)
    assert "node 4" in str(error)
    assert "Connection refused" in str(error)
    assert isinstance(error, NetworkExceptionError) and isinstance(error, KafkaError)
    assert error.retriable
    assert error.code == ErrorCode.NETWORK_EXCEPTION
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) and copy.node_id == 4


def test_timeouts_and_unsupported_features_are_typed() -> None:
    assert issubclass(KafkaTimeoutError, RequestTimedOutError)
    assert KafkaTimeoutError("x").retriable
    assert issubclass(UnsupportedFeatureError, UnsupportedVersionError)
    assert not UnsupportedFeatureError("x").retriable


def test_error_from_code_gives_the_class_of_the_code() -> None:
    error = error_from_code(ErrorCode.NOT_LEADER_OR_FOLLOWER, "t-0")
    assert isinstance(error, NotLeaderOrFollowerError)
    assert error.remote and error.retriable
    assert "t-0" in str(error)
    exists = error_from_code(36)
    assert isinstance(exists, TopicAlreadyExistsError) and not exists.retriable
    unknown = error_from_code(9999, "what")
    assert isinstance(unknown, UnknownServerError)
    assert "unknown error code 9999" in str(unknown)


def test_local_errors_are_not_kafka_errors() -> None:
    assert issubclass(ConfigError, ValueError)
    assert issubclass(ClientClosedError, IllegalStateError)
    assert not issubclass(IllegalStateError, KafkaError)
