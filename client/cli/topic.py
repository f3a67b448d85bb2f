"""``samsa topic``: create, list, describe, delete topics, change their configs, add partitions,
elect partition leaders.

``describe`` shows each partition's leader, replicas, ISR, log start and end offsets and size on
disk (DescribeLogDirs, from the leader's copy), and the configs set on the topic.
``elect-leaders`` is ``kafka-leader-election.sh``: a preferred or unclean election (ElectLeaders)
for some partitions, every partition of some topics, or every partition of the cluster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import click

from client.cli._context import CliContext, common_options, parse_key_values, pass_cli
from client.cli._errors import CliError, run

if TYPE_CHECKING:
    from client.admin import ElectionResult

__all__ = ["topic"]


def _not_found(name: str) -> dict[str, str]:
    """The line for an unknown topic."""
    return {"UNKNOWN_TOPIC_OR_PARTITION": f"topic {name!r} not found"}


def _exists(name: str) -> dict[str, str]:
    """The line for a topic that exists already."""
    return {"TOPIC_ALREADY_EXISTS": f"topic {name!r} already exists (--if-not-exists accepts that)"}


@click.group()
def topic() -> None:
    """Create, list, describe, change and delete topics."""


@topic.command()
@click.argument("name")
@click.option(
    "-p", "--partitions", type=click.IntRange(min=1), help="Partitions (default: the broker's)."
)
@click.option(
    "-r",
    "--replicas",
    "--replication-factor",
    "replicas",
    type=click.IntRange(min=1),
    help="Replication factor (default: the broker's).",
)
@click.option(
    "-c", "--config", "configs", multiple=True, metavar="KEY=VALUE", help="A topic config."
)
@click.option("--if-not-exists", is_flag=True, help="Succeed if the topic exists already.")
@common_options()
@pass_cli
def create(
    cli: CliContext,
    name: str,
    partitions: int | None,
    replicas: int | None,
    configs: tuple[str, ...],
    if_not_exists: bool,
) -> None:
    """Create topic NAME."""
    settings = parse_key_values(configs, "--config")

    async def body() -> Any:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            await admin.create_topic(
                name,
                partitions if partitions is not None else -1,
                replicas if replicas is not None else -1,
                settings,
                if_not_exists=if_not_exists,
            )
            return (await admin.describe_topics([name], offsets=False))[name]

    described = run(body(), bootstrap=cli.bootstrap_servers, messages=_exists(name))
    factor = len(described.partitions[0].replicas) if described.partitions else 0
    out = cli.output()
    if out.json:
        out.emit_json(
            {
                "topic": name,
                "partitions": described.num_partitions,
                "replication_factor": factor,
                "configs": settings,
            }
        )
    else:
        out.line(
            f"Created topic {name} ({described.num_partitions} partitions, "
            f"replication factor {factor})"
        )


@topic.command("list")
@click.option("-i", "--internal", is_flag=True, help="Include internal topics.")
@common_options()
@pass_cli
def list_(cli: CliContext, internal: bool) -> None:
    """List topics with their partition counts and replication factors."""

    async def body() -> Any:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            return await admin.describe_topics(None, offsets=False)

    described = run(body(), bootstrap=cli.bootstrap_servers)
    rows = [
        {
            "name": name,
            "partitions": t.num_partitions,
            "replication_factor": max((len(p.replicas) for p in t.partitions), default=0),
            "internal": t.is_internal,
        }
        for name, t in sorted(described.items())
        if internal or not t.is_internal
    ]
    out = cli.output()
    if out.json:
        out.emit_json(rows)
        return
    out.table(
        ["NAME", "PARTITIONS", "REPLICAS"],
        [[r["name"], r["partitions"], r["replication_factor"]] for r in rows],
        header_in_pipes=False,
    )


@topic.command()
@click.argument("name")
@click.option("-a", "--all-configs", is_flag=True, help="Show every config, defaults included.")
@common_options()
@pass_cli
def describe(cli: CliContext, name: str, all_configs: bool) -> None:
    """Partitions of NAME (leader, replicas, ISR, offsets, size on disk) and its configs."""

    async def body() -> Any:
        from client import Admin
        from client.admin import ConfigResource

        async with Admin(cli.options_for("admin")) as admin:
            described = (await admin.describe_topics([name]))[name]
            configs = await admin.describe_configs([ConfigResource.topic(name)])
            log_dirs = await admin.describe_log_dirs([name])
            return described, next(iter(configs.values()), {}), log_dirs

    described, configs, log_dirs = run(
        body(), bootstrap=cli.bootstrap_servers, messages=_not_found(name)
    )
    # The size of each partition as its leader holds it (followers may be behind).
    sizes: dict[tuple[int, int], int] = {}
    for log_dir in log_dirs:
        for tp, replica in log_dir.replicas.items():
            if tp.topic == name and not replica.is_future:
                key = (log_dir.node_id, tp.partition)
                sizes[key] = sizes.get(key, 0) + replica.size_bytes
    partitions = [
        {
            "partition": p.partition,
            "leader": p.leader,
            "leader_epoch": p.leader_epoch,
            "replicas": list(p.replicas),
            "isr": list(p.isr),
            "offline_replicas": list(p.offline_replicas),
            "log_start_offset": p.log_start_offset,
            "log_end_offset": p.log_end_offset,
            "size_bytes": sizes.get((p.leader, p.partition)),
        }
        for p in described.partitions
    ]
    shown = {k: e for k, e in sorted(configs.items()) if all_configs or not e.is_default}
    total = sum(p["size_bytes"] or 0 for p in partitions)
    factor = max((len(p.replicas) for p in described.partitions), default=0)
    out = cli.output()
    if out.json:
        out.emit_json(
            {
                "name": name,
                "internal": described.is_internal,
                "partitions": partitions,
                "replication_factor": factor,
                "size_bytes": total,
                "configs": {
                    k: {"value": None if e.sensitive else e.value, "source": e.source.name}
                    for k, e in shown.items()
                },
            }
        )
        return
    out.pairs(
        [
            ("NAME", name),
            ("INTERNAL", described.is_internal),
            ("PARTITIONS", described.num_partitions),
            ("REPLICAS", factor),
            ("SIZE", out.size(total)),
        ]
    )
    if shown:
        out.heading("CONFIGS")
        out.table(
            ["KEY", "VALUE", "SOURCE"],
            [
                [k, "(sensitive)" if e.sensitive else e.value, e.source.name]
                for k, e in shown.items()
            ],
        )
    out.heading("PARTITIONS")
    out.table(
        [
            "PARTITION",
            "LEADER",
            "EPOCH",
            "REPLICAS",
            "ISR",
            "LOG-START-OFFSET",
            "LOG-END-OFFSET",
            "SIZE",
        ],
        [
            [
                p["partition"],
                p["leader"],
                p["leader_epoch"],
                p["replicas"],
                p["isr"],
                p["log_start_offset"],
                p["log_end_offset"],
                out.size(p["size_bytes"]),
            ]
            for p in partitions
        ],
    )


@topic.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option("--if-exists", is_flag=True, help="Succeed if a topic does not exist.")
@common_options()
@pass_cli
def delete(cli: CliContext, names: tuple[str, ...], if_exists: bool) -> None:
    """Delete topics and all their records."""

    async def body() -> None:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            await admin.delete_topics(names, if_exists=if_exists)

    run(
        body(),
        bootstrap=cli.bootstrap_servers,
        messages=_not_found(*names) if len(names) == 1 else None,
    )
    out = cli.output()
    if out.json:
        out.emit_json({"deleted": list(names)})
    else:
        for name in names:
            out.line(f"Deleted topic {name}")


@topic.command("alter-config")
@click.argument("name")
@click.option(
    "-c", "--config", "configs", multiple=True, metavar="KEY=VALUE", help="A config to set."
)
@click.option("-d", "--delete", "deletes", multiple=True, metavar="KEY", help="A config to reset.")
@common_options()
@pass_cli
def alter_config(
    cli: CliContext, name: str, configs: tuple[str, ...], deletes: tuple[str, ...]
) -> None:
    """Set (-c) or reset to the default (-d) configs of topic NAME; others stay as they are."""
    settings = parse_key_values(configs, "--config")
    if not settings and not deletes:
        raise click.UsageError("nothing to change: give -c KEY=VALUE or -d KEY")

    async def body() -> None:
        from client import Admin
        from client.admin import ConfigResource

        async with Admin(cli.options_for("admin")) as admin:
            # An unknown topic is named as such (not as an unknown config resource).
            await admin.describe_topics([name], offsets=False)
            await admin.alter_configs(ConfigResource.topic(name), set=settings, delete=deletes)

    run(body(), bootstrap=cli.bootstrap_servers, messages=_not_found(name))
    out = cli.output()
    if out.json:
        out.emit_json({"topic": name, "set": settings, "deleted": list(deletes)})
        return
    for key, value in settings.items():
        out.line(f"Set {key}={value} on topic {name}")
    for key in deletes:
        out.line(f"Reset {key} on topic {name}")


@topic.command("add-partitions")
@click.argument("name")
@click.option(
    "-p",
    "--partitions",
    "count",
    type=click.IntRange(min=1),
    required=True,
    help="How many partitions to add.",
)
@common_options()
@pass_cli
def add_partitions(cli: CliContext, name: str, count: int) -> None:
    """Add partitions to topic NAME (existing records stay where they are)."""

    async def body() -> tuple[int, int]:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            before = (await admin.describe_topics([name], offsets=False))[name].num_partitions
            await admin.create_partitions({name: before + count})
            return before, before + count

    before, after = run(body(), bootstrap=cli.bootstrap_servers, messages=_not_found(name))
    out = cli.output()
    if out.json:
        out.emit_json({"topic": name, "partitions_before": before, "partitions": after})
    else:
        out.line(f"Topic {name}: {before} → {after} partitions")


def _parse_partition(text: str) -> tuple[str, int]:
    """``orders:3`` → ``("orders", 3)``; a usage error names a malformed one."""
    name, sep, number = text.rpartition(":")
    if not sep or not name or not number.isdigit():
        raise click.BadParameter(f"{text!r} is not TOPIC:PARTITION", param_hint="'--partition'")
    return name, int(number)


def _election_outcome(result: ElectionResult) -> str:
    """A partition's election as the RESULT column says it."""
    if result.elected:
        return "elected"
    return result.error.name if result.failed else "not needed"


