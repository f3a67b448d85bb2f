"""``keep_large_buffers``: after it, the buffers of large request frames are reused from the
heap instead of faulted in again page by page for every frame (each mode in a fresh process)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(60)

#: 1 MiB frames fed to a ``FrameDecoder`` 64 KiB at a time, as a socket delivers a large
#: produce request (the frame's buffer grows by doubling); prints the minor page faults of 50.
_PROBE = """
import json, resource, sys
from broker.cli.allocator import keep_large_buffers
from protocol.frame import FrameDecoder, frame_size_prefix
ok = keep_large_buffers() if sys.argv[1] == "on" else None
body = b"x" * (1 << 20)
data = frame_size_prefix(len(body)) + body
decoder = FrameDecoder()
def one():
    frames = []
    for i in range(0, len(data), 65536):
        frames += decoder.feed(data[i:i + 65536])
    assert len(frames) == 1 and len(frames[0]) == len(body)
one()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    one()
print(json.dumps({"ok": ok, "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before}))
"""

PAGE_BYTES = 4096


def _faults(mode: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_large_frame_buffers_are_reused_instead_of_faulted_in_again() -> None:
    on = _faults("on")
    if on["ok"] is False:
        pytest.skip("this C library has no mallopt (not glibc)")
    off = _faults("off")
    frame_pages = (1 << 20) // PAGE_BYTES
    faults_off, faults_on = off["faults"], on["faults"]
    assert isinstance(faults_off, int) and isinstance(faults_on, int)
    # Without the settings each frame faults its buffers in again (about 3 MiB of pages).
    assert faults_off >= 25 * frame_pages, off
    # With them, the 50 frames together fault in less than one frame's pages.
    assert faults_on < frame_pages, on
