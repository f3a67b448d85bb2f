"""The harness's outputs: ``report.md`` (machine, method, targets with met / MISSED, ratios,
one table per scenario, the plots), ``results.json`` (every sample of every case) and PNG plots
(matplotlib, drawn off-screen)."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bench.common import Case, Env, size_label
from bench.noise import OTHERS_MAX_CORES
from bench.scenarios import cluster, fleet, latency, recovery, scale, small, tansu
from bench.scenarios.throughput import acks_label, consume_name, produce_name

NATS_DEFAULT: Final = "NATS JetStream default"
NATS_ALWAYS: Final = "NATS JetStream sync always"
RABBIT: Final = "RabbitMQ stream"
PRODUCE_SERIES: Final = (
    ("sink", "sink (ceiling)"),
    ("samsa none", "Samsa, policy none"),
    ("samsa group", "Samsa, policy group"),
    (NATS_DEFAULT, NATS_DEFAULT),
    (NATS_ALWAYS, NATS_ALWAYS),
    (RABBIT, RABBIT),
)


READING: Final = [
    "## How to read this",
    "",
    "- **limit** says which side kept its core >= 80 % busy: `generator` (the load generator: "
    "the row measures it, not the server; compare **server CPU s/GB** instead), `server`, or "
    "`waits` (neither: fsync, round trips, or other work on this shared machine).",
    "- **The sink is a ceiling for server work, not a peer**: it validates CRCs, patches offsets "
    "and writes, nothing else. Where both rows are generator-bound, `/ sink` near 1 only says "
    "Samsa keeps up with the generator; a ratio above 1 is run-to-run noise of the generator.",
    "- **Load generators**: Samsa's and the sink's produce, consume and latency rows are "
    "driven by the C load generator (`bench/loadgen_c`, librdkafka's C API: no per-message "
    "Python); rows naming a Python client (Samsa's own, confluent-kafka) measure that client "
    "against the same broker.",
    "- **Peers** are driven by Python publishers (a pipelined NATS-protocol publisher, "
    "`rstream`), Samsa and the sink by librdkafka: a peer row whose limit is `waits` may be "
    "below what that broker can do with a faster client. NATS with `sync_interval: always` "
    "gets 20,000 messages per run (a full-size run would take minutes); its rate is compared.",
    "- **Noise**: the machine is shared; the ranges show run-to-run spread. Distrust a median "
    "whose range is wider than the difference you care about. **others' CPU** is what every "
    "process but the harness's own (servers, load generators, peers) used during the case, "
    "kernel writeback included, as a share of one core (`/proc/stat`). A case where others "
    f"used more than {OTHERS_MAX_CORES:.0%} of a core is run again once; if it is still that "
    "disturbed it is kept, marked **(busy)**, and a target measured on it gets no verdict.",
]


@dataclass
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None  # None: not measured (a case it needs was not run, or failed)
    note: str = ""
    #: A case it was measured on was disturbed by other processes: no verdict.
    busy: bool = False
    #: A case it needs failed (rather than was not run).
    failed: bool = False

    @property
    def verdict(self) -> str:
        if self.met is None:
            return FAILED_VERDICT if self.failed else NOT_RUN_VERDICT
        if self.busy:
            return BUSY_VERDICT
        return "met" if self.met else "MISSED"


#: The verdict of a target measured on a busy case (``noise.OTHERS_MAX_CORES``).
BUSY_VERDICT: Final = "busy: no verdict"
#: The verdict of a target whose case did not run (skipped, not available, or not chosen).
NOT_RUN_VERDICT: Final = "not run"
#: The verdict of a target whose case ran and failed without a sample.
FAILED_VERDICT: Final = "failed"

#: The goals, from the issue (ratios are medians over medians of one run).
SINK_RATIO_GOAL: Final = 0.9
TANSU_MSGS_RATIO_GOAL: Final = 2.0
TANSU_CPU_RATIO_GOAL: Final = 0.3
GROUP_OVER_NONE_GOAL: Final = 0.8
CONSUME_MB_S_GOAL: Final = 2_000.0
CONSUME_TANSU_RATIO_GOAL: Final = 2.0
SINGLE_RECORD_US_GOAL: Final = 13.0
SINGLE_RECORD_SINK_RATIO_GOAL: Final = 0.95
#: p99 end-to-end latency (ms) by rate (msgs/s), on a quiet machine.
LATENCY_P99_MS_GOALS: Final = {10_000: 1.0, 50_000: 2.0}
STARTUP_S_GOAL: Final = 0.5
RECOVERY_10_GIB_S_GOAL: Final = 2.0
#: Kept from earlier rounds of the issue.
NATS_RATIO_GOAL: Final = 2.0
RABBIT_RATIO_GOAL: Final = 1.5
NATS_ALWAYS_RATIO_GOAL: Final = 20.0
CLUSTER_MSGS_S_GOAL: Final = 420_000.0
RSS_10K_PARTITIONS_MB_GOAL: Final = 500.0
#: The case holding every Samsa start of the throughput scenario.
STARTUP_CASE: Final = "broker start-up and idle RSS"

TARGETS_INTRO: Final = [
    "The issue's goals, measured (not asserted) on this run: Samsa's produce at >= "
    f"{SINK_RATIO_GOAL:g}x the sink's messages/s (100 B and 1 KiB, acks 1 and all, policy "
    f"`none`); at 1 KiB >= {TANSU_MSGS_RATIO_GOAL:g}x Tansu's messages/s for <= "
    f"{TANSU_CPU_RATIO_GOAL:g}x its CPU s/GB (the Tansu comparison's cases: one generator "
    f"build for both), and policy `group` (fsync before acknowledging) >= "
    f"{GROUP_OVER_NONE_GOAL:g}x `none`; the C consumer at >= {CONSUME_MB_S_GOAL / 1000:g} GB/s "
    f"and >= {CONSUME_TANSU_RATIO_GOAL:g}x Tansu; a single-record Produce in <= "
    f"{SINGLE_RECORD_US_GOAL:g} µs of broker CPU at >= {SINGLE_RECORD_SINK_RATIO_GOAL:g}x the "
    "sink's requests/s; end-to-end p99 at 1 KiB <= "
    + " and <= ".join(
        f"{ms:g} ms at {rate // 1000}k msgs/s" for rate, ms in LATENCY_P99_MS_GOALS.items()
    )
    + f" on a quiet machine; start-up <= {STARTUP_S_GOAL:g} s and <= "
    f"{RECOVERY_10_GIB_S_GOAL:g} s to the first answered request after a kill -9 with 10 GiB "
    "(both from spawning the process). The NATS, RabbitMQ, RF=3 and idle-RSS goals are kept "
    "from before. A ratio is of two medians; a target measured on a busy case gets "
    f"`{BUSY_VERDICT}`, one whose case did not run `{NOT_RUN_VERDICT}` (the note says why).",
]


def _marked(env: Env, target: Target, *names: str) -> Target:
    """``target`` marked busy when any of the cases it was measured on is, and failed when one
    it needs failed without a sample."""
    target.busy = any(c.busy for name in names if (c := env.cases.get(name)) is not None)
    target.failed = any(
        c.failures and not c.samples and not c.skipped
        for name in names
        if (c := env.cases.get(name)) is not None
    )
    return target


def _median(env: Env, name: str, metric: str) -> float | None:
    case = env.cases.get(name)
    return case.median(metric) if case is not None else None


def _why_missing(env: Env, *names: str) -> str:
    for name in names:
        case = env.cases.get(name)
        if case is None:
            return f"{name}: not run"
        if case.status != "ok" and not case.samples:
            return f"{name}: {case.status}"
    return ""


def ratio(env: Env, mine: str, theirs: str, metric: str = "msgs_s") -> float | None:
    a, b = _median(env, mine, metric), _median(env, theirs, metric)
    return a / b if a is not None and b else None


def _limit_note(env: Env, name: str) -> str:
    """Why a case is missing, or what bounded it."""
    why = _why_missing(env, name)
    case = env.cases.get(name)
    if why or case is None:
        return why
    limit = limit_of(case)
    return f"limit: {limit}" if limit else ""


def _met(value: float | None, goal: float, at_most: bool) -> bool | None:
    if value is None:
        return None
    return value <= goal if at_most else value >= goal


def value_target(
    env: Env,
    name: str,
    case: str,
    metric: str,
    goal: float,
    *,
    at_most: bool = False,
    fmt: str = ",.0f",
    note: str | None = None,
) -> Target:
    """``case``'s median ``metric`` against ``goal`` (at least, or at most)."""
    v = _median(env, case, metric)
    target = Target(
        name,
        f"{'<=' if at_most else '>='} {goal:,g}",
        "-" if v is None else f"{v:{fmt}}",
        _met(v, goal, at_most),
        _limit_note(env, case) if note is None or v is None else note,
    )
    return _marked(env, target, case)


