"""``samsa user``: SCRAM users (SASL/SCRAM credentials): create, list, delete.

``create`` sends a random salt and the salted password (AlterUserScramCredentials), never the
password; ``list`` shows each user's mechanisms and iteration counts (the broker keeps nothing
more that could be shown); ``delete`` removes one mechanism's credential or, without
``--mechanism``, every credential of the user.
"""

from __future__ import annotations

from typing import Any, Final

import click

from client.cli._context import CliContext, common_options, pass_cli
from client.cli._errors import CliError, run

__all__ = ["user"]

_MECHANISMS: Final = ("SCRAM-SHA-256", "SCRAM-SHA-512")
#: rpk's and kafka-configs.sh's default mechanism for a new user.
_DEFAULT_MECHANISM: Final = "SCRAM-SHA-256"
#: The iteration count Kafka's admin client uses by default (the broker accepts 4096-16384).
_DEFAULT_ITERATIONS: Final = 8192


def _user_messages(name: str) -> dict[str, str]:
    return {
        "RESOURCE_NOT_FOUND": f"user {name!r} not found",
        "UNACCEPTABLE_CREDENTIAL": f"the broker refused the credential of user {name!r} "
        "(iterations must be 4096-16384, the name not empty)",
    }


@click.group()
def user() -> None:
    """Create, list and delete SCRAM users (SASL/SCRAM credentials)."""


@user.command()
@click.argument("name")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="The user's password (prompted for when not given).",
)
@click.option(
    "--mechanism",
    type=click.Choice(_MECHANISMS, case_sensitive=False),
    default=_DEFAULT_MECHANISM,
    show_default=True,
    help="SCRAM mechanism of the credential.",
)
@click.option(
    "--iterations",
    type=click.IntRange(4096, 16384),
    default=_DEFAULT_ITERATIONS,
    show_default=True,
    help="PBKDF2 iterations of the credential.",
)
@common_options()
@pass_cli
def create(cli: CliContext, name: str, password: str, mechanism: str, iterations: int) -> None:
    """Create user NAME, or replace its credential for the mechanism."""
    if not name.strip():
        raise click.BadParameter("a user name cannot be empty", param_hint="NAME")
    if not password:
        raise click.BadParameter("the password cannot be empty", param_hint="--password")
    mechanism = mechanism.upper()

    async def body() -> None:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            await admin.upsert_scram_credential(name, mechanism, password, iterations)

    run(body(), bootstrap=cli.bootstrap_servers, messages=_user_messages(name))
    out = cli.output()
    if out.json:
        out.emit_json({"user": name, "mechanism": mechanism, "iterations": iterations})
        return
    out.line(f"created user {name!r} ({mechanism}, {iterations} iterations)")


@user.command("list")
@common_options()
@pass_cli
def list_(cli: CliContext) -> None:
    """List users with their mechanisms and iteration counts."""

    async def body() -> Any:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            return await admin.describe_user_scram_credentials()

    users = run(body(), bootstrap=cli.bootstrap_servers)
    out = cli.output()
    if out.json:
        out.emit_json(
            [
                {
                    "user": name,
                    "credentials": [
                        {"mechanism": c.mechanism, "iterations": c.iterations}
                        for c in users[name].credentials
                    ],
                }
                for name in sorted(users)
            ]
        )
        return
    out.table(
        ["USER", "MECHANISM", "ITERATIONS"],
        [
            [name, c.mechanism, c.iterations]
            for name in sorted(users)
            for c in users[name].credentials
        ],
        header_in_pipes=False,
    )


@user.command()
@click.argument("name")
@click.option(
    "--mechanism",
    type=click.Choice(_MECHANISMS, case_sensitive=False),
    default=None,
    help="Delete only this mechanism's credential (default: every one of the user).",
)
@common_options()
@pass_cli
def delete(cli: CliContext, name: str, mechanism: str | None) -> None:
    """Delete user NAME's credentials."""

    async def body() -> list[str]:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            if mechanism is not None:
                mechanisms = [mechanism.upper()]
            else:
                described = await admin.describe_user_scram_credentials([name])
                found = described.get(name)
                mechanisms = [c.mechanism for c in found.credentials] if found else []
            for m in mechanisms:
                await admin.delete_scram_credential(name, m)
            return mechanisms

    deleted = run(body(), bootstrap=cli.bootstrap_servers, messages=_user_messages(name))
    if not deleted:
        raise CliError(f"user {name!r} not found")
    out = cli.output()
    if out.json:
        out.emit_json({"user": name, "deleted": deleted})
        return
    out.line(f"deleted user {name!r} ({', '.join(deleted)})")
