"""``loadgen``: concurrent, conflicting commands against several ``accounts`` instances.

Run from the root of the clone (with two instances on 8081 and 8082)::

    .venv/bin/python -m examples.bank.loadgen --url http://127.0.0.1:8081 \\
        --url http://127.0.0.1:8082 --accounts 20 --seconds 10 --concurrency 32

Opens the accounts (with an opening deposit), then for ``--seconds`` sends random deposits,
withdrawals and transfers over the same few accounts, each to a random instance, and prints
commands per second accepted (and rejected by a rule, e.g. insufficient funds) and the
conflicts the instances resolved (from their ``/health``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp

__all__ = ["Command", "Outcome", "health", "open_accounts", "random_command", "send_command"]

#: Per-request limit: a command waits for its append (and any conflict retries).
REQUEST_TIMEOUT_S: Final = 30.0
OPENING_DEPOSIT: Final = 5_000


@dataclass
class Command:
    kind: str  # open, deposit, withdraw, transfer
    account: str
    amount: int = 0
    to: str = ""
    command_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def request(self) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {"command_id": self.command_id}
        if self.kind == "open":
            return "/accounts", {**body, "account": self.account, "owner": self.account.title()}
        if self.kind == "transfer":
            transfer = {"from": self.account, "to": self.to, "amount": self.amount}
            return "/transfers", {**body, **transfer}
        return f"/accounts/{self.account}/{self.kind}", {**body, "amount": self.amount}


@dataclass
class Outcome:
    command: Command
    status: int
    body: dict[str, Any]


async def send_command(session: aiohttp.ClientSession, url: str, command: Command) -> Outcome:
    path, body = command.request()
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with session.post(url + path, json=body, timeout=timeout) as response:
        return Outcome(command, response.status, await response.json())


def random_command(rng: random.Random, accounts: list[str]) -> Command:
    kind = rng.choice(["deposit", "withdraw", "withdraw", "transfer", "transfer"])
    account = rng.choice(accounts)
    amount = rng.randint(1, 30) * 100
    if kind == "transfer":
        to = rng.choice([a for a in accounts if a != account])
        return Command(kind, account, amount, to)
    return Command(kind, account, amount)


async def open_accounts(
    session: aiohttp.ClientSession, urls: list[str], accounts: list[str]
) -> list[Outcome]:
    outcomes = []
    for i, account in enumerate(accounts):
        url = urls[i % len(urls)]
        outcomes.append(await send_command(session, url, Command("open", account)))
        outcomes.append(
            await send_command(session, url, Command("deposit", account, OPENING_DEPOSIT))
        )
    return outcomes


async def health(session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with session.get(url + "/health", timeout=timeout) as response:
        result: dict[str, Any] = await response.json()
        return result


async def run(urls: list[str], accounts: int, seconds: float, concurrency: int, seed: int) -> None:
    rng = random.Random(seed)
    names = [f"acct-{i:03d}-{seed}" for i in range(accounts)]
    async with aiohttp.ClientSession() as session:
        before = sum([(await health(session, u))["conflicts"] for u in urls])
        await open_accounts(session, urls, names)
        counts = {"accepted": 0, "rejected": 0, "failed": 0}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds

        async def worker() -> None:
            while loop.time() < deadline:
                outcome = await send_command(session, rng.choice(urls), random_command(rng, names))
                if outcome.status in (200, 201):
                    counts["accepted"] += 1
                elif outcome.status == 409:
                    counts["rejected"] += 1
                else:
                    counts["failed"] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        after = sum([(await health(session, u))["conflicts"] for u in urls])
    total = counts["accepted"] + counts["rejected"]
    print(
        json.dumps(
            {
                "instances": len(urls),
                "accounts": accounts,
                "concurrency": concurrency,
                "seconds": round(elapsed, 2),
                "commands": total,
                "commands_per_s": round(total / elapsed, 1),
                "accepted_per_s": round(counts["accepted"] / elapsed, 1),
                "rejected_by_rules": counts["rejected"],
                "failed": counts["failed"],
                "conflicts_resolved": after - before,
            }
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.bank.loadgen", description=__doc__)
    parser.add_argument("--url", action="append", help="an accounts instance (repeatable)")
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args(argv)
    urls = args.url or ["http://127.0.0.1:8081", "http://127.0.0.1:8082"]
    asyncio.run(run(urls, args.accounts, args.seconds, args.concurrency, args.seed))


if __name__ == "__main__":
    main()