def ratio_target(
    env: Env,
    name: str,
    mine: str,
    theirs: str,
    goal: float,
    *,
    metric: str = "msgs_s",
    at_most: bool = False,
) -> Target:
    """The median ``metric`` of ``mine`` over that of ``theirs`` against ``goal``."""
    value = ratio(env, mine, theirs, metric)
    note = _why_missing(env, mine, theirs)
    a, b = env.cases.get(mine), env.cases.get(theirs)
    if not note and a is not None and b is not None:
        note = f"limit: {limit_of(a)} / {limit_of(b)}"
    target = Target(
        name,
        f"{'<=' if at_most else '>='} {goal:g}x",
        "-" if value is None else f"{value:.2f}x",
        _met(value, goal, at_most),
        note,
    )
    return _marked(env, target, mine, theirs)


def _startup_target(env: Env) -> Target:
    """Spawn to the first answered ApiVersions, over every Samsa start of the throughput
    scenario; busy when any produce case those starts served was (their samples carry no
    noise check of their own)."""
    case = env.cases.get(STARTUP_CASE)
    starts = len(case.samples) if case is not None else 0
    target = value_target(
        env,
        "start-up: spawn -> first answered request (s)",
        STARTUP_CASE,
        "startup_s",
        STARTUP_S_GOAL,
        at_most=True,
        fmt=".2f",
        note=f"median of {starts} starts (throughput scenario)",
    )
    target.busy = any(
        c.busy
        for c in _cases(env, "throughput")
        if c.name.startswith("produce") and c.params.get("server") in ("none", "group")
    )
    return target


