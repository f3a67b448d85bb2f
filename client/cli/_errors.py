"""Errors of the admin commands: one line on stderr, exit status 1 for failures, 2 for usage.

Commands raise ``CliError`` (a failure: the broker said no, or could not be reached) or
``click.UsageError`` (a bad option). ``run`` drives a command's coroutine and turns the client's
expected errors into ``CliError`` with a message naming what failed; anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

import click

if TYPE_CHECKING:
    from client.errors import KafkaConnectionError, KafkaError

__all__ = ["CliError", "describe_error", "run"]

T = TypeVar("T")

#: The parent of every logger of Samsa's client.
CLIENT_LOGGER: Final = "samsa.client"


class CliError(click.ClickException):
    """An expected failure: printed as ``samsa: error: <message>``, exit status 1."""

    exit_code = 1


def describe_error(exc: KafkaError) -> str:
    """A Kafka error as one readable line: what failed (the client's message), why (the
    broker's message or the code's description) and the code's name."""
    description = exc.code.description
    text = (exc.message or "").strip().rstrip(":").strip()
    if not text:
        text = description
    elif ":" not in text and description not in text:
        # The client's message names only the subject ("topic 'x'"): say what is wrong.
        text = f"{text}: {description[:1].lower()}{description[1:]}"
    name = exc.code.name
    return text if name in text else f"{text} ({name})"


def _connection_message(exc: KafkaConnectionError, bootstrap: str) -> str:
    return (
        f"cannot reach a broker at {bootstrap}: {exc.reason} "
        "(is it running? set --bootstrap-server or SAMSA_BOOTSTRAP_SERVERS)"
    )


def run(
    coro: Coroutine[Any, Any, T],
    *,
    bootstrap: str,
    messages: Mapping[str, str] | None = None,
) -> T:
    """Run one command's coroutine to its end; expected errors become ``CliError`` (exit 1),
    a rejected client option a ``click.UsageError`` (exit 2). ``messages``: the line to print
    for some error codes (by name, e.g. ``"TOPIC_ALREADY_EXISTS"``) instead of the generic
    one."""
    # asyncio and the client are imported here, not at start-up: ``samsa --help`` stays quick.
    import asyncio
    import logging

    # The client's own log lines (a record that failed, a retry) would reach stderr through
    # logging's last-resort handler; the command reports what failed in its one line instead.
    logging.getLogger(CLIENT_LOGGER).addHandler(logging.NullHandler())

    from client.errors import (
        AuthenticationError,
        ConfigError,
        KafkaConnectionError,
        KafkaError,
        KafkaTimeoutError,
    )

    try:
        return asyncio.run(coro)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    except AuthenticationError as exc:
        # Names the user and mechanism (SASL) or the address (TLS) already.
        raise CliError(str(exc)) from None
    except KafkaConnectionError as exc:
        raise CliError(_connection_message(exc, bootstrap)) from None
    except KafkaTimeoutError as exc:
        raise CliError(f"timed out talking to {bootstrap}: {describe_error(exc)}") from None
    except KafkaError as exc:
        special = (messages or {}).get(exc.code.name)
        raise CliError(special or describe_error(exc)) from None
