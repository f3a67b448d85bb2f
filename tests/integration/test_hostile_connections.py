"""Hostile clients against a broker in its own process (``samsa broker start``, as deployed),
measured from outside: its memory from /proc (VmRSS, VmHWM) and a normal client's service.

- 1,000 connections that each announce a 100 MiB request and stop after its header: the broker
  must not allocate what they announce (100 GB in total), and a normal client still produces
  and fetches;
- 10,000 connections that each send one byte a second and never complete a request (they fill
  ``max.connections``): a normal client is still served, once the oldest of them has been
  useless for ``max.connections.eviction.idle.ms``, within its own timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import resource
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest
from support.kafka_ops import create_topic, fetch, produce, values_of
from support.waiting import eventually, eventually_sync
from support.wire import WireClient, make_batch

from protocol.messages import ApiVersionsRequest

HUNDRED_MIB: Final = 100 * 1024 * 1024
#: Bound on what 1,000 connections that announced 100 MiB each may add to the broker's peak
#: memory: per-connection objects and the bytes they sent, a few KiB each, not what they
#: announced. Nothing in it depends on queued.max.request.bytes.
ANNOUNCE_ATTACK_MAX_GROWTH_MIB: Final = 32
#: How long the normal client may take to be served among 10,000 slow connections: the
#: eviction wait (10 s by default) plus slack for a loaded machine, under a Kafka client's
#: 30 s request timeout.
NORMAL_CLIENT_TIMEOUT_S: Final = 20.0
#: Connections opened per step, each step waiting until the broker has accepted them: more at
#: once overflow the listen queue, and the kernel then retries those connects a second later.
OPEN_BATCH: Final = 500
#: How long the broker may take to accept (and the kernel to connect) a step of connections.
ACCEPT_TIMEOUT_S: Final = 60.0
START_TIMEOUT_S: Final = 30.0


def _samsa_command() -> list[str]:
    script = Path(sys.executable).with_name("samsa")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from broker.cli import main; main()"]


@dataclass
class BrokerProcess:
    process: subprocess.Popen[str]
    port: int
    stderr_path: Path

    def assert_running(self) -> None:
        code = self.process.poll()
        if code is not None:
            tail = self.stderr_path.read_text()[-3000:]
            raise AssertionError(f"the broker exited with {code}:\n{tail}")

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def memory_mib(self) -> dict[str, float]:
        """VmRSS (now) and VmHWM (peak) of the broker, in MiB."""
        self.assert_running()
        out: dict[str, float] = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
        return out

    def open_fds(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def open_sockets(self) -> int:
        count = 0
        for fd in Path(f"/proc/{self.process.pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except FileNotFoundError:  # closed between the listing and the read
                continue
            count += target.startswith("socket:")
        return count


@contextlib.contextmanager
def broker_process(data_dir: Path, **settings: object) -> Iterator[BrokerProcess]:
    """``samsa broker start`` on a free port, stopped with SIGTERM afterwards."""
    command = [*_samsa_command(), "broker", "start", "--data-dir", str(data_dir), "--port", "0"]
    command += ["--log-level", "warning", "--set", "http.listeners=127.0.0.1:0"]
    for key, value in settings.items():
        command += ["--set", f"{key}={value}"]
    stderr_path = data_dir.parent / "broker.stderr"
    stderr = stderr_path.open("w")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        assert process.stdout is not None
        port = _wait_for_port(process)
        yield BrokerProcess(process, port, stderr_path)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stderr.close()


def _wait_for_port(process: subprocess.Popen[str]) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT_S
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the broker did not start"
            if not selector.select(remaining):
                continue
            line = process.stdout.readline()
            assert line, f"the broker exited ({process.poll()})"
            found = re.search(r"listening on [^\s:]+:(\d+)", line)
            if found:
                return int(found.group(1))


def _raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"needs {needed} file descriptors; the hard limit is {hard}")
    if soft != resource.RLIM_INFINITY and soft < needed:
        # The broker process inherits it.
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _accept_queue_length(port: int) -> int:
    """Connections waiting in the broker's listen queue (the kernel's count, /proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, queues = fields[1], fields[3], fields[4]
        if state == "0A" and int(local.rpartition(":")[2], 16) == port:  # LISTEN
            return int(queues.partition(":")[2], 16)
    raise AssertionError(f"nothing listens on port {port}")


def _open_connections(broker: BrokerProcess, count: int) -> list[socket.socket]:
    """``count`` connected sockets, opened in steps the broker's listen queue can take."""
    sockets: list[socket.socket] = []
    deadline = time.monotonic() + ACCEPT_TIMEOUT_S
    while len(sockets) < count:
        for _ in range(min(OPEN_BATCH, count - len(sockets))):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", broker.port))
            sockets.append(sock)
        _wait_accepted(broker.port)
    with selectors.DefaultSelector() as selector:  # every connect has completed
        for sock in sockets:
            selector.register(sock, selectors.EVENT_WRITE)
        pending = len(sockets)
        while pending:
            assert time.monotonic() < deadline, "connects did not complete"
            for key, _ in selector.select(1.0):
                selector.unregister(key.fileobj)
                pending -= 1
    _wait_accepted(broker.port)
    return sockets


def _wait_accepted(port: int) -> None:
    """Until the broker process has accepted every connection queued on ``port``."""
    eventually_sync(
        lambda: _accept_queue_length(port) == 0,
        ACCEPT_TIMEOUT_S,
        "the broker to accept the connections",
        poll_s=0.01,  # another process's state: there is nothing to await
    )


