"""ACL bindings, filters and the authorizer (broker/security/acl.py): Kafka's rules, table by
table, and a property: the indexed, cached authorizer decides as a plain scan of every binding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broker.security import acl as acl_module
from broker.security.acl import (
    SUPPORTED_OPERATIONS,
    AclBinding,
    AclFilter,
    Authorizer,
    binding_error,
    filter_error,
)
from protocol.acl import AclOperation, AclPermissionType, PatternType, ResourceType

pytestmark = pytest.mark.timeout(60)

Op = AclOperation
Perm = AclPermissionType
Pat = PatternType
Res = ResourceType

ALICE = "User:alice"
BOB = "User:bob"
HOST = "10.0.0.1"


def b(
    name: str = "orders",
    op: AclOperation = Op.READ,
    perm: AclPermissionType = Perm.ALLOW,
    principal: str = ALICE,
    host: str = "*",
    pattern: PatternType = Pat.LITERAL,
    rtype: ResourceType = Res.TOPIC,
) -> AclBinding:
    return AclBinding(rtype, name, pattern, principal, host, op, perm)


def f(
    name: str | None = None,
    pattern: PatternType = Pat.ANY,
    rtype: ResourceType = Res.ANY,
    principal: str | None = None,
    host: str | None = None,
    op: AclOperation = Op.ANY,
    perm: AclPermissionType = Perm.ANY,
) -> AclFilter:
    return AclFilter(rtype, name, pattern, principal, host, op, perm)


# -- authorize --------------------------------------------------------------------------------

AUTHORIZE_CASES = [
    # (bindings, principal, host, operation, name, allowed)
    ([], ALICE, HOST, Op.READ, "orders", False),
    ([b()], ALICE, HOST, Op.READ, "orders", True),
    ([b()], BOB, HOST, Op.READ, "orders", False),
    ([b()], ALICE, HOST, Op.WRITE, "orders", False),
    ([b()], ALICE, HOST, Op.READ, "orders2", False),
    ([b(principal="User:*")], BOB, HOST, Op.READ, "orders", True),
    ([b(host=HOST)], ALICE, HOST, Op.READ, "orders", True),
    ([b(host=HOST)], ALICE, "10.0.0.2", Op.READ, "orders", False),
    ([b(name="*")], ALICE, HOST, Op.READ, "anything", True),
    ([b(name="ord", pattern=Pat.PREFIXED)], ALICE, HOST, Op.READ, "orders", True),
    ([b(name="ord", pattern=Pat.PREFIXED)], ALICE, HOST, Op.READ, "or", False),
    ([b(name="ord", pattern=Pat.PREFIXED)], ALICE, HOST, Op.READ, "ord", True),
    ([b(name="ord")], ALICE, HOST, Op.READ, "orders", False),  # LITERAL is not a prefix
    ([b(name="*", pattern=Pat.PREFIXED)], ALICE, HOST, Op.READ, "orders", False),
    ([b(op=Op.ALL)], ALICE, HOST, Op.ALTER_CONFIGS, "orders", True),
    # implied DESCRIBE and DESCRIBE_CONFIGS, on ALLOW only
    ([b(op=Op.WRITE)], ALICE, HOST, Op.DESCRIBE, "orders", True),
    ([b(op=Op.DELETE)], ALICE, HOST, Op.DESCRIBE, "orders", True),
    ([b(op=Op.ALTER)], ALICE, HOST, Op.DESCRIBE, "orders", True),
    ([b(op=Op.CREATE)], ALICE, HOST, Op.DESCRIBE, "orders", False),
    ([b(op=Op.ALTER_CONFIGS)], ALICE, HOST, Op.DESCRIBE_CONFIGS, "orders", True),
    ([b(op=Op.ALTER_CONFIGS)], ALICE, HOST, Op.DESCRIBE, "orders", False),
    ([b(op=Op.DESCRIBE)], ALICE, HOST, Op.READ, "orders", False),
    ([b(op=Op.READ), b(op=Op.READ, perm=Perm.DENY)], ALICE, HOST, Op.DESCRIBE, "orders", True),
    # DENY wins
    ([b(), b(perm=Perm.DENY)], ALICE, HOST, Op.READ, "orders", False),
    ([b(), b(perm=Perm.DENY, principal="User:*")], ALICE, HOST, Op.READ, "orders", False),
    ([b(), b(perm=Perm.DENY, host=HOST)], ALICE, HOST, Op.READ, "orders", False),
    ([b(), b(perm=Perm.DENY, host="10.9.9.9")], ALICE, HOST, Op.READ, "orders", True),
    ([b(), b(perm=Perm.DENY, op=Op.ALL)], ALICE, HOST, Op.READ, "orders", False),
    ([b(op=Op.ALL), b(perm=Perm.DENY, op=Op.WRITE)], ALICE, HOST, Op.READ, "orders", True),
    (
        [b(name="*"), b(perm=Perm.DENY, name="or", pattern=Pat.PREFIXED)],
        ALICE,
        HOST,
        Op.READ,
        "orders",
        False,
    ),
    (
        [b(name="ord", pattern=Pat.PREFIXED), b(perm=Perm.DENY, name="*")],
        ALICE,
        HOST,
        Op.READ,
        "orders",
        False,
    ),
    ([b(), b(perm=Perm.DENY, principal=BOB)], ALICE, HOST, Op.READ, "orders", True),
    # another resource type does not count
    ([b(rtype=Res.GROUP)], ALICE, HOST, Op.READ, "orders", False),
]


@pytest.mark.parametrize(
    ("bindings", "principal", "host", "op", "name", "allowed"), AUTHORIZE_CASES
)
def test_authorize(
    bindings: list[AclBinding],
    principal: str,
    host: str,
    op: AclOperation,
    name: str,
    allowed: bool,
) -> None:
    authorizer = Authorizer(bindings, frozenset(), allow_everyone_if_no_acl_found=False)
    assert authorizer.authorize(principal, host, op, Res.TOPIC, name) is allowed
    # asked again: the cached answer is the same
    assert authorizer.authorize(principal, host, op, Res.TOPIC, name) is allowed


def test_super_users_bypass_every_deny() -> None:
    authorizer = Authorizer(
        [b(perm=Perm.DENY, op=Op.ALL, principal="User:*")], frozenset({"User:root"}), False
    )
    assert authorizer.authorize("User:root", HOST, Op.READ, Res.TOPIC, "orders")
    assert authorizer.authorize("User:root", HOST, Op.ALTER, Res.CLUSTER, "kafka-cluster")
    assert not authorizer.authorize(ALICE, HOST, Op.READ, Res.TOPIC, "orders")


ALLOW_EVERYONE_CASES = [
    # (bindings, operation, name, allowed) with allow.everyone.if.no.acl.found=true, as Bob
    ([], Op.READ, "orders", True),
    ([b(rtype=Res.GROUP)], Op.READ, "orders", True),
    ([b(name="other")], Op.READ, "orders", True),
    # a binding on the resource for someone else: Bob has no ALLOW, so no
    ([b()], Op.READ, "orders", False),
    # a binding for another operation counts too
    ([b(principal=BOB, op=Op.WRITE)], Op.READ, "orders", False),
    ([b(name="ord", pattern=Pat.PREFIXED)], Op.READ, "orders", False),
    ([b(name="*")], Op.READ, "orders", False),
    ([b(name="*", principal=BOB)], Op.READ, "orders", True),
]


@pytest.mark.parametrize(("bindings", "op", "name", "allowed"), ALLOW_EVERYONE_CASES)
def test_allow_everyone_if_no_acl_found_only_without_any_binding_on_the_resource(
    bindings: list[AclBinding], op: AclOperation, name: str, allowed: bool
) -> None:
    authorizer = Authorizer(bindings, frozenset(), allow_everyone_if_no_acl_found=True)
    assert authorizer.authorize(BOB, HOST, op, Res.TOPIC, name) is allowed


def test_cluster_and_other_types() -> None:
    bindings = [
        b("kafka-cluster", Op.IDEMPOTENT_WRITE, rtype=Res.CLUSTER),
        b("tx-", Op.WRITE, pattern=Pat.PREFIXED, rtype=Res.TRANSACTIONAL_ID),
        b("g1", Op.READ, rtype=Res.GROUP),
    ]
    authorizer = Authorizer(bindings, frozenset(), False)
    assert authorizer.authorize(ALICE, HOST, Op.IDEMPOTENT_WRITE, Res.CLUSTER, "kafka-cluster")
    assert not authorizer.authorize(ALICE, HOST, Op.ALTER, Res.CLUSTER, "kafka-cluster")
    assert authorizer.authorize(ALICE, HOST, Op.WRITE, Res.TRANSACTIONAL_ID, "tx-1")
    assert authorizer.authorize(ALICE, HOST, Op.DESCRIBE, Res.TRANSACTIONAL_ID, "tx-1")
    assert authorizer.authorize(ALICE, HOST, Op.DESCRIBE, Res.GROUP, "g1")
    assert not authorizer.authorize(ALICE, HOST, Op.READ, Res.TOPIC, "g1")


@pytest.mark.parametrize(
    ("op", "rtype"),
    [(Op.ANY, Res.TOPIC), (Op.UNKNOWN, Res.TOPIC), (Op.READ, Res.ANY), (Op.READ, Res.UNKNOWN)],
)
def test_questions_must_be_concrete(op: AclOperation, rtype: ResourceType) -> None:
    authorizer = Authorizer([b()], frozenset(), False)
    with pytest.raises(ValueError, match="cannot authorize"):
        authorizer.authorize(ALICE, HOST, op, rtype, "orders")
    with pytest.raises(ValueError, match="cannot authorize"):
        authorizer.any_allowed(ALICE, HOST, op, rtype)


def test_the_decision_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acl_module, "DECISION_CACHE_ENTRIES", 8)
    authorizer = Authorizer([b(name="t", pattern=Pat.PREFIXED)], frozenset(), False)
    for i in range(100):
        assert authorizer.authorize(ALICE, HOST, Op.READ, Res.TOPIC, f"t{i}")
        assert len(authorizer._decisions) <= 8
    assert not authorizer.authorize(ALICE, HOST, Op.READ, Res.TOPIC, "x")


# -- any_allowed (KIP-679) --------------------------------------------------------------------

ANY_ALLOWED_CASES = [
    # (bindings, allow_everyone, allowed): may Alice WRITE some topic?
    ([], False, False),
    ([], True, True),
    ([b(op=Op.WRITE)], False, True),
    ([b(op=Op.ALL)], False, True),
    ([b(op=Op.READ)], False, False),  # no implied operations here
    ([b(op=Op.WRITE, principal=BOB)], False, False),
    ([b(op=Op.WRITE, principal="User:*")], False, True),
    ([b(op=Op.WRITE, host="10.9.9.9")], False, False),
    ([b(op=Op.WRITE), b(op=Op.WRITE, perm=Perm.DENY)], False, False),
    ([b(op=Op.WRITE), b("o", Op.WRITE, Perm.DENY, pattern=Pat.PREFIXED)], False, False),
    ([b(op=Op.WRITE), b("orders", Op.WRITE, Perm.DENY, pattern=Pat.PREFIXED)], False, False),
    ([b(op=Op.WRITE), b("x", Op.WRITE, Perm.DENY, pattern=Pat.PREFIXED)], False, True),
    ([b(op=Op.WRITE), b("*", Op.WRITE, Perm.DENY)], False, False),
    ([b("*", Op.WRITE)], False, True),
    ([b("*", Op.WRITE), b("orders", Op.WRITE, Perm.DENY)], False, True),
    ([b("or", Op.WRITE, pattern=Pat.PREFIXED)], False, True),
    (
        [
            b("or", Op.WRITE, pattern=Pat.PREFIXED),
            b("o", Op.WRITE, Perm.DENY, pattern=Pat.PREFIXED),
        ],
        False,
        False,
    ),
    ([b("or", Op.WRITE, pattern=Pat.PREFIXED), b("or", Op.WRITE, Perm.DENY)], False, True),
    ([b("orders", Op.WRITE, Perm.DENY)], True, True),
    ([b("*", Op.READ, principal=BOB)], True, False),
    ([b(op=Op.WRITE, rtype=Res.GROUP)], False, False),
    # Only alice's and User:*'s DENYs count.
    ([b(op=Op.WRITE), b("o", Op.WRITE, Perm.DENY, BOB, pattern=Pat.PREFIXED)], False, True),
    ([b(op=Op.WRITE), b("o", Op.ALL, Perm.DENY, "User:*", pattern=Pat.PREFIXED)], False, False),
    ([b(op=Op.WRITE), b("orders", Op.WRITE, Perm.DENY, "User:*")], False, False),
]


@pytest.mark.parametrize(("bindings", "allow_everyone", "allowed"), ANY_ALLOWED_CASES)
def test_any_allowed(bindings: list[AclBinding], allow_everyone: bool, allowed: bool) -> None:
    authorizer = Authorizer(bindings, frozenset(), allow_everyone)
    assert authorizer.any_allowed(ALICE, HOST, Op.WRITE, Res.TOPIC) is allowed
    assert authorizer.any_allowed(ALICE, HOST, Op.WRITE, Res.TOPIC) is allowed


def test_any_allowed_for_super_users() -> None:
    authorizer = Authorizer([b("*", Op.ALL, Perm.DENY)], frozenset({ALICE}), False)
    assert authorizer.any_allowed(ALICE, HOST, Op.WRITE, Res.TOPIC)


# -- binding_error and filter_error -----------------------------------------------------------

BINDING_ERRORS = [
    (b(), None),
    (b(pattern=Pat.PREFIXED), None),
    (b(name="*"), None),
    (b(op=Op.ALL, rtype=Res.GROUP), None),
    (b("kafka-cluster", Op.CLUSTER_ACTION, rtype=Res.CLUSTER), None),
    (b("u", Op.CREATE_TOKENS, rtype=Res.USER), None),
    (b(principal="Group:ops"), None),
    (b(rtype=Res.ANY), "invalid resource type ANY"),
    (b(rtype=Res.UNKNOWN), "invalid resource type UNKNOWN"),
    (b(pattern=Pat.MATCH), "invalid pattern type MATCH"),
    (b(pattern=Pat.ANY), "invalid pattern type ANY"),
    (b(pattern=Pat.UNKNOWN), "invalid pattern type UNKNOWN"),
    (b(op=Op.ANY), "invalid operation ANY"),
    (b(op=Op.UNKNOWN), "invalid operation UNKNOWN"),
    (b(perm=Perm.ANY), "invalid permission type ANY"),
    (b(perm=Perm.UNKNOWN), "invalid permission type UNKNOWN"),
    (b(name=""), "resource name must not be empty"),
    (b("cluster", Op.ALTER, rtype=Res.CLUSTER), "the only valid name for the CLUSTER resource"),
    (b(principal="alice"), "is not of the form Type:name"),
    (b(principal="User:"), "is not of the form Type:name"),
    (b(principal=":alice"), "is not of the form Type:name"),
    (b(host=""), "host must not be empty"),
    (b(op=Op.READ, rtype=Res.CLUSTER, name="kafka-cluster"), "READ does not apply to CLUSTER"),
    (b(op=Op.WRITE, rtype=Res.GROUP), "WRITE does not apply to GROUP"),
    (b(op=Op.IDEMPOTENT_WRITE), "IDEMPOTENT_WRITE does not apply to TOPIC"),
    (b(op=Op.READ, rtype=Res.TRANSACTIONAL_ID), "does not apply to TRANSACTIONAL_ID"),
    (b(op=Op.WRITE, rtype=Res.DELEGATION_TOKEN), "does not apply to DELEGATION_TOKEN"),
    (b(op=Op.READ, rtype=Res.USER), "does not apply to USER"),
]


@pytest.mark.parametrize(("binding", "error"), BINDING_ERRORS)
def test_binding_error(binding: AclBinding, error: str | None) -> None:
    found = binding_error(binding)
    if error is None:
        assert found is None
    else:
        assert found is not None
        assert error in found
        assert "\n" not in found


def test_every_concrete_type_has_its_operations() -> None:
    concrete = {t for t in Res if t not in (Res.ANY, Res.UNKNOWN)}
    assert set(SUPPORTED_OPERATIONS) == concrete


@pytest.mark.parametrize(
    ("flt", "error"),
    [
        (f(), None),
        (f("x", Pat.MATCH, Res.TOPIC, ALICE, HOST, Op.READ, Perm.DENY), None),
        (f(rtype=Res.UNKNOWN), "resource type is UNKNOWN"),
        (f(pattern=Pat.UNKNOWN), "pattern type is UNKNOWN"),
        (f(op=Op.UNKNOWN), "operation is UNKNOWN"),
        (f(perm=Perm.UNKNOWN), "permission type is UNKNOWN"),
    ],
)
def test_filter_error(flt: AclFilter, error: str | None) -> None:
    found = filter_error(flt)
    assert found == error if error is None else (found is not None and error in found)


# -- filters ----------------------------------------------------------------------------------

LIT = b("orders")
STAR = b("*")
PRE = b("ord", pattern=Pat.PREFIXED)
PRE_OTHER = b("x", pattern=Pat.PREFIXED)
GROUP = b("orders", rtype=Res.GROUP)
BOB_DENY = b("orders", Op.WRITE, Perm.DENY, principal=BOB, host=HOST)
ALL_BINDINGS = [LIT, STAR, PRE, PRE_OTHER, GROUP, BOB_DENY]

FILTER_CASES = [
    (f(), ALL_BINDINGS),
    (f(rtype=Res.GROUP), [GROUP]),
    (f("orders"), [LIT, GROUP, BOB_DENY]),  # pattern ANY: the name exactly, any pattern type
    (f("ord"), [PRE]),
    (f("orders", Pat.LITERAL), [LIT, GROUP, BOB_DENY]),
    (f("ord", Pat.LITERAL), []),
    (f("ord", Pat.PREFIXED), [PRE]),
    (f(None, Pat.PREFIXED), [PRE, PRE_OTHER]),
    (f(None, Pat.LITERAL, Res.TOPIC), [LIT, STAR, BOB_DENY]),
    (f("orders", Pat.MATCH, Res.TOPIC), [LIT, STAR, PRE, BOB_DENY]),
    (f("ordinal", Pat.MATCH, Res.TOPIC), [STAR, PRE]),
    (f("*", Pat.MATCH, Res.TOPIC), [STAR]),
    (f(None, Pat.MATCH), ALL_BINDINGS),
    (f(principal=BOB), [BOB_DENY]),
    (f(principal="User:*"), []),  # principals compare exactly
    (f(host=HOST), [BOB_DENY]),
    (f(host="*"), [LIT, STAR, PRE, PRE_OTHER, GROUP]),
    (f(op=Op.WRITE), [BOB_DENY]),
    (f(op=Op.DESCRIBE), []),  # no implied operations in filters
    (f(perm=Perm.DENY), [BOB_DENY]),
    (f(perm=Perm.ALLOW, rtype=Res.TOPIC, pattern=Pat.LITERAL), [LIT, STAR]),
]


@pytest.mark.parametrize(("flt", "expected"), FILTER_CASES)
def test_filter_matches(flt: AclFilter, expected: list[AclBinding]) -> None:
    assert [x for x in ALL_BINDINGS if flt.matches(x)] == expected


# -- the property: indexes and cache decide as a plain scan -----------------------------------

NAMES = ["a", "ab", "abc", "b", "ba", "*"]
PRINCIPALS = [ALICE, BOB, "User:*"]
HOSTS = ["h1", "h2", "*"]
TYPES = [Res.TOPIC, Res.GROUP]
OPS = [o for o in Op if o not in (Op.ANY, Op.UNKNOWN)]

bindings_strategy = st.builds(
    AclBinding,
    st.sampled_from(TYPES),
    st.sampled_from(NAMES),
    st.sampled_from([Pat.LITERAL, Pat.PREFIXED]),
    st.sampled_from(PRINCIPALS),
    st.sampled_from(HOSTS),
    st.sampled_from(OPS),
    st.sampled_from([Perm.ALLOW, Perm.DENY]),
)
questions_strategy = st.tuples(
    st.sampled_from([ALICE, BOB, "User:root"]),
    st.sampled_from(["h1", "h2"]),
    st.sampled_from([o for o in OPS if o is not Op.ALL]),
    st.sampled_from(TYPES),
    st.sampled_from(["a", "ab", "abc", "abd", "b", "c", "*"]),
)


def reference_authorize(
    bindings: list[AclBinding],
    super_users: frozenset[str],
    allow_everyone: bool,
    question: tuple[str, str, AclOperation, ResourceType, str],
) -> bool:
    """The rules read straight off Kafka's documentation, over every binding."""
    principal, host, op, rtype, name = question
    if principal in super_users:
        return True

    def covers(x: AclBinding) -> bool:
        if x.resource_type != rtype:
            return False
        if x.pattern_type == Pat.LITERAL:
            return x.resource_name in (name, "*")
        return name.startswith(x.resource_name)

    def concerns(x: AclBinding) -> bool:
        return x.principal in (principal, "User:*") and x.host in (host, "*")

    def grants(x: AclBinding) -> bool:
        if x.operation in (op, Op.ALL):
            return True
        if op == Op.DESCRIBE:
            return x.operation in (Op.READ, Op.WRITE, Op.DELETE, Op.ALTER)
        return op == Op.DESCRIBE_CONFIGS and x.operation == Op.ALTER_CONFIGS

    applying = [x for x in bindings if covers(x)]
    if not applying:
        return allow_everyone
    mine = [x for x in applying if concerns(x)]
    if any(x.permission == Perm.DENY and x.operation in (op, Op.ALL) for x in mine):
        return False
    return any(x.permission == Perm.ALLOW and grants(x) for x in mine)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(bindings_strategy, max_size=12),
    st.booleans(),
    st.lists(questions_strategy, min_size=1, max_size=20),
)
def test_authorize_equals_a_plain_scan(
    bindings: list[AclBinding],
    allow_everyone: bool,
    questions: list[tuple[str, str, AclOperation, ResourceType, str]],
) -> None:
    super_users = frozenset({"User:root"})
    authorizer = Authorizer(bindings, super_users, allow_everyone)
    for question in questions + questions:  # the second round comes from the cache
        expected = reference_authorize(bindings, super_users, allow_everyone, question)
        assert authorizer.authorize(*question) is expected, question


