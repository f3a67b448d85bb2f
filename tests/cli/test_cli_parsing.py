"""The pure parts of the CLI: ``-o`` grammar, ``-f`` formats, error lines, client options."""

from __future__ import annotations

from datetime import UTC, datetime

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from client import ConsumerRecord
from client.cli._context import CONNECT_TIMEOUT_MS, CliContext
from client.cli._errors import describe_error
from client.cli._output import human_bytes
from client.cli.consume import StartOffset, compile_format, parse_offset, record_json, render
from client.errors import error_from_code
from protocol.errors import ErrorCode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("start", StartOffset("start")),
        ("beginning", StartOffset("start")),
        ("oldest", StartOffset("start")),
        ("END", StartOffset("end")),
        ("newest", StartOffset("end")),
        ("+5", StartOffset("after_start", 5)),
        ("-3", StartOffset("before_end", 3)),
        ("42", StartOffset("offset", 42)),
        ("@1700000000000", StartOffset("timestamp", 1_700_000_000_000)),
        ("@2023-11-14T22:13:20Z", StartOffset("timestamp", 1_700_000_000_000)),
        ("@2023-11-14T22:13:20+00:00", StartOffset("timestamp", 1_700_000_000_000)),
    ],
)
def test_offset_grammar(text: str, expected: StartOffset) -> None:
    assert parse_offset(text) == expected


def test_an_iso_time_without_zone_is_local_time() -> None:
    local = datetime(2024, 5, 1, 12, 0, 0).astimezone()
    assert parse_offset("@2024-05-01T12:00:00").value == int(local.timestamp() * 1000)


@pytest.mark.parametrize("text", ["", "stored", "+", "-x", "1.5", "@yesterday", "@", "s@5"])
def test_bad_offsets_are_usage_errors(text: str) -> None:
    with pytest.raises(click.BadParameter):
        parse_offset(text)


@pytest.mark.parametrize(
    ("spec", "start", "end", "at_time", "expected"),
    [
        (StartOffset("start"), 10, 20, None, 10),
        (StartOffset("end"), 10, 20, None, 20),
        (StartOffset("after_start", 3), 10, 20, None, 13),
        (StartOffset("after_start", 30), 10, 20, None, 20),
        (StartOffset("before_end", 3), 10, 20, None, 17),
        (StartOffset("before_end", 30), 10, 20, None, 10),
        (StartOffset("offset", 15), 10, 20, None, 15),
        (StartOffset("offset", 5), 10, 20, None, 10),
        (StartOffset("offset", 25), 10, 20, None, 20),
        (StartOffset("timestamp", 99), 10, 20, 12, 12),
        (StartOffset("timestamp", 99), 10, 20, None, 20),
    ],
)
def test_resolve(
    spec: StartOffset, start: int, end: int, at_time: int | None, expected: int
) -> None:
    assert spec.resolve(start, end, at_time) == expected


@given(
    kind=st.sampled_from(["start", "end", "offset", "after_start", "before_end"]),
    value=st.integers(0, 10**12),
    start=st.integers(0, 10**12),
    length=st.integers(0, 10**6),
)
def test_resolve_stays_in_the_log(kind: str, value: int, start: int, length: int) -> None:
    spec = StartOffset(kind, value)  # type: ignore[arg-type]
    assert start <= spec.resolve(start, start + length) <= start + length


def _record(**changes: object) -> ConsumerRecord:
    fields: dict[str, object] = {
        "topic": "events",
        "partition": 2,
        "offset": 41,
        "timestamp": 1_700_000_000_123,
        "timestamp_type": 0,
        "key": b"user-1",
        "value": b"hello",
        "headers": [("src", b"cli"), ("n", None)],
    }
    fields.update(changes)
    return ConsumerRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("%v\\n", b"hello\n"),
        ("%t/%p@%o %k=%v\\t%T\\n", b"events/2@41 user-1=hello\t1700000000123\n"),
        ("%h", b"src=cli,n="),
        ("100%% %v", b"100% hello"),
        ("\\\\%v", b"\\hello"),
        ("no fields", b"no fields"),
    ],
)
def test_print_format(fmt: str, expected: bytes) -> None:
    assert render(compile_format(fmt), _record()) == expected


def test_null_keys_and_values_print_as_nothing() -> None:
    assert render(compile_format("[%k][%v]"), _record(key=None, value=None)) == b"[][]"


@pytest.mark.parametrize("fmt", ["%x", "%", "%v%"])
def test_unknown_format_fields_are_usage_errors(fmt: str) -> None:
    with pytest.raises(click.BadParameter):
        compile_format(fmt)


def test_json_lines_keep_text_and_encode_other_bytes() -> None:
    line = record_json(_record(key=None, value=b"\xff\x00"))
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    import json

    doc = json.loads(line)
    assert doc == {
        "topic": "events",
        "partition": 2,
        "offset": 41,
        "timestamp": 1_700_000_000_123,
        "key": None,
        "value": {"base64": "/wA="},
        "headers": [{"key": "src", "value": "cli"}, {"key": "n", "value": None}],
    }


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            "topic 'x'",
            "topic 'x': this broker does not host the topic-partition. "
            "(UNKNOWN_TOPIC_OR_PARTITION)",
        ),
        (
            ErrorCode.INVALID_CONFIG,
            "topic 'x': retention.ms must be a number",
            "topic 'x': retention.ms must be a number (INVALID_CONFIG)",
        ),
        (ErrorCode.NON_EMPTY_GROUP, None, "The group still has members. (NON_EMPTY_GROUP)"),
    ],
)
def test_error_lines(code: ErrorCode, message: str | None, expected: str) -> None:
    assert describe_error(error_from_code(code, message)) == expected


def test_client_options_from_x_override_the_commands_own() -> None:
    cli = CliContext("h:1", "text", {"linger.ms": "50", "group.id": "ignored-by-producers"})
    options = cli.options_for("producer", linger_ms=5, acks="1")
    assert options == {
        "client_id": "samsa-cli",
        "socket_connection_setup_timeout_ms": CONNECT_TIMEOUT_MS,
        "linger.ms": "50",
        "acks": "1",
        "bootstrap_servers": "h:1",
    }
    assert cli.options_for("consumer")["group.id"] == "ignored-by-producers"


def test_an_option_no_client_knows_is_a_usage_error() -> None:
    cli = CliContext("h:1", "text", {"linger": "5"})
    with pytest.raises(click.BadParameter, match=r"did you mean 'linger\.ms'"):
        cli.options_for("admin")


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (5 * 1024**3, "5.0 GiB")],
)
def test_human_bytes(size: int, text: str) -> None:
    assert human_bytes(size) == text


def test_timestamps_are_utc_millis() -> None:
    moment = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert parse_offset(f"@{moment.isoformat()}").value == 1_700_000_000_000


def test_start_up_imports_neither_the_client_nor_the_broker() -> None:
    """``samsa --help`` and usage errors answer without importing the heavy parts."""
    import subprocess
    import sys

    # The admin nouns live in ``client.cli``, so the ``client`` package itself is loaded (its
    # names are lazy); no module of the client library beyond the CLI may be.
    code = (
        "import sys, broker.cli; "
        "client = [m for m in sys.modules if m.startswith('client') "
        "and m != 'client' and not m.startswith('client.cli')]; "
        "print(','.join([m for m in ('asyncio', 'pydantic', 'rich', 'broker.app', "
        "'protocol') if m in sys.modules] + (['client'] if client else [])))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""
