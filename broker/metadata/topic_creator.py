"""Creating an internal topic (``__consumer_offsets``, ``__transaction_state``) through the
controller, like a CreateTopics, one attempt at a time.

``InternalTopicCreator`` runs the attempt in the background (``ensure_soon``), calls
``on_exists(image)`` once the topic exists (created now, or already there) and logs why an
attempt failed; the next ``ensure_soon`` retries. Subclasses say which topic to create from the
image (``new_topic``) and may take over a refusal (``refused``), as the group coordinator does
while a cluster is still registering its brokers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from broker.metadata.controller_api import ControllerApi, CreateTopicResult, NewTopic
from broker.metadata.image import MetadataImage
from protocol.errors import ErrorCode, KafkaError

__all__ = ["InternalTopicCreator"]


class InternalTopicCreator:
    """Creates one internal topic, one attempt at a time (see the module docstring)."""

    def __init__(
        self,
        controller: ControllerApi,
        name: str,
        on_exists: Callable[[MetadataImage], None],
        *,
        logger: logging.Logger,
        unavailable: str,
    ) -> None:
        self._controller = controller
        self._name = name
        self._on_exists = on_exists
        self._log = logger
        #: What does not work until the topic exists, for the log ("consumer groups are").
        self._unavailable = unavailable
        self._task: asyncio.Task[None] | None = None

    def new_topic(self, image: MetadataImage) -> NewTopic:
        """The topic to create, given the brokers ``image`` has."""
        raise NotImplementedError

    def refused(self, result: CreateTopicResult) -> bool:
        """Take over an answer other than success; True when it was handled here."""
        return False

    def created(self, topic: NewTopic) -> None:
        """The topic was just created."""
        self._log.info("created %s", topic.name)

    def ensure_soon(self) -> None:
        """Create the topic in the background unless an attempt is under way."""
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.get_running_loop().create_task(
            self.ensure(), name=f"create-{self._name.strip('_').replace('_', '-')}"
        )

    async def stop(self) -> None:
        """Abandon an attempt under way."""
        task = self._task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def ensure(self) -> None:
        """Create the topic if it is missing (errors are logged; the next call retries)."""
        controller = self._controller
        image = controller.image
        if image.topic(self._name) is not None:
            self._on_exists(image)
            return
        topic = self.new_topic(image)
        try:
            [result] = await controller.create_topics([topic])
        except KafkaError as exc:
            self._log.error("cannot create %s: %s", self._name, exc)
            return
        if self.refused(result):
            return
        if result.error not in (ErrorCode.NONE, ErrorCode.TOPIC_ALREADY_EXISTS):
            self._log.error(
                "cannot create %s: %s (%s); %s unavailable until it exists",
                self._name,
                result.error.name,
                result.message,
                self._unavailable,
            )
            return
        self.created(topic)
        self._on_exists(controller.image)