def targets(env: Env) -> list[Target]:
    """Each target of the issue with its measured figure."""
    out: list[Target] = []
    for size in (100, 1024):
        for acks in (1, -1):
            mine = produce_name(size, acks, "samsa none")
            out.append(
                ratio_target(
                    env,
                    f"produce {size_label(size)} {acks_label(acks)} none: Samsa / sink",
                    mine,
                    produce_name(size, acks, "sink"),
                    SINK_RATIO_GOAL,
                )
            )
    kib_none = produce_name(1024, 1, "samsa none")
    out += [
        ratio_target(
            env,
            "produce 1 KiB acks=1 none: Samsa / NATS JetStream",
            kib_none,
            produce_name(1024, 1, NATS_DEFAULT),
            NATS_RATIO_GOAL,
        ),
        ratio_target(
            env,
            "produce 1 KiB acks=1 none: Samsa / RabbitMQ streams",
            kib_none,
            produce_name(1024, 1, RABBIT),
            RABBIT_RATIO_GOAL,
        ),
        ratio_target(
            env,
            "produce 1 KiB acks=1 group: Samsa / NATS sync always",
            produce_name(1024, 1, "samsa group"),
            produce_name(1024, 1, NATS_ALWAYS),
            NATS_ALWAYS_RATIO_GOAL,
        ),
    ]
    for acks in (1, -1):
        out.append(
            ratio_target(
                env,
                f"produce 1 KiB {acks_label(acks)}: policy group / policy none",
                produce_name(1024, acks, "samsa group"),
                produce_name(1024, acks, "samsa none"),
                GROUP_OVER_NONE_GOAL,
            )
        )
    for acks in (1, -1):
        label = f"produce 1 KiB {acks_label(acks)}"
        mine, theirs = tansu.case_name(label, tansu.SAMSA), tansu.case_name(label, tansu.TANSU)
        out.append(
            ratio_target(
                env, f"{label} none: Samsa / Tansu msgs/s", mine, theirs, TANSU_MSGS_RATIO_GOAL
            )
        )
        out.append(
            ratio_target(
                env,
                f"{label} none: Samsa / Tansu CPU s/GB",
                mine,
                theirs,
                TANSU_CPU_RATIO_GOAL,
                metric="cpu_s_per_gb",
                at_most=True,
            )
        )
    out += [
        value_target(
            env,
            "consume 1 KiB, librdkafka (C) (MB/s)",
            consume_name(1024, "librdkafka (C)"),
            "mb_s",
            CONSUME_MB_S_GOAL,
        ),
        ratio_target(
            env,
            "consume 1 KiB, librdkafka (C): Samsa / Tansu",
            tansu.case_name(tansu.CONSUME_LABEL, tansu.SAMSA),
            tansu.case_name(tansu.CONSUME_LABEL, tansu.TANSU),
            CONSUME_TANSU_RATIO_GOAL,
        ),
        value_target(
            env,
            "single-record Produce: broker CPU per request (µs)",
            small.produce_name(small.SAMSA),
            "us_per_request",
            SINGLE_RECORD_US_GOAL,
            at_most=True,
            fmt=".1f",
        ),
        ratio_target(
            env,
            "single-record Produce: Samsa / sink requests/s",
            small.produce_name(small.SAMSA),
            small.produce_name(small.SINK),
            SINGLE_RECORD_SINK_RATIO_GOAL,
            metric="requests_s",
        ),
    ]
    for rate, goal in LATENCY_P99_MS_GOALS.items():
        out.append(
            value_target(
                env,
                f"latency 1 KiB at {rate // 1000}k msgs/s, p99 (ms)",
                latency.case_name(rate),
                "p99_ms",
                goal,
                at_most=True,
                fmt=".2f",
            )
        )
    ten_gib = recovery.case_name(10 * 1024**3)
    ready = _median(env, ten_gib, "seconds")
    out += [
        _startup_target(env),
        value_target(
            env,
            "recovery, kill -9 with 10 GiB: first answered request (s)",
            ten_gib,
            "api_versions_s",
            RECOVERY_10_GIB_S_GOAL,
            at_most=True,
            fmt=".2f",
            note="" if ready is None else f"every end offset back after {ready:.2f} s",
        ),
        value_target(
            env,
            "produce 100 B acks=all RF=3 (msgs/s)",
            cluster.CASE,
            "msgs_s",
            CLUSTER_MSGS_S_GOAL,
        ),
        value_target(
            env,
            "idle RSS with 10,000 partitions, all written to (MB)",
            scale.partitions_name(10_000),
            "rss_after_produce_mb",
            RSS_10K_PARTITIONS_MB_GOAL,
            at_most=True,
            note="",
        ),
    ]
    return out


