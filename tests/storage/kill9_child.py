"""Child process of the kill -9 test: appends under the ``group`` flush policy and reports
each acknowledged (durable) append on stdout as ``<offset> <payload>``, until killed.

Usage: python kill9_child.py LOG_DIR APPENDERS
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from broker.storage import FlushPolicy, LogConfig, LogFlusher, LogManager, TopicPartition
from protocol.records import RecordBatchBuilder

TP = TopicPartition("kill9", 0)
#: Small segments so that the child rolls (and the flusher flushes rolled segments) often.
SEGMENT_BYTES = 64 * 1024


def now_ms() -> int:
    return time.time_ns() // 1_000_000


async def main(log_dir: str, appenders: int) -> None:
    manager = LogManager(
        [log_dir],
        default_config=LogConfig(segment_bytes=SEGMENT_BYTES, index_interval_bytes=1024),
        flush_policy=FlushPolicy.GROUP,
    )
    flusher = LogFlusher(FlushPolicy.GROUP)
    manager.on_log_opened = flusher.attach
    manager.startup(now_ms=now_ms())
    log = manager.get_or_create_log(TP, now_ms=now_ms())
    await flusher.start()
    os.write(1, b"ready\n")
    pid = os.getpid()

    async def appender(worker: int) -> None:
        n = 0
        while True:
            payload = f"{pid}-{worker}-{n}"
            builder = RecordBatchBuilder()
            for i in range(1 + n % 5):
                builder.append(f"{payload}/{i}".encode() * 8, key=b"k", timestamp_ms=now_ms())
            info = log.append_as_leader(builder.build(), leader_epoch=0, now_ms=now_ms())
            await flusher.wait_durable(log, info.next_offset, timeout_s=30)
            os.write(1, f"{info.first_offset} {payload}\n".encode())
            n += 1

    await asyncio.gather(*(appender(w) for w in range(appenders)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
