"""The bank example end to end, with real processes: a broker (``samsa broker start``), two
``accounts`` instances taking concurrent, conflicting commands for the same accounts, the
``projector`` (killed with SIGKILL mid-stream and restarted) and ``alerts``; then ``rebuild``
and a third ``accounts`` instance that starts from snapshots.

Afterwards, from the event log itself: every balance is the fold of the accepted commands,
no event is lost or duplicated (nor written for a refused command), no account ever went
negative, the projector's model is the fold of the log, the rebuild matches it, alerts match
the large withdrawals, and the instances resolved conflicts (else nothing was tested).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import random
import signal
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final

import pytest

aiohttp = pytest.importorskip("aiohttp")

from support.waiting import eventually  # noqa: E402

from client import Consumer, TopicPartition  # noqa: E402
from examples.bank import events  # noqa: E402
from examples.bank.loadgen import (  # noqa: E402
    Command,
    Outcome,
    health,
    open_accounts,
    random_command,
    send_command,
)
from examples.bank.topics import ALERTS, EVENT_PARTITIONS, EVENTS  # noqa: E402

pytestmark = pytest.mark.timeout(150)

ROOT: Final = Path(__file__).resolve().parents[2]
ACCOUNTS: Final = 8
COMMANDS: Final = 500
CONCURRENCY: Final = 24
ALERT_LIMIT: Final = 2_000
SNAPSHOT_EVERY: Final = 40
#: Deadline of each wait on a condition (processes starting, consumers catching up).
WAIT_S: Final = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: What a service that is still starting answers with: no connection yet, an HTTP error, or a
#: document without the field asked for.
NOT_UP: Final = (OSError, aiohttp.ClientError, KeyError)


class Processes:
    """Child processes of the test, each logging to a file; all killed at the end."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, asyncio.subprocess.Process] = {}

    async def start(self, name: str, *args: str) -> asyncio.subprocess.Process:
        log = (self.logs / f"{name}.log").open("ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable, *args, cwd=ROOT, stdout=log, stderr=log, env=env
            )
        finally:
            log.close()
        self.running[name] = process
        return process

    async def kill(self, name: str) -> None:
        process = self.running.pop(name)
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
            await process.wait()

    def alive(self, name: str) -> bool:
        return self.running[name].returncode is None

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    async def kill_all(self) -> None:
        for name in list(self.running):
            await self.kill(name)


@pytest.fixture
async def processes(tmp_path: Path) -> AsyncIterator[Processes]:
    procs = Processes(tmp_path)
    try:
        yield procs
    finally:
        await procs.kill_all()


async def _http_ok(session: Any, url: str) -> bool:
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
        return bool(response.status == 200)


async def _read_topic(bootstrap: str, topic: str, partitions: int) -> list[Any]:
    """Every record of the topic, up to its end offsets now, in offset order per partition."""
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    async with Consumer(bootstrap_servers=bootstrap, enable_auto_commit=False) as consumer:
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, 0)
        ends = await consumer.end_offsets(tps)
        got: dict[int, list[Any]] = {p: [] for p in range(partitions)}
        async with asyncio.timeout(WAIT_S):
            while any(len(got[tp.partition]) < ends[tp] for tp in tps):
                for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                    got[tp.partition].extend(r for r in records if r.offset < ends[tp])
    return [r for p in range(partitions) for r in got[p]]


async def _end_offsets(bootstrap: str) -> dict[int, int]:
    tps = [TopicPartition(EVENTS, p) for p in range(EVENT_PARTITIONS)]
    async with Consumer(bootstrap_servers=bootstrap, enable_auto_commit=False) as consumer:
        ends = await consumer.end_offsets(tps)
    return {tp.partition: o for tp, o in ends.items()}


def _fold_log(records: list[Any]) -> tuple[dict[str, int], list[list[Any]], list[str]]:
    """Balances, statement lines and any negative balance, folded independently of the
    example's code from the log, in each partition's order."""
    balances: dict[str, int] = {}
    lines: list[list[Any]] = []
    negatives: list[str] = []
    sign = {"deposited": 1, "withdrawn": -1, "transfer_debited": -1, "transfer_credited": 1}
    for record in records:
        event = json.loads(record.value)
        account = event["account"]
        if event["type"] == "opened":
            assert account not in balances, f"{account} opened twice"
            balances[account] = 0
            amount = 0
        else:
            amount = sign[event["type"]] * event["amount"]
            balances[account] += amount
        if balances[account] < 0:
            negatives.append(f"{account} at {record.partition}:{record.offset}")
        ref = event.get("to") or event.get("from") or ""
        lines.append(
            [record.partition, record.offset, account, event["type"], amount,
             balances[account], ref]
        )  # fmt: skip
    return balances, lines, negatives


