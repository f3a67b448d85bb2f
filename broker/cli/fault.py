"""``samsa fault …``: make a running broker fail on purpose, for tests of applications in any
language, over the broker's fault-injection admin channel (``/api/faults`` on its HTTP
listener; the broker needs ``faults.admin.enable=true``).

Verbs arm one fault each and print it (``fault 3 armed: error NOT_LEADER_OR_FOLLOWER after
Produce x1``): ``error API ERROR``, ``delay API MS``, ``drop [API]``, ``refuse MS``,
``pause TOPIC PARTITION``, ``rebalance GROUP``, ``expire GROUP [MEMBER]``, ``move-leader TOPIC
PARTITION``, ``bump-epoch TOPIC PARTITION``; ``resume TOPIC PARTITION``, ``list``, ``clear
[ID]`` and ``chaos SEED`` / ``chaos --stop`` manage them. A spec that cannot be armed is a
usage error (exit 2, checked here before anything is sent); what the broker refuses or cannot
do is one line, exit 1.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any, Final, TypeVar

import click

from client.cli._context import CliContext
from client.cli._errors import CliError
from client.cli._output import Output

__all__ = ["DEFAULT_URL", "HTTP_TIMEOUT_S", "fault"]

DEFAULT_URL: Final = "http://127.0.0.1:9644"
#: Longest wait for the broker's answer: an action (a rebalance, a leader's move) is carried
#: out before the broker answers, within its own 10 s bound.
HTTP_TIMEOUT_S: Final = 15.0
#: Largest answer read (a listing holds at most 1,000 firings and a few hundred faults).
MAX_ANSWER_BYTES: Final = 8 * 1024 * 1024
#: The header the admin channel wants on every change.
FAULTS_HEADER: Final = "X-Samsa-Faults"

F = TypeVar("F", bound=Callable[..., Any])

#: Where the group keeps the channel for its verbs (``click.Context.meta`` is shared).
_CHANNEL_KEY: Final = "samsa.fault.channel"


class _Channel:
    """The admin channel of one broker."""

    def __init__(self, url: str, auth: tuple[str, str] | None) -> None:
        if "://" not in url:
            url = f"http://{url}"
        self.base = url.rstrip("/")
        self.auth = auth

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """The answer's JSON; ``CliError`` (one line) for an error answer or no answer."""
        import urllib.error
        import urllib.request

        url = f"{self.base}/api/faults{path}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/json")
        if method != "GET":
            request.add_header(FAULTS_HEADER, "1")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.auth is not None:
            token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode("ascii")
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
                raw = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise CliError(self._refusal(exc)) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            text = getattr(reason, "strerror", None) or str(reason)
            raise CliError(
                f"cannot reach the broker's HTTP listener at {self.base}: {text} "
                "(is it running? see --url)"
            ) from None
        except (OSError, ValueError) as exc:  # a timeout while reading, a malformed URL
            raise CliError(f"cannot read {url}: {exc}") from None
        try:
            return json.loads(raw)
        except ValueError:
            raise CliError(f"{url}: the answer is not JSON") from None

    def _refusal(self, exc: Any) -> str:
        status = int(exc.code)
        code = None
        try:
            answer = json.loads(exc.read(64 * 1024))
            code = answer["error"]
            message = f"{answer['message']} ({code})"
        except (ValueError, KeyError, TypeError, OSError):
            message = f"HTTP {status} {exc.reason}"
        if status == 404 and code != "FAULT_NOT_FOUND":  # no such route: the channel is off
            return (
                f"{self.base} has no fault admin channel (start the broker with "
                "--set faults.admin.enable=true)"
            )
        if status == 401:
            return f"{message} (see --user and --password)"
        return " ".join(message.split())


def _channel(ctx: click.Context) -> _Channel:
    channel = ctx.meta[_CHANNEL_KEY]
    assert isinstance(channel, _Channel)
    return channel


def _arm(**fields: Any) -> None:
    """Check the spec here (a usage error, exit 2), send it, print the armed fault."""
    from broker.faults import FaultSpec, FaultSpecError  # not at start-up: it loads protocol

    ctx = click.get_current_context()
    try:
        spec = FaultSpec.create(**fields)
    except FaultSpecError as exc:
        raise click.UsageError(str(exc)) from None
    answer = _channel(ctx).call("POST", "", spec.to_json())
    fault = answer["fault"]
    out = _output(ctx)
    if out.json:
        out.emit_json(fault)
        return
    out.line(f"fault {fault['id']} armed: {fault['description']}")
    if not fault["active"] and fault["end_reason"] not in (None, "count"):
        out.line(f"fault {fault['id']} {fault['end_reason']}")


