"""The C heap kept by the process for a run (glibc only; elsewhere nothing changes).

A run allocates and frees arrays of hundreds of KB every tick (the NoC's delivery records, a
receive step's per-packet work). With glibc's defaults each comes from a fresh ``mmap`` or from
heap pages that were handed back to the kernel, so its pages fault in and are zeroed again,
tick after tick. ``keep_heap`` asks glibc, before the mapping allocates, to serve every size
from one arena's heap and never hand it back: freed memory is reused instead of faulted in.
Called later (once the mapping has spread its memory over ``mmap`` regions) it barely helps:
the SpiNNaker2-like benchmark's run then still faults ~22,000 times a simulated second.

# perf: the SpiNNaker2-like benchmark (scripts/bench_run.py, 1000 ticks): page faults during
the simulation ~25,000 -> ~650 and its system time 0.18-0.29 -> 0.10-0.19 s; in five
alternating ``--repeat`` runs of each 4.4, 4.8, 4.3, 4.7, 4.1x against 5.5, 4.3, 4.8, 4.5,
4.5x real time (means 4.46 and 4.72), the mapping ~1 s faster (11.0, 11.2, 10.2 s against
12.1, 12.1, 11.7 s); peak memory 2.51 -> 2.57 GiB (freed memory stays in the process). The
TrueNorth-like one: 17.4x against 18.0x, peak 2.51 against 2.50 GiB (one run each).
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1  # glibc mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
KEEP_BYTES = 1 << 30  # sizes served from the heap, free memory at its top kept: up to 1 GiB


def keep_heap() -> bool:
    """Keep freed C heap memory in the process and serve allocations up to ``KEEP_BYTES``
    from one heap (glibc's ``mallopt``); whether glibc took the settings (False elsewhere)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return all(
        mallopt(param, value) == 1
        for param, value in (
            (M_ARENA_MAX, 1),
            (M_MMAP_THRESHOLD, KEEP_BYTES),
            (M_TRIM_THRESHOLD, KEEP_BYTES),
        )
    )
