"""Group membership with the KIP-848 consumer group protocol (``group.protocol=consumer``).

A background task heartbeats with ConsumerGroupHeartbeat at the interval the coordinator gives.
The full request (subscription, rebalance timeout, assignor, owned partitions) goes out when
joining (member epoch 0), after an error and after a coordinator move; otherwise the short
form carries only what changed, as Kafka's consumer and librdkafka send it. The coordinator
computes the assignment; the member reconciles towards it one heartbeat at a time:

1. the assignment names topics by id: names come from Metadata (v10+, topic ids);
2. partitions no longer assigned are revoked first (committed with auto-commit, then
   ``on_partitions_revoked``) and dropped from the fetcher;
3. the new ones are taken (``on_partitions_assigned``), and the next heartbeat, sent at once,
   lists the partitions the member owns: that acknowledges the revocation, so the coordinator
   can give them to their next owner.

FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID and GROUP_ID_NOT_FOUND mean the partitions are lost
(``on_partitions_lost``) and the member joins again at epoch 0. Closing leaves with epoch -1
(-2 for a static member, which keeps its partitions for its return). When the application does
not poll for ``max.poll.interval.ms`` the member leaves as the classic member does, and joins
again on the next poll. Commits carry the member epoch where the classic protocol carries the
generation (``generation_id`` is the epoch here).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final

from client.cluster import Cluster, coordinator_connection
from client.config import ConsumerConfig
from client.consumer.fetcher import Fetcher
from client.consumer.listener import ConsumerRebalanceListener, call_listener
from client.consumer.membership import Membership
from client.consumer.subscription import SubscriptionState
from client.errors import (
    ClientError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    error_from_code,
)
from client.group_offsets import COORDINATOR_ERRORS
from client.types import TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import ConsumerGroupHeartbeatRequest

__all__ = ["ConsumerGroupMember"]

log = logging.getLogger("samsa.client.consumer.group")

#: The member epoch that leaves the group (KIP-848).
LEAVE_GROUP_MEMBER_EPOCH: Final = -1
#: The member epoch a static member leaves with, to come back under its instance id.
LEAVE_GROUP_STATIC_MEMBER_EPOCH: Final = -2
#: The heartbeat interval until the coordinator gives one (Kafka's default
#: ``group.consumer.heartbeat.interval.ms``).
DEFAULT_HEARTBEAT_INTERVAL_MS: Final = 5_000
#: Errors after which the member has lost its partitions and joins again at epoch 0
#: (GROUP_ID_NOT_FOUND: a coordinator that lost the group, e.g. one that restarted without it).
_REJOIN_ERRORS: Final = frozenset(
    {ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.FENCED_MEMBER_EPOCH, ErrorCode.GROUP_ID_NOT_FOUND}
)
#: Errors that end the membership for good (the application must fix something), as in
#: Kafka's consumer.
_FATAL_ERRORS: Final = frozenset(
    {
        ErrorCode.GROUP_AUTHORIZATION_FAILED,
        ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        ErrorCode.INVALID_REQUEST,
        ErrorCode.UNSUPPORTED_ASSIGNOR,
        ErrorCode.INVALID_REGULAR_EXPRESSION,
        ErrorCode.GROUP_MAX_SIZE_REACHED,
        ErrorCode.FENCED_INSTANCE_ID,
        ErrorCode.UNRELEASED_INSTANCE_ID,
        ErrorCode.UNSUPPORTED_VERSION,
    }
)


class ConsumerGroupMember(Membership):
    """Keeps a subscribed consumer in a KIP-848 consumer group. It offers what the consumer and
    its committer use of the classic ``GroupMember``."""

    def __init__(
        self,
        cluster: Cluster,
        subscriptions: SubscriptionState,
        fetcher: Fetcher,
        config: ConsumerConfig,
        *,
        commit_positions: Callable[[set[TopicPartition]], Awaitable[None]],
    ) -> None:
        super().__init__()
        assert config.group_id is not None
        self.group_id: str = config.group_id
        self._cluster = cluster
        self._subs = subscriptions
        self._fetcher = fetcher
        self._config = config
        self._commit_positions = commit_positions
        self.listener: ConsumerRebalanceListener | None = None
        #: KIP-1082: the member names itself (ConsumerGroupHeartbeat v1 requires it).
        self.member_id = str(uuid.uuid4())
        self.member_epoch = 0
        #: The coordinator's node id (-1: unknown), shared with offset commits.
        self.coordinator = [-1]
        self.rebalances = 0
        self._interval_s = DEFAULT_HEARTBEAT_INTERVAL_MS / 1000
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        #: Send the full request next (joining, after an error or a coordinator move).
        self._full = True
        #: What the last heartbeat told the coordinator (None: not told yet).
        self._sent_topics: tuple[str, ...] | None = None
        self._sent_regex: str | None = None
        self._sent_owned: frozenset[TopicPartition] | None = None
        #: The last assignment the coordinator gave, by topic id; None when none is pending.
        self._target: dict[uuid.UUID, frozenset[int]] | None = None
        self._names: dict[uuid.UUID, str] = {}
        self._reconciled = False
        #: A reconciliation revokes partitions: it waits for the application's next poll.
        self._revoke_waiting = asyncio.Event()
        self._reconciling = asyncio.Lock()

    # -- what the consumer and the committer use ---------------------------------------------

    @property
    def generation_id(self) -> int:
        """The member epoch: OffsetCommit's generation field carries it (KIP-848)."""
        return self.member_epoch

    @property
    def stable(self) -> bool:
        """True while the member holds the assignment the coordinator last gave."""
        return self._stable.is_set()

    def start(self) -> None:
        """Start the heartbeat task (it joins once there is a subscription)."""
        self.last_poll = asyncio.get_running_loop().time()
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"samsa-group-{self.group_id}")

    def request_rejoin(self, reason: str) -> None:
        """Tell the coordinator soon (the subscription changed, or a commit was refused)."""
        log.debug("group %s: heartbeat soon (%s)", self.group_id, reason)
        self._wake.set()

    async def close(self, *, leave: bool = True) -> None:
        """Stop heartbeating; commit (auto-commit) and revoke; leave the group."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        owned = set(self._subs.assignment)
        if owned and self.member_epoch > 0:
            if self._config.enable_auto_commit:
                await self._commit_quietly(owned)
            await call_listener(self.listener, "on_partitions_revoked", owned)
        if leave and self.member_epoch > 0:
            await self._leave("the consumer is closing")

    # -- the heartbeat loop ------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        attempts = 0
        last_ok = loop.time()
        while True:
            if not self._subscribed():
                if self.member_epoch > 0:
                    await self._lose_all("unsubscribed")
                    await self._leave("unsubscribed")
                self._wake.clear()
                await self._wake.wait()
                continue
            if self._poll_expired:
                await self._polled.wait()
                self._polled.clear()
                last_ok = loop.time()
            now = loop.time()
            if self.member_epoch > 0 and now - self.last_poll > self._max_poll_s:
                await self._poll_timeout()
                continue
            self._wake.clear()
            try:
                await self._heartbeat()
                attempts = 0
                last_ok = loop.time()
                delay = self._interval_s
                if await self._reconcile(polling=False):
                    delay = 0.0  # acknowledge at once
            except asyncio.CancelledError:
                raise
            except (KafkaConnectionError, KafkaTimeoutError) as exc:
                log.debug("group %s: heartbeat failed: %s", self.group_id, exc)
                self.coordinator[0] = -1
                self._full = True
                attempts += 1
                delay = self._backoff(attempts)
                if self.member_epoch > 0 and loop.time() - last_ok > self._session_s:
                    await self._lose_all("no heartbeat reached the coordinator within the session")
                    self.member_epoch = 0
                    self._target = None
                    self._revoke_waiting.clear()
            except _Retry as exc:
                log.debug("group %s: %s", self.group_id, exc)
                attempts += 1
                delay = 0.0 if exc.at_once else self._backoff(attempts)
            except (KafkaError, ClientError) as exc:
                if isinstance(exc, KafkaError) and exc.retriable:
                    attempts += 1
                    delay = self._backoff(attempts)
                else:
                    log.error("group %s: cannot stay in the group: %s", self.group_id, exc)
                    self.fatal = exc
                    self._failed.set()
                    self._fetcher.wakeup()
                    return
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)

    def _subscribed(self) -> bool:
        subs = self._subs
        return subs.group_managed and (subs.pattern is not None or bool(subs.topics))

    @property
    def _max_poll_s(self) -> float:
        return self._config.max_poll_interval_ms / 1000

    @property
    def _session_s(self) -> float:
        return self._config.session_timeout_ms / 1000

    def _backoff(self, attempts: int) -> float:
        base: int = self._config.retry_backoff_ms
        cap: int = self._config.retry_backoff_max_ms
        return min(cap, base << min(attempts, 16)) / 1000

    async def _coordinator(self) -> int:
        if self.coordinator[0] < 0:
            self.coordinator[0] = await self._cluster.find_coordinator(self.group_id)
        return self.coordinator[0]

    def _request(self) -> ConsumerGroupHeartbeatRequest:
        """The full request when joining or after an error, else the short form."""
        config = self._config
        subs = self._subs
        pattern = subs.pattern.pattern if subs.pattern is not None else None
        topics = () if pattern is not None else tuple(sorted(subs.topics))
        owned = frozenset(subs.assignment) if self.member_epoch > 0 else frozenset()
        full = self._full or self.member_epoch == 0
        send_subscription = full or topics != self._sent_topics or pattern != self._sent_regex
        send_owned = full or owned != self._sent_owned
        names: list[str] | None = None
        regex: str | None = None
        if send_subscription:
            names = [] if pattern is not None else list(topics)
            # An empty regex in a full request says "no regex" (librdkafka sends it so too).
            regex = pattern if pattern is not None else "" if full else None
        body = ConsumerGroupHeartbeatRequest(
            group_id=self.group_id,
            member_id=self.member_id,
            member_epoch=self.member_epoch,
            instance_id=config.group_instance_id,
            rebalance_timeout_ms=config.max_poll_interval_ms if full else -1,
            subscribed_topic_names=names,
            subscribed_topic_regex=regex,
            server_assignor=config.group_remote_assignor if full else None,
            topic_partitions=self._by_topic_id(owned) if send_owned else None,
        )
        self._sent_topics, self._sent_regex = topics, pattern
        self._sent_owned = owned
        return body

    def _by_topic_id(
        self, partitions: Iterable[TopicPartition]
    ) -> list[ConsumerGroupHeartbeatRequest.TopicPartitions]:
        ids = {name: tid for tid, name in self._names.items()}
        by_topic: dict[str, list[int]] = {}
        for tp in partitions:
            by_topic.setdefault(tp.topic, []).append(tp.partition)
        return [
            ConsumerGroupHeartbeatRequest.TopicPartitions(
                topic_id=ids[topic], partitions=sorted(parts)
            )
            for topic, parts in sorted(by_topic.items())
            if topic in ids
        ]

    async def _heartbeat(self) -> None:
        node = await self._coordinator()
        body = self._request()
        try:
            response = await self._cluster.request(coordinator_connection(node), body)
        except Exception:
            self._full = True  # what was sent may not have arrived
            raise
        code = int(response.error_code)
        if code:
            self._full = True
            await self._handle_error(code, response.error_message)
            return
        self._full = False
        if response.member_id:
            self.member_id = response.member_id
        if response.heartbeat_interval_ms > 0:
            self._interval_s = response.heartbeat_interval_ms / 1000
        self.member_epoch = response.member_epoch
        if response.assignment is not None:
            self._target = {
                tp.topic_id: frozenset(tp.partitions) for tp in response.assignment.topic_partitions
            }
            self._reconciled = False

    async def _handle_error(self, code: int, message: str | None) -> None:
        error = error_from_code(code, f"ConsumerGroupHeartbeat for group {self.group_id!r}")
        detail = f"{error}: {message}" if message else str(error)
        if code in COORDINATOR_ERRORS:
            self.coordinator[0] = -1
            raise _Retry(detail)
        if code in _REJOIN_ERRORS:
            await self._lose_all(detail)
            self.member_epoch = 0
            self._target = None
            self._revoke_waiting.clear()
            raise _Retry(detail, at_once=True)
        if code in _FATAL_ERRORS:
            raise error
        raise _Retry(detail)

    # -- reconciliation ----------------------------------------------------------------------

    async def reconcile_on_poll(self) -> None:
        """Run a reconciliation that waits for the application (``getmany`` calls it before
        handing out records): partitions are revoked only between two polls, so what the
        application took from them was processed (and committed) first, as in Kafka's
        consumer, where the rebalance callbacks run inside ``poll``."""
        if self._revoke_waiting.is_set() and await self._reconcile(polling=True):
            self._wake.set()  # acknowledge at once

    async def wait_for_data(self, fetcher_wait: Callable[[], Awaitable[bool]]) -> None:
        """Wait for records (``fetcher_wait()``) or for a revocation that needs the poll."""
        if self._revoke_waiting.is_set():
            return
        waiters = [
            asyncio.ensure_future(fetcher_wait()),
            asyncio.ensure_future(self._revoke_waiting.wait()),
        ]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _reconcile(self, *, polling: bool) -> bool:
        """Move the owned partitions to the assignment last given; True when they changed (the
        coordinator must hear at once). Revocations wait for the application's next poll."""
        async with self._reconciling:
            target = self._target
            if target is None or self._reconciled:
                return False
            unknown = [tid for tid in target if tid not in self._names]
            if unknown:
                await self._resolve(unknown)
            wanted = {
                TopicPartition(self._names[tid], p)
                for tid, parts in target.items()
                if tid in self._names
                for p in parts
            }
            owned = set(self._subs.assignment)
            revoked = owned - wanted
            added = wanted - owned
            if revoked and not polling:
                self._revoke_waiting.set()  # a poll waiting for records comes back to revoke
                return False
            self._revoke_waiting.clear()
            self._cluster.add_topics({tp.topic for tp in wanted})
            if revoked:
                if self._config.enable_auto_commit:
                    await self._commit_quietly(revoked)
                await call_listener(self.listener, "on_partitions_revoked", revoked)
                self._forget(revoked)
                self._subs.remove_partitions(revoked)
                self._fetcher.clear(revoked)
            if added:
                self._subs.add_partitions(added)
                self._fetcher.wakeup()
            if revoked or added:
                self.rebalances += 1
                log.info(
                    "group %s epoch %d: +%d -%d partitions",
                    self.group_id, self.member_epoch, len(added), len(revoked),
                )  # fmt: skip
            if added or not self._stable.is_set():
                await call_listener(self.listener, "on_partitions_assigned", added)
            # Done, unless a heartbeat brought a newer assignment meanwhile (the callbacks and
            # the commit yield) or a topic id is still unknown.
            self._reconciled = target is self._target and all(tid in self._names for tid in target)
            self._stable.set()
            return bool(revoked or added)

    async def _resolve(self, topic_ids: list[uuid.UUID]) -> None:
        """Learn the names of these topic ids (Metadata with topic ids, every topic)."""
        self._names.update(self._cluster.metadata.topic_names_by_id())
        if all(tid in self._names for tid in topic_ids):
            return
        try:
            response = await self._cluster.fetch_metadata(None)
        except (KafkaError, ClientError) as exc:
            log.debug("group %s: metadata for topic ids failed: %s", self.group_id, exc)
            return
        for t in response.topics:
            topic_id = getattr(t, "topic_id", None)
            if t.error_code == 0 and t.name and topic_id is not None and topic_id.int:
                self._names[topic_id] = t.name
        missing = [tid for tid in topic_ids if tid not in self._names]
        if missing:
            log.info("group %s: topic ids not known yet: %s", self.group_id, missing)

    async def _lose_all(self, reason: str) -> None:
        owned = set(self._subs.assignment)
        log.warning("group %s: partitions lost (%s)", self.group_id, reason)
        self._stable.clear()
        if owned:
            await call_listener(self.listener, "on_partitions_lost", owned)
            self._forget(owned)
            self._subs.set_assignment(())
            self._fetcher.clear()
        self._sent_owned = None

    def _forget(self, partitions: set[TopicPartition]) -> None:
        """Records of these partitions that ``async for`` holds are not handed out any more
        (a new epoch for each partition's state: the iteration drops the older ones)."""
        for tp in partitions:
            state = self._subs.assignment.get(tp)
            if state is not None:
                state.rewind()

    async def _commit_quietly(self, partitions: set[TopicPartition]) -> None:
        try:
            await self._commit_positions(partitions)
        except (KafkaError, ClientError) as exc:
            log.warning("group %s: commit before revoking failed: %s", self.group_id, exc)

    # -- leaving -----------------------------------------------------------------------------

    async def _poll_timeout(self) -> None:
        log.warning(
            "group %s: no poll for max.poll.interval.ms (%d ms): leaving the group",
            self.group_id, self._config.max_poll_interval_ms,
        )  # fmt: skip
        await self._lose_all("max.poll.interval.ms expired")
        await self._leave("max.poll.interval.ms expired")
        self._poll_expired = True

    async def _leave(self, reason: str) -> None:
        """Leave with epoch -1 (-2 for a static member); the member then starts at epoch 0."""
        static = self._config.group_instance_id is not None
        epoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH if static else LEAVE_GROUP_MEMBER_EPOCH
        node = self.coordinator[0]
        self.member_epoch = 0
        self._target = None
        self._revoke_waiting.clear()
        self._full = True
        self._stable.clear()
        if node < 0:
            return
        body = ConsumerGroupHeartbeatRequest(
            group_id=self.group_id,
            member_id=self.member_id,
            member_epoch=epoch,
            instance_id=self._config.group_instance_id,
        )
        try:
            response: Any = await self._cluster.request(coordinator_connection(node), body)
            if response.error_code:
                log.debug(
                    "group %s: leaving: %s", self.group_id, error_from_code(response.error_code)
                )
            else:
                log.info("group %s: member %s left (%s)", self.group_id, self.member_id, reason)
        except (KafkaError, ClientError) as exc:
            log.debug("group %s: leaving failed: %s", self.group_id, exc)


class _Retry(Exception):
    """Heartbeat again (after backoff, or ``at_once``)."""

    def __init__(self, reason: str, *, at_once: bool = False) -> None:
        super().__init__(reason)
        self.at_once = at_once
