"""``samsa consume TOPIC``: print records, as kcat and rpk do.

Where to start, ``-o`` (kcat/rpk grammar): ``start`` (also ``beginning``, ``oldest``,
``earliest``), ``end`` (``newest``, ``latest``), ``+N`` (N after the log start), ``-N`` (N
before the log end), ``OFFSET`` (that offset, clamped to the log), ``@TIMESTAMP`` (the first
record at or after it: milliseconds since the epoch or an ISO-8601 date and time). The default
is ``start``.

With ``--group`` the consumer joins the group: partitions resume from the group's committed
offsets (``-o start`` or ``-o end`` say where to begin when there is none), and the offsets of
the records printed are committed, so that ``samsa group describe`` shows the lag that is left.

``-f`` prints each record through a format (``%t`` topic, ``%p`` partition, ``%o`` offset,
``%k`` key, ``%v`` value, ``%h`` headers as ``k=v,…``, ``%T`` timestamp in ms, ``%%``; ``\\n``,
``\\t``, ``\\\\``); the default is ``%v\\n``. ``--format json`` prints one JSON object per
record and line. ``-n`` stops after that many records, ``-e`` at the end of every partition
(the log end offsets when consuming started).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

import click

from client.cli._context import CliContext, common_options, pass_cli
from client.cli._errors import CliError, run

__all__ = [
    "DEFAULT_FORMAT",
    "StartOffset",
    "compile_format",
    "consume",
    "parse_offset",
]

#: How long one poll waits for records before checking for Ctrl-C and the end of partitions.
POLL_TIMEOUT_MS: Final = 500
#: How long a consumer in a group waits for its partitions (the group's first rebalance).
ASSIGNMENT_TIMEOUT_MS: Final = 30_000
DEFAULT_FORMAT: Final = "%v\\n"

_START_WORDS: Final = frozenset({"start", "beginning", "oldest", "earliest"})
_END_WORDS: Final = frozenset({"end", "newest", "latest"})


@dataclass(frozen=True, slots=True)
class StartOffset:
    """Where ``-o`` says to start in each partition."""

    kind: Literal["start", "end", "offset", "after_start", "before_end", "timestamp"]
    value: int = 0

    def resolve(self, log_start: int, log_end: int, at_time: int | None = None) -> int:
        """The offset to read first in a partition whose log spans ``log_start..log_end``
        (``at_time``: the first offset at or after the timestamp, None if there is none)."""
        if self.kind == "start":
            return log_start
        if self.kind == "end":
            return log_end
        if self.kind == "after_start":
            return min(log_start + self.value, log_end)
        if self.kind == "before_end":
            return max(log_end - self.value, log_start)
        if self.kind == "timestamp":
            return log_end if at_time is None or at_time < 0 else at_time
        return max(log_start, min(self.value, log_end))


def parse_offset(text: str) -> StartOffset:
    """``-o``'s grammar → a ``StartOffset``; ``click.BadParameter`` names what is wrong."""
    value = text.strip()
    word = value.lower()
    if word in _START_WORDS:
        return StartOffset("start")
    if word in _END_WORDS:
        return StartOffset("end")
    if value.startswith("@"):
        stamp = value[1:]
        if stamp.isdigit():
            return StartOffset("timestamp", int(stamp))
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            raise click.BadParameter(
                f"{text!r}: after @ comes milliseconds since the epoch or an ISO-8601 date "
                "and time",
                param_hint="-o",
            ) from None
        if moment.tzinfo is None:
            moment = moment.astimezone()
        return StartOffset("timestamp", max(0, int(moment.timestamp() * 1000)))
    sign, digits = (value[0], value[1:]) if value[:1] in ("+", "-") else ("", value)
    if digits.isdigit():
        number = int(digits)
        if sign == "+":
            return StartOffset("after_start", number)
        if sign == "-":
            return StartOffset("before_end", number)
        return StartOffset("offset", number)
    raise click.BadParameter(
        f"{text!r} is not start, end, +N, -N, OFFSET or @TIMESTAMP", param_hint="-o"
    )


