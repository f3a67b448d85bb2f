"""``samsa group``: consumer groups: list, describe (members, committed offsets, lag),
reset-offsets (a dry run unless ``--execute``), delete.

``describe`` shows one row per partition of every topic the group has committed offsets for or
a member is assigned: CURRENT-OFFSET is the committed offset (``-`` if none), LAG is
LOG-END-OFFSET minus it (the whole log when nothing is committed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from client.cli._context import CliContext, common_options, pass_cli
from client.cli._errors import CliError, run

__all__ = ["group"]

#: ``GroupDescription.state`` of a group the coordinator does not know (DescribeGroups v0-5
#: answers an unknown group as Dead, without an error).
_DEAD = "Dead"


def _group_messages(group_id: str) -> dict[str, str]:
    """The lines for an unknown group and for one with members."""
    return {
        "GROUP_ID_NOT_FOUND": f"group {group_id!r} not found",
        "NON_EMPTY_GROUP": f"group {group_id!r} has active members; stop its consumers first",
    }


def _topic_messages(topics: tuple[str, ...]) -> dict[str, str] | None:
    """The line for an unknown topic, when only one is named."""
    names = {t.partition(":")[0] for t in topics}
    if len(names) != 1:
        return None
    return {"UNKNOWN_TOPIC_OR_PARTITION": f"topic {names.pop()!r} not found"}


@click.group()
def group() -> None:
    """List, describe, reset and delete consumer groups."""


@group.command("list")
@common_options()
@pass_cli
def list_(cli: CliContext) -> None:
    """List groups with their states."""

    async def body() -> Any:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            return await admin.list_groups()

    groups = run(body(), bootstrap=cli.bootstrap_servers)
    out = cli.output()
    if out.json:
        out.emit_json(
            [
                {
                    "group": g.group_id,
                    "state": g.state,
                    "protocol_type": g.protocol_type,
                    "type": g.group_type or None,
                }
                for g in groups
            ]
        )
        return
    out.table(
        ["GROUP", "STATE", "PROTOCOL-TYPE"],
        [[g.group_id, g.state or None, g.protocol_type or None] for g in groups],
        header_in_pipes=False,
    )


@group.command()
@click.argument("group_id", metavar="GROUP")
@common_options()
@pass_cli
def describe(cli: CliContext, group_id: str) -> None:
    """State, coordinator, members and lag of GROUP, then its offsets per partition."""

    async def body() -> Any:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            described: Any = await _consumer_group(admin, group_id)
            if described is None:
                described = (await admin.describe_groups([group_id]))[group_id]
            coordinator = await admin.find_group_coordinator(group_id)
            # Every partition of the topics the group reads, will read or has read: one
            # without a committed offset lags by its whole log.
            topics = {tp.topic for m in described.members for tp in m.assignment}
            topics |= {tp.topic for m in described.members for tp in _target(m)}
            topics |= {tp.topic for tp in await admin.list_group_offsets(group_id)}
            lag = await admin.group_lag(group_id, sorted(topics))
            return described, coordinator, lag

    described, coordinator, lag = run(body(), bootstrap=cli.bootstrap_servers)
    consumer_protocol = hasattr(described, "group_epoch")
    if described.state == _DEAD and not described.members and not lag:
        raise CliError(f"group {group_id!r} not found (no members and no committed offsets)")
    owner = {tp: m for m in described.members for tp in m.assignment}
    rows = []
    for tp, p in sorted(lag.items()):
        member = owner.get(tp)
        rows.append(
            {
                "topic": tp.topic,
                "partition": tp.partition,
                "current_offset": p.committed if p.committed >= 0 else None,
                "log_end_offset": p.log_end_offset,
                "lag": p.lag,
                "member_id": member.member_id if member else None,
                "client_id": member.client_id if member else None,
                "host": member.client_host if member else None,
            }
        )
    if consumer_protocol:
        _describe_consumer_group(cli, described, coordinator, rows)
        return
    total_lag = sum(r["lag"] for r in rows)
    out = cli.output()
    if out.json:
        out.emit_json(
            {
                "group": group_id,
                "state": described.state,
                "protocol_type": described.protocol_type,
                "protocol": described.protocol,
                "coordinator": {
                    "node_id": coordinator.node_id,
                    "host": coordinator.host,
                    "port": coordinator.port,
                },
                "members": [
                    {
                        "member_id": m.member_id,
                        "client_id": m.client_id,
                        "host": m.client_host,
                        "group_instance_id": m.group_instance_id,
                        "assignment": [
                            {"topic": tp.topic, "partition": tp.partition}
                            for tp in sorted(m.assignment)
                        ],
                    }
                    for m in described.members
                ],
                "total_lag": total_lag,
                "partitions": rows,
            }
        )
        return
    out.pairs(
        [
            ("GROUP", group_id),
            ("COORDINATOR", f"{coordinator.node_id} ({coordinator.address})"),
            ("STATE", described.state),
            ("BALANCER", described.protocol or None),
            ("MEMBERS", len(described.members)),
            ("TOTAL-LAG", total_lag),
        ]
    )
    out.heading("PARTITIONS")
    out.table(
        [
            "TOPIC",
            "PARTITION",
            "CURRENT-OFFSET",
            "LOG-END-OFFSET",
            "LAG",
            "MEMBER-ID",
            "CLIENT-ID",
            "HOST",
        ],
        [list(r.values()) for r in rows],
    )


async def _consumer_group(admin: Any, group_id: str) -> Any:
    """The KIP-848 consumer group's description, or None for a classic or unknown group (or a
    broker without ConsumerGroupDescribe)."""
    from client.errors import KafkaError, UnsupportedFeatureError
    from protocol.errors import ErrorCode

    try:
        return (await admin.describe_consumer_groups([group_id]))[group_id]
    except UnsupportedFeatureError:
        return None
    except KafkaError as exc:
        if exc.code == ErrorCode.GROUP_ID_NOT_FOUND:
            return None
        raise


def _target(member: Any) -> tuple[Any, ...]:
    """A consumer-protocol member's target assignment (none for a classic member)."""
    return tuple(getattr(member, "target_assignment", ()))


