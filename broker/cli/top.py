"""``samsa top [--url http://HOST:PORT ...] [--interval S] [--once]``: throughput per topic and
lag per group, read from brokers' ``/metrics``.

Throughput is the difference of two scrapes of the ``samsa_topic_{bytes,records}_{in,out}_total``
counters divided by the time between them (a counter that went down — its broker restarted —
counts from zero); lag is ``samsa_consumer_group_lag`` summed per group and the largest
``samsa_consumer_group_lag_seconds`` of the group. Several ``--url``: their rates and lags are
summed (each broker reports its own partitions' traffic and the groups it coordinates).

The live view redraws every ``--interval`` seconds until Ctrl-C; a broker that does not answer
is named in its status line and left out of the sums until it answers again. ``--once`` scrapes
twice, ``--interval`` apart, prints one table (aligned on a terminal, tab-separated in pipes,
or ``--format json``) and exits; a broker that does not answer is a one-line error, exit 1.

``parse_scrape``, ``rates`` and ``combine`` are pure (text and times in, rows out).
"""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import click

from client.cli._context import CliContext, pass_cli
from client.cli._errors import CliError
from client.cli._output import Output, human_bytes

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = [
    "GroupLag",
    "Scrape",
    "ScrapeError",
    "TopicRates",
    "View",
    "combine",
    "parse_scrape",
    "rates",
    "scrape",
    "top",
]

DEFAULT_URL: Final = "http://127.0.0.1:9644"
#: Seconds between two scrapes: long enough for a rate to mean something, short enough to watch.
DEFAULT_INTERVAL_S: Final = 2.0
#: The shortest interval accepted: each refresh costs every broker a full scrape.
MIN_INTERVAL_S: Final = 0.1
#: Longest wait for one broker's ``/metrics`` (a person watching should see a dead broker soon).
SCRAPE_TIMEOUT_S: Final = 5.0
#: Largest ``/metrics`` body read: 10,000 partitions export a few MiB; more is not a broker's.
MAX_SCRAPE_BYTES: Final = 64 * 1024 * 1024

#: The per-topic counters, by the field of ``TopicRates`` they feed.
TOPIC_COUNTERS: Final = {
    "samsa_topic_bytes_in_total": "bytes_in",
    "samsa_topic_records_in_total": "records_in",
    "samsa_topic_bytes_out_total": "bytes_out",
    "samsa_topic_records_out_total": "records_out",
}
LAG_OFFSETS: Final = "samsa_consumer_group_lag"
LAG_SECONDS: Final = "samsa_consumer_group_lag_seconds"


class ScrapeError(Exception):
    """A broker's ``/metrics`` could not be read or parsed (the message is one line)."""


@dataclass(slots=True)
class Scrape:
    """What one scrape of one broker says, at ``at_s`` (a monotonic time)."""

    at_s: float
    topics: dict[str, dict[str, float]] = field(default_factory=dict)
    """Topic → counter field (``bytes_in`` …) → its value; only the counters exported."""
    lag: dict[str, float] = field(default_factory=dict)
    """Group → its lag in records, summed over its partitions."""
    lag_seconds: dict[str, float] = field(default_factory=dict)
    """Group → the largest lag in seconds of its partitions."""


@dataclass(frozen=True, slots=True)
class TopicRates:
    """Per-second rates of one topic; None where no broker exports that counter."""

    topic: str
    bytes_in: float | None
    records_in: float | None
    bytes_out: float | None
    records_out: float | None


@dataclass(frozen=True, slots=True)
class GroupLag:
    """One group's lag: records behind (summed) and seconds behind (the worst partition)."""

    group: str
    lag: float
    lag_seconds: float | None


@dataclass(frozen=True, slots=True)
class View:
    """One refresh: topics by traffic (busiest first), groups by lag (largest first)."""

    topics: list[TopicRates]
    groups: list[GroupLag]


def parse_scrape(text: str, at_s: float) -> Scrape:
    """The counters and lags of one ``/metrics`` text (Prometheus text format)."""
    from prometheus_client.parser import text_string_to_metric_families

    result = Scrape(at_s)
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                name = sample.name
                value = float(sample.value)  # the parser gives ints for integral values
                if math.isnan(value):
                    continue
                counter = TOPIC_COUNTERS.get(name)
                if counter is not None:
                    topic = sample.labels.get("topic")
                    if topic is not None:
                        fields = result.topics.setdefault(topic, {})
                        fields[counter] = fields.get(counter, 0.0) + value
                elif name == LAG_OFFSETS:
                    group = sample.labels.get("group")
                    if group is not None:
                        result.lag[group] = result.lag.get(group, 0.0) + value
                elif name == LAG_SECONDS:
                    group = sample.labels.get("group")
                    if group is not None:
                        result.lag_seconds[group] = max(result.lag_seconds.get(group, 0.0), value)
    except ValueError as exc:  # the parser's only error
        raise ScrapeError(f"not Prometheus text: {exc}") from None
    return result


def _increase(before: float | None, after: float) -> float:
    """How much a counter grew; a counter that went down restarted from zero (Prometheus's
    rule): it grew by its new value."""
    if before is None or after < before:
        return after
    return after - before


