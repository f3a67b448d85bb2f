"""The accounts service's view of the event log: every account, folded from its events.

One consumer (no group: every instance reads every partition) follows ``bank.account-events``
and folds each event into its partition's state. A partition's ``position`` is the offset of
the next event to fold, so the state of a partition at ``position`` N is exactly the fold of
its events 0..N-1 — and N is the offset a conditional append made from that state expects.

Snapshots: after every ``SNAPSHOT_EVERY_EVENTS`` events of a partition, the state is written
to the compacted ``bank.account-snapshots`` (key ``partition-P``; compaction keeps the latest
per partition). An instance starts from the newest snapshot of each partition and replays
only the events after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from dataclasses import dataclass, field
from typing import Any, Final

from client import Consumer, Producer, TopicPartition
from examples.bank import events
from examples.bank.events import Account, Event
from examples.bank.topics import EVENT_PARTITIONS, EVENTS, SNAPSHOTS, ensure_topics

__all__ = ["Ledger", "PartitionState", "partition_of"]

log = logging.getLogger("bank.ledger")

#: Events of a partition between two snapshots of it: the most an instance replays per
#: partition at start (beyond what came after the last snapshot).
SNAPSHOT_EVERY_EVENTS: Final = 200
#: How long a reader waits for the log to reach an offset it was told exists (a conflict's
#: log end offset, a fresh end offset) before giving up on the command.
CATCH_UP_TIMEOUT_S: Final = 10.0
#: Records per fold step: bounds how long the fold holds the event loop.
FOLD_MAX_RECORDS: Final = 500


def partition_of(account_id: str) -> int:
    """The event partition of an account (a stable hash: every service agrees)."""
    return zlib.crc32(account_id.encode()) % EVENT_PARTITIONS


@dataclass
class PartitionState:
    """The fold of one event partition up to ``position``."""

    partition: int
    position: int = 0
    accounts: dict[str, Account] = field(default_factory=dict)
    #: Transfers debited in this partition whose credit was not seen yet, by command id.
    pending: dict[str, Event] = field(default_factory=dict)
    snapshot_offset: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "partition": self.partition,
            "offset": self.position,
            "accounts": [a.to_json() for a in self.accounts.values()],
            "pending": list(self.pending.values()),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PartitionState:
        state = cls(data["partition"], data["offset"])
        state.accounts = {a["account"]: Account.from_json(a) for a in data["accounts"]}
        state.pending = {d["command_id"]: d for d in data["pending"]}
        state.snapshot_offset = state.position
        return state


class Ledger:
    """Every partition's state, kept current by a background reader."""

    def __init__(
        self, bootstrap_servers: str, *, snapshot_every: int = SNAPSHOT_EVERY_EVENTS
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.partitions = [PartitionState(p) for p in range(EVENT_PARTITIONS)]
        #: Events of a partition between snapshots; 0: neither write nor read snapshots.
        self.snapshot_every = snapshot_every
        self.snapshots_enabled = snapshot_every > 0
        #: Where the snapshots loaded at start put each partition.
        self.started_from: list[int] = [0] * EVENT_PARTITIONS
        self.replayed = 0
        self._consumer = Consumer(
            bootstrap_servers=bootstrap_servers,
            enable_auto_commit=False,
            fetch_max_wait_ms=100,
        )
        self._snapshot_producer = Producer(bootstrap_servers=bootstrap_servers, linger_ms=5)
        self._progress = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        await ensure_topics(self.bootstrap_servers)
        if self.snapshots_enabled:
            await self._load_snapshots()
        await self._consumer.start()
        await self._snapshot_producer.start()
        tps = [TopicPartition(EVENTS, p) for p in range(EVENT_PARTITIONS)]
        self._consumer.assign(tps)
        for tp, state in zip(tps, self.partitions, strict=True):
            self._consumer.seek(tp, state.position)
            self.started_from[state.partition] = state.position
        self._reader = asyncio.create_task(self._read(), name="bank-ledger-reader")
        await self.catch_up_all()
        self.replayed = sum(s.position for s in self.partitions) - sum(self.started_from)
        log.info(
            "ready: started from snapshot offsets %s, replayed %d events",
            self.started_from, self.replayed,
        )  # fmt: skip

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._consumer.close()
        await self._snapshot_producer.close()

    # -- waiting for the fold ----------------------------------------------------------------

    async def wait_for(self, partition: int, offset: int) -> None:
        """Wait until the partition's state has folded every event before ``offset``."""
        state = self.partitions[partition]
        if state.position >= offset:
            return
        async with asyncio.timeout(CATCH_UP_TIMEOUT_S), self._progress:
            await self._progress.wait_for(lambda: state.position >= offset)

    async def catch_up(self, partition: int) -> None:
        """Fold everything the partition holds now (its log end offset)."""
        tp = TopicPartition(EVENTS, partition)
        end = await self._consumer.end_offsets([tp])
        await self.wait_for(partition, end[tp])

    async def catch_up_all(self) -> None:
        tps = [TopicPartition(EVENTS, p) for p in range(EVENT_PARTITIONS)]
        ends = await self._consumer.end_offsets(tps)
        for tp in tps:
            await self.wait_for(tp.partition, ends[tp])

    def pending_transfers(self) -> list[Event]:
        return [d for s in self.partitions for d in s.pending.values()]

    # -- the fold ----------------------------------------------------------------------------

    async def _read(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=1_000, max_records=FOLD_MAX_RECORDS)
            if not batches:
                continue
            for tp, records in batches.items():
                state = self.partitions[tp.partition]
                for record in records:
                    if record.offset < state.position:
                        continue  # already folded (started from a later snapshot)
                    self._fold(state, events.decode(record.value))
                    state.position = record.offset + 1
                if (
                    self.snapshots_enabled
                    and state.position - state.snapshot_offset >= self.snapshot_every
                ):
                    await self._write_snapshot(state)
            async with self._progress:
                self._progress.notify_all()

    def _fold(self, state: PartitionState, event: Event) -> None:
        events.apply(state.accounts, event)
        kind = event["type"]
        if kind == "transfer_debited":
            state.pending[event["command_id"]] = event
        elif kind == "transfer_credited":
            source = self.partitions[partition_of(event["from"])]
            source.pending.pop(event["command_id"], None)

    # -- snapshots ---------------------------------------------------------------------------

    async def _write_snapshot(self, state: PartitionState) -> None:
        state.snapshot_offset = state.position
        value = events.json_bytes(state.to_json())
        future = await self._snapshot_producer.send(
            SNAPSHOTS, value, key=f"partition-{state.partition}".encode(), partition=0
        )
        future.add_done_callback(_log_failure)

    async def _load_snapshots(self) -> None:
        tp = TopicPartition(SNAPSHOTS, 0)
        async with Consumer(
            bootstrap_servers=self.bootstrap_servers, enable_auto_commit=False
        ) as consumer:
            consumer.assign([tp])
            consumer.seek(tp, 0)
            end = (await consumer.end_offsets([tp]))[tp]
            position = 0
            async with asyncio.timeout(CATCH_UP_TIMEOUT_S * 3):
                while position < end:
                    for record in (await consumer.getmany(timeout_ms=1_000)).get(tp, []):
                        position = record.offset + 1
                        loaded = PartitionState.from_json(events.json_load(record.value))
                        if loaded.position > self.partitions[loaded.partition].position:
                            self.partitions[loaded.partition] = loaded


def _log_failure(future: Any) -> None:
    error = future.exception()
    if error is not None:
        log.warning("a snapshot was not written: %s", error)
