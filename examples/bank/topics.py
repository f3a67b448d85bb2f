"""The bank's topics, and creating them (every service does at start; the first one wins)."""

from __future__ import annotations

from typing import Final

from client import Admin, NewTopic

__all__ = ["ALERTS", "EVENTS", "EVENT_PARTITIONS", "SNAPSHOTS", "ensure_topics"]

#: Every account event, keyed by account id (an account's events share a partition).
EVENTS: Final = "bank.account-events"
#: Account state per event partition at some offset, compacted: the latest per partition.
SNAPSHOTS: Final = "bank.account-snapshots"
#: Alerts raised by the alerts service.
ALERTS: Final = "bank.alerts"

#: Partitions of the event topic: conditional appends are per partition, so more partitions
#: mean fewer conflicts between accounts that merely share one.
EVENT_PARTITIONS: Final = 4

DEFAULT_BOOTSTRAP: Final = "localhost:9092"


async def ensure_topics(bootstrap_servers: str) -> None:
    async with Admin(bootstrap_servers=bootstrap_servers) as admin:
        await admin.create_topics(
            [
                NewTopic(EVENTS, EVENT_PARTITIONS, -1, {}),
                NewTopic(SNAPSHOTS, 1, -1, {"cleanup.policy": "compact"}),
                NewTopic(ALERTS, 1, -1, {}),
            ],
            if_not_exists=True,
        )
