"""Throughput and broker CPU per GB over PLAINTEXT, SSL and SASL_SSL with ACLs on, side by
side, with kcat (librdkafka, C) as the load.

    python bench/security_bench.py [--sizes 1024] [--seconds 5] [--runs 1] [--dir /tmp]
                                   [--no-pin] [--keep-messages]

One broker serves three listeners (``PLAINTEXT``, ``SSL`` with client certificates,
``SASL_SSL`` with SCRAM-SHA-512) with the authorizer on: the principals of every listener
(User:ANONYMOUS, the client certificate's User:client, the SCRAM user User:bench) are ordinary
users whose rights come from prefixed ACLs, so each request goes through the ACL checks. The
certificates come from ``samsa tls init``; the users and ACLs are made with ``samsa user`` and
``samsa acl`` as the super user User:admin (a client certificate on the SSL listener). A second
broker, PLAINTEXT with the authorizer off, is the baseline row.

For each listener and size: ``kcat -P -l FILE`` (``linger.ms=5``, ``batch.num.messages=10000``,
acks=all) into a new one-partition topic, then ``kcat -C -e`` reading it all back; the broker's
utime + stime from /proc around each phase gives CPU s/GB of payload, and the wall time msgs/s
and MB/s. The consumer's end-of-partition line checks that every message came back. The
broker is pinned to CPU 0 and kcat to CPU 1 when ``taskset`` exists; the load average is
printed with every row: a row taken while the machine was busy is re-run, not compared.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.validation_cpu import (  # noqa: E402
    GB,
    HOST,
    LOADGEN_CPU,
    SERVER_CPU,
    cpu_seconds,
    free_port,
    load_average,
    pinned,
    wait_until_listening,
    write_messages,
)

#: Messages per second assumed when sizing a file to ``--seconds`` of load (a floor).
ASSUMED_MSGS_S: Final = {100: 800_000, 1024: 250_000}
#: Most messages in one file: a bound on the disk used.
MAX_MESSAGES: Final = 5_000_000
#: How long kcat may take for one phase.
KCAT_TIMEOUT_S: Final = 600.0
SCRAM_USER: Final = "bench"
SCRAM_PASSWORD: Final = "bench-secret"
_END: Final = re.compile(rb"Reached end of topic \S+ \[0\] at offset (\d+)")


@dataclass(frozen=True)
class Listener:
    name: str
    port: int
    kcat_options: tuple[str, ...]


def samsa(*args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run the ``samsa`` command of this tree."""
    argv = [sys.executable, "-c", "from broker.cli import main; main()", *args]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, timeout=120)
    if check and result.returncode != 0:
        raise RuntimeError(f"samsa {' '.join(args)}: {result.stderr.decode(errors='replace')}")
    return result


@contextmanager
def broker(data: Path, settings: dict[str, str], ports: list[int], pin: bool) -> Iterator[int]:
    """A broker process with ``settings``; yields its pid once every port listens."""
    argv = [sys.executable, "-c", "from broker.cli import main; main()", "broker", "start"]
    argv += ["--data-dir", str(data), "--log-level", "warning"]
    defaults = {"log.flush.policy": "none", "http.listeners": "127.0.0.1:0"}
    for key, value in {**defaults, **settings}.items():
        argv += ["--set", f"{key}={value}"]
    log_path = data.parent / f"{data.name}.log"
    with log_path.open("wb") as log:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        proc = subprocess.Popen(
            pinned(SERVER_CPU, argv, pin), cwd=REPO, env=env, stdout=log, stderr=log
        )
        try:
            for port in ports:
                wait_until_listening(port, proc)
            yield proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def kcat(
    listener: Listener, args: list[str], pin: bool
) -> tuple[subprocess.CompletedProcess[bytes], float]:
    argv = ["kcat", "-b", f"{HOST}:{listener.port}", *listener.kcat_options, *args]
    start = time.perf_counter()
    done = subprocess.run(
        pinned(LOADGEN_CPU, argv, pin), capture_output=True, timeout=KCAT_TIMEOUT_S, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"kcat failed: {done.stderr.decode(errors='replace')[-500:]}")
    return done, elapsed


def measure(
    pid: int, listener: Listener, topic: str, messages: Path, count: int, size: int, pin: bool
) -> list[str]:
    rows = []
    load_before = load_average()
    cpu0 = cpu_seconds(pid)
    produce = ["-P", "-t", topic, "-l", str(messages), "-X", "linger.ms=5"]
    produce += ["-X", "batch.num.messages=10000", "-X", "acks=all"]
    _, elapsed = kcat(listener, produce, pin)
    cpu = cpu_seconds(pid) - cpu0
    payload = size * count
    rows.append(
        f"| {listener.name} | produce | {size} B | {count / elapsed:,.0f} | "
        f"{payload / elapsed / 1e6:,.1f} | {cpu / (payload / GB):.2f} | {load_before} |"
    )
    load_before = load_average()
    cpu0 = cpu_seconds(pid)
    done, elapsed = kcat(listener, ["-C", "-t", topic, "-o", "beginning", "-e", "-f", ""], pin)
    cpu = cpu_seconds(pid) - cpu0
    found = _END.search(done.stderr)
    if found is None or int(found.group(1)) != count:
        raise RuntimeError(
            f"{listener.name}: the consumer did not reach offset {count}: "
            f"{done.stderr.decode(errors='replace')[-300:]}"
        )
    rows.append(
        f"| {listener.name} | consume | {size} B | {count / elapsed:,.0f} | "
        f"{payload / elapsed / 1e6:,.1f} | {cpu / (payload / GB):.2f} | {load_before} |"
    )
    return rows


