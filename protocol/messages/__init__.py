"""Every Kafka request and response Samsa implements, by API key.

The classes come from ``_generated.py`` (compiled from ``protocol/schema``); this module adds
the lookup tables that a server and a client dispatch on.
"""

from __future__ import annotations

from protocol.messages import _generated
from protocol.messages._generated import *  # noqa: F403
from protocol.messages.base import (
    Message,
    Records,
    RecordsSource,
    Refs,
    Struct,
    join_refs,
    split_refs,
)

REQUESTS: dict[int, type[Message]] = {}
"""Request class by API key."""
RESPONSES: dict[int, type[Message]] = {}
"""Response class by API key."""

for _name in _generated.__all__:
    _cls = getattr(_generated, _name)
    (REQUESTS if _name.endswith("Request") else RESPONSES)[_cls.API_KEY] = _cls


def api_name(api_key: int) -> str:
    """Kafka's name of an API key, or ``Unknown(<key>)``."""
    cls = REQUESTS.get(api_key)
    return cls.API_NAME if cls is not None else f"Unknown({api_key})"


__all__ = [
    "REQUESTS",
    "RESPONSES",
    "Message",
    "Records",
    "RecordsSource",
    "Refs",
    "Struct",
    "api_name",
    "join_refs",
    "split_refs",
    *_generated.__all__,
]
