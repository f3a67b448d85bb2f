"""The admin commands' shared options: where the cluster is, the output format, client options.

``--bootstrap-server``/``-b`` (also ``SAMSA_BOOTSTRAP_SERVERS``; default ``localhost:9092``),
``--format text|json`` and ``-X key=value`` (any client option, by Kafka's name) are accepted
both before the noun (``samsa -b host:9092 topic list``) and after the verb
(``samsa topic list -b host:9092``); the later one wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import click

from client.cli._output import Output, OutputFormat

if TYPE_CHECKING:
    from client.config import ClientConfig

__all__ = [
    "CONNECT_TIMEOUT_MS",
    "DEFAULT_BOOTSTRAP",
    "CliContext",
    "common_options",
    "parse_key_values",
    "pass_cli",
]

DEFAULT_BOOTSTRAP: Final = "localhost:9092"
BOOTSTRAP_ENV: Final = "SAMSA_BOOTSTRAP_SERVERS"
#: How long the commands wait for a TCP connection to a broker (the client's default is 10 s):
#: a person at a terminal should learn within seconds that nothing listens there.
#: ``-X socket.connection.setup.timeout.ms=N`` overrides it.
CONNECT_TIMEOUT_MS: Final = 3_000
#: The client id the commands send unless ``-X client.id=…`` says otherwise (broker logs).
CLIENT_ID: Final = "samsa-cli"

ClientKind = Literal["admin", "producer", "consumer"]

F = TypeVar("F", bound=Callable[..., Any])


def parse_key_values(values: tuple[str, ...], option: str) -> dict[str, str]:
    """``("a=1", "b=2")`` → ``{"a": "1", "b": "2"}``; a usage error names a malformed one."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint=option)
        out[key.strip()] = value.strip()
    return out


@dataclass(slots=True)
class CliContext:
    """What the shared options chose for this invocation."""

    bootstrap_servers: str = DEFAULT_BOOTSTRAP
    format: OutputFormat = "text"
    client_options: dict[str, str] = field(default_factory=dict)

    def output(self) -> Output:
        """The printer for this command's results."""
        return Output(self.format)

    def options_for(self, kind: ClientKind, **fixed: Any) -> dict[str, Any]:
        """Options for one client: the CLI's defaults, the command's own (``fixed``) and the
        bootstrap servers, each overridden by the ``-X`` options that client knows (an option
        no client knows is a usage error naming the closest valid ones)."""
        from client.config import (
            AdminConfig,
            ClientConfig,
            ConsumerConfig,
            ProducerConfig,
            normalize_key,
        )

        classes: dict[str, type[ClientConfig]] = {
            "admin": AdminConfig,
            "producer": ProducerConfig,
            "consumer": ConsumerConfig,
        }
        known = {name for c in classes.values() for name in c.model_fields}
        fields = classes[kind].model_fields
        # Normalised name → (the key as spelled, value): -X replaces the command's own.
        by_name: dict[str, tuple[str, Any]] = {
            "client_id": ("client_id", CLIENT_ID),
            "socket_connection_setup_timeout_ms": (
                "socket_connection_setup_timeout_ms",
                CONNECT_TIMEOUT_MS,
            ),
        }
        by_name.update({normalize_key(k): (k, v) for k, v in fixed.items()})
        by_name["bootstrap_servers"] = ("bootstrap_servers", self.bootstrap_servers)
        for key, value in self.client_options.items():
            name = normalize_key(key)
            name = ClientConfig.ALIASES.get(name, name)
            if name in fields:
                by_name[name] = (key, value)
            elif name not in known:
                raise click.BadParameter(_unknown_option(key, sorted(known)), param_hint="-X")
        return dict(by_name.values())


def _unknown_option(key: str, names: list[str]) -> str:
    import difflib

    from client.config import dotted, normalize_key

    matches = difflib.get_close_matches(normalize_key(key), names, n=3, cutoff=0.5)
    text = f"unknown client option {key!r}"
    if matches:
        text += "; did you mean " + " or ".join(repr(dotted(m)) for m in matches) + "?"
    return text


def _store(attr: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value is None or value == ():
            return
        cli = ctx.find_object(CliContext)
        if cli is None:
            cli = ctx.ensure_object(CliContext)
        if attr == "client_options":
            cli.client_options.update(parse_key_values(value, "-X"))
        else:
            setattr(cli, attr, value)

    return callback


def common_options(*, root: bool = False) -> Callable[[F], F]:
    """``-b/--bootstrap-server``, ``--format`` and ``-X``; at the root with the environment
    variable and defaults, on each command without (so that only a given value overrides)."""

    def decorate(fn: F) -> F:
        options = [
            click.option(
                "-b",
                "--bootstrap-server",
                "bootstrap_servers",
                envvar=BOOTSTRAP_ENV if root else None,
                default=DEFAULT_BOOTSTRAP if root else None,
                show_default=root,
                metavar="HOST:PORT[,HOST:PORT…]",
                help=f"Brokers to connect to (env {BOOTSTRAP_ENV}).",
                expose_value=False,
                callback=_store("bootstrap_servers"),
            ),
            click.option(
                "--format",
                "format",
                type=click.Choice(["text", "json"]),
                default="text" if root else None,
                show_default=root,
                help="text: aligned on a terminal, tab-separated when piped; json.",
                expose_value=False,
                callback=_store("format"),
            ),
            click.option(
                "-X",
                "client_options",
                multiple=True,
                metavar="KEY=VALUE",
                help="A client option by its Kafka name, e.g. -X request.timeout.ms=5000.",
                expose_value=False,
                callback=_store("client_options"),
            ),
        ]
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate


pass_cli = click.make_pass_decorator(CliContext, ensure=True)
