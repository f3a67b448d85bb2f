"""``MetadataImage``: the cluster's metadata as of a log offset, built by applying records.

Pure: no IO, no clock. An image is immutable; ``MetadataDelta`` applies records on top of one
(copying only the topics they touch) and ``build()`` makes the next image. The delta also
says what changed, so that the replica manager and config listeners react to exactly that.
The security metadata (ACL bindings, SCRAM credentials) is kept the same way: a new mapping
object only when a record changed it, so ``is`` tells a change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Final

from broker.metadata.records import (
    AccessControlEntryRecord,
    BrokerRegistrationChangeRecord,
    ConfigRecord,
    FenceBrokerRecord,
    MetadataRecord,
    PartitionChangeRecord,
    PartitionRecord,
    ProducerIdsRecord,
    RegisterBrokerRecord,
    RemoveAccessControlEntryRecord,
    RemoveTopicRecord,
    RemoveUserScramCredentialRecord,
    TopicRecord,
    UnfenceBrokerRecord,
    UnregisterBrokerRecord,
    UserScramCredentialRecord,
)
from broker.security.acl import AclBinding
from protocol.acl import AclOperation, AclPermissionType, PatternType, ResourceType
from protocol.scram import MECHANISMS, ScramCredential

__all__ = [
    "BROKER_RESOURCE",
    "NO_LEADER",
    "TOPIC_RESOURCE",
    "BrokerRegistration",
    "MetadataApplyError",
    "MetadataDelta",
    "MetadataImage",
    "PartitionImage",
    "TopicImage",
]

#: Kafka's resource type numbers (DescribeConfigs / ConfigRecord).
TOPIC_RESOURCE: Final = 2
BROKER_RESOURCE: Final = 4

NO_LEADER: Final = -1

_EMPTY: Final[Mapping[str, str]] = MappingProxyType({})
_NO_ENDPOINTS: Final[Mapping[str, tuple[str, int]]] = MappingProxyType({})


class MetadataApplyError(ValueError):
    """A record does not fit the image (a partition of an unknown topic, a duplicate id)."""


@dataclass(frozen=True, slots=True)
class BrokerRegistration:
    """A registered broker: where clients and replicas reach it, and whether it may serve.

    ``epoch`` is the offset of its latest registration record (Kafka's broker epoch); a
    fenced broker leads no partition and is in no ISR that a leader election picks from.
    ``host``/``port`` are the inter-broker listener's endpoint; ``endpoints`` every advertised
    listener's, by listener name (empty for a registration written before listeners were
    named: then ``host``/``port`` serve every listener).
    """

    node_id: int
    host: str
    port: int
    rack: str | None = None
    fenced: bool = True
    in_controlled_shutdown: bool = False
    epoch: int = -1
    incarnation_id: str = ""
    endpoints: Mapping[str, tuple[str, int]] = field(default_factory=dict, hash=False)

    @property
    def active(self) -> bool:
        """Unfenced and not shutting down: may lead and join ISRs."""
        return not self.fenced and not self.in_controlled_shutdown


@dataclass(frozen=True, slots=True)
class PartitionImage:
    """One partition: replicas, in-sync replicas, leader and epochs."""

    partition_id: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    leader: int
    leader_epoch: int
    partition_epoch: int


@dataclass(frozen=True, slots=True)
class TopicImage:
    """One topic: its name, id and partitions by id."""

    name: str
    topic_id: uuid.UUID
    partitions: Mapping[int, PartitionImage]

    @property
    def partition_count(self) -> int:
        """Number of partitions."""
        return len(self.partitions)


@dataclass(frozen=True, slots=True)
class MetadataImage:
    """The cluster's metadata after applying every record up to ``offset`` (-1: none)."""

    offset: int = -1
    topics_by_id: Mapping[uuid.UUID, TopicImage] = field(default_factory=dict)
    topics_by_name: Mapping[str, TopicImage] = field(default_factory=dict)
    configs: Mapping[tuple[int, str], Mapping[str, str]] = field(default_factory=dict)
    next_producer_id: int = 0
    """Producer ids below this were handed out (in blocks) and must never be reused."""
    brokers: Mapping[int, BrokerRegistration] = field(default_factory=dict)
    """Registered brokers by node id (empty in a cluster of one that never registered)."""
    scram_credentials: Mapping[tuple[str, str], ScramCredential] = field(default_factory=dict)
    """SCRAM credentials by (user, mechanism)."""
    acls: Mapping[str, AclBinding] = field(default_factory=dict)
    """ACL bindings by id (a new mapping object exactly when the bindings change)."""

    @classmethod
    def empty(cls) -> MetadataImage:
        """The image before any record."""
        return cls()

    def topic(self, name: str) -> TopicImage | None:
        """The topic named ``name``, or None."""
        return self.topics_by_name.get(name)

    def partition(self, topic: str, partition: int) -> PartitionImage | None:
        """One partition, or None if the topic or partition does not exist."""
        t = self.topics_by_name.get(topic)
        return None if t is None else t.partitions.get(partition)

    def config(self, resource_type: int, name: str) -> Mapping[str, str]:
        """The settings stored for a resource (topic overrides, dynamic broker settings)."""
        return self.configs.get((resource_type, name), _EMPTY)

    @property
    def partition_count(self) -> int:
        """Partitions of every topic."""
        return sum(len(t.partitions) for t in self.topics_by_id.values())

    def apply(self, offset: int, records: Iterable[MetadataRecord]) -> MetadataImage:
        """The image after ``records`` (the first at ``offset``)."""
        delta = MetadataDelta(self)
        for i, record in enumerate(records):
            delta.replay(offset + i, record)
        return delta.build()


