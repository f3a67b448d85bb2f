"""``meta.properties``: the cluster id and node id a data directory belongs to (Kafka's format).

Written once, when a directory is first used::

    #
    #<time>
    cluster.id=<22 characters of URL-safe base64, a UUID like Kafka's>
    node.id=1
    version=1

At every start each directory's file must agree with the others and with ``node.id``: a
directory of another cluster or node is refused rather than silently mixed in.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from broker.config import parse_properties
from broker.storage.fsutil import write_file_atomically

__all__ = [
    "META_PROPERTIES",
    "MetaPropertiesError",
    "cluster_id_for_voters",
    "ensure_meta_properties",
    "new_cluster_id",
]

META_PROPERTIES: Final = "meta.properties"
_VERSION: Final = "1"


class MetaPropertiesError(RuntimeError):
    """A data directory belongs to another cluster or node, or its file is unreadable."""


def uuid_to_base64(value: uuid.UUID) -> str:
    """Kafka's text form of a UUID: URL-safe base64 without padding (22 characters)."""
    return base64.urlsafe_b64encode(value.bytes).decode().rstrip("=")


def new_cluster_id() -> str:
    """A fresh cluster id, as ``kafka-storage random-uuid`` prints one."""
    while True:
        u = uuid.uuid4()
        text = uuid_to_base64(u)
        # Kafka avoids ids starting with '-' (they look like command line flags).
        if not text.startswith("-"):
            return text


def _read(path: Path) -> dict[str, str] | None:
    try:
        return parse_properties(path.read_text())
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise MetaPropertiesError(f"cannot read {path}: {exc}") from exc


def cluster_id_for_voters(voters: str) -> str:
    """The cluster id every broker of a quorum derives from the same voters setting."""
    canonical = ",".join(sorted(p.strip() for p in voters.split(",") if p.strip()))
    return uuid_to_base64(uuid.uuid5(uuid.NAMESPACE_URL, "samsa-quorum:" + canonical))


def ensure_meta_properties(
    log_dirs: Sequence[Path], node_id: int, *, cluster_id_if_new: str | None = None
) -> str:
    """The cluster id of ``log_dirs``: read, checked against ``node_id``, and written to the
    directories that have no file yet (``cluster_id_if_new``, else a new random one, if none
    has one)."""
    cluster_id: str | None = None
    missing: list[Path] = []
    for d in log_dirs:
        props = _read(d / META_PROPERTIES)
        if props is None:
            missing.append(d)
            continue
        found = props.get("cluster.id")
        if not found:
            raise MetaPropertiesError(f"{d / META_PROPERTIES} has no cluster.id")
        if cluster_id is not None and found != cluster_id:
            raise MetaPropertiesError(
                f"{d} belongs to cluster {found}, but another directory to {cluster_id}"
            )
        stored_node = props.get("node.id")
        if stored_node is not None and stored_node != str(node_id):
            raise MetaPropertiesError(
                f"{d} belongs to node {stored_node}, but this broker is node.id={node_id}"
            )
        cluster_id = found
    if cluster_id is None:
        cluster_id = cluster_id_if_new or new_cluster_id()
    stamp = time.strftime("%a %b %d %H:%M:%S %Z %Y")
    text = f"#\n#{stamp}\ncluster.id={cluster_id}\nnode.id={node_id}\nversion={_VERSION}\n"
    for d in missing:
        d.mkdir(parents=True, exist_ok=True)
        write_file_atomically(d / META_PROPERTIES, text.encode())
    return cluster_id