def rates(before: Scrape, after: Scrape) -> View:
    """Rates between two scrapes of one broker, and the lags of the later one. A topic new in
    ``after`` counts from zero; one gone from ``after`` (deleted) is left out."""
    elapsed_s = after.at_s - before.at_s
    if elapsed_s <= 0:
        raise ValueError(f"the second scrape must be later than the first ({elapsed_s} s)")
    topics = []
    for topic, counters in after.topics.items():
        earlier = before.topics.get(topic, {})
        per_s: dict[str, float | None] = {f: None for f in TOPIC_COUNTERS.values()}
        for name, value in counters.items():
            per_s[name] = _increase(earlier.get(name), value) / elapsed_s
        topics.append(TopicRates(topic, **per_s))
    groups = [GroupLag(g, lag, after.lag_seconds.get(g)) for g, lag in after.lag.items()]
    for group, seconds in after.lag_seconds.items():
        if group not in after.lag:
            groups.append(GroupLag(group, 0.0, seconds))
    return _sorted(topics, groups)


def _add(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _max(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def combine(views: Iterable[View]) -> View:
    """Several brokers' views as one: rates and lags in records summed per topic and group,
    the largest lag in seconds kept."""
    topics: dict[str, TopicRates] = {}
    groups: dict[str, GroupLag] = {}
    for view in views:
        for t in view.topics:
            seen = topics.get(t.topic)
            if seen is not None:
                t = TopicRates(
                    t.topic,
                    _add(seen.bytes_in, t.bytes_in),
                    _add(seen.records_in, t.records_in),
                    _add(seen.bytes_out, t.bytes_out),
                    _add(seen.records_out, t.records_out),
                )
            topics[t.topic] = t
        for g in view.groups:
            old = groups.get(g.group)
            if old is not None:
                g = GroupLag(g.group, old.lag + g.lag, _max(old.lag_seconds, g.lag_seconds))
            groups[g.group] = g
    return _sorted(list(topics.values()), list(groups.values()))


def _sorted(topics: list[TopicRates], groups: list[GroupLag]) -> View:
    def traffic(t: TopicRates) -> float:
        return (t.bytes_in or 0.0) + (t.bytes_out or 0.0)

    return View(
        sorted(topics, key=lambda t: (-traffic(t), t.topic)),
        sorted(groups, key=lambda g: (-g.lag, -(g.lag_seconds or 0.0), g.group)),
    )


# -- scraping --------------------------------------------------------------------------------


def metrics_url(url: str) -> str:
    """``host:port`` or ``http://host:port`` → ``http://host:port/metrics`` (a URL that names
    a path is used as it is)."""
    from urllib.parse import urlsplit

    if "://" not in url:
        url = f"http://{url}"
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        return url.rstrip("/") + "/metrics"
    return url


def scrape(url: str, auth: tuple[str, str] | None, *, clock: Any = time.monotonic) -> Scrape:
    """Read and parse one broker's ``/metrics``; ``ScrapeError`` names what failed."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": "text/plain"})
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=SCRAPE_TIMEOUT_S) as response:
            body = response.read(MAX_SCRAPE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        hint = ""
        if exc.code in (401, 403):
            hint = " (see --user and --password)"
        elif exc.code == 404:
            hint = " (is http.metrics.enable false on that broker?)"
        raise ScrapeError(f"{url}: HTTP {exc.code} {exc.reason}{hint}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        text = getattr(reason, "strerror", None) or str(reason)
        raise ScrapeError(f"cannot reach {url}: {text}") from None
    except (OSError, ValueError) as exc:  # a timeout while reading, a malformed URL
        raise ScrapeError(f"cannot read {url}: {exc}") from None
    if len(body) > MAX_SCRAPE_BYTES:
        raise ScrapeError(f"{url}: more than {MAX_SCRAPE_BYTES} bytes of metrics")
    try:
        return parse_scrape(body.decode("utf-8"), clock())
    except UnicodeDecodeError:
        raise ScrapeError(f"{url}: the metrics are not UTF-8") from None
    except ScrapeError as exc:
        raise ScrapeError(f"{url}: {exc}") from None


# -- printing --------------------------------------------------------------------------------

TOPIC_HEADERS: Final = ("TOPIC", "BYTES IN/S", "RECORDS IN/S", "BYTES OUT/S", "RECORDS OUT/S")
GROUP_HEADERS: Final = ("GROUP", "LAG", "LAG SECONDS")


def _bytes_cell(value: float | None, people: bool) -> object:
    if value is None:
        return None
    return f"{human_bytes(round(value))}/s" if people else f"{value:.1f}"


def _number_cell(value: float | None) -> object:
    return None if value is None else f"{value:.1f}"


def _rows(view: View, people: bool) -> tuple[list[list[object]], list[list[object]]]:
    topics = [
        [
            t.topic,
            _bytes_cell(t.bytes_in, people),
            _number_cell(t.records_in),
            _bytes_cell(t.bytes_out, people),
            _number_cell(t.records_out),
        ]
        for t in view.topics
    ]
    groups = [[g.group, round(g.lag), _number_cell(g.lag_seconds)] for g in view.groups]
    return topics, groups


def _document(view: View, errors: Sequence[str]) -> dict[str, Any]:
    return {
        "topics": [
            {
                "topic": t.topic,
                "bytes_in_per_s": t.bytes_in,
                "records_in_per_s": t.records_in,
                "bytes_out_per_s": t.bytes_out,
                "records_out_per_s": t.records_out,
            }
            for t in view.topics
        ],
        "groups": [
            {"group": g.group, "lag": round(g.lag), "lag_seconds": g.lag_seconds}
            for g in view.groups
        ],
        "errors": list(errors),
    }


def _print_once(out: Output, view: View) -> None:
    if out.json:
        out.emit_json(_document(view, []))
        return
    topics, groups = _rows(view, out.terminal)
    out.heading("TOPICS")
    out.table(TOPIC_HEADERS, topics)
    out.heading("GROUPS")
    out.table(GROUP_HEADERS, groups)


def _renderable(view: View, status: str, errors: Sequence[str]) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    topics, groups = _rows(view, True)
    topic_table = Table(title="Throughput per topic", title_justify="left", expand=True)
    for i, header in enumerate(TOPIC_HEADERS):
        topic_table.add_column(header, justify="left" if i == 0 else "right", no_wrap=True)
    for row in topics:
        topic_table.add_row(*("-" if c is None else str(c) for c in row))
    group_table = Table(title="Lag per group", title_justify="left", expand=True)
    for i, header in enumerate(GROUP_HEADERS):
        group_table.add_column(header, justify="left" if i == 0 else "right", no_wrap=True)
    for row in groups:
        group_table.add_row(*("-" if c is None else str(c) for c in row))
    lines = [Text(status, style="bold")]
    lines.extend(Text(e, style="red") for e in errors)
    return Group(*lines, topic_table, group_table)


# -- the command -----------------------------------------------------------------------------


def _scrape_all(
    urls: Sequence[str], auth: tuple[str, str] | None
) -> tuple[dict[str, Scrape], list[str]]:
    scrapes: dict[str, Scrape] = {}
    errors: list[str] = []
    for url in urls:
        try:
            scrapes[url] = scrape(url, auth)
        except ScrapeError as exc:
            errors.append(str(exc))
    return scrapes, errors


def _view(before: Mapping[str, Scrape], after: Mapping[str, Scrape]) -> View:
    return combine(rates(before[u], after[u]) for u in after if u in before)


@click.command()
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="http://HOST:PORT",
    help=f"A broker's HTTP listener (repeatable: brokers are summed). Default {DEFAULT_URL}.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=MIN_INTERVAL_S),
    default=DEFAULT_INTERVAL_S,
    show_default=True,
    help="Seconds between scrapes (and between the two scrapes of --once).",
)
@click.option("--once", is_flag=True, help="Print one table and exit (for scripts).")
@click.option("--user", help="HTTP Basic user, when the brokers' console requires one.")
@click.option(
    "--password",
    envvar="SAMSA_HTTP_PASSWORD",
    help="HTTP Basic password (env SAMSA_HTTP_PASSWORD; prompted when --user is given alone).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default=None,
    help="With --once: text (aligned on a terminal, tab-separated when piped) or json.",
)
@pass_cli
def top(
    cli: CliContext,
    urls: tuple[str, ...],
    interval: float,
    once: bool,
    user: str | None,
    password: str | None,
    fmt: str | None,
) -> None:
    """Throughput per topic and lag per group, live, from brokers' /metrics."""
    # A broker named twice is scraped (and counted) once.
    targets = list(dict.fromkeys(metrics_url(u) for u in (urls or (DEFAULT_URL,))))
    auth: tuple[str, str] | None = None
    if user is not None:
        if password is None:
            password = click.prompt(f"Password for {user}", hide_input=True)
        auth = (user, password)
    if once:
        out = Output("json" if (fmt or cli.format) == "json" else "text")
        before, errors = _scrape_all(targets, auth)
        if errors:
            raise CliError(errors[0])
        time.sleep(interval)
        after, errors = _scrape_all(targets, auth)
        if errors:
            raise CliError(errors[0])
        _print_once(out, _view(before, after))
        return
    _live(targets, auth, interval)


def _live(urls: Sequence[str], auth: tuple[str, str] | None, interval: float) -> None:
    from rich.live import Live

    previous, errors = _scrape_all(urls, auth)
    view = View([], [])
    status = f"samsa top: {len(urls)} broker(s); the first rates in {interval:g} s"
    try:
        with Live(_renderable(view, status, errors), auto_refresh=False) as live:
            while True:
                time.sleep(interval)
                current, errors = _scrape_all(urls, auth)
                view = _view(previous, current)
                previous = {**previous, **current}
                answering = len(current)
                status = (
                    f"samsa top: {time.strftime('%H:%M:%S')}  {answering}/{len(urls)} broker(s) "
                    f"answering, every {interval:g} s (Ctrl-C to stop)"
                )
                live.update(_renderable(view, status, errors), refresh=True)
    except KeyboardInterrupt:
        return