def _partitions(partitions: Any) -> str | None:
    """``topic:0,1,2 other:3``: a member's partitions in one cell."""
    by_topic: dict[str, list[int]] = {}
    for tp in sorted(partitions):
        by_topic.setdefault(tp.topic, []).append(tp.partition)
    cell = " ".join(f"{t}:{','.join(map(str, ps))}" for t, ps in by_topic.items())
    return cell or None


def _describe_consumer_group(
    cli: CliContext, described: Any, coordinator: Any, rows: list[dict[str, Any]]
) -> None:
    """A KIP-848 group: type, epochs, assignor, and per member its epoch with the partitions
    it owns now and those it is to own (they differ while the group reconciles)."""
    total_lag = sum(r["lag"] for r in rows)
    out = cli.output()
    if out.json:
        out.emit_json(
            {
                "group": described.group_id,
                "type": described.group_type,
                "state": described.state,
                "group_epoch": described.group_epoch,
                "assignment_epoch": described.assignment_epoch,
                "assignor": described.assignor,
                "coordinator": {
                    "node_id": coordinator.node_id,
                    "host": coordinator.host,
                    "port": coordinator.port,
                },
                "members": [
                    {
                        "member_id": m.member_id,
                        "member_epoch": m.member_epoch,
                        "client_id": m.client_id,
                        "host": m.client_host,
                        "instance_id": m.instance_id,
                        "subscribed_topics": list(m.subscribed_topic_names),
                        "subscribed_regex": m.subscribed_topic_regex,
                        "assignment": [
                            {"topic": tp.topic, "partition": tp.partition} for tp in m.assignment
                        ],
                        "target_assignment": [
                            {"topic": tp.topic, "partition": tp.partition}
                            for tp in m.target_assignment
                        ],
                    }
                    for m in described.members
                ],
                "total_lag": total_lag,
                "partitions": rows,
            }
        )
        return
    out.pairs(
        [
            ("GROUP", described.group_id),
            ("TYPE", described.group_type),
            ("COORDINATOR", f"{coordinator.node_id} ({coordinator.address})"),
            ("STATE", described.state),
            ("GROUP-EPOCH", described.group_epoch),
            ("ASSIGNMENT-EPOCH", described.assignment_epoch),
            ("ASSIGNOR", described.assignor or None),
            ("MEMBERS", len(described.members)),
            ("TOTAL-LAG", total_lag),
        ]
    )
    out.heading("MEMBERS")
    out.table(
        ["MEMBER-ID", "EPOCH", "CLIENT-ID", "HOST", "ASSIGNMENT", "TARGET-ASSIGNMENT"],
        [
            [
                m.member_id,
                m.member_epoch,
                m.client_id,
                m.client_host,
                _partitions(m.assignment),
                _partitions(m.target_assignment),
            ]
            for m in sorted(described.members, key=lambda m: m.member_id)
        ],
    )
    out.heading("PARTITIONS")
    out.table(
        [
            "TOPIC",
            "PARTITION",
            "CURRENT-OFFSET",
            "LOG-END-OFFSET",
            "LAG",
            "MEMBER-ID",
            "CLIENT-ID",
            "HOST",
        ],
        [list(r.values()) for r in rows],
    )


