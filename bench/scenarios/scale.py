"""Scale: topics of 1,000 and 10,000 partitions (time to create, Metadata latency for the
topic, confluent-kafka produce throughput spread over every partition, idle RSS before and
after), and 1,000 idle connections (RSS growth per connection)."""

from __future__ import annotations

import statistics
import time
from functools import partial
from typing import Final

from bench.broker_bench import WireClient
from bench.common import HOST, Env, bootstrap_of, create_topic_named, producer_spec, rss_mb

NAME: Final = "scale"
TITLE: Final = "many partitions, many connections"

PARTITIONS_FULL: Final = (1_000, 10_000)
PARTITIONS_QUICK: Final = (100,)
CONNECTIONS_FULL: Final = 1_000
CONNECTIONS_QUICK: Final = 100
SIZE: Final = 1024
MESSAGES_FULL: Final = 1_000_000
MESSAGES_QUICK: Final = 20_000
METADATA_REQUESTS: Final = 20
CREATE_TIMEOUT_S: Final = 600.0
#: How long the broker is left alone before its idle RSS is read.
SETTLE_S: Final = 1.0


def partitions_name(count: int) -> str:
    return f"{count:,} partitions"


def connections_name(count: int) -> str:
    return f"{count:,} idle connections"


def _metadata_ms(port: int, topic: str, requests: int) -> list[float]:
    from protocol.messages import MetadataRequest

    out = []
    with WireClient(HOST, port, 60.0) as client:
        for _ in range(requests):
            request = MetadataRequest(
                topics=[MetadataRequest.MetadataRequestTopic(name=topic)],
                allow_auto_topic_creation=False,
            )
            start = time.perf_counter()
            client.call(3, 8, request)
            out.append((time.perf_counter() - start) * 1000)
    return out


def _partitions(env: Env, count: int, messages: int) -> dict[str, float]:
    with env.samsa({"log.flush.policy": "none"}) as server:
        rss_empty = rss_mb(server.pid)
        create_s = create_topic_named(server.port, "scale", count, CREATE_TIMEOUT_S)
        time.sleep(SETTLE_S)
        rss_idle = rss_mb(server.pid)
        latencies = _metadata_ms(server.port, "scale", METADATA_REQUESTS)
        spec = producer_spec(bootstrap_of(server), "scale", count, SIZE, messages, 1)
        sample = env.measure(server.pid, spec)
        time.sleep(SETTLE_S)
        sample.update(
            {
                "create_s": create_s,
                "metadata_p50_ms": statistics.median(latencies),
                "metadata_max_ms": max(latencies),
                "rss_empty_mb": rss_empty,
                "rss_mb": rss_idle,
                "rss_after_produce_mb": rss_mb(server.pid),
            }
        )
        return sample


def _connections(env: Env, count: int) -> dict[str, float]:
    from bench.broker_bench import probe

    with env.samsa() as server:
        probe(server.port, 10.0)
        before = rss_mb(server.pid)
        clients: list[WireClient] = []
        try:
            from protocol.messages import ApiVersionsRequest

            start = time.perf_counter()
            for _ in range(count):
                client = WireClient(HOST, server.port, 30.0)
                clients.append(client)
                client.call(18, 0, ApiVersionsRequest())
            opened_s = time.perf_counter() - start
            time.sleep(SETTLE_S)
            after = rss_mb(server.pid)
            # Every connection still works.
            for client in clients[:: max(1, count // 50)]:
                client.call(18, 0, ApiVersionsRequest())
        finally:
            for client in clients:
                client.close()
        return {
            "rss_before_mb": before,
            "rss_mb": after,
            "kb_per_connection": (after - before) * 1000 / count,
            "open_s": opened_s,
        }


def run(env: Env) -> None:
    partitions = PARTITIONS_QUICK if env.quick else PARTITIONS_FULL
    messages = MESSAGES_QUICK if env.quick else MESSAGES_FULL
    connections = CONNECTIONS_QUICK if env.quick else CONNECTIONS_FULL
    for round_ in range(env.runs):
        print(f"# scale round {round_ + 1}/{env.runs}", flush=True)
        for count in partitions:
            case = env.case(NAME, partitions_name(count), partitions=count, size=SIZE)
            env.attempt(case, partial(_partitions, env, count, messages))
        case = env.case(NAME, connections_name(connections), connections=connections)
        env.attempt(case, lambda: _connections(env, connections))
