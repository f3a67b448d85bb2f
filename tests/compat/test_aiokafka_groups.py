"""aiokafka 0.14 group consumers against Samsa: two members share a topic exactly once with
manual commits; a member that leaves hands its partitions over; a new member of the group
resumes from the committed offsets."""

from __future__ import annotations

import asyncio

import pytest
from support.waiting import eventually

from broker import Broker

aiokafka = pytest.importorskip("aiokafka")

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.samsa_config(**{"group.initial.rebalance.delay.ms": 0, "num.partitions": 4}),
]

TIMEOUT_S = 30.0


class Member:
    """An AIOKafkaConsumer in a group, consuming and committing after every batch."""

    def __init__(self, bootstrap: str, group: str, topic: str) -> None:
        self.consumer = aiokafka.AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=group,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            heartbeat_interval_ms=300,
        )
        self.values: list[bytes] = []
        self.task: asyncio.Task[None] | None = None

    @property
    def assigned(self) -> set[int]:
        return {tp.partition for tp in self.consumer.assignment()}

    async def start(self) -> None:
        await self.consumer.start()
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=100)
            for records in batches.values():
                self.values.extend(r.value for r in records)
            if batches:
                await self.consumer.commit()

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        await self.consumer.stop()  # commits nothing more; sends LeaveGroup


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def test_group_members_share_and_hand_over_partitions(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers

    async def main() -> None:
        producer = aiokafka.AIOKafkaProducer(bootstrap_servers=bootstrap)
        await producer.start()

        async def produce(prefix: str, n: int) -> list[bytes]:
            values = [b"%s-%d" % (prefix.encode(), i) for i in range(n)]
            for v in values:
                await producer.send("aio-g", v, key=v)
            await producer.flush()
            return values

        try:
            first = await produce("a", 100)  # creates the topic (4 partitions)
            a = Member(bootstrap, "aio-group", "aio-g")
            b = Member(bootstrap, "aio-group", "aio-g")
            await a.start()
            await b.start()
            try:
                await eventually(
                    lambda: a.assigned and b.assigned and a.assigned | b.assigned == {0, 1, 2, 3},
                    TIMEOUT_S,
                    "two members sharing four partitions",
                )
                await eventually(
                    lambda: len(a.values) + len(b.values) >= 100, TIMEOUT_S, "the first records"
                )
                await a.stop()  # leaves the group: b takes everything
                await eventually(
                    lambda: b.assigned == {0, 1, 2, 3}, TIMEOUT_S, "b owning every partition"
                )
                second = await produce("b", 100)
                await eventually(
                    lambda: len(a.values) + len(b.values) >= 200, TIMEOUT_S, "the second records"
                )
                assert sorted(a.values + b.values) == sorted(first + second)
            finally:
                await b.stop()
            # A new member of the group resumes from the committed offsets.
            third = await produce("c", 20)
            c = Member(bootstrap, "aio-group", "aio-g")
            await c.start()
            try:
                await eventually(lambda: len(c.values) >= 20, TIMEOUT_S, "the third records")
                assert sorted(c.values) == sorted(third)
            finally:
                await c.stop()
        finally:
            await producer.stop()

    asyncio.run(main())
