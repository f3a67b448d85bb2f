"""Rebalances and session expiries on request (fault injection), for classic groups.

``ForcedChanges`` does to a group what the protocol would: a forced rebalance is the one a
joining member starts (PreparingRebalance; the members learn it from Heartbeat's
REBALANCE_IN_PROGRESS and rejoin), an expiry is a session timeout (the member is removed and
the group rebalances without it). Refusals are ``ValueError`` with one line, raised before the
core changes anything.
"""

from __future__ import annotations

from broker.group.context import API_HEARTBEAT, CoreContext
from broker.group.outcome import Outcome
from broker.group.rebalance import Rebalancer
from broker.group.state import DEAD, PREPARING, GroupMetadata
from protocol.errors import ErrorCode


class ForcedChanges:
    """Forced rebalances and member expiries of classic groups."""

    def __init__(self, ctx: CoreContext, rebalancer: Rebalancer) -> None:
        self._ctx = ctx
        self._rebalancer = rebalancer

    def _group(self, group_id: str) -> GroupMetadata:
        error = self._ctx.status_error(group_id, API_HEARTBEAT)
        if error is ErrorCode.NOT_COORDINATOR:
            raise ValueError(f"this broker is not the coordinator of group {group_id}")
        if error is not None:
            raise ValueError(f"group {group_id} cannot be changed now: {error.name}")
        group = self._ctx.groups.get(group_id)
        if group is None or group.is_(DEAD):
            raise ValueError(f"group {group_id} is unknown")
        if not group.members:
            raise ValueError(f"group {group_id} has no members")
        return group

    def force_rebalance(self, group_id: str, now_ms: int) -> Outcome[str]:
        group = self._group(group_id)
        return self._ctx.run(now_ms, lambda: self._force_rebalance(group))

    def _force_rebalance(self, group: GroupMetadata) -> str:
        count = len(group.members)
        if group.is_(PREPARING):
            return f"rebalance of group {group.group_id} already in progress: {_members(count)}"
        self._rebalancer.prepare_rebalance(group)
        return f"rebalance of group {group.group_id} started: {_members(count)} must rejoin"

    def expire_members(self, group_id: str, member_id: str | None, now_ms: int) -> Outcome[str]:
        group = self._group(group_id)
        if member_id is not None and member_id not in group.members:
            raise ValueError(f"group {group_id} has no member {member_id}")
        return self._ctx.run(now_ms, lambda: self._expire(group, member_id))

    def _expire(self, group: GroupMetadata, member_id: str | None) -> str:
        chosen = list(group.members) if member_id is None else [member_id]
        for mid in chosen:
            member = group.members.get(mid)
            if member is not None:  # an earlier removal may have emptied the group
                self._rebalancer.remove_member_and_update_group(group, member)
        if member_id is not None:
            return f"expired member {member_id} of group {group.group_id}"
        return f"expired {_members(len(chosen))} of group {group.group_id}"


def _members(count: int) -> str:
    return f"{count} member" if count == 1 else f"{count} members"