@topic.command("elect-leaders")
@click.option(
    "--type",
    "--election-type",
    "election_type",
    type=click.Choice(["preferred", "unclean"]),
    default="preferred",
    show_default=True,
    help="preferred: each partition's first replica leads if in sync; unclean: a partition "
    "without a leader gets any live replica (records may be lost).",
)
@click.option(
    "--partition",
    "partitions",
    multiple=True,
    metavar="TOPIC:N",
    help="A partition (repeatable).",
)
@click.option(
    "--topic", "topics", multiple=True, metavar="NAME", help="Every partition of a topic."
)
@click.option("--all", "all_partitions", is_flag=True, help="Every partition of the cluster.")
@common_options()
@pass_cli
def elect_leaders(
    cli: CliContext,
    election_type: Literal["preferred", "unclean"],
    partitions: tuple[str, ...],
    topics: tuple[str, ...],
    all_partitions: bool,
) -> None:
    """Elect partition leaders: give --partition, --topic or --all.

    With --all, only the partitions that got a new leader (or could not) are listed.
    """
    if sum(map(bool, (partitions, topics, all_partitions))) != 1:
        raise click.UsageError("give exactly one of --partition, --topic and --all")
    chosen = [_parse_partition(p) for p in partitions]

    async def body() -> Any:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            wanted: list[tuple[str, int]] | None = chosen
            if topics:
                described = await admin.describe_topics(topics, offsets=False)
                wanted = [(t, p.partition) for t in topics for p in described[t].partitions]
            elif all_partitions:
                wanted = None
            return await admin.elect_leaders(wanted, election_type=election_type)

    results = run(
        body(),
        bootstrap=cli.bootstrap_servers,
        messages=_not_found(topics[0]) if len(topics) == 1 else None,
    )
    rows = [
        {
            "topic": tp.topic,
            "partition": tp.partition,
            "result": _election_outcome(result),
            # Why it failed: the broker's message, else what the error code means.
            "message": (result.message or result.error.description) if result.failed else None,
        }
        for tp, result in sorted(results.items())
    ]
    out = cli.output()
    if out.json:
        out.emit_json(rows)
    elif rows:
        out.table(
            ["TOPIC", "PARTITION", "RESULT"],
            [
                [
                    r["topic"],
                    r["partition"],
                    f"{r['result']}: {r['message']}" if r["message"] else r["result"],
                ]
                for r in rows
            ],
        )
    else:
        out.line("No partition needed an election")
    failed = [(tp, r) for tp, r in sorted(results.items()) if r.failed]
    if failed:
        tp, first = failed[0]
        raise CliError(
            f"the election failed for {len(failed)} of {len(results)} partitions"
            f" (first: {tp}: {first.error.name})"
        )
