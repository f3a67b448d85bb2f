"""``samsa top``: the parsing and rates (pure, table-driven), the command against a small
``/metrics`` server of the test's own, and against a real broker's HTTP listener."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, cast

import pytest
from cli.cli_support import SUBPROCESS_TIMEOUT_S, run_samsa, samsa_argv, samsa_env
from support.waiting import eventually_sync

from broker.app import Broker
from broker.cli.top import (
    GroupLag,
    Scrape,
    ScrapeError,
    TopicRates,
    View,
    combine,
    metrics_url,
    parse_scrape,
    rates,
)

pytestmark = pytest.mark.timeout(120)

# -- parsing ---------------------------------------------------------------------------------

_TEXT = """\
# HELP samsa_topic_bytes_in_total Bytes produced to the topic.
# TYPE samsa_topic_bytes_in_total counter
samsa_topic_bytes_in_total{topic="a"} 1000.0
samsa_topic_bytes_in_total{topic="b"} 10.0
# HELP samsa_topic_records_in_total Records produced to the topic.
# TYPE samsa_topic_records_in_total counter
samsa_topic_records_in_total{topic="a"} 10.0
# HELP samsa_topic_bytes_out_total Bytes fetched by consumers.
# TYPE samsa_topic_bytes_out_total counter
samsa_topic_bytes_out_total{topic="a"} 500.0
# HELP samsa_requests_total Requests.
# TYPE samsa_requests_total counter
samsa_requests_total{api="Produce"} 7.0
# HELP samsa_consumer_group_lag Records behind.
# TYPE samsa_consumer_group_lag gauge
samsa_consumer_group_lag{group="g1",topic="a",partition="0"} 3.0
samsa_consumer_group_lag{group="g1",topic="a",partition="1"} 4.0
samsa_consumer_group_lag{group="g2",topic="b",partition="0"} 0.0
# HELP samsa_consumer_group_lag_seconds Age of the next record not consumed.
# TYPE samsa_consumer_group_lag_seconds gauge
samsa_consumer_group_lag_seconds{group="g1",topic="a",partition="0"} 1.5
samsa_consumer_group_lag_seconds{group="g1",topic="a",partition="1"} 9.25
samsa_consumer_group_lag_seconds{group="g2",topic="b",partition="0"} 0.0
"""


def test_parse_scrape_reads_topic_counters_and_group_lag() -> None:
    scrape = parse_scrape(_TEXT, 5.0)
    assert scrape.at_s == 5.0
    assert scrape.topics == {
        "a": {"bytes_in": 1000.0, "records_in": 10.0, "bytes_out": 500.0},
        "b": {"bytes_in": 10.0},
    }
    assert scrape.lag == {"g1": 7.0, "g2": 0.0}
    assert scrape.lag_seconds == {"g1": 9.25, "g2": 0.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", Scrape(0.0), id="empty"),
        pytest.param(
            'samsa_requests_total{api="Fetch"} 3\nsamsa_build_info{version="1"} 1\n',
            Scrape(0.0),
            id="other metrics only",
        ),
        pytest.param(
            # Series without the label they are summed by are not counted.
            'samsa_topic_bytes_in_total 5\nsamsa_consumer_group_lag{topic="a"} 5\n',
            Scrape(0.0),
            id="no topic or group label",
        ),
        pytest.param(
            # A folded topic (beyond the per-partition cap) may come as several series.
            'samsa_topic_bytes_in_total{topic="a",partition="0"} 5\n'
            'samsa_topic_bytes_in_total{topic="a",partition="1"} 6\n',
            Scrape(0.0, topics={"a": {"bytes_in": 11.0}}),
            id="several series per topic are summed",
        ),
        pytest.param(
            'samsa_consumer_group_lag_seconds{group="g"} NaN\n',
            Scrape(0.0),
            id="NaN ignored",
        ),
    ],
)
def test_parse_scrape_cases(text: str, expected: Scrape) -> None:
    assert parse_scrape(text, 0.0) == expected


def test_parse_scrape_rejects_what_is_not_prometheus_text() -> None:
    with pytest.raises(ScrapeError, match="not Prometheus text"):
        parse_scrape("<html>this is a login page</html>\n", 0.0)


# -- rates -----------------------------------------------------------------------------------


def _s(at_s: float, topics: dict[str, dict[str, float]] | None = None, **lag: Any) -> Scrape:
    return Scrape(at_s, topics or {}, lag.get("lag", {}), lag.get("seconds", {}))


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(
            _s(0, {"a": {"bytes_in": 100, "records_in": 1}}),
            _s(2, {"a": {"bytes_in": 300, "records_in": 5}}),
            View([TopicRates("a", 100.0, 2.0, None, None)], []),
            id="difference over elapsed time",
        ),
        pytest.param(
            _s(10, {"a": {"bytes_out": 1000}}),
            _s(11, {"a": {"bytes_out": 40}}),
            View([TopicRates("a", None, None, 40.0, None)], []),
            id="counter reset counts from zero",
        ),
        pytest.param(
            _s(0, {}),
            _s(4, {"new": {"bytes_in": 8, "records_in": 4}}),
            View([TopicRates("new", 2.0, 1.0, None, None)], []),
            id="a new topic counts from zero",
        ),
        pytest.param(
            _s(0, {"gone": {"bytes_in": 8}, "kept": {"bytes_in": 8}}),
            _s(1, {"kept": {"bytes_in": 8}}),
            View([TopicRates("kept", 0.0, None, None, None)], []),
            id="a deleted topic is left out",
        ),
        pytest.param(
            _s(0, {"quiet": {"bytes_in": 1}, "busy": {"bytes_in": 1}}),
            _s(1, {"quiet": {"bytes_in": 2}, "busy": {"bytes_in": 100}}),
            View(
                [
                    TopicRates("busy", 99.0, None, None, None),
                    TopicRates("quiet", 1.0, None, None, None),
                ],
                [],
            ),
            id="busiest topic first",
        ),
        pytest.param(
            _s(0, lag={"old": 100}),
            _s(1, lag={"small": 1, "big": 50}, seconds={"small": 0.5, "big": 12.0, "only": 3}),
            View(
                [],
                [GroupLag("big", 50, 12.0), GroupLag("small", 1, 0.5), GroupLag("only", 0, 3)],
            ),
            id="lag of the later scrape, largest first",
        ),
    ],
)
def test_rates_cases(before: Scrape, after: Scrape, expected: View) -> None:
    assert rates(before, after) == expected


def test_rates_need_time_to_pass() -> None:
    with pytest.raises(ValueError, match="later"):
        rates(_s(1), _s(1))


@pytest.mark.parametrize(
    ("views", "expected"),
    [
        pytest.param([], View([], []), id="nothing"),
        pytest.param(
            [
                View([TopicRates("a", 10, 1, None, None)], [GroupLag("g", 3, 1.0)]),
                View([TopicRates("a", 5, None, 7, None)], [GroupLag("g", 4, 9.0)]),
            ],
            View([TopicRates("a", 15, 1, 7, None)], [GroupLag("g", 7, 9.0)]),
            id="brokers summed, worst seconds kept",
        ),
        pytest.param(
            [
                View([TopicRates("a", 1, 1, 1, 1)], [GroupLag("g", 1, None)]),
                View([TopicRates("b", 2, 2, 2, 2)], [GroupLag("h", 2, 2.0)]),
            ],
            View(
                [TopicRates("b", 2, 2, 2, 2), TopicRates("a", 1, 1, 1, 1)],
                [GroupLag("h", 2, 2.0), GroupLag("g", 1, None)],
            ),
            id="disjoint brokers",
        ),
    ],
)
def test_combine_cases(views: list[View], expected: View) -> None:
    assert combine(views) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("127.0.0.1:9644", "http://127.0.0.1:9644/metrics"),
        ("http://h:1", "http://h:1/metrics"),
        ("http://h:1/", "http://h:1/metrics"),
        ("https://h:1/custom/metrics", "https://h:1/custom/metrics"),
    ],
)
def test_metrics_url(given: str, expected: str) -> None:
    assert metrics_url(given) == expected


# -- the command, against a /metrics of the test's own ---------------------------------------


class _Metrics(BaseHTTPRequestHandler):
    """Serves counters that grow by 1,000 bytes and 10 records per scrape; with ``auth`` set,
    only to that Basic user."""

    scrapes: ClassVar[int] = 0
    auth: ClassVar[str | None] = None
    seen_auth: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        cls = type(self)
        if self.path != "/metrics":
            self.send_error(404)
            return
        header = self.headers.get("Authorization")
        cls.seen_auth.append(header)
        if cls.auth is not None and header != cls.auth:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="Samsa"')
            self.end_headers()
            return
        cls.scrapes += 1
        n = cls.scrapes
        body = (
            f'samsa_topic_bytes_in_total{{topic="orders"}} {n * 1000}\n'
            f'samsa_topic_records_in_total{{topic="orders"}} {n * 10}\n'
            'samsa_consumer_group_lag{group="billing",topic="orders",partition="0"} 42\n'
            'samsa_consumer_group_lag_seconds{group="billing",topic="orders",partition="0"} 7\n'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def metrics_server() -> Iterator[tuple[str, type[_Metrics]]]:
    handler = type("Metrics", (_Metrics,), {"scrapes": 0, "auth": None, "seen_auth": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_once_prints_rates_and_lag(metrics_server: tuple[str, type[_Metrics]]) -> None:
    url, handler = metrics_server
    done = run_samsa("top", "--once", "--interval", "0.5", "--url", url, "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    (orders,) = document["topics"]
    assert orders["topic"] == "orders"
    # 1,000 bytes and 10 records between two scrapes at least 0.5 s apart.
    assert 0 < orders["bytes_in_per_s"] <= 2000
    assert orders["records_in_per_s"] == pytest.approx(orders["bytes_in_per_s"] / 100)
    assert orders["bytes_out_per_s"] is None
    assert document["groups"] == [{"group": "billing", "lag": 42, "lag_seconds": 7.0}]
    assert handler.scrapes == 2


def test_once_in_a_pipe_is_tab_separated(metrics_server: tuple[str, type[_Metrics]]) -> None:
    url, _ = metrics_server
    done = run_samsa("top", "--once", "--interval", "0.2", "--url", url, "--url", url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0].split("\t") == [
        "TOPIC",
        "BYTES IN/S",
        "RECORDS IN/S",
        "BYTES OUT/S",
        "RECORDS OUT/S",
    ]
    assert lines[1].split("\t")[0] == "orders"
    assert lines[1].split("\t")[3:] == ["-", "-"]
    # The same broker named twice counts once.
    assert lines[-2:] == ["GROUP\tLAG\tLAG SECONDS", "billing\t42\t7.0"]


def test_basic_auth(metrics_server: tuple[str, type[_Metrics]]) -> None:
    url, handler = metrics_server
    handler.auth = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    refused = run_samsa("top", "--once", "--interval", "0.1", "--url", url)
    assert refused.returncode == 1
    assert refused.stderr.decode().strip() == (
        f"samsa: error: {url}/metrics: HTTP 401 Unauthorized (see --user and --password)"
    )
    done = run_samsa(
        "top", "--once", "--interval", "0.1", "--url", url, "--user", "alice",
        env=samsa_env(SAMSA_HTTP_PASSWORD="s3cret"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert handler.seen_auth[-1] == handler.auth


def test_no_metrics_there(metrics_server: tuple[str, type[_Metrics]]) -> None:
    url, _ = metrics_server
    done = run_samsa("top", "--once", "--url", f"{url}/elsewhere")
    assert done.returncode == 1
    assert done.stderr.decode().strip() == (
        f"samsa: error: {url}/elsewhere: HTTP 404 Not Found "
        "(is http.metrics.enable false on that broker?)"
    )


def test_once_against_nothing_is_one_line_and_exit_1() -> None:
    port = _closed_port()
    done = run_samsa("top", "--once", "--url", f"127.0.0.1:{port}")
    assert done.returncode == 1
    err = done.stderr.decode()
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        f"samsa: error: cannot reach http://127.0.0.1:{port}/metrics: Connection refused"
    ]


def test_live_view_redraws_until_ctrl_c(metrics_server: tuple[str, type[_Metrics]]) -> None:
    url, handler = metrics_server
    proc = subprocess.Popen(
        samsa_argv("top", "--interval", "0.2", "--url", url, "--url", "127.0.0.1:1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=samsa_env(COLUMNS="120"),
    )
    try:
        eventually_sync(lambda: handler.scrapes >= 3, what="three refreshes")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err
    text = out.decode()
    # Off a terminal the view is printed once, as it was when stopped: rates from the
    # answering broker, the other one named in the status.
    assert "1/2 broker(s) answering" in text
    assert "cannot reach http://127.0.0.1:1/metrics" in text
    assert "orders" in text and "billing" in text and "42" in text


# -- against a real broker -------------------------------------------------------------------


@pytest.mark.samsa_config(num_partitions=1, group_initial_rebalance_delay_ms=0)
def test_once_against_a_broker(broker: Broker) -> None:
    """Records produced while ``top`` scrapes show as throughput; a group that committed 4 of
    10 records shows a lag of 6. (Needs the broker's HTTP listener and its /metrics.)"""
    confluent_kafka = pytest.importorskip("confluent_kafka")
    http_url = cast(Any, broker).http_url
    assert http_url is not None
    common = {"bootstrap.servers": broker.bootstrap_servers}
    producer = confluent_kafka.Producer({**common, "linger.ms": 5})
    for i in range(10):
        producer.produce("top-lagging", value=b"x%d" % i)
    assert producer.flush(30) == 0
    consumer = confluent_kafka.Consumer({**common, "group.id": "top-billing"})
    try:
        offsets = [confluent_kafka.TopicPartition("top-lagging", 0, 4)]
        consumer.commit(offsets=offsets, asynchronous=False)
    finally:
        consumer.close()
    proc = subprocess.Popen(
        samsa_argv("top", "--once", "--interval", "1", "--url", http_url, "--format", "json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=samsa_env(),
    )
    try:
        # Produce until ``top`` has taken both scrapes: its rates need traffic between them.
        while proc.poll() is None:
            producer.produce("top-busy", value=b"v" * 1024)
            producer.flush(5)
        out, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 0, err
    document = json.loads(out)
    busy = {t["topic"]: t for t in document["topics"]}["top-busy"]
    assert busy["bytes_in_per_s"] > 1024
    assert busy["records_in_per_s"] > 0
    groups = {g["group"]: g for g in document["groups"]}
    assert groups["top-billing"]["lag"] == 6
    assert groups["top-billing"]["lag_seconds"] >= 0
