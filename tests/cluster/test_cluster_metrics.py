"""``/metrics`` of a 3-broker process cluster, scraped over HTTP: under-replicated partitions
rise when a follower is killed and fall when it returns, and the leaders count the ISR
expansions that bring it back."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Final

import pytest
from cluster.cluster_harness import running_cluster
from prometheus_client.parser import text_string_to_metric_families
from support.ports import free_ports
from support.waiting import eventually_sync

pytestmark = [pytest.mark.timeout(120)]

#: One scrape's deadline (a broker answers in milliseconds; a killed one never).
SCRAPE_TIMEOUT_S: Final = 5.0
TOPIC: Final = "watched"
PARTITIONS: Final = 3


def scrape(port: int) -> dict[str, float]:
    """The unlabelled samples and the sums of labelled ones, by sample name."""
    url = f"http://127.0.0.1:{port}/metrics"
    with urllib.request.urlopen(url, timeout=SCRAPE_TIMEOUT_S) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            totals[sample.name] = totals.get(sample.name, 0.0) + sample.value
    return totals


def total(ports: dict[int, int], nodes: list[int], name: str) -> float:
    return sum(scrape(ports[node]).get(name, 0.0) for node in nodes)


def test_under_replicated_partitions_rise_when_a_follower_dies_and_fall_when_it_returns(
    tmp_path: Path,
) -> None:
    http_ports = dict(zip((1, 2, 3), free_ports(3), strict=True))
    node_settings = {
        node: {"http.listeners": f"127.0.0.1:{port}"} for node, port in http_ports.items()
    }
    with running_cluster(tmp_path, node_settings=node_settings) as cluster:
        cluster.create_topic(TOPIC, PARTITIONS, 3)
        everyone = [1, 2, 3]
        eventually_sync(
            lambda: total(http_ports, everyone, "samsa_leader_partitions") >= PARTITIONS,
            30,
            f"the {PARTITIONS} partitions of {TOPIC} to have leaders",
        )
        assert total(http_ports, everyone, "samsa_under_replicated_partitions") == 0
        assert total(http_ports, everyone, "samsa_active_controller") == 1
        alive = [1, 2]
        expands_before = total(http_ports, alive, "samsa_isr_expands_total")

        cluster.kill(3)
        eventually_sync(
            lambda: total(http_ports, alive, "samsa_under_replicated_partitions") >= PARTITIONS,
            30,
            "every partition to be under-replicated with broker 3 dead",
        )

        cluster.start(3)
        cluster.wait_unfenced(3)
        eventually_sync(
            lambda: total(http_ports, everyone, "samsa_under_replicated_partitions") == 0,
            60,
            "no under-replicated partition once broker 3 is back",
        )
        assert total(http_ports, alive, "samsa_isr_expands_total") > expands_before
