"""Forwarding: the controller of a broker in a cluster, sending changes to the active one.

``ForwardingController`` is the ``ControllerApi`` handlers get in a cluster (chosen once, when
the broker starts). Reads come from this broker's own image. Changes — CreateTopics,
DeleteTopics, CreatePartitions, configs, ACLs, SCRAM credentials, producer-id blocks,
AlterPartition, leadership moves and elections on request — go through the
``Router`` (``quorum.py``) to the active controller over the controller port, as JSON; the
broker then waits (bounded) until its own image applied the change, so that its next Metadata
answer shows it. While this broker itself is the active controller (the Raft leadership moves
at runtime), they run on the local ``Controller`` directly.

``serve`` is the other side: it runs a forwarded admin change on the active controller and
encodes the results.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from broker.metadata.controller import Controller
from broker.metadata.controller_api import (
    AlterPartitionResult,
    ConfigResourceChange,
    ControllerApi,
    CreateTopicResult,
    DeleteAclsResult,
    NewTopic,
    OpResult,
    PartitionsRequest,
    ScramUpsertion,
)
from broker.metadata.image import MetadataImage
from broker.metadata.placement import ElectionResult
from broker.metadata.records import base64_bytes, base64_text
from broker.metadata.topic_configs import ResolvedConfig, resolve_topic_configs
from broker.security.acl import AclBinding, AclFilter
from protocol.acl import AclOperation, AclPermissionType, PatternType, ResourceType
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

__all__ = [
    "ForwardingController",
    "Router",
    "alter_configs",
    "alter_scram_credentials",
    "create_acls",
    "create_partitions",
    "create_topics",
    "delete_acls",
    "delete_topics",
    "elect_leader",
    "elect_leaders",
    "serve",
]


class Router(Protocol):
    """Sends a change to the active controller (``quorum.py``): ``call(op, body)``."""

    async def call(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        """The active controller's answer to ``op``."""
        ...

    async def wait_for_offset(self, offset: int) -> None:
        """Wait (bounded) until this broker applied metadata up to ``offset``."""
        ...


