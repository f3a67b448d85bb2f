"""The web console in headless Chromium against a real broker, with confluent-kafka producing
and consuming: every page loads without a console error, the message browser shows text, JSON
and binary records (and an HTML-shaped value as text), a group's lag shows and moves as the
group consumes, a failed call raises a banner instead of blanking the page, and the admin
controls exist (and work) only with ``http.console.admin.enable=true``. Screenshots of every
page go to the run's temporary directory (``SAMSA_UPDATE_SCREENSHOTS=1``: also docs/console/).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from browser.console_tab import ConsoleTab, ConsoleTabFactory, chromium_path, console_url
from confluent_kafka import Consumer, KafkaError, Message, Producer, TopicPartition
from confluent_kafka.admin import (
    AdminClient,
    NewTopic,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialUpsertion,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Route, expect
from support.waiting import eventually_sync

from broker import Broker

if chromium_path() is None:
    pytest.skip(
        "no Chromium (/usr/bin/chromium or chromium on PATH): the console's browser tests need "
        "Debian's chromium package",
        allow_module_level=True,
    )

pytestmark = pytest.mark.timeout(120)

#: One client call on a busy machine.
TIMEOUT_S = 20.0
#: A page assertion that waits for the console's own polling (every 5 s) to see a change.
POLL_WAIT_MS = 15_000
#: The first sample of a group's lag history (taken every 10 s), then a poll of the page.
HISTORY_WAIT_MS = 30_000
#: Groups settle at once: the tests do not wait out Kafka's 3 s initial rebalance delay.
SETTINGS: dict[str, Any] = {
    "group.initial.rebalance.delay.ms": 0,
    "group.min.session.timeout.ms": 1000,
}
ADMIN: dict[str, Any] = {"http.console.admin.enable": True}

DEMO_TOPIC = "console-demo"
DEMO_GROUP = "console-demo-readers"
TEXT_VALUE = "hello from confluent-kafka"
JSON_VALUE = {"order": 42, "items": ["tea", "cake"]}
BINARY_VALUE = b"\x00\xff\xfesamsa\x01"  # not UTF-8: the console shows it as hex
XSS_VALUE = '<img src=x onerror="window.samsaXss=1">'
HEADER = ("trace-id", b"abc-123")

#: What the browser does when the tab goes to the background (or comes back): headless
#: Chromium never hides a tab by itself.
HIDE_TAB = """hidden => {
    Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
    document.dispatchEvent(new Event("visibilitychange"));
}"""

Record = tuple[bytes | None, bytes, list[tuple[str, str | bytes | None]]]


@pytest.fixture(scope="module")
def broker() -> Iterator[Broker]:
    """The read-only console (admin actions off, the default)."""
    with Broker.embedded_in_thread(**SETTINGS) as running:
        yield running


@pytest.fixture(scope="module")
def admin_broker() -> Iterator[Broker]:
    with Broker.embedded_in_thread(**SETTINGS, **ADMIN) as running:
        yield running


def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(TIMEOUT_S)


def produce(bootstrap: str, topic: str, records: list[Record], partition: int = 0) -> list[int]:
    """Produce records to one partition with confluent-kafka; their offsets."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0})
    offsets: list[int] = []
    failures: list[KafkaError] = []

    def delivered(error: KafkaError | None, message: Message) -> None:
        if error is not None:
            failures.append(error)
        else:
            offset = message.offset()
            assert offset is not None
            offsets.append(offset)

    for key, value, headers in records:
        producer.produce(
            topic, value=value, key=key, headers=headers, partition=partition, on_delivery=delivered
        )
    assert producer.flush(TIMEOUT_S) == 0
    assert not failures, failures
    return offsets


def commit(bootstrap: str, group: str, topic: str, partition: int, offset: int) -> None:
    """Commit an offset for a group that has no members (assign, not subscribe)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        consumer.commit(offsets=[TopicPartition(topic, partition, offset)], asynchronous=False)
    finally:
        consumer.close()


def committed(bootstrap: str, group: str, topic: str, partition: int) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        [position] = consumer.committed([TopicPartition(topic, partition)], timeout=TIMEOUT_S)
        return position.offset
    finally:
        consumer.close()


@pytest.fixture(scope="module")
def demo(broker: Broker) -> dict[str, int]:
    """A topic of two partitions with a text, a JSON, a binary and an HTML-shaped record in
    partition 0, and a group that committed offset 1 there; the records' offsets by kind."""
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, DEMO_TOPIC, 2)
    records: list[Record] = [
        (b"text", TEXT_VALUE.encode(), [HEADER]),
        (b"json", json.dumps(JSON_VALUE).encode(), []),
        (None, BINARY_VALUE, []),
        (b"xss", XSS_VALUE.encode(), []),
    ]
    offsets = produce(bootstrap, DEMO_TOPIC, records)
    commit(bootstrap, DEMO_GROUP, DEMO_TOPIC, 0, 1)
    return dict(zip(["text", "json", "binary", "xss"], offsets, strict=True))