async def test_bank_end_to_end(processes: Processes, tmp_path: Path) -> None:
    broker_port = _free_port()
    bootstrap = f"127.0.0.1:{broker_port}"
    ports = {"accounts-1": _free_port(), "accounts-2": _free_port(), "projector": _free_port()}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    db = str(tmp_path / "bank.db")

    await processes.start(
        "broker", "-c", "from broker.cli import main; main()", "broker", "start",
        "--data-dir", str(tmp_path / "data"), "--port", str(broker_port),
        "--log-level", "warning", "--set", "group.initial.rebalance.delay.ms=0",
        "--set", "http.listeners=127.0.0.1:0",
    )  # fmt: skip

    async def broker_up() -> bool:
        assert processes.alive("broker"), processes.log("broker")
        _, writer = await asyncio.open_connection("127.0.0.1", broker_port)
        writer.close()
        return True

    await eventually(broker_up, WAIT_S, "the broker", retry_on=NOT_UP)

    def accounts_args(name: str) -> list[str]:
        return [
            "-m", "examples.bank.accounts", "--bootstrap-servers", bootstrap,
            "--port", str(ports[name]), "--snapshot-every", str(SNAPSHOT_EVERY),
        ]  # fmt: skip

    projector_args = [
        "-m", "examples.bank.projector", "--bootstrap-servers", bootstrap,
        "--db", db, "--port", str(ports["projector"]),
    ]  # fmt: skip
    await processes.start("accounts-1", *accounts_args("accounts-1"))
    await processes.start("accounts-2", *accounts_args("accounts-2"))
    await processes.start("projector", *projector_args)
    await processes.start(
        "alerts", "-m", "examples.bank.alerts", "--bootstrap-servers", bootstrap,
        "--limit", str(ALERT_LIMIT),
    )  # fmt: skip

    rng = random.Random(20240917)
    names = [f"acct-{i}" for i in range(ACCOUNTS)]
    instances = [url["accounts-1"], url["accounts-2"]]
    outcomes: list[Outcome] = []
    async with aiohttp.ClientSession() as session:
        for name, path in (("accounts-1", "/health"), ("accounts-2", "/health"),
                           ("projector", "/model")):  # fmt: skip
            endpoint = url[name] + path
            up = functools.partial(_http_ok, session, endpoint)
            await eventually(up, WAIT_S, name, retry_on=NOT_UP)
        outcomes += await open_accounts(session, instances, names)

        # Concurrent, conflicting commands: the same few accounts through both instances.
        plan = [random_command(rng, names) for _ in range(COMMANDS)]
        queue: asyncio.Queue[Command] = asyncio.Queue()
        for command in plan:
            queue.put_nowait(command)
        done = 0
        progress = asyncio.Event()

        async def worker(index: int) -> None:
            nonlocal done
            while not queue.empty():
                command = queue.get_nowait()
                target = instances[(index + done) % 2]
                outcomes.append(await send_command(session, target, command))
                done += 1
                progress.set()

        async def applied_by_projector() -> int:
            async with session.get(url["projector"] + "/model") as response:
                return sum((await response.json())["offsets"].values())

        async def kill_projector_mid_stream() -> int:
            # Commands are flowing and the projector has applied part of the stream: SIGKILL
            # it, and start it again while commands still flow.
            while done < COMMANDS // 4:
                progress.clear()
                await asyncio.wait_for(progress.wait(), WAIT_S)
            await eventually(
                _projector_applied_some, WAIT_S, "the projector to apply events", retry_on=NOT_UP
            )
            applied = await applied_by_projector()
            await processes.kill("projector")
            await processes.start("projector", *projector_args)
            return applied

        async def _projector_applied_some() -> bool:
            return await applied_by_projector() > 0

        killer = asyncio.create_task(kill_projector_mid_stream())
        await asyncio.gather(*(worker(i) for i in range(CONCURRENCY)))
        killed_at = await killer
        assert killed_at > 0, "the projector was not killed mid-stream"

        # Every transfer's credit is appended (by its instance, or the other's completer).
        async def no_pending() -> bool:
            states = [await health(session, u) for u in instances]
            return all(s["pending_transfers"] == 0 for s in states)

        await eventually(no_pending, WAIT_S, "every transfer credited", retry_on=NOT_UP)
        ends = await _end_offsets(bootstrap)

        async def projector_caught_up() -> bool:
            async with session.get(url["projector"] + "/model") as response:
                model = await response.json()
            return {int(p): o for p, o in model["offsets"].items()} == ends

        await eventually(projector_caught_up, WAIT_S, "the restarted projector", retry_on=NOT_UP)
        async with session.get(url["projector"] + "/model") as response:
            model = await response.json()
        served = {
            name: {a: (await (await session.get(f"{u}/accounts/{a}")).json())["balance"]
                   for a in names}
            for name, u in (("accounts-1", instances[0]), ("accounts-2", instances[1]))
        }  # fmt: skip
        conflicts = sum([(await health(session, u))["conflicts"] for u in instances])

        # A third instance starts from the snapshots and agrees.
        ports["accounts-3"] = _free_port()
        url["accounts-3"] = f"http://127.0.0.1:{ports['accounts-3']}"
        await processes.start("accounts-3", *accounts_args("accounts-3"))
        third_up = functools.partial(_http_ok, session, url["accounts-3"] + "/health")
        await eventually(third_up, WAIT_S, "accounts-3", retry_on=NOT_UP)
        third = await health(session, url["accounts-3"])
        served["accounts-3"] = {
            a: (await (await session.get(f"{url['accounts-3']}/accounts/{a}")).json())["balance"]
            for a in names
        }

    # -- the log -------------------------------------------------------------------------------
    accepted = [o for o in outcomes if o.status in (200, 201)]
    refused = [o for o in outcomes if o.status not in (200, 201)]
    assert all(o.status == 409 for o in refused), [(o.status, o.body) for o in refused][:5]
    assert any(o.command.kind == "withdraw" for o in refused), "no rule was ever exercised"
    log_records = await _read_topic(bootstrap, EVENTS, EVENT_PARTITIONS)
    assert len(log_records) == sum(ends.values())
    logged = Counter(
        (json.loads(r.value)["command_id"], json.loads(r.value)["type"]) for r in log_records
    )
    expected_events: Counter[tuple[str, str]] = Counter()
    kinds = {"open": "opened", "deposit": "deposited", "withdraw": "withdrawn"}
    for outcome in accepted:
        command = outcome.command
        if command.kind == "transfer":
            expected_events[(command.command_id, "transfer_debited")] += 1
            expected_events[(command.command_id, "transfer_credited")] += 1
        else:
            expected_events[(command.command_id, kinds[command.kind])] += 1
    assert logged == expected_events  # nothing lost, duplicated, or written for a refusal

    expected_balances = dict.fromkeys(names, 0)
    for outcome in accepted:
        command = outcome.command
        if command.kind == "deposit":
            expected_balances[command.account] += command.amount
        elif command.kind == "withdraw":
            expected_balances[command.account] -= command.amount
        elif command.kind == "transfer":
            expected_balances[command.account] -= command.amount
            expected_balances[command.to] += command.amount
    folded, lines, negatives = _fold_log(log_records)
    assert folded == expected_balances
    assert not negatives, negatives[:5]
    for name, balances in served.items():
        assert balances == expected_balances, name
    assert conflicts > 0, "the two instances never conflicted: nothing was tested"

    # -- the projector, after its SIGKILL ------------------------------------------------------
    assert model["balances"] == expected_balances
    assert model["statements"] == lines

    # -- rebuild from offset 0 -----------------------------------------------------------------
    rebuild = await processes.start(
        "rebuild", "-m", "examples.bank.rebuild", "--bootstrap-servers", bootstrap,
        "--db", db, "--out", str(tmp_path / "rebuilt.db"),
    )  # fmt: skip
    assert await asyncio.wait_for(rebuild.wait(), WAIT_S) == 0, processes.log("rebuild")
    result = json.loads(processes.log("rebuild").strip().splitlines()[-1])
    assert result["equal"] and result["statement_lines"] == len(lines), result

    # -- snapshots -----------------------------------------------------------------------------
    assert sum(third["started_from"]) > 0, third  # started from snapshots, not offset 0
    assert third["replayed"] < sum(ends.values()), third

    # -- alerts --------------------------------------------------------------------------------
    large = {
        o.command.command_id
        for o in accepted
        if o.command.kind in ("withdraw", "transfer") and o.command.amount >= ALERT_LIMIT
    }
    assert large, "no large withdrawal in the plan"
    alerts: list[Any] = []

    async def alerts_caught_up() -> bool:
        alerts[:] = await _read_topic(bootstrap, ALERTS, 1)
        return {json.loads(a.value)["command_id"] for a in alerts} >= large

    await eventually(alerts_caught_up, WAIT_S, "every alert", retry_on=NOT_UP)
    raised = Counter(json.loads(a.value)["alert_id"] for a in alerts)
    assert {json.loads(a.value)["command_id"] for a in alerts} == large
    assert all(n == 1 for n in raised.values()), raised.most_common(3)
    assert events.decode(log_records[0].value)["type"] == "opened"
