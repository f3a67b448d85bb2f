"""confluent-kafka (a current librdkafka) transactions against Samsa: commits and aborts seen by
read_committed and read_uncommitted consumers, zombie fencing, a transaction left open by a
killed producer aborted after its timeout, send_offsets_to_transaction in a
consume-transform-produce loop; and at the wire, with Samsa's own protocol classes, the last
stable offset and the aborted transactions a read_committed Fetch and ListOffsets answer."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from support.kafka_ops import fetch, list_offset, offsets_of
from support.waiting import eventually_sync
from support.wire import WireClient

from broker import Broker
from protocol.records import iter_batches

confluent_kafka = pytest.importorskip("confluent_kafka")
admin = pytest.importorskip("confluent_kafka.admin")
from confluent_kafka import KafkaError, KafkaException, TopicPartition  # noqa: E402

TIMEOUT_S = 30.0
#: The killed producer's transaction timeout: short, so the coordinator aborts its open
#: transaction within the test (Kafka's default is one minute).
KILLED_TXN_TIMEOUT_MS = 3000
#: ListOffsets' "latest" timestamp.
LATEST = -1
#: Fetch and ListOffsets isolation levels.
READ_UNCOMMITTED, READ_COMMITTED = 0, 1

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.samsa_config(
        **{"group.initial.rebalance.delay.ms": 0, "group.min.session.timeout.ms": 1000}
    ),
]


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def create_topic(bootstrap: str, topic: str, partitions: int = 1) -> None:
    client = admin.AdminClient({"bootstrap.servers": bootstrap})
    client.create_topics([admin.NewTopic(topic, partitions, 1)])[topic].result(TIMEOUT_S)


def txn_producer(bootstrap: str, transactional_id: str, **conf: Any) -> Any:
    producer = confluent_kafka.Producer(
        {
            "bootstrap.servers": bootstrap,
            "transactional.id": transactional_id,
            "linger.ms": 5,
            **conf,
        }
    )
    producer.init_transactions(TIMEOUT_S)
    return producer


def read_all(bootstrap: str, topic: str, isolation: str, partitions: int = 1) -> list[str]:
    """Every value of ``topic`` a consumer with ``isolation`` sees, from the start up to the end
    of every partition (the LSO for read_committed), in offset order per partition."""
    consumer = confluent_kafka.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "ck-txn-reader",  # required by the client; offsets are not committed
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "isolation.level": isolation,
        }
    )
    try:
        consumer.assign(
            [TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING) for p in range(partitions)]
        )
        got: list[str] = []
        at_end: set[int] = set()
        deadline = time.monotonic() + TIMEOUT_S
        while len(at_end) < partitions:
            assert time.monotonic() < deadline, f"read {got} by {deadline}"
            msg = consumer.poll(0.2)
            if msg is None:
                continue
            if msg.error() is not None:
                assert msg.error().code() == KafkaError._PARTITION_EOF, msg.error()
                at_end.add(msg.partition())
                continue
            got.append(msg.value().decode())
        return got
    finally:
        consumer.close()


def read_committed(bootstrap: str, topic: str, expected: list[str]) -> None:
    """Wait until a read_committed consumer sees exactly ``expected``: a commit returns once
    the coordinator has logged it, and its markers (which move the LSO) follow."""
    eventually_sync(
        lambda: read_all(bootstrap, topic, "read_committed") == expected,
        TIMEOUT_S,
        f"read_committed {topic} to be {expected}",
        describe=lambda: read_all(bootstrap, topic, "read_committed"),
    )


def group_offset_is(bootstrap: str, group: str, topic: str, expected: int) -> None:
    """Wait until the group's committed offset of partition 0 is ``expected`` (a transaction's
    offsets become visible with its marker in ``__consumer_offsets``)."""
    eventually_sync(
        lambda: group_committed(bootstrap, group, topic) == expected,
        TIMEOUT_S,
        f"group {group} at offset {expected}",
        describe=lambda: group_committed(bootstrap, group, topic),
    )


def produce_values(producer: Any, topic: str, values: list[str]) -> None:
    for value in values:
        producer.produce(topic, value=value.encode())
    assert producer.flush(TIMEOUT_S) == 0


def test_commits_are_seen_read_committed_and_aborts_only_read_uncommitted(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "ck-txn-mixed")
    producer = txn_producer(bootstrap, "ck-txn-mixed")
    committed: list[str] = []
    everything: list[str] = []
    for t in range(6):
        values = [f"t{t}-{i}" for i in range(10)]
        producer.begin_transaction()
        produce_values(producer, "ck-txn-mixed", values)
        everything += values
        if t % 2 == 0:
            producer.commit_transaction(TIMEOUT_S)
            committed += values
        else:
            producer.abort_transaction(TIMEOUT_S)
    read_committed(bootstrap, "ck-txn-mixed", committed)
    # read_uncommitted: every data record, aborted or not; the markers are never delivered.
    assert read_all(bootstrap, "ck-txn-mixed", "read_uncommitted") == everything


def test_a_second_producer_with_the_same_transactional_id_fences_the_first(
    broker: Broker,
) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "ck-txn-fence")
    zombie = txn_producer(bootstrap, "ck-txn-fence")
    zombie.begin_transaction()
    produce_values(zombie, "ck-txn-fence", ["zombie-1", "zombie-2"])
    # The new instance's InitProducerId bumps the epoch and aborts the open transaction.
    successor = txn_producer(bootstrap, "ck-txn-fence")
    with pytest.raises(KafkaException) as info:
        zombie.commit_transaction(TIMEOUT_S)
    error = info.value.args[0]
    assert error.fatal(), error
    # librdkafka reports every fencing error (PRODUCER_FENCED, or INVALID_PRODUCER_EPOCH from an
    # older broker) as its own _FENCED.
    assert error.code() in (
        KafkaError._FENCED,
        KafkaError.PRODUCER_FENCED,
        KafkaError.INVALID_PRODUCER_EPOCH,
    ), error
    successor.begin_transaction()
    produce_values(successor, "ck-txn-fence", ["successor-1"])
    successor.commit_transaction(TIMEOUT_S)
    read_committed(bootstrap, "ck-txn-fence", ["successor-1"])


KILLED_PRODUCER = textwrap.dedent(
    """
    import sys
    import confluent_kafka

    bootstrap, topic, txn_id, timeout_ms = sys.argv[1:5]
    producer = confluent_kafka.Producer({
        "bootstrap.servers": bootstrap,
        "transactional.id": txn_id,
        "transaction.timeout.ms": int(timeout_ms),
    })
    producer.init_transactions(30)
    producer.begin_transaction()
    for i in range(5):
        producer.produce(topic, value=f"open-{i}".encode())
    assert producer.flush(30) == 0
    print("produced", flush=True)
    sys.stdin.read()  # until killed
    """
)


def test_a_transaction_left_open_by_a_killed_producer_is_aborted_after_its_timeout(
    broker: Broker, tmp_path: Path
) -> None:
    bootstrap = broker.bootstrap_servers
    topic = "ck-txn-killed"
    create_topic(bootstrap, topic)
    script = tmp_path / "killed_producer.py"
    script.write_text(KILLED_PRODUCER)
    proc = subprocess.Popen(
        [
            sys.executable,
            str(script),
            bootstrap,
            topic,
            "ck-txn-killed",
            str(KILLED_TXN_TIMEOUT_MS),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the module's timeout bounds this read
        if line != b"produced\n":
            proc.kill()
            _, err = proc.communicate(timeout=TIMEOUT_S)
            pytest.fail(f"the producer did not produce: {line!r} {err.decode(errors='replace')}")
        proc.send_signal(signal.SIGKILL)
        proc.wait(TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(TIMEOUT_S)
    plain = confluent_kafka.Producer({"bootstrap.servers": bootstrap, "linger.ms": 1})
    produce_values(plain, topic, ["after-0", "after-1"])
    # The open transaction holds the LSO at its first offset until the coordinator aborts it
    # (transaction.timeout.ms after it started); then read_committed moves past it.
    read_committed(bootstrap, topic, ["after-0", "after-1"])
    assert read_all(bootstrap, topic, "read_uncommitted") == [
        *(f"open-{i}" for i in range(5)),
        "after-0",
        "after-1",
    ]


def group_committed(bootstrap: str, group: str, topic: str) -> int:
    """The group's committed offset of partition 0 of ``topic`` (-1001: none)."""
    client = admin.AdminClient({"bootstrap.servers": bootstrap})
    request = confluent_kafka.ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0)])
    result = client.list_consumer_group_offsets([request])[group].result(TIMEOUT_S)
    return int(result.topic_partitions[0].offset)


