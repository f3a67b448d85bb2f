"""The ``samsa`` command's root and its admin nouns (``topic``, ``group``, ``produce``,
``consume``, ``transaction``, ``user``, ``acl``), which talk to a broker with Samsa's client only.

One module per noun; each defines its click group or command and this package joins them under
``main``. The broker's own nouns (``samsa broker …``, ``samsa cluster …``) live in
``broker.cli``, which adds them to this same root; the ``samsa`` script is ``broker.cli:main``.
The modules import the client lazily, inside commands, so that ``samsa --help`` and usage
errors answer at once.

Errors are one line on stderr, ``samsa: error: <what failed>``: exit status 1 for failures
(the broker refused, could not be reached, a record was not delivered), 2 for usage (a bad or
missing option). Expected errors never print a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Final

import click

from client.cli._context import common_options
from client.cli._errors import CliError

__all__ = ["CliError", "main"]

#: The nouns: each module ``client.cli.<noun>`` defines the click command or group ``<noun>``.
#: (They are looked up by name, so that ``client.cli.topic`` stays the module.)
_NOUNS: Final = ("topic", "group", "produce", "consume", "transaction", "user", "acl")

#: Exit status after Ctrl-C, as shells report a process killed by SIGINT (128 + 2).
_INTERRUPTED_EXIT: Final = 130


class _SamsaGroup(click.Group):
    """The root group: prints expected errors as one line instead of click's usage block."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        # "samsa" in usage lines however it was started (python -m, python -c, a script).
        kwargs.setdefault("prog_name", "samsa")
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            click.echo(f"samsa: error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"samsa: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            sys.exit(_INTERRUPTED_EXIT)
        except KeyboardInterrupt:
            sys.exit(_INTERRUPTED_EXIT)
        except BrokenPipeError:
            # The reader went away (``samsa consume t | head``): stop quietly. Point stdout at
            # /dev/null so that the interpreter's final flush does not complain again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_SamsaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="samsa", prog_name="samsa")
@common_options(root=True)
def main() -> None:
    """Samsa: a Kafka-compatible message broker, and the tools to use it.

    \b
    samsa broker start                      run a broker
    samsa topic create events -p 3          create a topic
    seq 10 | samsa produce events           one record per line
    samsa consume events -o start -e        read it back
    samsa group describe billing            committed offsets and lag
    samsa cluster info                      brokers and controller
    samsa user create alice                 a SCRAM user (password prompted)
    samsa acl create --allow-principal alice --operation read --topic events
    """


for _noun in _NOUNS:
    main.add_command(getattr(importlib.import_module(f"client.cli.{_noun}"), _noun))
