"""Batch kernels split into ranges of cores, run in threads.

The batch kernels release the GIL, and one core's work reads and writes only that core's
rows of the batch arrays; random draws are keyed by (seed, core, tick, stream) (design.md,
decision 10). So a batch cut into contiguous ranges of cores, each range one kernel call in
its own thread, gives exactly the results of one call over the whole batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")

_pools: dict[int, ThreadPoolExecutor] = {}
# a forked child has none of the pools' threads: it starts its own pools
os.register_at_fork(after_in_child=_pools.clear)


def core_ranges(n_cores: int, threads: int) -> list[tuple[int, int]]:
    """``min(threads, n_cores)`` contiguous ranges (start, stop) covering 0 .. n_cores, of
    sizes differing by one at most (one empty range for an empty batch)."""
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    parts = max(1, min(threads, n_cores))
    bounds = [n_cores * k // parts for k in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def map_core_ranges(call: Callable[[int, int], T], n_cores: int, threads: int) -> list[T]:
    """``call(start, stop)`` for each of ``core_ranges(n_cores, threads)``, the first in the
    calling thread and the others in a pool of threads kept for later calls; results in range
    order (an exception in any call is raised here, once every call has ended)."""
    ranges = core_ranges(n_cores, threads)
    if len(ranges) == 1:
        return [call(*ranges[0])]
    pool = _pools.get(len(ranges) - 1)
    if pool is None:
        pool = _pools[len(ranges) - 1] = ThreadPoolExecutor(
            len(ranges) - 1, thread_name_prefix="chipsim-cores"
        )
    others = [pool.submit(call, *r) for r in ranges[1:]]
    try:
        first = call(*ranges[0])
    finally:
        wait(others)
    return [first, *(future.result() for future in others)]


def column_sums(parts: list[tuple[int, ...]]) -> tuple[int, ...]:
    """Sum the count tuples that ``map_core_ranges`` returns, column by column (the totals
    of the whole batch)."""
    return tuple(sum(column) for column in zip(*parts, strict=True))
