"""Admin changes forwarded to the active controller: their requests and results as JSON.

A broker that is not the active controller sends CreateTopics, DeleteTopics, CreatePartitions
and config changes to it over the controller port (``quorum.py``), then waits until its own
image has applied the change, so that its next Metadata answer shows it. ``serve`` is the other
side: it runs the change on the active controller and encodes the results.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from broker.metadata.topic_configs import ResolvedConfig, resolve_topic_configs
from protocol.errors import ErrorCode

if TYPE_CHECKING:
    from broker.metadata.controller import (
        ConfigResourceChange,
        Controller,
        CreateTopicResult,
        NewTopic,
        OpResult,
        Router,
    )

__all__ = [
    "alter_configs",
    "create_partitions",
    "create_topics",
    "delete_topics",
    "serve",
]


def _op_results(answer: dict[str, Any]) -> list[OpResult]:
    from broker.metadata.controller import OpResult

    return [
        OpResult(str(r["name"]), ErrorCode(int(r["error"])), r.get("message"))
        for r in answer["results"]
    ]


def _encode_op_results(results: Sequence[OpResult]) -> list[dict[str, Any]]:
    return [{"name": r.name, "error": int(r.error), "message": r.message} for r in results]


async def create_topics(
    router: Router,
    topics: Sequence[NewTopic],
    validate_only: bool,
    defaults: Mapping[str, ResolvedConfig],
) -> list[CreateTopicResult]:
    """CreateTopics on the active controller."""
    from broker.metadata.controller import CreateTopicResult

    answer = await router.call(
        "create_topics",
        {
            "validate_only": validate_only,
            "topics": [
                {
                    "name": t.name,
                    "num_partitions": t.num_partitions,
                    "replication_factor": t.replication_factor,
                    "assignments": (
                        None
                        if t.assignments is None
                        else [[p, list(r)] for p, r in t.assignments.items()]
                    ),
                    "configs": dict(t.configs),
                }
                for t in topics
            ],
        },
    )
    await router.wait_for_offset(int(answer["offset"]))
    out = []
    asked = {t.name: t for t in topics}
    for r in answer["results"]:
        result = CreateTopicResult(
            str(r["name"]),
            ErrorCode(int(r["error"])),
            r.get("message"),
            uuid.UUID(r["topic_id"]) if r.get("topic_id") else None,
            int(r["num_partitions"]),
            int(r["replication_factor"]),
        )
        if result.error == ErrorCode.NONE and result.name in asked:
            overrides = {k: v for k, v in asked[result.name].configs.items() if v is not None}
            result.configs = resolve_topic_configs(defaults, overrides)
        out.append(result)
    return out


async def delete_topics(router: Router, names: Sequence[str]) -> list[OpResult]:
    """DeleteTopics on the active controller."""
    answer = await router.call("delete_topics", {"names": list(names)})
    await router.wait_for_offset(int(answer["offset"]))
    return _op_results(answer)


async def create_partitions(
    router: Router,
    requests: Sequence[tuple[str, int, Sequence[Sequence[int]] | None]],
    validate_only: bool,
) -> list[OpResult]:
    """CreatePartitions on the active controller."""
    answer = await router.call(
        "create_partitions",
        {
            "validate_only": validate_only,
            "requests": [
                [name, count, None if a is None else [list(r) for r in a]]
                for name, count, a in requests
            ],
        },
    )
    await router.wait_for_offset(int(answer["offset"]))
    return _op_results(answer)


async def alter_configs(
    router: Router, changes: Sequence[ConfigResourceChange], validate_only: bool
) -> list[OpResult]:
    """AlterConfigs / IncrementalAlterConfigs on the active controller."""
    answer = await router.call(
        "alter_configs",
        {
            "validate_only": validate_only,
            "changes": [
                [c.resource_type, c.resource_name, [list(op) for op in c.ops], c.replace]
                for c in changes
            ],
        },
    )
    await router.wait_for_offset(int(answer["offset"]))
    return _op_results(answer)


async def serve(controller: Controller, op: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """Run a forwarded admin change here (the active controller); None for another op."""
    from broker.metadata.controller import ConfigResourceChange, NewTopic

    if op == "create_topics":
        topics = [
            NewTopic(
                str(t["name"]),
                int(t["num_partitions"]),
                int(t["replication_factor"]),
                None
                if t["assignments"] is None
                else {int(p): [int(x) for x in r] for p, r in t["assignments"]},
                dict(t["configs"]),
            )
            for t in body["topics"]
        ]
        results = await controller.create_topics(topics, validate_only=bool(body["validate_only"]))
        encoded = []
        for r in results:
            encoded.append(
                {
                    "name": r.name,
                    "error": int(r.error),
                    "message": r.message,
                    "topic_id": None if r.topic_id is None else str(r.topic_id),
                    "num_partitions": r.num_partitions,
                    "replication_factor": r.replication_factor,
                }
            )
        return {"results": encoded, "offset": controller.image.offset}
    if op == "delete_topics":
        deleted = await controller.delete_topics([str(n) for n in body["names"]])
        return {"results": _encode_op_results(deleted), "offset": controller.image.offset}
    if op == "create_partitions":
        requests = [
            (str(name), int(count), None if a is None else [[int(x) for x in r] for r in a])
            for name, count, a in body["requests"]
        ]
        created = await controller.create_partitions(
            requests, validate_only=bool(body["validate_only"])
        )
        return {"results": _encode_op_results(created), "offset": controller.image.offset}
    if op == "alter_configs":
        changes = [
            ConfigResourceChange(
                int(rt), str(rn), [(str(n), int(o), v) for n, o, v in ops], bool(replace)
            )
            for rt, rn, ops, replace in body["changes"]
        ]
        altered = await controller.alter_configs(changes, validate_only=bool(body["validate_only"]))
        return {"results": _encode_op_results(altered), "offset": controller.image.offset}
    return None
