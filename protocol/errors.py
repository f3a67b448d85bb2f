"""Errors of the Kafka protocol, typed on two axes.

* ``ErrorCode`` is every error code of Kafka's protocol, with its name and whether a client may
  retry it. ``KafkaError`` and its one-subclass-per-code family carry a code; ``remote`` says
  whether the error came from a peer (decoded from a response) or was raised locally.
* ``ProtocolError`` is malformed bytes: a frame or message that cannot be decoded. It has no
  Kafka error code; a server closes the connection that sent it.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar


class ProtocolError(ValueError):
    """Bytes that do not decode as the Kafka protocol (a local failure on input)."""


class DecodeError(ProtocolError):
    """A message body or header is truncated, has a bad length, count or encoding."""


class FrameTooLargeError(ProtocolError):
    """A frame's size prefix exceeds the configured maximum (``socket.request.max.bytes``)."""


# ---------------------------------------------------------------------------------------------
# Kafka error codes
#
# The codes, names and "retriable" flags are Kafka's (its ``Errors`` enum, through Kafka 4.1's
# code 133); the descriptions are ours. The reference protocol.html omits its generated table,
# so the enum follows Kafka's source. A code a newer peer sends that is not listed here maps to
# ``UnknownServerError`` (as Kafka's own clients do).
# ---------------------------------------------------------------------------------------------


class ErrorCode(IntEnum):
    """Every error code of the Kafka protocol (int16 on the wire)."""

    UNKNOWN_SERVER_ERROR = -1
    NONE = 0
    OFFSET_OUT_OF_RANGE = 1
    CORRUPT_MESSAGE = 2
    UNKNOWN_TOPIC_OR_PARTITION = 3
    INVALID_FETCH_SIZE = 4
    LEADER_NOT_AVAILABLE = 5
    NOT_LEADER_OR_FOLLOWER = 6
    REQUEST_TIMED_OUT = 7
    BROKER_NOT_AVAILABLE = 8
    REPLICA_NOT_AVAILABLE = 9
    MESSAGE_TOO_LARGE = 10
    STALE_CONTROLLER_EPOCH = 11
    OFFSET_METADATA_TOO_LARGE = 12
    NETWORK_EXCEPTION = 13
    COORDINATOR_LOAD_IN_PROGRESS = 14
    COORDINATOR_NOT_AVAILABLE = 15
    NOT_COORDINATOR = 16
    INVALID_TOPIC_EXCEPTION = 17
    RECORD_LIST_TOO_LARGE = 18
    NOT_ENOUGH_REPLICAS = 19
    NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20
    INVALID_REQUIRED_ACKS = 21
    ILLEGAL_GENERATION = 22
    INCONSISTENT_GROUP_PROTOCOL = 23
    INVALID_GROUP_ID = 24
    UNKNOWN_MEMBER_ID = 25
    INVALID_SESSION_TIMEOUT = 26
    REBALANCE_IN_PROGRESS = 27
    INVALID_COMMIT_OFFSET_SIZE = 28
    TOPIC_AUTHORIZATION_FAILED = 29
    GROUP_AUTHORIZATION_FAILED = 30
    CLUSTER_AUTHORIZATION_FAILED = 31
    INVALID_TIMESTAMP = 32
    UNSUPPORTED_SASL_MECHANISM = 33
    ILLEGAL_SASL_STATE = 34
    UNSUPPORTED_VERSION = 35
    TOPIC_ALREADY_EXISTS = 36
    INVALID_PARTITIONS = 37
    INVALID_REPLICATION_FACTOR = 38
    INVALID_REPLICA_ASSIGNMENT = 39
    INVALID_CONFIG = 40
    NOT_CONTROLLER = 41
    INVALID_REQUEST = 42
    UNSUPPORTED_FOR_MESSAGE_FORMAT = 43
    POLICY_VIOLATION = 44
    OUT_OF_ORDER_SEQUENCE_NUMBER = 45
    DUPLICATE_SEQUENCE_NUMBER = 46
    INVALID_PRODUCER_EPOCH = 47
    INVALID_TXN_STATE = 48
    INVALID_PRODUCER_ID_MAPPING = 49
    INVALID_TRANSACTION_TIMEOUT = 50
    CONCURRENT_TRANSACTIONS = 51
    TRANSACTION_COORDINATOR_FENCED = 52
    TRANSACTIONAL_ID_AUTHORIZATION_FAILED = 53
    SECURITY_DISABLED = 54
    OPERATION_NOT_ATTEMPTED = 55
    KAFKA_STORAGE_ERROR = 56
    LOG_DIR_NOT_FOUND = 57
    SASL_AUTHENTICATION_FAILED = 58
    UNKNOWN_PRODUCER_ID = 59
    REASSIGNMENT_IN_PROGRESS = 60
    DELEGATION_TOKEN_AUTH_DISABLED = 61
    DELEGATION_TOKEN_NOT_FOUND = 62
    DELEGATION_TOKEN_OWNER_MISMATCH = 63
    DELEGATION_TOKEN_REQUEST_NOT_ALLOWED = 64
    DELEGATION_TOKEN_AUTHORIZATION_FAILED = 65
    DELEGATION_TOKEN_EXPIRED = 66
    INVALID_PRINCIPAL_TYPE = 67
    NON_EMPTY_GROUP = 68
    GROUP_ID_NOT_FOUND = 69
    FETCH_SESSION_ID_NOT_FOUND = 70
    INVALID_FETCH_SESSION_EPOCH = 71
    LISTENER_NOT_FOUND = 72
    TOPIC_DELETION_DISABLED = 73
    FENCED_LEADER_EPOCH = 74
    UNKNOWN_LEADER_EPOCH = 75
    UNSUPPORTED_COMPRESSION_TYPE = 76
    STALE_BROKER_EPOCH = 77
    OFFSET_NOT_AVAILABLE = 78
    MEMBER_ID_REQUIRED = 79
    PREFERRED_LEADER_NOT_AVAILABLE = 80
    GROUP_MAX_SIZE_REACHED = 81
    FENCED_INSTANCE_ID = 82
    ELIGIBLE_LEADERS_NOT_AVAILABLE = 83
    ELECTION_NOT_NEEDED = 84
    NO_REASSIGNMENT_IN_PROGRESS = 85
    GROUP_SUBSCRIBED_TO_TOPIC = 86
    INVALID_RECORD = 87
    UNSTABLE_OFFSET_COMMIT = 88
    THROTTLING_QUOTA_EXCEEDED = 89
    PRODUCER_FENCED = 90
    RESOURCE_NOT_FOUND = 91
    DUPLICATE_RESOURCE = 92
    UNACCEPTABLE_CREDENTIAL = 93
    INCONSISTENT_VOTER_SET = 94
    INVALID_UPDATE_VERSION = 95
    FEATURE_UPDATE_FAILED = 96
    PRINCIPAL_DESERIALIZATION_FAILURE = 97
    SNAPSHOT_NOT_FOUND = 98
    POSITION_OUT_OF_RANGE = 99
    UNKNOWN_TOPIC_ID = 100
    DUPLICATE_BROKER_REGISTRATION = 101
    BROKER_ID_NOT_REGISTERED = 102
    INCONSISTENT_TOPIC_ID = 103
    INCONSISTENT_CLUSTER_ID = 104
    TRANSACTIONAL_ID_NOT_FOUND = 105
    FETCH_SESSION_TOPIC_ID_ERROR = 106
    INELIGIBLE_REPLICA = 107
    NEW_LEADER_ELECTED = 108
    OFFSET_MOVED_TO_TIERED_STORAGE = 109
    FENCED_MEMBER_EPOCH = 110
    UNRELEASED_INSTANCE_ID = 111
    UNSUPPORTED_ASSIGNOR = 112
    STALE_MEMBER_EPOCH = 113
    MISMATCHED_ENDPOINT_TYPE = 114
    UNSUPPORTED_ENDPOINT_TYPE = 115
    UNKNOWN_CONTROLLER_ID = 116
    UNKNOWN_SUBSCRIPTION_ID = 117
    TELEMETRY_TOO_LARGE = 118
    INVALID_REGISTRATION = 119
    TRANSACTION_ABORTABLE = 120
    INVALID_RECORD_STATE = 121
    SHARE_SESSION_NOT_FOUND = 122
    INVALID_SHARE_SESSION_EPOCH = 123
    FENCED_STATE_EPOCH = 124
    INVALID_VOTER_KEY = 125
    DUPLICATE_VOTER = 126
    VOTER_NOT_FOUND = 127
    INVALID_REGULAR_EXPRESSION = 128
    REBOOTSTRAP_REQUIRED = 129
    STREAMS_INVALID_TOPOLOGY = 130
    STREAMS_INVALID_TOPOLOGY_EPOCH = 131
    STREAMS_TOPOLOGY_FENCED = 132
    SHARE_SESSION_LIMIT_REACHED = 133

    # Samsa's private codes (``protocol.extensions``): far above Kafka's, which grow from -1 in
    # sequence, so a future Kafka code never collides. Only Samsa's private APIs return them,
    # so stock clients never see one.
    CONDITIONAL_APPEND_CONFLICT = 32000

    @property
    def retriable(self) -> bool:
        """Whether a client may retry the request that failed with this code."""
        return self in _RETRIABLE_CODES

    @property
    def description(self) -> str:
        """A short, one-line description of the error."""
        return _DESCRIPTIONS[self]


