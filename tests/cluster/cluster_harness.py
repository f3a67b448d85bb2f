"""A cluster of real ``samsa broker start`` processes for tests, and what tests do with it.

``ProcessCluster`` picks free ports, starts N nodes (by default every one a broker and a voter;
``roles`` makes dedicated controllers and brokers outside the quorum) with short timeouts,
waits for the controller to unfence them, and can SIGKILL, SIGSTOP/SIGCONT, stop cleanly and
restart any of them. ``leader_of`` asks the brokers' Metadata; tests wait on conditions with
``support.waiting.eventually_sync`` (no fixed sleeps). ``BlackholeProxy`` forwards TCP connections
and can silently drop everything in both directions, to cut a broker off; with root,
``hosts`` and ``exec_prefix`` from ``bench.netns.NamespaceNetwork`` run each node in a network
namespace of its own, where the kernel can cut it off.

Secured clusters: ``listener_names`` gives every node one port per listener (the first is the
clients' listener, the one ``address`` and ``bootstrap_servers`` name), ``node_settings``
adds or overrides settings per node, and ``client_config`` is what the harness's own Kafka
clients (metadata, topic creation) connect with (``security.protocol``, SASL, CA file).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from support.ports import free_ports
from support.waiting import eventually_sync

from broker.metadata.meta_properties import new_cluster_id
from broker.metadata.quorum import UNFENCED_MESSAGE

#: Settings that keep failover within a few seconds on a loaded machine.
FAST_SETTINGS: Final[Mapping[str, str]] = {
    "broker.session.timeout.ms": "2500",
    "broker.heartbeat.interval.ms": "200",
    "controller.quorum.election.timeout.ms": "500",
    "replica.lag.time.max.ms": "2000",
    "replica.fetch.wait.max.ms": "100",
    "replica.fetch.backoff.ms": "100",
    "replica.socket.timeout.ms": "3000",
    "leader.imbalance.check.interval.seconds": "1",
    "controlled.shutdown.timeout.ms": "10000",
    "log.flush.policy": "none",
    "offsets.topic.replication.factor": "3",
    "offsets.topic.num.partitions": "1",
    "group.initial.rebalance.delay.ms": "0",
    "log.cleaner.enable": "false",
}
START_TIMEOUT_S: Final = 60.0
COMBINED: Final = "broker,controller"
STOP_TIMEOUT_S: Final = 30.0


class ProcessCluster:
    """N broker processes on 127.0.0.1; node ids 1..N."""

    def __init__(
        self,
        root: Path,
        size: int = 3,
        settings: Mapping[str, str] | None = None,
        voter_addresses: Mapping[int, Mapping[int, tuple[str, int]]] | None = None,
        advertised: Mapping[int, int] | None = None,
        roles: Mapping[int, str] | None = None,
        hosts: Mapping[int, str] | None = None,
        exec_prefix: Callable[[int], list[str]] | None = None,
        listener_names: tuple[str, ...] = (),
        node_settings: Mapping[int, Mapping[str, str]] | None = None,
        client_config: Mapping[str, str] | None = None,
        log_level: str | None = None,
    ) -> None:
        self.root = root
        self.size = size
        extra = max(0, len(listener_names) - 1)
        ports = free_ports((2 + extra) * size)
        self.ports = {i: ports[i - 1] for i in range(1, size + 1)}
        self.controller_ports = {i: ports[size + i - 1] for i in range(1, size + 1)}
        #: Listener names (upper case), the first the clients'; empty: the default listener.
        self.listener_names = tuple(n.upper() for n in listener_names)
        #: Per node, the port of each listener of ``listener_names``.
        self.listener_ports: dict[int, dict[str, int]] = {}
        for i in range(1, size + 1):
            named = {
                n: self.ports[i] if k == 0 else ports[(1 + k) * size + i - 1]
                for k, n in enumerate(self.listener_names)
            }
            self.listener_ports[i] = named
        #: Per node, settings added to (or replacing) the shared ones.
        self.node_settings = {i: dict(m) for i, m in (node_settings or {}).items()}
        #: What the harness's Kafka clients connect with, besides the bootstrap servers.
        self.client_config = dict(client_config or {})
        #: The nodes' ``--log-level`` (None: the default, info).
        self.log_level = log_level
        # One cluster id for all (voters settings may differ per node behind proxies).
        self.settings = {"cluster.id": new_cluster_id(), **FAST_SETTINGS, **(settings or {})}
        #: Per node, how it reaches the others' controller ports (default: directly).
        self.voter_addresses = voter_addresses or {}
        #: Per node, a port to advertise instead of its own (a proxy in front of it).
        self.advertised = advertised or {}
        #: Per node, the address it listens on (a namespace's address, or loopback).
        self.hosts = {i: (hosts or {}).get(i, "127.0.0.1") for i in range(1, size + 1)}
        #: Per node, what its command runs under (``ip netns exec NS``, or nothing).
        self.exec_prefix = exec_prefix or (lambda _node: [])
        #: Per node, its process.roles (default: broker and controller).
        self.roles = {i: (roles or {}).get(i, COMBINED) for i in range(1, size + 1)}
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self._log_offsets: dict[int, int] = {}

    def node_ids(self) -> list[int]:
        """Every node id."""
        return list(range(1, self.size + 1))

    def voter_ids(self) -> list[int]:
        """The nodes in the metadata quorum."""
        return [i for i in self.node_ids() if "controller" in self.roles[i]]

    def broker_ids(self) -> list[int]:
        """The nodes that serve clients."""
        return [i for i in self.node_ids() if "broker" in self.roles[i]]

    def voters_for(self, node: int) -> str:
        """The voters setting of ``node``."""
        override = self.voter_addresses.get(node, {})
        parts = []
        for i in self.voter_ids():
            host, port = override.get(i, (self.hosts[i], self.controller_ports[i]))
            parts.append(f"{i}@{host}:{port}")
        return ",".join(parts)

    @property
    def bootstrap_servers(self) -> str:
        """Every broker's client address."""
        return ",".join(self.address(i) for i in self.broker_ids())

    def address(self, node: int) -> str:
        """``host:port`` of ``node``'s client listener."""
        return f"{self.hosts[node]}:{self.ports[node]}"

    def log_path(self, node: int) -> Path:
        """Where ``node``'s output goes."""
        return self.root / f"broker-{node}.log"

    def start(self, node: int) -> None:
        """Start ``node`` (again); returns at once (see ``wait_unfenced``)."""
        log_path = self.log_path(node)
        self._log_offsets[node] = log_path.stat().st_size if log_path.exists() else 0
        settings = dict(self.settings)
        if self.listener_names:
            host = self.hosts[node]
            settings["listeners"] = ",".join(
                f"{n}://{host}:{port}" for n, port in self.listener_ports[node].items()
            )
        settings.update(self.node_settings.get(node, {}))
        if node in self.advertised:
            settings["advertised.listeners"] = f"PLAINTEXT://127.0.0.1:{self.advertised[node]}"
        args = [
            *self.exec_prefix(node),
            sys.executable,
            "-c",
            "from broker.cli import main; main()",
            "broker",
            "start",
            "--node-id",
            str(node),
            "--host",
            self.hosts[node],
            "--port",
            str(self.ports[node]),
            "--controller-port",
            str(self.controller_ports[node]),
            "--voters",
            self.voters_for(node),
            "--data-dir",
            str(self.root / f"data-{node}"),
        ]
        if self.roles[node] != COMBINED:
            args += ["--roles", self.roles[node]]
        if self.log_level is not None:
            args += ["--log-level", self.log_level]
        # Each broker's HTTP listener on a free port (never the default 9644 of its neighbours).
        settings.setdefault("http.listeners", "127.0.0.1:0")
        for key, value in settings.items():
            args += ["--set", f"{key}={value}"]
        with log_path.open("ab") as out:
            self.procs[node] = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )

    def log_offset(self, node: int) -> int:
        """Where the output of ``node``'s latest start begins in its log."""
        return self._log_offsets.get(node, 0)

    def wait_unfenced(self, node: int, timeout_s: float = START_TIMEOUT_S) -> None:
        """Wait until this run of ``node`` was unfenced by the controller (a dedicated
        controller: until it is up)."""
        if "broker" in self.roles[node]:
            needle = (UNFENCED_MESSAGE % node).encode()
        else:
            needle = f"Samsa controller {node} on controller port".encode()
        path = self.log_path(node)

        def unfenced() -> bool:
            proc = self.procs[node]
            if proc.poll() is not None:
                raise AssertionError(f"broker {node} exited: {self.tail(node)}")
            with path.open("rb") as f:
                f.seek(self._log_offsets.get(node, 0))
                return needle in f.read()

        eventually_sync(unfenced, timeout_s, f"broker {node} to be unfenced")

    def start_all(self, nodes: list[int] | None = None) -> None:
        """Start every node (or those of ``nodes``) and wait until all are unfenced."""
        for node in nodes or self.node_ids():
            self.start(node)
        for node in nodes or self.node_ids():
            self.wait_unfenced(node)

    def wait_for_line(self, node: int, needle: str, timeout_s: float = START_TIMEOUT_S) -> str:
        """Wait until the output of ``node``'s latest start has a line containing ``needle``;
        that line."""
        path = self.log_path(node)
        found: list[str] = []

        def logged() -> bool:
            with path.open("rb") as f:
                f.seek(self._log_offsets.get(node, 0))
                for line in f.read().decode(errors="replace").splitlines():
                    if needle in line:
                        found.append(line)
                        return True
            return False

        eventually_sync(logged, timeout_s, f"{needle!r} in the log of node {node}")
        return found[0]

    def signal(self, node: int, sig: int) -> None:
        """Send ``sig`` to ``node``."""
        self.procs[node].send_signal(sig)

    def kill(self, node: int) -> None:
        """SIGKILL ``node`` and reap it."""
        proc = self.procs[node]
        proc.kill()
        proc.wait(STOP_TIMEOUT_S)

    def stop(self, node: int) -> int:
        """SIGTERM (a controlled shutdown) and wait; returns the exit status."""
        proc = self.procs[node]
        proc.send_signal(signal.SIGTERM)
        return proc.wait(STOP_TIMEOUT_S)

    def restart(self, node: int) -> None:
        """Start ``node`` again and wait until it is unfenced."""
        self.start(node)
        self.wait_unfenced(node)

    def tail(self, node: int, lines: int = 20) -> str:
        """The end of ``node``'s output."""
        text = self.log_path(node).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def close(self) -> None:
        """Kill whatever still runs (continuing stopped processes first)."""
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGCONT)
                proc.kill()
                proc.wait(STOP_TIMEOUT_S)

    # -- metadata -------------------------------------------------------------------------------

    def metadata(self, via: list[int] | None = None) -> Any:
        """Cluster metadata from the first of ``via`` (default: every broker) that answers."""
        from confluent_kafka.admin import AdminClient

        nodes = via or self.broker_ids()
        servers = ",".join(self.address(i) for i in nodes)
        admin = AdminClient(
            {**self.client_config, "bootstrap.servers": servers, "socket.timeout.ms": 2000}
        )
        try:
            return admin.list_topics(timeout=3)
        except Exception:
            return None

    def partition(self, topic: str, partition: int, via: list[int] | None = None) -> Any:
        """A partition's metadata (leader, replicas, isrs), or None."""
        md = self.metadata(via)
        if md is None or topic not in md.topics:
            return None
        return md.topics[topic].partitions.get(partition)

    def leader_of(self, topic: str, partition: int, via: list[int] | None = None) -> int:
        """The partition's leader, as the brokers in ``via`` see it (-1: none or unknown)."""
        p = self.partition(topic, partition, via)
        return -1 if p is None else int(p.leader)

    def create_topic(self, name: str, partitions: int, replication: int, **configs: str) -> None:
        """Create a topic and wait until every broker knows its leaders."""
        from confluent_kafka.admin import AdminClient, NewTopic

        admin = AdminClient({**self.client_config, "bootstrap.servers": self.bootstrap_servers})
        futures = admin.create_topics(
            [NewTopic(name, partitions, replication, config=dict(configs))]
        )
        for future in futures.values():
            future.result(30)

        def ready() -> bool:
            for node in self.broker_ids():
                md = self.metadata([node])
                if md is None or name not in md.topics:
                    return False
                parts = md.topics[name].partitions
                if len(parts) != partitions or any(
                    p.leader < 0 or len(p.isrs) != replication for p in parts.values()
                ):
                    return False
            return True

        eventually_sync(ready, 30, f"topic {name} on every broker")


