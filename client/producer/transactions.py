"""The transactional producer's state and its requests to the transaction coordinator.

With ``transactional.id`` the producer writes records to several partitions (and consumer
offsets, ``send_offsets_to_transaction``) that become visible to ``read_committed``
consumers all together, or not at all (KIP-98). The states and their rules are Kafka's
(the Java client's ``TransactionManager``)::

    UNINITIALIZED --init--> READY --begin--> IN_TRANSACTION --commit--> COMMITTING --> READY
                                              |      \\--abort--> ABORTING --> READY
                                              \\--a send fails--> ABORTABLE_ERROR --abort--/

Any state goes to FATAL_ERROR when the producer is fenced (another producer with the same
transactional id called InitProducerId: PRODUCER_FENCED, INVALID_PRODUCER_EPOCH) or not
authorized (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); then every call raises that error and
only ``close()`` is left. Other failures inside a transaction are abortable: ``commit``
raises, ``abort_transaction()`` works and the next transaction can begin.

Before the first batch of a partition leaves in a transaction, the partition is added to it
at the coordinator (AddPartitionsToTxn): the sender collects new partitions and sends one
request for all that are waiting, one request at a time, as the Java client does.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from client.cluster import Cluster, coordinator_connection
from client.config import ProducerConfig
from client.errors import (
    CommitFailedError,
    IllegalStateError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    error_from_code,
)
from client.group_offsets import call_coordinator
from client.types import OffsetAndMetadata, TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import (
    AddOffsetsToTxnRequest,
    AddPartitionsToTxnRequest,
    EndTxnRequest,
    InitProducerIdRequest,
    Message,
    TxnOffsetCommitRequest,
)

__all__ = [
    "FATAL_ERRORS",
    "ConsumerGroupMetadata",
    "TransactionManager",
    "TransactionState",
]

log = logging.getLogger("samsa.client.producer")


class TransactionState(enum.Enum):
    """Kafka's transactional producer states."""

    UNINITIALIZED = "UNINITIALIZED"
    READY = "READY"
    IN_TRANSACTION = "IN_TRANSACTION"
    COMMITTING = "COMMITTING"
    ABORTING = "ABORTING"
    ABORTABLE_ERROR = "ABORTABLE_ERROR"
    FATAL_ERROR = "FATAL_ERROR"


_S = TransactionState

#: The states each state may be entered from (Kafka's ``isTransitionValid``); FATAL_ERROR may
#: be entered from any state.
_SOURCES: Final[Mapping[TransactionState, frozenset[TransactionState]]] = {
    _S.UNINITIALIZED: frozenset(),
    _S.READY: frozenset({_S.UNINITIALIZED, _S.COMMITTING, _S.ABORTING}),
    _S.IN_TRANSACTION: frozenset({_S.READY}),
    _S.COMMITTING: frozenset({_S.IN_TRANSACTION}),
    _S.ABORTING: frozenset({_S.IN_TRANSACTION, _S.ABORTABLE_ERROR}),
    _S.ABORTABLE_ERROR: frozenset({_S.IN_TRANSACTION, _S.COMMITTING, _S.ABORTABLE_ERROR}),
    _S.FATAL_ERROR: frozenset(TransactionState),
}

#: Errors after which the transactional producer cannot go on (only ``close`` is left).
FATAL_ERRORS: Final = frozenset(
    {
        ErrorCode.PRODUCER_FENCED,
        ErrorCode.INVALID_PRODUCER_EPOCH,
        ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        ErrorCode.INVALID_TXN_STATE,
        ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
        ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    }
)

#: Answers of the transaction coordinator that mean: find it again, then retry.
_MOVED: Final = frozenset({ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE})

#: Answers that mean: retry the same request to the same coordinator after a backoff.
_BUSY: Final = frozenset(
    {
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
        ErrorCode.CONCURRENT_TRANSACTIONS,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.REQUEST_TIMED_OUT,
    }
)

