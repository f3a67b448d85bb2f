"""``Broker``: one Samsa broker — storage, metadata, replication, handlers and the listener.

Start-up order: bind the HTTP listener's sockets, lock the data directories
(``meta.properties`` gives the cluster id), open the logs (recovering them after an unclean
stop), open the metadata log (a Raft voter's, a single node being a quorum of one, or an
observer's) and take its image, reconcile logs with it, start the flusher, listen, then start
the group coordinator (creating ``__consumer_offsets`` if missing; its partitions load in the
background), so that a broker that cannot listen creates nothing. The HTTP listener serves once
the Kafka listener is open, its imports made in a worker thread meanwhile, or
``HTTP_DEFER_MAX_S`` into the start if that comes first (health checks answer "live, not
ready" from then on, while logs recover or the metadata catches up); ``start()`` returns once
it serves. Stopping reverses it: the group coordinator answers its parked requests, stop
listening, snapshot producer state, flush, write checkpoints and the clean-shutdown marker;
the HTTP listener closes last (``/health/ready`` says 503 from the moment ``stop()`` begins).

Embedded use::

    async with Broker.embedded() as broker:          # ephemeral port, temporary data dir
        ... broker.bootstrap_servers ...

    with Broker.embedded_in_thread() as broker:       # for synchronous test suites
        ...
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import ssl
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from broker.config import BrokerConfig, load_config
from broker.fault_control import FaultControl
from broker.faults import FaultPlan
from broker.group.driver import GroupCoordinator
from broker.group.lag import PartitionLag, group_lag
from broker.handlers import build_dispatch_table
from broker.handlers.base import BrokerServices
from broker.http.binding import HttpListenError
from broker.http.launch import HttpLauncher
from broker.metadata.controller import Controller
from broker.metadata.file_log_import import import_file_log
from broker.metadata.forwarding import ForwardingController
from broker.metadata.image import MetadataImage
from broker.metadata.log import MetadataLog
from broker.metadata.meta_properties import cluster_id_for_voters, ensure_meta_properties
from broker.metadata.observer import ObserverMetadataLog
from broker.metadata.quorum import BrokerLifecycle, ControlLoop, QuorumRouter, handle_rpc
from broker.metadata.raft_log import RAFT_DIR, RaftMetadataLog
from broker.metadata.records import MAX_BATCH_BYTES
from broker.metadata.topic_configs import log_config_for
from broker.raft.core import DEFAULT_MAX_ENTRY_BYTES, RaftConfig
from broker.raft.tcp import ControllerEndpoint
from broker.raft.transport import NoPeers, Transport
from broker.replication.fetcher import listener_endpoint_of
from broker.replication.manager import ReplicaManager
from broker.replication.purgatory import Purgatory
from broker.replication.security import inter_broker_security
from broker.security.controller_tls import controller_tls
from broker.security.tls import TlsError
from broker.server.server import KafkaServer
from broker.storage.config import FlushPolicy
from broker.storage.errors import LogStorageError
from broker.storage.flush import LogFlusher
from broker.storage.log_cleaner import LogCleaner
from broker.storage.manager import LogManager
from broker.tasks import report_unexpected_end
from broker.txn.driver import TransactionCoordinator
from protocol.errors import KafkaError
from protocol.scram import ScramCredential
from protocol.types import TopicPartition

if TYPE_CHECKING:
    from broker.http.server import HttpServer

__all__ = ["Broker", "BrokerStartError", "new_event_loop"]

#: What periodic maintenance (retention, checkpoints, producer snapshots) may fail with and try
#: again at its next period: storage errors (the failing log is taken offline where it failed)
#: and OS errors (a full or failing disk). Anything else is a bug: it stops maintenance, reported
#: at once and kept in ``Broker.maintenance_error``.
_MAINTENANCE_FAILURES: Final = (KafkaError, OSError)

log = logging.getLogger("samsa.broker")

#: How long ``embedded_in_thread`` waits for the broker to start or stop.
THREAD_START_TIMEOUT_S: Final = 30.0
THREAD_STOP_TIMEOUT_S: Final = 30.0

#: How long a broker that is not a voter waits at start for an active controller to send it
#: the metadata log: long enough for a quorum that starts at the same time to elect a leader,
#: short enough that a wrong --voters list fails the start with a message.
OBSERVER_CATCH_UP_TIMEOUT_S: Final = 60.0

#: How often a voter restarted in a cluster checks whether its metadata log has caught up with
#: the quorum (appends stay refused until then): a few heartbeats' worth of latency at most.
VOTER_CATCH_UP_POLL_S: Final = 0.01

#: How often a voter still catching up says so in its log (no deadline: without a quorum there
#: is nothing to catch up with, and serving appends from a stale image could lose them).
VOTER_CATCH_UP_REPORT_S: Final = 10.0


class BrokerStartError(RuntimeError):
    """The broker cannot start (its data directory is in use, corrupt, or not its own)."""


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A uvloop loop when uvloop is installed, else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


def _controller_tls(config: BrokerConfig) -> tuple[ssl.SSLContext, ssl.SSLContext] | None:
    """The controller port's (server, client) TLS contexts, None when it is plain TCP."""
    try:
        return controller_tls(config)
    except ValueError as exc:
        raise BrokerStartError(f"controller listener TLS: {exc}") from exc


