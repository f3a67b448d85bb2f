"""Produce and consume throughput, side by side in the same rounds:

* Samsa (``log.flush.policy`` ``none`` and ``group``, acks 1 and all) and the produce-only sink
  (the ceiling for a Python broker here), fed by the C load generator (librdkafka); Samsa fed
  by Python clients too (its own and confluent-kafka), as rows of their own;
* consume from the page cache after the acks 1 / ``none`` run (the C generator, confluent-kafka,
  raw Fetch);
* NATS JetStream (file storage; default mode and ``sync_interval: always``) and RabbitMQ
  streams, fed the same message sizes and counts by pipelined publishers that wait for every
  acknowledgement (NATS with fsync on every write gets fewer messages: see ``SYNC_ALWAYS_CAP``);
* broker start-up time and idle RSS, from every Samsa start.

Runs are interleaved: round 1 of every case, then round 2, ... so drift spreads over all.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from bench import peers
from bench.common import HOST, Env, bootstrap_of, create_topic_named, producer_spec, rss_mb
from bench.common import size_label as sl

NAME: Final = "throughput"
TITLE: Final = "produce and consume throughput, Samsa next to the sink and peers"

TOPIC: Final = "bench"
PARTITIONS: Final = 1
SIZES_FULL: Final = (100, 1024, 16 * 1024)
SIZES_QUICK: Final = (100, 1024)
MESSAGES_FULL: Final = {100: 3_000_000, 1024: 1_000_000, 16 * 1024: 100_000}
MESSAGES_QUICK: Final = {100: 20_000, 1024: 20_000, 16 * 1024: 2_000}
#: The consume rows after the acks 1 / policy ``none`` produce: (generator, role, row name).
#: The C generator is the one of record; confluent-kafka (a Python object per message) is a
#: client row; the raw Fetch loop walks batch headers only (the broker's fetch path alone).
CONSUMERS: Final = (
    ("c", "consume", "librdkafka (C)"),
    ("python", "consume", "confluent-kafka (Python)"),
    ("python", "consume-raw", "raw Fetch"),
)
#: The Python client rows (produce 1 KiB, acks 1, policy ``none``): client -> (role, label).
CLIENTS: Final = {
    "client": ("samsa-produce", "Samsa client"),
    "confluent-kafka": ("produce", "confluent-kafka (Python)"),
}
#: The Python clients pay per message in Python: fewer messages keep their runs short.
CLIENT_MESSAGES_FULL: Final = 300_000
#: NATS with an fsync per message writes ~10^4 messages/s here: a full-size run would take
#: minutes per case, so it gets at most this many (the rate is what is compared).
SYNC_ALWAYS_CAP: Final = {True: 2_000, False: 20_000}


def acks_label(acks: int) -> str:
    return "acks=all" if acks == -1 else f"acks={acks}"


def produce_name(size: int, acks: int, server: str) -> str:
    return f"produce {sl(size)} {acks_label(acks)} {server}"


def consume_name(size: int, consumer: str) -> str:
    return f"consume {sl(size)} {consumer}"


def _sink(env: Env, size: int, acks: int, n: int) -> None:
    case = env.case(NAME, produce_name(size, acks, "sink"), size=size, acks=acks, server="sink")

    def body() -> dict[str, float]:
        with env.sink(PARTITIONS, TOPIC) as server:
            spec = producer_spec(bootstrap_of(server), TOPIC, PARTITIONS, size, n, acks)
            return env.measure(server.pid, spec)

    env.attempt(case, body)


def _samsa(env: Env, size: int, acks: int, policy: str, n: int) -> None:
    case = env.case(
        NAME, produce_name(size, acks, f"samsa {policy}"), size=size, acks=acks, server=policy
    )
    consumers = []
    if acks == 1 and policy == "none":
        consumers = [
            (
                env.case(NAME, consume_name(size, name), size=size, consumer=name),
                {"role": role, "generator": generator},
            )
            for generator, role, name in CONSUMERS
        ]
    startup = env.case("startup", "broker start-up and idle RSS")

    def body() -> dict[str, float]:
        with env.samsa({"log.flush.policy": policy}) as server:
            idle = rss_mb(server.pid)
            create_topic_named(server.port, TOPIC, PARTITIONS)
            startup.samples.append(
                {
                    "startup_s": server.startup_s,
                    "rss_idle_mb": idle,
                    "rss_topic_mb": rss_mb(server.pid),
                }
            )
            spec = producer_spec(bootstrap_of(server), TOPIC, PARTITIONS, size, n, acks)
            sample = env.measure(server.pid, spec)
            for consume_case, how in consumers:
                consume_spec = {**spec, **how}
                env.attempt(consume_case, partial(env.measure, server.pid, consume_spec))
            return sample

    env.attempt(case, body)


def _client(env: Env, size: int, n: int, client: str) -> None:
    """A client row: Samsa under policy ``none`` fed by a Python client (``CLIENTS``)."""
    role, label = CLIENTS[client]
    case = env.case(
        NAME, produce_name(size, 1, f"samsa none, {label}"), size=size, acks=1, server=client
    )

    def body() -> dict[str, float]:
        with env.samsa({"log.flush.policy": "none"}) as server:
            create_topic_named(server.port, TOPIC, PARTITIONS)
            spec = producer_spec(bootstrap_of(server), TOPIC, PARTITIONS, size, n, 1, "python")
            return env.measure(server.pid, {**spec, "role": role})

    env.attempt(case, body)


def _nats(env: Env, sizes: tuple[int, ...], counts: dict[int, int], sync_always: bool) -> None:
    mode = "NATS JetStream sync always" if sync_always else "NATS JetStream default"
    why = peers.nats_available()
    names = {size: produce_name(size, 1, mode) for size in sizes}
    if why:
        for size in sizes:
            env.skip(NAME, names[size], f"not available: {why}", size=size, server=mode)
        return
    cap = SYNC_ALWAYS_CAP[env.quick] if sync_always else None
    try:
        for index, size in enumerate(sizes):
            case = env.case(NAME, names[size], size=size, acks=1, server=mode)
            n = counts[size] if cap is None else min(cap, counts[size])
            # A fresh server for every case, as for Samsa.
            with peers.nats(env, sync_always) as server:
                spec: dict[str, Any] = {
                    "role": "nats-produce",
                    "url": f"{HOST}:{server.port}",
                    "stream": f"bench{index}",
                    "size": size,
                    "messages": n,
                    "timeout_s": 300.0,
                }
                env.attempt(case, partial(env.measure, server.pid, spec))
    except Exception as exc:
        for size in sizes:
            env.case(NAME, names[size]).failures.append(f"nats-server: {exc}")


def _rabbit(env: Env, sizes: tuple[int, ...], counts: dict[int, int]) -> None:
    mode = "RabbitMQ stream"
    names = {size: produce_name(size, 1, mode) for size in sizes}
    why = peers.rabbit_available()
    if env.quick and not why:
        why = "skipped in --quick (RabbitMQ takes ~10 s to boot)"
    elif why:
        why = f"not available: {why}"
    if why:
        for size in sizes:
            env.skip(NAME, names[size], why, size=size, server=mode)
        return
    try:
        with peers.rabbitmq(env) as server:
            for index, size in enumerate(sizes):
                case = env.case(NAME, names[size], size=size, acks=1, server=mode)
                spec: dict[str, Any] = {
                    "role": "rabbit-produce",
                    "host": server.host,
                    "port": server.port,
                    "stream": f"bench{index}",
                    "size": size,
                    "messages": counts[size],
                    "timeout_s": 300.0,
                }
                env.attempt(case, partial(env.measure, server.pid, spec))
    except Exception as exc:
        for size in sizes:
            env.case(NAME, names[size]).failures.append(f"rabbitmq-server: {exc}")


def run(env: Env) -> None:
    sizes = SIZES_QUICK if env.quick else SIZES_FULL
    counts = MESSAGES_QUICK if env.quick else MESSAGES_FULL
    acks_set = (1,) if env.quick else (1, -1)
    for round_ in range(env.runs):
        print(f"# throughput round {round_ + 1}/{env.runs}", flush=True)
        for size in sizes:
            for acks in acks_set:
                _sink(env, size, acks, counts[size])
                for policy in ("none", "group"):
                    _samsa(env, size, acks, policy, counts[size])
        client_size = 1024
        for client in CLIENTS:
            n = counts[client_size] if env.quick else CLIENT_MESSAGES_FULL
            _client(env, client_size, n, client)
        peer_sizes = (1024,) if env.quick else sizes
        _nats(env, peer_sizes, counts, sync_always=False)
        _nats(env, peer_sizes, counts, sync_always=True)
        _rabbit(env, peer_sizes, counts)
