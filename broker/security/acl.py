"""ACL authorization (stand-in: the constructor only, for the broker's wiring)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["Authorizer"]


class Authorizer:  # stand-in
    def __init__(
        self,
        bindings: Iterable[Any],
        super_users: frozenset[str],
        allow_everyone_if_no_acl_found: bool,
    ) -> None:
        self.bindings = list(bindings)
        self.super_users = super_users
        self.allow_everyone_if_no_acl_found = allow_everyone_if_no_acl_found
