"""Seeded operation fuzzer for PartitionLog against an in-memory model.

Each seed runs a short random sequence of appends (leader and follower), reads, rolls,
flushes, high-watermark moves, truncations, DeleteRecords, retention, compaction, clean
close-and-reopen, and crashes. A crash drops a random suffix of every file's bytes written
since the last fsync (and sometimes tears the last batch in half), then the log is reopened
with recovery. After every step:

* every fsynced batch is still there (byte for byte);
* the log is a sequence of valid batches (CRC-32C) with increasing offsets, equal to the model;
* reads from any offset return the model's batches, whole, within the byte limit;
* the offset and time indexes agree with the log;
* log start <= high watermark <= log end, recovery point <= log end.

CI runs ``DEFAULT_SEEDS`` seeds. ``SAMSA_FUZZ_SEEDS=20000`` runs more; ``SAMSA_FUZZ_SEED=123``
runs one. A failure prints the command that reproduces it.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from broker.storage import (
    Cleaner,
    CleanupPolicy,
    FilePool,
    LogConfig,
    LogOffsetOutOfRangeError,
    PartitionLog,
    RecordSetTooLargeError,
    TopicPartition,
)
from protocol.records import RecordBatch, RecordBatchBuilder, iter_batches

DEFAULT_SEEDS = 2_000
STEPS_PER_SEED = 30
TP = TopicPartition("fuzz", 0)


@dataclass
class ModelBatch:
    base: int
    last: int
    data: bytes
    max_timestamp: int


@dataclass
class Model:
    batches: list[ModelBatch] = field(default_factory=list)
    log_end: int = 0
    log_start: int = 0


class Fuzz:
    def __init__(self, seed: int, root: Path) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.root = root
        self.pool = FilePool(self.rng.choice([2, 4, 64]))
        rng = self.rng
        self.config = LogConfig(
            segment_bytes=rng.choice([250, 400, 800, 4000]),
            index_interval_bytes=rng.choice([0, 60, 150, 4096]),
            segment_index_bytes=rng.choice([24, 48, 10 * 1024 * 1024]),
            cleanup_policy=frozenset(
                CleanupPolicy(p)
                for p in rng.choice(["delete", "compact", "compact,delete"]).split(",")
            ),
            delete_retention_ms=rng.choice([0, 200, 10_000]),
            retention_ms=-1,
            segment_ms=rng.choice([300, 10**9]),
        )
        self.now_ms = 1_000
        self.epoch = 0
        self.model = Model()
        self.log = self.open(clean=True)
        self.trace: list[str] = []

    # -- plumbing ------------------------------------------------------------------------------

    def open(
        self, *, clean: bool, recovery_point: int = 0, start: int = 0, hw: int = 0
    ) -> PartitionLog:
        return PartitionLog.open(
            self.root / "fuzz-0",
            TP,
            self.config,
            pool=self.pool,
            now_ms=self.now_ms,
            clean=clean,
            recovery_point=recovery_point,
            log_start_offset=start,
            high_watermark=hw,
        )

    def make_batch(self) -> bytes:
        rng = self.rng
        builder = RecordBatchBuilder(producer_id=rng.choice([-1, 9]), producer_epoch=0)
        for _ in range(rng.randint(1, 4)):
            key = rng.choice([None, b"a", b"b", b"c", b"d"])
            value = None if key is not None and rng.random() < 0.15 else b"v" * rng.randint(0, 40)
            builder.append(value, key=key, timestamp_ms=self.now_ms)
        return builder.build()

    # -- operations ----------------------------------------------------------------------------

    def op_append(self) -> None:
        if self.rng.random() < 0.1:
            self.epoch += 1
        data = bytearray(b"".join(self.make_batch() for _ in range(self.rng.randint(1, 3))))
        if len(data) > self.config.segment_bytes:
            with pytest.raises(RecordSetTooLargeError):
                self.log.append_as_leader(data, leader_epoch=self.epoch, now_ms=self.now_ms)
            return
        info = self.log.append_as_leader(data, leader_epoch=self.epoch, now_ms=self.now_ms)
        assert info.first_offset == self.model.log_end
        self.absorb(bytes(data))  # patched in place: offsets and leader epoch

    def op_follower_append(self) -> None:
        base = self.model.log_end + self.rng.choice([0, 0, 2])
        buf = bytearray()
        for _ in range(self.rng.randint(1, 2)):
            one = bytearray(self.make_batch())
            batch = RecordBatch(one)
            one[0:8] = base.to_bytes(8, "big")
            one[12:16] = self.epoch.to_bytes(4, "big")
            base += batch.last_offset_delta + 1
            buf += one
        if len(buf) > self.config.segment_bytes:
            with pytest.raises(RecordSetTooLargeError):
                self.log.append_as_follower(bytes(buf), now_ms=self.now_ms)
            return
        self.log.append_as_follower(bytes(buf), now_ms=self.now_ms)
        self.absorb(bytes(buf))

    def absorb(self, written: bytes) -> None:
        for b in iter_batches(written):
            self.model.batches.append(
                ModelBatch(b.base_offset, b.last_offset, bytes(b.buffer), b.max_timestamp)
            )
            self.model.log_end = b.next_offset

    def op_read(self) -> None:
        log, model = self.log, self.model
        offset = self.rng.randint(model.log_start, model.log_end)
        max_bytes = self.rng.choice([1, 100, 300, 10_000])
        with log.read(offset, max_bytes) as s:
            data = s.read_bytes()
        expected = [b for b in model.batches if b.last >= offset]
        got = list(iter_batches(data, allow_partial=False))
        if not expected:
            assert got == []
            return
        assert got, f"read({offset}) returned nothing"
        assert bytes(got[0].buffer) == expected[0].data
        assert len(data) <= max_bytes or len(got) == 1
        for g, e in zip(got, expected, strict=False):
            assert bytes(g.buffer) == e.data
        # Maximal within one segment: the next batch did not fit or lives in another segment.
        if len(got) < len(expected):
            nxt = expected[len(got)]
            bases = [seg.base_offset for seg in log.segments]
            same_segment = max(b for b in bases if b <= got[0].base_offset) == max(
                b for b in bases if b <= nxt.base
            )
            assert not same_segment or len(data) + len(nxt.data) > max_bytes
        with pytest.raises(LogOffsetOutOfRangeError):
            log.read(model.log_end + 1, 100)

    def op_roll(self) -> None:
        self.log.roll(self.now_ms)

    def op_flush(self) -> None:
        self.log.flush()

    def op_hw(self) -> None:
        self.log.high_watermark = self.rng.randint(self.model.log_start, self.model.log_end)

    def op_truncate(self) -> None:
        model = self.model
        low = 0 if self.rng.random() < 0.1 else model.log_start
        offset = self.rng.randint(low, model.log_end)
        changed = self.log.truncate_to(offset)
        assert changed == (offset < model.log_end)
        if not changed:
            return
        if offset < model.log_start:
            model.batches = []
            model.log_start = offset
        else:
            model.batches = [b for b in model.batches if b.last < offset]
        model.log_end = offset

    def op_delete_records(self) -> None:
        hw = self.log.high_watermark
        offset = self.rng.randint(self.model.log_start, hw)
        self.log.increase_log_start_offset(offset)
        self.model.log_start = max(self.model.log_start, offset)
        self.sync_start()

    def op_retention(self) -> None:
        cfg = self.config.with_overrides(
            {
                "retention.ms": self.rng.choice([-1, 50, 500]),
                "retention.bytes": self.rng.choice([-1, 300, 1000]),
            }
        )
        self.log.config = cfg
        hw = self.log.high_watermark
        self.log.apply_retention(self.now_ms)
        self.log.config = self.config
        assert self.log.segments[0].base_offset <= max(hw, self.model.log_start)
        self.sync_start()

    def sync_start(self) -> None:
        first_base = self.log.segments[0].base_offset
        self.model.batches = [b for b in self.model.batches if b.base >= first_base]
        self.model.log_start = self.log.log_start_offset
        if not self.model.batches or self.log.log_end_offset > self.model.log_end:
            self.model.log_end = self.log.log_end_offset

    def op_compact(self) -> None:
        log = self.log
        before = self.records()
        active_base = log.active_segment.base_offset
        result = Cleaner(max_offset_map_entries=self.rng.choice([1, 1000])).clean(
            log, now_ms=self.now_ms, force=True
        )
        after = self.records()
        after_offsets = {o for o, _, _ in after}
        assert after_offsets <= {o for o, _, _ in before}
        by_offset = {o: (k, v) for o, k, v in before}
        for o, k, v in after:
            assert by_offset[o] == (k, v)
        untouched = [r for r in before if r[0] >= active_base]
        assert untouched == [r for r in after if r[0] >= active_base]
        if result is not None:
            cleaned_upto = max((u for _, u in result.groups), default=0)
            newest: dict[bytes, int] = {}
            for o, k, _ in before:
                if k is not None and o < result.end_offset:
                    newest[k] = o
            for k, o in newest.items():
                if o < cleaned_upto and by_offset[o][1] is not None:
                    assert o in after_offsets, f"newest record of {k!r} at {o} was removed"
        # Compaction rewrites batches: the model takes the log's new content.
        self.model.batches = [
            ModelBatch(b.base_offset, b.last_offset, bytes(b.buffer), b.max_timestamp)
            for b in self.all_batches()
        ]

    def op_reopen(self) -> None:
        log = self.log
        rp, start, hw = log.recovery_point, log.log_start_offset, log.high_watermark
        log.close()
        self.log = self.open(clean=True, recovery_point=rp, start=start, hw=hw)
        assert self.log.stats.batches_validated == 0
        assert self.log.log_end_offset == self.model.log_end
        assert self.log.high_watermark == hw

    def op_crash(self) -> None:
        log, rng = self.log, self.rng
        rp, start, hw = log.recovery_point, log.log_start_offset, log.high_watermark
        # file, base offset, [(pos, size, last)]
        layout: list[tuple[Path, int, list[tuple[int, int, int]]]] = []
        for seg in log.segments:
            entries, pos = [], 0
            for b in seg.read_batches():
                entries.append((pos, b.size_in_bytes, b.last_offset))
                pos += b.size_in_bytes
            layout.append((seg.file.path, seg.base_offset, entries))
        self.pool.close_all()  # the process dies: no flush, no index writes
        tear = rng.random() < 0.3
        cuts: dict[Path, int] = {}
        for path, _base, entries in layout:
            size = sum(s for _, s, _ in entries)
            durable = sum(s for _, s, last in entries if last < rp)
            if durable == size:
                continue
            cut = rng.randint(durable, size)
            if tear:
                pending = [(p, s) for p, s, last in entries if last >= rp]
                p, s = pending[-1]
                cut = p + s // 2
            cuts[path] = cut
            os.truncate(path, cut)
        # What recovery must keep: per segment, the batches wholly below its cut. A cut inside
        # a batch leaves invalid bytes: recovery cuts there and drops every later segment. A
        # cut at a batch boundary is a clean (shorter) end and later segments stay.
        kept: list[int] = []
        n = 0
        log_end = 0
        for path, base, entries in layout:
            cut = cuts.get(path, 1 << 62)
            log_end = base
            torn = False
            for pos, size, last in entries:
                if pos + size <= cut:
                    kept.append(n)
                    log_end = last + 1
                else:
                    torn = cut > pos
                    n += len(entries) - entries.index((pos, size, last))
                    break
                n += 1
            if torn:
                break
        flushed = {i for i, b in enumerate(self.model.batches) if b.last < rp}
        assert flushed <= set(kept)
        checkpoint = rp if rng.random() < 0.7 else 0
        self.log = self.open(clean=False, recovery_point=checkpoint, start=start, hw=hw)
        model = self.model
        model.batches = [model.batches[i] for i in kept]
        model.log_end = log_end
        if log_end < start:
            # Less survived than the log start offset: the log restarts empty there.
            model.batches = []
            model.log_end = start
        assert self.log.recovery_point == self.log.log_end_offset

    # -- checks --------------------------------------------------------------------------------

    def all_batches(self) -> list[RecordBatch]:
        out: list[RecordBatch] = []
        for seg in self.log.segments:
            out.extend(seg.read_batches())
        return out

    def records(self) -> list[tuple[int, bytes | None, bytes | None]]:
        out: list[tuple[int, bytes | None, bytes | None]] = []
        for b in self.all_batches():
            out.extend((r.offset, r.key, r.value) for r in b.records())
        return out

    def check(self) -> None:
        log, model = self.log, self.model
        assert log.log_end_offset == model.log_end, (log.log_end_offset, model.log_end)
        assert log.log_start_offset == model.log_start, (log.log_start_offset, model.log_start)
        assert log.log_start_offset <= log.high_watermark <= log.log_end_offset
        assert log.recovery_point <= log.log_end_offset
        batches = self.all_batches()
        assert [bytes(b.buffer) for b in batches] == [b.data for b in model.batches]
        prev = -1
        for b in batches:
            b.validate(check_offset_delta=False)
            assert b.base_offset > prev
            prev = b.last_offset
        assert prev < log.log_end_offset
        # Indexes agree with the files.
        segments = log.segments
        for i, seg in enumerate(segments):
            positions = {}
            pos = 0
            for b in seg.read_batches():
                positions[pos] = b
                assert b.base_offset >= seg.base_offset
                if i + 1 < len(segments):
                    assert b.last_offset < segments[i + 1].base_offset
                pos += b.size_in_bytes
            assert pos == seg.size
            seg.check_indexes()  # what every reader does first (rebuilds a missing index)
            index = seg.offset_index
            for n in range(index.entries):
                offset, position = index.entry(n)
                assert position in positions and positions[position].base_offset == offset
            tindex = seg.time_index
            last_ts = None
            for n in range(tindex.entries):
                ts, offset = tindex.entry(n)
                assert last_ts is None or ts > last_ts
                last_ts = ts
                owners = [b for b in positions.values() if b.base_offset == offset]
                assert owners and owners[0].max_timestamp == ts
        # Every offset reads back from the right batch.
        for mb in model.batches[-3:]:
            if mb.last >= model.log_start:
                with log.read(max(mb.base, model.log_start), 1) as s:
                    assert s.read_bytes() == mb.data

    def run(self, steps: int) -> None:
        ops = [
            (self.op_append, 30),
            (self.op_follower_append, 4),
            (self.op_read, 12),
            (self.op_roll, 4),
            (self.op_flush, 8),
            (self.op_hw, 8),
            (self.op_truncate, 4),
            (self.op_delete_records, 3),
            (self.op_retention, 4),
            (self.op_compact, 4),
            (self.op_reopen, 4),
            (self.op_crash, 6),
        ]
        fns = [f for f, _ in ops]
        weights = [w for _, w in ops]
        for _ in range(steps):
            self.now_ms += self.rng.randint(0, 120)
            op = self.rng.choices(fns, weights)[0]
            self.trace.append(op.__name__)
            op()
            self.check()
        self.log.close()


def run_seed(seed: int) -> str | None:
    """Run one seed in a private temp dir; the failure text, or None."""
    root = Path(tempfile.mkdtemp(prefix=f"samsa-fuzz-{seed}-"))
    fuzz: Fuzz | None = None
    try:
        fuzz = Fuzz(seed, root)
        fuzz.run(STEPS_PER_SEED)
        return None
    except Exception as exc:
        import traceback

        trace = " ".join(fuzz.trace) if fuzz is not None else "?"
        return (
            f"seed {seed} failed after [{trace}]: {exc!r}\n{traceback.format_exc()}"
            f"reproduce: SAMSA_FUZZ_SEED={seed} python -m pytest "
            f"tests/storage/test_storage_fuzz.py -x -q"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_chunk(seeds: list[int]) -> list[str]:
    # The fuzzer simulates crashes itself; real fsyncs would only make it slow.
    os.fsync = lambda fd: None
    os.fdatasync = lambda fd: None
    failures = []
    for seed in seeds:
        failure = run_seed(seed)
        if failure is not None:
            failures.append(failure)
            break
    return failures


def _seeds() -> list[int]:
    one = os.environ.get("SAMSA_FUZZ_SEED")
    if one is not None:
        return [int(one)]
    return list(range(int(os.environ.get("SAMSA_FUZZ_SEEDS", DEFAULT_SEEDS))))


@pytest.mark.timeout(600)
def test_partition_log_fuzz() -> None:
    seeds = _seeds()
    started = time.monotonic()
    workers = max(1, min(len(os.sched_getaffinity(0)), 4, len(seeds)))
    chunks: dict[int, list[int]] = defaultdict(list)
    for n, seed in enumerate(seeds):
        chunks[n % workers].append(seed)
    if workers == 1:
        failures = _run_chunk(seeds)
    else:
        with ProcessPoolExecutor(workers) as ex:
            failures = [f for chunk in ex.map(_run_chunk, chunks.values()) for f in chunk]
    elapsed = time.monotonic() - started
    print(f"{len(seeds)} seeds in {elapsed:.1f} s on {workers} processes")
    assert not failures, failures[0]