class MetadataDelta:
    """Records applied on top of an image; ``build()`` the next image (once).

    After replaying, ``created_topics``, ``deleted_topics`` (the images as they were),
    ``changed_partitions``, ``changed_configs``, ``changed_brokers``,
    ``changed_scram_credentials`` (user, mechanism) and ``acls_changed`` describe what changed.
    """

    def __init__(self, image: MetadataImage) -> None:
        self.image = image
        self._offset = image.offset
        self._topics: dict[uuid.UUID, TopicImage] | None = None
        self._changed: dict[uuid.UUID, dict[int, PartitionImage]] = {}
        self._configs: dict[tuple[int, str], Mapping[str, str]] | None = None
        self._next_producer_id = image.next_producer_id
        self.created_topics: set[uuid.UUID] = set()
        self.deleted_topics: dict[uuid.UUID, TopicImage] = {}
        self.changed_partitions: set[tuple[uuid.UUID, int]] = set()
        self.changed_configs: set[tuple[int, str]] = set()
        self._brokers: dict[int, BrokerRegistration] | None = None
        self.changed_brokers: set[int] = set()
        self._scram: dict[tuple[str, str], ScramCredential] | None = None
        self.changed_scram_credentials: set[tuple[str, str]] = set()
        self._acls: dict[str, AclBinding] | None = None
        self.acls_changed = False

    def _brokers_mut(self) -> dict[int, BrokerRegistration]:
        if self._brokers is None:
            self._brokers = dict(self.image.brokers)
        return self._brokers

    def _scram_mut(self) -> dict[tuple[str, str], ScramCredential]:
        if self._scram is None:
            self._scram = dict(self.image.scram_credentials)
        return self._scram

    def _acls_mut(self) -> dict[str, AclBinding]:
        if self._acls is None:
            self._acls = dict(self.image.acls)
        return self._acls

    # -- helpers ---------------------------------------------------------------------------

    def _topics_mut(self) -> dict[uuid.UUID, TopicImage]:
        if self._topics is None:
            self._topics = dict(self.image.topics_by_id)
        return self._topics

    def _configs_mut(self) -> dict[tuple[int, str], Mapping[str, str]]:
        if self._configs is None:
            self._configs = dict(self.image.configs)
        return self._configs

    def _partitions_mut(self, topic_id: uuid.UUID) -> dict[int, PartitionImage]:
        parts = self._changed.get(topic_id)
        if parts is None:
            topic = self._topics_mut().get(topic_id)
            if topic is None:
                raise MetadataApplyError(f"partition record for unknown topic id {topic_id}")
            parts = dict(topic.partitions)
            self._changed[topic_id] = parts
        return parts

    # -- replay ----------------------------------------------------------------------------

    def replay(self, offset: int, record: MetadataRecord) -> None:
        """Apply one record (committed at ``offset``)."""
        if offset <= self._offset:
            raise MetadataApplyError(f"offset {offset} is not after {self._offset}")
        self._offset = offset
        if isinstance(record, TopicRecord):
            self._replay_topic(record)
        elif isinstance(record, PartitionRecord):
            self._replay_partition(record)
        elif isinstance(record, PartitionChangeRecord):
            self._replay_partition_change(record)
        elif isinstance(record, ConfigRecord):
            self._replay_config(record)
        elif isinstance(record, RemoveTopicRecord):
            self._replay_remove_topic(record)
        elif isinstance(record, ProducerIdsRecord):
            if record.next_producer_id < self._next_producer_id:
                raise MetadataApplyError(
                    f"producer id block {record.next_producer_id} goes backwards "
                    f"(already at {self._next_producer_id})"
                )
            self._next_producer_id = record.next_producer_id
        elif isinstance(record, RegisterBrokerRecord):
            self._brokers_mut()[record.broker_id] = BrokerRegistration(
                record.broker_id,
                record.host,
                record.port,
                record.rack,
                fenced=record.fenced,
                epoch=offset,
                incarnation_id=record.incarnation_id,
                endpoints=_endpoint_map(record.endpoints),
            )
            self.changed_brokers.add(record.broker_id)
        elif isinstance(record, UnregisterBrokerRecord):
            self._brokers_mut().pop(record.broker_id, None)
            self.changed_brokers.add(record.broker_id)
        elif isinstance(
            record, FenceBrokerRecord | UnfenceBrokerRecord | BrokerRegistrationChangeRecord
        ):
            self._replay_broker_change(record)
        elif isinstance(record, UserScramCredentialRecord | RemoveUserScramCredentialRecord):
            self._replay_scram(record)
        elif isinstance(record, AccessControlEntryRecord | RemoveAccessControlEntryRecord):
            self._replay_acl(record)
        else:
            raise MetadataApplyError(f"cannot apply {type(record).__name__}")

    def _replay_broker_change(
        self, record: FenceBrokerRecord | UnfenceBrokerRecord | BrokerRegistrationChangeRecord
    ) -> None:
        brokers = self._brokers_mut()
        old = brokers.get(record.broker_id)
        if old is None:
            raise MetadataApplyError(f"change of unregistered broker {record.broker_id}")
        if isinstance(record, FenceBrokerRecord):
            new = replace(old, fenced=True, in_controlled_shutdown=False)
        elif isinstance(record, UnfenceBrokerRecord):
            new = replace(old, fenced=False, in_controlled_shutdown=False)
        else:
            new = old
            if record.fenced is not None:
                new = replace(new, fenced=record.fenced)
            if record.in_controlled_shutdown is not None:
                new = replace(new, in_controlled_shutdown=record.in_controlled_shutdown)
        brokers[record.broker_id] = new
        self.changed_brokers.add(record.broker_id)

    def _replay_scram(
        self, record: UserScramCredentialRecord | RemoveUserScramCredentialRecord
    ) -> None:
        key = (record.name, record.mechanism)
        if record.mechanism not in MECHANISMS:
            raise MetadataApplyError(f"unknown SCRAM mechanism {record.mechanism!r}")
        if isinstance(record, UserScramCredentialRecord):
            self._scram_mut()[key] = ScramCredential(
                record.mechanism,
                record.salt,
                record.iterations,
                record.stored_key,
                record.server_key,
            )
        else:
            current = self._scram if self._scram is not None else self.image.scram_credentials
            if key not in current:
                raise MetadataApplyError(
                    f"removal of missing {record.mechanism} credential of {record.name!r}"
                )
            del self._scram_mut()[key]
        self.changed_scram_credentials.add(key)

    def _replay_acl(
        self, record: AccessControlEntryRecord | RemoveAccessControlEntryRecord
    ) -> None:
        current = self._acls if self._acls is not None else self.image.acls
        if isinstance(record, RemoveAccessControlEntryRecord):
            if record.id not in current:
                raise MetadataApplyError(f"removal of unknown ACL id {record.id}")
            del self._acls_mut()[record.id]
        else:
            if record.id in current:
                raise MetadataApplyError(f"ACL id {record.id} exists already")
            self._acls_mut()[record.id] = _binding_of(record)
        self.acls_changed = True

    def _replay_topic(self, record: TopicRecord) -> None:
        topics = self._topics_mut()
        if record.topic_id in topics:
            raise MetadataApplyError(f"topic id {record.topic_id} exists already")
        if any(t.name == record.name for t in topics.values()):
            raise MetadataApplyError(f"topic {record.name!r} exists already")
        topics[record.topic_id] = TopicImage(record.name, record.topic_id, {})
        self._changed[record.topic_id] = {}
        self.created_topics.add(record.topic_id)

    def _replay_partition(self, record: PartitionRecord) -> None:
        parts = self._partitions_mut(record.topic_id)
        parts[record.partition_id] = PartitionImage(
            record.partition_id,
            tuple(record.replicas),
            tuple(record.isr),
            record.leader,
            record.leader_epoch,
            record.partition_epoch,
        )
        self.changed_partitions.add((record.topic_id, record.partition_id))

    def _replay_partition_change(self, record: PartitionChangeRecord) -> None:
        parts = self._partitions_mut(record.topic_id)
        old = parts.get(record.partition_id)
        if old is None:
            raise MetadataApplyError(
                f"change of unknown partition {record.partition_id} of {record.topic_id}"
            )
        new = replace(old, partition_epoch=old.partition_epoch + 1)
        if record.leader is not None:
            # Kafka's rule: a record that names the leader starts a new leader epoch, even
            # for the same leader (the planners name it only to change it, or to bump).
            new = replace(new, leader=record.leader, leader_epoch=old.leader_epoch + 1)
        if record.isr is not None:
            new = replace(new, isr=tuple(record.isr))
        if record.replicas is not None:
            new = replace(new, replicas=tuple(record.replicas))
        parts[record.partition_id] = new
        self.changed_partitions.add((record.topic_id, record.partition_id))

    def _replay_config(self, record: ConfigRecord) -> None:
        configs = self._configs_mut()
        key = (record.resource_type, record.resource_name)
        current = dict(configs.get(key, _EMPTY))
        if record.value is None:
            current.pop(record.name, None)
        else:
            current[record.name] = record.value
        if current:
            configs[key] = MappingProxyType(current)
        else:
            configs.pop(key, None)
        self.changed_configs.add(key)

    def _replay_remove_topic(self, record: RemoveTopicRecord) -> None:
        topics = self._topics_mut()
        topic = topics.pop(record.topic_id, None)
        if topic is None:
            raise MetadataApplyError(f"removal of unknown topic id {record.topic_id}")
        self._changed.pop(record.topic_id, None)
        if record.topic_id in self.created_topics:
            self.created_topics.discard(record.topic_id)
        else:
            self.deleted_topics[record.topic_id] = self.image.topics_by_id.get(
                record.topic_id, topic
            )
        self.changed_partitions = {p for p in self.changed_partitions if p[0] != record.topic_id}
        key = (TOPIC_RESOURCE, topic.name)
        if key in (self._configs if self._configs is not None else self.image.configs):
            self._configs_mut().pop(key, None)
            self.changed_configs.add(key)

    # -- result ----------------------------------------------------------------------------

    def build(self) -> MetadataImage:
        """The image with every replayed record applied."""
        image = self.image
        if self._topics is None and not self._changed:
            by_id = image.topics_by_id
            by_name = image.topics_by_name
        else:
            topics = self._topics_mut()
            for topic_id, parts in self._changed.items():
                t = topics[topic_id]
                topics[topic_id] = TopicImage(t.name, t.topic_id, MappingProxyType(parts))
            by_id = MappingProxyType(dict(topics))
            by_name = MappingProxyType({t.name: t for t in topics.values()})
        configs = image.configs if self._configs is None else MappingProxyType(dict(self._configs))
        brokers = (
            image.brokers
            if self._brokers is None
            else MappingProxyType(dict(sorted(self._brokers.items())))
        )
        scram = (
            image.scram_credentials if self._scram is None else MappingProxyType(dict(self._scram))
        )
        acls = image.acls if self._acls is None else MappingProxyType(dict(self._acls))
        return MetadataImage(
            offset=self._offset,
            topics_by_id=by_id,
            topics_by_name=by_name,
            configs=configs,
            next_producer_id=self._next_producer_id,
            brokers=brokers,
            scram_credentials=scram,
            acls=acls,
        )


