"""``render_metrics(broker)``: the broker's metrics in Prometheus text format (0.0.4).

Nothing here runs per request: the hot paths record into ``broker.telemetry`` (request times
and errors on the ``KafkaServer``, topic traffic on ``BrokerServices``, flush times on the
``LogFlusher``, ISR changes on the ``ReplicaManager``, rebalances on the ``GroupCoordinator``),
and a scrape reads those and the rest of the broker's state (logs, partitions, the metadata
quorum, groups, consumer lag) through a custom collector on a registry of its own per broker
(tests run several brokers in one process; the global registry is never used).

Call it on the broker's event loop: it reads loop-owned state. A scrape is bounded: partitions
past ``http.metrics.max.partitions`` (sorted by topic and partition) and group partitions past
the same number are folded into one series per topic (``partition="folded"``: sums; lag in
seconds is not computed for them), counted by ``samsa_metrics_partitions_folded``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import TYPE_CHECKING, Final, Protocol

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from broker.config import BrokerConfig
from broker.faults import FaultPlan
from broker.http.lag import LagReader, lag_reader_of
from broker.metadata.raft_log import RaftMetadataLog
from broker.telemetry import LatencyHistogram
from protocol.errors import ErrorCode
from protocol.messages import api_name

if TYPE_CHECKING:
    from broker.group.driver import GroupCoordinator
    from broker.handlers.base import BrokerServices
    from broker.metadata.log import MetadataLog
    from broker.replication.manager import ReplicaManager
    from broker.server.server import KafkaServer
    from broker.storage.flush import LogFlusher

__all__ = [
    "CONTENT_TYPE",
    "FOLDED",
    "FaultCounters",
    "MetricsSource",
    "lag_reader",
    "render_metrics",
]

#: What ``/metrics`` answers with (Prometheus' text exposition format 0.0.4).
CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"
#: The ``partition`` label of a topic's folded partitions (past the cap).
FOLDED: Final = "folded"


class FaultCounters(Protocol):
    """What a scrape reads of the broker's fault injection (``Broker.faults`` is one)."""

    @property
    def plan(self) -> FaultPlan: ...
    @property
    def chaos_running(self) -> bool: ...


class MetricsSource(Protocol):
    """What a scrape reads of a broker (``broker.Broker`` is one)."""

    @property
    def config(self) -> BrokerConfig: ...
    @property
    def clock_ms(self) -> Callable[[], int]: ...
    @property
    def server(self) -> KafkaServer | None: ...
    @property
    def services(self) -> BrokerServices | None: ...
    @property
    def replica_manager(self) -> ReplicaManager | None: ...
    @property
    def group_coordinator(self) -> GroupCoordinator | None: ...
    @property
    def flusher(self) -> LogFlusher | None: ...
    @property
    def metadata_log(self) -> MetadataLog | None: ...
    @property
    def faults(self) -> FaultCounters: ...


def _version() -> str:
    try:
        return metadata.version("samsa")
    except metadata.PackageNotFoundError:
        return "unknown"


_VERSION: Final = _version()
_RAFT_STATES: Final = ("follower", "pre-candidate", "candidate", "leader", "observer")


class _Exporter:
    """One broker's registry, collector and lag cache."""

    def __init__(self, broker: MetricsSource) -> None:
        self.lag = lag_reader_of(broker)
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(_BrokerCollector(weakref.ref(broker), self.lag))


_EXPORTERS: weakref.WeakKeyDictionary[MetricsSource, _Exporter] = weakref.WeakKeyDictionary()


def _exporter(broker: MetricsSource) -> _Exporter:
    found = _EXPORTERS.get(broker)
    if found is None:
        found = _EXPORTERS[broker] = _Exporter(broker)
    return found


def render_metrics(broker: MetricsSource) -> bytes:
    """Every metric of ``broker`` in Prometheus text format (call it on its event loop)."""
    return generate_latest(_exporter(broker).registry)


def lag_reader(broker: MetricsSource) -> LagReader:
    """The broker's consumer-lag reader (the one the console and the lag history use too)."""
    return lag_reader_of(broker)


def _histogram(family: HistogramMetricFamily, labels: list[str], h: LatencyHistogram) -> None:
    buckets = [("+Inf" if b == float("inf") else repr(b), float(n)) for b, n in h.cumulative()]
    family.add_metric(labels, buckets, h.sum_s)


