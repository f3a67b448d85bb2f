"""``alerts``: reacts to large withdrawals by producing alerts to ``bank.alerts``.

Run from the root of the clone (against ``samsa broker start`` on localhost:9092)::

    .venv/bin/python -m examples.bank.alerts --limit 1000

A member of the consumer group ``bank-alerts`` (a second, independent reader of the same
events: it has its own offsets). For every withdrawal or outgoing transfer of at least
``--limit`` cents it produces an alert, keyed by account, with an idempotent producer (a
retried send is never written twice); it commits the group's offsets only once the alerts of
what it read are acknowledged. So every large withdrawal gets its alert (at least once: a
crash after producing and before committing produces it again). Each alert carries
``alert_id`` = ``partition-offset`` of its event, which a reader of alerts dedupes on.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import Final

from client import Consumer, KafkaError, Producer
from examples.bank import events
from examples.bank.service import fail, failure_message
from examples.bank.topics import ALERTS, DEFAULT_BOOTSTRAP, EVENTS, ensure_topics

__all__ = ["alert_for", "main"]

log = logging.getLogger("bank.alerts")

GROUP: Final = "bank-alerts"
DEFAULT_LIMIT: Final = 1_000
_WATCHED: Final = ("withdrawn", "transfer_debited")


def alert_for(event: events.Event, partition: int, offset: int, limit: int) -> bytes | None:
    """The alert an event raises, or None."""
    if event["type"] not in _WATCHED or event["amount"] < limit:
        return None
    return events.json_bytes(
        {
            "alert_id": f"{partition}-{offset}",
            "account": event["account"],
            "kind": event["type"],
            "amount": event["amount"],
            "command_id": event["command_id"],
        }
    )


async def run(bootstrap_servers: str, limit: int, stop: asyncio.Event) -> None:
    await ensure_topics(bootstrap_servers)
    async with (
        Producer(bootstrap_servers=bootstrap_servers, enable_idempotence=True) as producer,
        Consumer(
            bootstrap_servers=bootstrap_servers,
            group_id=GROUP,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=100,
        ) as consumer,
    ):
        consumer.subscribe([EVENTS])
        print(
            f"alerts reading {EVENTS} as group {GROUP}, alerting at {limit} cents "
            f"(broker {bootstrap_servers})",
            flush=True,
        )
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500)
            futures = []
            for tp, records in batches.items():
                for record in records:
                    event = events.decode(record.value)
                    alert = alert_for(event, tp.partition, record.offset, limit)
                    if alert is not None:
                        key = event["account"].encode()
                        futures.append(await producer.send(ALERTS, alert, key=key))
            if batches:
                await asyncio.gather(*futures)  # acknowledged before the offsets move
                await consumer.commit()
                if futures:
                    log.info("%d alert(s) raised", len(futures))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.bank.alerts", description=__doc__)
    parser.add_argument("--bootstrap-servers", default=DEFAULT_BOOTSTRAP)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="cents")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run(args.bootstrap_servers, args.limit, stop)

    try:
        asyncio.run(serve())
    except KafkaError as exc:
        fail("alerts", failure_message(exc, args.bootstrap_servers) or str(exc))


if __name__ == "__main__":
    main()
