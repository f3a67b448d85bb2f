"""``samsa acl``: ACLs (Kafka's authorizer bindings): create, list, delete.

As ``rpk acl``: ``create`` makes one binding per principal x host x operation x resource;
``--allow-principal`` principals get the ``--allow-host`` hosts, ``--deny-principal`` ones the
``--deny-host`` hosts (``*`` when none is given). A principal without a type is a user
(``alice`` is ``User:alice``, ``*`` is ``User:*``). ``list`` and ``delete`` take the same
options as filters, each optional (none: any); ``delete`` needs at least one and deletes only
with ``--yes`` (without it, it prints what would go).
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import click

from client.cli._context import CliContext, common_options, pass_cli
from client.cli._errors import CliError, run

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from client import Admin
    from client.admin import AclBinding, AclBindingFilter

__all__ = ["acl", "parse_operation", "parse_principal"]

_CREATE_PATTERNS: Final = ("literal", "prefixed")
_FILTER_PATTERNS: Final = ("any", "match", "literal", "prefixed")
_OPERATIONS: Final = (
    "all",
    "read",
    "write",
    "create",
    "delete",
    "alter",
    "describe",
    "cluster_action",
    "describe_configs",
    "alter_configs",
    "idempotent_write",
)
_HEADERS: Final = (
    "PRINCIPAL",
    "HOST",
    "RESOURCE-TYPE",
    "RESOURCE-NAME",
    "RESOURCE-PATTERN-TYPE",
    "OPERATION",
    "PERMISSION",
)


def parse_principal(text: str) -> str:
    """``alice`` -> ``User:alice``; ``User:alice`` as it is; a usage error for an empty one."""
    text = text.strip()
    kind, sep, name = text.partition(":")
    if not sep:
        kind, name = "User", text
    if not kind or not name:
        raise click.BadParameter(f"{text!r} is not a principal (User:NAME)", param_hint="principal")
    return f"{kind}:{name}"


def parse_operation(text: str) -> Any:
    """An ``AclOperation`` from its name in any case (``read``, ``DescribeConfigs``, ``any`` in
    filters only through the caller); a usage error naming the choices otherwise."""
    from protocol.acl import AclOperation, parse_enum

    try:
        operation = parse_enum(AclOperation, text)
    except ValueError:
        operation = AclOperation.UNKNOWN
    if operation in (AclOperation.UNKNOWN, AclOperation.ANY):
        raise click.BadParameter(
            f"{text!r} is not an operation (one of: {', '.join(_OPERATIONS)})",
            param_hint="--operation",
        )
    return operation


@dataclass(frozen=True, slots=True)
class _Selection:
    """The options of one ``acl`` command, checked."""

    resources: list[tuple[Any, str]]  # (ResourceType, name)
    principals: list[tuple[Any, str]]  # (AclPermissionType, principal)
    hosts: dict[Any, list[str]]  # AclPermissionType -> hosts
    operations: list[Any]
    pattern: Any


def _resource_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--topic", "topics", multiple=True, metavar="NAME", help="A topic."),
        click.option("--group", "groups", multiple=True, metavar="NAME", help="A group."),
        click.option(
            "--transactional-id",
            "transactional_ids",
            multiple=True,
            metavar="ID",
            help="A transactional id.",
        ),
        click.option("--cluster", is_flag=True, help="The cluster."),
        click.option(
            "--allow-principal",
            "allow_principals",
            multiple=True,
            metavar="PRINCIPAL",
            help="Principal allowed (User:NAME, or NAME).",
        ),
        click.option(
            "--deny-principal",
            "deny_principals",
            multiple=True,
            metavar="PRINCIPAL",
            help="Principal denied (User:NAME, or NAME).",
        ),
        click.option(
            "--allow-host",
            "allow_hosts",
            multiple=True,
            metavar="HOST",
            help="Host (IP) the allowed principals' rule covers (default *).",
        ),
        click.option(
            "--deny-host",
            "deny_hosts",
            multiple=True,
            metavar="HOST",
            help="Host (IP) the denied principals' rule covers (default *).",
        ),
        click.option(
            "--operation",
            "operations",
            multiple=True,
            metavar="OP",
            help=f"Operation: {', '.join(_OPERATIONS)}.",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _select(
    *,
    topics: Sequence[str],
    groups: Sequence[str],
    transactional_ids: Sequence[str],
    cluster: bool,
    allow_principals: Sequence[str],
    deny_principals: Sequence[str],
    allow_hosts: Sequence[str],
    deny_hosts: Sequence[str],
    operations: Sequence[str],
    pattern: str,
    creating: bool,
) -> _Selection:
    from protocol.acl import CLUSTER_NAME, WILDCARD, AclPermissionType, PatternType, ResourceType

    resources: list[tuple[Any, str]] = [(ResourceType.TOPIC, t) for t in topics]
    resources += [(ResourceType.GROUP, g) for g in groups]
    resources += [(ResourceType.TRANSACTIONAL_ID, x) for x in transactional_ids]
    if cluster:
        resources.append((ResourceType.CLUSTER, CLUSTER_NAME))
    for kind, name in resources:
        if not name:
            raise click.UsageError(f"a {kind.name.lower().replace('_', ' ')} name is empty")
    if allow_hosts and not allow_principals:
        raise click.UsageError("--allow-host needs --allow-principal")
    if deny_hosts and not deny_principals:
        raise click.UsageError("--deny-host needs --deny-principal")
    principals = [(AclPermissionType.ALLOW, parse_principal(p)) for p in allow_principals]
    principals += [(AclPermissionType.DENY, parse_principal(p)) for p in deny_principals]
    if creating:
        if not principals:
            raise click.UsageError("give --allow-principal or --deny-principal")
        if not operations:
            raise click.UsageError("give at least one --operation")
        if not resources:
            raise click.UsageError("give --topic, --group, --transactional-id or --cluster")
    default_hosts = [WILDCARD] if creating else []
    hosts = {
        AclPermissionType.ALLOW: list(allow_hosts) or default_hosts,
        AclPermissionType.DENY: list(deny_hosts) or default_hosts,
    }
    return _Selection(
        resources=resources,
        principals=principals,
        hosts=hosts,
        operations=[parse_operation(o) for o in operations],
        pattern=getattr(PatternType, pattern.upper()),
    )


def _bindings(selection: _Selection) -> list[AclBinding]:
    from client.admin import AclBinding

    out: list[AclBinding] = []
    for (rtype, name), (permission, principal), operation in itertools.product(
        selection.resources, selection.principals, selection.operations
    ):
        for host in selection.hosts[permission]:
            out.append(
                AclBinding(
                    resource_type=rtype,
                    resource_name=name,
                    pattern_type=selection.pattern,
                    principal=principal,
                    host=host,
                    operation=operation,
                    permission=permission,
                )
            )
    return list(dict.fromkeys(out))


def _filters(selection: _Selection) -> list[AclBindingFilter]:
    from client.admin import AclBindingFilter
    from protocol.acl import AclOperation, AclPermissionType, ResourceType

    resources: list[tuple[Any, str | None]] = list(selection.resources) or [
        (ResourceType.ANY, None)
    ]
    principals: list[tuple[Any, str | None, str | None]] = []
    for permission, principal in selection.principals:
        hosts: list[str | None] = list(selection.hosts[permission]) or [None]
        for host in hosts:
            principals.append((permission, principal, host))
    if not principals:
        principals = [(AclPermissionType.ANY, None, None)]
    operations = selection.operations or [AclOperation.ANY]
    out = [
        AclBindingFilter(
            resource_type=rtype,
            resource_name=name,
            pattern_type=selection.pattern,
            principal=principal,
            host=host,
            operation=operation,
            permission=permission,
        )
        for (rtype, name), (permission, principal, host), operation in itertools.product(
            resources, principals, operations
        )
    ]
    return list(dict.fromkeys(out))


def _row(b: AclBinding) -> list[object]:
    return [
        b.principal,
        b.host,
        b.resource_type.name,
        b.resource_name,
        b.pattern_type.name,
        b.operation.name,
        b.permission.name,
    ]


def _json(b: AclBinding) -> dict[str, object]:
    return {
        "principal": b.principal,
        "host": b.host,
        "resource_type": b.resource_type.name,
        "resource_name": b.resource_name,
        "pattern_type": b.pattern_type.name,
        "operation": b.operation.name,
        "permission": b.permission.name,
    }


def _print(cli: CliContext, key: str, bindings: Sequence[AclBinding], *, listing: bool) -> None:
    out = cli.output()
    if out.json:
        document: Any = [_json(b) for b in bindings]
        out.emit_json(document if listing else {key: document})
        return
    out.table(_HEADERS, [_row(b) for b in bindings], header_in_pipes=not listing)


#: ``--resource-pattern-type`` of the commands that filter (list, delete).
_filter_pattern_option = click.option(
    "--resource-pattern-type",
    "pattern",
    type=click.Choice(_FILTER_PATTERNS, case_sensitive=False),
    default="any",
    show_default=True,
    help="match: every binding that applies to the named resources (literal, * and prefixes).",
)


async def _matching(admin: Admin, filters: list[AclBindingFilter]) -> list[AclBinding]:
    """The bindings any of ``filters`` matches, each once, in the order found."""
    found: dict[AclBinding, None] = {}
    for f in filters:
        found.update(dict.fromkeys(await admin.describe_acls(f)))
    return list(found)


@click.group()
def acl() -> None:
    """Create, list and delete ACLs."""


@acl.command()
@_resource_options
@click.option(
    "--resource-pattern-type",
    "pattern",
    type=click.Choice(_CREATE_PATTERNS, case_sensitive=False),
    default="literal",
    show_default=True,
    help="literal: the name (or * for all); prefixed: names starting with it.",
)
@common_options()
@pass_cli
def create(cli: CliContext, /, pattern: str, **options: Any) -> None:
    """Create ACLs: each principal x host x operation x resource."""
    bindings = _bindings(_select(pattern=pattern, creating=True, **options))

    async def body() -> None:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            await admin.create_acls(bindings)

    run(body(), bootstrap=cli.bootstrap_servers)
    _print(cli, "created", bindings, listing=False)


@acl.command("list")
@_resource_options
@_filter_pattern_option
@common_options()
@pass_cli
def list_(cli: CliContext, /, pattern: str, **options: Any) -> None:
    """List the ACLs that match the options (none: every ACL)."""
    filters = _filters(_select(pattern=pattern, creating=False, **options))

    async def body() -> list[AclBinding]:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            return await _matching(admin, filters)

    _print(cli, "acls", run(body(), bootstrap=cli.bootstrap_servers), listing=True)


@acl.command()
@_resource_options
@_filter_pattern_option
@click.option("--yes", is_flag=True, help="Delete without asking (scripts).")
@common_options()
@pass_cli
def delete(cli: CliContext, /, pattern: str, yes: bool, **options: Any) -> None:
    """Delete the ACLs that match the options (at least one)."""
    if not any(options.values()):
        raise click.UsageError(
            "give at least one filter (--topic, --group, --transactional-id, --cluster, "
            "--allow-principal, --deny-principal, --operation)"
        )
    filters = _filters(_select(pattern=pattern, creating=False, **options))

    async def body() -> tuple[list[AclBinding], bool]:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            if yes:
                return await admin.delete_acls(filters), True
            return await _matching(admin, filters), False

    bindings, deleted = run(body(), bootstrap=cli.bootstrap_servers)
    if deleted:
        _print(cli, "deleted", bindings, listing=False)
        return
    if not bindings:
        raise CliError("no ACL matches")
    _print(cli, "matching", bindings, listing=False)
    if not sys.stdin.isatty() or not click.confirm(f"delete these {len(bindings)} ACLs?"):
        raise CliError(f"nothing deleted: {len(bindings)} ACLs match; add --yes to delete them")

    async def confirmed() -> list[AclBinding]:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            return await admin.delete_acls(filters)

    _print(cli, "deleted", run(confirmed(), bootstrap=cli.bootstrap_servers), listing=False)
