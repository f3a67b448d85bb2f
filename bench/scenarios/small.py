"""Single-record requests: what one small request costs the broker, next to the sink.

* **Produce**: the C load generator sends 100 B records with acks 1, each in a Produce request
  of its own (``linger.ms=0``, ``queue.buffering.max.ms=0``, ``batch.size=1``,
  ``batch.num.messages=1``; librdkafka keeps several requests in flight), to Samsa
  (``log.flush.policy=none``, as the sink: no fsync) and to the produce-only sink. Each round
  runs Samsa, then the sink (A B A B ...).
* **Fetch**: the C consumer then reads the partition back from the same Samsa with
  ``fetch.message.max.bytes=1``: every Fetch answer carries the one batch at the fetch offset,
  so there is one Fetch per record (the sink serves no Fetch).

The server's CPU (its process tree, from ``/proc``) over the load, divided by the requests it
answered meanwhile: Samsa's from ``samsa_requests_total`` of the API on ``/metrics`` before and
after, the sink's from the request counts it prints when it stops (it serves nothing but this
load's Produce requests). Per sample: ``requests``, ``requests_s`` and ``us_per_request``.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from bench.broker_bench import free_port
from bench.common import HOST, Case, Env, bootstrap_of, create_topic_named, log_end_offsets
from bench.common import producer_spec as _producer_spec
from bench.sink import requests_served
from bench.small_request_bench import requests_answered

NAME: Final = "small"
TITLE: Final = "single-record Produce and single-batch Fetch: broker CPU per request"

TOPIC: Final = "small"
SIZE: Final = 100
#: Requests per run: at ~10^4 requests/s a full run's phase takes a few seconds, long enough
#: for the 10 ms ticks of the CPU counters (a few hundred ticks); quick: a smoke run.
REQUESTS_FULL: Final = 30_000
REQUESTS_QUICK: Final = 2_000
SAMSA: Final = "Samsa"
SINK: Final = "sink"
#: Samsa as the sink: page cache only, no fsync.
SAMSA_SETTINGS: Final = {"log.flush.policy": "none"}
#: The producer settings that put every record in a Produce request of its own.
ONE_RECORD_PER_REQUEST: Final = {"batch.num.messages": "1", "queue.buffering.max.ms": "0"}
#: A Fetch answer carries the first batch at the fetch offset whatever the limit: one record.
ONE_BATCH_PER_FETCH: Final = {"fetch.message.max.bytes": "1"}


def produce_name(server: str) -> str:
    return f"single-record Produce, 100 B acks=1, on {server}"


FETCH_CASE: Final = f"single-batch Fetch, 100 B, on {SAMSA}"


def producer_spec(bootstrap: str, requests: int) -> dict[str, Any]:
    """The C generator's produce role, one record of ``SIZE`` bytes per Produce request."""
    spec = _producer_spec(bootstrap, TOPIC, 1, SIZE, requests, 1)
    spec["linger_ms"] = 0
    spec["batch_bytes"] = 1
    spec["properties"] = dict(ONE_RECORD_PER_REQUEST)
    return spec


def consumer_spec(bootstrap: str, records: int) -> dict[str, Any]:
    """The C generator's consume role, one batch (here one record) per Fetch."""
    spec = _producer_spec(bootstrap, TOPIC, 1, SIZE, records, 1)
    spec["role"] = "consume"
    spec["properties"] = dict(ONE_BATCH_PER_FETCH)
    return spec


def per_request(sample: dict[str, float], requests: int) -> dict[str, float]:
    """``sample`` with the requests answered, requests/s and µs of server CPU per request."""
    if requests <= 0:
        raise RuntimeError("the server answered no request of the load")
    return {
        **sample,
        "requests": float(requests),
        "requests_s": requests / sample["elapsed_s"],
        "us_per_request": sample["server_cpu_s"] / requests * 1e6,
    }


def _produce_case(env: Env, server: str) -> Case:
    return env.case(NAME, produce_name(server), server=server, api="Produce", size=SIZE)


def _fetch_case(env: Env) -> Case:
    return env.case(NAME, FETCH_CASE, server=SAMSA, api="Fetch", size=SIZE)


def _samsa(env: Env, requests: int) -> dict[str, float]:
    fetch = _fetch_case(env)
    http_port = free_port()
    settings = {**SAMSA_SETTINGS, "http.listeners": f"{HOST}:{http_port}"}
    with env.samsa(settings) as server:
        create_topic_named(server.port, TOPIC, 1)
        bootstrap = bootstrap_of(server)
        before = requests_answered(http_port).get("Produce", 0)
        sample = env.measure(server.pid, producer_spec(bootstrap, requests))
        answered = requests_answered(http_port).get("Produce", 0) - before
        written = log_end_offsets(server.port, TOPIC, 1)
        if written != requests or answered != requests:
            raise RuntimeError(
                f"{requests} records went in {answered} Produce requests; the log holds {written}"
            )

        def read() -> dict[str, float]:
            first = requests_answered(http_port).get("Fetch", 0)
            got = env.measure(server.pid, consumer_spec(bootstrap, requests))
            fetches = requests_answered(http_port).get("Fetch", 0) - first
            if fetches < requests:  # each answer holds one batch of one record
                raise RuntimeError(f"{requests} records came in {fetches} Fetch requests")
            return per_request(got, fetches)

        env.attempt(fetch, read)
        return per_request(sample, answered)


def _sink(env: Env, requests: int) -> dict[str, float]:
    with env.sink(1, TOPIC) as server:
        sample = env.measure(server.pid, producer_spec(bootstrap_of(server), requests))
    # The sink prints its counts when it stops (the context's exit).
    answered = requests_served(server.log_path.read_text(errors="replace")).get("Produce", 0)
    if answered != requests:
        raise RuntimeError(f"{requests} records went in {answered} Produce requests to the sink")
    return per_request(sample, answered)


def run(env: Env) -> None:
    requests = REQUESTS_QUICK if env.quick else REQUESTS_FULL
    servers = ((SAMSA, _samsa), (SINK, _sink))
    for server, _ in servers:  # the report lists the cases in this order
        _produce_case(env, server)
    _fetch_case(env)
    for round_ in range(env.runs):
        print(f"# small requests round {round_ + 1}/{env.runs}", flush=True)
        for server, body in servers:
            env.attempt(_produce_case(env, server), partial(body, env, requests))
