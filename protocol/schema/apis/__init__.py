"""Every message schema Samsa implements, one module per family of APIs."""

from __future__ import annotations

from protocol.schema.apis import (
    admin,
    consumer_group,
    fetch,
    group,
    metadata,
    produce,
    samsa,
    security,
)
from protocol.schema.dsl import Message


def all_messages() -> list[Message]:
    """Every request and response schema, in a stable order (by API key, request first)."""
    found = [
        value
        for module in (produce, fetch, metadata, group, consumer_group, admin, samsa, security)
        for value in vars(module).values()
        if isinstance(value, Message)
    ]
    return sorted(found, key=lambda m: (m.api_key, m.kind != "request"))