# -- Markdown ---------------------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return [*out, ""]


def _label(case: Case) -> str:
    """A case's name in a table, marked when it was busy."""
    return f"{case.name} **(busy)**" if case.busy else case.name


def _status_rows(cases: Sequence[Case]) -> list[str]:
    lines = []
    for case in cases:
        if case.status != "ok":
            lines.append(f"- **{case.name}**: {case.status}")
        if case.busy:
            worst = max(case.values("other_busy"), default=0.0)
            again = "even when run again" if max(case.values("reruns"), default=0) else "once"
            lines.append(
                f"- **{case.name}**: busy: other processes used up to {worst:.0%} of a core "
                f"(more than {OTHERS_MAX_CORES:.0%}) {again}: its figures are shown, no "
                "target verdict is given"
            )
    return lines + ([""] if lines else [])


def _cases(env: Env, scenario: str) -> list[Case]:
    return [c for c in env.cases.values() if c.scenario == scenario]


#: A process this busy (share of one core) is taken as what limited a case.
BUSY: Final = 0.8


def limit_of(case: Case) -> str:
    """``generator`` or ``server`` (whichever kept its core >= 80 % busy), else ``waits``
    (fsync, round trips)."""
    gen, srv = case.median("gen_busy"), case.median("server_busy")
    if gen is None or srv is None:
        return ""
    if gen >= BUSY and gen >= srv:
        return "generator"
    if srv >= BUSY:
        return "server"
    return "waits"


def _ratio_of(env: Env, case: Case, reference: str) -> str:
    r = ratio(env, case.name, reference)
    return "" if r is None or case.name == reference else f"{r:.2f}"


def throughput_section(env: Env) -> list[str]:
    produce = [c for c in _cases(env, "throughput") if c.name.startswith("produce")]
    consume = [c for c in _cases(env, "throughput") if c.name.startswith("consume")]
    rows = []
    for case in produce:
        size, acks = case.params.get("size", 0), case.params.get("acks", 1)
        rows.append(
            [
                _label(case),
                case.spread("msgs_s", ",.0f"),
                case.spread("mb_s", ".1f"),
                case.spread("cpu_s_per_gb", ".2f"),
                case.spread("server_busy", ".0%"),
                case.spread("gen_busy", ".0%"),
                case.spread("other_busy", ".0%"),
                limit_of(case),
                _ratio_of(env, case, produce_name(size, acks, "sink")),
                ""
                if "NATS" in case.name or "RabbitMQ" in case.name
                else _ratio_of(
                    env,
                    case,
                    produce_name(size, 1, NATS_ALWAYS if "group" in case.name else NATS_DEFAULT),
                ),
                ""
                if "RabbitMQ" in case.name
                else _ratio_of(env, case, produce_name(size, 1, RABBIT)),
            ]
        )
    lines = ["## Produce", ""]
    lines += _table(
        [
            "case",
            "msgs/s",
            "MB/s",
            "server CPU s/GB",
            "server CPU",
            "generator CPU",
            "others' CPU",
            "limit",
            "/ sink",
            "/ NATS (policy group: / NATS sync always)",
            "/ RabbitMQ",
        ],
        rows,
    )
    lines += _status_rows(produce)
    lines += ["## Consume (from the page cache)", ""]
    lines += _table(
        [
            "case",
            "msgs/s",
            "MB/s",
            "server CPU s/GB",
            "server CPU",
            "generator CPU",
            "others' CPU",
            "limit",
        ],
        [
            [
                _label(c),
                c.spread("msgs_s", ",.0f"),
                c.spread("mb_s", ".1f"),
                c.spread("cpu_s_per_gb", ".2f"),
                c.spread("server_busy", ".0%"),
                c.spread("gen_busy", ".0%"),
                c.spread("other_busy", ".0%"),
                limit_of(c),
            ]
            for c in consume
        ],
    )
    lines += _status_rows(consume)
    start = env.cases.get("broker start-up and idle RSS")
    if start is not None and start.samples:
        lines += ["## Start-up and idle RSS (every Samsa start of the throughput runs)", ""]
        lines += _table(
            ["figure", "median [min..max]", "starts"],
            [
                [
                    "spawn -> ApiVersions answered (s)",
                    start.spread("startup_s", ".2f"),
                    str(len(start.samples)),
                ],
                [
                    "idle RSS, no topic (MB)",
                    start.spread("rss_idle_mb", ".1f"),
                    str(len(start.samples)),
                ],
                [
                    "idle RSS, one topic (MB)",
                    start.spread("rss_topic_mb", ".1f"),
                    str(len(start.samples)),
                ],
            ],
        )
    return lines


