"""Kafka's ACL vocabulary: resource types, pattern types, operations and permissions.

The numbers are the wire values of CreateAcls, DescribeAcls and DeleteAcls (and of Kafka's
``AccessControlEntryRecord``); ``parse`` reads the names operators type (``Read``,
``cluster_action``, ``ClusterAction``, ``CLUSTER-ACTION`` all name the same operation).
"""

from __future__ import annotations

import enum
from typing import Final, TypeVar

__all__ = [
    "CLUSTER_NAME",
    "WILDCARD",
    "AclOperation",
    "AclPermissionType",
    "PatternType",
    "ResourceType",
    "ScramMechanism",
    "parse_enum",
]

#: A literal resource name (or principal, or host) that matches every name.
WILDCARD: Final = "*"
#: The one Cluster resource's name.
CLUSTER_NAME: Final = "kafka-cluster"


class ResourceType(enum.IntEnum):
    UNKNOWN = 0
    ANY = 1
    TOPIC = 2
    GROUP = 3
    CLUSTER = 4
    TRANSACTIONAL_ID = 5
    DELEGATION_TOKEN = 6
    USER = 7


class PatternType(enum.IntEnum):
    UNKNOWN = 0
    ANY = 1
    MATCH = 2
    LITERAL = 3
    PREFIXED = 4


class AclOperation(enum.IntEnum):
    UNKNOWN = 0
    ANY = 1
    ALL = 2
    READ = 3
    WRITE = 4
    CREATE = 5
    DELETE = 6
    ALTER = 7
    DESCRIBE = 8
    CLUSTER_ACTION = 9
    DESCRIBE_CONFIGS = 10
    ALTER_CONFIGS = 11
    IDEMPOTENT_WRITE = 12
    CREATE_TOKENS = 13
    DESCRIBE_TOKENS = 14


class AclPermissionType(enum.IntEnum):
    UNKNOWN = 0
    ANY = 1
    DENY = 2
    ALLOW = 3


class ScramMechanism(enum.IntEnum):
    """AlterUserScramCredentials' and DescribeUserScramCredentials' mechanism numbers."""

    UNKNOWN = 0
    SCRAM_SHA_256 = 1
    SCRAM_SHA_512 = 2

    @property
    def mechanism_name(self) -> str:
        """The SASL name: ``SCRAM-SHA-256``."""
        return self.name.replace("_", "-")

    @classmethod
    def from_name(cls, name: str) -> ScramMechanism:
        """``SCRAM-SHA-256`` (any case, ``-`` or ``_``) as its member; ValueError otherwise."""
        member = parse_enum(cls, name)
        if member is cls.UNKNOWN:
            raise ValueError(f"unknown SCRAM mechanism {name!r}")
        return member


_E = TypeVar("_E", bound=enum.IntEnum)


def parse_enum(kind: type[_E], text: str) -> _E:
    """The member of ``kind`` that ``text`` names, ignoring case, ``_``, ``-`` and spaces
    (``ClusterAction`` and ``cluster_action`` are both CLUSTER_ACTION); ValueError naming the
    choices otherwise."""
    wanted = "".join(ch for ch in text.lower() if ch.isalnum())
    for member in kind:
        if member.name.replace("_", "").lower() == wanted:
            return member
    choices = ", ".join(m.name.lower() for m in kind if m.name not in ("UNKNOWN", "ANY"))
    raise ValueError(f"{text!r} is not a {kind.__name__} (one of: {choices})")
