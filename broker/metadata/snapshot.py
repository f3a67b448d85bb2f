"""Metadata snapshots: a whole ``MetadataImage`` as bytes, so that the Raft log can be cut.

The format is one JSON object (versioned; readers refuse a newer version)::

    {"version": 1, "offset": N, "next_producer_id": N,
     "brokers": [{node_id, host, port, rack, fenced, in_controlled_shutdown, epoch,
                  incarnation_id}, ...],
     "topics": [{"name", "topic_id", "partitions": [[id, replicas, isr, leader,
                 leader_epoch, partition_epoch], ...]}, ...],
     "configs": [[resource_type, resource_name, {name: value}], ...]}
"""

from __future__ import annotations

import json
import uuid
from types import MappingProxyType
from typing import Any, Final

from broker.metadata.image import BrokerRegistration, MetadataImage, PartitionImage, TopicImage

__all__ = ["SNAPSHOT_VERSION", "SnapshotFormatError", "decode_image", "encode_image"]

SNAPSHOT_VERSION: Final = 1


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
    }
    return json.dumps(doc, separators=(",", ":")).encode()


def decode_image(data: bytes) -> MetadataImage:
    """The image ``encode_image`` wrote; SnapshotFormatError otherwise."""
    try:
        doc: Any = json.loads(data)
        if not isinstance(doc, dict):
            raise SnapshotFormatError("a snapshot is a JSON object")
        version = doc.get("version")
        if version != SNAPSHOT_VERSION:
            raise SnapshotFormatError(f"snapshot version {version} is not {SNAPSHOT_VERSION}")
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
        return MetadataImage(
            offset=int(doc["offset"]),
            topics_by_id=MappingProxyType(by_id),
            topics_by_name=MappingProxyType({t.name: t for t in by_id.values()}),
            configs=MappingProxyType(configs),
            next_producer_id=int(doc["next_producer_id"]),
            brokers=MappingProxyType(dict(sorted(brokers.items()))),
        )
    except SnapshotFormatError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise SnapshotFormatError(f"malformed metadata snapshot: {exc!r}") from None
