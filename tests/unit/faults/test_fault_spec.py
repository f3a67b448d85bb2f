"""FaultSpec: every field checked, one-line errors, JSON both ways."""

from __future__ import annotations

from typing import Any

import pytest

from broker.faults import FaultKind, FaultSpec, FaultSpecError, When
from broker.faults.spec import MAX_DELAY_MS, api_key_of, error_code_of
from protocol.errors import ErrorCode

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize(
    ("given", "key"),
    [("Produce", 0), ("produce", 0), ("FETCH", 1), (3, 3), ("3", 3), (" Heartbeat ", 12)],
)
def test_api_names_and_numbers(given: str | int, key: int) -> None:
    assert api_key_of(given) == key


@pytest.mark.parametrize("given", ["Produc", 9999, -5, "", True])
def test_unknown_apis_are_refused(given: Any) -> None:
    with pytest.raises(FaultSpecError):
        api_key_of(given)


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("NOT_LEADER_OR_FOLLOWER", ErrorCode.NOT_LEADER_OR_FOLLOWER),
        ("not_leader_or_follower", ErrorCode.NOT_LEADER_OR_FOLLOWER),
        (7, ErrorCode.REQUEST_TIMED_OUT),
        ("7", ErrorCode.REQUEST_TIMED_OUT),
        (ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.NOT_ENOUGH_REPLICAS),
    ],
)
def test_error_codes_by_name_or_number(given: str | int | ErrorCode, code: ErrorCode) -> None:
    assert error_code_of(given) is code


@pytest.mark.parametrize("given", ["NONE", 0, "NO_SUCH", 31999, None])
def test_bad_error_codes_are_refused(given: Any) -> None:
    with pytest.raises(FaultSpecError):
        error_code_of(given)


#: (kind, fields, the words the one-line error must contain).
INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("explode", {}, "unknown fault kind"),
    ("error", {"api": "Produce"}, "needs an error code"),
    ("delay", {"api": "Fetch"}, "delay_ms > 0"),
    ("delay", {"delay_ms": MAX_DELAY_MS + 1}, "delay_ms must be in"),
    ("drop", {"error": "REQUEST_TIMED_OUT"}, "takes no error code"),
    ("error", {"error": 7, "mid_response": True}, "mid_response applies"),
    ("error", {"error": 7, "partition": 0}, "partition needs its topic"),
    ("error", {"error": 7, "when": "during"}, "'before' or 'after'"),
    ("error", {"error": 7, "count": 0}, "count must be in"),
    ("error", {"error": 7, "skip": -1}, "skip must be in"),
    ("refuse", {}, "needs duration_ms"),
    ("refuse", {"duration_ms": 10, "api": "Produce"}, "takes no api"),
    ("pause", {"topic": "t"}, "needs a topic and a partition"),
    ("rebalance", {}, "needs a group_id"),
    ("rebalance", {"group_id": "g", "topic": "t"}, "takes no topic"),
    ("move-leader", {"topic": "t", "partition": 0, "group_id": "g"}, "takes no group_id"),
    ("bump-epoch", {"topic": "t", "partition": 0, "to_broker": 2}, "to_broker applies"),
    ("error", {"error": 7, "topic": "x" * 300}, "longer than"),
    ("error", {"error": 7, "count": 1.5}, "whole number"),
]


@pytest.mark.parametrize(("kind", "fields", "words"), INVALID)
def test_invalid_specs_say_why_in_one_line(kind: str, fields: dict[str, Any], words: str) -> None:
    with pytest.raises(FaultSpecError) as caught:
        FaultSpec.create(kind, **fields)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message


def test_a_spec_describes_itself_in_one_line() -> None:
    spec = FaultSpec.create(
        "error",
        api="Produce",
        error="NOT_LEADER_OR_FOLLOWER",
        when="after",
        topic="orders",
        partition=2,
        count=3,
        skip=1,
    )
    assert spec.describe() == (
        "error NOT_LEADER_OR_FOLLOWER after Produce topic=orders-2 after 1 requests x3"
    )
    assert spec.when is When.AFTER
    assert spec.is_request_fault


def test_non_request_faults_have_no_count() -> None:
    assert FaultSpec.create("refuse", duration_ms=500).count is None
    assert FaultSpec.create("pause", topic="t", partition=0).count is None
    assert FaultSpec.create("rebalance", group_id="g").kind is FaultKind.REBALANCE


@pytest.mark.parametrize(
    "spec",
    [
        FaultSpec.create("error", api="Fetch", error=6, client_id="app", duration_ms=5000),
        FaultSpec.create("delay", api="Produce", delay_ms=250, count=None, duration_ms=100),
        FaultSpec.create("drop", api="OffsetCommit", mid_response=True, skip=2),
        FaultSpec.create("expire", group_id="g", member_id="m-1"),
        FaultSpec.create("move-leader", topic="t", partition=1, to_broker=3),
    ],
    ids=lambda s: s.kind.value,
)
def test_json_round_trip(spec: FaultSpec) -> None:
    assert FaultSpec.from_json(spec.to_json()) == spec


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ([], "a JSON object"),
        ({"api": "Produce"}, "needs a kind"),
        ({"kind": "error", "error": 7, "colour": "red"}, "unknown fault field(s): colour"),
        ({"kind": "delay", "delay_ms": "100"}, "whole number"),
        ({"kind": "drop", "mid_response": "yes"}, "true or false"),
    ],
)
def test_bad_json_is_refused(body: object, words: str) -> None:
    with pytest.raises(FaultSpecError, match=words.replace("(", r"\(").replace(")", r"\)")):
        FaultSpec.from_json(body)