class _BrokerCollector(Collector):
    def __init__(self, broker: weakref.ref[MetricsSource], lag: LagReader) -> None:
        self._broker = broker
        self._lag = lag

    def collect(self) -> Iterator[Metric]:
        broker = self._broker()
        if broker is None:
            return
        info = GaugeMetricFamily(
            "samsa_build_info", "Samsa's version (the value is always 1)", labels=["version"]
        )
        info.add_metric([_VERSION], 1)
        yield info
        cap = broker.config.http_metrics_max_partitions
        folded = 0
        services = broker.services
        if services is not None:
            yield from _traffic(services)
        server = broker.server
        if server is not None and broker.config.http_metrics_enable:
            yield from _requests(server)
        if server is not None:
            yield _connections(server)
        replicas = broker.replica_manager
        if replicas is not None:
            yield _purgatory(replicas, services)
            families, n = _partitions(replicas, cap)
            folded += n
            yield from families
        flusher = broker.flusher
        if flusher is not None:
            flush = HistogramMetricFamily(
                "samsa_log_flush_time_seconds", "Duration of one round of log fsyncs"
            )
            _histogram(flush, [], flusher.flush_time)
            yield flush
        yield from _quorum(broker.metadata_log, replicas)
        groups = broker.group_coordinator
        if groups is not None:
            yield from _groups(groups)
            families, n = _lag(self._lag, groups, replicas, broker.clock_ms(), cap)
            folded += n
            yield from families
        yield from _faults(broker.faults)
        yield GaugeMetricFamily(
            "samsa_metrics_partitions_folded",
            "Partitions and group partitions past http.metrics.max.partitions, exported as "
            'per-topic sums (partition="folded")',
            value=folded,
        )


def _faults(faults: FaultCounters) -> Iterator[Metric]:
    plan = faults.plan
    injected = CounterMetricFamily(
        "samsa_faults_injected",
        "Faults injected on purpose (a test's or chaos's), per kind and API (empty for "
        "connections and actions)",
        labels=["kind", "api"],
    )
    for (kind, api), count in sorted(plan.injected_total.items()):
        injected.add_metric([kind, api], count)
    yield injected
    yield GaugeMetricFamily(
        "samsa_faults_armed", "Faults armed now (fault injection)", value=len(plan.armed())
    )
    yield GaugeMetricFamily(
        "samsa_faults_chaos_running",
        "1 while a seeded chaos run arms faults, else 0",
        value=1 if faults.chaos_running else 0,
    )


def _traffic(services: BrokerServices) -> Iterator[Metric]:
    traffic = services.traffic
    for name, doc, counts in (
        ("samsa_topic_bytes_in", "Bytes of record batches appended by producers", traffic.bytes_in),
        ("samsa_topic_records_in", "Records appended by producers", traffic.records_in),
        (
            "samsa_topic_bytes_out",
            "Bytes of record batches sent to consumers (not to followers)",
            traffic.bytes_out,
        ),
        (
            "samsa_topic_records_out",
            "Records sent to consumers, from each fetch position to the end of the last batch",
            traffic.records_out,
        ),
        (
            "samsa_topic_produce_requests",
            "Produce requests naming the topic",
            traffic.produce_requests,
        ),
        (
            "samsa_topic_fetch_requests",
            "Consumer Fetch requests naming the topic",
            traffic.fetch_requests,
        ),
    ):
        family = CounterMetricFamily(name, doc, labels=["topic"])
        for topic, value in sorted(counts.items()):
            family.add_metric([topic], value)
        yield family


def _requests(server: KafkaServer) -> Iterator[Metric]:
    total = CounterMetricFamily("samsa_requests", "Requests answered, per API", labels=["api"])
    errors = CounterMetricFamily(
        "samsa_request_errors",
        "Error codes in responses (top-level, and per partition for Produce), per API",
        labels=["api", "error"],
    )
    times = {
        part: HistogramMetricFamily(f"samsa_request_{part}_time_seconds", doc, labels=["api"])
        for part, doc in (
            ("queue", "Time from the whole request frame to its handler"),
            ("local", "Time in the request's handler"),
            ("remote", "Time waiting after the handler (acks, long polls, group commits)"),
            ("send", "Time from the finished response to the transport"),
            ("total", "Time from the whole request frame to the transport"),
        )
    }
    for key, api in sorted(server.request_metrics.items()):
        name = api_name(key)
        labels = [name]
        total.add_metric(labels, api.requests_total)
        for code, n in sorted(api.errors_total.items()):
            try:
                error = ErrorCode(code).name
            except ValueError:
                error = str(code)
            errors.add_metric([name, error], n)
        _histogram(times["queue"], labels, api.queue_time)
        _histogram(times["local"], labels, api.local_time)
        _histogram(times["remote"], labels, api.remote_time)
        _histogram(times["send"], labels, api.send_time)
        _histogram(times["total"], labels, api.total_time)
    yield total
    yield errors
    yield from times.values()


