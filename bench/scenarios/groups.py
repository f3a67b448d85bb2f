"""Consumer-group rebalance: two confluent-kafka consumers (range assignor, heartbeats every
100 ms) settle on a 6-partition topic; a third joins; seconds until all three hold two
partitions each."""

from __future__ import annotations

from typing import Final

from bench.common import Env, bootstrap_of, create_topic_named

NAME: Final = "groups"
TITLE: Final = "3-member group rebalance"

PARTITIONS: Final = 6
HEARTBEAT_MS: Final = 100
CASE: Final = "rebalance: 3rd member joins a group of 2"


def run(env: Env) -> None:
    for _ in range(env.runs):
        case = env.case(NAME, CASE, partitions=PARTITIONS, heartbeat_ms=HEARTBEAT_MS)

        def body() -> dict[str, float]:
            # The initial delay only holds back the first join into an empty group.
            with env.samsa({"group.initial.rebalance.delay.ms": "0"}) as server:
                create_topic_named(server.port, "groups", PARTITIONS)
                spec = {
                    "role": "rebalance",
                    "bootstrap": bootstrap_of(server),
                    "topic": "groups",
                    "partitions": PARTITIONS,
                    "heartbeat_ms": HEARTBEAT_MS,
                }
                result = env.loadgen(spec)
                return {"seconds": float(result["seconds"])}

        env.attempt(case, body)
