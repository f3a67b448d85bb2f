"""``samsa broker start [--data-dir PATH] [--host HOST] [--port PORT] [--config FILE]
[--set KEY=VALUE ...] [--log-level LEVEL] [--log-format text|json]``: run a broker in the
foreground.

``start`` prints where it listens, where the data lives and the HTTP listener's URL (console,
metrics, health checks), one line each, and stops cleanly on
Ctrl-C or SIGTERM. Errors (port in use, a data directory locked by another broker, a bad setting)
are one line on stderr and exit status 1.
"""

from __future__ import annotations

import errno
import gc
import importlib
import logging
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any, Final, NoReturn

import click

from broker.cli.allocator import keep_large_buffers
from broker.cli.log_format import LOG_FORMATS, LogFormat, configure_logging

__all__ = ["broker"]

#: How long a stopping broker waits, after its controlled shutdown's time, for a metadata
#: change that needs a quorum before it closes the metadata log without it (see ``_stop``).
QUORUM_GRACE_S: Final = 1.0
#: Allocations (less deallocations) of tracked objects between two young-generation
#: collections; Python's default is 700. A young collection walks the young objects still
#: alive, about as many (a few thousand, the requests in flight) at 700 as at 20,000, so a
#: broker answering tens of thousands of requests a second spends about half the time
#: collecting at this threshold; the cyclic garbage it lets wait is a few MB at most.
YOUNG_COLLECTION_THRESHOLD: Final = 20_000


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
# -- cluster options ----------------------------------------------------------------------
@click.option("--node-id", type=click.IntRange(0), help="This broker's node.id (default 1).")
@click.option(
    "--controller-port",
    type=click.IntRange(0, 65535),
    help="Port of the controller listener (Raft and broker lifecycle; default: from --voters).",
)
@click.option(
    "--voters",
    metavar="ID@HOST:PORT,...",
    help="The metadata quorum (controller.quorum.voters), e.g. 1@localhost:9093,2@localhost:9094.",
)
@click.option(
    "--roles",
    type=click.Choice(["broker,controller", "broker", "controller"]),
    help="process.roles: a combined node (default), a broker outside the quorum, or a "
    "dedicated controller (a voter without a client listener).",
)
# -- end cluster options ------------------------------------------------------------------
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
)
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default="text",
    show_default=True,
    help="text for people; json for log shippers (one object per line, with the structured "
    "fields of a failed request: client_id, api, correlation_id).",
)
def start(
    data_dir: Path | None,
    host: str | None,
    port: int | None,
    config_file: Path | None,
    sets: tuple[str, ...],
    node_id: int | None,
    controller_port: int | None,
    voters: str | None,
    roles: str | None,
    log_level: str,
    log_format: LogFormat,
) -> None:
    """Start a broker and run it until Ctrl-C or SIGTERM."""
    configure_logging(getattr(logging, log_level.upper()), log_format)
    # No cyclic collections while the broker's modules are imported and the settings read:
    # what imports create lives as long as the process, and collecting while it piles up walks
    # it again and again (about a tenth of the start's CPU). Then it is out of the collector's
    # sight (as what starting builds is, in ``_run``), the few cyclic objects imports leave
    # behind (hundreds) with it, once.
    gc.disable()
    try:
        config = _settings(
            data_dir, host, port, config_file, sets, node_id, controller_port, voters, roles
        )
        _check_data_dirs(config)
        importlib.import_module("broker.app")  # what ``_run`` imports, collections off
        gc.freeze()
    finally:
        gc.enable()
    sys.exit(_run(config, log_format))


def _settings(
    data_dir: Path | None,
    host: str | None,
    port: int | None,
    config_file: Path | None,
    sets: tuple[str, ...],
    node_id: int | None,
    controller_port: int | None,
    voters: str | None,
    roles: str | None,
) -> Any:
    """The broker's configuration from the command line (a usage error or ``_fail``)."""
    from broker.config import ConfigError, load_config

    overrides: dict[str, Any] = _parse_sets(sets)
    if host is not None:
        _check_host(host)
    # -- cluster options --
    if node_id is not None:
        overrides["node.id"] = node_id
    if controller_port is not None:
        overrides["controller.port"] = controller_port
    if voters is not None:
        overrides["controller.quorum.voters"] = voters
    if roles is not None:
        overrides["process.roles"] = roles
    # -- end cluster options --
    try:
        base = load_config(config_file, overrides)
        if host is not None or port is not None:
            # --host/--port move the first listener; the others stay as configured.
            from broker.config import ListenerConfig

            first = base.listener
            moved = ListenerConfig(
                first.name,
                first.security_protocol,
                host if host is not None else first.host,
                port if port is not None else first.port,
            )
            parts = [p.strip() for p in base.listeners.split(",") if p.strip()]
            names = [p.partition("://")[0].strip().upper() for p in parts]
            parts[names.index(first.name)] = str(moved)
            overrides["listeners"] = ",".join(parts)
        if data_dir is not None:
            overrides["log.dirs"] = str(data_dir)
        config = load_config(config_file, overrides) if overrides else base
    except ConfigError as exc:
        _fail(str(exc))
    return config