def _tansu_ratio(env: Env, case: Case, other: str, metric: str) -> str:
    """Samsa's median ``metric`` over ``other``'s, same workload (on Samsa's rows only)."""
    if case.params.get("server") != tansu.SAMSA:
        return ""
    label = str(case.params.get("workload", ""))
    r = ratio(env, case.name, tansu.case_name(label, other), metric)
    return "" if r is None else f"{r:.2f}"


def tansu_section(env: Env) -> list[str]:
    """Samsa, the sink and Tansu on the same generator build (``scenarios/tansu.py``):
    one row per workload and server, Samsa's row with its ratios to the others."""
    cases = _cases(env, tansu.NAME)
    if not cases:
        return []
    version = env.installed.get(tansu.INSTALLED_KEY, "?")
    lines = [
        "## Samsa next to Tansu and the sink (one librdkafka build)",
        "",
        "Every row is driven by the C load generator linked to the librdkafka confluent-kafka's "
        f"wheel bundles ({version}; Tansu fails the ApiVersions handshake of Debian's 2.0.2, "
        "the harness's default build). Tansu keeps its log in memory; Samsa runs with "
        "`log.flush.policy=none` (page cache, no fsync). Each workload's rounds ran back to "
        "back, each round on Samsa, the sink and Tansu in turn. Ratios are Samsa's median over "
        "the other's: msgs/s (above 1: Samsa faster) and server CPU s/GB (below 1: Samsa "
        "cheaper per byte). The sink serves no Fetch: no consume row.",
        "",
    ]
    rows = [
        [
            str(c.params.get("workload", c.name)),
            f"{c.params.get('server', '')}" + (" **(busy)**" if c.busy else ""),
            c.spread("msgs_s", ",.0f"),
            c.spread("mb_s", ".1f"),
            c.spread("cpu_s_per_gb", ".2f"),
            c.spread("server_busy", ".0%"),
            c.spread("gen_busy", ".0%"),
            c.spread("other_busy", ".0%"),
            limit_of(c),
            _tansu_ratio(env, c, tansu.SINK, "msgs_s"),
            _tansu_ratio(env, c, tansu.TANSU, "msgs_s"),
            _tansu_ratio(env, c, tansu.SINK, "cpu_s_per_gb"),
            _tansu_ratio(env, c, tansu.TANSU, "cpu_s_per_gb"),
        ]
        for c in sorted(
            cases,
            key=lambda c: (
                str(c.params.get("workload", "")).startswith("consume"),
                list(env.cases).index(c.name),
            ),
        )
    ]
    lines += _table(
        [
            "workload",
            "server",
            "msgs/s",
            "MB/s",
            "server CPU s/GB",
            "server CPU",
            "generator CPU",
            "others' CPU",
            "limit",
            "Samsa / sink msgs/s",
            "Samsa / Tansu msgs/s",
            "Samsa / sink CPU s/GB",
            "Samsa / Tansu CPU s/GB",
        ],
        rows,
    )
    return lines + _status_rows(cases)


