"""Samsa next to Tansu (a Kafka-protocol broker in Rust, in-memory storage) and the sink, all
three driven by one build of the C load generator: the one linked to the librdkafka that
confluent-kafka's wheel bundles, since Tansu 0.6.0 fails the ApiVersions handshake of Debian's
librdkafka 2.0.2 (the harness's default build).

Workloads, one topic of one partition on a fresh server per run:

* produce 100 B and 1 KiB, acks 1 and all (the C generator's throughput settings: linger 5 ms,
  1 MiB batches);
* produce 100 B, acks 1, one record per request (``linger.ms=0``, ``batch.size=1``): what a
  request costs, not a byte;
* consume 1 KiB with the C consumer, from the server the produce 1 KiB acks 1 run just filled
  (Samsa and Tansu: the sink serves no Fetch).

Samsa runs with ``log.flush.policy=none``: Tansu keeps its log in memory and fsyncs nothing
either. Every workload runs its rounds back to back, each round on every server in turn
(Samsa, sink, Tansu, Samsa, sink, Tansu, ...), so that drift hits all sides alike.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from bench import loadgen_c, peers
from bench.common import C_LIBRDKAFKA, HOST, Env, create_topic_named, producer_spec
from bench.common import size_label as sl

NAME: Final = "tansu"
TITLE: Final = "Samsa next to Tansu and the sink, one librdkafka build (confluent-kafka's)"

#: The generator build every server of this scenario gets (see the module's docstring).
LIBRDKAFKA: Final = "wheel"
#: Where ``env.installed`` records that build's librdkafka version.
INSTALLED_KEY: Final = "librdkafka (C load generator, Tansu comparison)"
TOPIC: Final = "bench"
PARTITIONS: Final = 1
SAMSA: Final = "Samsa none"
SINK: Final = "sink"
TANSU: Final = "Tansu"
#: The order every round takes.
SERVERS: Final = (SAMSA, SINK, TANSU)
#: Samsa's settings here: no fsync, as Tansu's in-memory log.
SAMSA_SETTINGS: Final = {"log.flush.policy": "none"}
CONSUME_LABEL: Final = "consume 1 KiB librdkafka (C)"


@dataclass(frozen=True)
class Workload:
    """One produce workload: its label, message size, acks, counts and batching."""

    label: str
    size: int
    acks: int
    messages_full: int
    messages_quick: int
    #: ``linger.ms`` and ``batch.size`` when not the generator's throughput defaults.
    linger_ms: int | None = None
    batch_bytes: int | None = None

    def messages(self, quick: bool) -> int:
        return self.messages_quick if quick else self.messages_full

    @property
    def consumed_after(self) -> bool:
        """Whether the consume case reads what this workload wrote (1 KiB, acks 1, batched)."""
        return self.size == 1024 and self.acks == 1 and self.linger_ms is None


def _acks(acks: int) -> str:
    return "acks=all" if acks == -1 else f"acks={acks}"


#: ``--quick``: a smoke run's count of batched messages (the throughput scenario's).
QUICK_MESSAGES: Final = 20_000


def _batched(size: int, acks: int, full: int) -> Workload:
    return Workload(f"produce {sl(size)} {_acks(acks)}", size, acks, full, QUICK_MESSAGES)


#: Batched counts as the throughput scenario's. One record per request runs at ~10^4
#: requests/s on every server here, so it gets fewer: ``batch.size=1`` lets a batch hold one
#: record, so with ``linger.ms=0`` every Produce request carries one (2,000 records are 2,000
#: requests by Samsa's request counter).
WORKLOADS: Final = (
    _batched(100, 1, 3_000_000),
    _batched(100, -1, 3_000_000),
    _batched(1024, 1, 1_000_000),
    _batched(1024, -1, 1_000_000),
    Workload(
        "produce 100 B acks=1, one record per request",
        100,
        1,
        messages_full=100_000,
        messages_quick=2_000,
        linger_ms=0,
        batch_bytes=1,
    ),
)
#: ``--quick``: one batched workload (and the consume after it) shows the scenario works.
QUICK_WORKLOADS: Final = (WORKLOADS[2],)


def case_name(label: str, server: str) -> str:
    """``produce 1 KiB acks=1 on Tansu (Tansu comparison)``: apart from the throughput
    scenario's cases, which run on the harness's default generator build."""
    return f"{label} on {server} (Tansu comparison)"


def produce_spec(bootstrap: str, workload: Workload, quick: bool) -> dict[str, Any]:
    """The C generator's produce role for ``workload`` against ``bootstrap``."""
    spec = producer_spec(
        bootstrap, TOPIC, PARTITIONS, workload.size, workload.messages(quick), workload.acks
    )
    spec["linger_ms"] = workload.linger_ms
    spec["batch_bytes"] = workload.batch_bytes
    return spec