@settings(max_examples=300, deadline=None)
@given(
    st.lists(bindings_strategy, max_size=12),
    st.booleans(),
    st.sampled_from([ALICE, BOB]),
    st.sampled_from(["h1", "h2"]),
    st.sampled_from([o for o in OPS if o not in (Op.ALL, Op.DESCRIBE, Op.DESCRIBE_CONFIGS)]),
    st.sampled_from(TYPES),
)
def test_any_allowed_when_some_resource_is_allowed(
    bindings: list[AclBinding],
    allow_everyone: bool,
    principal: str,
    host: str,
    op: AclOperation,
    rtype: ResourceType,
) -> None:
    """If some resource may be acted on, any_allowed says so (the converse needs names the
    sample does not hold: an ALLOW on the prefix ``a`` with DENYs on a few names under it)."""
    authorizer = Authorizer(bindings, frozenset(), allow_everyone)
    names = ["a", "ab", "abc", "abd", "b", "ba", "c", "*"]
    if any(authorizer.authorize(principal, host, op, rtype, name) for name in names):
        assert authorizer.any_allowed(principal, host, op, rtype)
    only_literal = all(x.pattern_type == Pat.LITERAL for x in bindings)
    if only_literal and not allow_everyone and authorizer.any_allowed(principal, host, op, rtype):
        # with LITERAL bindings only, the allowed resource is one of the names bound
        assert any(
            authorizer.authorize(principal, host, op, rtype, x.resource_name) for x in bindings
        )


def test_wire_codes_become_members_and_unknown_codes_unknown() -> None:
    binding = AclBinding(2, "orders", 3, ALICE, "*", 3, 3)  # type: ignore[arg-type]
    assert binding == b() and binding.operation is Op.READ
    bad = AclBinding(99, "orders", 3, ALICE, "*", 3, 3)  # type: ignore[arg-type]
    assert bad.resource_type is Res.UNKNOWN
    assert binding_error(bad) == "invalid resource type UNKNOWN"
    flt = AclFilter(1, None, 1, None, None, 1, 77)  # type: ignore[arg-type]
    assert flt.permission is Perm.UNKNOWN
    assert filter_error(flt) == "the filter's permission type is UNKNOWN"
