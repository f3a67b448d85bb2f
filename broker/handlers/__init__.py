"""The dispatch table: API key → handler, with the versions advertised in ApiVersions.

Each handler module declares what it serves in its ``HANDLERS`` (``base.api_handler`` entries
naming the request class, whose ``API_KEY`` is the key, and the versions);
``build_dispatch_table`` gathers them. Only what is implemented is advertised (COMPAT.md's
ranges). The group APIs (``groups.py``, and KIP-848's in ``consumer_groups.py``) are served by the
group coordinator (``broker/group/``):
OffsetFetch v8+ is answered group by group and FindCoordinator stops at v3 (v4 batches keys).
The transaction APIs (``transactions.py``, ``init_producer_id.py``) are served by the
transaction coordinator (``broker/txn/``).
SaslHandshake and SaslAuthenticate (``sasl.py``) are answered by the connection on SASL
listeners; their entries make ApiVersions list them and answer them elsewhere.
The security APIs: ACLs (``acls.py``) and SCRAM credentials (``scram.py``); every handler's
ACL checks use ``auth.py``. Leader elections on request (ElectLeaders) are in ``elections.py``.
Samsa's private APIs (``conditional_produce.py``) are in the table too; ApiVersions shows them
to Samsa's client only.
"""

from __future__ import annotations

from broker.handlers import (
    acls,
    api_versions,
    conditional_produce,
    configs,
    consumer_groups,
    elections,
    fetch,
    groups,
    init_producer_id,
    log_dirs,
    metadata,
    offsets,
    produce,
    producers,
    sasl,
    scram,
    topics,
    transactions,
)
from broker.handlers.base import ApiHandler

__all__ = ["build_dispatch_table"]


def build_dispatch_table() -> dict[int, ApiHandler]:
    """Every served API by key, from the handler modules' declarations."""
    table: dict[int, ApiHandler] = {}
    for entry in (
        *produce.HANDLERS,
        *fetch.HANDLERS,
        *offsets.HANDLERS,
        *metadata.HANDLERS,
        *api_versions.HANDLERS,
        *topics.HANDLERS,
        *elections.HANDLERS,
        *init_producer_id.HANDLERS,
        *configs.HANDLERS,
        *log_dirs.HANDLERS,
        *groups.HANDLERS,
        *consumer_groups.HANDLERS,
        *transactions.HANDLERS,
        *conditional_produce.HANDLERS,
        *producers.HANDLERS,
        *sasl.HANDLERS,
        *acls.HANDLERS,
        *scram.HANDLERS,
    ):
        if entry.api_key in table:
            raise ValueError(f"API key {entry.api_key} is declared twice")
        table[entry.api_key] = entry
    return table