# The codes whose exceptions Kafka derives from RetriableException.
_RETRIABLE_CODES: frozenset[ErrorCode] = frozenset(
    {
        ErrorCode.CORRUPT_MESSAGE,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.LEADER_NOT_AVAILABLE,
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ErrorCode.REQUEST_TIMED_OUT,
        ErrorCode.REPLICA_NOT_AVAILABLE,
        ErrorCode.NETWORK_EXCEPTION,
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
        ErrorCode.NOT_COORDINATOR,
        ErrorCode.NOT_ENOUGH_REPLICAS,
        ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        ErrorCode.NOT_CONTROLLER,
        ErrorCode.CONCURRENT_TRANSACTIONS,
        ErrorCode.KAFKA_STORAGE_ERROR,
        ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        ErrorCode.INVALID_FETCH_SESSION_EPOCH,
        ErrorCode.LISTENER_NOT_FOUND,
        ErrorCode.FENCED_LEADER_EPOCH,
        ErrorCode.UNKNOWN_LEADER_EPOCH,
        ErrorCode.OFFSET_NOT_AVAILABLE,
        ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
        ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE,
        ErrorCode.ELECTION_NOT_NEEDED,
        ErrorCode.UNSTABLE_OFFSET_COMMIT,
        ErrorCode.THROTTLING_QUOTA_EXCEEDED,
        ErrorCode.UNKNOWN_TOPIC_ID,
        ErrorCode.INCONSISTENT_TOPIC_ID,
        ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR,
        ErrorCode.SHARE_SESSION_NOT_FOUND,
        ErrorCode.INVALID_SHARE_SESSION_EPOCH,
        ErrorCode.SHARE_SESSION_LIMIT_REACHED,
    }
)

