"""``accounts``: the bank's command side, an HTTP API over event-sourced accounts.

Run from the root of the clone (against ``samsa broker start`` on localhost:9092)::

    .venv/bin/python -m examples.bank.accounts --port 8081

Several instances may serve the same accounts at once. Each keeps every account folded from
the event log (``ledger``), and handles a command by

1. validating it against the account's state, as of the partition's ``position`` N;
2. appending the resulting event with ``send(..., expected_offset=N)``;
3. on ``ConditionalAppendConflictError`` (someone appended since N): waiting until its state
   has folded up to the conflict's ``log_end_offset``, validating again, appending again.

So an update is never lost and a rule (no negative balance) is never broken by a race: an
event is only ever appended on top of the exact state it was validated against. Within one
instance, commands of one partition take turns (a lock per partition): they would only
conflict with each other.

HTTP API (JSON bodies; amounts in cents; ``command_id`` optional)::

    POST /accounts                 {"account": "alice", "owner": "Alice"}
    POST /accounts/{id}/deposit    {"amount": 500}
    POST /accounts/{id}/withdraw   {"amount": 200}
    POST /transfers                {"from": "alice", "to": "bob", "amount": 100}
    GET  /accounts/{id}            the account, after folding everything appended so far
    GET  /health                   positions, conflicts resolved, commands accepted
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from typing import Any, Final

from aiohttp import web

from client import ConditionalAppendConflictError, Producer
from examples.bank import events
from examples.bank.events import Account, CommandRejected, Event
from examples.bank.ledger import SNAPSHOT_EVERY_EVENTS, Ledger, partition_of
from examples.bank.service import run_http
from examples.bank.topics import DEFAULT_BOOTSTRAP, EVENT_PARTITIONS, EVENTS

__all__ = ["AccountsService", "main"]

log = logging.getLogger("bank.accounts")

#: Conflicts one command may meet before it gives up (HTTP 503): under any sane load a
#: command wins within a few tries; this only bounds a pathological storm.
MAX_CONFLICTS_PER_COMMAND: Final = 200
#: A debit whose credit has not been seen for this long is completed by whichever instance
#: notices (the instance that took the transfer may have died between the two appends).
PENDING_GRACE_S: Final = 2.0
#: How often pending transfers are looked at.
PENDING_CHECK_S: Final = 0.5

Decide = Callable[[dict[str, Account]], Event | None]


class TooManyConflicts(Exception):
    pass


class AccountsService:
    def __init__(self, bootstrap_servers: str, snapshot_every: int = SNAPSHOT_EVERY_EVENTS) -> None:
        self.ledger = Ledger(bootstrap_servers, snapshot_every=snapshot_every)
        self.producer = Producer(bootstrap_servers=bootstrap_servers, linger_ms=0)
        self._locks = [asyncio.Lock() for _ in range(EVENT_PARTITIONS)]
        self.conflicts = 0
        self.accepted = 0
        self.rejected = 0
        self._pending_seen: dict[str, float] = {}
        self._completer: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.producer.start()
        await self.ledger.start()
        self._completer = asyncio.create_task(self._complete_transfers())

    async def close(self) -> None:
        if self._completer is not None:
            self._completer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._completer
        await self.producer.close()
        await self.ledger.close()

    # -- the command loop --------------------------------------------------------------------

    async def execute(self, account_id: str, decide: Decide) -> tuple[Event, int] | None:
        """Validate with ``decide`` against the account's partition and append its event
        conditionally, retrying on conflict. Returns (event, offset), or None when ``decide``
        found nothing to do; raises ``CommandRejected`` for a broken rule."""
        partition = partition_of(account_id)
        state = self.ledger.partitions[partition]
        async with self._locks[partition]:
            for _ in range(MAX_CONFLICTS_PER_COMMAND):
                # decide and the read of ``position`` happen with no await in between: the
                # event is validated against exactly the state at the offset it expects.
                event = decide(state.accounts)
                if event is None:
                    return None
                expected = state.position
                try:
                    metadata = await self.producer.send_and_wait(
                        EVENTS,
                        events.encode(event),
                        key=account_id.encode(),
                        partition=partition,
                        expected_offset=expected,
                    )
                except ConditionalAppendConflictError as conflict:
                    # Someone appended since: read up to where the log is, then decide again.
                    self.conflicts += 1
                    await self.ledger.wait_for(partition, conflict.log_end_offset)
                    continue
                # Read your own write: the state now includes the event.
                await self.ledger.wait_for(partition, metadata.offset + 1)
                return event, metadata.offset
        raise TooManyConflicts(f"{MAX_CONFLICTS_PER_COMMAND} conflicts in a row on {account_id}")

    async def open(self, account_id: str, owner: str, command_id: str) -> tuple[Event, int]:
        result = await self.execute(
            account_id, lambda accounts: events.decide_open(accounts, account_id, owner, command_id)
        )
        assert result is not None
        return result

    async def deposit(self, account_id: str, amount: object, command_id: str) -> tuple[Event, int]:
        result = await self.execute(
            account_id,
            lambda accounts: events.decide_deposit(accounts, account_id, amount, command_id),
        )
        assert result is not None
        return result

    async def withdraw(self, account_id: str, amount: object, command_id: str) -> tuple[Event, int]:
        result = await self.execute(
            account_id,
            lambda accounts: events.decide_withdraw(accounts, account_id, amount, command_id),
        )
        assert result is not None
        return result

    async def transfer(
        self, source: str, target: str, amount: object, command_id: str
    ) -> tuple[Event, int]:
        """Debit ``source`` (conditionally, after checking its balance), then credit
        ``target`` (once: its state remembers credited transfers)."""
        await self._require(target)
        result = await self.execute(
            source,
            lambda accounts: events.decide_transfer_debit(
                accounts, source, target, amount, command_id
            ),
        )
        assert result is not None
        await self.credit(result[0])
        return result

    async def credit(self, debit: Event) -> None:
        done = await self.execute(
            debit["to"], lambda accounts: events.decide_transfer_credit(accounts, debit)
        )
        if done is None:
            # Credited already: this instance folded the credit before the debit (they may
            # be on different partitions, read independently). Nothing is pending.
            source = self.ledger.partitions[partition_of(debit["account"])]
            source.pending.pop(debit["command_id"], None)

    async def account(self, account_id: str) -> Account:
        partition = partition_of(account_id)
        await self.ledger.catch_up(partition)
        found = self.ledger.partitions[partition].accounts.get(account_id)
        if found is None:
            raise CommandRejected(f"no account {account_id!r}", 404)
        return found

    async def _require(self, account_id: str) -> None:
        partition = partition_of(account_id)
        if account_id not in self.ledger.partitions[partition].accounts:
            await self.account(account_id)  # maybe opened by another instance just now

    async def _complete_transfers(self) -> None:
        """Credit transfers whose debit has waited for its credit longer than the grace."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(PENDING_CHECK_S)
            now = loop.time()
            pending = self.ledger.pending_transfers()
            seen = {d["command_id"]: self._pending_seen.get(d["command_id"], now) for d in pending}
            self._pending_seen = seen
            for debit in pending:
                if now - seen[debit["command_id"]] < PENDING_GRACE_S:
                    continue
                try:
                    await self.credit(debit)
                except Exception:
                    log.exception("completing transfer %s failed", debit["command_id"])