def message(tab: ConsoleTab, offset: int, part: str = "value") -> Locator:
    """The shown key, value or header of the record at ``offset``: a Playwright locator."""
    return tab.page.locator(f'article.message[data-offset="{offset}"] .field.{part} pre')


def test_every_page_loads_without_console_errors(
    broker: Broker, demo: dict[str, int], open_tab: ConsoleTabFactory
) -> None:
    tab = open_tab(broker)
    port = broker.bootstrap_servers.rsplit(":", 1)[1]

    tab.open("/")
    expect(tab.page.locator("table.brokers tbody tr")).to_have_count(1)
    expect(tab.page.locator("table.brokers")).to_contain_text(f":{port}")
    expect(tab.page.locator("table.brokers")).to_contain_text("controller")
    tab.screenshot("overview")

    tab.open("/topics")
    row = tab.page.locator(f'table.topics tr[data-topic="{DEMO_TOPIC}"]')
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("2")
    tab.screenshot("topics")
    tab.page.fill("input.filter", "no-such-topic")
    expect(row).to_have_count(0)
    tab.page.fill("input.filter", "DEMO")
    expect(row).to_have_count(1)

    tab.open(f"/topics/{DEMO_TOPIC}")
    expect(tab.page.locator("table.partitions tbody tr")).to_have_count(2)
    expect(tab.page.locator("table.partitions tr[data-partition='0'] td").nth(6)).to_have_text(
        str(demo["xss"] + 1)
    )
    expect(tab.page.locator("table.configs")).to_contain_text("retention.ms")
    tab.screenshot("topic")

    tab.open(f"/topics/{DEMO_TOPIC}/messages")
    expect(tab.page.locator("article.message")).to_have_count(len(demo))
    tab.screenshot("messages")

    tab.open("/groups")
    expect(tab.page.locator(f'table.groups tr[data-group="{DEMO_GROUP}"]')).to_have_count(1)
    tab.screenshot("groups")

    tab.open(f"/groups/{DEMO_GROUP}")
    lag = tab.page.locator(f'table.offsets tr[data-topic="{DEMO_TOPIC}"] td.lag')
    expect(lag).to_have_text(str(len(demo) - 1))
    tab.screenshot("group")

    expect(tab.page.locator("#status")).to_contain_text("Updated")
    expect(tab.page.locator("#banner")).to_be_hidden()
    assert tab.errors == []


