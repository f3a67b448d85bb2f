"""The group page of a KIP-848 consumer group in Chromium: a real confluent-kafka member
(``group.protocol=consumer``) shows with its type, epochs, member epoch and its current and
target assignments; a member still reconciling (served in the broker's place: the real window
is a heartbeat long) is marked, its target beside its current assignment."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from browser.console_tab import ConsoleTabFactory
from confluent_kafka import Consumer
from confluent_kafka.admin import AdminClient, NewTopic
from playwright.sync_api import Route, expect

from broker import Broker

pytestmark = pytest.mark.timeout(120)

#: One client call on a busy machine.
TIMEOUT_S = 20.0
SETTINGS: dict[str, Any] = {
    "group.initial.rebalance.delay.ms": 0,
    "group.consumer.heartbeat.interval.ms": 300,
    "group.consumer.min.heartbeat.interval.ms": 100,
}
TOPIC = "kip848-page"
GROUP = "kip848-page-readers"
PARTITIONS = 2


@pytest.fixture(scope="module")
def broker() -> Iterator[Broker]:
    with Broker.embedded_in_thread(**SETTINGS) as running:
        yield running


@pytest.fixture
def member(broker: Broker) -> Iterator[None]:
    """A consumer-protocol member of GROUP, polling in a thread until the test ends."""
    admin = AdminClient({"bootstrap.servers": broker.bootstrap_servers})
    admin.create_topics([NewTopic(TOPIC, PARTITIONS, 1)])[TOPIC].result(TIMEOUT_S)
    stop = threading.Event()

    def run() -> None:
        consumer = Consumer(
            {
                "bootstrap.servers": broker.bootstrap_servers,
                "group.id": GROUP,
                "group.protocol": "consumer",
                "client.id": "page-reader",
            }
        )
        try:
            consumer.subscribe([TOPIC])
            while not stop.is_set():
                consumer.poll(0.1)
        finally:
            consumer.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(TIMEOUT_S)


def test_a_consumer_groups_page_shows_epochs_and_assignments(
    broker: Broker, member: None, open_tab: ConsoleTabFactory
) -> None:
    tab = open_tab(broker)
    tab.open(f"/groups/{GROUP}")
    everything = ", ".join(f"{TOPIC}-{p}" for p in range(PARTITIONS))
    row = tab.page.locator("table.members tbody tr")
    # The console polls: the member shows once it owns its whole target.
    expect(row.locator("td.assignment")).to_have_text(everything, timeout=TIMEOUT_S * 1000)
    expect(row.locator("td.target-assignment")).to_have_text(everything)
    expect(row).to_contain_text("page-reader")
    expect(tab.page.locator("main")).to_contain_text("consumer")
    epoch = tab.page.locator("#group-epoch").inner_text()
    assert int(epoch) >= 1
    expect(tab.page.locator("#assignment-epoch")).to_have_text(epoch)
    expect(row.locator("td.member-epoch")).to_have_text(epoch)
    expect(row).not_to_have_class("reconciling")
    tab.screenshot("consumer-group")

    tab.open("/groups")
    listed = tab.page.locator(f'table.groups tr[data-group="{GROUP}"]')
    expect(listed).to_contain_text("consumer")
    assert tab.errors == []


def test_a_reconciling_member_is_marked(broker: Broker, open_tab: ConsoleTabFactory) -> None:
    tab = open_tab(broker)
    group = {
        "group_id": "moving",
        "type": "consumer",
        "state": "Reconciling",
        "protocol_type": "consumer",
        "protocol": "uniform",
        "group_epoch": 4,
        "assignment_epoch": 4,
        "assignor": "uniform",
        "members": [
            {
                "member_id": "m-1",
                "client_id": "a",
                "client_host": "/127.0.0.1",
                "instance_id": None,
                "member_epoch": 3,
                "assignment": [{"topic": "t", "partition": 0}, {"topic": "t", "partition": 1}],
                "target_assignment": [{"topic": "t", "partition": 0}],
            },
            {
                "member_id": "m-2",
                "client_id": "b",
                "client_host": "/127.0.0.1",
                "instance_id": "i-2",
                "member_epoch": 4,
                "assignment": [{"topic": "t", "partition": 2}],
                "target_assignment": [{"topic": "t", "partition": 2}],
            },
        ],
        "offsets": [],
        "history": [],
    }

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(group))

    tab.page.route("**/api/groups/moving", serve)
    tab.open("/groups/moving")
    moving = tab.page.locator('table.members tr[data-member="m-1"]')
    expect(moving).to_have_class("reconciling")
    expect(moving.locator("td.assignment")).to_have_text("t-0, t-1")
    expect(moving.locator("td.target-assignment")).to_have_text("t-0")
    settled = tab.page.locator('table.members tr[data-member="m-2"]')
    expect(settled).not_to_have_class("reconciling")
    expect(settled).to_contain_text("i-2")
    assert tab.errors == []
