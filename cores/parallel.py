"""Batch kernels split into ranges of cores, each a job in a thread of its own.

The batch kernels (cores/_crossbar.pyx ``integrate``, cores/_truenorth.pyx ``update``) read
and write only a core's own rows of the batch arrays for that core, and their random draws
are keyed by (seed, core, tick, stream) (design.md, decision 10). So a batch cut into
contiguous ranges of cores, each range a job in its own thread, gives exactly the results
of one job over the whole batch. The kernels run the jobs in C threads of their own
(cores/_threads.h: workers kept between calls), within one call: a thread of a Python pool
first needed the GIL, and began 0.2-0.27 ms into calls of ~2 ms in the full TrueNorth-like
run (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

T = TypeVar("T")

MAX_JOBS = 64  # jobs a kernel call runs at most (CORES_MAX_THREADS, cores/_threads.h)


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

    The calling thread often gets through more: the other threads start later and, on a
    shared machine, may run slower while their cores warm up (# perf: the full TrueNorth-like
    chip with 2 threads, its kernels after each tick's single-threaded NoC: a Python pool's
    thread took 30 % longer on the same number of cores, and balanced, the crossbar call
    ended after 2.0 ms instead of 2.25, the neuron call after 1.65 instead of 1.95; with the
    jobs' threads in the kernels' C the second thread still got 4-5 % fewer cores).
    The cuts change no result (module doc)."""

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


def run_in_jobs(
    kernel: Callable[[np.ndarray, np.ndarray], T],
    n_cores: int,
    threads: int,
    balance: Balance | None = None,
) -> T:
    """``kernel(bounds, seconds)`` for a kernel that runs its batch of ``n_cores`` cores as
    jobs (job i: cores ``bounds[i] .. bounds[i + 1] - 1``, int64) and writes each job's end,
    from the call's start, into ``seconds`` (float64): the jobs are ``core_ranges(n_cores,
    threads)`` (threads capped at ``MAX_JOBS``), or those of ``balance``, which then learns
    how long they took."""
    threads = min(threads, MAX_JOBS)
    ranges = balance.ranges(n_cores, threads) if balance else core_ranges(n_cores, threads)
    bounds = np.array([a for a, _ in ranges] + [ranges[-1][1]], dtype=np.int64)
    seconds = np.zeros(len(ranges))
    result = kernel(bounds, seconds)
    if balance:
        balance.record(ranges, seconds.tolist())
    return result