@contextlib.contextmanager
def running_cluster(root: Path, **kwargs: Any) -> Iterator[ProcessCluster]:
    """A started cluster, killed afterwards."""
    cluster = ProcessCluster(root, **kwargs)
    try:
        cluster.start_all()
        yield cluster
    except BaseException:
        for node in cluster.procs:
            sys.stderr.write(f"--- broker {node} ---\n{cluster.tail(node, 40)}\n")
        raise
    finally:
        cluster.close()


class BlackholeProxy:
    """A TCP proxy (its own thread and event loop) that can drop all traffic silently."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_ports(1)[0]
        self.blackholed = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None

    def __enter__(self) -> BlackholeProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self._ready.set()
        self._loop.run_forever()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if self.blackholed.is_set():
                    continue  # dropped: the other side hears nothing, the connection stays up
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.blackholed.is_set():
            return  # new connections hang: never answered (closed at the end of the test)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))


# Kafka error codes a client meets while a partition's leadership moves: unknown topic or
# partition (3), leader not available (5), not leader or follower (6), fenced leader epoch (74).
_LEADERSHIP_MOVING: Final = frozenset({3, 5, 6, 74})


def _high_watermark(consumer: Any, tp: Any, deadline: float) -> int:
    """The partition's high watermark, asked again while leadership is still moving: a broker
    that has just lost (or not yet learned of) the leadership answers NOT_LEADER_OR_FOLLOWER,
    which librdkafka's watermark query reports instead of retrying."""
    import confluent_kafka

    while True:
        try:
            _, high = consumer.get_watermark_offsets(tp, timeout=10)
            return int(high)
        except confluent_kafka.KafkaException as exc:
            error = exc.args[0]
            if not error.retriable() and error.code() not in _LEADERSHIP_MOVING:
                raise
            if time.monotonic() >= deadline:
                raise
        time.sleep(0.2)  # a retry back-off, not a synchronisation: the loop has a deadline


