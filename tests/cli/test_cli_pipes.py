"""``samsa produce`` and ``samsa consume`` as subprocesses joined by real pipes, and the
consume options (where to start, partitions, counts, formats) in-process."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from cli.cli_support import (
    SUBPROCESS_TIMEOUT_S,
    Invoke,
    check_golden,
    pipeline,
    run_samsa,
    samsa_argv,
    samsa_env,
)

import client.cli.produce as produce_module
from broker.app import Broker
from client.cli._context import CONNECT_TIMEOUT_MS


def _json_records(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_round_trip_through_pipes(samsa: Invoke, broker: Broker) -> None:
    b = broker.bootstrap_servers
    samsa("topic", "create", "source", "-p", "3")
    samsa("topic", "create", "copy", "-p", "3")
    lines = [f"user-{i % 7}:event {i} ünïcode\ttab" for i in range(500)]
    data = "".join(f"{line}\n" for line in lines).encode()
    [(status, out, err)] = pipeline(("-b", b, "produce", "source", "-k", ":"), input=data)
    assert status == 0, err
    assert out.decode().startswith("Produced 500 records")
    results = pipeline(
        ("-b", b, "consume", "source", "-e", "-f", "%k:%v\\n"),
        ("-b", b, "produce", "copy", "-k", ":"),
    )
    assert [r[0] for r in results] == [0, 0], results
    assert results[1][1].decode().startswith("Produced 500 records")
    [(status, copied, err)] = pipeline(("-b", b, "--format", "json", "consume", "copy", "-e"))
    assert status == 0, err
    [(status, original, err)] = pipeline(("-b", b, "--format", "json", "consume", "source", "-e"))
    copy_records, source_records = _json_records(copied.decode()), _json_records(original.decode())
    assert sorted(f"{r['key']}:{r['value']}" for r in copy_records) == sorted(lines)

    def by_partition(records: list[dict[str, object]]) -> dict[object, list[object]]:
        out: dict[object, list[object]] = {}
        for r in records:
            out.setdefault(r["partition"], []).append((r["key"], r["value"]))
        return out

    # Same keys, same partitions, same order within each.
    assert by_partition(copy_records) == by_partition(source_records)


def test_produce_from_a_file(samsa: Invoke, broker: Broker, tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_bytes(b"".join(b"line %d\n" % i for i in range(3000)) + b"no newline at the end")
    result = run_samsa("-b", broker.bootstrap_servers, "produce", "bulk", "--file", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""  # no progress bar when stderr is not a terminal
    summary = result.stdout.decode()
    assert summary.startswith("Produced 3001 records (")
    check_golden("produce_summary.txt", summary)
    out = samsa("consume", "bulk", "-e", "-f", "%v\\n").stdout.splitlines()
    assert sorted(out) == sorted([f"line {i}" for i in range(3000)] + ["no newline at the end"])


def test_produce_progress_bar_on_a_terminal(
    samsa: Invoke, broker: Broker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lines.txt"
    path.write_bytes(b"".join(b"%d\n" % i for i in range(2000)))
    monkeypatch.setattr(produce_module, "progress_wanted", lambda: True)
    result = samsa("--format", "json", "produce", "bulk", "--file", str(path), "-p", "1")
    doc = json.loads(result.stdout)
    assert (
        doc["records"] == 2000
        and doc["failed"] == 0
        and doc["bytes"] == len(path.read_bytes()) - 2000
    )
    assert doc["partitions"] == {"1": {"records": 2000, "first_offset": 0, "last_offset": 1999}}


def test_headers_compression_and_acks(samsa: Invoke) -> None:
    samsa("topic", "create", "t", "-p", "1")
    samsa(
        "produce", "t", "-H", "source=cli", "-H", "v=2", "-z", "zstd", "--acks", "1",
        input="a\nb\n",
    )  # fmt: skip
    out = samsa("consume", "t", "-e", "-f", "%o %h %v\\n").stdout
    assert out == "0 source=cli,v=2 a\n1 source=cli,v=2 b\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("-o", "start"), list(range(10))),
        (("-o", "end"), []),
        (("-o", "+7"), [7, 8, 9]),
        (("-o", "-2"), [8, 9]),
        (("-o", "4"), list(range(4, 10))),
        (("-o", "400"), []),
        (("-o", "4", "-n", "3"), [4, 5, 6]),
        (("-n", "1"), [0]),
    ],
)
def test_where_consume_starts(samsa: Invoke, args: tuple[str, ...], expected: list[int]) -> None:
    samsa("topic", "create", "t", "-p", "2")
    samsa("produce", "t", "-p", "1", input="".join(f"{i}\n" for i in range(10)))
    samsa("produce", "t", "-p", "0", input="other\n")
    out = samsa("consume", "t", "-p", "1", "-e", *args, "-f", "%o\\n").stdout
    assert [int(x) for x in out.split()] == expected


def test_consume_from_a_time(samsa: Invoke, broker: Broker) -> None:
    import asyncio

    from client import Producer

    async def send() -> None:
        async with Producer(bootstrap_servers=broker.bootstrap_servers) as p:
            for i in range(5):
                await p.send("t", b"%d" % i, partition=0, timestamp_ms=1_000_000 + i * 1000)
            await p.flush()

    samsa("topic", "create", "t", "-p", "1")
    asyncio.run(send())
    out = samsa("consume", "t", "-e", "-o", "@1002000", "-f", "%v@%T\\n").stdout
    assert out.split() == ["2@1002000", "3@1003000", "4@1004000"]
    iso = samsa("consume", "t", "-e", "-o", "@1970-01-01T00:16:43Z", "-f", "%v\\n").stdout
    assert iso.split() == ["3", "4"]  # 00:16:43 is 1 003 000 ms
    assert samsa("consume", "t", "-e", "-o", "@99999999999999").stdout == ""


def test_consume_json_golden(samsa: Invoke, broker: Broker) -> None:
    import asyncio

    from client import Producer

    async def send() -> None:
        async with Producer(bootstrap_servers=broker.bootstrap_servers) as p:
            await p.send("t", b"hello", b"k1", [("h", b"v")], 0, 1_700_000_000_000)
            await p.send("t", b"\xff\xfe", None, None, 0, 1_700_000_000_001)
            await p.send("t", None, b"k3", None, 0, 1_700_000_000_002)
            await p.flush()

    samsa("topic", "create", "t", "-p", "1")
    asyncio.run(send())
    out = samsa("--format", "json", "consume", "t", "-e").stdout
    check_golden("consume_json.txt", out)


def test_consume_stops_on_sigint(samsa: Invoke, broker: Broker) -> None:
    samsa("topic", "create", "t", "-p", "1")
    samsa("produce", "t", input="first\n")
    proc = subprocess.Popen(
        samsa_argv("-b", broker.bootstrap_servers, "consume", "t"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=samsa_env(),
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"first\n"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(SUBPROCESS_TIMEOUT_S) == 0
        assert proc.stderr is not None and proc.stderr.read() == b""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_closed_pipe_ends_consume_quietly(samsa: Invoke, broker: Broker, tmp_path: Path) -> None:
    samsa("topic", "create", "t", "-p", "1")
    path = tmp_path / "big.txt"
    # More than a pipe holds, so that consume writes after the reader is gone.
    path.write_bytes(b"".join(b"%05d %s\n" % (i, b"x" * 200) for i in range(2000)))
    samsa("produce", "t", "--file", str(path))
    proc = subprocess.Popen(
        samsa_argv("-b", broker.bootstrap_servers, "consume", "t"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=samsa_env(),
    )
    try:
        assert proc.stdout is not None
        assert [proc.stdout.readline()[:5] for _ in range(3)] == [b"00000", b"00001", b"00002"]
        proc.stdout.close()  # as ``| head -n 3`` does
        assert proc.wait(SUBPROCESS_TIMEOUT_S) == 0
        assert proc.stderr is not None and b"Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_an_unreachable_broker_is_one_line_and_exit_1() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for args in (("topic", "list"), ("consume", "t", "-e"), ("produce", "t")):
        started = time.monotonic()
        result = run_samsa("-b", f"127.0.0.1:{port}", *args, input=b"x\n")
        elapsed = time.monotonic() - started
        assert result.returncode == 1, result.stderr
        [line] = result.stderr.decode().splitlines()
        assert line.startswith(f"samsa: error: cannot reach a broker at 127.0.0.1:{port}")
        assert elapsed < CONNECT_TIMEOUT_MS / 1000 + 10


def test_consume_errors(samsa: Invoke) -> None:
    samsa("topic", "create", "t", "-p", "2")
    cases = [
        (("consume", "nope", "-e"), 1, "topic 'nope' not found"),
        (("consume", "t", "-p", "5", "-e"), 1, "has partitions 0-1, not 5"),
        (("consume", "t", "-o", "yesterday"), 2, "'yesterday' is not start, end"),
        (("consume", "t", "-g", "g", "-o", "+5"), 2, "with --group, -o is start or end"),
        (("consume", "t", "-g", "g", "-p", "0"), 2, "--partition cannot be used with --group"),
        (("consume", "t", "-f", "%q"), 2, "unknown field %q"),
        (("--format", "json", "consume", "t", "-f", "%v"), 2, "cannot be used together"),
        (("produce", "t", "-H", "novalue"), 2, "'novalue' is not KEY=VALUE"),
        (("produce", "t", "-z", "brotli"), 2, "'brotli' is not one of"),
        (("-X", "linger.ms=soon", "produce", "t"), 2, "linger.ms"),
    ]
    for args, status, text in cases:
        result = samsa(*args, expect=status, input="")
        [line] = result.stderr.splitlines()
        assert line.startswith("samsa: error: ") and text in line, (args, line)


def test_produce_to_a_topic_the_broker_will_not_create() -> None:
    from cli.cli_support import invoke_samsa

    settings: dict[str, Any] = {"auto.create.topics.enable": False}
    with Broker.embedded_in_thread(**settings) as b:
        samsa = invoke_samsa(b.bootstrap_servers)
        started = time.monotonic()
        result = samsa("produce", "nope", input="x\n", expect=1)
        assert time.monotonic() - started < 10  # not max.block.ms
        [line] = result.stderr.splitlines()
        assert line == (
            "samsa: error: topic 'nope' not found, and the broker does not create topics "
            "(auto.create.topics.enable=false): samsa topic create nope"
        )


def test_produce_creates_a_topic_when_the_broker_does(samsa: Invoke) -> None:
    assert samsa("produce", "fresh", input="x\n").stdout.startswith("Produced 1 record (")
    assert samsa("consume", "fresh", "-e").stdout == "x\n"