class ForwardingController:
    """The ``ControllerApi`` of a broker in a cluster: changes go to the active controller."""

    def __init__(self, local: Controller, router: Router) -> None:
        self.local = local
        self.router = router
        self._publisher = local.publisher

    @property
    def node_id(self) -> int:
        """This broker's id."""
        return self.local.node_id

    @property
    def image(self) -> MetadataImage:
        """The newest metadata image this broker applied."""
        return self._publisher.image

    @property
    def controller_id(self) -> int:
        """The active controller's node id (-1 while there is none)."""
        return self.local.controller_id

    @property
    def is_active(self) -> bool:
        """Whether this broker is the active controller."""
        return self.local.is_active

    async def close(self) -> None:
        """Close the local controller (changes forwarded elsewhere are not affected)."""
        await self.local.close()

    def topic_defaults(self) -> dict[str, ResolvedConfig]:
        """The default of every topic config (static settings plus dynamic broker ones)."""
        return self._publisher.topic_defaults()

    def topic_configs(self, topic: str) -> dict[str, ResolvedConfig]:
        """Every topic config of ``topic``, resolved."""
        return self._publisher.topic_configs(topic)

    async def create_topics(
        self, topics: Sequence[NewTopic], *, validate_only: bool = False
    ) -> list[CreateTopicResult]:
        """CreateTopics on the active controller."""
        if self.local.is_active:
            return await self.local.create_topics(topics, validate_only=validate_only)
        return await create_topics(self.router, topics, validate_only, self.topic_defaults())

    async def delete_topics(self, names: Sequence[str]) -> list[OpResult]:
        """DeleteTopics on the active controller."""
        if self.local.is_active:
            return await self.local.delete_topics(names)
        return await delete_topics(self.router, names)

    async def create_partitions(
        self, requests: Sequence[PartitionsRequest], *, validate_only: bool = False
    ) -> list[OpResult]:
        """CreatePartitions on the active controller."""
        if self.local.is_active:
            return await self.local.create_partitions(requests, validate_only=validate_only)
        return await create_partitions(self.router, requests, validate_only)

    async def alter_configs(
        self, changes: Sequence[ConfigResourceChange], *, validate_only: bool = False
    ) -> list[OpResult]:
        """AlterConfigs / IncrementalAlterConfigs on the active controller."""
        if self.local.is_active:
            return await self.local.alter_configs(changes, validate_only=validate_only)
        return await alter_configs(self.router, changes, validate_only)

    async def create_acls(self, bindings: Sequence[AclBinding]) -> list[OpResult]:
        """CreateAcls on the active controller."""
        if self.local.is_active:
            return await self.local.create_acls(bindings)
        return await create_acls(self.router, bindings)

    async def delete_acls(self, filters: Sequence[AclFilter]) -> list[DeleteAclsResult]:
        """DeleteAcls on the active controller."""
        if self.local.is_active:
            return await self.local.delete_acls(filters)
        return await delete_acls(self.router, filters)

    async def alter_scram_credentials(
        self, deletions: Sequence[tuple[str, str]], upsertions: Sequence[ScramUpsertion]
    ) -> list[OpResult]:
        """AlterUserScramCredentials on the active controller."""
        if self.local.is_active:
            return await self.local.alter_scram_credentials(deletions, upsertions)
        return await alter_scram_credentials(self.router, deletions, upsertions)

    def try_allocate_producer_id(self) -> int | None:
        """A producer id from this broker's block, or None when a new block is needed."""
        return self.local.producer_ids.take()

    async def allocate_producer_id(self) -> int:
        """A producer id never handed out before, from a block the active controller
        committed for this broker (the block is the local controller's: one block whichever
        broker is active)."""
        if self.local.is_active:
            return await self.local.allocate_producer_id()
        block = self.local.producer_ids
        if block.used_up:
            answer = await self.router.call("producer_ids", {"broker_id": self.node_id})
            if block.used_up:
                block.assign(int(answer["start"]), int(answer["end"]))
        pid = block.take()
        assert pid is not None  # a block was just assigned
        return pid

    async def elect_leader(
        self, topic: str, partition: int, target: int | None, bump_only: bool
    ) -> OpResult:
        """A leadership move (or leader epoch bump) on the active controller."""
        if self.local.is_active:
            return await self.local.elect_leader(topic, partition, target, bump_only)
        return await elect_leader(self.router, topic, partition, target, bump_only)

    async def elect_leaders(
        self, election_type: int, partitions: Sequence[tuple[str, int]] | None
    ) -> list[ElectionResult]:
        """ElectLeaders on the active controller."""
        if self.local.is_active:
            return await self.local.elect_leaders(election_type, partitions)
        return await elect_leaders(self.router, election_type, partitions)

    async def alter_partition(
        self,
        tp: TopicPartition,
        leader_epoch: int,
        partition_epoch: int,
        new_isr: tuple[int, ...],
        *,
        leader: int | None = None,
    ) -> AlterPartitionResult:
        """A partition leader asks the active controller to change its ISR."""
        if self.local.is_active:
            return await self.local.alter_partition(
                tp, leader_epoch, partition_epoch, new_isr, leader=leader
            )
        answer = await self.router.call(
            "alter_partition",
            {
                "topic": tp.topic,
                "partition": tp.partition,
                "leader": self.node_id if leader is None else leader,
                "leader_epoch": leader_epoch,
                "partition_epoch": partition_epoch,
                "isr": list(new_isr),
            },
        )
        await self.router.wait_for_offset(int(answer.get("offset", -1)))
        return AlterPartitionResult(
            ErrorCode(int(answer["error"])),
            tuple(int(r) for r in answer.get("isr", ())),
            int(answer.get("leader_epoch", -1)),
            int(answer.get("partition_epoch", -1)),
        )


# -- the forwarded admin changes as JSON ---------------------------------------------------------


def _op_results(answer: dict[str, Any]) -> list[OpResult]:
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
    router: Router, requests: Sequence[PartitionsRequest], validate_only: bool
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


def _encode_binding(b: AclBinding) -> list[Any]:
    return [
        int(b.resource_type),
        b.resource_name,
        int(b.pattern_type),
        b.principal,
        b.host,
        int(b.operation),
        int(b.permission),
    ]


def _decode_binding(v: Sequence[Any]) -> AclBinding:
    rt, name, pt, principal, host, op, perm = v
    return AclBinding(
        ResourceType(int(rt)),
        str(name),
        PatternType(int(pt)),
        str(principal),
        str(host),
        AclOperation(int(op)),
        AclPermissionType(int(perm)),
    )


def _encode_filter(f: AclFilter) -> list[Any]:
    return [
        int(f.resource_type),
        f.resource_name,
        int(f.pattern_type),
        f.principal,
        f.host,
        int(f.operation),
        int(f.permission),
    ]


def _optional_str(v: Any) -> str | None:
    return None if v is None else str(v)


def _decode_filter(v: Sequence[Any]) -> AclFilter:
    rt, name, pt, principal, host, op, perm = v
    return AclFilter(
        ResourceType(int(rt)),
        _optional_str(name),
        PatternType(int(pt)),
        _optional_str(principal),
        _optional_str(host),
        AclOperation(int(op)),
        AclPermissionType(int(perm)),
    )


