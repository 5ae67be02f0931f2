"""Keep freed memory in a short-lived process that works through a large file chunk by chunk.

glibc hands large blocks back to the kernel when they are freed (each is its own mapping, and the top
of the heap is trimmed), so every chunk of a capture gets fresh pages: a page fault and the kernel
zeroing each 4 KiB, a sixth of `assess pcap`'s time on a large capture. Raised thresholds keep the freed blocks in
the heap for the next chunk. The process's peak memory is unchanged (it is what one chunk needs); it
simply keeps it until it exits, so this is for one-shot commands, not for long-running services.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1  # glibc's malloc.h parameter numbers
M_MMAP_THRESHOLD = -3
KEEP_BYTES = 1 << 30
MAP_ABOVE_BYTES = 64 << 20  # blocks larger than this (never one chunk's) are still mapped and unmapped


def keep_freed_memory() -> bool:
    """Ask glibc to reuse freed blocks instead of returning them; False where that is not glibc.

    >>> keep_freed_memory() in (True, False)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    return bool(mallopt(M_TRIM_THRESHOLD, KEEP_BYTES)) and bool(mallopt(M_MMAP_THRESHOLD, MAP_ABOVE_BYTES))
