"""``RequestMetrics`` (one ``ApiMetrics`` per API key) and ``TopicTraffic``."""

from __future__ import annotations

import pytest

from broker.telemetry import RequestMetrics, TopicTraffic

pytestmark = pytest.mark.timeout(10)


def test_api_metrics_are_created_once_per_api_key() -> None:
    metrics = RequestMetrics()
    produce = metrics.api(0)
    assert metrics.api(0) is produce
    metrics.api(1).requests_total += 1
    assert sorted(key for key, _ in metrics.items()) == [0, 1]


def test_errors_count_per_code_and_ignore_none() -> None:
    api = RequestMetrics().api(0)
    api.error(0)
    api.error(6)
    api.error(6, 2)
    api.error(87)
    assert api.errors_total == {6: 3, 87: 1}


def test_traffic_counts_per_topic_and_forgets_deleted_topics() -> None:
    traffic = TopicTraffic()
    traffic.produced("a", 1000, 10)
    traffic.produced("a", 500, 5)
    traffic.produced("b", 1, 1)
    traffic.fetched("a", 1500, 12)
    traffic.fetch_requests["a"] = 2
    assert (traffic.bytes_in, traffic.records_in) == ({"a": 1500, "b": 1}, {"a": 15, "b": 1})
    assert (traffic.bytes_out, traffic.records_out) == ({"a": 1500}, {"a": 12})
    assert traffic.topics() == {"a", "b"}
    traffic.forget("a")
    assert traffic.topics() == {"b"}
    assert "a" not in traffic.bytes_out and "a" not in traffic.fetch_requests
