"""The loader of ``__transaction_state`` partitions: a replay keeps the latest value of each key
(tombstones included) in the order of the latest writes, skips markers, reads in chunks, hands
the result to the core with the coordinator epoch; abandoned loads install nothing; an
unreadable log leaves its partition loading and failed."""

from __future__ import annotations

from typing import Any

import pytest
from support.waiting import eventually

from broker.txn.loader import LoadedRecords, TxnPartitionLoader, replay_chunk
from protocol.records import RecordBatchBuilder
from protocol.records.batch import ControlRecordType
from protocol.records.builder import build_control_batch

pytestmark = pytest.mark.timeout(30)


def batch(base_offset: int, *records: tuple[bytes, bytes | None]) -> bytes:
    builder = RecordBatchBuilder(base_offset=base_offset)
    for key, value in records:
        builder.append(value, key=key, timestamp_ms=1000)
    return builder.build()


def marker(base_offset: int) -> bytes:
    return build_control_batch(
        ControlRecordType.COMMIT,
        producer_id=9,
        producer_epoch=0,
        coordinator_epoch=1,
        timestamp_ms=1000,
        base_offset=base_offset,
    )


class FakeLog:
    """Batches by base offset; ``read`` returns whole batches from an offset (one per call, as a
    small chunk would)."""

    def __init__(self, batches: list[bytes], start: int = 0) -> None:
        self.batches = batches
        self.log_start_offset = start
        self.log_end_offset = sum(1 for _ in self._offsets()) + start
        self.reads: list[int] = []

    def _offsets(self) -> Any:
        from protocol.records import iter_batches

        for data in self.batches:
            for b in iter_batches(data, allow_partial=False):
                yield from range(b.base_offset, b.next_offset)

    def read(self, offset: int) -> bytes:
        from protocol.records import iter_batches

        self.reads.append(offset)
        for data in self.batches:
            [b] = list(iter_batches(data, allow_partial=False))
            if b.base_offset <= offset < b.next_offset:
                return data
        return b""


BATCHES = [
    batch(0, (b"k1", b"v1"), (b"k2", b"v2")),
    marker(2),
    batch(3, (b"k1", b"v1b")),
    batch(4, (b"k3", b"v3"), (b"k2", None)),
]


def test_replay_keeps_the_latest_value_per_key_in_the_order_of_the_latest_writes() -> None:
    records: LoadedRecords = {}
    ends = [replay_chunk(data, records) for data in BATCHES]
    assert ends == [2, 3, 4, 6]
    assert list(records.items()) == [(b"k1", b"v1b"), (b"k3", b"v3"), (b"k2", None)]


def test_a_record_without_a_key_is_refused() -> None:
    with pytest.raises(ValueError, match="no key"):
        replay_chunk(batch(0, (None, b"x")), {})  # type: ignore[arg-type]


class Harness:
    def __init__(self, logs: dict[int, FakeLog | bytes]) -> None:
        self.logs = logs
        self.installed: list[tuple[int, int, list[tuple[bytes, bytes | None]]]] = []
        self.loader = TxnPartitionLoader(self.open_log, self.install, read=self.read)

    def open_log(self, partition: int) -> Any:
        return self.logs.get(partition)

    def read(self, log_: Any, offset: int, end: int) -> bytes:
        assert offset < end
        return bytes(log_.read(offset))

    def install(self, partition: int, epoch: int, records: LoadedRecords) -> None:
        self.installed.append((partition, epoch, list(records.items())))


async def test_partitions_are_loaded_in_turn_with_their_coordinator_epoch() -> None:
    log3 = FakeLog(BATCHES)
    h = Harness({3: log3})
    h.loader.start()
    try:
        h.loader.begin(3, 7)
        h.loader.begin(4, 2)  # never written: installed empty
        assert h.loader.loading_partitions == {3, 4}
        await h.loader.wait_loaded(10)
        assert h.installed == [
            (3, 7, [(b"k1", b"v1b"), (b"k3", b"v3"), (b"k2", None)]),
            (4, 2, []),
        ]
        assert log3.reads == [0, 2, 3, 4]  # chunk after chunk
        assert h.loader.loading_partitions == frozenset()
    finally:
        await h.loader.stop()


async def test_a_forgotten_or_restarted_load_installs_only_the_latest() -> None:
    h = Harness({1: FakeLog(BATCHES)})
    h.loader.begin(1, 1)
    h.loader.forget(1)
    h.loader.begin(2, 1)
    h.loader.begin(2, 5)  # a new leader epoch: only this one is installed
    h.loader.start()
    try:
        await eventually(lambda: h.installed, 10, "partition 2 installed")
        await h.loader.wait_loaded(10)
        assert h.installed == [(2, 5, [])]
    finally:
        await h.loader.stop()


async def test_an_unreadable_log_stays_loading_and_failed() -> None:
    corrupt = bytearray(BATCHES[0])
    corrupt[-1] ^= 0xFF  # CRC mismatch

    class Corrupt(FakeLog):
        def read(self, offset: int) -> bytes:
            return bytes(corrupt)

    h = Harness({0: Corrupt(BATCHES[:1])})
    h.loader.start()
    try:
        h.loader.begin(0, 1)
        await eventually(lambda: h.loader.failed_partitions, 10, "load failed")
        assert h.installed == []
        assert h.loader.loading_partitions == {0}
        h.loader.forget(0)  # no longer led: not loading any more
        assert h.loader.loading_partitions == frozenset()
    finally:
        await h.loader.stop()


async def test_a_partition_the_core_refuses_stays_loading_and_failed() -> None:
    h = Harness({0: FakeLog(BATCHES)})

    def refuse(partition: int, epoch: int, records: LoadedRecords) -> None:
        raise ValueError("unknown record version")

    h.loader = TxnPartitionLoader(h.open_log, refuse, read=h.read)
    h.loader.start()
    try:
        h.loader.begin(0, 1)
        await eventually(lambda: h.loader.failed_partitions, 10, "load failed")
        assert h.loader.loading_partitions == {0}
    finally:
        await h.loader.stop()