def _endpoint_map(endpoints: Sequence[tuple[str, str, int]]) -> Mapping[str, tuple[str, int]]:
    if not endpoints:
        return _NO_ENDPOINTS
    return MappingProxyType({name: (host, port) for name, host, port in endpoints})


def _binding_of(record: AccessControlEntryRecord) -> AclBinding:
    try:
        return AclBinding(
            ResourceType(record.resource_type),
            record.resource_name,
            PatternType(record.pattern_type),
            record.principal,
            record.host,
            AclOperation(record.operation),
            AclPermissionType(record.permission_type),
        )
    except ValueError as exc:
        raise MetadataApplyError(f"ACL {record.id}: {exc}") from None


def delta_between(old: MetadataImage, new: MetadataImage) -> MetadataDelta:
    """A delta from ``old`` whose ``build()`` is ``new`` and whose change sets say what
    differs (for a snapshot installed on top of an older image)."""
    delta = MetadataDelta(old)
    topics = delta._topics_mut()
    for topic_id, topic in old.topics_by_id.items():
        if topic_id not in new.topics_by_id:
            topics.pop(topic_id)
            delta.deleted_topics[topic_id] = topic
    for topic_id, topic in new.topics_by_id.items():
        before = old.topics_by_id.get(topic_id)
        topics[topic_id] = topic
        delta._changed[topic_id] = dict(topic.partitions)
        if before is None:
            delta.created_topics.add(topic_id)
        for pid, partition in topic.partitions.items():
            if before is None or before.partitions.get(pid) != partition:
                delta.changed_partitions.add((topic_id, pid))
    delta._configs = dict(new.configs)
    delta.changed_configs = {
        key for key in (*old.configs, *new.configs) if old.configs.get(key) != new.configs.get(key)
    }
    delta._brokers = dict(new.brokers)
    delta.changed_brokers = {
        b for b in (*old.brokers, *new.brokers) if old.brokers.get(b) != new.brokers.get(b)
    }
    if dict(old.scram_credentials) != dict(new.scram_credentials):
        delta._scram = dict(new.scram_credentials)
        delta.changed_scram_credentials = {
            k
            for k in (*old.scram_credentials, *new.scram_credentials)
            if old.scram_credentials.get(k) != new.scram_credentials.get(k)
        }
    if dict(old.acls) != dict(new.acls):
        delta._acls = dict(new.acls)
        delta.acls_changed = True
    delta._next_producer_id = new.next_producer_id
    delta._offset = new.offset
    return delta