def small_section(env: Env) -> list[str]:
    """Single-record Produce and single-batch Fetch (``scenarios/small.py``): broker CPU per
    request and requests/s, Samsa's Produce next to the sink's."""
    cases = _cases(env, small.NAME)
    if not cases:
        return []
    sink = small.produce_name(small.SINK)
    lines = [
        "## Small requests: one record per Produce, one batch per Fetch",
        "",
        "100 B records, acks 1, every one in a Produce request of its own (`linger.ms=0`, "
        "`batch.size=1`, `batch.num.messages=1`; librdkafka keeps several in flight), from the "
        "C load generator to Samsa (policy `none`) and to the sink, in turn each round; then "
        "the C consumer reads Samsa's partition back with `fetch.message.max.bytes=1` (one "
        "batch, here one record, per Fetch). **µs/request** is the server's CPU over the load "
        "divided by the requests it answered (Samsa: `samsa_requests_total`; the sink: its own "
        "count); `/ sink` is Samsa's median over the sink's.",
        "",
    ]
    rows = []
    for c in cases:
        produce = c.params.get("api") == "Produce" and c.name != sink
        rows.append(
            [
                _label(c),
                c.spread("requests", ",.0f"),
                c.spread("requests_s", ",.0f"),
                c.spread("us_per_request", ".1f"),
                c.spread("server_busy", ".0%"),
                c.spread("gen_busy", ".0%"),
                c.spread("other_busy", ".0%"),
                limit_of(c),
                _fmt_ratio(ratio(env, c.name, sink, "requests_s")) if produce else "",
                _fmt_ratio(ratio(env, c.name, sink, "us_per_request")) if produce else "",
            ]
        )
    lines += _table(
        [
            "case",
            "requests",
            "requests/s",
            "server CPU µs/request",
            "server CPU",
            "generator CPU",
            "others' CPU",
            "limit",
            "/ sink requests/s",
            "/ sink µs/request",
        ],
        rows,
    )
    return lines + _status_rows(cases)


def _fmt_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _generic_section(
    env: Env, scenario: str, title: str, columns: Sequence[tuple[str, str, str]]
) -> list[str]:
    cases = _cases(env, scenario)
    if not cases:
        return []
    rows = [[_label(c)] + [c.spread(metric, fmt) for _, metric, fmt in columns] for c in cases]
    lines = [f"## {title}", ""]
    lines += _table(["case"] + [h for h, _, _ in columns], rows)
    return lines + _status_rows(cases)


def fleet_section(env: Env) -> list[str]:
    """Many producers (``scenarios/fleet.py``): what a fleet of small producers offered, what
    the server delivered and at what latency and CPU per request."""
    cases = _cases(env, fleet.NAME)
    if not cases:
        return []
    lines = [
        "## Many producers (one record per Produce request)",
        "",
        "Each producer is its own librdkafka instance and connection, sending one record every "
        "interval (`linger.ms=0`, one record per request); the C load generator's `fleet` role. "
        "Latency runs from a record's due time to its delivery report, so a generator that falls "
        "behind its schedule counts against it. Records still outstanding (or never sent) "
        f"{fleet.DRAIN_S:g} s after the last one was due are **undelivered** (their latency so "
        "far is in the percentiles). Server and generator CPU are counted from the moment every "
        "producer is connected; **µs/request** is the server's CPU per delivered request. "
        "**generator late** is how long after its due time a record was handed to librdkafka "
        "at most: a generator that cannot offer the load (its CPU full, limit `generator`) "
        "shows here, and its lateness is in every latency.",
        "",
    ]
    rows = [
        [
            str(c.params.get("server", c.name)) + (" **(busy)**" if c.busy else ""),
            f"{c.params.get('producers', 0):,} x {c.params.get('size', 0)} B / "
            f"{c.params.get('interval_ms', 0):g} ms",
            c.spread("offered_msgs_s", ",.0f"),
            c.spread("sent_msgs_s", ",.0f"),
            c.spread("msgs_s", ",.0f"),
            c.spread("undelivered", ",.0f"),
            c.spread("p50_ms", ".2f"),
            c.spread("p99_ms", ".1f"),
            c.spread("p999_ms", ".1f"),
            c.spread("server_busy", ".0%"),
            c.spread("server_us_per_request", ".1f"),
            c.spread("gen_busy", ".0%"),
            c.spread("behind_max_ms", ",.0f"),
            c.spread("other_busy", ".0%"),
            limit_of(c),
        ]
        for c in cases
    ]
    lines += _table(
        [
            "server",
            "fleet",
            "offered req/s",
            "sent req/s",
            "achieved req/s",
            "undelivered",
            "p50 ms",
            "p99 ms",
            "p99.9 ms",
            "server CPU",
            "server µs/request",
            "generator CPU",
            "generator late, max ms",
            "others' CPU",
            "limit",
        ],
        rows,
    )
    return lines + _status_rows(cases)