def _fail(message: str) -> NoReturn:
    click.echo(f"samsa: error: {message}", err=True)
    sys.exit(1)


def _check_host(host: str) -> None:
    """A usage error for a ``--host`` that is neither an address nor a name that resolves
    (the listener would fail later with only the resolver's error number)."""
    if not host:
        return  # every interface
    try:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise click.BadParameter(
            f"{host!r} is not an IP address or a host name that resolves ({reason})",
            param_hint="--host",
        ) from None


def _check_data_dirs(config: Any) -> None:
    """Create the data directories (and the metadata log's) now, so that one that cannot be
    created or written is named as the data directory, before anything starts."""
    dirs = [*config.log_dirs]
    if config.metadata_log_dir is not None:
        dirs.append(config.metadata_log_dir)
    for directory in dirs:
        path = Path(directory)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(f"cannot create the data directory {path}: {exc.strerror or exc}")
        if not os.access(path, os.W_OK | os.X_OK):
            _fail(f"the data directory {path} is not writable")


def _listen_message(exc: OSError, config: Any) -> str:
    """One line for a listener that could not bind, naming the address and what to do."""
    where = f"{config.host or '*'}:{config.port}"
    cause = exc.__cause__
    if isinstance(cause, socket.gaierror):
        return f"cannot listen on {where}: {config.host!r} does not resolve ({cause.strerror})"
    message = exc.strerror or str(exc)
    if exc.errno == errno.EADDRNOTAVAIL:
        message += " (not an address of this machine; see --host)"
    elif exc.errno == errno.EACCES:
        message += " (ports below 1024 need privileges; choose another with --port)"
    return message


async def _stop(broker_: Any, config: Any) -> None:
    """Stop the broker cleanly, not waiting for a metadata quorum that is gone.

    When a whole cluster stops, the last brokers may wait for a metadata change that can no
    longer commit (its voters stopped) until Raft's proposal timeout. Once the controlled
    shutdown had its ``controlled.shutdown.timeout.ms`` and ``QUORUM_GRACE_S`` more, the
    metadata log is closed first: the change fails (it was never committed, so nothing is
    lost) and the rest of the stop runs as usual."""
    import asyncio

    stopping = asyncio.ensure_future(broker_.stop())
    wait_s = config.controlled_shutdown_timeout_ms / 1000 + QUORUM_GRACE_S
    done, _ = await asyncio.wait({stopping}, timeout=wait_s)
    close = getattr(broker_.metadata_log, "close_async", None)
    if not done and close is not None:
        logging.getLogger("samsa.broker").warning(
            "still stopping after %.1f s: the metadata quorum is gone; closing the metadata "
            "log without it",
            wait_s,
        )
        await close()
    await stopping


def _run(config: Any, log_format: LogFormat = "text") -> int:
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
            message = _listen_message(exc, config) if isinstance(exc, ListenError) else exc
            click.echo(f"samsa: error: {message}", err=True)
            return 1
        # What starting built (modules, configuration, the metadata image, indexes) lives as
        # long as the process: out of the collector's sight, full collections stop walking
        # it again and again (tens of ms each, about 1.5 µs per small request).
        gc.freeze()
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
        keep_large_buffers()  # request buffers stay in the heap (broker/cli/allocator.py)
        if not config.is_broker:
            endpoint = broker_.controller_endpoint
            port = endpoint.port if endpoint is not None else config.controller_port
            click.echo(f"Samsa controller {config.node_id} on controller port {port}")
        else:
            click.echo(f"Samsa broker {config.node_id} listening on {broker_.bootstrap_servers}")
        click.echo(f"Data directory: {', '.join(str(d) for d in config.log_dirs)}")
        if broker_.http_url is not None:
            click.echo(f"Console, metrics and health checks: {broker_.http_url}")
        sys.stdout.flush()
        await stop.wait()
        if log_format == "json":
            # stderr is the log's alone: every line of it a JSON object.
            logging.getLogger("samsa.broker").info("stopping")
        else:
            click.echo("Stopping…", err=True)
        await _stop(broker_, config)
        return 0

    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(serve())
