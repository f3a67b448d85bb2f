"""End-to-end latency at fixed rates (1k, 10k and 50k messages/s of 1 KiB, acks 1, policy
``none``, one partition): the C load generator's paced producer and a consumer in the same
process; p50, p99, p99.9 and max from a log-linear histogram (< 1 % error), each message
timed from its scheduled send time."""

from __future__ import annotations

from typing import Final

from bench.common import Env, bootstrap_of, create_topic_named

NAME: Final = "latency"
TITLE: Final = "end-to-end latency at fixed rates"

SIZE: Final = 1024
RATES_FULL: Final = (1_000, 10_000, 50_000)
RATES_QUICK: Final = (1_000, 10_000)
DURATION_FULL_S: Final = 10.0
DURATION_QUICK_S: Final = 1.5


def case_name(rate: int) -> str:
    return f"latency 1 KiB at {rate // 1000}k msgs/s"


def run(env: Env) -> None:
    rates = RATES_QUICK if env.quick else RATES_FULL
    duration = DURATION_QUICK_S if env.quick else DURATION_FULL_S
    for round_ in range(env.runs):
        print(f"# latency round {round_ + 1}/{env.runs}", flush=True)
        for rate in rates:
            case = env.case(NAME, case_name(rate), rate=rate, size=SIZE, duration_s=duration)

            def body(rate: int = rate) -> dict[str, float]:
                with env.samsa({"log.flush.policy": "none"}) as server:
                    topic = "latency"
                    create_topic_named(server.port, topic, 1)
                    spec = {
                        "role": "latency",
                        "generator": "c",
                        "bootstrap": bootstrap_of(server),
                        "topic": topic,
                        "size": SIZE,
                        "rate": rate,
                        "duration_s": duration,
                    }
                    return env.measure(server.pid, spec)

            env.attempt(case, body)
