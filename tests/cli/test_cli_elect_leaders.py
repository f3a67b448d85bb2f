"""``samsa topic elect-leaders`` in-process against a single broker, whose partitions are led
by their only replica already: every election is not needed."""

from __future__ import annotations

import json
import socket

import pytest
from cli.cli_support import Invoke, invoke_samsa

pytestmark = pytest.mark.timeout(60)


def test_elections_that_are_not_needed_are_listed_and_succeed(samsa: Invoke) -> None:
    samsa("topic", "create", "orders", "-p", "2")
    out = samsa("topic", "elect-leaders", "--topic", "orders").stdout
    assert out.splitlines() == [
        "TOPIC\tPARTITION\tRESULT",
        "orders\t0\tnot needed",
        "orders\t1\tnot needed",
    ]
    out = samsa(
        "topic", "elect-leaders", "--type", "unclean", "--partition", "orders:1", "--format", "json"
    ).stdout
    assert json.loads(out) == [
        {"topic": "orders", "partition": 1, "result": "not needed", "message": None}
    ]
    assert samsa("topic", "elect-leaders", "--all").stdout == "No partition needed an election\n"
    assert json.loads(samsa("topic", "elect-leaders", "--all", "--format", "json").stdout) == []


def test_a_failed_election_is_listed_and_fails_the_command(samsa: Invoke) -> None:
    samsa("topic", "create", "orders", "-p", "2")
    result = samsa(
        "topic", "elect-leaders", "--partition", "orders:0", "--partition", "orders:7", expect=1
    )
    lines = result.stdout.splitlines()
    assert lines[:2] == ["TOPIC\tPARTITION\tRESULT", "orders\t0\tnot needed"]
    assert lines[2].startswith("orders\t7\tUNKNOWN_TOPIC_OR_PARTITION: ")
    assert result.stderr == (
        "samsa: error: the election failed for 1 of 2 partitions"
        " (first: orders-7: UNKNOWN_TOPIC_OR_PARTITION)\n"
    )
    result = samsa("topic", "elect-leaders", "--topic", "nope", expect=1)
    assert result.stderr == "samsa: error: topic 'nope' not found\n"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((), "give exactly one of --partition, --topic and --all"),
        (("--all", "--topic", "orders"), "give exactly one of --partition, --topic and --all"),
        (("--partition", "orders"), "'orders' is not TOPIC:PARTITION"),
        (("--partition", "orders:-1"), "'orders:-1' is not TOPIC:PARTITION"),
        (("--all", "--type", "random"), "'random' is not one of 'preferred', 'unclean'"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: tuple[str, ...], fragment: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{sock.getsockname()[1]}"
    # Nothing listens there: a usage error is found before any broker is asked.
    result = invoke_samsa(closed)("topic", "elect-leaders", *args, expect=2)
    [line] = result.stderr.splitlines()
    assert line.startswith("samsa: error: ") and fragment in line, line
