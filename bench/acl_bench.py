"""What authorization costs a Produce request: the handler path in-process, ACLs off and on.

    python bench/acl_bench.py [--quick]

An embedded broker (one partition, ``log.flush.policy=none``) serves Produce requests of 1 and
100 records (100-byte values, one v2 batch, acks=1) straight through its Produce handler, as
the server calls it, from ``User:alice`` on 127.0.0.1, with ``time.perf_counter_ns`` around
many requests. Cases: authorization off; on with 10 ACL bindings; on with 10,000 (literal and
prefixed topic bindings of 9,000 other users and 900 prefixes, group bindings, and alice's one
WRITE on the topic). Printed per case, as the median [min..max] of the rounds, in µs/request:

- ``handler``: the whole handler (checks, validation, append, the response);
- ``checks``: only what the handler asks the authorizer (``authorizer_for_image`` and the
  topic's WRITE, the internal-topic rule included), from its decision cache;
- ``cold``: one decision that misses the cache (an unseen topic name), the index lookups;
- the cost paid once per ACL change, on the next request: building the authorizer's
  indexes, and the first "WRITE on any topic" answer an idempotent producer needs (KIP-679:
  a walk over the topic bindings).

The handler difference between "off" and "on" is the checks' share; it is within the noise of
the append, so ``checks`` isolates it.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any, Final

from broker.app import Broker
from broker.handlers import build_dispatch_table
from broker.handlers.auth import allows
from broker.handlers.base import BrokerServices, RequestContext
from broker.metadata.controller_api import NewTopic
from broker.security.acl import AclBinding, Authorizer
from protocol.acl import AclOperation, AclPermissionType, PatternType, ResourceType
from protocol.headers import RequestHeader
from protocol.messages import ProduceRequest, ProduceResponse
from protocol.records import Compression, RecordBatchBuilder

TOPIC: Final = "bench-topic"
PRINCIPAL: Final = "User:alice"
HOST: Final = "127.0.0.1"
#: Bindings per CreateAcls call while filling the image (keeps metadata batches small).
CHUNK: Final = 500
VALUE: Final = b"v" * 100


def bindings(count: int) -> list[AclBinding]:
    """``count`` bindings, alice's WRITE on the topic among them; the others name other users
    and other topics: literal topics, prefixes of several lengths, groups."""
    allow = AclPermissionType.ALLOW
    out = [
        AclBinding(
            ResourceType.TOPIC,
            TOPIC,
            PatternType.LITERAL,
            PRINCIPAL,
            "*",
            AclOperation.WRITE,
            allow,
        )
    ]
    i = 0
    while len(out) < count:
        kind = i % 100
        if kind < 90:
            out.append(
                AclBinding(
                    ResourceType.TOPIC,
                    f"topic-{i}",
                    PatternType.LITERAL,
                    f"User:u{i}",
                    "*",
                    AclOperation.READ,
                    allow,
                )
            )
        elif kind < 99:
            out.append(
                AclBinding(
                    ResourceType.TOPIC,
                    f"b{i}-",
                    PatternType.PREFIXED,
                    f"User:u{i}",
                    "*",
                    AclOperation.WRITE,
                    allow,
                )
            )
        else:
            out.append(
                AclBinding(
                    ResourceType.GROUP,
                    f"group-{i}",
                    PatternType.LITERAL,
                    f"User:u{i}",
                    "*",
                    AclOperation.READ,
                    allow,
                )
            )
        i += 1
    return out


def produce_request(records: int) -> ProduceRequest:
    builder = RecordBatchBuilder(compression=Compression.NONE)
    for n in range(records):
        builder.append(VALUE, key=None, timestamp_ms=1_700_000_000_000 + n)
    batch = builder.build()
    p = ProduceRequest
    return p(
        acks=1,
        timeout_ms=30_000,
        topic_data=[
            p.TopicProduceData(
                name=TOPIC,
                partition_data=[p.TopicProduceData.PartitionProduceData(index=0, records=batch)],
            )
        ],
    )


def per_request_us(run: Callable[[int], float], number: int, rounds: int) -> list[float]:
    return [run(number) for _ in range(rounds)]


def summary(samples: Iterable[float]) -> str:
    values = sorted(samples)
    return f"{statistics.median(values):8.2f} [{values[0]:.2f}..{values[-1]:.2f}]"


async def measure(acls: int | None, number: int, rounds: int) -> dict[str, Any]:
    """One case: ``acls`` None is authorization off."""
    settings: dict[str, Any] = {"num.partitions": 1, "log.flush.policy": "none"}
    if acls is not None:
        settings["authorizer.class.name"] = "samsa"
    async with Broker.embedded(**settings) as broker:
        assert broker.controller is not None and broker.services is not None
        services: BrokerServices = broker.services
        results = await broker.controller.create_topics([NewTopic(TOPIC, 1, 1)])
        assert all(r.error == 0 for r in results), results
        if acls is not None:
            every = bindings(acls)
            for start in range(0, len(every), CHUNK):
                created = await broker.controller.create_acls(every[start : start + CHUNK])
                assert all(r.error == 0 for r in created), created[:3]
            assert len(services.image.acls) == acls
        handler = build_dispatch_table()[ProduceRequest.API_KEY]
        header = RequestHeader(ProduceRequest.API_KEY, 8, 1, "acl-bench")
        ctx = RequestContext(header, principal=PRINCIPAL, client_host=HOST)
        out: dict[str, Any] = {}
        for records in (1, 100):
            request = produce_request(records)

            async def once(request: ProduceRequest = request) -> None:
                result = handler.handle(services, ctx, request)
                if inspect.isawaitable(result):
                    result = await result
                assert isinstance(result, ProduceResponse), result
                [topic] = result.responses
                assert topic.partition_responses[0].error_code == 0, topic

            for _ in range(200):  # warm-up: caches, the authorizer's index
                await once()
            samples = []
            for _ in range(rounds):
                start = time.perf_counter_ns()
                for _ in range(number):
                    await once()
                samples.append((time.perf_counter_ns() - start) / number / 1000)
            out[f"handler {records}"] = samples

        def checks(n: int) -> float:
            start = time.perf_counter_ns()
            for _ in range(n):
                authorizer = services.authorizer_for_image()
                if authorizer is not None:
                    allowed = allows(authorizer, ctx, AclOperation.WRITE, ResourceType.TOPIC, TOPIC)
                    assert allowed
            return (time.perf_counter_ns() - start) / n / 1000

        out["checks"] = per_request_us(checks, number * 10, rounds)
        authorizer = services.authorizer_for_image()
        if authorizer is not None:
            names = iter(range(10**9))

            def cold(n: int) -> float:
                assert authorizer is not None
                start = time.perf_counter_ns()
                for _ in range(n):
                    authorizer.authorize(
                        PRINCIPAL,
                        HOST,
                        AclOperation.WRITE,
                        ResourceType.TOPIC,
                        f"b{next(names)}-x",
                    )
                return (time.perf_counter_ns() - start) / n / 1000

            out["cold"] = per_request_us(cold, number, rounds)
            every_binding = list(services.image.acls.values())
            config = broker.config
            builds: list[float] = []
            firsts: list[float] = []
            for _ in range(rounds):
                start = time.perf_counter_ns()
                fresh = Authorizer(
                    every_binding,
                    config.super_user_set,
                    config.allow_everyone_if_no_acl_found,
                )
                builds.append((time.perf_counter_ns() - start) / 1000)
                start = time.perf_counter_ns()
                fresh.any_allowed("User:nobody", HOST, AclOperation.WRITE, ResourceType.TOPIC)
                firsts.append((time.perf_counter_ns() - start) / 1000)
            out["build"] = builds
            out["any"] = firsts
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (smoke test)")
    args = parser.parse_args()
    number, rounds = (500, 3) if args.quick else (5000, 5)
    cases: list[tuple[str, int | None]] = [
        ("ACLs off", None),
        ("on, 10 bindings", 10),
        ("on, 10,000 bindings", 10_000),
    ]
    print(f"Produce handler, acks=1, {rounds} rounds of {number:,} requests; µs per request,")
    print("median [min..max]. Once per ACL change: build = the authorizer's indexes,")
    print("any = the first 'WRITE on any topic' walk (idempotent producers), µs once.")
    print()
    header = (
        f"{'case':<22}{'handler, 1 record':>26}{'handler, 100 records':>26}"
        f"{'checks':>26}{'cold decision':>26}"
    )
    print(header)
    once_rows = []
    for name, acls in cases:
        r = asyncio.run(measure(acls, number, rounds))
        cold = summary(r["cold"]) if "cold" in r else "-"
        print(
            f"{name:<22}{summary(r['handler 1']):>26}{summary(r['handler 100']):>26}"
            f"{summary(r['checks']):>26}{cold:>26}"
        )
        if "build" in r:
            once_rows.append((name, summary(r["build"]), summary(r["any"])))
    print()
    print(f"{'once per ACL change':<22}{'build':>26}{'any':>26}")
    for name, build, any_first in once_rows:
        print(f"{name:<22}{build:>26}{any_first:>26}")


if __name__ == "__main__":
    main()
