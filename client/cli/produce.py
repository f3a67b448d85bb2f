"""``samsa produce TOPIC``: one record per line, from stdin or ``--file``.

Lines are read as bytes and sent as they arrive (so ``tail -f log | samsa produce t`` streams);
the trailing newline is not part of the value. ``-k SEP`` splits each line at the first SEP
into key and value (a line without SEP has no key); ``-H key=value`` adds headers to every
record. With ``--file`` and a terminal on stderr, a progress bar shows bytes read and the rate.
At the end a summary (records, bytes, time, rate) is printed; if any record was not delivered
the command fails (exit 1) naming the first error.
"""

from __future__ import annotations

import codecs
import contextlib
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import click

from client.cli._context import CliContext, common_options, parse_key_values, pass_cli
from client.cli._errors import CliError, describe_error, run
from client.cli._output import human_bytes

__all__ = ["produce"]

#: Bytes asked of the input per read: large enough that a file is read in few calls, and a
#: read returns whatever a pipe has (it does not wait for the whole chunk).
READ_CHUNK_BYTES: Final = 256 * 1024
#: Chunks read ahead of the producer: bounds memory when the broker is slower than the input.
READ_AHEAD_CHUNKS: Final = 8
#: How long a record may wait for its topic's metadata or for buffer space (``max.block.ms``;
#: the client's default is 60 s). ``-X max.block.ms=N`` overrides it.
MAX_BLOCK_MS: Final = 15_000
#: The producer's ``linger.ms`` (the client's default is 5 ms): a line typed at a terminal is
#: sent at once, and a file still fills batches because lines arrive faster than that.
LINGER_MS: Final = 5

COMPRESSIONS: Final = ("none", "gzip", "snappy", "lz4", "zstd")


def progress_wanted() -> bool:
    """Whether to draw a progress bar: only when stderr is a terminal."""
    return sys.stderr.isatty()


async def read_chunks(stream: IO[bytes]) -> AsyncIterator[bytes]:
    """The input in chunks, read by a daemon thread (a blocked read of stdin never keeps the
    process alive), at most ``READ_AHEAD_CHUNKS`` ahead."""
    import asyncio

    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue(READ_AHEAD_CHUNKS)

    def reader() -> None:
        read = getattr(stream, "read1", stream.read)
        try:
            while True:
                chunk = read(READ_CHUNK_BYTES)
                if not chunk:
                    break
                asyncio.run_coroutine_threadsafe(queue.put(chunk), loop).result()
            item: bytes | BaseException | None = None
        except BaseException as exc:  # handed to the reading task
            item = exc
        # RuntimeError: the loop is gone, nobody is reading any more.
        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(queue.put(item), loop).result()

    threading.Thread(target=reader, name="samsa-produce-input", daemon=True).start()
    while True:
        item = await queue.get()
        if item is None:
            return
        if isinstance(item, BaseException):
            raise CliError(f"cannot read the input: {item}")
        yield item


@dataclass(slots=True)
class ProduceStats:
    """What was sent, what was written, and the first failure."""

    sent: int = 0
    sent_bytes: int = 0
    delivered: int = 0
    failed: int = 0
    first_error: BaseException | None = None
    #: partition → [records, first offset, last offset]
    partitions: dict[int, list[int]] = field(default_factory=dict)

    def done(self, future: Any) -> None:
        exc = future.exception()
        if exc is not None:
            self.failed += 1
            if self.first_error is None:
                self.first_error = exc
            return
        self.delivered += 1
        meta = future.result()
        seen = self.partitions.get(meta.partition)
        if seen is None:
            self.partitions[meta.partition] = [1, meta.offset, meta.offset]
        else:
            seen[0] += 1
            seen[1] = min(seen[1], meta.offset)
            seen[2] = max(seen[2], meta.offset)


def _separator(value: str | None) -> bytes | None:
    if value is None:
        return None
    if not value:
        raise click.BadParameter("the key separator is empty", param_hint="--key-separator")
    # ``-k '\t'`` means a tab, as in kcat.
    return codecs.decode(value, "unicode_escape").encode()


async def _check_topic(cli: CliContext, topic_name: str) -> None:
    """Fail at once for a topic that does not exist and that the broker will not create (the
    producer alone would wait ``max.block.ms`` for it)."""
    from client import Admin
    from client.admin import ConfigResource
    from protocol.errors import ClusterAuthorizationFailedError, UnknownTopicOrPartitionError

    async with Admin(cli.options_for("admin")) as admin:
        try:
            await admin.describe_topics([topic_name], offsets=False)
            return
        except UnknownTopicOrPartitionError:
            pass
        brokers = (await admin.describe_cluster()).brokers
        if not brokers:
            return
        resource = ConfigResource.broker(brokers[0].node_id)
        try:
            configs = await admin.describe_configs([resource])
        except ClusterAuthorizationFailedError:
            return  # an application's user may not read broker configs: the broker will say
        entry = next(iter(configs.values())).get("auto.create.topics.enable")
        if entry is not None and (entry.value or "").lower() == "false":
            raise CliError(
                f"topic {topic_name!r} not found, and the broker does not create topics "
                f"(auto.create.topics.enable=false): samsa topic create {topic_name}"
            )


