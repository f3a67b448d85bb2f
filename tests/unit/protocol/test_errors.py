"""Kafka error codes and the one-exception-per-code family."""

from __future__ import annotations

import inspect
import pickle
from typing import Any

import pytest

import protocol.errors as errors
from protocol.errors import (
    CorruptMessageError,
    DecodeError,
    ErrorCode,
    FrameTooLargeError,
    KafkaError,
    KafkaStorageError,
    NotLeaderOrFollowerError,
    ProtocolError,
    UnknownServerError,
    UnknownTopicOrPartitionError,
    error_for_code,
    raise_for_code,
)

HIGHEST_CODE = 133
#: Samsa's private codes, far above Kafka's (protocol.extensions).
SAMSA_CODES = [32000]


def _class_name(code_name: str) -> str:
    camel = "".join(part.capitalize() for part in code_name.lower().split("_"))
    return camel if code_name.endswith("_ERROR") else camel + "Error"


ERROR_CLASSES = {
    cls.code: cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, KafkaError) and cls is not KafkaError
}


def test_kafka_codes_are_contiguous_from_minus_one_then_samsa_codes() -> None:
    assert [int(code) for code in ErrorCode] == [*range(-1, HIGHEST_CODE + 1), *SAMSA_CODES]


def test_conditional_append_conflict_carries_offsets_and_pickles() -> None:
    error = errors.ConditionalAppendConflictError(
        "moved on", remote=True, log_end_offset=12, expected_offset=10
    )
    assert error.code == ErrorCode.CONDITIONAL_APPEND_CONFLICT
    assert int(error.code) == 32000
    assert not error.retriable
    assert (error.current_offset, error.log_end_offset, error.expected_offset) == (12, 12, 10)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.log_end_offset, copy.expected_offset, copy.remote) == (12, 10, True)
    assert error_for_code(32000) is errors.ConditionalAppendConflictError


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("UNKNOWN_SERVER_ERROR", -1),
        ("NONE", 0),
        ("OFFSET_OUT_OF_RANGE", 1),
        ("CORRUPT_MESSAGE", 2),
        ("UNKNOWN_TOPIC_OR_PARTITION", 3),
        ("NOT_LEADER_OR_FOLLOWER", 6),
        ("MESSAGE_TOO_LARGE", 10),
        ("NOT_COORDINATOR", 16),
        ("INVALID_TOPIC_EXCEPTION", 17),
        ("NOT_ENOUGH_REPLICAS", 19),
        ("REBALANCE_IN_PROGRESS", 27),
        ("UNSUPPORTED_VERSION", 35),
        ("TOPIC_ALREADY_EXISTS", 36),
        ("OUT_OF_ORDER_SEQUENCE_NUMBER", 45),
        ("DUPLICATE_SEQUENCE_NUMBER", 46),
        ("INVALID_PRODUCER_EPOCH", 47),
        ("KAFKA_STORAGE_ERROR", 56),
        ("UNKNOWN_PRODUCER_ID", 59),
        ("FENCED_LEADER_EPOCH", 74),
        ("UNSUPPORTED_COMPRESSION_TYPE", 76),
        ("MEMBER_ID_REQUIRED", 79),
        ("PRODUCER_FENCED", 90),
        ("UNKNOWN_TOPIC_ID", 100),
        ("FETCH_SESSION_TOPIC_ID_ERROR", 106),
        ("VOTER_NOT_FOUND", 127),
        ("SHARE_SESSION_LIMIT_REACHED", 133),
    ],
)
def test_names_and_values(name: str, value: int) -> None:
    assert ErrorCode[name] == value
    assert ErrorCode(value).name == name


@pytest.mark.parametrize(
    ("code", "retriable"),
    [
        (ErrorCode.UNKNOWN_SERVER_ERROR, False),
        (ErrorCode.NONE, False),
        (ErrorCode.OFFSET_OUT_OF_RANGE, False),
        (ErrorCode.CORRUPT_MESSAGE, True),
        (ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, True),
        (ErrorCode.LEADER_NOT_AVAILABLE, True),
        (ErrorCode.NOT_LEADER_OR_FOLLOWER, True),
        (ErrorCode.REQUEST_TIMED_OUT, True),
        (ErrorCode.MESSAGE_TOO_LARGE, False),
        (ErrorCode.NETWORK_EXCEPTION, True),
        (ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, True),
        (ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, True),
        (ErrorCode.REBALANCE_IN_PROGRESS, False),
        (ErrorCode.NOT_CONTROLLER, True),
        (ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, False),
        (ErrorCode.CONCURRENT_TRANSACTIONS, True),
        (ErrorCode.KAFKA_STORAGE_ERROR, True),
        (ErrorCode.FENCED_LEADER_EPOCH, True),
        (ErrorCode.UNKNOWN_LEADER_EPOCH, True),
        (ErrorCode.OFFSET_NOT_AVAILABLE, True),
        (ErrorCode.THROTTLING_QUOTA_EXCEEDED, True),
        (ErrorCode.PRODUCER_FENCED, False),
        (ErrorCode.UNKNOWN_TOPIC_ID, True),
        (ErrorCode.TRANSACTION_ABORTABLE, False),
        (ErrorCode.SHARE_SESSION_NOT_FOUND, True),
    ],
)
def test_retriable(code: ErrorCode, retriable: bool) -> None:
    assert code.retriable is retriable


