"""Batch kernels split over threads (cores.parallel) give the one-thread results."""

import numpy as np
import pytest

from cores.crossbar import CrossbarCores
from cores.parallel import Balance, core_ranges, map_core_ranges
from cores.truenorth import THRESHOLD_MAX, TrueNorthNeurons
from cores.truenorth_core import TrueNorthCoreBatch


def test_core_ranges_cover_the_batch_evenly():
    assert core_ranges(10, 3) == [(0, 3), (3, 6), (6, 10)]
    assert core_ranges(2, 4) == [(0, 1), (1, 2)]
    assert core_ranges(5, 1) == [(0, 5)]
    with pytest.raises(ValueError, match="threads must be at least 1"):
        core_ranges(5, 0)


def test_map_core_ranges_keeps_range_order_and_raises_after_all_ended():
    seen = []

    def call(a, b):
        seen.append((a, b))
        if a == 0:
            raise RuntimeError("first range failed")
        return b - a

    assert map_core_ranges(lambda a, b: (a, b), 7, 3) == [(0, 2), (2, 4), (4, 7)]
    with pytest.raises(RuntimeError, match="first range failed"):
        map_core_ranges(call, 9, 3)
    assert sorted(seen) == [(0, 3), (3, 6), (6, 9)]


def test_balance_gives_the_faster_thread_more_cores():
    """Even ranges first; after calls in which the second thread took twice as long on the
    same number of cores, it gets about half as many; never fewer than half an even share,
    and the ranges always cover the batch in order."""
    balance = Balance()
    assert balance.ranges(100, 2) == [(0, 50), (50, 100)]
    for _ in range(30):
        ranges = balance.ranges(100, 2)
        sizes = [b - a for a, b in ranges]
        balance.record(ranges, [sizes[0] * 1.0, sizes[1] * 2.0])
    assert balance.ranges(100, 2) == [(0, 67), (67, 100)]
    for _ in range(30):  # the second thread stalls: the floor holds
        balance.record([(0, 50), (50, 100)], [1.0, 100.0])
    assert balance.ranges(100, 2) == [(0, 75), (75, 100)]
    assert balance.ranges(100, 3) == core_ranges(100, 3)  # other threads: even again


def test_map_core_ranges_with_a_balance_records_each_range():
    """Every range is called once, in the calling thread and the pool, and the balance learns
    their times."""
    balance = Balance()
    assert map_core_ranges(lambda a, b: (a, b), 10, 2, balance) == [(0, 5), (5, 10)]
    assert balance.rates is not None and len(balance.rates) == 2


def random_batch(seed: int, n_cores: int, threads: int) -> TrueNorthCoreBatch:
    """Random crossbars and neurons with every stochastic mode on (draws keyed by core)."""
    gen = np.random.default_rng(seed)
    n = 256 * n_cores
    xbar = CrossbarCores.from_dense(
        gen.random((n_cores, 256, 256)) < 0.3, gen.integers(0, 4, (n_cores, 256))
    )
    neurons = TrueNorthNeurons.from_values(
        n,
        weights=gen.integers(-255, 256, (n, 4)),
        stochastic_synapse=gen.random((n, 4)) < 0.3,
        leak=gen.integers(-40, 41, n),
        stochastic_leak=gen.integers(0, 2, n),
        threshold=gen.integers(0, 200, n),
        neg_threshold=gen.integers(0, THRESHOLD_MAX, n),
        threshold_mask=(1 << gen.integers(0, 6, n)) - 1,
        reset_mode=gen.integers(0, 3, n),
    )
    ids = gen.permutation(4096)[:n_cores]
    return TrueNorthCoreBatch(xbar, neurons, core_ids=ids, seed=seed, threads=threads)


@pytest.mark.parametrize("threads", [2, 3, 8])
def test_core_batch_in_threads_equals_one_thread(threads):
    """Seven cores stepped for 12 ticks, each tick's spikes routed back to random axons:
    membranes, spikes, delay rings and per-core counts are those of one thread."""
    batches = [random_batch(5, 7, 1), random_batch(5, 7, threads)]
    route = np.random.default_rng(1).integers(0, 256 * 7, 256 * 7)
    for batch in batches:
        batch.deliver(np.arange(7).repeat(40), np.tile(np.arange(40), 7), 1, tick=0)
    for tick in range(1, 13):
        counts = [batch.step(tick) for batch in batches]
        for field in ("crossbar", "neurons"):
            np.testing.assert_array_equal(getattr(counts[0], field), getattr(counts[1], field))
        np.testing.assert_array_equal(batches[0].v, batches[1].v)
        np.testing.assert_array_equal(batches[0].spikes, batches[1].spikes)
        fired = route[np.flatnonzero(batches[0].spikes)]
        for batch in batches:
            batch.deliver(fired // 256, fired % 256, 1 + fired % 3, tick=tick)
        np.testing.assert_array_equal(batches[0].crossbar.ring, batches[1].crossbar.ring)
    assert counts[0].neurons[:, 1].sum() > 0 and counts[0].crossbar[:, 0].sum() > 0


def test_threads_must_be_positive():
    with pytest.raises(ValueError, match="threads must be at least 1"):
        random_batch(0, 1, 0)


def test_a_forked_child_runs_threads_of_its_own():
    """After a fork the parent's pool threads do not exist in the child: it makes new ones
    instead of waiting for them forever."""
    import multiprocessing

    assert map_core_ranges(lambda a, b: b - a, 4, 2) == [2, 2]  # the parent's pool exists
    with multiprocessing.get_context("fork").Pool(1) as pool:
        result = pool.apply_async(map_core_ranges, (_span, 6, 2))  # the same pool's size
        assert result.get(timeout=20) == [3, 3]


def _span(a: int, b: int) -> int:
    return b - a