def test_send_offsets_to_transaction_commits_input_offsets_atomically(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "ck-ctp-in")
    create_topic(bootstrap, "ck-ctp-out")
    plain = confluent_kafka.Producer({"bootstrap.servers": bootstrap, "linger.ms": 1})
    produce_values(plain, "ck-ctp-in", [f"in-{i}" for i in range(30)])
    group = "ck-ctp"
    consumer = confluent_kafka.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "isolation.level": "read_committed",
        }
    )
    producer = txn_producer(bootstrap, "ck-ctp")
    try:
        consumer.subscribe(["ck-ctp-in"])

        def take(count: int) -> list[Any]:
            got: list[Any] = []
            deadline = time.monotonic() + TIMEOUT_S
            while len(got) < count:
                assert time.monotonic() < deadline, f"consumed {len(got)} of {count}"
                msg = consumer.poll(0.2)
                if msg is not None:
                    assert msg.error() is None, msg.error()
                    got.append(msg)
            return got

        def transform(messages: list[Any], commit: bool) -> None:
            producer.begin_transaction()
            for msg in messages:
                producer.produce("ck-ctp-out", value=msg.value().upper())
            # Delivered before the end, so that an aborted transaction's records are in the log
            # (and skipped by read_committed), not purged unsent by the abort.
            assert producer.flush(TIMEOUT_S) == 0
            producer.send_offsets_to_transaction(
                consumer.position(consumer.assignment()),
                consumer.consumer_group_metadata(),
                TIMEOUT_S,
            )
            if commit:
                producer.commit_transaction(TIMEOUT_S)
            else:
                producer.abort_transaction(TIMEOUT_S)

        transform(take(10), commit=True)
        group_offset_is(bootstrap, group, "ck-ctp-in", 10)
        transform(take(10), commit=False)
        # Once the abort's markers are out (the output's LSO back at its high watermark), the
        # pending offsets were dropped: the group's offset did not move.
        eventually_sync(
            lambda: asyncio.run(_stable(bootstrap, "ck-ctp-out")),
            TIMEOUT_S,
            "the ABORT marker written",
        )
        assert group_committed(bootstrap, group, "ck-ctp-in") == 10
        # Start again from the committed offset, as a restarted application would.
        consumer.seek(TopicPartition("ck-ctp-in", 0, 10))
        transform(take(20), commit=True)
        group_offset_is(bootstrap, group, "ck-ctp-in", 30)
    finally:
        consumer.close()
    # Each input once: none lost, none twice (the aborted copies of 10..19 are skipped).
    read_committed(bootstrap, "ck-ctp-out", [f"IN-{i}" for i in range(30)])


