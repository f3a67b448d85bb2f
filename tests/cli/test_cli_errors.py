"""The CLI's error contract, for every command: bad arguments, missing topics and partitions,
unreachable brokers, ports in use and unusable data directories are one line on stderr
(``samsa: error: …``), exit status 1 (a failure) or 2 (bad usage), and never a traceback.

Every case runs ``samsa`` as a real process, so what is checked is exactly what a person sees.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli.cli_support import run_samsa

from broker.app import Broker
from broker.cli.cluster_up import CONTROLLER_PORT_OFFSET, HTTP_PORT_OFFSET

USAGE = 2
FAILURE = 1
#: ``{broker}`` in a case's arguments is replaced by the test broker's address, ``{closed}`` by
#: an address where nothing listens, ``{busy}`` by a port that is in use.
BROKER = "{broker}"


def _check(done: subprocess.CompletedProcess[bytes], status: int, fragment: str) -> None:
    out = done.stdout.decode(errors="replace")
    err = done.stderr.decode(errors="replace")
    assert "Traceback" not in out + err, err
    assert done.returncode == status, (done.returncode, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("samsa: error: "), lines
    assert fragment in lines[0], (fragment, lines[0])


pytestmark = pytest.mark.samsa_config(num_partitions=3, group_initial_rebalance_delay_ms=0)


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    """The module's broker for the cases that need one, with a topic ``orders`` of 3
    partitions and a group ``billing`` that has committed an offset."""
    b = module_broker
    done = run_samsa("-b", b.bootstrap_servers, "topic", "create", "orders", "-p", "3")
    assert done.returncode == 0, done.stderr
    done = run_samsa(
        "-b", b.bootstrap_servers, "produce", "orders", input=b"a\nb\nc\n"
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = run_samsa(
        "-b", b.bootstrap_servers, "consume", "orders", "-g", "billing", "-n", "1"
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return b


@pytest.fixture(scope="module")
def closed_address() -> str:
    """An address where nothing listens (a port bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"127.0.0.1:{port}"


# -- bad usage: exit 2, before any broker is contacted ------------------------------------------

USAGE_CASES = [
    (["nope"], "No such command 'nope'"),
    (["topic", "nope"], "No such command 'nope'"),
    (["topic", "create"], "Missing argument 'NAME'"),
    (["topic", "create", "t", "-p", "0"], "--partitions"),
    (["topic", "create", "t", "-r", "x"], "--replicas"),
    (["topic", "create", "t", "-c", "retention"], "KEY=VALUE"),
    (["topic", "list", "--bogus"], "No such option '--bogus'"),
    (["topic", "describe"], "Missing argument 'NAME'"),
    (["topic", "delete"], "Missing argument 'NAME...'"),
    (["topic", "alter-config", "t"], "nothing to change"),
    (["topic", "add-partitions", "t"], "Missing option '-p'"),
    (["topic", "elect-leaders"], "give exactly one of --partition, --topic and --all"),
    (["produce"], "Missing argument 'TOPIC'"),
    (["produce", "t", "-z", "brotli"], "'brotli' is not one of"),
    (["produce", "t", "--acks", "2"], "--acks"),
    (["produce", "t", "-k", ""], "the key separator is empty"),
    (["produce", "t", "--file", "/nonexistent/lines.txt"], "does not exist"),
    (["produce", "t", "-H", "novalue"], "KEY=VALUE"),
    (["produce", "t", "-p", "-1"], "--partition"),
    (["consume"], "Missing argument 'TOPIC'"),
    (["consume", "t", "-o", "yesterday"], "'yesterday' is not start, end"),
    (["consume", "t", "-f", "%x"], "unknown field %x"),
    (["consume", "t", "-g", "g", "-p", "0"], "--partition cannot be used with --group"),
    (["consume", "t", "-g", "g", "-o", "5"], "with --group, -o is start or end"),
    (["consume", "t", "-f", "%v", "--format", "json"], "cannot be used together"),
    (["consume", "t", "-n", "0"], "--count"),
    (["group", "describe"], "Missing argument 'GROUP'"),
    (["group", "delete"], "Missing argument"),
    (["group", "reset-offsets", "g"], "--topic"),
    (["cluster", "info", "--format", "xml"], "'xml' is not one of"),
    (["cluster", "up", "--brokers", "0"], "--brokers"),
    (["-X", "linger", "topic", "list"], "'linger' is not KEY=VALUE"),
    (["-X", "no.such.option=1", "topic", "list"], "unknown client option 'no.such.option'"),
    (["-X", "request.timeout.ms=soon", "topic", "list"], "request.timeout.ms"),
    (["broker", "start", "--port", "70000"], "--port"),
    (["broker", "start", "--host", "256.1.1.1"], "'256.1.1.1' is not an IP address"),
    (["broker", "start", "--set", "num.partitions"], "KEY=VALUE"),
    (["broker", "start", "--log-level", "loud"], "--log-level"),
    (["broker", "start", "--roles", "everything"], "--roles"),
]


@pytest.mark.parametrize(
    ("args", "fragment"), USAGE_CASES, ids=[" ".join(a) for a, _ in USAGE_CASES]
)
def test_bad_usage_is_one_line_and_exit_2(
    args: list[str], fragment: str, closed_address: str
) -> None:
    # -b points nowhere: a usage error must not even try to connect.
    _check(run_samsa("-b", closed_address, *args), USAGE, fragment)


# -- an unreachable broker: exit 1, every command that talks to one -----------------------------

UNREACHABLE_CASES = [
    ["topic", "create", "t"],
    ["topic", "list"],
    ["topic", "describe", "t"],
    ["topic", "delete", "t"],
    ["topic", "alter-config", "t", "-c", "retention.ms=1"],
    ["topic", "add-partitions", "t", "-p", "1"],
    ["topic", "elect-leaders", "--all"],
    ["produce", "t"],
    ["consume", "t", "-e"],
    ["group", "list"],
    ["group", "describe", "g"],
    ["group", "reset-offsets", "g", "--topic", "t", "--to-earliest"],
    ["group", "delete", "g"],
    ["cluster", "info"],
]


@pytest.mark.parametrize("args", UNREACHABLE_CASES, ids=[" ".join(a) for a in UNREACHABLE_CASES])
def test_an_unreachable_broker_is_one_line_and_exit_1(args: list[str], closed_address: str) -> None:
    done = run_samsa("-b", closed_address, *args, input=b"x\n")
    _check(done, FAILURE, f"cannot reach a broker at {closed_address}")


# -- the broker says no: exit 1 ----------------------------------------------------------------

BROKER_CASES = [
    (["topic", "describe", "nope"], "topic 'nope' not found"),
    (["topic", "delete", "nope"], "topic 'nope' not found"),
    (["topic", "alter-config", "nope", "-c", "retention.ms=1"], "topic 'nope' not found"),
    (["topic", "add-partitions", "nope", "-p", "1"], "topic 'nope' not found"),
    (["topic", "create", "orders"], "topic 'orders' already exists"),
    (["topic", "create", "t2", "-c", "retention.ms=soon"], "retention.ms"),
    (["topic", "create", "t3", "-c", "no.such.config=1"], "no.such.config"),
    (["topic", "create", "t4", "-r", "5"], "INVALID_REPLICATION_FACTOR"),
    (["topic", "create", "bad/name"], "INVALID_TOPIC_EXCEPTION"),
    (["topic", "alter-config", "orders", "-c", "retention.ms=soon"], "retention.ms"),
    (["produce", "orders", "-p", "9"], "topic 'orders' has partitions 0-2, not 9"),
    (["produce", "__consumer_offsets"], "__consumer_offsets"),
    (["consume", "nope", "-e"], "topic 'nope' not found"),
    (["consume", "orders", "-p", "7", "-e"], "topic 'orders' has partitions 0-2, not 7"),
    (["group", "describe", "nope"], "group 'nope' not found"),
    (["group", "delete", "nope"], "group 'nope' not found"),
    (["group", "reset-offsets", "billing", "--topic", "nope", "--to-earliest"], "'nope'"),
]


@pytest.mark.parametrize(
    ("args", "fragment"), BROKER_CASES, ids=[" ".join(a) for a, _ in BROKER_CASES]
)
def test_a_refusal_is_one_line_and_exit_1(broker: Broker, args: list[str], fragment: str) -> None:
    done = run_samsa("-b", broker.bootstrap_servers, *args, input=b"x\n")
    _check(done, FAILURE, fragment)


# -- starting brokers: ports in use, data directories -------------------------------------------


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_broker_start_on_a_port_in_use(busy_port: int, tmp_path: Path) -> None:
    done = run_samsa(
        "broker", "start", "--port", str(busy_port), "--data-dir", str(tmp_path),
        "--set", "http.listeners=127.0.0.1:0",
    )  # fmt: skip
    _check(
        done, FAILURE, f"cannot listen on PLAINTEXT 127.0.0.1:{busy_port}: address already in use"
    )
    # Nothing was created for a broker that never listened.
    assert not list(tmp_path.glob("__consumer_offsets-*"))
    metadata = b"".join(p.read_bytes() for p in tmp_path.glob("__cluster_metadata*/**/*.log"))
    assert b"__consumer_offsets" not in metadata


def test_broker_start_with_an_unusable_data_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    done = run_samsa(
        "broker", "start", "--port", "0", "--data-dir", str(tmp_path / "file" / "d"),
        "--set", "http.listeners=127.0.0.1:0",
    )  # fmt: skip
    _check(done, FAILURE, f"cannot create the data directory {tmp_path / 'file' / 'd'}")


def test_broker_start_with_an_unknown_setting(tmp_path: Path) -> None:
    done = run_samsa("broker", "start", "--data-dir", str(tmp_path), "--set", "num.partition=3")
    _check(done, FAILURE, "unknown config key 'num.partition'")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def busy_port_between_free_ones() -> Iterator[int]:
    """A port something listens on, such that the other ports of ``cluster up --base-port
    PORT-1`` are free (another test's broker could hold one), so that it is the one named."""
    for _ in range(100):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            sock.listen()
            port: int = sock.getsockname()[1]
            base = port - 1
            others = [base, base + 2] + [base + CONTROLLER_PORT_OFFSET + i for i in range(3)]
            others += [base + HTTP_PORT_OFFSET + i for i in range(3)]
            if all(_free(p) for p in others):
                yield port
                return
    pytest.fail("no port with free neighbours found")


def test_cluster_up_on_a_port_in_use(busy_port_between_free_ones: int, tmp_path: Path) -> None:
    busy_port = busy_port_between_free_ones
    # The busy port is broker 2's client port.
    done = run_samsa(
        "cluster", "up", "--base-port", str(busy_port - 1), "--data-dir", str(tmp_path)
    )
    _check(done, FAILURE, f"port {busy_port} (broker 2's client port) is in use")
    assert not list(tmp_path.glob("broker-*"))  # nothing was started


def test_cluster_up_with_an_unusable_data_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    done = run_samsa("cluster", "up", "--data-dir", str(tmp_path / "file" / "d"))
    _check(done, FAILURE, f"cannot create the data directory {tmp_path / 'file' / 'd'}")
