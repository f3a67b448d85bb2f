"""Cluster control on the active controller: broker registration, heartbeats and fencing.

``BrokerSessions`` is the active controller's view of the brokers' sessions; every method
takes the time (monotonic seconds) from its caller, so nothing here reads a clock. The
planners are pure: the image (and the request) in, the records to commit out. Rules:

* **registration**: a broker starts fenced; a new incarnation (restart) first fences the
  previous one, whose leaderships move away (``placement.changes_for_broker_loss``).
  Registering again with the same incarnation and endpoint changes nothing.
* **unfencing**: the first heartbeat after the broker applied its own registration unfences it
  and elects it where a partition had no leader.
* **controlled shutdown**: the broker is marked shutting down and gives up its leaderships;
  once it leads nothing it is fenced.
* **sessions**: a broker without a heartbeat for ``broker.session.timeout.ms`` is fenced. A
  controller that just became active gives every broker a full session from then.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from broker.metadata.image import MetadataDelta, MetadataImage
from broker.metadata.placement import changes_for_broker_loss, changes_for_leaderless
from broker.metadata.records import (
    BrokerRegistrationChangeRecord,
    FenceBrokerRecord,
    MetadataRecord,
    RegisterBrokerRecord,
    UnfenceBrokerRecord,
)

__all__ = [
    "BrokerSessions",
    "fenced_view",
    "leads_any",
    "plan_controlled_shutdown",
    "plan_fence_after_shutdown",
    "plan_fencing",
    "plan_registration",
    "plan_unfence",
]


class BrokerSessions:
    """When each broker last heartbeated, as the active controller saw it."""

    def __init__(self, session_timeout_ms: int, rebalance_interval_s: float) -> None:
        self.session_s = session_timeout_ms / 1000
        self.rebalance_interval_s = rebalance_interval_s
        self._last_heartbeat_s: dict[int, float] = {}
        self._active = False
        self._next_rebalance_s = 0.0

    def heartbeat(self, broker_id: int, now_s: float) -> None:
        """``broker_id`` keeps its session."""
        self._last_heartbeat_s[broker_id] = now_s

    def became_active(self, brokers: Iterable[int], now_s: float) -> bool:
        """Call on every tick while this broker is the active controller: True on the first
        tick of a term of office (every broker then gets a full session from ``now_s``)."""
        if self._active:
            return False
        self._active = True
        self._last_heartbeat_s = dict.fromkeys(brokers, now_s)
        self._next_rebalance_s = now_s + self.rebalance_interval_s
        return True

    def lost_active(self) -> None:
        """This broker is not the active controller (any more)."""
        self._active = False

    def expired(self, image: MetadataImage, now_s: float) -> list[int]:
        """Unfenced brokers whose session ran out (a broker never seen starts one now)."""
        return [
            b
            for b, reg in image.brokers.items()
            if not reg.fenced
            and now_s - self._last_heartbeat_s.setdefault(b, now_s) > self.session_s
        ]

    def rebalance_due(self, now_s: float) -> bool:
        """Whether it is time to move leaderships to preferred replicas (then the next time is
        one ``leader.imbalance.check.interval.seconds`` on)."""
        if now_s < self._next_rebalance_s:
            return False
        self._next_rebalance_s = now_s + self.rebalance_interval_s
        return True


def fenced_view(image: MetadataImage, fenced: Sequence[int]) -> MetadataImage:
    """The image as if ``fenced`` were fenced (for planning the partition changes)."""
    scratch = MetadataDelta(image)
    offset = image.offset
    for b in fenced:
        reg = image.brokers.get(b)
        if reg is not None:
            offset += 1
            scratch.replay(offset, FenceBrokerRecord(b, reg.epoch))
    return scratch.build()


def leads_any(image: MetadataImage, broker_id: int) -> bool:
    """Whether ``broker_id`` leads any partition."""
    return any(
        p.leader == broker_id for t in image.topics_by_id.values() for p in t.partitions.values()
    )


def plan_registration(
    image: MetadataImage,
    broker_id: int,
    incarnation_id: str,
    host: str,
    port: int,
    rack: str | None,
    endpoints: Sequence[tuple[str, str, int]] = (),
) -> list[MetadataRecord]:
    """The records registering this incarnation (``endpoints``: every advertised listener's
    ``(name, host, port)``); none when it is registered already."""
    current = image.brokers.get(broker_id)
    endpoints = tuple((name, h, p) for name, h, p in endpoints)
    if (
        current is not None
        and current.incarnation_id == incarnation_id
        and (current.host, current.port, current.rack) == (host, port, rack)
        and dict(current.endpoints) == {name: (h, p) for name, h, p in endpoints}
    ):
        return []
    records: list[MetadataRecord] = []
    if current is not None and not current.fenced:
        # The previous incarnation: fence it first, moving its leaderships away.
        records.append(FenceBrokerRecord(broker_id, current.epoch))
        records.extend(changes_for_broker_loss(fenced_view(image, [broker_id]), broker_id))
    records.append(
        RegisterBrokerRecord(broker_id, incarnation_id, host, port, rack, True, endpoints)
    )
    return records


def plan_unfence(
    image: MetadataImage, broker_id: int, metadata_offset: int
) -> list[MetadataRecord]:
    """Unfence a fenced broker that applied its registration (``metadata_offset``), electing
    it where it can lead a leaderless partition; nothing otherwise."""
    reg = image.brokers.get(broker_id)
    if reg is None or not reg.fenced or metadata_offset < reg.epoch:
        return []
    records: list[MetadataRecord] = [UnfenceBrokerRecord(broker_id, reg.epoch)]
    scratch = MetadataDelta(image)
    scratch.replay(image.offset + 1, records[0])
    records.extend(changes_for_leaderless(scratch.build()))
    return records


def plan_controlled_shutdown(image: MetadataImage, broker_id: int) -> list[MetadataRecord]:
    """A heartbeat asking to shut down: mark the broker shutting down and move its
    leaderships away (or, later, move those that could not move before)."""
    reg = image.brokers.get(broker_id)
    if reg is None:
        return []
    if not reg.in_controlled_shutdown and not reg.fenced:
        records: list[MetadataRecord] = [
            BrokerRegistrationChangeRecord(broker_id, reg.epoch, in_controlled_shutdown=True)
        ]
        scratch = MetadataDelta(image)
        scratch.replay(image.offset + 1, records[0])
        records.extend(changes_for_broker_loss(scratch.build(), broker_id))
        return records
    if leads_any(image, broker_id):
        # Leaders that could not move before (no other ISR member was active).
        return list(changes_for_broker_loss(image, broker_id))
    return []


def plan_fence_after_shutdown(image: MetadataImage, broker_id: int) -> list[MetadataRecord]:
    """Fence a broker shutting down once it leads nothing (until then, nothing)."""
    current = image.brokers.get(broker_id)
    if leads_any(image, broker_id) or current is None or current.fenced:
        return []
    return [FenceBrokerRecord(broker_id, current.epoch)]


def plan_fencing(image: MetadataImage, expired: Sequence[int]) -> list[MetadataRecord]:
    """Fence the brokers whose session expired; they leave ISRs and lose their leaderships."""
    records: list[MetadataRecord] = []
    view = fenced_view(image, expired)
    for b in expired:
        records.append(FenceBrokerRecord(b, image.brokers[b].epoch))
    for b in expired:
        changes = changes_for_broker_loss(view, b)
        for change in changes:
            scratch = MetadataDelta(view)
            scratch.replay(view.offset + 1, change)
            view = scratch.build()
        records.extend(changes)
    return records
