"""Group membership for a subscribed consumer: join, sync, heartbeat, leave (classic protocol).

A background task keeps the consumer in its group: it finds the coordinator
(FindCoordinator), joins (JoinGroup, answering MEMBER_ID_REQUIRED with the id the broker
gave), computes the assignment when it is the leader, syncs (SyncGroup) and then heartbeats
every ``heartbeat.interval.ms`` on the coordinator's own connection. It rejoins when a
heartbeat says REBALANCE_IN_PROGRESS, when the subscription or (for the leader) the topics'
partition counts change, and after the cooperative protocol revoked partitions. NOT_COORDINATOR
and COORDINATOR_NOT_AVAILABLE send it back to FindCoordinator. UNKNOWN_MEMBER_ID,
ILLEGAL_GENERATION and FENCED_INSTANCE_ID mean the partitions are lost
(``on_partitions_lost``), and it joins again as a new member. When the application does not
call ``getmany`` (or iterate) for ``max.poll.interval.ms``, the member leaves the group so that
others take over, and joins again on the next poll.

With an eager protocol (range, roundrobin) every partition is revoked before joining; with
cooperative-sticky only the partitions that move are revoked, after the assignment arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from client.cluster import Cluster, coordinator_connection
from client.config import ConsumerConfig
from client.consumer.assignors import Assignor, assignor_for
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
from protocol.consumer_protocol import (
    CONSUMER_PROTOCOL_TYPE,
    Assignment,
    Subscription,
    decode_assignment,
    decode_subscription,
    encode_assignment,
    encode_subscription,
)
from protocol.errors import DecodeError, ErrorCode
from protocol.messages import (
    HeartbeatRequest,
    JoinGroupRequest,
    LeaveGroupRequest,
    SyncGroupRequest,
)

__all__ = ["GroupMember"]

log = logging.getLogger("samsa.client.consumer.group")

#: Extra time a JoinGroup or SyncGroup may take beyond the rebalance timeout (the broker
#: holds them until the rebalance completes; Kafka's clients allow 5 s more).
JOIN_TIMEOUT_SLACK_S: Final = 5.0
#: JoinGroup attempts in a row answered MEMBER_ID_REQUIRED before it counts as a failure.
MAX_MEMBER_ID_ROUNDS: Final = 3
#: Errors after which the member starts over as a new member (its partitions are lost).
_RESET_ERRORS: Final = frozenset(
    {ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION, ErrorCode.FENCED_INSTANCE_ID}
)
#: Errors a join retries (after backoff); anything else is fatal for the consumer.
_RETRY_ERRORS: Final = frozenset(
    {*COORDINATOR_ERRORS, *_RESET_ERRORS, ErrorCode.REBALANCE_IN_PROGRESS}
)


class _Rejoin(Exception):
    """Start the join over (after backoff when ``backoff``)."""

    def __init__(self, reason: str, *, backoff: bool = True) -> None:
        super().__init__(reason)
        self.backoff = backoff


class GroupMember(Membership):
    """Keeps a subscribed consumer in its group."""

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
        self._assignors: list[Assignor] = [
            assignor_for(n) for n in config.partition_assignment_strategy
        ]
        self.listener: ConsumerRebalanceListener | None = None
        self.member_id = ""
        self.generation_id = -1
        self.protocol_name: str | None = None
        self.leader_id = ""
        #: The coordinator's node id (-1: unknown), shared with offset commits.
        self.coordinator = [-1]
        self._rejoin = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._assigned_counts: dict[str, int] = {}
        self.rebalances = 0

    # -- state -------------------------------------------------------------------------------

    @property
    def cooperative(self) -> bool:
        """True when the group's protocol is cooperative."""
        for assignor in self._assignors:
            if assignor.name == self.protocol_name:
                return assignor.protocol == "cooperative"
        return False

    @property
    def stable(self) -> bool:
        """True while the member holds an assignment of the current generation."""
        return self._stable.is_set()

    def start(self) -> None:
        """Start the membership task (it joins once there is a subscription)."""
        self.last_poll = asyncio.get_running_loop().time()
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"samsa-group-{self.group_id}")

    def request_rejoin(self, reason: str) -> None:
        """Join again soon."""
        if not self._rejoin.is_set():
            log.info("group %s: rejoining (%s)", self.group_id, reason)
        self._stable.clear()
        self._rejoin.set()

    async def close(self, *, leave: bool = True) -> None:
        """Stop heartbeats and membership; commit and revoke; leave the group."""
        await self._stop_heartbeat()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        owned = set(self._subs.assignment)
        if owned and self.generation_id >= 0:
            if self._config.enable_auto_commit:
                await self._commit_quietly(owned)
            await call_listener(self.listener, "on_partitions_revoked", owned)
        if leave and self.member_id and self._config.group_instance_id is None:
            await self._leave("the consumer is closing")

    # -- the membership loop -----------------------------------------------------------------

    async def _run(self) -> None:
        attempts = 0
        while True:
            await self._rejoin.wait()
            if not self._subs.group_managed:
                self._rejoin.clear()
                continue
            if self._subs.pattern is not None:
                self._match_pattern()
                if not self._subs.topics:
                    # Nothing matches yet: look again when metadata changes.
                    await self._cluster.wait_for_update(self._config.metadata_max_age_ms / 1000)
                    continue
            if not self._subs.topics:
                self._rejoin.clear()
                continue
            if self._poll_expired:
                await self._polled.wait()
                self._polled.clear()
            try:
                await self._join()
                attempts = 0
            except asyncio.CancelledError:
                raise
            except _Rejoin as exc:
                self._rejoin.set()
                if not exc.backoff:
                    continue
                attempts += 1
                log.debug("group %s: join failed: %s", self.group_id, exc)
                await asyncio.sleep(self._backoff(attempts))
            except (KafkaConnectionError, KafkaTimeoutError) as exc:
                self._rejoin.set()
                self.coordinator[0] = -1
                attempts += 1
                log.debug("group %s: join failed: %s", self.group_id, exc)
                await asyncio.sleep(self._backoff(attempts))
            except KafkaError as exc:
                if exc.retriable:
                    self._rejoin.set()
                    attempts += 1
                    await asyncio.sleep(self._backoff(attempts))
                    continue
                log.error("group %s: cannot join: %s", self.group_id, exc)
                self.fatal = exc
                self._failed.set()
                self._fetcher.wakeup()
                self._rejoin.clear()

    def _backoff(self, attempts: int) -> float:
        base: int = self._config.retry_backoff_ms
        cap: int = self._config.retry_backoff_max_ms
        return min(cap, base << min(attempts, 16)) / 1000

    async def _coordinator(self) -> int:
        if self.coordinator[0] < 0:
            self.coordinator[0] = await self._cluster.find_coordinator(self.group_id)
        return self.coordinator[0]

    async def _join(self) -> None:
        await self._stop_heartbeat()
        self._stable.clear()
        if not self.cooperative:
            await self._revoke_all()
        node = await self._coordinator()
        self._rejoin.clear()
        response = await self._join_group(node)
        self.generation_id = response.generation_id
        self.member_id = response.member_id
        self.protocol_name = response.protocol_name
        self.leader_id = response.leader
        assignments: dict[str, list[TopicPartition]] = {}
        if response.leader == response.member_id:
            assignments = await self._assign(response)
        assignment = await self._sync_group(node, assignments)
        self.rebalances += 1
        await self._complete(assignment)
        if self._rejoin.is_set():
            return  # something changed meanwhile: the loop joins again
        self._stable.set()
        self._fetcher.set_enabled(True)
        self._heartbeat = asyncio.create_task(
            self._heartbeat_loop(), name=f"samsa-heartbeat-{self.group_id}"
        )

    def _subscription(self) -> bytes:
        return encode_subscription(
            Subscription(
                topics=sorted(self._subs.topics),
                owned_partitions=sorted(self._subs.assignment),
                generation_id=self.generation_id,
            )
        )

    async def _join_group(self, node: int) -> Any:
        config = self._config
        metadata = self._subscription()
        timeout_s = config.max_poll_interval_ms / 1000 + JOIN_TIMEOUT_SLACK_S
        for _ in range(MAX_MEMBER_ID_ROUNDS):
            body = JoinGroupRequest(
                group_id=self.group_id,
                session_timeout_ms=config.session_timeout_ms,
                rebalance_timeout_ms=config.max_poll_interval_ms,
                member_id=self.member_id,
                group_instance_id=config.group_instance_id,
                protocol_type=CONSUMER_PROTOCOL_TYPE,
                protocols=[
                    JoinGroupRequest.JoinGroupRequestProtocol(name=a.name, metadata=metadata)
                    for a in self._assignors
                ],
            )
            response = await self._cluster.request(
                coordinator_connection(node), body, timeout_s=timeout_s
            )
            code = response.error_code
            if code == 0:
                return response
            if code == ErrorCode.MEMBER_ID_REQUIRED:
                self.member_id = response.member_id  # KIP-394: join again with this id
                continue
            self._handle_error(code, "JoinGroup")
        raise _Rejoin("JoinGroup kept asking for a member id")

    def _handle_error(self, code: int, what: str) -> None:
        error = error_from_code(code, f"{what} for group {self.group_id!r}")
        if code in COORDINATOR_ERRORS:
            self.coordinator[0] = -1
            raise _Rejoin(str(error))
        if code == ErrorCode.UNKNOWN_MEMBER_ID or code == ErrorCode.FENCED_INSTANCE_ID:
            self.member_id = ""
            self.generation_id = -1
            raise _Rejoin(str(error))
        if code == ErrorCode.ILLEGAL_GENERATION:
            self.generation_id = -1
            raise _Rejoin(str(error))
        if code == ErrorCode.REBALANCE_IN_PROGRESS:
            raise _Rejoin(str(error), backoff=False)
        raise error

    async def _assign(self, response: Any) -> dict[str, list[TopicPartition]]:
        subscriptions: dict[str, Subscription] = {}
        for member in response.members:
            try:
                subscriptions[member.member_id] = decode_subscription(bytes(member.metadata))
            except DecodeError as exc:
                log.warning("group %s: member %s: %s", self.group_id, member.member_id, exc)
                subscriptions[member.member_id] = Subscription([])
        topics = sorted({t for s in subscriptions.values() for t in s.topics})
        self._cluster.add_topics(topics)
        metadata = await self._cluster.fetch_metadata(topics)
        counts = {t.name: len(t.partitions) for t in metadata.topics if t.error_code == 0}
        assignor = next((a for a in self._assignors if a.name == response.protocol_name), None)
        if assignor is None:
            raise error_from_code(
                ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                f"the group chose assignor {response.protocol_name!r}",
            )
        self._assigned_counts = counts
        result = assignor.assign(counts, subscriptions)
        log.info(
            "group %s generation %d: %s assigned %d partitions to %d members",
            self.group_id,
            response.generation_id,
            assignor.name,
            sum(len(p) for p in result.values()),
            len(result),
        )
        return result

    async def _sync_group(
        self, node: int, assignments: dict[str, list[TopicPartition]]
    ) -> Assignment:
        body = SyncGroupRequest(
            group_id=self.group_id,
            generation_id=self.generation_id,
            member_id=self.member_id,
            group_instance_id=self._config.group_instance_id,
            protocol_type=CONSUMER_PROTOCOL_TYPE,
            protocol_name=self.protocol_name,
            assignments=[
                SyncGroupRequest.SyncGroupRequestAssignment(
                    member_id=m, assignment=encode_assignment(Assignment(parts))
                )
                for m, parts in assignments.items()
            ],
        )
        timeout_s = self._config.max_poll_interval_ms / 1000 + JOIN_TIMEOUT_SLACK_S
        response = await self._cluster.request(
            coordinator_connection(node), body, timeout_s=timeout_s
        )
        if response.error_code:
            self._handle_error(response.error_code, "SyncGroup")
        try:
            return decode_assignment(bytes(response.assignment))
        except DecodeError as exc:
            raise _Rejoin(f"undecodable assignment: {exc}") from exc

    async def _complete(self, assignment: Assignment) -> None:
        assigned = {TopicPartition(tp.topic, tp.partition) for tp in assignment.partitions}
        self._cluster.add_topics({tp.topic for tp in assigned})
        if self.cooperative:
            owned = set(self._subs.assignment)
            revoked = owned - assigned
            added = assigned - owned
            if revoked:
                if self._config.enable_auto_commit:
                    await self._commit_quietly(revoked)
                await call_listener(self.listener, "on_partitions_revoked", revoked)
                self._subs.remove_partitions(revoked)
                self._fetcher.clear(revoked)
            self._subs.add_partitions(added)
            self._fetcher.wakeup()
            log.info(
                "group %s generation %d: +%d -%d partitions (cooperative)",
                self.group_id, self.generation_id, len(added), len(revoked),
            )  # fmt: skip
            await call_listener(self.listener, "on_partitions_assigned", added)
            if revoked:
                self.request_rejoin("partitions were revoked (cooperative protocol)")
        else:
            self._subs.set_assignment(sorted(assigned))
            self._fetcher.clear()
            self._fetcher.wakeup()
            log.info(
                "group %s generation %d: assigned %s",
                self.group_id, self.generation_id, ", ".join(map(str, sorted(assigned))) or "-",
            )  # fmt: skip
            await call_listener(self.listener, "on_partitions_assigned", assigned)

    async def _revoke_all(self) -> None:
        owned = set(self._subs.assignment)
        if not owned:
            return
        if self._config.enable_auto_commit and self.generation_id >= 0:
            await self._commit_quietly(owned)
        await call_listener(self.listener, "on_partitions_revoked", owned)
        self._subs.set_assignment(())
        self._fetcher.clear()

    async def _lose_all(self, reason: str) -> None:
        owned = set(self._subs.assignment)
        log.warning("group %s: partitions lost (%s)", self.group_id, reason)
        self._stable.clear()
        if owned:
            await call_listener(self.listener, "on_partitions_lost", owned)
            self._subs.set_assignment(())
            self._fetcher.clear()

    async def _commit_quietly(self, partitions: set[TopicPartition]) -> None:
        try:
            await self._commit_positions(partitions)
        except (KafkaError, ClientError) as exc:
            log.warning("group %s: commit before revoking failed: %s", self.group_id, exc)

    # -- heartbeats --------------------------------------------------------------------------

    async def _stop_heartbeat(self) -> None:
        task = self._heartbeat
        self._heartbeat = None
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _heartbeat_loop(self) -> None:
        loop = asyncio.get_running_loop()
        config = self._config
        interval = config.heartbeat_interval_ms / 1000
        session = config.session_timeout_ms / 1000
        max_poll = config.max_poll_interval_ms / 1000
        last_ok = loop.time()
        delay = interval
        while True:
            await asyncio.sleep(delay)
            delay = interval
            now = loop.time()
            if now - self.last_poll > max_poll:
                log.warning(
                    "group %s: no poll for max.poll.interval.ms (%d ms): leaving the group",
                    self.group_id, config.max_poll_interval_ms,
                )  # fmt: skip
                await self._lose_all("max.poll.interval.ms expired")
                await self._leave("max.poll.interval.ms expired")
                self.member_id = ""
                self.generation_id = -1
                self._poll_expired = True
                self.request_rejoin("max.poll.interval.ms expired")
                return
            if self._watch_metadata():
                return
            try:
                node = await self._coordinator()
                response = await self._cluster.request(
                    coordinator_connection(node),
                    HeartbeatRequest(
                        group_id=self.group_id,
                        generation_id=self.generation_id,
                        member_id=self.member_id,
                        group_instance_id=config.group_instance_id,
                    ),
                )
                code = int(response.error_code)
            except (KafkaConnectionError, KafkaTimeoutError) as exc:
                log.debug("group %s: heartbeat failed: %s", self.group_id, exc)
                code = ErrorCode.COORDINATOR_NOT_AVAILABLE
            except KafkaError as exc:
                code = int(exc.code)
            if code == 0:
                last_ok = now
                continue
            if code == ErrorCode.REBALANCE_IN_PROGRESS:
                self.request_rejoin("the group is rebalancing")
                return
            if code in _RESET_ERRORS:
                if code != ErrorCode.ILLEGAL_GENERATION:
                    self.member_id = ""
                self.generation_id = -1
                await self._lose_all(error_from_code(code).code.name)
                self.request_rejoin("membership lost")
                return
            if code in COORDINATOR_ERRORS:
                self.coordinator[0] = -1
                if now - last_ok > session:
                    await self._lose_all("no heartbeat reached the coordinator within the session")
                    self.request_rejoin("coordinator unreachable")
                    return
                delay = min(interval, self._config.retry_backoff_s)
                continue
            log.warning("group %s: heartbeat error %s", self.group_id, error_from_code(code))

    def _watch_metadata(self) -> bool:
        """Rejoin when the pattern's topics or (leader) partition counts changed."""
        subs = self._subs
        metadata = self._cluster.metadata
        if subs.pattern is not None and self._match_pattern():
            self.request_rejoin("the pattern matches other topics now")
            return True
        if self.leader_id and self.leader_id == self.member_id and self._assigned_counts:
            for topic, count in self._assigned_counts.items():
                now = metadata.partitions_for(topic)
                if now is not None and now != count:
                    self.request_rejoin(f"topic {topic} has {now} partitions now")
                    return True
        return False

    def _match_pattern(self) -> bool:
        """Match the pattern against the topics in metadata; True when the set changed."""
        metadata = self._cluster.metadata
        exclude = self._config.exclude_internal_topics
        names = [n for n, t in metadata.topics.items() if not (t.is_internal and exclude)]
        if self._subs.match_topics(names):
            self._cluster.set_topics(self._subs.topics, all_topics=True)
            return True
        return False

    async def _leave(self, reason: str) -> None:
        node = self.coordinator[0]
        if node < 0 or not self.member_id:
            return
        body = LeaveGroupRequest(
            group_id=self.group_id,
            member_id=self.member_id,
            members=[
                LeaveGroupRequest.MemberIdentity(
                    member_id=self.member_id, group_instance_id=self._config.group_instance_id
                )
            ],
        )
        try:
            await self._cluster.request(coordinator_connection(node), body)
            log.info("group %s: member %s left (%s)", self.group_id, self.member_id, reason)
        except KafkaError as exc:
            log.debug("group %s: LeaveGroup failed: %s", self.group_id, exc)
        self.member_id = ""
        self.generation_id = -1