def transactions_section(env: Env) -> list[str]:
    """Transactional produce against the same producer without transactions
    (``bench/txn_bench.py``); nothing when that bench did not run."""
    return _generic_section(
        env,
        "transactions",
        "Transactional produce (1 KiB, acks=all, policy none)",
        [
            ("msgs/s", "msgs_s", ",.0f"),
            ("MB/s", "mb_s", ".1f"),
            ("txns/s", "txns_s", ",.1f"),
            ("server CPU s/GB", "cpu_s_per_gb", ".1f"),
            ("server CPU", "server_busy", ".0%"),
        ],
    )


def markdown(env: Env, header: list[str], plots: list[str], found: list[Target]) -> str:
    lines = ["# Samsa benchmark report", "", *header, ""]
    lines += ["## Targets", "", *TARGETS_INTRO, ""]
    lines += _table(
        ["target", "goal", "measured", "verdict", "note"],
        [[t.name, t.goal, t.measured, t.verdict, t.note] for t in found],
    )
    lines += [
        "`limit` in a target's note: what bounded the measured case (for a ratio: Samsa's "
        "case / the other's); see below.",
        "",
        *READING,
        "",
    ]
    lines += throughput_section(env)
    lines += tansu_section(env)
    lines += small_section(env)
    lines += _generic_section(
        env,
        "latency",
        "End-to-end latency (1 KiB, acks=1, policy none, ms)",
        [
            ("p50", "p50_ms", ".2f"),
            ("p99", "p99_ms", ".2f"),
            ("p99.9", "p999_ms", ".2f"),
            ("max", "max_ms", ".1f"),
            ("server CPU", "server_busy", ".0%"),
        ],
    )
    lines += _generic_section(env, "groups", "Group rebalance (s)", [("seconds", "seconds", ".3f")])
    lines += _generic_section(
        env,
        "scale",
        "Scale",
        [
            ("create topic (s)", "create_s", ".2f"),
            ("Metadata p50 (ms)", "metadata_p50_ms", ".2f"),
            ("produce msgs/s", "msgs_s", ",.0f"),
            ("idle RSS (MB)", "rss_mb", ".0f"),
            ("RSS after produce (MB)", "rss_after_produce_mb", ".0f"),
            ("KB per connection", "kb_per_connection", ".1f"),
        ],
    )
    lines += fleet_section(env)
    lines += _generic_section(
        env,
        "recovery",
        "Recovery after kill -9",
        [
            ("ApiVersions answered (s)", "api_versions_s", ".2f"),
            ("all end offsets back (s)", "seconds", ".2f"),
        ],
    )
    lines += transactions_section(env)
    lines += _generic_section(
        env,
        "cluster",
        "Replication factor 3",
        [("msgs/s", "msgs_s", ",.0f")],
    )
    lines += _generic_section(
        env,
        "limits",
        "Machine limits",
        [("MB/s", "mb_s", ",.0f"), ("Gbit/s", "gbit_s", ".1f"), ("writes/s", "writes_s", ",.0f")],
    )
    if plots:
        lines += ["## Plots", ""] + [f"![{Path(p).stem}]({p})" for p in plots] + [""]
    if env.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in env.notes] + [""]
    return "\n".join(lines)


# -- plots ------------------------------------------------------------------------------------


def _bars(
    ax: Any,
    groups: Sequence[str],
    series: Sequence[tuple[str, Callable[[str], Case | None]]],
    metric: str,
    scale: float = 1.0,
) -> None:
    width = 0.8 / max(1, len(series))
    for i, (label, pick) in enumerate(series):
        xs, ys, lo, hi = [], [], [], []
        for g_index, group in enumerate(groups):
            case = pick(group)
            values = [v / scale for v in case.values(metric)] if case is not None else []
            if not values:
                continue
            med = statistics.median(values)
            xs.append(g_index + (i - (len(series) - 1) / 2) * width)
            ys.append(med)
            lo.append(med - min(values))
            hi.append(max(values) - med)
        if xs:
            ax.bar(xs, ys, width, label=label, yerr=[lo, hi], capsize=2)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups)