def _run_one(env: Env, workload: Workload, server: str) -> None:
    """One round of ``workload`` on ``server`` (and the consume after it)."""
    case = env.case(
        NAME,
        case_name(workload.label, server),
        workload=workload.label,
        server=server,
        size=workload.size,
        acks=workload.acks,
    )
    consume = None
    if workload.consumed_after and server != SINK:
        consume = env.case(
            NAME,
            case_name(CONSUME_LABEL, server),
            workload=CONSUME_LABEL,
            server=server,
            size=workload.size,
        )

    def measured(pid: int, port: int) -> dict[str, float]:
        spec = produce_spec(f"{HOST}:{port}", workload, env.quick)
        sample = env.measure(pid, spec)
        if consume is not None:
            read = {**spec, "role": "consume", "generator": "c"}
            env.attempt(consume, partial(env.measure, pid, read))
        return sample

    def body() -> dict[str, float]:
        if server == SAMSA:
            with env.samsa(SAMSA_SETTINGS) as samsa:
                create_topic_named(samsa.port, TOPIC, PARTITIONS)
                return measured(samsa.pid, samsa.port)
        if server == SINK:
            with env.sink(PARTITIONS, TOPIC) as sink:
                return measured(sink.pid, sink.port)
        with peers.tansu(env) as tansu:
            peers.tansu_create_topic(tansu, TOPIC, PARTITIONS)
            return measured(tansu.pid, tansu.port)

    env.attempt(case, body)


def _skip_all(
    env: Env, workloads: tuple[Workload, ...], servers: tuple[str, ...], why: str
) -> None:
    for workload in workloads:
        for server in servers:
            env.skip(
                NAME,
                case_name(workload.label, server),
                why,
                workload=workload.label,
                server=server,
                size=workload.size,
                acks=workload.acks,
            )
            if workload.consumed_after and server != SINK:
                env.skip(
                    NAME,
                    case_name(CONSUME_LABEL, server),
                    why,
                    workload=CONSUME_LABEL,
                    server=server,
                    size=workload.size,
                )


def wheel_env(env: Env) -> Env:
    """``env`` with the C generator linked to confluent-kafka's librdkafka: the same cases,
    children and data root, its own generator binary."""
    if env.librdkafka == LIBRDKAFKA:
        return env
    return dataclasses.replace(env, librdkafka=LIBRDKAFKA, _c_binary=None)


def run(env: Env) -> None:
    workloads = QUICK_WORKLOADS if env.quick else WORKLOADS
    try:
        loadgen_c.build(LIBRDKAFKA)
    except loadgen_c.Unavailable as exc:
        _skip_all(env, workloads, SERVERS, f"not available: {exc}")
        return
    why = peers.tansu_available()
    servers: tuple[str, ...] = SERVERS
    if why:
        _skip_all(env, workloads, (TANSU,), f"not available: {why}")
        servers = tuple(s for s in SERVERS if s != TANSU)
    # The default build's version stays the one the report names for the other scenarios.
    default_version = env.installed.get(C_LIBRDKAFKA)
    wheel = wheel_env(env)
    try:
        for workload in workloads:
            for round_ in range(env.runs):
                print(f"# {workload.label}: round {round_ + 1}/{env.runs}", flush=True)
                for server in servers:
                    _run_one(wheel, workload, server)
    finally:
        version = env.installed.get(C_LIBRDKAFKA)
        if version is not None and wheel is not env:
            env.installed[INSTALLED_KEY] = version
            if default_version is None:
                del env.installed[C_LIBRDKAFKA]
            else:
                env.installed[C_LIBRDKAFKA] = default_version
        elif version is not None:
            env.installed[INSTALLED_KEY] = version
