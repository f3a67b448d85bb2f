"""The console's admin actions, served only with ``http.console.admin.enable=true``:

- ``POST /api/topics`` ``{"name", "partitions", "replication_factor", "configs": {}}``
  (CREATE on the cluster or the topic);
- ``DELETE /api/topics/{name}`` (DELETE on the topic);
- ``POST /api/groups/{id}/reset-offsets`` ``{"topic", "to": "earliest" | "latest" |
  {"offset": N} | {"timestamp": MS}}`` (READ on the group and the topic; refused with 409
  NON_EMPTY_GROUP while the group has members, as ``kafka-consumer-groups --reset-offsets``
  refuses an active group; offsets are clamped to each partition's log start and end);
- ``POST /api/topics/{name}/messages`` ``{"partition"?, "key"?, "value", "headers"?}`` (WRITE
  on the topic; text key, value and header values sent as UTF-8; without a partition the key's
  murmur2 hash chooses, as Kafka's default partitioner does).

The internal topics (``__consumer_offsets``, ``__transaction_state``) are never created,
written or deleted from the console (400 INVALID_TOPIC_EXCEPTION), whoever asks.

Against cross-site requests (a form posted from another site carries the user's Basic
credentials but cannot set headers or a JSON content type without a CORS preflight, which
this server never grants), every action needs ``X-Samsa-Console: 1`` (403 otherwise) and
``Content-Type: application/json`` (415 otherwise). Bodies are validated field by field
(400 naming the field).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from broker.http.console_common import (
    BACKEND,
    BROKER,
    Access,
    admin_enabled,
    api_handler,
    fail,
    image_of,
    ok,
    topic_name,
)
from broker.http.console_groups import describe_group
from broker.metadata.internal_topics import is_internal_topic
from client.admin import GroupDescription, NewTopic
from client.types import TopicPartition
from protocol.acl import AclOperation
from protocol.errors import GroupIdNotFoundError

__all__ = [
    "CONSOLE_HEADER",
    "MAX_HEADERS",
    "MAX_KEY_BYTES",
    "MAX_VALUE_BYTES",
    "routes",
]

#: The header every mutating request carries (a cross-site form cannot set it).
CONSOLE_HEADER: Final = "X-Samsa-Console"
#: A test message's value, at most (the console is not a bulk producer).
MAX_VALUE_BYTES: Final = 1024 * 1024
#: A test message's key, at most.
MAX_KEY_BYTES: Final = 64 * 1024
#: Headers of a test message, at most.
MAX_HEADERS: Final = 64
#: A header's value, at most.
MAX_HEADER_VALUE_BYTES: Final = 64 * 1024
#: Partitions of a topic created from the console, at most (Samsa's logs cost file handles).
MAX_CREATE_PARTITIONS: Final = 10_000
#: Config entries of a topic created from the console, at most (Kafka has about 30 topic
#: configs; more is a mistake).
MAX_CREATE_CONFIGS: Final = 100
#: Kafka's longest topic name.
_MAX_TOPIC_NAME: Final = 249

_TOPIC_NAME = Annotated[str, Field(min_length=1, max_length=_MAX_TOPIC_NAME)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CreateTopic(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,249}$")]
    partitions: Annotated[int, Field(ge=1, le=MAX_CREATE_PARTITIONS)] = 1
    replication_factor: Annotated[int, Field(ge=-1, le=32_767)] = -1
    configs: Annotated[dict[str, str], Field(max_length=MAX_CREATE_CONFIGS)] = {}


class ToOffset(_Strict):
    offset: Annotated[int, Field(ge=0, le=2**63 - 1)]


class ToTimestamp(_Strict):
    timestamp: Annotated[int, Field(ge=0, le=2**63 - 1)]


class ResetOffsets(_Strict):
    topic: _TOPIC_NAME
    to: Literal["earliest", "latest"] | ToOffset | ToTimestamp


class MessageHeader(_Strict):
    key: Annotated[str, Field(max_length=_MAX_TOPIC_NAME * 4)]
    value: Annotated[str, Field(max_length=MAX_HEADER_VALUE_BYTES)] | None = None


class TestMessage(_Strict):
    partition: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None
    key: Annotated[str, Field(max_length=MAX_KEY_BYTES)] | None = None
    value: Annotated[str, Field(max_length=MAX_VALUE_BYTES)] | None
    headers: Annotated[list[MessageHeader], Field(max_length=MAX_HEADERS)] = []


def routes() -> list[web.RouteDef]:
    return [
        web.post("/api/topics", create_topic),
        web.delete("/api/topics/{name}", delete_topic),
        web.post("/api/groups/{id}/reset-offsets", reset_offsets),
        web.post("/api/topics/{name}/messages", produce),
    ]


async def _body(request: web.Request, *, required: bool = True) -> Any:
    """Check that admin actions are on and the request is the console's own; its JSON."""
    if not admin_enabled(request.app[BROKER]):
        fail(403, "ADMIN_DISABLED", "admin actions are off (http.console.admin.enable=false)")
    if request.headers.get(CONSOLE_HEADER) != "1":
        fail(403, "MISSING_CONSOLE_HEADER", f"admin actions need the {CONSOLE_HEADER}: 1 header")
    if request.content_type != "application/json":
        fail(415, "UNSUPPORTED_MEDIA_TYPE", "admin actions take Content-Type: application/json")
    raw = await request.read()
    if not raw.strip() and not required:
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        fail(400, "INVALID_JSON", "the body is not valid JSON")


