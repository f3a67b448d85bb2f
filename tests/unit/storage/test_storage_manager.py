"""LogManager: directories, checkpoints, clean-shutdown marker, lazy opening, fd bound."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest
from unit.storage.storage_test_helpers import build_batch, read_all

from broker.storage import LogConfig, LogManager, LogStorageError, TopicPartition
from broker.storage.manager import CLEAN_SHUTDOWN_FILE


def test_checkpoints_and_clean_restart(tmp_path: Path) -> None:
    dirs = [tmp_path / "d1", tmp_path / "d2"]
    mgr = LogManager(dirs)
    mgr.startup(now_ms=0)
    tps = [TopicPartition("t", p) for p in range(4)]
    for tp in tps:
        log = mgr.get_or_create_log(tp, now_ms=0)
        for _ in range(3):
            log.append_as_leader(build_batch([b"x", b"y"]), leader_epoch=0, now_ms=0)
        log.high_watermark = 4
    assert {len(list(d.glob("t-*"))) for d in dirs} == {2}  # spread over both directories
    mgr.shutdown()
    for d in dirs:
        assert (d / CLEAN_SHUTDOWN_FILE).exists()
        text = (d / "recovery-point-offset-checkpoint").read_text().splitlines()
        assert text[0] == "0" and text[1] == "2"
        assert all(line.endswith(" 6") for line in text[2:])
        hw = (d / "replication-offset-checkpoint").read_text().splitlines()
        assert all(line.endswith(" 4") for line in hw[2:])
        assert (d / "log-start-offset-checkpoint").read_text().startswith("0\n2\n")

    again = LogManager(dirs)
    again.startup(now_ms=0)
    for d in dirs:
        assert not (d / CLEAN_SHUTDOWN_FILE).exists()  # deleted until the next clean shutdown
    assert again.partitions() == tps
    assert again.open_logs() == []  # lazy
    reopened = again.get_log(tps[1], now_ms=0)
    assert reopened is not None
    log = reopened
    assert (log.log_end_offset, log.high_watermark, log.recovery_point) == (6, 4, 6)
    assert again.recovery_stats.batches_validated == 0
    again.shutdown()


def test_unclean_restart_recovers_each_log_on_first_use(tmp_path: Path) -> None:
    mgr = LogManager([tmp_path])
    mgr.startup(now_ms=0)
    log = mgr.get_or_create_log(TopicPartition("t", 0), now_ms=0)
    log.append_as_leader(build_batch([b"x"]), leader_epoch=0, now_ms=0)
    log.flush()
    log.append_as_leader(build_batch([b"y"]), leader_epoch=0, now_ms=0)
    mgr.checkpoint()
    data = read_all(log)
    # Simulated crash: no shutdown, the lock dies with the "process".
    import os

    for d in mgr._dirs:
        assert d.lock_fd is not None
        os.close(d.lock_fd)
        d.lock_fd = None
    mgr.pool.close_all()
    again = LogManager([tmp_path])
    again.startup(now_ms=0)
    # Nothing is read at startup: the log is recovered when first opened.
    assert again.open_logs() == []
    assert again.recovery_stats.batches_validated == 0
    assert again.unrecovered_partitions() == [TopicPartition("t", 0)]
    reopened = again.get_log(TopicPartition("t", 0), now_ms=0)
    assert reopened is not None and read_all(reopened) == data
    assert again.recovery_stats.batches_validated == 2
    assert again.unrecovered_partitions() == []
    again.shutdown()
    assert (tmp_path / CLEAN_SHUTDOWN_FILE).exists()


def test_directory_lock(tmp_path: Path) -> None:
    first = LogManager([tmp_path])
    first.startup(now_ms=0)
    with pytest.raises(LogStorageError):
        LogManager([tmp_path]).startup(now_ms=0)
    first.shutdown()


def test_delete_log(tmp_path: Path) -> None:
    mgr = LogManager([tmp_path])
    mgr.startup(now_ms=0)
    tp = TopicPartition("gone", 0)
    log = mgr.get_or_create_log(tp, now_ms=0)
    log.append_as_leader(build_batch([b"x"]), leader_epoch=0, now_ms=0)
    mgr.checkpoint()
    assert mgr.delete_log(tp)
    assert not (tmp_path / "gone-0").exists()
    assert mgr.get_log(tp, now_ms=0) is None
    assert "gone" not in (tmp_path / "recovery-point-offset-checkpoint").read_text()
    assert not mgr.delete_log(tp)
    (tmp_path / "old-0.abc-delete").mkdir()
    mgr.shutdown()
    LogManager([tmp_path]).startup(now_ms=0)
    assert not (tmp_path / "old-0.abc-delete").exists()


def test_delete_log_of_a_topic_with_the_longest_name(tmp_path: Path) -> None:
    # 249 characters is Kafka's limit; "<topic>-<partition>.<32 hex>-delete" would pass 255.
    tp = TopicPartition("t" * 249, 12)
    mgr = LogManager([tmp_path])
    mgr.startup(now_ms=0)
    log = mgr.get_or_create_log(tp, now_ms=0)
    log.append_as_leader(build_batch([b"x"]), leader_epoch=0, now_ms=0)
    assert mgr.delete_log(tp)
    assert list(tmp_path.glob("t*")) == []
    mgr.shutdown()


def test_topic_config(tmp_path: Path) -> None:
    mgr = LogManager([tmp_path], default_config=LogConfig(segment_bytes=1000))
    mgr.startup(now_ms=0)
    a = mgr.get_or_create_log(TopicPartition("a", 0), now_ms=0)
    b = mgr.get_or_create_log(
        TopicPartition("b", 0), now_ms=0, config=LogConfig.from_kafka({"cleanup.policy": "compact"})
    )
    assert a.config.segment_bytes == 1000 and b.config.compact
    mgr.set_topic_config("a", LogConfig(segment_bytes=2000))
    assert a.config.segment_bytes == 2000
    mgr.shutdown()


@pytest.mark.timeout(120)
def test_ten_thousand_partitions_under_ulimit_1024(tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    try:
        mgr = LogManager([tmp_path], max_open_files=512)
        mgr.startup(now_ms=0)
        record = build_batch([b"payload"])
        tps = [TopicPartition("wide", p) for p in range(10_000)]
        for tp in tps:
            log = mgr.get_or_create_log(tp, now_ms=0)
            log.append_as_leader(record, leader_epoch=0, now_ms=0)
            assert mgr.pool.open_count <= 512
        for tp in tps[::97]:
            found = mgr.get_log(tp, now_ms=0)
            assert found is not None
            with found.read(0, 100) as s:
                assert len(s.read_bytes()) == len(record)
        assert mgr.pool.evictions > 0
        mgr.shutdown()
        again = LogManager([tmp_path], max_open_files=512)
        again.startup(now_ms=0)
        last = again.get_log(tps[-1], now_ms=0)
        assert last is not None and last.log_end_offset == 1
        assert again.pool.open_count <= 512
        again.shutdown()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_fd_pool_bounds_and_leases(tmp_path: Path) -> None:
    from broker.storage import FilePool

    pool = FilePool(2)
    files = []
    for n in range(4):
        path = tmp_path / f"f{n}"
        path.write_bytes(b"x")
        files.append(pool.file(path))
    leased = files[0].lease()
    for f in files[1:]:
        with f.leased():
            pass
    assert pool.open_count == 2 and files[0].is_open  # the leased one was never evicted
    files[0].close()
    assert files[0].is_open  # deferred while leased
    import os

    os.fstat(leased)
    files[0].release()
    assert not files[0].is_open
    with pytest.raises(LogStorageError):
        files[0].lease()
