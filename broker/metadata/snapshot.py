"""Metadata snapshots: a whole ``MetadataImage`` as bytes, so that the Raft log can be cut.

The format is one JSON object (versioned; readers refuse a newer version)::

    {"version": 2, "offset": N, "next_producer_id": N,
     "brokers": [{node_id, host, port, rack, fenced, in_controlled_shutdown, epoch,
                  incarnation_id, endpoints: [[listener, host, port], ...]}, ...],
     "topics": [{"name", "topic_id", "partitions": [[id, replicas, isr, leader,
                 leader_epoch, partition_epoch], ...]}, ...],
     "configs": [[resource_type, resource_name, {name: value}], ...],
     "scram_credentials": [[user, mechanism, salt, iterations, stored_key, server_key], ...],
     "acls": [[id, resource_type, resource_name, pattern_type, principal, host, operation,
               permission], ...]}

Bytes are base64 strings and the ACL enums their wire numbers. Version 1 (before listeners
were named, ACLs and SCRAM credentials) still loads: no endpoints, ACLs or credentials.
"""

from __future__ import annotations

import json
import uuid
from types import MappingProxyType
from typing import Any, Final

from broker.metadata.image import BrokerRegistration, MetadataImage, PartitionImage, TopicImage
from broker.metadata.records import base64_bytes, base64_text
from broker.security.acl import AclBinding
from protocol.acl import AclOperation, AclPermissionType, PatternType, ResourceType
from protocol.scram import ScramCredential

__all__ = ["SNAPSHOT_VERSION", "SnapshotFormatError", "decode_image", "encode_image"]

SNAPSHOT_VERSION: Final = 2
#: Versions this broker reads: 1 lacks endpoints, ACLs and SCRAM credentials.
_READABLE_VERSIONS: Final = frozenset({1, SNAPSHOT_VERSION})


class SnapshotFormatError(ValueError):
    """Snapshot bytes that do not decode into an image."""


def encode_image(image: MetadataImage) -> bytes:
    """The snapshot bytes of ``image``."""
    doc = {
        "version": SNAPSHOT_VERSION,
        "offset": image.offset,
        "next_producer_id": image.next_producer_id,
        "brokers": [
            {
                "node_id": b.node_id,
                "host": b.host,
                "port": b.port,
                "rack": b.rack,
                "fenced": b.fenced,
                "in_controlled_shutdown": b.in_controlled_shutdown,
                "epoch": b.epoch,
                "incarnation_id": b.incarnation_id,
                "endpoints": [[name, host, port] for name, (host, port) in b.endpoints.items()],
            }
            for b in image.brokers.values()
        ],
        "topics": [
            {
                "name": t.name,
                "topic_id": str(t.topic_id),
                "partitions": [
                    [
                        p.partition_id,
                        list(p.replicas),
                        list(p.isr),
                        p.leader,
                        p.leader_epoch,
                        p.partition_epoch,
                    ]
                    for p in t.partitions.values()
                ],
            }
            for t in image.topics_by_id.values()
        ],
        "configs": [[rt, rn, dict(values)] for (rt, rn), values in image.configs.items()],
        "scram_credentials": [
            [
                user,
                mechanism,
                base64_text(c.salt),
                c.iterations,
                base64_text(c.stored_key),
                base64_text(c.server_key),
            ]
            for (user, mechanism), c in image.scram_credentials.items()
        ],
        "acls": [
            [
                acl_id,
                int(a.resource_type),
                a.resource_name,
                int(a.pattern_type),
                a.principal,
                a.host,
                int(a.operation),
                int(a.permission),
            ]
            for acl_id, a in image.acls.items()
        ],
    }
    return json.dumps(doc, separators=(",", ":")).encode()


def decode_image(data: bytes) -> MetadataImage:
    """The image ``encode_image`` wrote; SnapshotFormatError otherwise."""
    try:
        doc: Any = json.loads(data)
        if not isinstance(doc, dict):
            raise SnapshotFormatError("a snapshot is a JSON object")
        version = doc.get("version")
        if version not in _READABLE_VERSIONS:
            raise SnapshotFormatError(
                f"snapshot version {version} is not one of {sorted(_READABLE_VERSIONS)}"
            )
        brokers = {
            int(b["node_id"]): BrokerRegistration(
                int(b["node_id"]),
                str(b["host"]),
                int(b["port"]),
                b["rack"],
                fenced=bool(b["fenced"]),
                in_controlled_shutdown=bool(b["in_controlled_shutdown"]),
                epoch=int(b["epoch"]),
                incarnation_id=str(b["incarnation_id"]),
                endpoints=MappingProxyType(
                    {str(n): (str(h), int(p)) for n, h, p in b.get("endpoints", ())}
                ),
            )
            for b in doc["brokers"]
        }
        by_id: dict[uuid.UUID, TopicImage] = {}
        for t in doc["topics"]:
            topic_id = uuid.UUID(t["topic_id"])
            parts = {
                int(p[0]): PartitionImage(
                    int(p[0]),
                    tuple(int(x) for x in p[1]),
                    tuple(int(x) for x in p[2]),
                    int(p[3]),
                    int(p[4]),
                    int(p[5]),
                )
                for p in t["partitions"]
            }
            by_id[topic_id] = TopicImage(str(t["name"]), topic_id, MappingProxyType(parts))
        configs = {
            (int(rt), str(rn)): MappingProxyType({str(k): str(v) for k, v in values.items()})
            for rt, rn, values in doc["configs"]
        }
        scram = {
            (str(user), str(mechanism)): ScramCredential(
                str(mechanism),
                base64_bytes(salt),
                int(iterations),
                base64_bytes(stored),
                base64_bytes(server),
            )
            for user, mechanism, salt, iterations, stored, server in doc.get(
                "scram_credentials", ()
            )
        }
        acls = {
            str(acl_id): AclBinding(
                ResourceType(int(rt)),
                str(rn),
                PatternType(int(pt)),
                str(principal),
                str(host),
                AclOperation(int(op)),
                AclPermissionType(int(perm)),
            )
            for acl_id, rt, rn, pt, principal, host, op, perm in doc.get("acls", ())
        }
        return MetadataImage(
            offset=int(doc["offset"]),
            topics_by_id=MappingProxyType(by_id),
            topics_by_name=MappingProxyType({t.name: t for t in by_id.values()}),
            configs=MappingProxyType(configs),
            next_producer_id=int(doc["next_producer_id"]),
            brokers=MappingProxyType(dict(sorted(brokers.items()))),
            scram_credentials=MappingProxyType(scram),
            acls=MappingProxyType(acls),
        )
    except SnapshotFormatError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise SnapshotFormatError(f"malformed metadata snapshot: {exc!r}") from None
