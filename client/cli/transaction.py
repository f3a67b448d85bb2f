"""``samsa transaction``: transactions, as Kafka's ``kafka-transactions.sh``: list, describe,
find-hanging and abort.

``list`` asks every broker for the transactional ids it coordinates; ``describe`` asks an id's
coordinator. A *hanging* transaction is one a partition still holds open (its records stay
invisible to read_committed consumers and the last stable offset stops) though its coordinator
no longer knows it: ``find-hanging`` lists the open transactions of a broker's (or a topic's)
partitions that have lasted longer than any transaction may, and that their coordinator does not
count as ongoing; ``abort`` writes an ABORT marker for one of them, with the producer epoch and
coordinator epoch that the partition's leader reports (DescribeProducers).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import click

from client.cli._context import CliContext, common_options, pass_cli
from client.cli._errors import CliError, run

if TYPE_CHECKING:
    from client.admin import ProducerState
    from client.types import TopicPartition

__all__ = ["transaction"]

#: Kafka's ``transaction.max.timeout.ms`` default (15 minutes): no transaction may last longer,
#: so one open for longer in a partition is hanging unless its coordinator still knows it.
DEFAULT_MAX_TRANSACTION_TIMEOUT_MS: Final = 900_000

#: The state names ``--state`` accepts (Kafka's; the same list as the admin client's).
_STATES: Final = (
    "Empty",
    "Ongoing",
    "PrepareCommit",
    "PrepareAbort",
    "CompleteCommit",
    "CompleteAbort",
    "PrepareEpochFence",
    "Dead",
)


def _iso(ms: int) -> str | None:
    """Milliseconds since the epoch as UTC ISO-8601 (``None`` for -1)."""
    if ms < 0:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def _now_ms() -> int:
    return int(time.time() * 1000)


@click.group()
def transaction() -> None:
    """List, describe, find hanging and abort transactions."""


@transaction.command("list")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(_STATES),
    help="Only transactions in this state (repeatable).",
)
@click.option(
    "--producer-id",
    "producer_ids",
    multiple=True,
    type=click.IntRange(min=0),
    help="Only this producer id's (repeatable).",
)
@click.option(
    "--min-duration-ms",
    type=click.IntRange(min=0),
    help="Only transactions open at least this long.",
)
@common_options()
@pass_cli
def list_(
    cli: CliContext,
    states: tuple[str, ...],
    producer_ids: tuple[int, ...],
    min_duration_ms: int | None,
) -> None:
    """List transactional ids with their coordinator, producer id and state."""

    async def body() -> Any:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            return await admin.list_transactions(states, producer_ids, min_duration_ms)

    found = run(body(), bootstrap=cli.bootstrap_servers)
    out = cli.output()
    if out.json:
        out.emit_json(
            [
                {
                    "transactional_id": t.transactional_id,
                    "coordinator": t.coordinator_id,
                    "producer_id": t.producer_id,
                    "state": t.state,
                }
                for t in found
            ]
        )
        return
    out.table(
        ["TRANSACTIONAL-ID", "COORDINATOR", "PRODUCER-ID", "STATE"],
        [[t.transactional_id, t.coordinator_id, t.producer_id, t.state] for t in found],
        header_in_pipes=False,
    )


@transaction.command()
@click.argument("transactional_id", metavar="ID")
@common_options()
@pass_cli
def describe(cli: CliContext, transactional_id: str) -> None:
    """State, producer, timeout and partitions of transactional id ID."""

    async def body() -> Any:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            return (await admin.describe_transactions([transactional_id]))[transactional_id]

    d = run(
        body(),
        bootstrap=cli.bootstrap_servers,
        messages={"TRANSACTIONAL_ID_NOT_FOUND": f"transactional id {transactional_id!r} not found"},
    )
    started = d.transaction_start_time_ms
    duration = max(0, _now_ms() - started) if started >= 0 else None
    out = cli.output()
    if out.json:
        out.emit_json(
            {
                "transactional_id": d.transactional_id,
                "coordinator": d.coordinator_id,
                "state": d.state,
                "producer_id": d.producer_id,
                "producer_epoch": d.producer_epoch,
                "transaction_timeout_ms": d.transaction_timeout_ms,
                "transaction_start_time_ms": started if started >= 0 else None,
                "transaction_duration_ms": duration,
                "partitions": [
                    {"topic": tp.topic, "partition": tp.partition} for tp in d.partitions
                ],
            }
        )
        return
    out.pairs(
        [
            ("TRANSACTIONAL-ID", d.transactional_id),
            ("COORDINATOR", d.coordinator_id),
            ("STATE", d.state),
            ("PRODUCER-ID", d.producer_id),
            ("PRODUCER-EPOCH", d.producer_epoch),
            ("TIMEOUT-MS", d.transaction_timeout_ms),
            ("START-TIME", _iso(started)),
            ("DURATION-MS", duration),
            ("PARTITIONS", [str(tp) for tp in d.partitions] or None),
        ]
    )


def _producer_row(tp: TopicPartition, state: ProducerState, now_ms: int) -> dict[str, Any]:
    last = state.last_timestamp_ms
    return {
        "topic": tp.topic,
        "partition": tp.partition,
        "producer_id": state.producer_id,
        "producer_epoch": state.producer_epoch,
        "coordinator_epoch": state.coordinator_epoch if state.coordinator_epoch >= 0 else None,
        "start_offset": state.current_txn_start_offset,
        "last_timestamp": _iso(last),
        "duration_min": (now_ms - last) // 60_000 if last >= 0 else None,
    }


@transaction.command("find-hanging")
@click.option("--broker-id", type=click.IntRange(min=0), help="The partitions this broker holds.")
@click.option("--topic", help="The partitions of this topic.")
@click.option(
    "--partition",
    type=click.IntRange(min=0),
    help="Only this partition of --topic.",
)
@click.option(
    "--max-transaction-timeout-ms",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_TRANSACTION_TIMEOUT_MS,
    show_default=True,
    help="The cluster's transaction.max.timeout.ms: older open transactions are suspects.",
)
@common_options()
@pass_cli
def find_hanging(
    cli: CliContext,
    broker_id: int | None,
    topic: str | None,
    partition: int | None,
    max_transaction_timeout_ms: int,
) -> None:
    """Open transactions that outlived any timeout and that their coordinator does not know.

    Give --broker-id (every partition with a replica there) or --topic (and --partition).
    """
    if (broker_id is None) == (topic is None):
        raise click.UsageError("give exactly one of --broker-id and --topic")
    if partition is not None and topic is None:
        raise click.UsageError("--partition needs --topic")

    async def body() -> Any:
        from client import Admin, TopicPartition
        from client.admin.txn_requests import hanging_candidates, still_hanging

        async with Admin(cli.options_for("admin")) as admin:
            if topic is not None:
                described = await admin.describe_topics([topic], offsets=False)
                tps = [
                    TopicPartition(topic, p.partition)
                    for p in described[topic].partitions
                    if partition is None or p.partition == partition
                ]
                if not tps:
                    raise CliError(f"topic {topic!r} has no partition {partition}")
            else:
                described = await admin.describe_topics(None, offsets=False)
                tps = [
                    TopicPartition(name, p.partition)
                    for name, d in sorted(described.items())
                    for p in d.partitions
                    if broker_id in p.replicas
                ]
            now_ms = _now_ms()
            states = await admin.describe_producers(tps) if tps else {}
            candidates = hanging_candidates(
                states, now_ms=now_ms, max_transaction_timeout_ms=max_transaction_timeout_ms
            )
            if not candidates:
                return [], now_ms
            pids = sorted({s.producer_id for _, s in candidates})
            listings = await admin.list_transactions(producer_ids=pids)
            descriptions = await admin.describe_transactions([t.transactional_id for t in listings])
            return still_hanging(candidates, listings, descriptions), now_ms

    hanging, now_ms = run(
        body(),
        bootstrap=cli.bootstrap_servers,
        messages={"UNKNOWN_TOPIC_OR_PARTITION": f"topic {topic!r} not found"} if topic else None,
    )
    rows = [_producer_row(tp, s, now_ms) for tp, s in hanging]
    out = cli.output()
    if out.json:
        out.emit_json(rows)
        return
    out.table(
        [
            "TOPIC",
            "PARTITION",
            "PRODUCER-ID",
            "PRODUCER-EPOCH",
            "COORDINATOR-EPOCH",
            "START-OFFSET",
            "LAST-TIMESTAMP",
            "DURATION-MIN",
        ],
        [list(r.values()) for r in rows],
        header_in_pipes=False,
    )


@transaction.command()
@click.option("--topic", required=True, help="The partition's topic.")
@click.option("--partition", required=True, type=click.IntRange(min=0), help="The partition.")
@click.option(
    "--producer-id",
    type=click.IntRange(min=0),
    help="The producer whose open transaction to abort.",
)
@click.option(
    "--start-offset",
    type=click.IntRange(min=0),
    help="The first offset of the open transaction to abort.",
)
@common_options()
@pass_cli
def abort(
    cli: CliContext,
    topic: str,
    partition: int,
    producer_id: int | None,
    start_offset: int | None,
) -> None:
    """Abort a hanging transaction in one partition: its leader writes an ABORT marker.

    Name the transaction by --producer-id, --start-offset or both; the producer epoch and
    coordinator epoch come from the partition's leader.
    """
    if producer_id is None and start_offset is None:
        raise click.UsageError("give --producer-id, --start-offset or both")

    async def body() -> Any:
        from client import Admin, TopicPartition

        tp = TopicPartition(topic, partition)
        async with Admin(cli.options_for("admin")) as admin:
            # The topic first: a missing one is named at once (not after the request timeout).
            await admin.describe_topics([topic], offsets=False)
            producers = (await admin.describe_producers([tp]))[tp]
            open_ = [
                s
                for s in producers
                if s.current_txn_start_offset >= 0
                and (producer_id is None or s.producer_id == producer_id)
                and (start_offset is None or s.current_txn_start_offset == start_offset)
            ]
            if not open_:
                which = " and ".join(
                    x
                    for x in (
                        f"producer id {producer_id}" if producer_id is not None else "",
                        f"start offset {start_offset}" if start_offset is not None else "",
                    )
                    if x
                )
                raise CliError(f"no open transaction with {which} in {tp}")
            if len(open_) > 1:
                raise CliError(f"{len(open_)} open transactions in {tp} match; add --producer-id")
            state = open_[0]
            # A partition that never saw a marker reports no coordinator epoch: write the
            # marker with epoch 0, as Kafka's tool does.
            coordinator_epoch = max(0, state.coordinator_epoch)
            await admin.abort_transaction(
                topic, partition, state.producer_id, state.producer_epoch, coordinator_epoch
            )
            return state, coordinator_epoch

    state, coordinator_epoch = run(
        body(),
        bootstrap=cli.bootstrap_servers,
        messages={"UNKNOWN_TOPIC_OR_PARTITION": f"partition {topic}-{partition} not found"},
    )
    out = cli.output()
    if out.json:
        out.emit_json(
            {
                "topic": topic,
                "partition": partition,
                "producer_id": state.producer_id,
                "producer_epoch": state.producer_epoch,
                "coordinator_epoch": coordinator_epoch,
                "start_offset": state.current_txn_start_offset,
                "aborted": True,
            }
        )
        return
    out.line(
        f"Aborted the transaction of producer {state.producer_id} (epoch "
        f"{state.producer_epoch}) in {topic}-{partition}, open since offset "
        f"{state.current_txn_start_offset}"
    )