#: TxnOffsetCommit answers that mean the consumer's generation is gone: the offsets cannot be
#: committed (the transaction must abort).
_GROUP_FENCED: Final = frozenset(
    {ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION, ErrorCode.FENCED_INSTANCE_ID}
)

#: AddPartitionsToTxn v4+ is the brokers' batched form (KIP-890); producers use v3 at most.
_ADD_PARTITIONS_MAX_VERSION: Final = 3

_AddTopic = AddPartitionsToTxnRequest.AddPartitionsToTxnTopic
_OffsetTopic = TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
_OffsetPartition = _OffsetTopic.TxnOffsetCommitRequestPartition


@dataclass(frozen=True, slots=True)
class ConsumerGroupMetadata:
    """What the group coordinator checks of a consumer's transactional offset commit (Kafka's
    ``ConsumerGroupMetadata``): a stale generation or member makes the commit fail."""

    group_id: str
    generation_id: int = -1
    member_id: str = ""
    group_instance_id: str | None = None


class TransactionManager:
    """State, partitions and coordinator requests of one transactional producer.

    The state rules (``begin``, ``check_send``, ``on_batch_error`` and friends) do no IO;
    the ``async`` methods send the requests. ``wakeup`` is called when partitions were added.
    """

    def __init__(
        self, cluster: Cluster, config: ProducerConfig, wakeup: Callable[[], None]
    ) -> None:
        assert config.transactional_id is not None
        self.transactional_id: str = config.transactional_id
        self._cluster = cluster
        self._config = config
        self._wakeup = wakeup
        self.state = TransactionState.UNINITIALIZED
        self.producer_id = -1
        self.producer_epoch = -1
        #: The error that put the producer in ABORTABLE_ERROR or FATAL_ERROR.
        self.last_error: BaseException | None = None
        #: Partitions the coordinator knows are in the current transaction.
        self.partitions: set[TopicPartition] = set()
        #: Partitions with batches waiting to be added (not yet in a request).
        self.pending: set[TopicPartition] = set()
        #: Partitions of the AddPartitionsToTxn request in flight.
        self.adding: set[TopicPartition] = set()
        #: True once offsets were added: EndTxn is needed even without partitions.
        self.offsets_added = False
        self._add_task: asyncio.Task[None] | None = None
        self._coordinator = -1
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return (
            f"TransactionManager({self.transactional_id!r}, {self.state.value}, "
            f"pid={self.producer_id}, epoch={self.producer_epoch})"
        )

    # -- state rules (no IO) -----------------------------------------------------------------

    def transition(self, target: TransactionState, error: BaseException | None = None) -> None:
        """Enter ``target``; ``IllegalStateError`` if Kafka's rules forbid it from here."""
        if self.state not in _SOURCES[target]:
            raise IllegalStateError(
                f"transactional id {self.transactional_id!r}: cannot go from "
                f"{self.state.value} to {target.value}"
            )
        log.debug("transaction %r: %s -> %s", self.transactional_id, self.state, target)
        self.state = target
        if error is not None:
            self.last_error = error

    def raise_if_failed(self) -> None:
        """Raise the error of ABORTABLE_ERROR or FATAL_ERROR (Kafka's ``maybeFailWithError``)."""
        if self.state in (TransactionState.FATAL_ERROR, TransactionState.ABORTABLE_ERROR):
            assert self.last_error is not None
            raise self.last_error

    def begin(self) -> None:
        """Start a transaction (READY -> IN_TRANSACTION)."""
        self.raise_if_failed()
        if self.state is TransactionState.UNINITIALIZED:
            raise IllegalStateError("the producer is not started: no transaction can begin")
        if self.state is not TransactionState.READY:
            raise IllegalStateError(
                f"a transaction is already {self.state.value.lower().replace('_', ' ')}: "
                "commit or abort it first"
            )
        self.transition(TransactionState.IN_TRANSACTION)

    def check_send(self) -> None:
        """Raise unless records may be sent now (inside a transaction)."""
        if self.state is TransactionState.IN_TRANSACTION:
            return
        self.raise_if_failed()
        raise IllegalStateError(
            f"cannot send in state {self.state.value}: call begin_transaction() first"
        )

    def fatal(self, error: BaseException) -> None:
        """The producer cannot go on: every later call raises ``error``."""
        if self.state is not TransactionState.FATAL_ERROR:
            log.error("transactional id %r: fatal error: %s", self.transactional_id, error)
            self.transition(TransactionState.FATAL_ERROR, error)

    def abortable(self, error: BaseException) -> None:
        """A failure inside the transaction: it can only be aborted now. Ignored while
        aborting (the transaction is being aborted anyway) or in a fatal state."""
        if self.state in (
            TransactionState.IN_TRANSACTION,
            TransactionState.COMMITTING,
        ):
            log.warning(
                "transactional id %r: the transaction must abort: %s", self.transactional_id, error
            )
            self.transition(TransactionState.ABORTABLE_ERROR, error)

    def on_batch_error(self, error: BaseException) -> None:
        """A batch of the transaction failed for good: fatal or abortable by its error."""
        if isinstance(error, KafkaError) and error.code in FATAL_ERRORS:
            self.fatal(error)
        else:
            self.abortable(error)

    @property
    def blocks_sending(self) -> bool:
        """True when no batch may leave: unsent ones fail (aborting, error states)."""
        return self.state in (
            TransactionState.ABORTING,
            TransactionState.ABORTABLE_ERROR,
            TransactionState.FATAL_ERROR,
        )

    @property
    def has_ongoing(self) -> bool:
        """True when a transaction is open (begun and not yet committed or aborted)."""
        return self.state in (
            TransactionState.IN_TRANSACTION,
            TransactionState.COMMITTING,
            TransactionState.ABORTING,
            TransactionState.ABORTABLE_ERROR,
        )

    @property
    def started(self) -> bool:
        """True when the coordinator knows of the transaction (EndTxn is needed)."""
        return bool(self.partitions or self.adding or self.offsets_added)

    def may_send(self, tp: TopicPartition) -> bool:
        """True when batches of ``tp`` may leave; otherwise the partition waits to be added."""
        if tp in self.partitions:
            return True
        if tp not in self.adding:
            self.pending.add(tp)
        return False

    def reset(self) -> None:
        """The transaction is over: forget its partitions."""
        self.partitions.clear()
        self.pending.clear()
        self.adding.clear()
        self.offsets_added = False

    # -- AddPartitionsToTxn ------------------------------------------------------------------

    def maybe_add_partitions(self) -> None:
        """Send one AddPartitionsToTxn for every partition waiting, unless one is in flight."""
        if self._add_task is not None or not self.pending or self.blocks_sending:
            return
        self.adding = self.pending
        self.pending = set()
        self._add_task = asyncio.create_task(self._add_partitions(), name="samsa-txn-add")
        self._add_task.add_done_callback(self._added)

    def _added(self, task: asyncio.Task[None]) -> None:
        self._add_task = None
        if not task.cancelled() and task.exception() is not None:
            self.on_batch_error(task.exception())  # type: ignore[arg-type]
        self._wakeup()

    async def wait_for_partitions(self) -> None:
        """Wait until the AddPartitionsToTxn in flight (if any) is answered."""
        task = self._add_task
        if task is not None:
            await asyncio.wait([task])

    async def _add_partitions(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._config.delivery_timeout_ms / 1000
        attempt = 0
        try:
            while self.adding:
                by_topic: dict[str, list[int]] = {}
                for tp in sorted(self.adding):
                    by_topic.setdefault(tp.topic, []).append(tp.partition)
                body = AddPartitionsToTxnRequest(
                    v3_and_below_transactional_id=self.transactional_id,
                    v3_and_below_producer_id=self.producer_id,
                    v3_and_below_producer_epoch=self.producer_epoch,
                    v3_and_below_topics=[
                        _AddTopic(name=t, partitions=p) for t, p in by_topic.items()
                    ],
                )
                response = await self._call(
                    body,
                    _add_partitions_error,
                    deadline=deadline,
                    max_version=_ADD_PARTITIONS_MAX_VERSION,
                )
                retry = False
                for topic in response.results_by_topic_v3_and_below:
                    for p in topic.results_by_partition:
                        tp = TopicPartition(topic.name, p.partition_index)
                        code = p.partition_error_code
                        if code == ErrorCode.NONE:
                            self.partitions.add(tp)
                            self.adding.discard(tp)
                        elif code in _BUSY or code == ErrorCode.OPERATION_NOT_ATTEMPTED:
                            retry = True
                        else:
                            raise error_from_code(
                                code, f"adding {tp.topic}-{tp.partition} to the transaction"
                            )
                if self.adding and not retry:
                    raise error_from_code(
                        ErrorCode.UNKNOWN_SERVER_ERROR,
                        f"the coordinator did not answer for {sorted(self.adding)}",
                    )
                if self.adding and self.blocks_sending:
                    break  # aborting: the partitions left are not needed any more
                if self.adding:
                    attempt += 1
                    if loop.time() >= deadline:
                        raise KafkaTimeoutError(
                            f"partitions {sorted(self.adding)} were not added to the "
                            "transaction within delivery.timeout.ms"
                        )
                    await asyncio.sleep(self._backoff(attempt))
        finally:
            # What could not be added fails with the task (its batches fail as unsendable).
            self.adding = set()

    # -- requests ----------------------------------------------------------------------------

    async def initialize(self) -> None:
        """InitProducerId with the transactional id: fences older producers with this id and
        aborts their open transaction (the coordinator answers CONCURRENT_TRANSACTIONS until it
        is done: retried). UNINITIALIZED -> READY."""
        if self.state is not TransactionState.UNINITIALIZED:
            return
        await self._init_producer_id(-1, -1)
        self.transition(TransactionState.READY)

    async def bump_epoch(self) -> tuple[int, int]:
        """KIP-360: a new epoch for the same producer id after an aborted transaction whose
        sequences were lost (the coordinator may answer with a new producer id instead)."""
        return await self._init_producer_id(self.producer_id, self.producer_epoch)

    async def _init_producer_id(self, producer_id: int, epoch: int) -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._config.max_block_ms / 1000
        body = InitProducerIdRequest(
            transactional_id=self.transactional_id,
            transaction_timeout_ms=self._config.transaction_timeout_ms,
            producer_id=producer_id,
            producer_epoch=epoch,
        )
        try:
            response = await self._call(body, _error_code, deadline=deadline)
            if response.error_code:
                raise error_from_code(response.error_code, "InitProducerId")
        except KafkaTimeoutError:
            raise
        except KafkaError as exc:
            self.fatal(exc)
            raise
        self.producer_id = int(response.producer_id)
        self.producer_epoch = int(response.producer_epoch)
        log.info(
            "transactional id %r: producer id %d epoch %d",
            self.transactional_id, self.producer_id, self.producer_epoch,
        )  # fmt: skip
        return self.producer_id, self.producer_epoch

    async def end(self, commit: bool) -> None:
        """EndTxn, if the coordinator knows of the transaction. Fencing is fatal; a timeout
        leaves the state as it is (the call may be repeated)."""
        if not self.started:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._config.max_block_ms / 1000
        body = EndTxnRequest(
            transactional_id=self.transactional_id,
            producer_id=self.producer_id,
            producer_epoch=self.producer_epoch,
            committed=commit,
        )
        response = await self._call(body, _error_code, deadline=deadline)
        code = response.error_code
        if code == ErrorCode.NONE:
            return
        error = error_from_code(code, "EndTxn " + ("commit" if commit else "abort"))
        if code == ErrorCode.TRANSACTION_ABORTABLE and commit:
            self.abortable(error)
        else:
            self.fatal(error)
        raise error

    async def send_offsets(
        self,
        offsets: Mapping[TopicPartition, OffsetAndMetadata],
        group: ConsumerGroupMetadata,
    ) -> None:
        """AddOffsetsToTxn to the transaction coordinator, then TxnOffsetCommit to the group
        coordinator. A failure makes the transaction abortable (fatal when fenced)."""
        self.check_send()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._config.max_block_ms / 1000
        try:
            response = await self._call(
                AddOffsetsToTxnRequest(
                    transactional_id=self.transactional_id,
                    producer_id=self.producer_id,
                    producer_epoch=self.producer_epoch,
                    group_id=group.group_id,
                ),
                _error_code,
                deadline=deadline,
            )
            if response.error_code:
                raise error_from_code(
                    response.error_code, f"adding group {group.group_id!r} to the transaction"
                )
            self.offsets_added = True
            await self._txn_offset_commit(offsets, group, deadline)
        except KafkaTimeoutError:
            raise
        except (KafkaError, CommitFailedError) as exc:
            self.on_batch_error(exc)
            raise

    async def _txn_offset_commit(
        self,
        offsets: Mapping[TopicPartition, OffsetAndMetadata],
        group: ConsumerGroupMetadata,
        deadline: float,
    ) -> None:
        loop = asyncio.get_running_loop()
        left = dict(offsets)
        attempt = 0
        while left:
            by_topic: dict[str, list[Any]] = {}
            for tp, om in sorted(left.items()):
                by_topic.setdefault(tp.topic, []).append(
                    _OffsetPartition(
                        partition_index=tp.partition,
                        committed_offset=om.offset,
                        committed_leader_epoch=om.leader_epoch,
                        committed_metadata=om.metadata,
                    )
                )
            body = TxnOffsetCommitRequest(
                transactional_id=self.transactional_id,
                group_id=group.group_id,
                producer_id=self.producer_id,
                producer_epoch=self.producer_epoch,
                generation_id=group.generation_id,
                member_id=group.member_id,
                group_instance_id=group.group_instance_id,
                topics=[_OffsetTopic(name=t, partitions=p) for t, p in by_topic.items()],
            )
            response = await call_coordinator(
                self._cluster,
                group.group_id,
                body,
                error_of=_txn_offset_commit_error,
                timeout_s=max(0.0, deadline - loop.time()),
            )
            for topic in response.topics:
                for p in topic.partitions:
                    tp = TopicPartition(topic.name, p.partition_index)
                    code = p.error_code
                    if code == ErrorCode.NONE:
                        left.pop(tp, None)
                    elif code in _GROUP_FENCED:
                        raise CommitFailedError(
                            f"the offsets of group {group.group_id!r} cannot be committed in "
                            f"the transaction: {error_from_code(code)} (the group rebalanced)"
                        )
                    elif code not in _BUSY and not error_from_code(code).retriable:
                        raise error_from_code(code, f"TxnOffsetCommit {tp.topic}-{tp.partition}")
            if left:
                attempt += 1
                if loop.time() >= deadline:
                    raise KafkaTimeoutError(
                        f"the offsets of group {group.group_id!r} were not committed in the "
                        "transaction within max.block.ms"
                    )
                await asyncio.sleep(self._backoff(attempt))

    async def _call(
        self,
        body: Message,
        error_of: Callable[[Any], int],
        *,
        deadline: float,
        max_version: int | None = None,
    ) -> Any:
        """Send ``body`` to the transaction coordinator; find it again when it moved, retry
        while it is busy (loading, completing the previous transaction) until ``deadline``."""
        loop = asyncio.get_running_loop()
        attempt = 0
        async with self._lock:  # one coordinator request at a time, in order
            while True:
                last: BaseException
                try:
                    if self._coordinator < 0:
                        self._coordinator = await self._cluster.find_coordinator(
                            self.transactional_id, 1
                        )
                    conn = await self._cluster.connection(coordinator_connection(self._coordinator))
                    version = conn.versions.require(body.API_KEY)
                    if max_version is not None:
                        version = min(version, max_version)
                    response = await conn.request(body, version=version)
                    code = error_of(response)
                    if code not in _MOVED and code not in _BUSY:
                        return response
                    last = error_from_code(code, f"coordinator of {self.transactional_id!r}")
                    if code in _MOVED:
                        self._coordinator = -1
                except (KafkaConnectionError, KafkaTimeoutError) as exc:
                    last = exc
                    self._coordinator = -1
                except KafkaError as exc:
                    if exc.code not in _MOVED and exc.code not in _BUSY:
                        raise
                    last = exc
                    self._coordinator = -1
                attempt += 1
                if loop.time() >= deadline:
                    raise KafkaTimeoutError(
                        f"{body.API_NAME} for transactional id {self.transactional_id!r} did "
                        f"not succeed in time (last error: {last})"
                    )
                await asyncio.sleep(min(self._backoff(attempt), max(0.0, deadline - loop.time())))

    def _backoff(self, attempt: int) -> float:
        base: int = self._config.retry_backoff_ms
        cap: int = self._config.retry_backoff_max_ms
        return min(cap, base << min(max(attempt - 1, 0), 16)) / 1000


def group_metadata_of(group: object) -> ConsumerGroupMetadata:
    """``send_offsets_to_transaction``'s group argument: a group id, a
    ``ConsumerGroupMetadata``, or a consumer (its current group, generation and member)."""
    if isinstance(group, str):
        return ConsumerGroupMetadata(group)
    if isinstance(group, ConsumerGroupMetadata):
        return group
    config = getattr(group, "config", None)
    group_id = getattr(config, "group_id", None)
    if isinstance(group_id, str):
        return ConsumerGroupMetadata(
            group_id,
            generation_id=int(getattr(group, "generation_id", -1)),
            member_id=getattr(group, "member_id", None) or "",
            group_instance_id=getattr(config, "group_instance_id", None),
        )
    raise TypeError(
        "send_offsets_to_transaction(): group_id is a str, a ConsumerGroupMetadata or a "
        f"Consumer with a group.id, not {type(group).__name__}"
    )


def offsets_of(
    offsets: Mapping[TopicPartition, int | OffsetAndMetadata],
) -> dict[TopicPartition, OffsetAndMetadata]:
    """Offsets as plain ints (aiokafka) or ``OffsetAndMetadata``, as the latter."""
    out: dict[TopicPartition, OffsetAndMetadata] = {}
    for tp, value in offsets.items():
        if not isinstance(tp, TopicPartition):
            raise TypeError(f"offsets are keyed by TopicPartition, not {type(tp).__name__}")
        if isinstance(value, OffsetAndMetadata):
            out[tp] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            out[tp] = OffsetAndMetadata(value, "")
        else:
            raise TypeError(
                f"the offset of {tp} is an int or an OffsetAndMetadata, not {type(value).__name__}"
            )
    return out


def _error_code(response: Any) -> int:
    return int(response.error_code)


def _add_partitions_error(response: Any) -> int:
    """The code that says whether the coordinator was the right one (per-partition codes)."""
    for topic in response.results_by_topic_v3_and_below:
        for p in topic.results_by_partition:
            if p.partition_error_code in _MOVED:
                return int(p.partition_error_code)
    return 0


def _txn_offset_commit_error(response: Any) -> int:
    for topic in response.topics:
        for p in topic.partitions:
            if p.error_code in (
                ErrorCode.NOT_COORDINATOR,
                ErrorCode.COORDINATOR_NOT_AVAILABLE,
                ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
            ):
                return int(p.error_code)
    return 0
