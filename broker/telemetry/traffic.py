"""``TopicTraffic``: bytes and records in and out per topic, and requests naming each topic."""

from __future__ import annotations

__all__ = ["TopicTraffic"]


class TopicTraffic:
    """Counters keyed by topic name. Produce counts appended batches (their bytes and record
    counts); Fetch counts record bytes sent to consumers (not to followers). A deleted topic's
    counters go with it (``forget``), so the key set is bounded by the topics that exist."""

    __slots__ = (
        "bytes_in",
        "bytes_out",
        "fetch_requests",
        "produce_requests",
        "records_in",
        "records_out",
    )

    def __init__(self) -> None:
        self.bytes_in: dict[str, int] = {}
        self.records_in: dict[str, int] = {}
        self.bytes_out: dict[str, int] = {}
        self.records_out: dict[str, int] = {}
        self.produce_requests: dict[str, int] = {}
        self.fetch_requests: dict[str, int] = {}

    def produced(self, topic: str, nbytes: int, records: int) -> None:
        """A batch of ``records`` records, ``nbytes`` long, was appended to ``topic``."""
        bytes_in = self.bytes_in
        bytes_in[topic] = bytes_in.get(topic, 0) + nbytes
        records_in = self.records_in
        records_in[topic] = records_in.get(topic, 0) + records

    def fetched(self, topic: str, nbytes: int, nrecords: int) -> None:
        """``nbytes`` of ``topic``'s record batches, holding ``nrecords`` records from the
        consumer's position on, were read for a consumer."""
        bytes_out = self.bytes_out
        bytes_out[topic] = bytes_out.get(topic, 0) + nbytes
        records_out = self.records_out
        records_out[topic] = records_out.get(topic, 0) + nrecords

    def topics(self) -> set[str]:
        """Every topic with a counter."""
        return {
            *self.bytes_in,
            *self.bytes_out,
            *self.records_out,
            *self.produce_requests,
            *self.fetch_requests,
        }

    def forget(self, topic: str) -> None:
        """Drop ``topic``'s counters (it was deleted: its series disappear)."""
        for counters in (
            self.bytes_in,
            self.records_in,
            self.bytes_out,
            self.records_out,
            self.produce_requests,
            self.fetch_requests,
        ):
            counters.pop(topic, None)