def _output(ctx: click.Context, fmt: str | None = None) -> Output:
    cli = ctx.find_object(CliContext)
    chosen = fmt or (cli.format if cli is not None else "text")
    return Output("json" if chosen == "json" else "text")


def _scope(fn: F) -> F:
    """The options that narrow a request fault."""
    options = [
        click.option("--topic", help="Only requests naming this topic (Produce, Fetch…)."),
        click.option("--partition", type=int, help="Only this partition of --topic."),
        click.option("--client-id", help="Only requests from this client id."),
        click.option("--skip", type=int, default=0, show_default=True, help="Let N pass first."),
        click.option(
            "--count", type=int, default=1, show_default=True, help="Fire N times (then end)."
        ),
        click.option(
            "--forever",
            is_flag=True,
            help="Fire on every matching request until cleared (or --duration-ms).",
        ),
        click.option("--duration-ms", type=int, help="End after this many milliseconds."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _scope_fields(
    topic: str | None,
    partition: int | None,
    client_id: str | None,
    skip: int,
    count: int,
    forever: bool,
    duration_ms: int | None,
) -> dict[str, Any]:
    return {
        "topic": topic,
        "partition": partition,
        "client_id": client_id,
        "skip": skip,
        "count": None if forever else count,
        "duration_ms": duration_ms,
    }


@click.group()
@click.option(
    "--url",
    envvar="SAMSA_HTTP_URL",
    default=DEFAULT_URL,
    show_default=True,
    metavar="http://HOST:PORT",
    help="The broker's HTTP listener (env SAMSA_HTTP_URL).",
)
@click.option("--user", help="HTTP Basic user, when the broker asks for a login (SASL).")
@click.option(
    "--password",
    envvar="SAMSA_HTTP_PASSWORD",
    help="HTTP Basic password (env SAMSA_HTTP_PASSWORD; prompted when --user is given alone).",
)
@click.pass_context
def fault(ctx: click.Context, url: str, user: str | None, password: str | None) -> None:
    """Make a running broker fail on purpose (needs faults.admin.enable=true)."""
    auth: tuple[str, str] | None = None
    if user is not None:
        if password is None:
            password = click.prompt(f"Password for {user}", hide_input=True)
        auth = (user, password)
    ctx.meta[_CHANNEL_KEY] = _Channel(url, auth)


@fault.command("error")
@click.argument("api")
@click.argument("error")
@click.option(
    "--when",
    type=click.Choice(["before", "after"]),
    default="before",
    show_default=True,
    help="before: the request is not handled; after: it is (a produce is appended), then the "
    "answer is replaced by the error.",
)
@_scope
def error_(api: str, error: str, when: str, **scope: Any) -> None:
    """Answer API requests (Produce, Fetch, …) with a Kafka ERROR (NOT_LEADER_OR_FOLLOWER …)."""
    _arm(kind="error", api=api, error=error, when=when, **_scope_fields(**scope))


@fault.command()
@click.argument("api")
@click.argument("delay_ms", type=int)
@_scope
def delay(api: str, delay_ms: int, **scope: Any) -> None:
    """Hold back the responses of API requests DELAY_MS milliseconds."""
    _arm(kind="delay", api=api, delay_ms=delay_ms, **_scope_fields(**scope))


@fault.command()
@click.argument("api", required=False)
@click.option("--mid-response", is_flag=True, help="Write half the response, then close.")
@_scope
def drop(api: str | None, mid_response: bool, **scope: Any) -> None:
    """Close the connection instead of answering an API request (any API without one)."""
    _arm(kind="drop", api=api, mid_response=mid_response, **_scope_fields(**scope))


@fault.command()
@click.argument("duration_ms", type=int)
def refuse(duration_ms: int) -> None:
    """Close new connections at once for DURATION_MS milliseconds."""
    _arm(kind="refuse", duration_ms=duration_ms)


@fault.command()
@click.argument("topic")
@click.argument("partition", type=int)
@click.option("--duration-ms", type=int, help="Resume after this many milliseconds.")
def pause(topic: str, partition: int, duration_ms: int | None) -> None:
    """Pause a partition: consumers read nothing, produces wait, until resumed."""
    _arm(kind="pause", topic=topic, partition=partition, duration_ms=duration_ms)


@fault.command()
@click.argument("topic")
@click.argument("partition", type=int)
@click.pass_context
def resume(ctx: click.Context, topic: str, partition: int) -> None:
    """Resume a paused partition."""
    _channel(ctx).call("POST", "/resume", {"topic": topic, "partition": partition})
    _output(ctx).line(f"resumed {topic}-{partition}")


@fault.command()
@click.argument("group")
def rebalance(group: str) -> None:
    """Start a rebalance of GROUP now."""
    _arm(kind="rebalance", group_id=group)


@fault.command()
@click.argument("group")
@click.argument("member", required=False)
def expire(group: str, member: str | None) -> None:
    """End a member's session (every member's without MEMBER), as if its heartbeats stopped."""
    _arm(kind="expire", group_id=group, member_id=member)


@fault.command("move-leader")
@click.argument("topic")
@click.argument("partition", type=int)
@click.option("--to", "to_broker", type=int, help="The in-sync replica to lead (default: any).")
def move_leader(topic: str, partition: int, to_broker: int | None) -> None:
    """Move a partition's leadership to another in-sync replica."""
    _arm(kind="move-leader", topic=topic, partition=partition, to_broker=to_broker)


@fault.command("bump-epoch")
@click.argument("topic")
@click.argument("partition", type=int)
def bump_epoch(topic: str, partition: int) -> None:
    """Bump a partition's leader epoch, its leader unchanged."""
    _arm(kind="bump-epoch", topic=topic, partition=partition)


@fault.command("list")
@click.option(
    "--history", "history", type=click.IntRange(0, 1000), default=0, help="Also the last N firings."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default=None,
    help="text (aligned on a terminal, tab-separated when piped) or json.",
)
@click.pass_context
def list_(ctx: click.Context, history: int, fmt: str | None) -> None:
    """The armed faults (and the chaos run, and the last firings with --history N)."""
    answer = _channel(ctx).call("GET", f"?limit={history}")
    out = _output(ctx, fmt)
    if out.json:
        out.emit_json(answer)
        return
    rows = [[f["id"], f["description"], f["source"], f["fired"]] for f in answer["armed"]]
    out.table(["ID", "FAULT", "SOURCE", "FIRED"], rows)
    chaos = answer.get("chaos")
    if chaos is not None:
        out.line(
            f"chaos seed={chaos['seed']} running: {chaos['rate_per_s']:g} faults/s, "
            f"{chaos['armed']} armed so far"
        )
    if history:
        firings = [
            [h["fault_id"], h["kind"], h["api"] or "-", h["detail"]] for h in answer["history"]
        ]
        out.heading("FIRINGS")
        out.table(["FAULT", "KIND", "API", "DETAIL"], firings)


@fault.command()
@click.argument("fault_id", type=int, required=False)
@click.pass_context
def clear(ctx: click.Context, fault_id: int | None) -> None:
    """End fault FAULT_ID, or every fault and the chaos run."""
    path = "" if fault_id is None else f"/{fault_id}"
    answer = _channel(ctx).call("DELETE", path)
    out = _output(ctx)
    if out.json:
        out.emit_json(answer)
        return
    cleared = answer["cleared"]
    out.line(f"cleared {len(cleared)} fault{'' if len(cleared) == 1 else 's'}")


@fault.command()
@click.argument("seed", type=int, required=False)
@click.option("--rate", type=float, default=1.0, show_default=True, help="Faults per second.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    help="Kinds to draw from (repeatable; default error, delay, drop, refuse).",
)
@click.option(
    "--api",
    "apis",
    multiple=True,
    help="APIs request faults hit (repeatable; default the data and consumer-group APIs).",
)
@click.option("--duration-ms", type=int, help="Stop after this many milliseconds.")
@click.option("--stop", is_flag=True, help="Stop the chaos run (and end its faults).")
@click.pass_context
def chaos(
    ctx: click.Context,
    seed: int | None,
    rate: float,
    kinds: tuple[str, ...],
    apis: tuple[str, ...],
    duration_ms: int | None,
    stop: bool,
) -> None:
    """Arm random faults at --rate per second, the same ones for the same SEED."""
    channel = _channel(ctx)
    out = _output(ctx)
    if stop:
        channel.call("DELETE", "/chaos")
        out.line("chaos stopped")
        return
    if seed is None:
        raise click.UsageError("chaos needs a SEED (or --stop)")
    from broker.faults import CHAOS_KINDS, DEFAULT_CHAOS_APIS, ChaosSchedule, FaultSpecError

    body: dict[str, Any] = {
        "seed": seed,
        "rate_per_s": rate,
        "kinds": list(kinds) or None,
        "apis": list(apis) or list(DEFAULT_CHAOS_APIS),
        "duration_ms": duration_ms,
    }
    try:  # checked here first: a bad setting is a usage error
        ChaosSchedule(seed, rate, list(kinds) or CHAOS_KINDS, body["apis"])
    except FaultSpecError as exc:
        raise click.UsageError(str(exc)) from None
    answer = channel.call("POST", "/chaos", body)
    if out.json:
        out.emit_json(answer)
        return
    run = answer["chaos"]
    until = "" if run["duration_ms"] is None else f" for {run['duration_ms']} ms"
    out.line(
        f"chaos seed={run['seed']} started: {run['rate_per_s']:g} faults/s of "
        f"{', '.join(run['kinds'])}{until}"
    )
