"""The C load generator (``samsa_loadgen.c``, librdkafka's public API): built on first use with
the system compiler into a cache folder, and the command line that runs one harness role.

Two builds: ``system`` links Debian's librdkafka (``-lrdkafka``, header from librdkafka-dev);
``wheel`` compiles against the same header and links, by path and with an rpath, the newer
librdkafka that confluent-kafka's wheel bundles (``confluent_kafka.libs``; librdkafka keeps
its C ABI stable across versions, so the older header serves). A binary's name carries a hash
of its source, library and compiler, so a changed source or library is built again.

    python -m bench.loadgen_c [--librdkafka system|wheel] produce -b HOST:PORT -t TOPIC ...

builds (if needed) and runs the generator with the arguments given (see the C file's header).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Final

SOURCE: Final = Path(__file__).resolve().with_name("samsa_loadgen.c")
LIBRARIES: Final = ("system", "wheel")
ROLES: Final = ("produce", "consume", "latency", "fleet")
#: Where librdkafka-dev (or a local install) puts ``librdkafka/rdkafka.h``.
INCLUDE_DIRS: Final = (Path("/usr/include"), Path("/usr/local/include"))
#: A compile takes a fraction of a second; a loaded machine gets headroom.
COMPILE_TIMEOUT_S: Final = 120.0


class Unavailable(RuntimeError):
    """The generator cannot be built here; the message is one line saying why and what to
    install."""


def cache_dir() -> Path:
    """``$SAMSA_BENCH_CACHE``, else ``$XDG_CACHE_HOME/samsa-bench``, else
    ``~/.cache/samsa-bench``."""
    explicit = os.environ.get("SAMSA_BENCH_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "samsa-bench"


def compiler() -> str:
    """The C compiler: ``$CC`` or ``cc``, resolved on ``PATH``."""
    name = os.environ.get("CC", "cc")
    found = shutil.which(name)
    if found is None:
        raise Unavailable(
            f"C load generator: no C compiler ({name} is not on PATH; apt install gcc)"
        )
    return found


def include_dir() -> Path:
    """The folder holding ``librdkafka/rdkafka.h``."""
    for base in INCLUDE_DIRS:
        if (base / "librdkafka" / "rdkafka.h").is_file():
            return base
    where = ", ".join(str(d) for d in INCLUDE_DIRS)
    raise Unavailable(
        f"C load generator: librdkafka/rdkafka.h not found under {where} "
        "(apt install librdkafka-dev)"
    )


def wheel_library() -> Path:
    """The librdkafka shared object confluent-kafka's wheel bundles."""
    spec = importlib.util.find_spec("confluent_kafka")
    if spec is None or spec.origin is None:
        raise Unavailable("C load generator: confluent-kafka is not installed (no wheel build)")
    libs = Path(spec.origin).resolve().parent.parent / "confluent_kafka.libs"
    found = sorted(libs.glob("librdkafka*.so*"))
    if not found:
        raise Unavailable(f"C load generator: no librdkafka*.so* in {libs}")
    return found[0]


def _link_args(library: str) -> list[str]:
    if library == "system":
        return ["-lrdkafka"]
    if library == "wheel":
        so = wheel_library()
        return [str(so), f"-Wl,-rpath,{so.parent}"]
    raise ValueError(f"librdkafka build {library!r}: one of {', '.join(LIBRARIES)}")


def build(library: str = "system") -> Path:
    """The generator binary for ``library`` (``system`` or ``wheel``), compiled now unless the
    cache already has it. Raises ``Unavailable`` with one line when it cannot be built."""
    cc, include, link = compiler(), include_dir(), _link_args(library)
    flags = ["-O2", "-std=gnu11", "-Wall", "-Wextra", "-pthread", f"-I{include}"]
    key = hashlib.sha256(SOURCE.read_bytes())
    for part in (cc, *flags, *link):
        key.update(part.encode() + b"\0")
    folder = cache_dir()
    binary = folder / f"samsa_loadgen-{library}-{key.hexdigest()[:16]}"
    if binary.exists():
        return binary
    folder.mkdir(parents=True, exist_ok=True)
    # Compile to a temporary name and rename: concurrent builds never see half a binary.
    fd, partial = tempfile.mkstemp(prefix=binary.name + ".", dir=folder)
    os.close(fd)
    try:
        done = subprocess.run(
            [cc, *flags, "-o", partial, str(SOURCE), *link],
            capture_output=True,
            text=True,
            timeout=COMPILE_TIMEOUT_S,
        )
        if done.returncode != 0:
            errors = [line for line in done.stderr.splitlines() if "error" in line]
            first = (errors or done.stderr.strip().splitlines() or ["no output"])[0]
            raise Unavailable(f"C load generator: {Path(cc).name} failed: {first}")
        os.replace(partial, binary)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return binary


def arguments(spec: dict[str, Any]) -> list[str]:
    """The generator's command-line arguments for a harness spec (the keys of the Python
    generator's roles: ``role``, ``bootstrap``, ``topic``, ``size``, ``messages``, ``acks``,
    ``partitions``, ``timeout_s``, ``rate``, ``duration_s``; and ``seconds``, ``producers``,
    ``linger_ms``, ``batch_bytes``, ``group``, ``properties``; for ``fleet`` also
    ``interval_ms``, ``threads``, ``drain_s``, ``slice`` (``(index, count)``) and ``wait``)."""
    role = spec["role"]
    if role not in ROLES:
        raise ValueError(f"the C load generator has no role {role!r}")
    args = [role, "-b", spec["bootstrap"], "-t", spec["topic"]]
    if role == "fleet":
        return args + _fleet_arguments(spec)
    options = {
        "size": "-s",
        "messages": "-n",
        "seconds": "-d",
        "acks": "-a",
        "linger_ms": "-l",
        "batch_bytes": "-B",
        "partitions": "-p",
        "producers": "-P",
        "group": "-g",
        "rate": "-r",
        "timeout_s": "-T",
    }
    if role == "latency":
        options["duration_s"] = "-d"
        options.pop("partitions")  # latency runs on partition 0
    for key, flag in options.items():
        if spec.get(key) is not None:
            args += [flag, str(spec[key])]
    for key, value in dict(spec.get("properties") or {}).items():
        args += ["-X", f"{key}={value}"]
    return args


def _fleet_arguments(spec: dict[str, Any]) -> list[str]:
    args: list[str] = []
    options = {
        "producers": "-P",
        "interval_ms": "-I",
        "seconds": "-d",
        "size": "-s",
        "acks": "-a",
        "threads": "-G",
        "drain_s": "-D",
        "timeout_s": "-T",
    }
    for key, flag in options.items():
        if spec.get(key) is not None:
            args += [flag, str(spec[key])]
    if spec.get("slice") is not None:
        index, count = spec["slice"]
        args += ["-S", f"{index}/{count}"]
    if spec.get("wait"):
        args.append("-W")
    for key, value in dict(spec.get("properties") or {}).items():
        args += ["-X", f"{key}={value}"]
    return args


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    library = "system"
    if args[:1] == ["--librdkafka"] and len(args) >= 2:
        library, args = args[1], args[2:]
    try:
        binary = build(library)
    except Unavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return subprocess.run([str(binary), *args], check=False).returncode
