"""The read model: balances and statements in SQLite, with the offsets they reflect.

``apply_records`` applies a partition's records and moves that partition's stored offset in
one SQLite transaction. After a crash the database holds either both or neither, so the
projector resumes exactly where its last transaction ended: no event is applied twice or
skipped, whatever the consumer group committed. ``rebuild`` uses the same functions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from examples.bank import events

__all__ = ["apply_records", "connect", "read_model", "stored_offsets"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    account TEXT PRIMARY KEY,
    owner   TEXT NOT NULL,
    balance INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS statements (
    partition INTEGER NOT NULL,
    "offset"  INTEGER NOT NULL,
    account   TEXT NOT NULL,
    kind      TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    balance   INTEGER NOT NULL,
    ref       TEXT NOT NULL,
    PRIMARY KEY (partition, "offset")
);
CREATE INDEX IF NOT EXISTS statements_by_account ON statements (account, partition, "offset");
CREATE TABLE IF NOT EXISTS offsets (
    topic       TEXT NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    PRIMARY KEY (topic, partition)
);
"""

#: Signed effect of each event type on its account's balance.
_SIGN = {"deposited": 1, "withdrawn": -1, "transfer_debited": -1, "transfer_credited": 1}


def connect(path: str | Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)  # explicit BEGIN/COMMIT below
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a committed transaction survives kill -9
    db.executescript(_SCHEMA)
    return db


def stored_offsets(db: sqlite3.Connection, topic: str) -> dict[int, int]:
    rows = db.execute("SELECT partition, next_offset FROM offsets WHERE topic = ?", (topic,))
    return {p: o for p, o in rows}


def apply_records(
    db: sqlite3.Connection, topic: str, partition: int, records: Iterable[tuple[int, bytes]]
) -> int:
    """Apply (offset, value) records of one partition from its stored offset on, and store
    the new offset, in one transaction. Returns how many were applied (older ones are
    skipped: they are in the model already)."""
    applied = 0
    db.execute("BEGIN IMMEDIATE")
    try:
        row = db.execute(
            "SELECT next_offset FROM offsets WHERE topic = ? AND partition = ?",
            (topic, partition),
        ).fetchone()
        next_offset = row[0] if row else 0
        for offset, value in records:
            if offset < next_offset:
                continue
            _apply(db, partition, offset, events.decode(value))
            next_offset = offset + 1
            applied += 1
        db.execute(
            "INSERT INTO offsets (topic, partition, next_offset) VALUES (?, ?, ?) "
            "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset",
            (topic, partition, next_offset),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return applied


def _apply(db: sqlite3.Connection, partition: int, offset: int, event: events.Event) -> None:
    kind = event["type"]
    account = event["account"]
    if kind == "opened":
        db.execute(
            "INSERT INTO accounts (account, owner, balance) VALUES (?, ?, 0)",
            (account, event["owner"]),
        )
        amount = 0
    else:
        amount = _SIGN[kind] * event["amount"]
        db.execute("UPDATE accounts SET balance = balance + ? WHERE account = ?", (amount, account))
    (balance,) = db.execute("SELECT balance FROM accounts WHERE account = ?", (account,)).fetchone()
    ref = event.get("to") or event.get("from") or ""
    db.execute(
        'INSERT INTO statements (partition, "offset", account, kind, amount, balance, ref) '
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (partition, offset, account, kind, amount, balance, ref),
    )


def read_model(db: sqlite3.Connection, topic: str) -> dict[str, Any]:
    """Offsets, balances and statements, read in one transaction (a consistent picture)."""
    db.execute("BEGIN")
    try:
        offsets = stored_offsets(db, topic)
        balances = {a: b for a, b in db.execute("SELECT account, balance FROM accounts")}
        statements = [
            list(row)
            for row in db.execute(
                'SELECT partition, "offset", account, kind, amount, balance, ref '
                'FROM statements ORDER BY partition, "offset"'
            )
        ]
    finally:
        db.execute("COMMIT")
    return {"offsets": offsets, "balances": balances, "statements": statements}