def _utf8(text: str | None, what: str, limit: int) -> bytes | None:
    if text is None:
        return None
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > limit:
        fail(400, "INVALID_REQUEST", f"{what} is larger than {limit} bytes")
    return data


def _not_internal(name: str, action: str) -> None:
    """The coordinators' topics are theirs alone: the console neither writes nor deletes them
    (a record that is not theirs would stop a coordinator loading)."""
    if is_internal_topic(name):
        fail(400, "INVALID_TOPIC_EXCEPTION", f"cannot {action} the internal topic {name!r}")


@api_handler
async def create_topic(request: web.Request) -> Any:
    body = CreateTopic.model_validate(await _body(request))
    _not_internal(body.name, "create")
    access = Access(request)
    access.require_create_topic(body.name)
    admin = await request.app[BACKEND].admin()
    await admin.create_topics(
        [NewTopic(body.name, body.partitions, body.replication_factor, dict(body.configs))],
        timeout_ms=10_000,
    )
    return ok({"name": body.name}, status=201)


@api_handler
async def delete_topic(request: web.Request) -> Any:
    await _body(request, required=False)
    access = Access(request)
    name = topic_name(request, access)
    _not_internal(name, "delete")
    access.require_topic(AclOperation.DELETE, name)
    admin = await request.app[BACKEND].admin()
    await admin.delete_topics([name], timeout_ms=10_000)
    return {"deleted": name}


@api_handler
async def reset_offsets(request: web.Request) -> Any:
    body = ResetOffsets.model_validate(await _body(request))
    group_id = request.match_info["id"]
    access = Access(request)
    access.require_group(AclOperation.READ, group_id)
    access.require_topic(AclOperation.READ, body.topic)
    if image_of(request).topic(body.topic) is None:
        fail(404, "UNKNOWN_TOPIC_OR_PARTITION", f"no topic {body.topic!r}")
    backend = request.app[BACKEND]
    admin = await backend.admin()
    try:  # either group type (classic, or KIP-848 consumer)
        described: GroupDescription | None = (await describe_group(backend, group_id)).description
    except GroupIdNotFoundError:
        described = None
    if described is not None and described.members:
        fail(
            409,
            "NON_EMPTY_GROUP",
            f"group {group_id!r} has {len(described.members)} active members: stop them first",
        )
    to = body.to
    if isinstance(to, ToOffset):
        moved = await admin.reset_group_offsets(
            group_id, [body.topic], to_offset=to.offset, timeout_ms=10_000
        )
    elif isinstance(to, ToTimestamp):
        moved = await admin.reset_group_offsets(
            group_id, [body.topic], to_timestamp_ms=to.timestamp, timeout_ms=10_000
        )
    else:
        moved = await admin.reset_group_offsets(group_id, [body.topic], to=to, timeout_ms=10_000)
    return {
        "group_id": group_id,
        "topic": body.topic,
        "offsets": [
            {"partition": tp.partition, "offset": offset} for tp, offset in sorted(moved.items())
        ],
    }


@api_handler
async def produce(request: web.Request) -> Any:
    body = TestMessage.model_validate(await _body(request))
    access = Access(request)
    name = topic_name(request, access)
    _not_internal(name, "write to")
    access.require_topic(AclOperation.WRITE, name)
    key = _utf8(body.key, "key", MAX_KEY_BYTES)
    value = _utf8(body.value, "value", MAX_VALUE_BYTES)
    headers = [
        (h.key, _utf8(h.value, f"header {h.key!r}", MAX_HEADER_VALUE_BYTES)) for h in body.headers
    ]
    backend = request.app[BACKEND]
    partition = body.partition
    if partition is None:
        partition = await backend.partition_for(name, key)
    elif partition not in image_of(request).topic(name).partitions:
        fail(404, "UNKNOWN_TOPIC_OR_PARTITION", f"topic {name!r} has no partition {partition}")
    offset = await backend.produce_record(TopicPartition(name, partition), key, value, headers)
    return ok({"topic": name, "partition": partition, "offset": offset}, status=201)
