"""Samsa's broker: ``from broker import Broker``.

The name is resolved lazily, so that importing a sub-package (``broker.storage``) does not pull
in the whole broker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from broker.app import Broker

__all__ = ["Broker"]


def __getattr__(name: str) -> Any:
    if name == "Broker":
        from broker.app import Broker

        return Broker
    raise AttributeError(f"module 'broker' has no attribute {name!r}")