def _parse_datetime(value: str) -> int:
    """An ISO-8601 date and time (local time unless it names a zone) → ms since the epoch."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO-8601 date and time (e.g. 2024-05-01T12:00:00Z)",
            param_hint="--to-datetime",
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return int(moment.timestamp() * 1000)


def _parse_topics(values: tuple[str, ...]) -> list[Any]:
    """``events`` (all partitions) or ``events:0,2`` (some) → topic names / TopicPartitions."""
    from client import TopicPartition

    out: list[Any] = []
    for value in values:
        name, sep, parts = value.partition(":")
        if not name:
            raise click.BadParameter(f"{value!r} names no topic", param_hint="--topic")
        if not sep:
            out.append(name)
            continue
        try:
            out.extend(TopicPartition(name, int(p)) for p in parts.split(","))
        except ValueError:
            raise click.BadParameter(
                f"{value!r} is not TOPIC or TOPIC:PARTITION[,PARTITION…]", param_hint="--topic"
            ) from None
    return out


@group.command("reset-offsets")
@click.argument("group_id", metavar="GROUP")
@click.option(
    "-t",
    "--topic",
    "topics",
    multiple=True,
    required=True,
    metavar="TOPIC[:PARTITION,…]",
    help="A topic (all partitions) or some of its partitions (repeatable).",
)
@click.option("--to-earliest", is_flag=True, help="To the log start offset.")
@click.option("--to-latest", is_flag=True, help="To the log end offset.")
@click.option("--to-offset", type=click.IntRange(min=0), help="To this offset.")
@click.option("--to-datetime", metavar="ISO-8601", help="To the first record at or after it.")
@click.option("--shift-by", type=int, help="By N from the committed offset (negative: back).")
@click.option("--execute", is_flag=True, help="Apply the change (default: only show it).")
@common_options()
@pass_cli
def reset_offsets(
    cli: CliContext,
    group_id: str,
    topics: tuple[str, ...],
    to_earliest: bool,
    to_latest: bool,
    to_offset: int | None,
    to_datetime: str | None,
    shift_by: int | None,
    execute: bool,
) -> None:
    """Move GROUP's committed offsets; shows the plan unless --execute is given.

    Offsets are clamped to each partition's log. The group must have no active members.
    """
    chosen = [
        name
        for name, given in (
            ("--to-earliest", to_earliest),
            ("--to-latest", to_latest),
            ("--to-offset", to_offset is not None),
            ("--to-datetime", to_datetime is not None),
            ("--shift-by", shift_by is not None),
        )
        if given
    ]
    if len(chosen) != 1:
        raise click.UsageError(
            "give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, "
            f"--shift-by (got {', '.join(chosen) if chosen else 'none'})"
        )
    timestamp_ms = None if to_datetime is None else _parse_datetime(to_datetime)
    partitions = _parse_topics(topics)

    async def body() -> Any:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            described = (await admin.describe_groups([group_id]))[group_id]
            if described.members:
                raise CliError(
                    f"group {group_id!r} has {len(described.members)} active member(s); "
                    "stop its consumers before resetting offsets"
                )
            # Validate topics first so that a missing one is named.
            await admin.describe_topics({p if isinstance(p, str) else p.topic
                                         for p in partitions}, offsets=False)  # fmt: skip
            before = await admin.list_group_offsets(group_id)
            after = await admin.reset_group_offsets(
                group_id,
                partitions,
                to="earliest" if to_earliest else "latest" if to_latest else None,
                to_offset=to_offset,
                to_timestamp_ms=timestamp_ms,
                shift_by=shift_by,
                dry_run=not execute,
            )
            return before, after

    before, after = run(body(), bootstrap=cli.bootstrap_servers, messages=_topic_messages(topics))
    rows = [
        {
            "topic": tp.topic,
            "partition": tp.partition,
            "current_offset": before[tp].offset if tp in before else None,
            "new_offset": offset,
        }
        for tp, offset in sorted(after.items())
    ]
    out = cli.output()
    if out.json:
        out.emit_json({"group": group_id, "executed": execute, "partitions": rows})
    else:
        out.table(
            ["TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET"],
            [list(r.values()) for r in rows],
        )
    if not execute:
        click.echo("Dry run: nothing changed. Add --execute to apply.", err=True)


@group.command()
@click.argument("group_ids", nargs=-1, required=True, metavar="GROUP...")
@common_options()
@pass_cli
def delete(cli: CliContext, group_ids: tuple[str, ...]) -> None:
    """Delete empty groups and their committed offsets."""

    async def body() -> None:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            await admin.delete_groups(group_ids)

    run(
        body(),
        bootstrap=cli.bootstrap_servers,
        messages=_group_messages(*group_ids) if len(group_ids) == 1 else None,
    )
    out = cli.output()
    if out.json:
        out.emit_json({"deleted": list(group_ids)})
    else:
        for group_id in group_ids:
            out.line(f"Deleted group {group_id}")