def _connections(server: KafkaServer) -> Metric:
    counts = dict.fromkeys((listener.name for listener in server.listeners), 0)
    for connection in server.connections:
        name = connection.listener.name
        counts[name] = counts.get(name, 0) + 1
    family = GaugeMetricFamily(
        "samsa_connections", "Open client connections, per listener", labels=["listener"]
    )
    for name, n in sorted(counts.items()):
        family.add_metric([name], n)
    return family


def _purgatory(replicas: ReplicaManager, services: BrokerServices | None) -> Metric:
    family = GaugeMetricFamily(
        "samsa_purgatory_size",
        "Waiting operations: produce = appends waiting for their acknowledgement, fetch = "
        "parked Fetch requests (consumers' and followers')",
        labels=["operation"],
    )
    family.add_metric(["produce"], sum(p.acks_waiting for p in replicas.loaded_partitions()))
    family.add_metric(["fetch"], 0 if services is None else len(services.fetch_purgatory))
    return family


def _partitions(replicas: ReplicaManager, cap: int) -> tuple[list[Metric], int]:
    labels = ["topic", "partition"]
    size = GaugeMetricFamily("samsa_log_size_bytes", "Bytes of the local log", labels=labels)
    start = GaugeMetricFamily(
        "samsa_log_start_offset", "First offset of the local log", labels=labels
    )
    end = GaugeMetricFamily("samsa_log_end_offset", "Next offset of the local log", labels=labels)
    hw = GaugeMetricFamily(
        "samsa_high_watermark", "Offset below which records are committed", labels=labels
    )
    urp = offline = under_min = leaders = 0
    partitions = sorted(
        (p for p in replicas.loaded_partitions() if not p.deleted), key=lambda p: p.tp
    )
    sums: dict[str, list[int]] = {}
    for i, p in enumerate(partitions):
        log = p.log
        values = (log.size_in_bytes, log.log_start_offset, log.log_end_offset, p.high_watermark)
        if i < cap:
            key = [p.tp.topic, str(p.tp.partition)]
            for family, value in zip((size, start, end, hw), values, strict=True):
                family.add_metric(key, value)
        else:
            found = sums.setdefault(p.tp.topic, [0, 0, 0, 0])
            for j, value in enumerate(values):
                found[j] += value
        if log.offline is not None:
            offline += 1
        if p.is_leader:
            leaders += 1
            if len(p.isr) < len(p.replicas):
                urp += 1
            if len(p.isr) < p.min_insync_replicas:
                under_min += 1
    for topic, total in sorted(sums.items()):
        for family, value in zip((size, start, end, hw), total, strict=True):
            family.add_metric([topic, FOLDED], value)
    counts = [
        GaugeMetricFamily(
            "samsa_under_replicated_partitions",
            "Partitions led here whose ISR is smaller than their replica set",
            value=urp,
        ),
        GaugeMetricFamily(
            "samsa_offline_partitions",
            "Partitions with a replica here whose log went offline (a failed write or fsync)",
            value=offline,
        ),
        GaugeMetricFamily(
            "samsa_under_min_isr_partitions",
            "Partitions led here whose ISR is smaller than min.insync.replicas",
            value=under_min,
        ),
        GaugeMetricFamily("samsa_leader_partitions", "Partitions led here", value=leaders),
        CounterMetricFamily(
            "samsa_isr_shrinks",
            "ISR changes that removed followers",
            value=replicas.isr_shrinks_total,
        ),
        CounterMetricFamily(
            "samsa_isr_expands",
            "ISR changes that added followers",
            value=replicas.isr_expands_total,
        ),
    ]
    return [size, start, end, hw, *counts], max(0, len(partitions) - cap)


def _quorum(log: MetadataLog | None, replicas: ReplicaManager | None) -> Iterator[Metric]:
    if log is None:
        return
    yield GaugeMetricFamily(
        "samsa_active_controller",
        "1 on the active controller (the metadata quorum's leader), else 0",
        value=1 if log.is_active else 0,
    )
    state = GaugeMetricFamily(
        "samsa_raft_state",
        "This node's role in the metadata quorum (1 for the current)",
        labels=["state"],
    )
    if isinstance(log, RaftMetadataLog):
        node = log.node
        current = node.role.value
        yield GaugeMetricFamily("samsa_raft_term", "The metadata quorum's term", value=node.term)
        yield GaugeMetricFamily(
            "samsa_raft_commit_index",
            "The last committed entry of the metadata log",
            value=node.commit_index,
        )
        lag = GaugeMetricFamily(
            "samsa_raft_voter_lag_records",
            "On the leader: entries each other voter lacks",
            labels=["voter"],
        )
        core = node.core
        last = core.log.last_index
        for voter, match in sorted(core.match_indexes().items()):
            lag.add_metric([str(voter)], max(0, last - match))
        yield lag
    else:
        current = "observer"
    for name in _RAFT_STATES:
        state.add_metric([name], 1 if name == current else 0)
    yield state


