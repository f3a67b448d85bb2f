"""``rebuild``: the read model rebuilt from offset 0, compared with the live one.

Run from the root of the clone (against ``samsa broker start`` on localhost:9092, with the
projector's database)::

    .venv/bin/python -m examples.bank.rebuild --db bank.db --out rebuilt.db

Takes one consistent picture of the live database (its offsets and tables, in one read
transaction), replays every event from offset 0 up to exactly those offsets into a fresh
database with the same projection code, and compares the two. Prints what it compared and
exits 0 when they are equal, 1 (with the first differences) when not. The projector can keep
running meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import sys
from pathlib import Path
from typing import Any, Final

from client import Consumer, KafkaError, TopicPartition
from examples.bank import projection
from examples.bank.service import fail, failure_message
from examples.bank.topics import DEFAULT_BOOTSTRAP, EVENT_PARTITIONS, EVENTS

__all__ = ["main", "rebuild"]

#: How long the replay may take before giving up (a rebuild reads the whole log).
REBUILD_TIMEOUT_S: Final = 300.0


async def rebuild(bootstrap_servers: str, live_path: str, out_path: str) -> dict[str, Any]:
    live = _read_live(live_path)
    targets = {p: live["offsets"].get(p, 0) for p in range(EVENT_PARTITIONS)}
    async with Consumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False) as consumer:
        # Connected: only now is the rebuilt database created.
        _remove(out_path)
        out = projection.connect(out_path)
        tps = [TopicPartition(EVENTS, p) for p in range(EVENT_PARTITIONS) if targets[p] > 0]
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, 0)
        done = {p: 0 for p in targets}
        async with asyncio.timeout(REBUILD_TIMEOUT_S):
            while any(done[p] < targets[p] for p in targets):
                for tp, records in (await consumer.getmany(timeout_ms=1_000)).items():
                    target = targets[tp.partition]
                    wanted = [(r.offset, r.value) for r in records if r.offset < target]
                    projection.apply_records(out, EVENTS, tp.partition, wanted)
                    if wanted:
                        done[tp.partition] = wanted[-1][0] + 1
                    if done[tp.partition] >= targets[tp.partition]:
                        consumer.pause(tp)
    rebuilt = projection.read_model(out, EVENTS)
    out.close()
    differences = [
        f"{name}: live {live[name]!r:.200} != rebuilt {rebuilt[name]!r:.200}"
        for name in ("offsets", "balances", "statements")
        if live[name] != rebuilt[name]
    ]
    return {
        "offsets": targets,
        "accounts": len(rebuilt["balances"]),
        "statement_lines": len(rebuilt["statements"]),
        "equal": not differences,
        "differences": differences,
    }


def _read_live(live_path: str) -> dict[str, Any]:
    """The live read model, in one read transaction (never creating a database)."""
    if not Path(live_path).is_file():
        raise FileNotFoundError(
            errno.ENOENT,
            "no such database (the projector's --db; start the projector first)",
            live_path,
        )
    live_db = projection.connect(live_path)
    try:
        return projection.read_model(live_db, EVENTS)
    finally:
        live_db.close()


def _remove(path: str) -> None:
    Path(path).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.bank.rebuild", description=__doc__)
    parser.add_argument("--bootstrap-servers", default=DEFAULT_BOOTSTRAP)
    parser.add_argument("--db", default="bank.db", help="the live read model (projector's)")
    parser.add_argument("--out", default="bank-rebuilt.db", help="where to rebuild")
    args = parser.parse_args(argv)
    try:
        result = asyncio.run(rebuild(args.bootstrap_servers, args.db, args.out))
    except (KafkaError, OSError) as exc:
        message = failure_message(exc, args.bootstrap_servers)
        if message is None:
            raise
        fail("rebuild", message)
    print(json.dumps(result))
    sys.exit(0 if result["equal"] else 1)


if __name__ == "__main__":
    main()
