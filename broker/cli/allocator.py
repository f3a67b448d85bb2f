"""Keep large request buffers in the C heap between requests (glibc's ``mallopt``).

Every request frame gets a buffer of its own (``protocol/frame.py``), grown by doubling while
its bytes arrive: a 1 MiB produce request allocates, zero-fills and copies about 2 MiB on its
way in and frees it once answered. With glibc's defaults, buffers that large are mapped and
unmapped again (or trimmed off the heap's top) request after request, so every page of every
buffer costs a page fault and a zeroed page from the kernel: measured on a 2-core virtual
machine, a Python server spent 1.8 of its 2.3 CPU seconds per GB of 1 KiB records in the
kernel doing that, and 0.3 with the settings below.

Only the ``samsa broker start`` process sets them (an embedded broker leaves its host
process's allocator alone). Other C libraries are left as they are.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from typing import Final

__all__ = ["keep_large_buffers"]

log = logging.getLogger(__name__)

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD: Final = -1
_M_MMAP_THRESHOLD: Final = -3

#: Allocations up to this size come from the heap, not from a mapping of their own: glibc's
#: ceiling for the setting on 64-bit systems (32 MiB), above the 1 MiB batches clients send by
#: default; only frames larger than this (up to ``socket.request.max.bytes``) are mapped.
MMAP_THRESHOLD_BYTES: Final = 32 * 1024 * 1024
#: Free memory at the heap's top is given back to the system only beyond this: enough for
#: the buffers of a burst of large requests to be reused, not to hold on to a spike. It is
#: what an idle broker may keep (in RSS) after a burst of large requests, at most.
TRIM_THRESHOLD_BYTES: Final = 64 * 1024 * 1024


def keep_large_buffers() -> bool:
    """Set the thresholds in this process; False (and nothing changed) without glibc."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done: bool = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
    done = bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1) and done
    if not done:
        log.debug("mallopt refused the buffer thresholds; the allocator keeps its defaults")
    return done
