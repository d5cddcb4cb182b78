"""Batch kernels split into ranges of cores, run in threads.

The batch kernels release the GIL, and one core's work reads and writes only that core's
rows of the batch arrays; random draws are keyed by (seed, core, tick, stream) (design.md,
decision 10). So a batch cut into contiguous ranges of cores, each range one kernel call in
its own thread, gives exactly the results of one call over the whole batch.
"""

from __future__ import annotations

import os
import time
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


class Balance:
    """Where to cut a batch that one kernel call site runs again and again (tick after tick),
    so that its threads end together: each thread's share of the cores follows the rate at
    which it got through its range, from the call's start to its end, in the calls before.

    The calling thread often gets through more: a pool thread starts later and, on a shared
    machine, may run slower while its core warms up (# perf: the full TrueNorth-like chip
    with 2 threads, its kernels after each tick's single-threaded NoC: the pool thread took
    30 % longer on the same number of cores, given the lower half or the upper; balanced,
    the crossbar call ends after 2.0 ms instead of 2.25, the neuron call after 1.65 instead
    of 1.95). The cuts change no result (module doc)."""

    SMOOTHING = 0.3  # weight of the last call in a thread's rate
    MIN_SHARE = 0.5  # of an even share: no thread's range shrinks below it

    def __init__(self) -> None:
        self.rates: list[float] | None = None  # cores per second, per thread (range order)

    def ranges(self, n_cores: int, threads: int) -> list[tuple[int, int]]:
        """Ranges covering 0 .. n_cores in proportion to the threads' rates (even at first)."""
        even = core_ranges(n_cores, threads)
        if self.rates is None or len(self.rates) != len(even):
            self.rates = None
            return even
        shares = share_with_floor(self.rates, self.MIN_SHARE / len(even))
        bounds, edge = [0], 0.0
        for share in shares[:-1]:
            edge += share
            bounds.append(min(n_cores, max(bounds[-1] + 1, round(edge * n_cores))))
        bounds.append(n_cores)
        if any(b <= a for a, b in zip(bounds[:-1], bounds[1:], strict=True)):
            return even
        return list(zip(bounds[:-1], bounds[1:], strict=True))

    def record(self, ranges: list[tuple[int, int]], seconds: list[float]) -> None:
        """Note how long each range took, from the call's start to the range's end."""
        rates = [(b - a) / max(s, 1e-9) for (a, b), s in zip(ranges, seconds, strict=True)]
        if self.rates is None:
            self.rates = rates
        else:
            mix = self.SMOOTHING
            self.rates = [(1 - mix) * r + mix * x for r, x in zip(self.rates, rates, strict=True)]


def share_with_floor(rates: list[float], floor: float) -> list[float]:
    """Shares proportional to ``rates``, summing to 1, none below ``floor`` (those that would
    be are raised to it, the others scaled down, until none is)."""
    low = [False] * len(rates)
    while True:
        spare = 1.0 - floor * sum(low)
        rest = sum(r for r, is_low in zip(rates, low, strict=True) if not is_low)
        shares = [
            floor if is_low else spare * r / rest for r, is_low in zip(rates, low, strict=True)
        ]
        newly = [s < floor and not is_low for s, is_low in zip(shares, low, strict=True)]
        if not any(newly):
            return shares
        low = [a or b for a, b in zip(low, newly, strict=True)]


def map_core_ranges(
    call: Callable[[int, int], T], n_cores: int, threads: int, balance: Balance | None = None
) -> list[T]:
    """``call(start, stop)`` for each of ``core_ranges(n_cores, threads)`` (or the ranges of
    ``balance``, which then learns how long they took), the first in the calling thread and
    the others in a pool of threads kept for later calls; results in range order (an
    exception in any call is raised here, once every call has ended)."""
    ranges = balance.ranges(n_cores, threads) if balance else core_ranges(n_cores, threads)
    if len(ranges) == 1:
        return [call(*ranges[0])]
    pool = _pools.get(len(ranges) - 1)
    if pool is None:
        pool = _pools[len(ranges) - 1] = ThreadPoolExecutor(
            len(ranges) - 1, thread_name_prefix="chipsim-cores"
        )
    started = time.perf_counter()
    ended = [0.0] * len(ranges)

    def timed(k: int, a: int, b: int) -> T:
        try:
            return call(a, b)
        finally:
            ended[k] = time.perf_counter() - started

    others = [pool.submit(timed, k, *r) for k, r in enumerate(ranges) if k]
    try:
        first = timed(0, *ranges[0])
    finally:
        wait(others)
    results = [first, *(future.result() for future in others)]
    if balance:
        balance.record(ranges, ended)
    return results


def column_sums(parts: list[tuple[int, ...]]) -> tuple[int, ...]:
    """Sum the count tuples that ``map_core_ranges`` returns, column by column (the totals
    of the whole batch)."""
    return tuple(sum(column) for column in zip(*parts, strict=True))