def _close_all(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        sock.close()


async def _served(bootstrap: str) -> bool:
    """One attempt of a normal client: connect and get an answer (False: refused/closed)."""
    try:
        client = await WireClient.connect(bootstrap)
    except OSError:
        return False
    try:
        return bool((await client.request(ApiVersionsRequest(), 0, timeout_s=5)).error_code == 0)
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        return False
    finally:
        await client.close()


async def _round_trip(bootstrap: str, topic: str) -> None:
    """What a normal client does: create a topic, produce, fetch it back."""
    client = await WireClient.connect(bootstrap)
    try:
        await create_topic(client, topic)
        assert (await produce(client, topic, 0, make_batch([b"normal"]))).error_code == 0
        assert values_of((await fetch(client, topic, 0, 0)).records) == [b"normal"]
    finally:
        await client.close()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc")
@pytest.mark.timeout(60)
async def test_announced_frames_cost_nothing_until_their_bytes_arrive(tmp_path: Path) -> None:
    count = 1000
    _raise_fd_limit(count + 200)
    with broker_process(tmp_path / "data") as broker:
        await _round_trip(broker.bootstrap, "warm-up")  # the broker's baseline includes serving
        baseline = broker.memory_mib()
        attackers = _open_connections(broker, count)
        try:
            header = struct.pack(">hhih", 0, 8, 1, 1) + b"x"  # Produce v8, 13 bytes
            for sock in attackers:
                sock.send(struct.pack(">i", HUNDRED_MIB) + header)
            # A normal client is served meanwhile; by then the broker has read the attackers'
            # bytes (one pass of its loop over the ready sockets).
            await _round_trip(broker.bootstrap, "during-attack")
            await _round_trip(broker.bootstrap, "during-attack-2")
            under_attack = broker.memory_mib()
            assert broker.open_sockets() >= count  # the attackers are all still connected
        finally:
            _close_all(attackers)
    growth = under_attack["VmHWM"] - baseline["VmRSS"]
    print(
        f"\n{count} connections announcing {count * 100} MiB: baseline RSS "
        f"{baseline['VmRSS']:.0f} MiB (peak {baseline['VmHWM']:.0f}), under attack RSS "
        f"{under_attack['VmRSS']:.0f} MiB, peak {under_attack['VmHWM']:.0f} MiB "
        f"(+{growth:.1f} MiB)"
    )
    assert growth < ANNOUNCE_ATTACK_MAX_GROWTH_MIB


class _Trickler(threading.Thread):
    """Sends one byte a second on each socket: the next byte of a request that announces
    100 MiB (size, header, then zeros), so that no request ever completes."""

    def __init__(self, sockets: list[socket.socket]) -> None:
        super().__init__(name="trickler", daemon=True)
        self.sockets = sockets
        self.stop = threading.Event()
        self.alive = len(sockets)
        self.rounds = 0
        self._stream = struct.pack(">i", HUNDRED_MIB) + struct.pack(">hhih", 0, 8, 1, 1) + b"x"

    def run(self) -> None:
        dead: set[int] = set()
        while not self.stop.is_set():
            started = time.monotonic()
            index = self.rounds
            byte = self._stream[index : index + 1] or b"\0"
            for i, sock in enumerate(self.sockets):
                if i in dead:
                    continue
                try:
                    sock.send(byte)
                except BlockingIOError:
                    pass
                except OSError:
                    dead.add(i)  # the broker closed it
            self.alive = len(self.sockets) - len(dead)
            self.rounds += 1
            self.stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc")
@pytest.mark.timeout(90)
async def test_a_normal_client_is_served_among_10000_slow_connections(tmp_path: Path) -> None:
    count = 10_000
    _raise_fd_limit(count + 500)
    with broker_process(tmp_path / "data") as broker:  # max.connections: 10,000 (the default)
        await _round_trip(broker.bootstrap, "warm-up")
        baseline = broker.memory_mib()
        opened_at = time.monotonic()
        slow = _open_connections(broker, count)
        opening_s = time.monotonic() - opened_at
        trickler = _Trickler(slow)
        trickler.start()
        try:
            asked_at = time.monotonic()
            attempts = 0

            async def served() -> bool:
                nonlocal attempts
                attempts += 1
                return await _served(broker.bootstrap)

            # Each attempt is a new connection, after a client's reconnect backoff (0.1 s).
            await eventually(served, NORMAL_CLIENT_TIMEOUT_S, "a normal client served", poll_s=0.1)
            waited_s = time.monotonic() - asked_at
            await _round_trip(broker.bootstrap, "among-slow-connections")
            under_attack = broker.memory_mib()
            # The trickler meets the connections closed to make room: a socket the broker
            # closed takes two sends to fail (the first only draws the reset), a second apart.
            await eventually(
                lambda: trickler.alive < count, 10, "the trickler to see an evicted connection"
            )
            evicted = count - trickler.alive
        finally:
            trickler.stop.set()
            trickler.join(10)
            _close_all(slow)
    print(
        f"\n{count} slow connections opened in {opening_s:.1f} s; a normal client waited "
        f"{waited_s:.1f} s ({attempts} attempts; {evicted} slow connections evicted); "
        f"broker RSS {baseline['VmRSS']:.0f} MiB before, {under_attack['VmRSS']:.0f} MiB "
        f"among them (peak {under_attack['VmHWM']:.0f} MiB)"
    )
    assert waited_s < NORMAL_CLIENT_TIMEOUT_S
    assert 1 <= evicted < count // 10  # room was made, a connection at a time