_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "0": "\0"}
_FIELDS: Final = frozenset("tpokvhT")

Part = bytes | str  # literal bytes, or a one-letter field name


def compile_format(fmt: str) -> list[Part]:
    """A ``-f`` format → literal bytes and field letters; ``click.BadParameter`` for an unknown
    ``%`` or ``\\`` sequence."""
    parts: list[Part] = []
    literal: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        nxt = fmt[i + 1] if i + 1 < len(fmt) else ""
        if ch == "%":
            if nxt == "%":
                literal.append("%")
            elif nxt in _FIELDS and nxt:
                if literal:
                    parts.append("".join(literal).encode())
                    literal = []
                parts.append(nxt)
            else:
                raise click.BadParameter(
                    f"unknown field %{nxt} in {fmt!r} (fields: %t %p %o %k %v %h %T %%)",
                    param_hint="-f",
                )
            i += 2
        elif ch == "\\" and nxt in _ESCAPES:
            literal.append(_ESCAPES[nxt])
            i += 2
        else:
            literal.append(ch)
            i += 1
    if literal:
        parts.append("".join(literal).encode())
    return parts


def _as_bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    return str(value).encode()


def render(parts: Sequence[Part], record: Any) -> bytes:
    """One record through a compiled format."""
    out = []
    for part in parts:
        if isinstance(part, bytes):
            out.append(part)
        elif part == "v":
            out.append(_as_bytes(record.value))
        elif part == "k":
            out.append(_as_bytes(record.key))
        elif part == "o":
            out.append(str(record.offset).encode())
        elif part == "p":
            out.append(str(record.partition).encode())
        elif part == "t":
            out.append(record.topic.encode())
        elif part == "T":
            out.append(str(record.timestamp).encode())
        else:  # "h"
            out.append(b",".join(k.encode() + b"=" + _as_bytes(v) for k, v in record.headers))
    return b"".join(out)


def _json_bytes(value: bytes | None) -> str | dict[str, str] | None:
    """UTF-8 text as a string; other bytes as ``{"base64": …}``."""
    if value is None:
        return None
    try:
        return value.decode()
    except UnicodeDecodeError:
        import base64

        return {"base64": base64.b64encode(value).decode()}


def record_json(record: Any) -> bytes:
    """One record as a JSON line."""
    return (
        json.dumps(
            {
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "timestamp": record.timestamp,
                "key": _json_bytes(record.key),
                "value": _json_bytes(record.value),
                "headers": [{"key": k, "value": _json_bytes(v)} for k, v in record.headers],
            },
            ensure_ascii=False,
        ).encode()
        + b"\n"
    )


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush of a closed pipe does not
    fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