def test_message_browser_shows_text_json_and_binary_records(
    broker: Broker, demo: dict[str, int], open_tab: ConsoleTabFactory
) -> None:
    tab = open_tab(broker)
    tab.open(f"/topics/{DEMO_TOPIC}/messages?partition=0&offset=0")
    expect(message(tab, demo["text"])).to_have_text(TEXT_VALUE)
    expect(message(tab, demo["text"], "key")).to_have_text("text")
    header = tab.page.locator(f'article.message[data-offset="{demo["text"]}"] .field.header')
    expect(header).to_contain_text(HEADER[0])
    expect(header.locator("pre")).to_have_text(HEADER[1].decode())

    # JSON pretty-printed, as JSON.stringify(value, null, 2) and json.dumps(indent=2) agree.
    expect(message(tab, demo["json"])).to_have_text(json.dumps(JSON_VALUE, indent=2))
    expect(message(tab, demo["json"])).to_have_class("data json")
    # Bytes that are not UTF-8: a hex dump.
    expect(message(tab, demo["binary"])).to_have_class("data hex")
    expect(message(tab, demo["binary"])).to_contain_text("00 ff fe 73 61 6d 73 61 01")
    expect(message(tab, demo["binary"], "key")).to_have_text("null")

    # One record toggled to hex; then the whole page as text.
    card = tab.page.locator(f'article.message[data-offset="{demo["json"]}"]')
    card.locator("button[data-mode='hex']").click()
    expect(message(tab, demo["json"])).to_contain_text("7b 22 6f 72 64 65 72 22")
    expect(message(tab, demo["text"])).to_have_text(TEXT_VALUE)
    tab.page.select_option("select[name='mode']", "text")
    expect(message(tab, demo["json"])).to_have_text(json.dumps(JSON_VALUE))

    # Newest first: the last record leads.
    tab.page.select_option("select[name='from']", "newest")
    tab.page.click("form.message-query button[type='submit']")
    expect(tab.page.locator("article.message").first).to_have_attribute(
        "data-offset", str(demo["xss"])
    )
    # From a time: everything after it; the limit caps the list.
    tab.page.select_option("select[name='from']", "timestamp")
    tab.page.fill("input[name='timestamp']", "2020-01-01T00:00:00")
    tab.page.fill("input[name='limit']", "2")
    tab.page.click("form.message-query button[type='submit']")
    expect(tab.page.locator("article.message")).to_have_count(2)
    expect(tab.page.locator("article.message").first).to_have_attribute(
        "data-offset", str(demo["text"])
    )
    tab.page.fill("input[name='timestamp']", "2999-01-01T00:00:00")
    tab.page.click("form.message-query button[type='submit']")
    expect(tab.page.locator("p.empty")).to_be_visible()
    # Partition 1 is empty (partition 0, newest first, is not).
    tab.page.select_option("select[name='from']", "newest")
    tab.page.click("form.message-query button[type='submit']")
    expect(tab.page.locator("article.message")).to_have_count(2)
    tab.page.select_option("select[name='partition']", "1")
    tab.page.click("form.message-query button[type='submit']")
    expect(tab.page.locator("p.empty")).to_be_visible()
    assert tab.errors == []


def test_html_shaped_value_is_shown_as_text(
    broker: Broker, demo: dict[str, int], open_tab: ConsoleTabFactory
) -> None:
    tab = open_tab(broker)
    tab.open(f"/topics/{DEMO_TOPIC}/messages?partition=0&offset=0")
    expect(message(tab, demo["xss"])).to_have_text(XSS_VALUE)
    expect(tab.page.locator("#view img")).to_have_count(0)
    assert tab.page.evaluate("window.samsaXss") is None
    assert tab.errors == []


def test_group_lag_is_shown_and_moves_as_the_group_consumes(
    broker: Broker, open_tab: ConsoleTabFactory
) -> None:
    bootstrap = broker.bootstrap_servers
    topic, group = "console-lag", "console-lag-readers"
    create_topic(bootstrap, topic, 1)
    produce(bootstrap, topic, [(None, f"record {i}".encode(), []) for i in range(10)])
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "heartbeat.interval.ms": 300,
        }
    )
    try:
        consumer.subscribe([topic])
        eventually_sync(
            lambda: (msg := consumer.poll(0.2)) is not None and msg.error() is None,
            TIMEOUT_S,
            "the group's consumer gets a record",
        )
        consumer.commit(offsets=[TopicPartition(topic, 0, 3)], asynchronous=False)

        tab = open_tab(broker)
        tab.open(f"/groups/{group}")
        row = tab.page.locator(f'table.offsets tr[data-topic="{topic}"]')
        expect(row.locator("td.lag")).to_have_text("7")
        expect(row.locator("td.lag-seconds")).not_to_have_text("—")
        expect(tab.page.locator("table.members")).to_contain_text(f"{topic}-0")
        # The broker samples each group's lag every 10 s: the chart appears with the first.
        expect(tab.page.locator("svg.chart polyline")).to_be_attached(timeout=HISTORY_WAIT_MS)
        tab.screenshot("group-lag")

        # The group reads on: the page's own polling shows the new lag, no reload.
        consumer.commit(offsets=[TopicPartition(topic, 0, 10)], asynchronous=False)
        expect(row.locator("td.lag")).to_have_text("0", timeout=POLL_WAIT_MS)
        expect(tab.page.locator("#total-lag")).to_have_text("0")

        tab.open("/groups")
        expect(tab.page.locator(f'table.groups tr[data-group="{group}"] td.lag')).to_have_text("0")
        assert tab.errors == []
    finally:
        consumer.close()