class Broker:
    """A running (or startable) Samsa broker."""

    def __init__(self, config: BrokerConfig, *, clock_ms: Callable[[], int] = _wall_clock_ms):
        self.config = config
        self.clock_ms = clock_ms
        self.cluster_id = ""
        self.log_manager: LogManager | None = None
        self.flusher: LogFlusher | None = None
        self.metadata_log: MetadataLog | None = None
        self.controller_endpoint: ControllerEndpoint | None = None
        self.control_loop: ControlLoop | None = None
        self.lifecycle: BrokerLifecycle | None = None
        self._coordinator_start: asyncio.Task[None] | None = None
        #: Clears ``ReplicaManager.catching_up`` once a restarted voter caught up.
        self._voter_catch_up: asyncio.Task[None] | None = None
        #: The controller handlers call: this broker's own in a cluster of one, one that
        #: forwards to the active controller in a cluster.
        self.controller: Controller | ForwardingController | None = None
        self.replica_manager: ReplicaManager | None = None
        self.group_coordinator: GroupCoordinator | None = None
        self.txn_coordinator: TransactionCoordinator | None = None
        self.server: KafkaServer | None = None
        self.services: BrokerServices | None = None
        self._maintenance: asyncio.Task[None] | None = None
        #: What stopped periodic maintenance, if a failure it does not name did.
        self.maintenance_error: BaseException | None = None
        self.log_cleaner: LogCleaner | None = None
        self._http: HttpLauncher | None = None
        #: Set once the Kafka listener is open: the HTTP listener serves from then on (or
        #: from ``HTTP_DEFER_MAX_S`` into the start, whichever comes first).
        self._kafka_listening = asyncio.Event()
        self.faults = FaultControl(self)
        """Fault injection for tests (``fail``, ``delay``, ``pause``, ``rebalance``, ``chaos``…;
        ``broker/fault_control.py``): exists before ``start``, callable from any thread."""
        self._stopped = asyncio.Event()
        self._started = False
        self._stopping = False
        self._phase = "not started"

    # -- facts -------------------------------------------------------------------------------

    @property
    def host(self) -> str:
        """The advertised host."""
        return self.services.advertised_host if self.services else self.config.host

    @property
    def port(self) -> int:
        """The bound port (after ``start``)."""
        return self.server.port if self.server else self.config.port

    @property
    def bootstrap_servers(self) -> str:
        """``host:port`` for clients' ``bootstrap.servers``."""
        return f"{self.host}:{self.port}"

    def bootstrap_servers_for(self, listener_name: str) -> str:
        """``host:port`` of the listener named ``listener_name`` (its advertised endpoint once
        started, else its configured one); KeyError naming the listeners if there is none."""
        name = listener_name.upper()
        if self.services is not None and name in self.services.advertised_endpoints:
            host, port = self.services.advertised_endpoints[name]
            return f"{host}:{port}"
        for listener in self.config.client_listeners:
            if listener.name == name:
                return f"{listener.host or self.host}:{listener.port}"
        names = ", ".join(listener.name for listener in self.config.client_listeners)
        raise KeyError(f"no listener {listener_name!r} (listeners: {names})")

    @property
    def fault_plan(self) -> FaultPlan:
        """The armed faults the Kafka server consults (``faults.plan``)."""
        return self.faults.plan

    @property
    def http(self) -> HttpServer | None:
        """The HTTP listener (health checks, metrics, console) once it serves, None without
        one."""
        return self._http.server if self._http is not None else None

    @property
    def http_port(self) -> int | None:
        """The HTTP listener's bound port (its first address's), None without one."""
        return self._http.ports[0] if self._http is not None and self._http.ports else None

    @property
    def http_url(self) -> str | None:
        """``http://host:port`` of the HTTP listener, None without one (a listener on every
        interface is named by its loopback address)."""
        port = self.http_port
        if self._http is None or port is None:
            return None
        host = self._http.hosts[0]
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    def readiness(self) -> str | None:
        """None when the broker serves clients (metadata caught up — registered and unfenced
        in a cluster —, every listener accepting), else why not: what ``/health/ready``
        answers."""
        if self._stopping:
            return "shutting down"
        if not self._started:
            return f"starting: {self._phase}"
        if self.lifecycle is not None and self.lifecycle.fenced:
            return "not yet registered and unfenced by the active controller"
        if self.replica_manager is not None and self.replica_manager.catching_up:
            return "catching up with the metadata quorum"
        return None

    def scram_credentials(self) -> Mapping[tuple[str, str], ScramCredential] | None:
        """The SCRAM credentials of the current metadata image (None before it exists)."""
        if self.controller is None:
            return None
        return self.controller.image.scram_credentials

    @property
    def data_dirs(self) -> list[Path]:
        """The log directories."""
        return list(self.config.log_dirs)

    def group_lag(self, group_id: str) -> list[PartitionLag]:
        """Per partition with a committed offset of ``group_id``: the committed offset, the log
        end offset (high watermark), the lag and the commit time. Call it on the broker's
        event loop (``broker/group_coordinator/lag.py``)."""
        if self.group_coordinator is None or self.replica_manager is None:
            return []
        return group_lag(self.group_coordinator, self.replica_manager, group_id)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Open storage and metadata, then listen. Raises BrokerStartError or ListenError."""
        if self._started:
            raise RuntimeError("the broker is already started")
        self._stopped = asyncio.Event()
        self._stopping = False
        self._kafka_listening = asyncio.Event()
        try:
            await self._start()
            # Serving HTTP too before the start returns (at once if it waited for nothing).
            self._kafka_listening.set()
            if self._http is not None:
                await self._http.started()
        except BaseException:
            await self._teardown()
            raise
        self._started = True
        if not self.config.is_broker:
            log.info(
                "controller %d of cluster %s on controller port %d, metadata in %s",
                self.config.node_id,
                self.cluster_id,
                self.controller_endpoint.port if self.controller_endpoint else -1,
                self.config.metadata_dir,
            )
            return
        log.info(
            "broker %d of cluster %s listening on %s, data in %s",
            self.config.node_id,
            self.cluster_id,
            self.bootstrap_servers,
            ", ".join(str(d) for d in self.config.log_dirs),
        )

    async def _start(self) -> None:
        config = self.config
        now_ms = self.clock_ms()
        # Faults armed before the start apply from the first connection on; the plan is the
        # loop's from now on.
        self.faults.attach(asyncio.get_running_loop())
        # The HTTP listener's sockets first: a busy HTTP port fails the start early. It serves
        # once the Kafka listener is open (its imports never delay the first Kafka answer), or
        # sooner if the start takes long: health checks answer (live, not ready) while the
        # logs recover and the metadata catches up (``broker/http/launch.py``).
        self._phase = "opening the HTTP listener"
        http = HttpLauncher(self)
        try:
            await http.bind()
        except HttpListenError as exc:
            raise BrokerStartError(exc.strerror or str(exc)) from exc
        self._http = http
        http.serve(self._kafka_listening)
        voters = config.voters
        if voters and config.is_controller and config.node_id not in voters:
            raise BrokerStartError(
                f"node.id {config.node_id} is not one of controller.quorum.voters "
                f"({config.controller_quorum_voters}); a node outside the quorum needs "
                "process.roles=broker"
            )
        new_id = config.cluster_id
        if new_id is None and config.controller_quorum_voters is not None:
            new_id = cluster_id_for_voters(config.controller_quorum_voters)
        try:
            self.cluster_id = ensure_meta_properties(
                config.log_dirs, config.node_id, cluster_id_if_new=new_id
            )
        except (OSError, RuntimeError, KafkaError) as exc:
            raise BrokerStartError(str(exc)) from exc
        policy = FlushPolicy(config.log_flush_policy)
        log_manager = LogManager(config.log_dirs, flush_policy=policy)
        flusher = LogFlusher(policy)
        log_manager.on_log_opened = flusher.attach
        self.log_manager = log_manager
        self.flusher = flusher
        self._phase = "recovering the logs"
        try:
            log_manager.startup(now_ms=now_ms)
        except KafkaError as exc:
            raise BrokerStartError(str(exc)) from exc
        metadata_log: MetadataLog
        try:
            if voters and config.is_controller:
                metadata_log = self._open_raft_log(config, voters)
            elif voters:
                metadata_log = await self._open_observer(config, voters)
            else:
                metadata_log = self._open_single_voter_log(config)
            self.metadata_log = metadata_log
            self._phase = "catching up with the metadata log"
            image = await self._catch_up(metadata_log)
        except (OSError, RuntimeError, KafkaError, ValueError) as exc:
            raise BrokerStartError(str(exc)) from exc
        if not metadata_log.existed and log_manager.partitions():
            raise BrokerStartError(
                f"the metadata log in {config.metadata_dir} is missing or empty, but "
                f"{len(log_manager.partitions())} partition logs exist; refusing to start "
                "(their topics would be unknown and their data deleted)"
            )
        controller = Controller(metadata_log, image, config)
        endpoint = self.controller_endpoint
        router = None if endpoint is None else QuorumRouter(controller, endpoint)
        # Chosen once: in a cluster every change goes to the active controller.
        api = controller if router is None else ForwardingController(controller, router)
        self.controller = api
        log_manager.default_config = log_config_for(controller.topic_defaults())
        purgatory: Purgatory[TopicPartition] = Purgatory("fetch")
        replicas = ReplicaManager(
            log_manager,
            flusher,
            controller.publisher,
            purgatory,
            producer_id_expiration_ms=config.producer_id_expiration_ms,
            clock_ms=self.clock_ms,
            alter_partition=api.alter_partition if voters else None,
        )
        self.replica_manager = replicas
        if voters:
            # Followers fetch from the leaders' inter-broker listeners, secured as it says (a
            # cluster of one never connects to itself).
            try:
                replicas.fetchers.security = inter_broker_security(config)
            except ValueError as exc:
                raise BrokerStartError(f"inter-broker listener: {exc}") from exc
            replicas.fetchers.endpoint_of = listener_endpoint_of(
                lambda: replicas.image, config.inter_broker_listener.name
            )
        replicas.startup()
        try:
            coordinator = GroupCoordinator(config, api, replicas, clock_ms=self.clock_ms)
        except ValueError as exc:
            raise BrokerStartError(f"group coordinator settings: {exc}") from exc
        self.group_coordinator = coordinator
        txn_coordinator = TransactionCoordinator(
            config, api, replicas, groups=coordinator, clock_ms=self.clock_ms
        )
        self.txn_coordinator = txn_coordinator

        controller.publisher.add_listener(replicas.publish)
        controller.publisher.add_listener(coordinator.on_metadata)
        controller.publisher.add_listener(txn_coordinator.on_metadata)
        # -- replication: lead or follow the replicated partitions, check ISRs --
        replicas.start_replication()
        # -- end replication --
        self._phase = "starting replication and the listeners"
        await flusher.start()
        if endpoint is not None and metadata_log.is_voter:
            endpoint.rpc_handler = lambda op, body: handle_rpc(controller, op, body)
            await endpoint.start()
            self.control_loop = ControlLoop(controller, config)
            self.control_loop.start()
        await metadata_log.start()  # a quorum of one leads once this returns
        if not config.is_broker:
            return  # a dedicated controller: no client listener, no groups, no partitions
        if not metadata_log.caught_up():
            # A voter of a cluster (re)started from its own disk: until it has applied what the
            # quorum committed meanwhile, it may think it leads partitions that moved.
            replicas.catching_up = True
            self._voter_catch_up = asyncio.create_task(
                self._serve_appends_once_caught_up(metadata_log, replicas, router is not None),
                name="voter-catch-up",
            )
        table = build_dispatch_table()
        services = BrokerServices(
            config=config,
            cluster_id=self.cluster_id,
            controller=api,
            replica_manager=replicas,
            log_manager=log_manager,
            fetch_purgatory=purgatory,
            group_coordinator=coordinator,
            txn_coordinator=txn_coordinator,
            clock_ms=self.clock_ms,
        )
        controller.publisher.add_listener(services.forget_deleted_topics)
        server = KafkaServer(config, services, table, fault_plan=self.faults.plan)
        services.api_keys = server.api_keys
        self.services = services
        self.server = server
        try:
            await server.start()
        except TlsError as exc:
            raise BrokerStartError(f"TLS settings: {exc}") from exc
        self._kafka_listening.set()
        services.advertised_host, services.advertised_port = config.advertised(server.port)
        services.advertised_endpoints = {
            name: config.advertised_endpoint(name, port) for name, port in server.ports.items()
        }
        # The group coordinator starts once the listener is bound, so that a start that cannot
        # listen (port in use, bad address) creates nothing; until it runs, group requests are
        # answered COORDINATOR_NOT_AVAILABLE, which clients retry.
        if endpoint is not None:
            # In a cluster __consumer_offsets can only be created once enough brokers have
            # registered: the coordinator starts in the background (FindCoordinator retries
            # the creation meanwhile).
            self._coordinator_start = asyncio.create_task(
                coordinator.start(), name="group-coordinator-start"
            )
        else:
            # Creates __consumer_offsets if missing; its partitions load in the background
            # (their groups answer COORDINATOR_LOAD_IN_PROGRESS meanwhile).
            await coordinator.start()
        # The transaction coordinator takes the __transaction_state partitions this broker
        # leads (loading them in the background); the topic itself is created at the first
        # FindCoordinator for a transactional id, as Kafka does.
        await txn_coordinator.start()
        if router is not None:
            endpoints = tuple(
                (name, host, port) for name, (host, port) in services.advertised_endpoints.items()
            )
            # The registration's host and port are the inter-broker listener's: followers
            # fetch from there.
            host, port = services.advertised_endpoints[config.inter_broker_listener.name]
            self.lifecycle = BrokerLifecycle(
                controller, router, config, host, port, endpoints=endpoints
            )
            self.lifecycle.start()
        self._maintenance = asyncio.create_task(self._maintain(), name="broker-maintenance")
        report_unexpected_end(
            self._maintenance,
            log,
            "periodic maintenance stopped: retention, checkpoints and producer snapshots no "
            "longer run until the broker restarts",
            level=logging.CRITICAL,
            then=self._maintenance_failed,
        )
        if config.log_cleaner_enable:
            self.log_cleaner = LogCleaner(
                log_manager, backoff_ms=config.log_cleaner_backoff_ms, clock_ms=self.clock_ms
            )
            self.log_cleaner.start()

    async def stop(self) -> None:
        """Stop listening, flush everything and close cleanly (idempotent)."""
        if not self._started:
            return
        # Not ready from now on: load balancers stop sending clients before listeners close.
        self._stopping = True
        self._started = False
        if self.lifecycle is not None:
            # Controlled shutdown: the controller moves this broker's leaderships away while
            # it still serves, so that clients find the new leaders without losing writes.
            await self.lifecycle.stop(controlled=True)
        await self._teardown()
        self._stopped.set()
        log.info("broker %d stopped", self.config.node_id)

    async def _teardown(self) -> None:
        # First: chaos stops arming, actions in flight end, paused partitions resume.
        await self.faults.stop()
        if self.lifecycle is not None:
            await self.lifecycle.stop(controlled=False)
            self.lifecycle = None
        if self.control_loop is not None:
            await self.control_loop.stop()
            self.control_loop = None
        if self._voter_catch_up is not None:
            self._voter_catch_up.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._voter_catch_up
            self._voter_catch_up = None
        if self._coordinator_start is not None:
            self._coordinator_start.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._coordinator_start
            self._coordinator_start = None
        if self.log_cleaner is not None:
            await self.log_cleaner.stop()
            self.log_cleaner = None
        if self.txn_coordinator is not None:
            # Parked transaction requests get NOT_COORDINATOR while their connections are open.
            await self.txn_coordinator.stop()
        if self.group_coordinator is not None:
            # Parked group requests get NOT_COORDINATOR (clients retry elsewhere or later)
            # while their connections are still open.
            await self.group_coordinator.stop()
        if self.server is not None:
            await self.server.stop()
        if self._maintenance is not None:
            if not self._maintenance.done():  # one that failed was reported when it ended
                self._maintenance.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._maintenance
            self._maintenance = None
        if self.controller is not None:
            await self.controller.close()  # a metadata change in flight finishes first
        if self.replica_manager is not None:
            await self.replica_manager.close()
            try:
                self.replica_manager.snapshot_producer_state()
            except _MAINTENANCE_FAILURES as exc:
                log.error(
                    "producer-state snapshots failed at shutdown (rebuilt from the log at the "
                    "next start): %s",
                    exc,
                )
        if self.flusher is not None:
            await self.flusher.stop()
        if self.log_manager is not None:
            try:
                self.log_manager.shutdown()
            except LogStorageError as exc:
                log.error("log shutdown failed: %s", exc)
        if self.metadata_log is not None:
            await self.metadata_log.close_async()
        if self.controller_endpoint is not None:
            await self.controller_endpoint.stop()
            self.controller_endpoint = None
        if self._http is not None:
            # Last: health checks answer (not ready) until everything else has stopped.
            await self._http.stop()
            self._http = None
        self.server = None
        self.services = None
        self.group_coordinator = None
        self.txn_coordinator = None
        self.replica_manager = None
        self.controller = None
        self.metadata_log = None
        self.flusher = None
        self.log_manager = None

    def _open_raft_log(
        self, config: BrokerConfig, voters: dict[int, tuple[str, int]]
    ) -> RaftMetadataLog:
        """The Raft-replicated metadata log and the controller port it talks through."""
        host, voter_port = voters[config.node_id]
        port = config.controller_port if config.controller_port is not None else voter_port
        tls = _controller_tls(config)
        endpoint = ControllerEndpoint(
            config.node_id,
            host,
            port,
            voters,
            ssl_server=tls[0] if tls is not None else None,
            ssl_client=tls[1] if tls is not None else None,
        )
        self.controller_endpoint = endpoint
        raft_log = _raft_log(config, frozenset(voters), endpoint.transport())
        endpoint.sink = raft_log.node  # delivers once the endpoint listens and the node runs
        return raft_log

    def _open_single_voter_log(self, config: BrokerConfig) -> RaftMetadataLog:
        """A single node's metadata log: a quorum of one, without a controller port. A data
        directory written by the file metadata log is imported first (once)."""
        import_file_log(config.metadata_dir, config.metadata_dir / RAFT_DIR)
        # No peer receives its entries, so one may be as large as a metadata batch may be
        # (a topic with very many partitions), as it could before single nodes ran Raft.
        return _raft_log(
            config, frozenset({config.node_id}), NoPeers(), max_entry_bytes=MAX_BATCH_BYTES
        )

    async def _catch_up(self, metadata_log: MetadataLog) -> MetadataImage:
        """The image to start from (an observer first fetches it from the quorum)."""
        try:
            return await metadata_log.catch_up(OBSERVER_CATCH_UP_TIMEOUT_S)
        except TimeoutError:
            raise BrokerStartError(
                f"no active controller among controller.quorum.voters "
                f"({self.config.controller_quorum_voters}) answered within "
                f"{OBSERVER_CATCH_UP_TIMEOUT_S:.0f} s"
            ) from None

    async def _open_observer(
        self, config: BrokerConfig, voters: dict[int, tuple[str, int]]
    ) -> ObserverMetadataLog:
        """The metadata log of a broker that is not a voter (``_catch_up`` fills it)."""
        tls = _controller_tls(config)
        endpoint = ControllerEndpoint(
            config.node_id,
            config.host,
            0,
            voters,
            ssl_client=tls[1] if tls is not None else None,
        )
        self.controller_endpoint = endpoint
        await endpoint.start(listen=False)
        return ObserverMetadataLog(config.node_id, list(voters), endpoint)

    async def wait_stopped(self) -> None:
        """Return once ``stop()`` completed."""
        await self._stopped.wait()

    # -- periodic work -----------------------------------------------------------------------

    async def _maintain(self) -> None:
        """Checkpoints and producer snapshots, retention and producer expiry, on their
        intervals (``log.flush.offset.checkpoint.interval.ms``,
        ``log.retention.check.interval.ms``)."""
        config = self.config
        checkpoint_s = config.log_flush_offset_checkpoint_interval_ms / 1000
        retention_s = config.log_retention_check_interval_ms / 1000
        loop = asyncio.get_running_loop()
        next_checkpoint = loop.time() + checkpoint_s
        next_retention = loop.time() + retention_s
        while True:
            await asyncio.sleep(max(0.0, min(next_checkpoint, next_retention) - loop.time()))
            now = loop.time()
            try:
                if now >= next_retention:
                    next_retention = now + retention_s
                    await self._run_retention()
                if now >= next_checkpoint:
                    next_checkpoint = now + checkpoint_s
                    await self._checkpoint()
            except _MAINTENANCE_FAILURES as exc:
                log.error("periodic maintenance failed (tried again next period): %s", exc)

    async def _serve_appends_once_caught_up(
        self, metadata_log: MetadataLog, replicas: ReplicaManager, in_cluster: bool
    ) -> None:
        """Clear ``replicas.catching_up`` once ``metadata_log.caught_up()`` and, in a cluster,
        the image holds this broker's registration (``BrokerLifecycle.caught_up``): the Raft
        message a restarted voter hears first may have been queued for it before it restarted,
        and then names a commit index from before changes it missed."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        next_report = started + VOTER_CATCH_UP_REPORT_S

        def caught_up() -> bool:
            if not metadata_log.caught_up():
                return False
            return not in_cluster or (self.lifecycle is not None and self.lifecycle.caught_up())

        while not caught_up():
            await asyncio.sleep(VOTER_CATCH_UP_POLL_S)
            if loop.time() >= next_report:
                next_report += VOTER_CATCH_UP_REPORT_S
                registered = self.lifecycle is not None and (
                    self.lifecycle.registration_offset is not None
                )
                log.warning(
                    "not caught up with the metadata quorum after %.0f s (leader: %s; %s): "
                    "appends are answered NOT_LEADER_OR_FOLLOWER until then",
                    loop.time() - started,
                    metadata_log.leader_id,
                    "registered" if registered or not in_cluster else "not registered yet",
                )
        replicas.catching_up = False
        log.info(
            "caught up with the metadata quorum in %.2f s: appends are served",
            loop.time() - started,
        )

    def _maintenance_failed(self, exc: BaseException) -> None:
        self.maintenance_error = exc

    async def _run_retention(self) -> None:
        assert self.log_manager is not None and self.replica_manager is not None
        now_ms = self.clock_ms()
        deleted = await self.log_manager.run_retention(now_ms=now_ms)
        if deleted:
            log.info("retention deleted %d segment(s)", deleted)
        self.replica_manager.expire_producers(now_ms)

    async def _checkpoint(self) -> None:
        assert self.log_manager is not None and self.replica_manager is not None
        self.log_manager.checkpoint()
        await self.replica_manager.snapshot_producer_state_in_background()

    # -- embedding ---------------------------------------------------------------------------

    @classmethod
    @contextlib.asynccontextmanager
    async def embedded(
        cls, data_dir: str | Path | None = None, **overrides: Any
    ) -> AsyncIterator[Broker]:
        """Run a broker on 127.0.0.1 and a free port for the ``async with`` block (its HTTP
        listener too, unless ``http.listeners`` is overridden: ``http_url``).

        Without ``data_dir`` the data lives in a temporary directory, removed afterwards, and
        (unless overridden) ``log.flush.policy`` is ``none``: nothing there needs to survive
        a power loss. Overrides take Kafka names (as ``**{"num.partitions": 3}``) or Python
        names (``num_partitions=3``).
        """
        temp: Path | None = None
        if data_dir is None:
            temp = Path(tempfile.mkdtemp(prefix="samsa-"))
            data_dir = temp
        settings: dict[str, Any] = {
            "listeners": "PLAINTEXT://127.0.0.1:0",
            "log.dirs": str(data_dir),
            "http.listeners": "127.0.0.1:0",
        }
        if temp is not None:
            settings["log.flush.policy"] = "none"
        settings.update(overrides)
        try:
            broker = cls(load_config(None, settings))
            await broker.start()
            try:
                yield broker
            finally:
                await broker.stop()
        finally:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)

    @classmethod
    @contextlib.contextmanager
    def embedded_in_thread(
        cls, data_dir: str | Path | None = None, **overrides: Any
    ) -> Iterator[Broker]:
        """``embedded()`` on its own event loop in a background thread, for synchronous code.

        The broker object is for reading facts (``bootstrap_servers``); it runs on the other
        thread's loop.
        """
        ready = threading.Event()
        state: dict[str, Any] = {}

        async def main() -> None:
            async with cls.embedded(data_dir, **overrides) as broker:
                stop = asyncio.Event()
                state["broker"] = broker
                state["loop"] = asyncio.get_running_loop()
                state["stop"] = stop
                ready.set()
                await stop.wait()

        def run() -> None:
            loop = new_event_loop()
            try:
                loop.run_until_complete(main())
            except BaseException as exc:
                state["error"] = exc
            finally:
                ready.set()
                loop.close()

        thread = threading.Thread(target=run, name="samsa-broker", daemon=True)
        thread.start()
        if not ready.wait(THREAD_START_TIMEOUT_S):
            raise BrokerStartError(f"the broker did not start within {THREAD_START_TIMEOUT_S} s")
        if "broker" not in state:
            error = state.get("error")
            if isinstance(error, BaseException):
                raise error
            raise BrokerStartError("the broker thread ended before starting")
        try:
            yield state["broker"]
        finally:
            loop: asyncio.AbstractEventLoop = state["loop"]
            stop: asyncio.Event = state["stop"]
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
            thread.join(THREAD_STOP_TIMEOUT_S)
            if thread.is_alive():
                log.error("the broker thread did not stop within %s s", THREAD_STOP_TIMEOUT_S)


def _raft_log(
    config: BrokerConfig,
    voters: frozenset[int],
    transport: Transport,
    *,
    max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
) -> RaftMetadataLog:
    election_ms = config.controller_quorum_election_timeout_ms
    raft_config = RaftConfig(
        node_id=config.node_id,
        voters=voters,
        election_timeout_ms=election_ms,
        heartbeat_interval_ms=max(1, election_ms // 10),
        max_entry_bytes=max_entry_bytes,
    )
    return RaftMetadataLog(
        config.metadata_dir,
        raft_config,
        transport,
        snapshot_bytes=config.metadata_log_max_record_bytes_between_snapshots,
    )