def read_partition_values(
    config: Mapping[str, Any], topic: str, timeout_s: float = 60.0
) -> list[int]:
    """Every value (an integer) of ``topic``'s partition 0, from the start to the high
    watermark, read by a confluent-kafka consumer with ``config`` (its bootstrap servers and
    security)."""
    import confluent_kafka  # a test dependency of the modules that read back what they wrote

    consumer = confluent_kafka.Consumer(
        {
            **config,
            "group.id": f"check-{os.urandom(8).hex()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    try:
        tp = confluent_kafka.TopicPartition(topic, 0, confluent_kafka.OFFSET_BEGINNING)
        high = _high_watermark(consumer, tp, time.monotonic() + timeout_s)
        consumer.assign([tp])
        values: list[int] = []
        position = 0
        deadline = time.monotonic() + timeout_s
        while position < high and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            value, offset = msg.value(), msg.offset()
            assert value is not None and offset is not None
            values.append(int(value))
            position = offset + 1
        assert position >= high, f"read up to {position} of {high}"
        return values
    finally:
        consumer.close()


def check_acknowledged(acked: list[int], values: list[int]) -> None:
    """Every acknowledged value is in the log, once, in order."""
    missing = sorted(set(acked) - set(values))
    assert not missing, f"{len(missing)} acknowledged records lost, e.g. {missing[:10]}"
    assert len(values) == len(set(values)), "duplicates in the log"
    assert values == sorted(values), "records out of order"


class AckedWriter(threading.Thread):
    """Produces 0, 1, 2, … (as text) to one partition until stopped; records what was acked."""

    def __init__(self, config: Mapping[str, Any], topic: str) -> None:
        super().__init__(daemon=True)
        self.topic = topic
        import confluent_kafka  # a test dependency of the modules that use it

        self.producer = confluent_kafka.Producer(
            {
                **config,  # bootstrap servers and security
                "enable.idempotence": True,
                "acks": "all",
                "linger.ms": 2,
                "message.timeout.ms": 60_000,
                # A stopped leader keeps its connections open: the client gives up on its
                # requests there (and drains to the new leader) after this, not 60 s.
                "socket.timeout.ms": 4000,
                "retry.backoff.ms": 50,
                "topic.metadata.refresh.interval.ms": 1000,
            }
        )
        self.acked: list[int] = []
        self.failed: list[str] = []
        self.sent = 0
        self._halt = threading.Event()
        self._lock = threading.Lock()

    def _delivered(self, err: Any, msg: Any) -> None:
        with self._lock:
            if err is None:
                self.acked.append(int(msg.value()))
            else:
                self.failed.append(str(err))

    def describe(self) -> str:
        with self._lock:
            return f"sent {self.sent}, acked {len(self.acked)}, failed {self.failed[:3]}"

    @property
    def acked_count(self) -> int:
        with self._lock:
            return len(self.acked)

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self.producer.produce(
                    self.topic, str(self.sent).encode(), partition=0, on_delivery=self._delivered
                )
                self.sent += 1
            except BufferError:
                pass
            self.producer.poll(0.002)  # serve callbacks; paces the writer at a few hundred/s

    def finish(self) -> None:
        self._halt.set()
        self.join(30)
        remaining = self.producer.flush(60)
        assert remaining == 0, f"{remaining} records still undelivered"