def secured_broker_settings(tls: Path, ports: dict[str, int]) -> dict[str, str]:
    keystore = tls / "broker.pem"
    keystore.write_bytes((tls / "broker.crt").read_bytes() + (tls / "broker.key").read_bytes())
    return {
        "listeners": ",".join(f"{name}://{HOST}:{port}" for name, port in ports.items()),
        "ssl.keystore.location": str(keystore),
        "ssl.truststore.location": str(tls / "ca.crt"),
        "listener.name.ssl.ssl.client.auth": "required",
        "ssl.principal.mapping.rules": "RULE:^CN=([^,]+).*$/$1/,DEFAULT",
        "sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "authorizer.class.name": "samsa",
        "super.users": "User:admin",
    }


def grant(tls: Path, ssl_port: int) -> None:
    """The SCRAM user and the ACLs, made as User:admin over the SSL listener."""
    admin = [
        "-b",
        f"{HOST}:{ssl_port}",
        "-X",
        "security.protocol=SSL",
        "-X",
        f"ssl.ca.location={tls / 'ca.crt'}",
        "-X",
        f"ssl.certificate.location={tls / 'admin.crt'}",
        "-X",
        f"ssl.key.location={tls / 'admin.key'}",
    ]
    samsa(
        *admin,
        "user",
        "create",
        SCRAM_USER,
        "--password",
        SCRAM_PASSWORD,
        "--mechanism",
        "SCRAM-SHA-512",
    )
    for principal in ("User:ANONYMOUS", "User:client", f"User:{SCRAM_USER}"):
        samsa(
            *admin,
            "acl",
            "create",
            "--allow-principal",
            principal,
            "--operation",
            "all",
            "--topic",
            "bench",
            "--resource-pattern-type",
            "prefixed",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1024", help="message sizes in bytes")
    parser.add_argument("--seconds", type=float, default=5.0, help="least load per phase")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="data and message files")
    parser.add_argument("--no-pin", dest="pin", action="store_false")
    parser.add_argument("--keep-messages", action="store_true")
    args = parser.parse_args()
    if shutil.which("kcat") is None:
        print("kcat is not installed (apt-get install kcat)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="samsa-security-bench-", dir=args.dir))
    tls = work / "tls"
    samsa("tls", "init", str(tls), "--client", "admin", "--client", "client")
    ports = {"PLAINTEXT": free_port(), "SSL": free_port(), "SASL_SSL": free_port()}
    ca = ("-X", f"ssl.ca.location={tls / 'ca.crt'}")
    listeners = [
        Listener("PLAINTEXT", ports["PLAINTEXT"], ()),
        Listener(
            "SSL",
            ports["SSL"],
            (
                "-X",
                "security.protocol=SSL",
                *ca,
                "-X",
                f"ssl.certificate.location={tls / 'client.crt'}",
                "-X",
                f"ssl.key.location={tls / 'client.key'}",
            ),
        ),
        Listener(
            "SASL_SSL",
            ports["SASL_SSL"],
            (
                "-X",
                "security.protocol=SASL_SSL",
                *ca,
                "-X",
                "sasl.mechanisms=SCRAM-SHA-512",
                "-X",
                f"sasl.username={SCRAM_USER}",
                "-X",
                f"sasl.password={SCRAM_PASSWORD}",
            ),
        ),
    ]
    print(f"load average {load_average()}; kcat {LOADGEN_CPU}, broker {SERVER_CPU}")
    print("| listener | phase | size | msgs/s | MB/s | broker CPU s/GB | load before |")
    print("|---|---|---|---|---|---|---|")
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            rate = ASSUMED_MSGS_S.get(size, max(10_000, 100_000_000 // size))
            count = min(MAX_MESSAGES, int(rate * args.seconds))
            messages = Path(args.dir) / f"security-bench-{size}-{count}.txt"
            if not messages.exists():
                write_messages(messages, size, count)
            for run in range(args.runs):
                baseline_port = free_port()
                baseline = Listener("PLAINTEXT, no ACLs", baseline_port, ())
                with broker(
                    work / f"plain-{size}-{run}",
                    {"listeners": f"PLAINTEXT://{HOST}:{baseline_port}"},
                    [baseline_port],
                    args.pin,
                ) as pid:
                    for row in measure(
                        pid, baseline, f"bench-{size}-{run}", messages, count, size, args.pin
                    ):
                        print(row, flush=True)
                with broker(
                    work / f"secured-{size}-{run}",
                    secured_broker_settings(tls, ports),
                    list(ports.values()),
                    args.pin,
                ) as pid:
                    grant(tls, ports["SSL"])
                    for listener in listeners:
                        topic = f"bench-{listener.name.lower()}-{size}-{run}"
                        for row in measure(pid, listener, topic, messages, count, size, args.pin):
                            print(row, flush=True)
            if not args.keep_messages:
                messages.unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
