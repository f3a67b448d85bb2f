"""The console's message browser: ``GET /api/topics/{name}/messages``.

``?partition=P`` (default 0) and one of ``offset=O`` (from that offset; an offset below the log
start reads from the log start), ``timestamp=MS`` (from the first record at or after that
time), ``newest=1`` (the last ``limit`` records before the high watermark, newest first) or
none (from the log start); ``limit`` records at most (default 100, at most ``MAX_LIMIT``).
Record batches are read until ``MAX_READ_BYTES`` are spent (the last Fetch may bring one
whole batch beyond it, as Kafka answers with at least one batch), so a page of large records
holds fewer than ``limit``. Needs READ on the topic.
"""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web

from broker.http.console_common import (
    BACKEND,
    Access,
    api_handler,
    fail,
    image_of,
    int_param,
    topic_name,
)
from broker.http.console_values import shown
from client.types import TopicPartition
from protocol.acl import AclOperation

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "MAX_READ_BYTES", "routes"]

#: Records in one answer unless ``limit`` says otherwise.
DEFAULT_LIMIT: Final = 100
#: Most records in one answer (the spec's cap for every list the console pages through).
MAX_LIMIT: Final = 500
#: Bytes of record batches read for one answer: a page of the browser, not a bulk export.
MAX_READ_BYTES: Final = 1024 * 1024
#: Largest partition index or offset accepted in a query (int32 and int64 ranges).
_MAX_PARTITION: Final = 2**31 - 1
_MAX_OFFSET: Final = 2**63 - 1

_NEWEST_VALUES: Final = frozenset({"1", "true", "yes"})


def routes() -> list[web.RouteDef]:
    return [web.get("/api/topics/{name}/messages", messages)]


@api_handler
async def messages(request: web.Request) -> Any:
    access = Access(request)
    name = topic_name(request, access)
    access.require_topic(AclOperation.READ, name)
    partition = int_param(request, "partition", default=0, minimum=0, maximum=_MAX_PARTITION)
    assert partition is not None
    limit = int_param(request, "limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    assert limit is not None
    offset = int_param(request, "offset", minimum=0, maximum=_MAX_OFFSET)
    timestamp = int_param(request, "timestamp", minimum=0, maximum=_MAX_OFFSET)
    newest_raw = request.query.get("newest", "")
    newest = newest_raw.strip().lower() in _NEWEST_VALUES
    if newest_raw and not newest and newest_raw.strip().lower() not in ("0", "false", "no"):
        fail(400, "INVALID_REQUEST", "newest is 1 or 0")
    if sum((offset is not None, timestamp is not None, newest)) > 1:
        fail(400, "INVALID_REQUEST", "give at most one of offset, timestamp and newest")
    t = image_of(request).topic(name)
    if partition not in t.partitions:
        fail(404, "UNKNOWN_TOPIC_OR_PARTITION", f"topic {name!r} has no partition {partition}")
    tp = TopicPartition(name, partition)
    backend = request.app[BACKEND]
    offsets = (await backend.offsets([tp])).get(tp)
    if offsets is None:
        fail(503, "LEADER_NOT_AVAILABLE", f"{name}-{partition} has no leader")
    lso, hw = offsets.log_start_offset, offsets.high_watermark
    if offset is not None:
        if offset > hw:
            fail(
                400,
                "OFFSET_OUT_OF_RANGE",
                f"offset {offset} is past the high watermark {hw} of {name}-{partition}",
            )
        start = max(offset, lso)
    elif timestamp is not None:
        found = await backend.offset_for_time(tp, timestamp)
        start = found.offset if found.offset >= 0 else hw
    elif newest:
        start = max(lso, hw - limit)
    else:
        start = lso
    records = await backend.read_records(
        tp, start, hw, MAX_LIMIT if newest else limit, MAX_READ_BYTES
    )
    if newest:
        records = list(reversed(records))[:limit]
    return {
        "partition": partition,
        "log_start_offset": lso,
        "high_watermark": hw,
        "messages": [
            {
                "offset": r.offset,
                "timestamp": r.timestamp,
                "timestamp_type": "LOG_APPEND_TIME" if r.timestamp_type == 1 else "CREATE_TIME",
                "key": shown(r.key),
                "value": shown(r.value),
                "headers": [{"key": k, "value": shown(v)} for k, v in r.headers],
            }
            for r in records
        ],
    }