# -- HTTP --------------------------------------------------------------------------------------

SERVICE: Final = web.AppKey("service", AccountsService)


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="the body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="the body must be a JSON object")
    return body


async def _run(
    request: web.Request, command: Callable[[dict[str, Any], str], Any], status: int = 200
) -> web.Response:
    service = request.app[SERVICE]
    body = await _body(request)
    command_id = str(body.get("command_id") or uuid.uuid4())
    try:
        event, offset = await command(body, command_id)
    except CommandRejected as rejected:
        service.rejected += 1
        return web.json_response({"error": str(rejected)}, status=rejected.status)
    except (TooManyConflicts, TimeoutError) as busy:
        return web.json_response({"error": f"try again: {busy}"}, status=503)
    except KeyError as missing:
        return web.json_response({"error": f"missing field {missing}"}, status=400)
    service.accepted += 1
    partition = partition_of(event["account"])
    balance = service.ledger.partitions[partition].accounts[event["account"]].balance
    return web.json_response(
        {"event": event, "partition": partition, "offset": offset, "balance": balance},
        status=status,
    )


async def open_account(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    return await _run(
        request,
        lambda b, cid: service.open(str(b["account"]), str(b.get("owner", "")), cid),
        status=201,
    )


async def deposit(request: web.Request) -> web.Response:
    service, account_id = request.app[SERVICE], request.match_info["id"]
    return await _run(request, lambda b, cid: service.deposit(account_id, b["amount"], cid))


async def withdraw(request: web.Request) -> web.Response:
    service, account_id = request.app[SERVICE], request.match_info["id"]
    return await _run(request, lambda b, cid: service.withdraw(account_id, b["amount"], cid))


async def transfer(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    return await _run(
        request,
        lambda b, cid: service.transfer(str(b["from"]), str(b["to"]), b["amount"], cid),
    )


async def get_account(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    try:
        account = await service.account(request.match_info["id"])
    except CommandRejected as missing:
        return web.json_response({"error": str(missing)}, status=missing.status)
    return web.json_response(account.to_json())


async def health(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    ledger = service.ledger
    return web.json_response(
        {
            "positions": [s.position for s in ledger.partitions],
            "started_from": ledger.started_from,
            "replayed": ledger.replayed,
            "accepted": service.accepted,
            "rejected": service.rejected,
            "conflicts": service.conflicts,
            "pending_transfers": len(ledger.pending_transfers()),
        }
    )


def make_app(
    bootstrap_servers: str, snapshot_every: int = SNAPSHOT_EVERY_EVENTS
) -> web.Application:
    app = web.Application()
    app[SERVICE] = service = AccountsService(bootstrap_servers, snapshot_every)

    async def lifecycle(app: web.Application) -> Any:
        await service.start()
        yield
        await service.close()

    app.cleanup_ctx.append(lifecycle)
    app.add_routes(
        [
            web.post("/accounts", open_account),
            web.post("/accounts/{id}/deposit", deposit),
            web.post("/accounts/{id}/withdraw", withdraw),
            web.post("/transfers", transfer),
            web.get("/accounts/{id}", get_account),
            web.get("/health", health),
        ]
    )
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.bank.accounts", description=__doc__)
    parser.add_argument("--bootstrap-servers", default=DEFAULT_BOOTSTRAP)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--snapshot-every",
        type=int,
        default=SNAPSHOT_EVERY_EVENTS,
        help="events of a partition between two snapshots of it (0: no snapshots)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = make_app(args.bootstrap_servers, args.snapshot_every)
    run_http(
        app,
        name="accounts",
        host=args.host,
        port=args.port,
        bootstrap_servers=args.bootstrap_servers,
    )


if __name__ == "__main__":
    main()