def test_retriable_matches_kafka_python_except_corrupt_message() -> None:
    """kafka-python mirrors Java's RetriableException tree, with one known divergence.

    Java's CorruptRecordException is retriable; kafka-python's CorruptRecordError is not.
    """
    kafka_errors = pytest.importorskip("kafka.errors")
    classes: list[Any] = [cls for _, cls in inspect.getmembers(kafka_errors, inspect.isclass)]
    theirs = {
        cls.errno: cls.retriable
        for cls in classes
        if issubclass(cls, kafka_errors.BrokerResponseError) and cls.errno is not None
    }
    differences = {
        code.name for code in ErrorCode if code in theirs and theirs[code] != code.retriable
    }
    assert differences == {"CORRUPT_MESSAGE"}


def test_every_code_has_a_one_line_description() -> None:
    for code in ErrorCode:
        assert code.description
        assert "\n" not in code.description
        assert len(code.description) < 100


@pytest.mark.parametrize("code", [c for c in ErrorCode if c != ErrorCode.NONE], ids=str)
def test_one_class_per_code(code: ErrorCode) -> None:
    cls = getattr(errors, _class_name(code.name))
    assert issubclass(cls, KafkaError)
    assert cls.code is code
    assert cls.retriable is code.retriable
    assert cls.__doc__
    assert error_for_code(int(code)) is cls
    assert ERROR_CLASSES[code] is cls


def test_no_class_for_none() -> None:
    assert ErrorCode.NONE not in ERROR_CLASSES
    assert len(ERROR_CLASSES) == len(ErrorCode) - 1


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("CorruptMessageError", ErrorCode.CORRUPT_MESSAGE),
        ("KafkaStorageError", ErrorCode.KAFKA_STORAGE_ERROR),
        ("UnknownServerError", ErrorCode.UNKNOWN_SERVER_ERROR),
        ("NotLeaderOrFollowerError", ErrorCode.NOT_LEADER_OR_FOLLOWER),
        ("FetchSessionTopicIdError", ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR),
        ("InvalidTopicExceptionError", ErrorCode.INVALID_TOPIC_EXCEPTION),
        ("UnsupportedCompressionTypeError", ErrorCode.UNSUPPORTED_COMPRESSION_TYPE),
    ],
)
def test_naming_rule(name: str, code: ErrorCode) -> None:
    assert getattr(errors, name).code is code


def test_instance_attributes_and_str() -> None:
    exc = CorruptMessageError("bad CRC")
    assert exc.code is ErrorCode.CORRUPT_MESSAGE
    assert exc.retriable is True
    assert exc.remote is False
    assert str(exc) == "CORRUPT_MESSAGE (2): bad CRC"
    assert "CorruptMessageError" in repr(exc)
    remote = KafkaStorageError("disk", remote=True)
    assert remote.remote is True
    assert str(UnknownServerError("boom")) == "UNKNOWN_SERVER_ERROR (-1): boom"


def test_pickle_round_trip() -> None:
    exc = pickle.loads(pickle.dumps(KafkaStorageError("disk", remote=True)))
    assert type(exc) is KafkaStorageError
    assert (exc.message, exc.remote, str(exc)) == ("disk", True, "KAFKA_STORAGE_ERROR (56): disk")


def test_str_without_message_uses_description() -> None:
    assert str(NotLeaderOrFollowerError()) == (
        f"NOT_LEADER_OR_FOLLOWER (6): {ErrorCode.NOT_LEADER_OR_FOLLOWER.description}"
    )


def test_error_for_unknown_codes() -> None:
    assert error_for_code(9999) is UnknownServerError
    assert error_for_code(-2) is UnknownServerError
    assert error_for_code(0) is UnknownServerError


def test_raise_for_code() -> None:
    raise_for_code(0)
    raise_for_code(0, "ignored")
    with pytest.raises(UnknownTopicOrPartitionError) as info:
        raise_for_code(3, "no such topic")
    assert info.value.remote is True
    assert str(info.value) == "UNKNOWN_TOPIC_OR_PARTITION (3): no such topic"
    with pytest.raises(UnknownTopicOrPartitionError) as info:
        raise_for_code(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, remote=False)
    assert info.value.remote is False


def test_raise_for_unknown_code_keeps_the_number() -> None:
    with pytest.raises(UnknownServerError, match="unknown error code 4242"):
        raise_for_code(4242)
    with pytest.raises(UnknownServerError, match=r"hello \(unknown error code 4242\)"):
        raise_for_code(4242, "hello")


def test_protocol_errors_are_separate() -> None:
    assert issubclass(DecodeError, ProtocolError)
    assert issubclass(FrameTooLargeError, ProtocolError)
    assert not issubclass(ProtocolError, KafkaError)
    assert not issubclass(KafkaError, ProtocolError)
