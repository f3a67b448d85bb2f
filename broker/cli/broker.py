"""``samsa broker start [--data-dir PATH] [--host HOST] [--port PORT] [--config FILE]
[--set KEY=VALUE ...] [--log-level LEVEL]``: run a broker in the foreground.

``start`` prints where it listens and where the data lives, one line each, and stops cleanly on
Ctrl-C or SIGTERM. Errors (port in use, a data directory locked by another broker, a bad setting)
are one line on stderr and exit status 1.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click

__all__ = ["broker"]


@click.group()
def broker() -> None:
    """Run a broker."""


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--set")
        out[key.strip()] = value.strip()
    return out


@broker.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory (log.dirs). Default: $XDG_DATA_HOME/samsa or ~/.local/share/samsa.",
)
@click.option("--host", help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port to listen on (default 9092).")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file: Java properties, TOML or JSON, with Kafka's names.",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="A setting by its Kafka name, e.g. --set num.partitions=3 (repeatable).",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
)
def start(
    data_dir: Path | None,
    host: str | None,
    port: int | None,
    config_file: Path | None,
    sets: tuple[str, ...],
    log_level: str,
) -> None:
    """Start a broker and run it until Ctrl-C or SIGTERM."""
    from broker.config import ConfigError, load_config

    logging.basicConfig(
        level=getattr(logging, log_level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    overrides: dict[str, Any] = _parse_sets(sets)
    try:
        base = load_config(config_file, overrides)
        if host is not None or port is not None:
            listener = base.listener
            overrides["listeners"] = (
                f"PLAINTEXT://{host if host is not None else listener.host}:"
                f"{port if port is not None else listener.port}"
            )
        if data_dir is not None:
            overrides["log.dirs"] = str(data_dir)
        config = load_config(config_file, overrides) if overrides else base
    except ConfigError as exc:
        _fail(str(exc))
    sys.exit(_run(config))


def _fail(message: str) -> None:
    click.echo(f"samsa: error: {message}", err=True)
    sys.exit(1)


def _run(config: Any) -> int:
    import asyncio

    from broker.app import Broker, BrokerStartError, new_event_loop
    from broker.server.server import ListenError

    async def serve() -> int:
        # Handlers first: a signal that arrives once the lines below are printed must stop
        # the broker cleanly, not kill it.
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        broker_ = Broker(config)
        try:
            await broker_.start()
        except (ListenError, BrokerStartError) as exc:
            message = exc.strerror if isinstance(exc, ListenError) and exc.strerror else exc
            click.echo(f"samsa: error: {message}", err=True)
            return 1
        click.echo(f"Samsa broker {config.node_id} listening on {broker_.bootstrap_servers}")
        click.echo(f"Data directory: {', '.join(str(d) for d in config.log_dirs)}")
        sys.stdout.flush()
        await stop.wait()
        click.echo("Stopping…", err=True)
        await broker_.stop()
        return 0

    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(serve())
