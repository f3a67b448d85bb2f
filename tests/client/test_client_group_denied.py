"""A consumer whose group the ACLs deny learns it at once, not after its assignment wait."""

from __future__ import annotations

import time

import pytest
from support.security import port_of

from broker import Broker
from client import Admin, Consumer
from client.admin import AclBinding, AclOperation, AclPermissionType, ResourceType
from protocol.errors import GroupAuthorizationFailedError

pytestmark = pytest.mark.timeout(60)

#: Far below the wait it must not sit out: a refusal is one round trip.
REFUSAL_S = 10.0


async def test_wait_for_assignment_raises_the_group_refusal_at_once() -> None:
    async with Broker.embedded(
        listeners="PLAINTEXT://127.0.0.1:0",
        **{
            "authorizer.class.name": "samsa",
            "allow.everyone.if.no.acl.found": "true",
        },
    ) as broker:
        bootstrap = f"127.0.0.1:{port_of(broker, 'PLAINTEXT')}"
        deny = AclBinding(
            resource_type=ResourceType.GROUP,
            resource_name="denied",
            principal="User:ANONYMOUS",
            operation=AclOperation.READ,
            permission=AclPermissionType.DENY,
        )
        async with Admin(bootstrap_servers=bootstrap) as admin:
            await admin.create_acls([deny])
        async with Consumer("orders", bootstrap_servers=bootstrap, group_id="denied") as consumer:
            started = time.monotonic()
            with pytest.raises(GroupAuthorizationFailedError):
                await consumer.wait_for_assignment(60_000)
            assert time.monotonic() - started < REFUSAL_S