_DESCRIPTIONS: dict[ErrorCode, str] = {
    ErrorCode.UNKNOWN_SERVER_ERROR: (
        "The broker hit an unexpected failure while handling the request."
    ),
    ErrorCode.NONE: "No error.",
    ErrorCode.OFFSET_OUT_OF_RANGE: (
        "The offset is outside the partition's log start..log end range."
    ),
    ErrorCode.CORRUPT_MESSAGE: "A record batch failed its CRC, size or format checks.",
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION: "This broker does not host the topic-partition.",
    ErrorCode.INVALID_FETCH_SIZE: "The fetch size in the request is not valid.",
    ErrorCode.LEADER_NOT_AVAILABLE: (
        "The partition has no leader right now (an election is under way)."
    ),
    ErrorCode.NOT_LEADER_OR_FOLLOWER: (
        "This broker is not the leader (or not a replica) of the partition."
    ),
    ErrorCode.REQUEST_TIMED_OUT: "The request did not complete within its timeout.",
    ErrorCode.BROKER_NOT_AVAILABLE: "The broker is not available.",
    ErrorCode.REPLICA_NOT_AVAILABLE: "The replica is not available for the partition.",
    ErrorCode.MESSAGE_TOO_LARGE: (
        "A record batch exceeds the largest message size the broker accepts."
    ),
    ErrorCode.STALE_CONTROLLER_EPOCH: "The request came from a controller whose epoch is outdated.",
    ErrorCode.OFFSET_METADATA_TOO_LARGE: "The metadata string of an offset commit is too long.",
    ErrorCode.NETWORK_EXCEPTION: "The connection closed before a response arrived.",
    ErrorCode.COORDINATOR_LOAD_IN_PROGRESS: "The coordinator is still loading its state.",
    ErrorCode.COORDINATOR_NOT_AVAILABLE: "The coordinator is not available.",
    ErrorCode.NOT_COORDINATOR: "This broker is not the coordinator for the group or transaction.",
    ErrorCode.INVALID_TOPIC_EXCEPTION: (
        "The topic name is invalid or the topic may not be used this way."
    ),
    ErrorCode.RECORD_LIST_TOO_LARGE: "A record batch is larger than the segment size.",
    ErrorCode.NOT_ENOUGH_REPLICAS: (
        "Fewer in-sync replicas than min.insync.replicas: write rejected."
    ),
    ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND: (
        "The write was appended but fewer in-sync replicas than required acknowledged it."
    ),
    ErrorCode.INVALID_REQUIRED_ACKS: "The acks value of the produce request is not valid.",
    ErrorCode.ILLEGAL_GENERATION: "The group generation in the request is not the current one.",
    ErrorCode.INCONSISTENT_GROUP_PROTOCOL: (
        "The member's protocols do not match the group's, or the protocol list is empty."
    ),
    ErrorCode.INVALID_GROUP_ID: "The group id is not valid.",
    ErrorCode.UNKNOWN_MEMBER_ID: "The coordinator does not know this member id.",
    ErrorCode.INVALID_SESSION_TIMEOUT: (
        "The session timeout is outside the broker's group.min/max.session.timeout.ms range."
    ),
    ErrorCode.REBALANCE_IN_PROGRESS: "The group is rebalancing; the member must rejoin.",
    ErrorCode.INVALID_COMMIT_OFFSET_SIZE: "The offset commit is too large.",
    ErrorCode.TOPIC_AUTHORIZATION_FAILED: "Not authorized to access the topic.",
    ErrorCode.GROUP_AUTHORIZATION_FAILED: "Not authorized to access the group.",
    ErrorCode.CLUSTER_AUTHORIZATION_FAILED: "Not authorized for this cluster-level operation.",
    ErrorCode.INVALID_TIMESTAMP: "A record timestamp is outside the accepted range.",
    ErrorCode.UNSUPPORTED_SASL_MECHANISM: "The broker does not offer the requested SASL mechanism.",
    ErrorCode.ILLEGAL_SASL_STATE: "The request is not allowed in the current SASL state.",
    ErrorCode.UNSUPPORTED_VERSION: "The broker does not support this API version.",
    ErrorCode.TOPIC_ALREADY_EXISTS: "A topic with this name exists already.",
    ErrorCode.INVALID_PARTITIONS: "The partition count is not valid.",
    ErrorCode.INVALID_REPLICATION_FACTOR: (
        "The replication factor is below 1 or above the number of live brokers."
    ),
    ErrorCode.INVALID_REPLICA_ASSIGNMENT: "The replica assignment is not valid.",
    ErrorCode.INVALID_CONFIG: "A configuration value is not valid.",
    ErrorCode.NOT_CONTROLLER: "This broker is not the active controller.",
    ErrorCode.INVALID_REQUEST: "The request is malformed or not valid for this broker.",
    ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT: (
        "The request needs a newer message format than the topic uses."
    ),
    ErrorCode.POLICY_VIOLATION: "The request breaks a configured policy.",
    ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER: "The producer sequence number is out of order.",
    ErrorCode.DUPLICATE_SEQUENCE_NUMBER: "The producer sequence number was already written.",
    ErrorCode.INVALID_PRODUCER_EPOCH: "The producer epoch is older than the current one.",
    ErrorCode.INVALID_TXN_STATE: "The transaction is not in a state that allows this operation.",
    ErrorCode.INVALID_PRODUCER_ID_MAPPING: (
        "The producer id is not the one assigned to this transactional id."
    ),
    ErrorCode.INVALID_TRANSACTION_TIMEOUT: (
        "The transaction timeout exceeds transaction.max.timeout.ms."
    ),
    ErrorCode.CONCURRENT_TRANSACTIONS: "Another operation on the same transaction is in progress.",
    ErrorCode.TRANSACTION_COORDINATOR_FENCED: (
        "The transaction coordinator sending the marker is no longer current."
    ),
    ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED: "Not authorized for the transactional id.",
    ErrorCode.SECURITY_DISABLED: "Security features are turned off on this broker.",
    ErrorCode.OPERATION_NOT_ATTEMPTED: (
        "The broker skipped this operation because another one in the batch failed."
    ),
    ErrorCode.KAFKA_STORAGE_ERROR: "A disk error occurred while accessing the log.",
    ErrorCode.LOG_DIR_NOT_FOUND: "The requested log directory is not configured.",
    ErrorCode.SASL_AUTHENTICATION_FAILED: "SASL authentication failed.",
    ErrorCode.UNKNOWN_PRODUCER_ID: "The broker has no state for this producer id.",
    ErrorCode.REASSIGNMENT_IN_PROGRESS: "A partition reassignment is in progress.",
    ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED: "Delegation tokens are turned off.",
    ErrorCode.DELEGATION_TOKEN_NOT_FOUND: "The delegation token does not exist.",
    ErrorCode.DELEGATION_TOKEN_OWNER_MISMATCH: "The principal is not the token's owner or renewer.",
    ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: (
        "Delegation token requests are refused on this kind of channel."
    ),
    ErrorCode.DELEGATION_TOKEN_AUTHORIZATION_FAILED: "Not authorized for the delegation token.",
    ErrorCode.DELEGATION_TOKEN_EXPIRED: "The delegation token has expired.",
    ErrorCode.INVALID_PRINCIPAL_TYPE: "The principal type is not supported.",
    ErrorCode.NON_EMPTY_GROUP: "The group still has members.",
    ErrorCode.GROUP_ID_NOT_FOUND: "The group does not exist.",
    ErrorCode.FETCH_SESSION_ID_NOT_FOUND: "The fetch session does not exist.",
    ErrorCode.INVALID_FETCH_SESSION_EPOCH: "The fetch session epoch is not the expected one.",
    ErrorCode.LISTENER_NOT_FOUND: (
        "The leader has no listener matching the one this request arrived on."
    ),
    ErrorCode.TOPIC_DELETION_DISABLED: "Deleting topics is turned off.",
    ErrorCode.FENCED_LEADER_EPOCH: "The request's leader epoch is older than the broker's.",
    ErrorCode.UNKNOWN_LEADER_EPOCH: "The request's leader epoch is newer than the broker's.",
    ErrorCode.UNSUPPORTED_COMPRESSION_TYPE: (
        "The compression codec is unknown or not usable with this request version."
    ),
    ErrorCode.STALE_BROKER_EPOCH: "The broker epoch is outdated.",
    ErrorCode.OFFSET_NOT_AVAILABLE: (
        "The new leader's high watermark has not caught up, so the offset is not available yet."
    ),
    ErrorCode.MEMBER_ID_REQUIRED: "The member must rejoin with the member id it was given.",
    ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE: "The preferred leader is not available.",
    ErrorCode.GROUP_MAX_SIZE_REACHED: "The group is at its maximum number of members.",
    ErrorCode.FENCED_INSTANCE_ID: "Another member registered with the same group.instance.id.",
    ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE: "No eligible leader is available for the partition.",
    ErrorCode.ELECTION_NOT_NEEDED: "The partition already has the wanted leader.",
    ErrorCode.NO_REASSIGNMENT_IN_PROGRESS: "No partition reassignment is in progress.",
    ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC: (
        "Offsets of a topic cannot be deleted while the group subscribes to it."
    ),
    ErrorCode.INVALID_RECORD: "A record failed broker-side validation.",
    ErrorCode.UNSTABLE_OFFSET_COMMIT: "Pending transactional offsets must be resolved first.",
    ErrorCode.THROTTLING_QUOTA_EXCEEDED: "The throttling quota is exceeded.",
    ErrorCode.PRODUCER_FENCED: "A newer producer with the same transactional id fenced this one.",
    ErrorCode.RESOURCE_NOT_FOUND: "The referenced resource does not exist.",
    ErrorCode.DUPLICATE_RESOURCE: "The same resource appears twice in the request.",
    ErrorCode.UNACCEPTABLE_CREDENTIAL: "The credential does not meet the acceptance criteria.",
    ErrorCode.INCONSISTENT_VOTER_SET: "The sender or receiver is not one of the expected voters.",
    ErrorCode.INVALID_UPDATE_VERSION: "The update version is not valid.",
    ErrorCode.FEATURE_UPDATE_FAILED: "Updating the finalized features failed.",
    ErrorCode.PRINCIPAL_DESERIALIZATION_FAILURE: (
        "The forwarded request's principal could not be deserialized."
    ),
    ErrorCode.SNAPSHOT_NOT_FOUND: "The requested snapshot does not exist.",
    ErrorCode.POSITION_OUT_OF_RANGE: "The position is outside the snapshot.",
    ErrorCode.UNKNOWN_TOPIC_ID: "This broker does not host a topic with this id.",
    ErrorCode.DUPLICATE_BROKER_REGISTRATION: "The broker id is already registered.",
    ErrorCode.BROKER_ID_NOT_REGISTERED: "The broker id is not registered.",
    ErrorCode.INCONSISTENT_TOPIC_ID: "The topic id does not match the log's topic id.",
    ErrorCode.INCONSISTENT_CLUSTER_ID: "The cluster id does not match this cluster.",
    ErrorCode.TRANSACTIONAL_ID_NOT_FOUND: "The transactional id does not exist.",
    ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR: "The fetch session mixed up topic ids.",
    ErrorCode.INELIGIBLE_REPLICA: "The proposed ISR holds an ineligible replica.",
    ErrorCode.NEW_LEADER_ELECTED: (
        "The partition state was updated but the leader changed meanwhile."
    ),
    ErrorCode.OFFSET_MOVED_TO_TIERED_STORAGE: "The offset now lives in tiered storage.",
    ErrorCode.FENCED_MEMBER_EPOCH: "The member epoch is fenced; the member must rejoin.",
    ErrorCode.UNRELEASED_INSTANCE_ID: "Another member still holds this instance id.",
    ErrorCode.UNSUPPORTED_ASSIGNOR: "The group does not support this assignor.",
    ErrorCode.STALE_MEMBER_EPOCH: "The member epoch is outdated.",
    ErrorCode.MISMATCHED_ENDPOINT_TYPE: "The request reached an endpoint of the wrong type.",
    ErrorCode.UNSUPPORTED_ENDPOINT_TYPE: "The endpoint type is not supported.",
    ErrorCode.UNKNOWN_CONTROLLER_ID: "The controller id is not known.",
    ErrorCode.UNKNOWN_SUBSCRIPTION_ID: "The telemetry subscription id is unknown or outdated.",
    ErrorCode.TELEMETRY_TOO_LARGE: "The telemetry push is too large.",
    ErrorCode.INVALID_REGISTRATION: "The controller rejected the broker registration.",
    ErrorCode.TRANSACTION_ABORTABLE: (
        "The transaction failed; abort it to keep using the transactional id."
    ),
    ErrorCode.INVALID_RECORD_STATE: (
        "The record's delivery state does not allow the acknowledgement."
    ),
    ErrorCode.SHARE_SESSION_NOT_FOUND: "The share session does not exist.",
    ErrorCode.INVALID_SHARE_SESSION_EPOCH: "The share session epoch is not valid.",
    ErrorCode.FENCED_STATE_EPOCH: "The share-group state epoch does not match.",
    ErrorCode.INVALID_VOTER_KEY: "The voter key does not match the receiving replica.",
    ErrorCode.DUPLICATE_VOTER: "The voter is already in the voter set.",
    ErrorCode.VOTER_NOT_FOUND: "The voter is not in the voter set.",
    ErrorCode.INVALID_REGULAR_EXPRESSION: "The regular expression is not valid.",
    ErrorCode.REBOOTSTRAP_REQUIRED: "The client's metadata is stale; it must rebootstrap.",
    ErrorCode.STREAMS_INVALID_TOPOLOGY: "The streams topology is not valid.",
    ErrorCode.STREAMS_INVALID_TOPOLOGY_EPOCH: "The streams topology epoch is not valid.",
    ErrorCode.STREAMS_TOPOLOGY_FENCED: "The streams topology epoch is outdated.",
    ErrorCode.SHARE_SESSION_LIMIT_REACHED: "The broker's share session limit is reached.",
    ErrorCode.CONDITIONAL_APPEND_CONFLICT: (
        "The partition's log end offset is not the expected offset: nothing was appended."
    ),
}


