"""Settings of the transaction coordinator: Kafka's names and defaults, and their bounds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

#: Kafka's ``transaction.max.timeout.ms`` (15 minutes): the longest ``transaction.timeout.ms`` a
#: producer may ask for; a longer one holds back the last stable offset of its partitions too long.
DEFAULT_TRANSACTION_MAX_TIMEOUT_MS: Final = 900_000
#: Kafka's ``transactional.id.expiration.ms`` (7 days): a transactional id idle this long (no
#: transaction in progress) is forgotten, with a tombstone in ``__transaction_state``.
DEFAULT_TRANSACTIONAL_ID_EXPIRATION_MS: Final = 604_800_000
#: Kafka's ``transaction.abort.timed.out.transaction.cleanup.interval.ms``: how often ongoing
#: transactions are checked against their timeout.
DEFAULT_ABORT_TIMED_OUT_CLEANUP_INTERVAL_MS: Final = 10_000
#: Kafka's ``transaction.remove.expired.transactional.id.cleanup.interval.ms``: how often idle
#: transactional ids are checked against ``transactional.id.expiration.ms``.
DEFAULT_REMOVE_EXPIRED_CLEANUP_INTERVAL_MS: Final = 3_600_000
#: Kafka's ``transaction.state.log.num.partitions``.
DEFAULT_TRANSACTION_STATE_LOG_NUM_PARTITIONS: Final = 50
#: Most transactional ids one coordinator creates (Kafka: unlimited). Each costs about a
#: kilobyte with a few partitions, so 100 000 ids stay near 100 MiB; a client cycling through
#: fresh ids cannot grow the coordinator without bound. Past it a new id is answered
#: COORDINATOR_NOT_AVAILABLE (retriable: ids expire); ids replayed at load are always kept.
DEFAULT_MAX_TRANSACTIONAL_IDS: Final = 100_000
#: Most partitions one transaction may hold (Kafka: unlimited). Every state record lists them
#: all, so this bounds a record; 100 000 is far beyond real transactions. Past it AddPartitions
#: and AddOffsets answer INVALID_REQUEST.
DEFAULT_MAX_PARTITIONS_PER_TRANSACTION: Final = 100_000
#: Kafka's ``retry.backoff.ms`` default: the wait before retrying a failed COMPLETE_* write
#: (Kafka's marker manager retries it until it succeeds or the coordinator moves).
DEFAULT_RETRY_BACKOFF_MS: Final = 100

#: Upper bound of every timeout and interval (24 days fits a signed 32-bit millisecond count).
MAX_TIMEOUT_MS: Final = 2**31 - 1


@dataclass(frozen=True, slots=True)
class TxnConfig:
    """The coordinator's settings (Kafka's broker settings of the same names)."""

    transaction_max_timeout_ms: int = DEFAULT_TRANSACTION_MAX_TIMEOUT_MS
    transactional_id_expiration_ms: int = DEFAULT_TRANSACTIONAL_ID_EXPIRATION_MS
    transaction_abort_timed_out_transaction_cleanup_interval_ms: int = (
        DEFAULT_ABORT_TIMED_OUT_CLEANUP_INTERVAL_MS
    )
    transaction_remove_expired_transactional_id_cleanup_interval_ms: int = (
        DEFAULT_REMOVE_EXPIRED_CLEANUP_INTERVAL_MS
    )
    transaction_state_log_num_partitions: int = DEFAULT_TRANSACTION_STATE_LOG_NUM_PARTITIONS
    max_transactional_ids: int = DEFAULT_MAX_TRANSACTIONAL_IDS
    max_partitions_per_transaction: int = DEFAULT_MAX_PARTITIONS_PER_TRANSACTION
    retry_backoff_ms: int = DEFAULT_RETRY_BACKOFF_MS

    def __post_init__(self) -> None:
        for name in (
            "transaction_max_timeout_ms",
            "transactional_id_expiration_ms",
            "transaction_abort_timed_out_transaction_cleanup_interval_ms",
            "transaction_remove_expired_transactional_id_cleanup_interval_ms",
            "retry_backoff_ms",
        ):
            if not 1 <= getattr(self, name) <= MAX_TIMEOUT_MS:
                raise ValueError(f"{name.replace('_', '.')} must be 1..{MAX_TIMEOUT_MS}")
        if self.transaction_state_log_num_partitions < 1:
            raise ValueError("transaction.state.log.num.partitions must be at least 1")
        if self.max_transactional_ids < 1:
            raise ValueError("max_transactional_ids must be at least 1")
        if self.max_partitions_per_transaction < 1:
            raise ValueError("max_partitions_per_transaction must be at least 1")

    @classmethod
    def from_settings(cls, settings: Any) -> TxnConfig:
        """Build from an object with Kafka-named attributes (e.g. ``BrokerConfig``).

        Attributes it lacks (or that are None) keep their defaults.
        """
        values: dict[str, Any] = {}
        for name in (
            "transaction_max_timeout_ms",
            "transactional_id_expiration_ms",
            "transaction_abort_timed_out_transaction_cleanup_interval_ms",
            "transaction_remove_expired_transactional_id_cleanup_interval_ms",
            "transaction_state_log_num_partitions",
        ):
            value = getattr(settings, name, None)
            if value is not None:
                values[name] = int(value)
        return cls(**values)