async def _stable(bootstrap: str, topic: str) -> bool:
    """Whether partition 0 of ``topic`` has no open transaction (its LSO at the HW)."""
    client = await WireClient.connect(bootstrap)
    try:
        data = await fetch(client, topic, 0, 0, version=11, isolation_level=READ_COMMITTED)
        return bool(data.last_stable_offset == data.high_watermark)
    finally:
        await client.close()


def _producer_ids(records: Any) -> list[int]:
    return [b.producer_id for b in iter_batches(bytes(records))] if records else []


async def _wire_checks_open(bootstrap: str, topic: str) -> int:
    """While the transaction is open: the LSO stops at its first offset (2), below the HW (5);
    returns the transaction's producer id."""
    client = await WireClient.connect(bootstrap)
    try:
        committed = await fetch(client, topic, 0, 0, version=11, isolation_level=READ_COMMITTED)
        assert committed.error_code == 0
        assert committed.high_watermark == 5
        assert committed.last_stable_offset == 2 < committed.high_watermark
        assert offsets_of(committed.records) == [0, 1]  # nothing at or past the LSO
        uncommitted = await fetch(client, topic, 0, 0, version=11)
        assert offsets_of(uncommitted.records) == [0, 1, 2, 3, 4]
        listed = await list_offset(client, topic, 0, LATEST, isolation_level=READ_COMMITTED)
        assert listed.error_code == 0 and listed.offset == 2
        listed = await list_offset(client, topic, 0, LATEST, isolation_level=READ_UNCOMMITTED)
        assert listed.error_code == 0 and listed.offset == 5
        producer_ids = _producer_ids(uncommitted.records)
        assert producer_ids[-1] >= 0
        return int(producer_ids[-1])
    finally:
        await client.close()


async def _wire_checks_aborted(bootstrap: str, topic: str, producer_id: int) -> tuple[int, int]:
    """After the abort: (LSO, HW) and the aborted transaction listed by a read_committed Fetch."""
    client = await WireClient.connect(bootstrap)
    try:
        data = await fetch(client, topic, 0, 0, version=11, isolation_level=READ_COMMITTED)
        assert data.error_code == 0
        if data.last_stable_offset < data.high_watermark:
            return data.last_stable_offset, data.high_watermark  # the marker is not stable yet
        aborted = [(a.producer_id, a.first_offset) for a in data.aborted_transactions or []]
        assert aborted == [(producer_id, 2)]
        listed = await list_offset(client, topic, 0, LATEST, isolation_level=READ_COMMITTED)
        assert listed.offset == data.high_watermark == 6  # 5 records and the ABORT marker
        return data.last_stable_offset, data.high_watermark
    finally:
        await client.close()


def test_wire_fetch_and_list_offsets_answer_the_last_stable_offset(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    topic = "ck-txn-wire"
    create_topic(bootstrap, topic)
    plain = confluent_kafka.Producer({"bootstrap.servers": bootstrap, "linger.ms": 1})
    produce_values(plain, topic, ["plain-0", "plain-1"])
    producer = txn_producer(bootstrap, "ck-txn-wire")
    producer.begin_transaction()
    produce_values(producer, topic, ["txn-2", "txn-3", "txn-4"])
    producer_id = asyncio.run(_wire_checks_open(bootstrap, topic))
    producer.abort_transaction(TIMEOUT_S)
    eventually_sync(
        lambda: (lambda lso_hw: lso_hw[0] == lso_hw[1])(
            asyncio.run(_wire_checks_aborted(bootstrap, topic, producer_id))
        ),
        TIMEOUT_S,
        "the LSO at the high watermark after the abort",
    )
    assert read_all(bootstrap, topic, "read_committed") == ["plain-0", "plain-1"]
