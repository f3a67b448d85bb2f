"""Prometheus text, as the tests read it: every sample keyed by its name and labels, parsed
with prometheus-client's own parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from broker.app import Broker
from broker.http.metrics import render_metrics

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples_of(text: str) -> Samples:
    """Every sample of a scrape's text."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def scrape(broker: Broker) -> Samples:
    """A scrape of an in-process broker (call it on the broker's event loop)."""
    return samples_of(render_metrics(broker).decode())


def value(samples: Samples, name: str, **labels: str) -> float | None:
    """The sample with exactly these labels, None when there is none."""
    return samples.get((name, frozenset(labels.items())))


def series(samples: Samples, name: str) -> dict[frozenset[tuple[str, str]], float]:
    """Every sample of one name, by its labels."""
    return {labels: v for (n, labels), v in samples.items() if n == name}