def _encode_delete_results(results: Sequence[DeleteAclsResult]) -> list[dict[str, Any]]:
    return [
        {
            "error": int(r.error),
            "message": r.message,
            "deleted": [_encode_binding(b) for b in r.deleted],
        }
        for r in results
    ]


def _decode_delete_results(results: Sequence[dict[str, Any]]) -> list[DeleteAclsResult]:
    return [
        DeleteAclsResult(
            ErrorCode(int(r["error"])),
            _optional_str(r.get("message")),
            tuple(_decode_binding(b) for b in r["deleted"]),
        )
        for r in results
    ]


async def create_acls(router: Router, bindings: Sequence[AclBinding]) -> list[OpResult]:
    """CreateAcls on the active controller."""
    answer = await router.call("create_acls", {"bindings": [_encode_binding(b) for b in bindings]})
    await router.wait_for_offset(int(answer["offset"]))
    return _op_results(answer)


async def delete_acls(router: Router, filters: Sequence[AclFilter]) -> list[DeleteAclsResult]:
    """DeleteAcls on the active controller."""
    answer = await router.call("delete_acls", {"filters": [_encode_filter(f) for f in filters]})
    await router.wait_for_offset(int(answer["offset"]))
    return _decode_delete_results(answer["results"])


async def alter_scram_credentials(
    router: Router, deletions: Sequence[tuple[str, str]], upsertions: Sequence[ScramUpsertion]
) -> list[OpResult]:
    """AlterUserScramCredentials on the active controller (the salted passwords travel as
    base64 over the controller port, as they came in the request)."""
    answer = await router.call(
        "alter_scram_credentials",
        {
            "deletions": [[user, mechanism] for user, mechanism in deletions],
            "upsertions": [
                [
                    u.user,
                    u.mechanism,
                    u.iterations,
                    base64_text(u.salt),
                    base64_text(u.salted_password),
                ]
                for u in upsertions
            ],
        },
    )
    await router.wait_for_offset(int(answer["offset"]))
    return _op_results(answer)


async def elect_leader(
    router: Router, topic: str, partition: int, target: int | None, bump_only: bool
) -> OpResult:
    """A leadership move (or leader epoch bump) on the active controller."""
    answer = await router.call(
        "elect_leader",
        {"topic": topic, "partition": partition, "target": target, "bump_only": bump_only},
    )
    await router.wait_for_offset(int(answer["offset"]))
    return _op_results(answer)[0]


async def elect_leaders(
    router: Router, election_type: int, partitions: Sequence[tuple[str, int]] | None
) -> list[ElectionResult]:
    """ElectLeaders on the active controller."""
    answer = await router.call(
        "elect_leaders",
        {
            "election_type": election_type,
            "partitions": None if partitions is None else [[t, p] for t, p in partitions],
        },
    )
    await router.wait_for_offset(int(answer["offset"]))
    return [
        ElectionResult(str(t), int(p), ErrorCode(int(e)), None if m is None else str(m))
        for t, p, e, m in answer["results"]
    ]


async def serve(controller: ControllerApi, op: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """Run a forwarded admin change here (the active controller); None for another op."""
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
        requests: list[PartitionsRequest] = [
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
    if op == "create_acls":
        bindings = [_decode_binding(b) for b in body["bindings"]]
        created_acls = await controller.create_acls(bindings)
        return {"results": _encode_op_results(created_acls), "offset": controller.image.offset}
    if op == "delete_acls":
        filters = [_decode_filter(f) for f in body["filters"]]
        deleted_acls = await controller.delete_acls(filters)
        return {
            "results": _encode_delete_results(deleted_acls),
            "offset": controller.image.offset,
        }
    if op == "alter_scram_credentials":
        deletions = [(str(user), str(mechanism)) for user, mechanism in body["deletions"]]
        upsertions = [
            ScramUpsertion(
                str(user), str(mechanism), int(iterations), base64_bytes(salt), base64_bytes(sp)
            )
            for user, mechanism, iterations, salt, sp in body["upsertions"]
        ]
        scram = await controller.alter_scram_credentials(deletions, upsertions)
        return {"results": _encode_op_results(scram), "offset": controller.image.offset}
    if op == "elect_leader":
        target = body["target"]
        moved = await controller.elect_leader(
            str(body["topic"]),
            int(body["partition"]),
            None if target is None else int(target),
            bool(body["bump_only"]),
        )
        return {"results": _encode_op_results([moved]), "offset": controller.image.offset}
    if op == "elect_leaders":
        asked = body["partitions"]
        elected = await controller.elect_leaders(
            int(body["election_type"]),
            None if asked is None else [(str(t), int(p)) for t, p in asked],
        )
        return {
            "results": [[r.topic, r.partition, int(r.error), r.message] for r in elected],
            "offset": controller.image.offset,
        }
    return None