def test_lag_chart_draws_the_history_as_svg(
    broker: Broker, demo: dict[str, int], open_tab: ConsoleTabFactory
) -> None:
    """The chart from a history the broker would take minutes to gather, served in its place."""
    tab = open_tab(broker)
    start_ms = 1_700_000_000_000
    group = {
        "group_id": "charted",
        "type": "classic",
        "state": "Empty",
        "protocol_type": "consumer",
        "protocol": "",
        "members": [],
        "offsets": [],
        "history": [
            {"time_ms": start_ms + 20_000, "lag": 2},
            {"time_ms": start_ms, "lag": 0},
            {"time_ms": start_ms + 10_000, "lag": 40},
        ],
    }

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(group))

    tab.page.route("**/api/groups/charted", serve)
    tab.open("/groups/charted")
    points = tab.page.locator("svg.chart polyline").get_attribute("points")
    assert points is not None and len(points.split()) == 3
    ys = [float(pair.split(",")[1]) for pair in points.split()]
    assert ys[1] < ys[2] < ys[0], "time order, and the highest lag drawn highest"
    expect(tab.page.locator("svg.chart")).to_contain_text("40")
    assert tab.errors == []


def test_search_box_links_to_topics_and_groups(
    broker: Broker, demo: dict[str, int], open_tab: ConsoleTabFactory
) -> None:
    tab = open_tab(broker)
    tab.open("/")
    tab.page.fill("#search-input", "CONSOLE-DEMO")
    results = tab.page.locator("#search-results")
    expect(results.locator("a", has_text=DEMO_GROUP)).to_have_count(1)
    results.locator("a", has_text=DEMO_TOPIC).first.click()
    tab.wait_loaded(f"/topics/{DEMO_TOPIC}")
    expect(tab.page.locator("h1")).to_have_text(DEMO_TOPIC)
    expect(results).to_be_hidden()
    assert tab.errors == []