def _groups(groups: GroupCoordinator) -> Iterator[Metric]:
    states = GaugeMetricFamily(
        "samsa_groups", "Groups coordinated here, per state and type", labels=["state", "type"]
    )
    members = GaugeMetricFamily(
        "samsa_group_members", "Members of each group coordinated here", labels=["group"]
    )
    epochs = GaugeMetricFamily(
        "samsa_consumer_group_epoch",
        "Group epoch of each KIP-848 consumer group coordinated here (it rises by one with "
        "every change of members, subscriptions or subscribed partitions)",
        labels=["group"],
    )
    assignment_epochs = GaugeMetricFamily(
        "samsa_consumer_group_assignment_epoch",
        "Epoch of the target assignment of each KIP-848 consumer group coordinated here "
        "(below the group epoch while a new target is being computed)",
        labels=["group"],
    )
    core = groups.core
    # KIP-848 groups: their offsets are stored as a classic group's (commits without a
    # member), so the classic core may also hold an empty group of the same id: not counted.
    consumer = groups.consumer_groups.core.groups
    counts: dict[tuple[str, str], int] = {}
    sizes: dict[str, int] = {}
    if core is not None:
        for group in core.groups():
            if group.group_id in consumer:
                continue
            key = (group.state.value, "classic")
            counts[key] = counts.get(key, 0) + 1
            sizes[group.group_id] = len(group.members)
    for group_id, cg in consumer.items():
        key = (cg.state, "consumer")
        counts[key] = counts.get(key, 0) + 1
        sizes[group_id] = len(cg.members)
        epochs.add_metric([group_id], cg.group_epoch)
        assignment_epochs.add_metric([group_id], cg.assignment_epoch)
    for group_id, n in sorted(sizes.items()):
        members.add_metric([group_id], n)
    for (state, kind), n in sorted(counts.items()):
        states.add_metric([state, kind], n)
    yield states
    yield members
    yield epochs
    yield assignment_epochs
    yield CounterMetricFamily(
        "samsa_group_rebalances", "Rebalances that ended Stable", value=groups.rebalances_total
    )
    rebalance = HistogramMetricFamily(
        "samsa_group_rebalance_time_seconds", "Time from PreparingRebalance to Stable"
    )
    _histogram(rebalance, [], groups.rebalance_time)
    yield rebalance


def _lag(
    reader: LagReader,
    groups: GroupCoordinator,
    replicas: ReplicaManager | None,
    now_ms: int,
    cap: int,
) -> tuple[list[Metric], int]:
    labels = ["group", "topic", "partition"]
    committed = GaugeMetricFamily(
        "samsa_consumer_group_committed_offset", "The group's committed offset", labels=labels
    )
    lag = GaugeMetricFamily(
        "samsa_consumer_group_lag",
        "High watermark minus the committed offset (from the last refresh for partitions "
        "with no replica here)",
        labels=labels,
    )
    seconds = GaugeMetricFamily(
        "samsa_consumer_group_lag_seconds",
        "Age of the record at the committed offset (the next one not consumed); 0 at lag 0",
        labels=labels,
    )
    lags = reader.lags(groups, replicas, now_ms, seconds_limit=cap)
    sums: dict[tuple[str, str], list[int | None]] = {}
    for i, found in enumerate(lags):
        if i < cap:
            key = [found.group_id, found.topic, str(found.partition)]
            committed.add_metric(key, found.committed_offset)
            if found.lag is not None:
                lag.add_metric(key, found.lag)
            if found.lag_seconds is not None:
                seconds.add_metric(key, found.lag_seconds)
            continue
        total = sums.setdefault((found.group_id, found.topic), [0, 0])
        total[0] = (total[0] or 0) + found.committed_offset
        if found.lag is not None:
            total[1] = (total[1] or 0) + found.lag
    for (group, topic), (offset_sum, lag_sum) in sorted(sums.items()):
        committed.add_metric([group, topic, FOLDED], offset_sum or 0)
        lag.add_metric([group, topic, FOLDED], lag_sum or 0)
    return [committed, lag, seconds], max(0, len(lags) - cap)
