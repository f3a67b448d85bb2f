"""``projector``: the bank's read model (balances, statements) in SQLite, and queries on it.

Run from the root of the clone (against ``samsa broker start`` on localhost:9092)::

    .venv/bin/python -m examples.bank.projector --db bank.db --port 8083

A member of the consumer group ``bank-projector``. Its consumed offsets live in the SQLite
database, written in the same transaction as the changes they account for
(``projection.apply_records``); when partitions are assigned it seeks to them. A crash at any
moment — ``kill -9`` included — loses at most a transaction that never committed, and the
restarted projector re-reads exactly that: nothing is applied twice, nothing is skipped.
(The group's own committed offsets are not used: they cannot be committed atomically with
the database.) It joins as a static member (``--member``, Kafka's ``group.instance.id``): a
restarted projector takes its own place in the group at once, instead of waiting for the
session of the process that died to time out.

HTTP::

    GET /accounts/{id}             balance
    GET /accounts/{id}/statement   the account's lines, oldest first
    GET /model                     offsets, balances and every statement line (one snapshot)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sqlite3
from typing import Any, Final

from aiohttp import web

from client import Consumer, ConsumerRebalanceListener, TopicPartition
from examples.bank import projection
from examples.bank.service import run_http
from examples.bank.topics import DEFAULT_BOOTSTRAP, EVENTS, ensure_topics

__all__ = ["main"]

log = logging.getLogger("bank.projector")

GROUP: Final = "bank-projector"
#: Records per transaction at most: bounds how long one transaction holds the event loop.
MAX_RECORDS_PER_TRANSACTION: Final = 500


class _SeekToStored(ConsumerRebalanceListener):
    """On assignment, resume each partition at the offset stored in the database."""

    def __init__(self, consumer: Consumer, db: sqlite3.Connection) -> None:
        self.consumer = consumer
        self.db = db

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        stored = projection.stored_offsets(self.db, EVENTS)
        for tp in assigned:
            self.consumer.seek(tp, stored.get(tp.partition, 0))
        log.info("assigned %s", sorted(tp.partition for tp in assigned))


class Projector:
    def __init__(self, bootstrap_servers: str, db_path: str, member: str) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.db = projection.connect(db_path)
        self.consumer = Consumer(
            bootstrap_servers=bootstrap_servers,
            group_id=GROUP,
            group_instance_id=member,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=100,
        )
        self.applied = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await ensure_topics(self.bootstrap_servers)
        await self.consumer.start()
        self.consumer.subscribe([EVENTS], listener=_SeekToStored(self.consumer, self.db))
        self._task = asyncio.create_task(self._run(), name="bank-projector")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.consumer.close()
        self.db.close()

    async def _run(self) -> None:
        while True:
            batches = await self.consumer.getmany(
                timeout_ms=1_000, max_records=MAX_RECORDS_PER_TRANSACTION
            )
            for tp, records in batches.items():
                self.applied += projection.apply_records(
                    self.db, EVENTS, tp.partition, [(r.offset, r.value) for r in records]
                )


PROJECTOR: Final = web.AppKey("projector", Projector)


async def get_account(request: web.Request) -> web.Response:
    db = request.app[PROJECTOR].db
    row = db.execute(
        "SELECT account, owner, balance FROM accounts WHERE account = ?",
        (request.match_info["id"],),
    ).fetchone()
    if row is None:
        return web.json_response({"error": "no such account"}, status=404)
    return web.json_response({"account": row[0], "owner": row[1], "balance": row[2]})


async def get_statement(request: web.Request) -> web.Response:
    db = request.app[PROJECTOR].db
    rows = db.execute(
        'SELECT partition, "offset", kind, amount, balance, ref FROM statements '
        'WHERE account = ? ORDER BY partition, "offset"',
        (request.match_info["id"],),
    ).fetchall()
    lines = [
        {"offset": o, "kind": k, "amount": a, "balance": b, "ref": r} for _, o, k, a, b, r in rows
    ]
    return web.json_response({"account": request.match_info["id"], "lines": lines})


async def get_model(request: web.Request) -> web.Response:
    projector = request.app[PROJECTOR]
    model: dict[str, Any] = projection.read_model(projector.db, EVENTS)
    model["applied_by_this_process"] = projector.applied
    return web.json_response(model)


def make_app(bootstrap_servers: str, db_path: str, member: str) -> web.Application:
    app = web.Application()
    app[PROJECTOR] = projector = Projector(bootstrap_servers, db_path, member)

    async def lifecycle(app: web.Application) -> Any:
        await projector.start()
        yield
        await projector.close()

    app.cleanup_ctx.append(lifecycle)
    app.add_routes(
        [
            web.get("/accounts/{id}", get_account),
            web.get("/accounts/{id}/statement", get_statement),
            web.get("/model", get_model),
        ]
    )
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.bank.projector", description=__doc__)
    parser.add_argument("--bootstrap-servers", default=DEFAULT_BOOTSTRAP)
    parser.add_argument("--db", default="bank.db", help="SQLite database of the read model")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8083)
    parser.add_argument(
        "--member", default="projector-1", help="static member id in the group (one per process)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = make_app(args.bootstrap_servers, args.db, args.member)
    run_http(
        app,
        name="projector",
        host=args.host,
        port=args.port,
        bootstrap_servers=args.bootstrap_servers,
    )


if __name__ == "__main__":
    main()
