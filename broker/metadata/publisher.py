"""The image publisher every broker runs: committed records in, image and delta out.

``ImagePublisher`` holds the newest ``MetadataImage``. Committed batches (from the controller's
own appends, or from the metadata log's listener in a cluster) are replayed into a
``MetadataDelta``; the new image replaces the old one atomically and ``(image, delta)`` goes to
every listener in the order they were added (``ReplicaManager.publish``, the group
coordinator). An installed snapshot is published as the delta between the two images.

It is also the read side of the metadata as replication sees it (``MetadataView``): the image,
and topic configs resolved against the broker's static and dynamic defaults.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from broker.config import BrokerConfig
from broker.metadata.image import (
    BROKER_RESOURCE,
    TOPIC_RESOURCE,
    MetadataApplyError,
    MetadataDelta,
    MetadataImage,
    delta_between,
)
from broker.metadata.records import MetadataRecord
from broker.metadata.topic_configs import (
    ResolvedConfig,
    broker_topic_defaults,
    resolve_topic_configs,
)

__all__ = ["ImagePublisher", "Listener", "MetadataView"]

log = logging.getLogger("samsa.controller")

#: Called with every new image and the delta that made it.
Listener = Callable[[MetadataImage, MetadataDelta], None]


class MetadataView(Protocol):
    """The metadata as a broker's partitions need it (``ReplicaManager``)."""

    @property
    def node_id(self) -> int:
        """This broker's id."""
        ...

    @property
    def config(self) -> BrokerConfig:
        """This broker's static settings."""
        ...

    @property
    def image(self) -> MetadataImage:
        """The newest committed image."""
        ...

    def topic_defaults(self) -> dict[str, ResolvedConfig]:
        """The default of every topic config (static settings plus dynamic broker ones)."""
        ...

    def topic_configs(self, topic: str) -> dict[str, ResolvedConfig]:
        """Every topic config of ``topic``, resolved."""
        ...


class ImagePublisher:
    """Applies committed records to the image and publishes each new image."""

    def __init__(self, image: MetadataImage, config: BrokerConfig) -> None:
        self._image = image
        self._config = config
        self._listeners: list[Listener] = []
        self._applied = asyncio.Event()  # set (and replaced) whenever the image moves
        self._defaults_cache: (
            tuple[Mapping[str, str], Mapping[str, str], dict[str, ResolvedConfig]] | None
        ) = None

    @property
    def node_id(self) -> int:
        """This broker's id."""
        return self._config.node_id

    @property
    def config(self) -> BrokerConfig:
        """This broker's static settings."""
        return self._config

    @property
    def image(self) -> MetadataImage:
        """The newest committed image."""
        return self._image

    def add_listener(self, listener: Listener) -> None:
        """Publish every new image (and its delta) to ``listener`` too."""
        self._listeners.append(listener)

    # -- applying ------------------------------------------------------------------------------

    def apply_committed(self, base_offset: int, records: Sequence[MetadataRecord]) -> None:
        """A batch the log committed at ``base_offset`` (raises MetadataApplyError when it does
        not fit the image: callers check records on a scratch delta before committing)."""
        delta = MetadataDelta(self._image)
        for i, record in enumerate(records):
            delta.replay(base_offset + i, record)
        self._publish(delta)

    def apply_records(self, records: list[MetadataRecord]) -> MetadataImage:
        """The metadata log's listener: a committed batch following the image (skipped, with an
        error logged, when it does not apply)."""
        delta = MetadataDelta(self._image)
        try:
            for i, record in enumerate(records):
                delta.replay(self._image.offset + 1 + i, record)
        except MetadataApplyError as exc:
            log.error("a committed metadata batch does not apply (skipped): %s", exc)
            return self._image
        self._publish(delta)
        return self._image

    def install_image(self, image: MetadataImage) -> None:
        """The metadata log's listener for snapshots: ``image`` replaces the current one."""
        self._publish(delta_between(self._image, image))

    def _publish(self, delta: MetadataDelta) -> None:
        self._image = delta.build()
        for listener in self._listeners:
            listener(self._image, delta)
        event, self._applied = self._applied, asyncio.Event()
        event.set()

    async def wait_applied(self, offset: int) -> None:
        """Return once the image includes ``offset`` (callers bound the wait)."""
        while self._image.offset < offset:
            await self._applied.wait()

    # -- configs ------------------------------------------------------------------------------

    def topic_defaults(self) -> dict[str, ResolvedConfig]:
        """The default of every topic config (static settings plus dynamic broker ones)."""
        image = self._image
        node = image.config(BROKER_RESOURCE, str(self.node_id))
        cluster = image.config(BROKER_RESOURCE, "")
        cached = self._defaults_cache
        if cached is not None and cached[0] is node and cached[1] is cluster:
            return cached[2]
        defaults = broker_topic_defaults(self._config, node, cluster)
        self._defaults_cache = (node, cluster, defaults)
        return defaults

    def topic_configs(self, topic: str) -> dict[str, ResolvedConfig]:
        """Every topic config of ``topic``, resolved."""
        return resolve_topic_configs(
            self.topic_defaults(), self._image.config(TOPIC_RESOURCE, topic)
        )