class KafkaError(Exception):
    """Base of the one-exception-per-code family; each subclass fixes ``code`` and ``retriable``.

    ``remote`` is True when the error was decoded from a peer's response and False when it was
    raised locally (for example by validation on this side of the connection).
    """

    code: ClassVar[ErrorCode] = ErrorCode.UNKNOWN_SERVER_ERROR
    retriable: ClassVar[bool] = False

    def __init__(self, message: str | None = None, *, remote: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.remote = remote

    def __str__(self) -> str:
        text = self.message if self.message is not None else self.code.description
        return f"{self.code.name} ({int(self.code)}): {text}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, remote={self.remote})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep ``remote`` across pickling (it is keyword-only, so not part of ``args``).
        return (type(self), (self.message,), {"remote": self.remote})


# One class per code (NONE excepted). Generated from the table above; keep them in code order.


class UnknownServerError(KafkaError):
    """The broker hit an unexpected failure while handling the request."""

    code = ErrorCode.UNKNOWN_SERVER_ERROR
    retriable = False


class OffsetOutOfRangeError(KafkaError):
    """The offset is outside the partition's log start..log end range."""

    code = ErrorCode.OFFSET_OUT_OF_RANGE
    retriable = False


class CorruptMessageError(KafkaError):
    """A record batch failed its CRC, size or format checks."""

    code = ErrorCode.CORRUPT_MESSAGE
    retriable = True


class UnknownTopicOrPartitionError(KafkaError):
    """This broker does not host the topic-partition."""

    code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    retriable = True


class InvalidFetchSizeError(KafkaError):
    """The fetch size in the request is not valid."""

    code = ErrorCode.INVALID_FETCH_SIZE
    retriable = False


class LeaderNotAvailableError(KafkaError):
    """The partition has no leader right now (an election is under way)."""

    code = ErrorCode.LEADER_NOT_AVAILABLE
    retriable = True


class NotLeaderOrFollowerError(KafkaError):
    """This broker is not the leader (or not a replica) of the partition."""

    code = ErrorCode.NOT_LEADER_OR_FOLLOWER
    retriable = True


class RequestTimedOutError(KafkaError):
    """The request did not complete within its timeout."""

    code = ErrorCode.REQUEST_TIMED_OUT
    retriable = True


class BrokerNotAvailableError(KafkaError):
    """The broker is not available."""

    code = ErrorCode.BROKER_NOT_AVAILABLE
    retriable = False


class ReplicaNotAvailableError(KafkaError):
    """The replica is not available for the partition."""

    code = ErrorCode.REPLICA_NOT_AVAILABLE
    retriable = True


class MessageTooLargeError(KafkaError):
    """A record batch exceeds the largest message size the broker accepts."""

    code = ErrorCode.MESSAGE_TOO_LARGE
    retriable = False


class StaleControllerEpochError(KafkaError):
    """The request came from a controller whose epoch is outdated."""

    code = ErrorCode.STALE_CONTROLLER_EPOCH
    retriable = False


class OffsetMetadataTooLargeError(KafkaError):
    """The metadata string of an offset commit is too long."""

    code = ErrorCode.OFFSET_METADATA_TOO_LARGE
    retriable = False


class NetworkExceptionError(KafkaError):
    """The connection closed before a response arrived."""

    code = ErrorCode.NETWORK_EXCEPTION
    retriable = True


class CoordinatorLoadInProgressError(KafkaError):
    """The coordinator is still loading its state."""

    code = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    retriable = True


class CoordinatorNotAvailableError(KafkaError):
    """The coordinator is not available."""

    code = ErrorCode.COORDINATOR_NOT_AVAILABLE
    retriable = True


class NotCoordinatorError(KafkaError):
    """This broker is not the coordinator for the group or transaction."""

    code = ErrorCode.NOT_COORDINATOR
    retriable = True


class InvalidTopicExceptionError(KafkaError):
    """The topic name is invalid or the topic may not be used this way."""

    code = ErrorCode.INVALID_TOPIC_EXCEPTION
    retriable = False


class RecordListTooLargeError(KafkaError):
    """A record batch is larger than the segment size."""

    code = ErrorCode.RECORD_LIST_TOO_LARGE
    retriable = False


class NotEnoughReplicasError(KafkaError):
    """Fewer in-sync replicas than min.insync.replicas: write rejected."""

    code = ErrorCode.NOT_ENOUGH_REPLICAS
    retriable = True


class NotEnoughReplicasAfterAppendError(KafkaError):
    """The write was appended but fewer in-sync replicas than required acknowledged it."""

    code = ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND
    retriable = True


class InvalidRequiredAcksError(KafkaError):
    """The acks value of the produce request is not valid."""

    code = ErrorCode.INVALID_REQUIRED_ACKS
    retriable = False


class IllegalGenerationError(KafkaError):
    """The group generation in the request is not the current one."""

    code = ErrorCode.ILLEGAL_GENERATION
    retriable = False


class InconsistentGroupProtocolError(KafkaError):
    """The member's protocols do not match the group's, or the protocol list is empty."""

    code = ErrorCode.INCONSISTENT_GROUP_PROTOCOL
    retriable = False


class InvalidGroupIdError(KafkaError):
    """The group id is not valid."""

    code = ErrorCode.INVALID_GROUP_ID
    retriable = False


class UnknownMemberIdError(KafkaError):
    """The coordinator does not know this member id."""

    code = ErrorCode.UNKNOWN_MEMBER_ID
    retriable = False


class InvalidSessionTimeoutError(KafkaError):
    """The session timeout is outside the broker's group.min/max.session.timeout.ms range."""

    code = ErrorCode.INVALID_SESSION_TIMEOUT
    retriable = False


class RebalanceInProgressError(KafkaError):
    """The group is rebalancing; the member must rejoin."""

    code = ErrorCode.REBALANCE_IN_PROGRESS
    retriable = False


class InvalidCommitOffsetSizeError(KafkaError):
    """The offset commit is too large."""

    code = ErrorCode.INVALID_COMMIT_OFFSET_SIZE
    retriable = False


class TopicAuthorizationFailedError(KafkaError):
    """Not authorized to access the topic."""

    code = ErrorCode.TOPIC_AUTHORIZATION_FAILED
    retriable = False


class GroupAuthorizationFailedError(KafkaError):
    """Not authorized to access the group."""

    code = ErrorCode.GROUP_AUTHORIZATION_FAILED
    retriable = False


class ClusterAuthorizationFailedError(KafkaError):
    """Not authorized for this cluster-level operation."""

    code = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
    retriable = False


class InvalidTimestampError(KafkaError):
    """A record timestamp is outside the accepted range."""

    code = ErrorCode.INVALID_TIMESTAMP
    retriable = False


class UnsupportedSaslMechanismError(KafkaError):
    """The broker does not offer the requested SASL mechanism."""

    code = ErrorCode.UNSUPPORTED_SASL_MECHANISM
    retriable = False


class IllegalSaslStateError(KafkaError):
    """The request is not allowed in the current SASL state."""

    code = ErrorCode.ILLEGAL_SASL_STATE
    retriable = False


class UnsupportedVersionError(KafkaError):
    """The broker does not support this API version."""

    code = ErrorCode.UNSUPPORTED_VERSION
    retriable = False


class TopicAlreadyExistsError(KafkaError):
    """A topic with this name exists already."""

    code = ErrorCode.TOPIC_ALREADY_EXISTS
    retriable = False


class InvalidPartitionsError(KafkaError):
    """The partition count is not valid."""

    code = ErrorCode.INVALID_PARTITIONS
    retriable = False


class InvalidReplicationFactorError(KafkaError):
    """The replication factor is below 1 or above the number of live brokers."""

    code = ErrorCode.INVALID_REPLICATION_FACTOR
    retriable = False


class InvalidReplicaAssignmentError(KafkaError):
    """The replica assignment is not valid."""

    code = ErrorCode.INVALID_REPLICA_ASSIGNMENT
    retriable = False


class InvalidConfigError(KafkaError):
    """A configuration value is not valid."""

    code = ErrorCode.INVALID_CONFIG
    retriable = False


class NotControllerError(KafkaError):
    """This broker is not the active controller."""

    code = ErrorCode.NOT_CONTROLLER
    retriable = True


class InvalidRequestError(KafkaError):
    """The request is malformed or not valid for this broker."""

    code = ErrorCode.INVALID_REQUEST
    retriable = False


class UnsupportedForMessageFormatError(KafkaError):
    """The request needs a newer message format than the topic uses."""

    code = ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT
    retriable = False


class PolicyViolationError(KafkaError):
    """The request breaks a configured policy."""

    code = ErrorCode.POLICY_VIOLATION
    retriable = False


class OutOfOrderSequenceNumberError(KafkaError):
    """The producer sequence number is out of order."""

    code = ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER
    retriable = False


class DuplicateSequenceNumberError(KafkaError):
    """The producer sequence number was already written."""

    code = ErrorCode.DUPLICATE_SEQUENCE_NUMBER
    retriable = False


class InvalidProducerEpochError(KafkaError):
    """The producer epoch is older than the current one."""

    code = ErrorCode.INVALID_PRODUCER_EPOCH
    retriable = False


class InvalidTxnStateError(KafkaError):
    """The transaction is not in a state that allows this operation."""

    code = ErrorCode.INVALID_TXN_STATE
    retriable = False


class InvalidProducerIdMappingError(KafkaError):
    """The producer id is not the one assigned to this transactional id."""

    code = ErrorCode.INVALID_PRODUCER_ID_MAPPING
    retriable = False


class InvalidTransactionTimeoutError(KafkaError):
    """The transaction timeout exceeds transaction.max.timeout.ms."""

    code = ErrorCode.INVALID_TRANSACTION_TIMEOUT
    retriable = False


class ConcurrentTransactionsError(KafkaError):
    """Another operation on the same transaction is in progress."""

    code = ErrorCode.CONCURRENT_TRANSACTIONS
    retriable = True


class TransactionCoordinatorFencedError(KafkaError):
    """The transaction coordinator sending the marker is no longer current."""

    code = ErrorCode.TRANSACTION_COORDINATOR_FENCED
    retriable = False


class TransactionalIdAuthorizationFailedError(KafkaError):
    """Not authorized for the transactional id."""

    code = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    retriable = False


class SecurityDisabledError(KafkaError):
    """Security features are turned off on this broker."""

    code = ErrorCode.SECURITY_DISABLED
    retriable = False


class OperationNotAttemptedError(KafkaError):
    """The broker skipped this operation because another one in the batch failed."""

    code = ErrorCode.OPERATION_NOT_ATTEMPTED
    retriable = False


class KafkaStorageError(KafkaError):
    """A disk error occurred while accessing the log."""

    code = ErrorCode.KAFKA_STORAGE_ERROR
    retriable = True


class LogDirNotFoundError(KafkaError):
    """The requested log directory is not configured."""

    code = ErrorCode.LOG_DIR_NOT_FOUND
    retriable = False


class SaslAuthenticationFailedError(KafkaError):
    """SASL authentication failed."""

    code = ErrorCode.SASL_AUTHENTICATION_FAILED
    retriable = False


class UnknownProducerIdError(KafkaError):
    """The broker has no state for this producer id."""

    code = ErrorCode.UNKNOWN_PRODUCER_ID
    retriable = False


class ReassignmentInProgressError(KafkaError):
    """A partition reassignment is in progress."""

    code = ErrorCode.REASSIGNMENT_IN_PROGRESS
    retriable = False


class DelegationTokenAuthDisabledError(KafkaError):
    """Delegation tokens are turned off."""

    code = ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED
    retriable = False


class DelegationTokenNotFoundError(KafkaError):
    """The delegation token does not exist."""

    code = ErrorCode.DELEGATION_TOKEN_NOT_FOUND
    retriable = False


class DelegationTokenOwnerMismatchError(KafkaError):
    """The principal is not the token's owner or renewer."""

    code = ErrorCode.DELEGATION_TOKEN_OWNER_MISMATCH
    retriable = False


class DelegationTokenRequestNotAllowedError(KafkaError):
    """Delegation token requests are refused on this kind of channel."""

    code = ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED
    retriable = False


class DelegationTokenAuthorizationFailedError(KafkaError):
    """Not authorized for the delegation token."""

    code = ErrorCode.DELEGATION_TOKEN_AUTHORIZATION_FAILED
    retriable = False


class DelegationTokenExpiredError(KafkaError):
    """The delegation token has expired."""

    code = ErrorCode.DELEGATION_TOKEN_EXPIRED
    retriable = False


class InvalidPrincipalTypeError(KafkaError):
    """The principal type is not supported."""

    code = ErrorCode.INVALID_PRINCIPAL_TYPE
    retriable = False


class NonEmptyGroupError(KafkaError):
    """The group still has members."""

    code = ErrorCode.NON_EMPTY_GROUP
    retriable = False


class GroupIdNotFoundError(KafkaError):
    """The group does not exist."""

    code = ErrorCode.GROUP_ID_NOT_FOUND
    retriable = False


class FetchSessionIdNotFoundError(KafkaError):
    """The fetch session does not exist."""

    code = ErrorCode.FETCH_SESSION_ID_NOT_FOUND
    retriable = True


class InvalidFetchSessionEpochError(KafkaError):
    """The fetch session epoch is not the expected one."""

    code = ErrorCode.INVALID_FETCH_SESSION_EPOCH
    retriable = True


class ListenerNotFoundError(KafkaError):
    """The leader has no listener matching the one this request arrived on."""

    code = ErrorCode.LISTENER_NOT_FOUND
    retriable = True


class TopicDeletionDisabledError(KafkaError):
    """Deleting topics is turned off."""

    code = ErrorCode.TOPIC_DELETION_DISABLED
    retriable = False


class FencedLeaderEpochError(KafkaError):
    """The request's leader epoch is older than the broker's."""

    code = ErrorCode.FENCED_LEADER_EPOCH
    retriable = True


class UnknownLeaderEpochError(KafkaError):
    """The request's leader epoch is newer than the broker's."""

    code = ErrorCode.UNKNOWN_LEADER_EPOCH
    retriable = True


class UnsupportedCompressionTypeError(KafkaError):
    """The compression codec is unknown or not usable with this request version."""

    code = ErrorCode.UNSUPPORTED_COMPRESSION_TYPE
    retriable = False


class StaleBrokerEpochError(KafkaError):
    """The broker epoch is outdated."""

    code = ErrorCode.STALE_BROKER_EPOCH
    retriable = False


class OffsetNotAvailableError(KafkaError):
    """The new leader's high watermark has not caught up, so the offset is not available yet."""

    code = ErrorCode.OFFSET_NOT_AVAILABLE
    retriable = True


class MemberIdRequiredError(KafkaError):
    """The member must rejoin with the member id it was given."""

    code = ErrorCode.MEMBER_ID_REQUIRED
    retriable = False


class PreferredLeaderNotAvailableError(KafkaError):
    """The preferred leader is not available."""

    code = ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE
    retriable = True


class GroupMaxSizeReachedError(KafkaError):
    """The group is at its maximum number of members."""

    code = ErrorCode.GROUP_MAX_SIZE_REACHED
    retriable = False


class FencedInstanceIdError(KafkaError):
    """Another member registered with the same group.instance.id."""

    code = ErrorCode.FENCED_INSTANCE_ID
    retriable = False


class EligibleLeadersNotAvailableError(KafkaError):
    """No eligible leader is available for the partition."""

    code = ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE
    retriable = True


class ElectionNotNeededError(KafkaError):
    """The partition already has the wanted leader."""

    code = ErrorCode.ELECTION_NOT_NEEDED
    retriable = True


class NoReassignmentInProgressError(KafkaError):
    """No partition reassignment is in progress."""

    code = ErrorCode.NO_REASSIGNMENT_IN_PROGRESS
    retriable = False


class GroupSubscribedToTopicError(KafkaError):
    """Offsets of a topic cannot be deleted while the group subscribes to it."""

    code = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC
    retriable = False


class InvalidRecordError(KafkaError):
    """A record failed broker-side validation."""

    code = ErrorCode.INVALID_RECORD
    retriable = False


class UnstableOffsetCommitError(KafkaError):
    """Pending transactional offsets must be resolved first."""

    code = ErrorCode.UNSTABLE_OFFSET_COMMIT
    retriable = True


class ThrottlingQuotaExceededError(KafkaError):
    """The throttling quota is exceeded."""

    code = ErrorCode.THROTTLING_QUOTA_EXCEEDED
    retriable = True


class ProducerFencedError(KafkaError):
    """A newer producer with the same transactional id fenced this one."""

    code = ErrorCode.PRODUCER_FENCED
    retriable = False


class ResourceNotFoundError(KafkaError):
    """The referenced resource does not exist."""

    code = ErrorCode.RESOURCE_NOT_FOUND
    retriable = False


class DuplicateResourceError(KafkaError):
    """The same resource appears twice in the request."""

    code = ErrorCode.DUPLICATE_RESOURCE
    retriable = False


class UnacceptableCredentialError(KafkaError):
    """The credential does not meet the acceptance criteria."""

    code = ErrorCode.UNACCEPTABLE_CREDENTIAL
    retriable = False


class InconsistentVoterSetError(KafkaError):
    """The sender or receiver is not one of the expected voters."""

    code = ErrorCode.INCONSISTENT_VOTER_SET
    retriable = False


class InvalidUpdateVersionError(KafkaError):
    """The update version is not valid."""

    code = ErrorCode.INVALID_UPDATE_VERSION
    retriable = False


class FeatureUpdateFailedError(KafkaError):
    """Updating the finalized features failed."""

    code = ErrorCode.FEATURE_UPDATE_FAILED
    retriable = False


class PrincipalDeserializationFailureError(KafkaError):
    """The forwarded request's principal could not be deserialized."""

    code = ErrorCode.PRINCIPAL_DESERIALIZATION_FAILURE
    retriable = False


class SnapshotNotFoundError(KafkaError):
    """The requested snapshot does not exist."""

    code = ErrorCode.SNAPSHOT_NOT_FOUND
    retriable = False


class PositionOutOfRangeError(KafkaError):
    """The position is outside the snapshot."""

    code = ErrorCode.POSITION_OUT_OF_RANGE
    retriable = False


class UnknownTopicIdError(KafkaError):
    """This broker does not host a topic with this id."""

    code = ErrorCode.UNKNOWN_TOPIC_ID
    retriable = True


class DuplicateBrokerRegistrationError(KafkaError):
    """The broker id is already registered."""

    code = ErrorCode.DUPLICATE_BROKER_REGISTRATION
    retriable = False


class BrokerIdNotRegisteredError(KafkaError):
    """The broker id is not registered."""

    code = ErrorCode.BROKER_ID_NOT_REGISTERED
    retriable = False


class InconsistentTopicIdError(KafkaError):
    """The topic id does not match the log's topic id."""

    code = ErrorCode.INCONSISTENT_TOPIC_ID
    retriable = True


class InconsistentClusterIdError(KafkaError):
    """The cluster id does not match this cluster."""

    code = ErrorCode.INCONSISTENT_CLUSTER_ID
    retriable = False


class TransactionalIdNotFoundError(KafkaError):
    """The transactional id does not exist."""

    code = ErrorCode.TRANSACTIONAL_ID_NOT_FOUND
    retriable = False


class FetchSessionTopicIdError(KafkaError):
    """The fetch session mixed up topic ids."""

    code = ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR
    retriable = True


class IneligibleReplicaError(KafkaError):
    """The proposed ISR holds an ineligible replica."""

    code = ErrorCode.INELIGIBLE_REPLICA
    retriable = False


class NewLeaderElectedError(KafkaError):
    """The partition state was updated but the leader changed meanwhile."""

    code = ErrorCode.NEW_LEADER_ELECTED
    retriable = False


class OffsetMovedToTieredStorageError(KafkaError):
    """The offset now lives in tiered storage."""

    code = ErrorCode.OFFSET_MOVED_TO_TIERED_STORAGE
    retriable = False


class FencedMemberEpochError(KafkaError):
    """The member epoch is fenced; the member must rejoin."""

    code = ErrorCode.FENCED_MEMBER_EPOCH
    retriable = False


class UnreleasedInstanceIdError(KafkaError):
    """Another member still holds this instance id."""

    code = ErrorCode.UNRELEASED_INSTANCE_ID
    retriable = False


class UnsupportedAssignorError(KafkaError):
    """The group does not support this assignor."""

    code = ErrorCode.UNSUPPORTED_ASSIGNOR
    retriable = False


class StaleMemberEpochError(KafkaError):
    """The member epoch is outdated."""

    code = ErrorCode.STALE_MEMBER_EPOCH
    retriable = False


class MismatchedEndpointTypeError(KafkaError):
    """The request reached an endpoint of the wrong type."""

    code = ErrorCode.MISMATCHED_ENDPOINT_TYPE
    retriable = False


class UnsupportedEndpointTypeError(KafkaError):
    """The endpoint type is not supported."""

    code = ErrorCode.UNSUPPORTED_ENDPOINT_TYPE
    retriable = False


class UnknownControllerIdError(KafkaError):
    """The controller id is not known."""

    code = ErrorCode.UNKNOWN_CONTROLLER_ID
    retriable = False


class UnknownSubscriptionIdError(KafkaError):
    """The telemetry subscription id is unknown or outdated."""

    code = ErrorCode.UNKNOWN_SUBSCRIPTION_ID
    retriable = False


class TelemetryTooLargeError(KafkaError):
    """The telemetry push is too large."""

    code = ErrorCode.TELEMETRY_TOO_LARGE
    retriable = False


class InvalidRegistrationError(KafkaError):
    """The controller rejected the broker registration."""

    code = ErrorCode.INVALID_REGISTRATION
    retriable = False


class TransactionAbortableError(KafkaError):
    """The transaction failed; abort it to keep using the transactional id."""

    code = ErrorCode.TRANSACTION_ABORTABLE
    retriable = False


class InvalidRecordStateError(KafkaError):
    """The record's delivery state does not allow the acknowledgement."""

    code = ErrorCode.INVALID_RECORD_STATE
    retriable = False


class ShareSessionNotFoundError(KafkaError):
    """The share session does not exist."""

    code = ErrorCode.SHARE_SESSION_NOT_FOUND
    retriable = True


class InvalidShareSessionEpochError(KafkaError):
    """The share session epoch is not valid."""

    code = ErrorCode.INVALID_SHARE_SESSION_EPOCH
    retriable = True


class FencedStateEpochError(KafkaError):
    """The share-group state epoch does not match."""

    code = ErrorCode.FENCED_STATE_EPOCH
    retriable = False


class InvalidVoterKeyError(KafkaError):
    """The voter key does not match the receiving replica."""

    code = ErrorCode.INVALID_VOTER_KEY
    retriable = False


class DuplicateVoterError(KafkaError):
    """The voter is already in the voter set."""

    code = ErrorCode.DUPLICATE_VOTER
    retriable = False


class VoterNotFoundError(KafkaError):
    """The voter is not in the voter set."""

    code = ErrorCode.VOTER_NOT_FOUND
    retriable = False


class InvalidRegularExpressionError(KafkaError):
    """The regular expression is not valid."""

    code = ErrorCode.INVALID_REGULAR_EXPRESSION
    retriable = False


class RebootstrapRequiredError(KafkaError):
    """The client's metadata is stale; it must rebootstrap."""

    code = ErrorCode.REBOOTSTRAP_REQUIRED
    retriable = False


class StreamsInvalidTopologyError(KafkaError):
    """The streams topology is not valid."""

    code = ErrorCode.STREAMS_INVALID_TOPOLOGY
    retriable = False


class StreamsInvalidTopologyEpochError(KafkaError):
    """The streams topology epoch is not valid."""

    code = ErrorCode.STREAMS_INVALID_TOPOLOGY_EPOCH
    retriable = False


class StreamsTopologyFencedError(KafkaError):
    """The streams topology epoch is outdated."""

    code = ErrorCode.STREAMS_TOPOLOGY_FENCED
    retriable = False


class ShareSessionLimitReachedError(KafkaError):
    """The broker's share session limit is reached."""

    code = ErrorCode.SHARE_SESSION_LIMIT_REACHED
    retriable = True


class ConditionalAppendConflictError(KafkaError):
    """A conditional append was refused: the partition's log end offset was not the expected
    one (something was appended since the writer read). Samsa-private; not retriable as such —
    the writer reads again from its last offset, revalidates and appends with the new offset.

    ``log_end_offset`` is the partition's log end offset when the append was refused (-1 when
    unknown) and ``expected_offset`` the offset the append expected (-1 when unknown).
    """

    code = ErrorCode.CONDITIONAL_APPEND_CONFLICT
    retriable = False

    def __init__(
        self,
        message: str | None = None,
        *,
        remote: bool = False,
        log_end_offset: int = -1,
        expected_offset: int = -1,
    ) -> None:
        super().__init__(message, remote=remote)
        self.log_end_offset = log_end_offset
        self.expected_offset = expected_offset

    @property
    def current_offset(self) -> int:
        """The partition's log end offset when the append was refused (``log_end_offset``)."""
        return self.log_end_offset

    def __reduce__(self) -> tuple[Any, ...]:
        state = {
            "remote": self.remote,
            "log_end_offset": self.log_end_offset,
            "expected_offset": self.expected_offset,
        }
        return (type(self), (self.message,), state)


_ERROR_CLASSES: dict[int, type[KafkaError]] = {
    int(cls.code): cls for cls in KafkaError.__subclasses__()
}


def error_for_code(code: int) -> type[KafkaError]:
    """The exception class for a wire error code; codes we do not know map to UnknownServerError.

    ``error_for_code(0)`` is also UnknownServerError: NONE has no exception. Check for 0 first.
    """
    return _ERROR_CLASSES.get(code, UnknownServerError)


def raise_for_code(code: int, message: str | None = None, *, remote: bool = True) -> None:
    """Raise the exception for ``code`` (from a peer's response by default); no-op for NONE (0)."""
    if code == 0:
        return
    cls = _ERROR_CLASSES.get(code)
    if cls is None:
        detail = f"unknown error code {code}"
        message = detail if message is None else f"{message} ({detail})"
        cls = UnknownServerError
    raise cls(message, remote=remote)
