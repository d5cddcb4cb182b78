"""Packet queue kernels against their NumPy twins, bit for bit, on seeded random batches."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import _packet_queue as kernel
from cores.packet_queue import add_clipped_histogram, channel_fifo, group_rows
from cores.reference import packet_queue as twin
from cores.sram_traffic import PACKET_COUNTS, packet_counts


def _segments(rng, n, n_servers):
    """Packets grouped by server: (bounds, seg_server) with distinct servers, some empty."""
    server = np.sort(rng.integers(0, n_servers, n))
    seg_server = np.unique(server)
    bounds = np.searchsorted(server, np.append(seg_server, n_servers))
    return bounds.astype(np.int64), seg_server.astype(np.int64)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 400), st.integers(1, 300), st.booleans())
def test_group_rows_matches_twin(seed, n, n_groups, valid):
    """Keys through a table to groups (some keys or groups out of range unless ``valid``)."""
    rng = np.random.default_rng(seed)
    group_of_key = rng.integers(0 if valid else -1, n_groups, 50)
    key = rng.integers(0, 50 if valid else 52, n).astype(np.int32)
    a, b = rng.integers(-(2**62), 2**62, (2, n))
    got = [np.zeros(k, np.int64) for k in (n_groups, n, n, n)]
    want = [np.zeros(k, np.int64) for k in (n_groups, n, n, n)]
    bad = kernel.group_rows(key, group_of_key, a, b, *got)
    assert bad == twin.group_rows(key, group_of_key, a, b, *want)
    assert bad == 0 or not valid
    for x, y in zip(got if bad == 0 else got[:1], want, strict=False):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("threads", [2, 3, 5])
@pytest.mark.parametrize("valid", [True, False])
def test_group_rows_in_threads_equal_one_thread(threads, valid):
    """Enough rows for several threads (a share each, counted then placed): the one-thread
    result, bad rows counted the same."""
    rng = np.random.default_rng(threads)
    n, n_groups = 150_000, 152
    group_of_key = rng.integers(0 if valid else -1, n_groups, 600)
    key = rng.integers(0, 600, n).astype(np.int32)
    a, b = rng.integers(-(2**62), 2**62, (2, n))
    results = []
    for t in (1, threads):
        got = [np.zeros(k, np.int64) for k in (n_groups, n, n, n)]
        bad = kernel.group_rows(key, group_of_key, a, b, *got, threads=t)
        results.append((bad, got if bad == 0 else got[:1]))
    assert results[0][0] == results[1][0] and (results[0][0] == 0) == valid
    for x, y in zip(results[0][1], results[1][1], strict=True):
        np.testing.assert_array_equal(x, y)
    with pytest.raises(ValueError, match="threads must be at least 1"):
        kernel.group_rows(key, group_of_key, a, b, *got, threads=0)


def test_group_rows_keeps_arrival_order_within_a_group():
    count, position, a, _ = group_rows(
        np.array([0, 1, 0, 3]), np.array([1, 0, 9, 0]), 2, np.arange(4), np.zeros(4)
    )
    np.testing.assert_array_equal(count, [2, 2])
    np.testing.assert_array_equal(a, [1, 3, 0, 2])
    np.testing.assert_array_equal(position, [2, 0, 3, 1])


def test_group_rows_into_scratch_equals_new_arrays():
    rng = np.random.default_rng(5)
    key, a, b = rng.integers(0, 20, 100), rng.integers(0, 99, 100), rng.integers(0, 99, 100)
    table = rng.integers(0, 7, 20)
    scratch = np.full((3, 130), -1, np.int64)
    for got, want in zip(group_rows(key, table, 7, a, b, scratch), group_rows(key, table, 7, a, b),
                         strict=True):  # fmt: skip
        np.testing.assert_array_equal(got, want)
    assert (scratch[:, 100:] == -1).all()
    with pytest.raises(ValueError, match="scratch must be int64"):
        group_rows(key, table, 7, a, b, scratch[:, :99])


def test_group_rows_rejects_groups_out_of_range():
    with pytest.raises(ValueError, match="2 rows with a key or group outside"):
        group_rows(np.array([0, 1, 2, 5]), np.array([0, 3, 1]), 3, np.zeros(4), np.zeros(4))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 300), st.integers(1, 50))
def test_clipped_histogram_matches_twin(seed, n, n_bins):
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 1000, n)
    stop = start + rng.integers(0, 80, n)
    got, want = (rng.integers(0, 5, n_bins) for _ in range(2))
    want = got.copy()
    assert kernel.clipped_histogram(stop, start, got) == twin.clipped_histogram(stop, start, want)
    np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="1 rows with stop < start"):
        add_clipped_histogram(got, np.array([3, 5]), np.array([4, 5]))
    np.testing.assert_array_equal(got, want)  # nothing added


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 300), st.sampled_from([0.0, 0.37, 2.0, 7.5]))
def test_channel_fifo_matches_twin(seed, n, cycles_per_byte):
    """Requests in a random order (ready non-decreasing in it), some of 0 bytes (no transfer)."""
    rng = np.random.default_rng(seed)
    request_order = rng.permutation(n)
    ready = np.empty(n, np.int64)
    ready[request_order] = np.sort(rng.integers(0, 5000, n))
    nbytes = (rng.integers(0, 300, n) * (rng.random(n) < 0.7)).astype(np.int32)
    free_at = int(rng.integers(0, 3000))
    got, want = ready.copy(), ready.copy()
    result = kernel.channel_fifo(got, nbytes, request_order, cycles_per_byte, free_at)
    assert result == twin.channel_fifo(want, nbytes, request_order, cycles_per_byte, free_at)
    np.testing.assert_array_equal(got, want)


def test_channel_fifo_rejects_requests_out_of_order():
    ready = np.array([10, 5], np.int64)
    with pytest.raises(ValueError, match="request order"):
        channel_fifo(ready, np.array([4, 4]), np.array([0, 1]), 1.0, 0)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 300), st.integers(1, 9), st.booleans())
def test_serve_by_ready_matches_twin(seed, n, n_servers, valid):
    """SRAM and DRAM rows each in ready order per PE (ties across them), PEs in clocks of
    their own and with earlier work: the same service (ready and finish cycles in service
    order), free_at and busy; with rows out of order (``not valid``) both count the same bad
    PEs and serve the others alike."""
    rng = np.random.default_rng(seed)
    bounds, seg_server = _segments(rng, n, n_servers)
    dram = (rng.integers(1, 4000, n) * (rng.random(n) < 0.5)).astype(np.int32)
    ready = rng.integers(-100, 300, n)  # (the clock conversion of negative cycles too)
    if valid:
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            for kind in (dram[lo:hi] > 0, dram[lo:hi] == 0):
                ready[lo:hi][kind] = np.sort(ready[lo:hi][kind])
    steps, words = rng.integers(0, 12, n).astype(np.int32), rng.integers(0, 900, n).astype(np.int32)
    costs = rng.integers(1, 40, 4)  # CycleCosts: synaptic_event_cycles > 0
    num, den = rng.integers(1, 9, n_servers), rng.integers(1, 9, n_servers)
    free_at, busy = rng.integers(0, 3000, n_servers), rng.integers(0, 100, n_servers)
    out = []
    for impl in (kernel, twin):
        state = [free_at.copy(), busy.copy(), np.zeros(n, np.int64), np.zeros(n, np.int64)]
        bad = impl.serve_by_ready(
            bounds, seg_server, ready, steps, words, dram, costs, num, den, *state
        )
        out.append((bad, state))
    (bad, state), (bad_twin, state_twin) = out
    assert bad == bad_twin and (bad == 0 or not valid)
    for a, b in zip(state, state_twin, strict=True):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 300), st.integers(1, 9))
def test_packet_counts_matches_twin(seed, n, n_servers):
    rng = np.random.default_rng(seed)
    bounds, _ = _segments(rng, n, n_servers)
    steps, words = rng.integers(0, 12, n).astype(np.int32), rng.integers(0, 900, n).astype(np.int32)
    dram = (rng.integers(0, 4000, n) * (rng.random(n) < 0.5)).astype(np.int32)
    late = rng.random(n) < 0.2
    want = np.empty((len(bounds) - 1, len(PACKET_COUNTS)), np.int64)
    twin.packet_counts(bounds, steps, words, dram, late, twin.SRAM, want)
    np.testing.assert_array_equal(packet_counts(bounds, steps, words, dram, late), want)


def test_packet_counts_of_one_packet():
    """A DRAM row of 5 words found in 3 steps, late: SRAM read 3 x 16 + 5 x 2, write 5 x 2 + 64."""
    counts = packet_counts(np.array([0, 1]), np.array([3]), np.array([5]), np.array([64]),
                           np.array([True]))  # fmt: skip
    np.testing.assert_array_equal(counts, [[1, 5, 3, 64, 1, 1, 58, 74]])