def plots(env: Env, out: Path) -> list[str]:
    """Draw the PNGs; their file names (relative to ``out``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    made: list[str] = []
    sizes = sorted({c.params["size"] for c in _cases(env, "throughput") if "size" in c.params})
    labels = [f"{s} B" if s < 1024 else f"{s // 1024} KiB" for s in sizes]
    by_label = dict(zip(labels, sizes, strict=True))
    series = [
        (title, lambda g, server=server: env.cases.get(produce_name(by_label[g], 1, server)))
        for server, title in PRODUCE_SERIES
    ]
    if sizes:
        for metric, ylabel, name, log in (
            ("msgs_s", "messages/s (acks=1), log scale", "produce_msgs.png", True),
            ("cpu_s_per_gb", "server CPU seconds per GB, log scale", "produce_cpu.png", True),
        ):
            fig, ax = plt.subplots(figsize=(10, 5))
            _bars(ax, labels, series, metric)
            if log:
                ax.set_yscale("log")
            ax.set_ylabel(ylabel)
            ax.set_xlabel("message size")
            ax.set_title(f"Produce, one partition: median, range over {env.runs} run(s)")
            ax.legend(fontsize=8)
            fig.tight_layout()
            fig.savefig(out / name, dpi=100)
            plt.close(fig)
            made.append(name)
    lat = _cases(env, "latency")
    if any(c.samples for c in lat):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        groups = [c.name.replace("latency 1 KiB at ", "") for c in lat]
        width = 0.25
        for i, (metric, label) in enumerate(
            (("p50_ms", "p50"), ("p99_ms", "p99"), ("p999_ms", "p99.9"))
        ):
            meds = [c.median(metric) or 0.0 for c in lat]
            ax.bar([x + (i - 1) * width for x in range(len(lat))], meds, width, label=label)
        ax.set_xticks(range(len(lat)))
        ax.set_xticklabels(groups)
        for (rate, ms), color in zip(
            LATENCY_P99_MS_GOALS.items(), ("tab:orange", "tab:red"), strict=True
        ):
            ax.axhline(
                ms,
                color=color,
                linestyle="--",
                linewidth=1,
                label=f"p99 target ({rate // 1000}k/s)",
            )
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_ylabel("ms (log scale)")
        ax.set_title("End-to-end latency, 1 KiB, acks=1 (median of runs)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / "latency.png", dpi=100)
        plt.close(fig)
        made.append("latency.png")
    parts = [c for c in _cases(env, "scale") if "partitions" in c.params and c.samples]
    if parts:
        fig, axes = plt.subplots(1, 3, figsize=(12, 4))
        xs = [str(c.params["partitions"]) for c in parts]
        for ax, (metric, title) in zip(
            axes,
            (
                ("metadata_p50_ms", "Metadata latency p50 (ms)"),
                ("msgs_s", "produce 1 KiB msgs/s"),
                ("rss_mb", "idle RSS (MB)"),
            ),
            strict=True,
        ):
            ax.bar(xs, [c.median(metric) or 0.0 for c in parts])
            ax.set_title(title)
            ax.set_xlabel("partitions")
        fig.tight_layout()
        fig.savefig(out / "scale.png", dpi=100)
        plt.close(fig)
        made.append("scale.png")
    return made


def write(env: Env, header: list[str], meta: dict[str, Any]) -> list[Target]:
    """Write report.md, results.json and the plots into ``env.out``; the targets."""
    env.out.mkdir(parents=True, exist_ok=True)
    found = targets(env)
    made = plots(env, env.out)
    (env.out / "report.md").write_text(markdown(env, header, made, found))
    payload = {
        **meta,
        "header": header,
        "targets": [
            {
                "target": t.name,
                "goal": t.goal,
                "measured": t.measured,
                "verdict": t.verdict,
                "note": t.note,
            }
            for t in found
        ],
        "cases": [c.to_json() for c in env.cases.values()],
        "notes": env.notes,
    }
    (env.out / "results.json").write_text(json.dumps(payload, indent=1, sort_keys=False) + "\n")
    return found


def render(results: Path, out: Path) -> list[Target]:
    """Write the report and plots again from a ``results.json`` (no measuring)."""
    from bench.broker_bench import Children

    payload = json.loads(results.read_text())
    env = Env(out, out, payload["quick"], payload["runs"], payload["pinned"], Children(pin=False))
    for raw in payload["cases"]:
        case = env.case(raw["scenario"], raw["name"], **raw["params"])
        case.samples = raw["samples"]
        case.failures = raw["failures"]
        case.skipped = raw["skipped"]
    env.notes = list(payload.get("notes", []))
    # What the sections name (the Tansu comparison's librdkafka) comes from the versions.
    env.installed = dict(payload.get("versions", {}))
    meta = {k: v for k, v in payload.items() if k not in ("targets", "cases", "notes", "header")}
    return write(env, list(payload.get("header", [])), meta)