@click.command()
@click.argument("topic_name", metavar="TOPIC")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read lines from this file instead of stdin (with a progress bar on a terminal).",
)
@click.option(
    "-k",
    "--key-separator",
    metavar="SEP",
    help="Split each line at the first SEP into key and value (e.g. -k : or -k '\\t').",
)
@click.option(
    "-H", "--header", "headers", multiple=True, metavar="KEY=VALUE", help="A header (repeatable)."
)
@click.option(
    "-z", "--compression", type=click.Choice(COMPRESSIONS), help="Compression of batches."
)
@click.option(
    "--acks",
    type=click.Choice(["all", "-1", "0", "1"]),
    help="Replicas that must have a record before it counts as written (default all).",
)
@click.option(
    "-p", "--partition", type=click.IntRange(min=0), help="Send every record to this partition."
)
@common_options()
@pass_cli
def produce(
    cli: CliContext,
    topic_name: str,
    path: Path | None,
    key_separator: str | None,
    headers: tuple[str, ...],
    compression: str | None,
    acks: str | None,
    partition: int | None,
) -> None:
    """Send one record per line of stdin (or --file) to TOPIC."""
    separator = _separator(key_separator)
    record_headers = [(k, v.encode()) for k, v in parse_key_values(headers, "--header").items()]
    fixed: dict[str, Any] = {"linger_ms": LINGER_MS, "max_block_ms": MAX_BLOCK_MS}
    if compression is not None:
        fixed["compression_type"] = compression
    if acks is not None:
        fixed["acks"] = acks
    options = cli.options_for("producer", **fixed)
    stats = ProduceStats()
    file_size = path.stat().st_size if path is not None else 0

    async def send_all(producer: Any, stream: IO[bytes], advance: Any) -> None:
        send = producer.send
        pending = b""
        async for chunk in read_chunks(stream):
            advance(len(chunk))
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines:
                await send_line(send, line)
        if pending:
            await send_line(send, pending)

    async def send_line(send: Any, line: bytes) -> None:
        key: bytes | None = None
        value = line
        if separator is not None:
            head, sep, tail = line.partition(separator)
            if sep:
                key, value = head, tail
        future = await send(topic_name, value, key, record_headers or None, partition)
        stats.sent += 1
        stats.sent_bytes += len(line)
        future.add_done_callback(stats.done)

    async def body() -> float:
        from client import Producer

        await _check_topic(cli, topic_name)
        started = time.monotonic()
        async with Producer(options) as producer:
            known = await producer.partitions_for(topic_name)
            if partition is not None and partition not in known:
                raise CliError(
                    f"topic {topic_name!r} has partitions 0-{len(known) - 1}, not {partition}"
                )
            if path is None:
                await send_all(producer, sys.stdin.buffer, lambda n: None)
            elif progress_wanted():
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    DownloadColumn,
                    Progress,
                    TextColumn,
                    TransferSpeedColumn,
                )

                with (
                    path.open("rb") as stream,
                    Progress(
                        TextColumn("[bold]{task.description}"),
                        BarColumn(),
                        DownloadColumn(binary_units=True),
                        TransferSpeedColumn(),
                        TextColumn("{task.fields[records]} records"),
                        console=Console(stderr=True),
                        transient=True,
                    ) as progress,
                ):
                    task = progress.add_task(topic_name, total=file_size, records=0)

                    def advance(n: int) -> None:
                        progress.update(task, advance=n, records=stats.sent)

                    await send_all(producer, stream, advance)
            else:
                with path.open("rb") as stream:
                    await send_all(producer, stream, lambda n: None)
            await producer.flush()
        return time.monotonic() - started

    elapsed_s = run(body(), bootstrap=cli.bootstrap_servers)
    rate = stats.delivered / elapsed_s if elapsed_s > 0 else 0.0
    out = cli.output()
    if out.json:
        out.emit_json(
            {
                "topic": topic_name,
                "records": stats.delivered,
                "failed": stats.failed,
                "bytes": stats.sent_bytes,
                "elapsed_s": round(elapsed_s, 3),
                "records_per_s": round(rate, 1),
                "partitions": {
                    str(p): {"records": n, "first_offset": lo, "last_offset": hi}
                    for p, (n, lo, hi) in sorted(stats.partitions.items())
                },
            }
        )
    else:
        out.line(
            f"Produced {stats.delivered} record{'' if stats.delivered == 1 else 's'} "
            f"({human_bytes(stats.sent_bytes)}) to "
            f"{topic_name} in {elapsed_s:.2f} s ({rate:,.0f} records/s)"
        )
    if stats.failed:
        from client.errors import KafkaError

        error = stats.first_error
        reason = describe_error(error) if isinstance(error, KafkaError) else str(error)
        raise CliError(f"{stats.failed} of {stats.sent} records were not delivered: {reason}")
