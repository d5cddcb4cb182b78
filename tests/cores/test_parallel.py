"""Batch kernels split into jobs over threads (cores.parallel) give the one-thread results."""

import numpy as np
import pytest

from cores import _crossbar, _truenorth
from cores.crossbar import CrossbarCores
from cores.parallel import Balance, core_ranges, run_in_jobs
from cores.truenorth import THRESHOLD_MAX, TrueNorthNeurons
from cores.truenorth_core import TrueNorthCoreBatch


def test_core_ranges_cover_the_batch_evenly():
    assert core_ranges(10, 3) == [(0, 3), (3, 6), (6, 10)]
    assert core_ranges(2, 4) == [(0, 1), (1, 2)]
    assert core_ranges(5, 1) == [(0, 5)]
    with pytest.raises(ValueError, match="threads must be at least 1"):
        core_ranges(5, 0)


def test_run_in_jobs_passes_the_ranges_as_bounds():
    """The kernel gets the ranges' bounds (capped at 64 jobs) and a seconds entry per job."""
    seen = []

    def kernel(bounds, seconds):
        seen.append((bounds.dtype, bounds.tolist(), seconds.shape))
        return "done"

    assert run_in_jobs(kernel, 7, 3) == "done"
    run_in_jobs(kernel, 0, 2)
    run_in_jobs(kernel, 1000, 100)
    assert seen[0] == (np.int64, [0, 2, 4, 7], (3,))
    assert seen[1] == (np.int64, [0, 0], (1,))
    assert len(seen[2][1]) == 65 and seen[2][2] == (64,)


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


def test_run_in_jobs_with_a_balance_learns_the_jobs_times():
    """The seconds the kernel writes move the next cut: the job that ended later gets fewer
    cores."""
    balance = Balance()

    def kernel(bounds, seconds):
        seconds[:] = [1.0, 3.0]

    run_in_jobs(kernel, 10, 2, balance)
    assert balance.rates == [5.0, 5.0 / 3.0]
    assert balance.ranges(10, 2) == [(0, 8), (8, 10)]  # shares 3 : 1


@pytest.mark.parametrize(
    ("bounds", "seconds", "what"),
    [
        ([0, 5, 3, 9], 3, "without decreasing"),
        ([1, 9], 1, "without decreasing"),
        ([0, 8], 1, "without decreasing"),
        ([0, 4, 9], 1, "a seconds entry each"),
        ([0], 0, "1 to 64 jobs"),
        (list(range(66)), 65, "1 to 64 jobs"),
    ],
)
def test_kernels_refuse_bad_job_bounds(bounds, seconds, what):
    """Bounds that do not cut the batch into 1 to 64 jobs in order are refused before any
    job runs (the jobs index the arrays without checks)."""
    xbar = CrossbarCores.from_dense(np.zeros((9, 256, 256), bool), np.zeros((9, 256), int))
    neurons = TrueNorthNeurons.from_values(256 * 9)
    weights, stochastic_bits = neurons.synapse_layout
    with pytest.raises(ValueError, match=what):
        _crossbar.integrate(
            xbar.rows, xbar.axon_type, xbar.ring, weights, stochastic_bits,
            np.arange(9, dtype=np.uint32), 1, 1, np.zeros((0, 0, 0), np.uint8), False,
            np.zeros(256 * 9, np.int32), np.zeros((9, 3), np.int64),
            np.array(bounds, np.int64), np.zeros(seconds),
        )  # fmt: skip


def test_kernels_refuse_arrays_of_the_wrong_shape():
    """The kernels check every array against the batch before the jobs index them flat."""
    xbar = CrossbarCores.from_dense(np.zeros((2, 256, 256), bool), np.zeros((2, 256), int))
    neurons = TrueNorthNeurons.from_values(512)
    weights, stochastic_bits = neurons.synapse_layout
    jobs = (np.array([0, 2], np.int64), np.zeros(1))
    with pytest.raises(ValueError, match=r"syn_input has shape \(256,\), expected \(512,\)"):
        _crossbar.integrate(
            xbar.rows, xbar.axon_type, xbar.ring, weights, stochastic_bits,
            np.arange(2, dtype=np.uint32), 1, 1, np.zeros((0, 0, 0), np.uint8), False,
            np.zeros(256, np.int32), np.zeros((2, 3), np.int64), *jobs,
        )  # fmt: skip
    p = neurons
    with pytest.raises(ValueError, match="threshold has 511 rows, expected 512"):
        _truenorth.update(
            np.zeros(512, np.int32), np.zeros(512, np.int32), p.leak, p.leak_reversal,
            p.stochastic_leak, p.threshold[:511], p.neg_threshold, p.threshold_mask,
            p.reset_mode, p.neg_saturate, p.reset_value, np.arange(2, dtype=np.uint32), 1, 1,
            np.zeros((0, 2), np.uint32), False, -100, 100, np.zeros(512, np.uint8),
            np.zeros((2, 3), np.int64), 0, *jobs,
        )  # fmt: skip


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


def _step_spikes(threads: int) -> bytes:
    batch = random_batch(6, 5, threads)
    batch.deliver(np.arange(5).repeat(50), np.tile(np.arange(50), 5), 1, tick=0)
    for tick in range(1, 6):
        batch.step(tick)
    return batch.v.tobytes() + batch.spikes.tobytes()


def test_kernel_workers_in_a_forked_child():
    """The kernels' worker threads (cores/_threads.h, kept between calls) do not exist in a
    forked child: it starts its own, and gets the parent's results."""
    import multiprocessing

    want = _step_spikes(2)  # the parent's workers exist now
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(_step_spikes, (2,)).get(timeout=60) == want
    assert _step_spikes(1) == want


def test_kernels_called_from_two_python_threads_at_once():
    """Two Python threads stepping batches with two kernel threads each, at once (one of
    them finds the module's workers busy and starts threads of its own): each gets the
    one-thread results."""
    from concurrent.futures import ThreadPoolExecutor

    want = _step_spikes(1)
    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(lambda: [_step_spikes(2) for _ in range(5)]) for _ in range(2)]
        assert all(r == want for run in runs for r in run.result(timeout=120))


def test_threads_must_be_positive():
    with pytest.raises(ValueError, match="threads must be at least 1"):
        random_batch(0, 1, 0)