def test_failed_call_raises_a_banner_not_a_blank_page(
    broker: Broker, open_tab: ConsoleTabFactory
) -> None:
    tab = open_tab(broker)
    failure = {"error": "UNKNOWN_SERVER_ERROR", "message": "the topics could not be listed"}

    def fail(route: Route) -> None:
        route.fulfill(status=500, content_type="application/json", body=json.dumps(failure))

    tab.page.route("**/api/topics", fail)
    tab.page.goto(f"{tab.base_url}/#/topics")
    banner = tab.page.locator("#banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("UNKNOWN_SERVER_ERROR")
    expect(tab.page.locator("p.failed")).to_contain_text("could not be listed")
    expect(tab.page.locator("header.top nav")).to_be_visible()

    tab.page.unroute("**/api/topics")
    tab.refresh()
    tab.wait_loaded("/topics")
    expect(banner).to_be_hidden()
    expect(tab.page.locator("table.topics")).to_be_visible()


def test_polling_pauses_while_the_tab_is_hidden(
    broker: Broker, open_tab: ConsoleTabFactory
) -> None:
    tab = open_tab(broker)
    tab.open("/topics")
    status = tab.page.locator("#status")
    expect(status).to_contain_text("Updated")
    tab.page.evaluate(HIDE_TAB, True)
    expect(status).to_have_text("Paused while the tab is hidden")
    tab.page.evaluate(HIDE_TAB, False)
    expect(status).to_contain_text("Updated")
    assert tab.errors == []


def test_admin_controls_are_absent_unless_enabled(
    broker: Broker, demo: dict[str, int], open_tab: ConsoleTabFactory
) -> None:
    tab = open_tab(broker)
    for route, control in [
        ("/topics", ".create-topic"),
        (f"/topics/{DEMO_TOPIC}", ".delete-topic"),
        (f"/topics/{DEMO_TOPIC}/messages", ".produce"),
        (f"/groups/{DEMO_GROUP}", ".reset-offsets"),
    ]:
        tab.open(route)
        expect(tab.page.locator(control)).to_have_count(0)
    expect(tab.page.locator("footer")).to_contain_text("read-only")
    assert tab.errors == []

    # And the API itself refuses, whatever a page would show.
    request = urllib.request.Request(
        console_url(broker) + "/api/topics",
        data=json.dumps({"name": "not-made", "partitions": 1, "replication_factor": 1}).encode(),
        headers={"Content-Type": "application/json", "X-Samsa-Console": "1"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=TIMEOUT_S)
    assert refused.value.code == 403
    assert json.loads(refused.value.read())["error"] == "ADMIN_DISABLED"


def test_admin_controls_work_when_enabled(
    admin_broker: Broker, open_tab: ConsoleTabFactory
) -> None:
    bootstrap = admin_broker.bootstrap_servers
    admin = AdminClient({"bootstrap.servers": bootstrap})
    topic, group = "made-in-console", "console-reset"
    tab = open_tab(admin_broker)
    page = tab.page

    # Create a topic.
    tab.open("/topics")
    page.click(".create-topic summary")
    page.fill(".create-topic input[name='name']", topic)
    page.fill(".create-topic input[name='partitions']", "3")
    page.click(".create-topic button[type='submit']")
    tab.wait_loaded(f"/topics/{topic}")
    expect(page.locator("table.partitions tbody tr")).to_have_count(3)
    assert len(admin.list_topics(timeout=TIMEOUT_S).topics[topic].partitions) == 3

    # Produce a test message to partition 1; a Kafka consumer reads it.
    tab.open(f"/topics/{topic}/messages?partition=1")
    page.click(".produce summary")
    page.fill(".produce input[name='partition']", "1")
    page.fill(".produce input[name='key']", "console-key")
    page.fill(".produce textarea[name='value']", "typed in the console")
    page.fill(".produce textarea[name='headers']", "origin=console")
    tab.screenshot("admin-produce")
    page.click(".produce button[type='submit']")
    expect(page.locator(".produce .outcome")).to_contain_text("Produced")
    expect(message(tab, 0)).to_have_text("typed in the console")
    reader = Consumer({"bootstrap.servers": bootstrap, "group.id": "console-check"})
    try:
        reader.assign([TopicPartition(topic, 1, 0)])

        def next_record() -> Message | None:
            msg = reader.poll(0.2)
            return msg if msg is not None and msg.error() is None else None

        record = eventually_sync(
            next_record,
            TIMEOUT_S,
            "the console's record reaches a Kafka consumer",
        )
        assert record.value() == b"typed in the console"
        assert record.key() == b"console-key"
        assert record.headers() == [("origin", b"console")]
    finally:
        reader.close()

    # Reset an empty group's offsets to the earliest.
    commit(bootstrap, group, topic, 1, 1)
    tab.open(f"/groups/{group}")
    row = page.locator(f'table.offsets tr[data-topic="{topic}"][data-partition="1"]')
    expect(row.locator("td").nth(2)).to_have_text("1")
    page.click(".reset-offsets summary")
    page.fill(".reset-offsets input[name='topic']", topic)
    page.select_option(".reset-offsets select[name='to']", "earliest")
    page.click(".reset-offsets button[type='submit']")
    expect(page.locator(".reset-offsets .outcome")).to_contain_text("Reset")
    expect(row.locator("td").nth(2)).to_have_text("0")
    assert committed(bootstrap, group, topic, 1) == 0

    # Delete the topic: the button asks twice.
    tab.open(f"/topics/{topic}")
    page.click(".delete-topic button")
    expect(page.locator(".delete-topic button")).to_contain_text("Really delete")
    page.click(".delete-topic button")
    tab.wait_loaded("/topics")
    expect(page.locator(f'table.topics tr[data-topic="{topic}"]')).to_have_count(0)
    eventually_sync(
        lambda: topic not in admin.list_topics(timeout=TIMEOUT_S).topics,
        TIMEOUT_S,
        "the topic is gone for Kafka clients",
    )
    assert tab.errors == []


def test_console_asks_for_the_kafka_listeners_scram_credentials(
    open_tab: ConsoleTabFactory,
) -> None:
    """With a SASL listener, the console wants a SCRAM user's name and password (HTTP Basic):
    the browser gets the challenge without them and the pages with them."""
    user, password = "console-user", "console-secret"
    with Broker.embedded_in_thread(
        listeners="PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
        **{"sasl.enabled.mechanisms": "SCRAM-SHA-256"},
    ) as secured:
        admin = AdminClient({"bootstrap.servers": secured.bootstrap_servers_for("PLAINTEXT")})
        upsertion = UserScramCredentialUpsertion(
            user, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), password.encode()
        )
        for future in admin.alter_user_scram_credentials([upsertion]).values():
            future.result(TIMEOUT_S)

        # Without credentials to answer the challenge with, the browser gives up on the page.
        anonymous = open_tab(secured)
        with pytest.raises(PlaywrightError, match="ERR_INVALID_AUTH_CREDENTIALS"):
            anonymous.page.goto(anonymous.base_url + "/")
        challenge = anonymous.page.request.get(anonymous.base_url + "/api/overview")
        assert challenge.status == 401
        assert challenge.headers["www-authenticate"].startswith("Basic")

        tab = open_tab(secured, {"username": user, "password": password})
        tab.open("/")
        expect(tab.page.locator("#user")).to_have_text(f"signed in as {user}")
        tab.screenshot("signed-in")
        assert tab.errors == []