@click.command()
@click.argument("topic_name", metavar="TOPIC")
@click.option(
    "-o",
    "--offset",
    "offset_text",
    default="start",
    show_default=True,
    metavar="start|end|+N|-N|OFFSET|@TIMESTAMP",
    help="Where to start (with --group: where to start without a committed offset).",
)
@click.option("-g", "--group", "group_id", help="Consume as a member of this group.")
@click.option(
    "-p",
    "--partition",
    "partitions",
    type=click.IntRange(min=0),
    multiple=True,
    help="Only this partition (repeatable; not with --group).",
)
@click.option("-n", "--count", type=click.IntRange(min=1), help="Stop after COUNT records.")
@click.option("-e", "--exit-at-end", is_flag=True, help="Stop at the end of every partition.")
@click.option(
    "-f",
    "--print-format",
    "fmt",
    metavar="FORMAT",
    help="Format of each record: %t %p %o %k %v %h %T (default '%v\\n').",
)
@common_options()
@pass_cli
def consume(
    cli: CliContext,
    topic_name: str,
    offset_text: str,
    group_id: str | None,
    partitions: tuple[int, ...],
    count: int | None,
    exit_at_end: bool,
    fmt: str | None,
) -> None:
    """Print the records of TOPIC, one per line."""
    start = parse_offset(offset_text)
    if group_id is not None and partitions:
        raise click.UsageError("--partition cannot be used with --group")
    if group_id is not None and start.kind not in ("start", "end"):
        raise click.UsageError(
            "with --group, -o is start or end (where to begin without a committed offset)"
        )
    if fmt is not None and cli.format == "json":
        raise click.UsageError("-f and --format json cannot be used together")
    parts = compile_format(fmt if fmt is not None else DEFAULT_FORMAT)
    to_bytes: Callable[[Any], bytes] = (
        record_json if cli.format == "json" else lambda r: render(parts, r)
    )
    fixed: dict[str, Any] = {
        "enable_auto_commit": False,
        "allow_auto_create_topics": False,
        "auto_offset_reset": "earliest" if start.kind == "start" else "latest",
    }
    if group_id is not None:
        fixed["group_id"] = group_id
    consumer_options = cli.options_for("consumer", **fixed)
    admin_options = cli.options_for("admin")
    stdout = sys.stdout.buffer

    async def body() -> int:
        import asyncio

        from client import Admin, Consumer, TopicPartition
        from client.errors import CommitFailedError

        async with Admin(admin_options) as admin:
            described = (await admin.describe_topics([topic_name], offsets=False))[topic_name]
        known = {p.partition for p in described.partitions}
        missing = sorted(set(partitions) - known)
        if missing:
            raise CliError(
                f"topic {topic_name!r} has partitions 0-{len(known) - 1}, not {missing[0]}"
            )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        printed = 0
        try:
            async with Consumer(consumer_options) as consumer:
                if group_id is None:
                    tps = [TopicPartition(topic_name, p) for p in (partitions or sorted(known))]
                    consumer.assign(tps)
                    starts = await consumer.beginning_offsets(tps)
                    ends = await consumer.end_offsets(tps)
                    times: dict[Any, Any] = {}
                    if start.kind == "timestamp":
                        found = await consumer.offsets_for_times(dict.fromkeys(tps, start.value))
                        times = {tp: None if f is None else f.offset for tp, f in found.items()}
                    for tp in tps:
                        consumer.seek(tp, start.resolve(starts[tp], ends[tp], times.get(tp)))
                else:
                    consumer.subscribe([topic_name])
                    tps = sorted(await consumer.wait_for_assignment(ASSIGNMENT_TIMEOUT_MS))
                    ends = await consumer.end_offsets(tps)
                next_offsets = {tp: await consumer.position(tp) for tp in tps}

                def at_end() -> bool:
                    return all(next_offsets[tp] >= ends[tp] for tp in tps)

                while not stop.is_set():
                    if count is not None and printed >= count:
                        break
                    if exit_at_end and at_end():
                        break
                    batch = await consumer.getmany(
                        timeout_ms=POLL_TIMEOUT_MS,
                        max_records=None if count is None else count - printed,
                    )
                    done: dict[Any, int] = {}
                    try:
                        for tp, records in batch.items():
                            if not records:
                                continue
                            stdout.write(b"".join(to_bytes(r) for r in records))
                            printed += len(records)
                            done[tp] = records[-1].offset + 1
                            next_offsets[tp] = done[tp]
                        if done:
                            stdout.flush()
                    except BrokenPipeError:
                        # The reader is gone (``| head``): stop, committing nothing of this
                        # batch (it was not all read).
                        _silence_stdout()
                        break
                    if done and group_id is not None:
                        try:
                            await consumer.commit(done)
                        except CommitFailedError as exc:
                            # The group rebalanced: these partitions may be another member's
                            # now, which commits for itself. Keep consuming.
                            click.echo(f"samsa: warning: commit failed: {exc}", err=True)
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        return printed

    run(
        body(),
        bootstrap=cli.bootstrap_servers,
        messages={"UNKNOWN_TOPIC_OR_PARTITION": f"topic {topic_name!r} not found"},
    )
