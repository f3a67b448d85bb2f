"""How ``RaftNode``s reach each other: the ``Transport`` interface and an in-process one.

A transport only has to try: Raft tolerates lost, delayed, duplicated and reordered messages.
``InProcessNetwork`` connects nodes of one event loop (tests, a single-process cluster); it can
cut a node off to simulate a partition. ``NoPeers`` is the transport of a quorum of one (a
single node): there is nobody to send to. The TCP transport is in ``tcp.py``.
"""

from __future__ import annotations

import logging
from typing import Protocol

from broker.raft.messages import Message

__all__ = ["InProcessNetwork", "InProcessTransport", "MessageSink", "NoPeers", "Transport"]

log = logging.getLogger("samsa.raft")


class Transport(Protocol):
    """Sends a node's messages to their ``receiver``."""

    def send(self, message: Message) -> None:
        """Queue ``message`` for its receiver; never blocks, may drop."""
        ...


class MessageSink(Protocol):
    """What receives messages: ``RaftNode.deliver``."""

    def deliver(self, message: Message) -> bool:
        """Take ``message``; False if it was dropped."""
        ...


class InProcessNetwork:
    """Nodes on one event loop, by node id; nodes can be cut off and reconnected."""

    def __init__(self) -> None:
        self._sinks: dict[int, MessageSink] = {}
        self._isolated: set[int] = set()

    def register(self, node_id: int, sink: MessageSink) -> None:
        """Deliver messages for ``node_id`` to ``sink`` (replacing any earlier one)."""
        self._sinks[node_id] = sink

    def unregister(self, node_id: int) -> None:
        """Messages for ``node_id`` are dropped from now on."""
        self._sinks.pop(node_id, None)

    def isolate(self, node_id: int) -> None:
        """Drop every message to or from ``node_id``."""
        self._isolated.add(node_id)

    def reconnect(self, node_id: int) -> None:
        """Undo ``isolate``."""
        self._isolated.discard(node_id)

    def transport(self, node_id: int) -> InProcessTransport:
        """The transport node ``node_id`` sends through."""
        return InProcessTransport(self, node_id)

    def send(self, message: Message) -> None:
        """Hand ``message`` to its receiver, unless either end is cut off."""
        if message.sender in self._isolated or message.receiver in self._isolated:
            return
        sink = self._sinks.get(message.receiver)
        if sink is not None:
            sink.deliver(message)


class InProcessTransport:
    """One node's view of an ``InProcessNetwork``."""

    def __init__(self, network: InProcessNetwork, node_id: int) -> None:
        self._network = network
        self.node_id = node_id

    def send(self, message: Message) -> None:
        """Send ``message`` over the network."""
        self._network.send(message)


class NoPeers:
    """The transport of the only voter: a core without peers addresses nobody, so a message
    here is a bug; it is dropped (as a lost message would be) and logged."""

    def send(self, message: Message) -> None:
        """Drop ``message``."""
        log.warning("a voter without peers tried to send %s", type(message).__name__)
