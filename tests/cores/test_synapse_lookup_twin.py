"""Synapse lookup kernel against its NumPy twin on seeded random matrices and key batches."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import _synapse_lookup, matrix_set
from cores.reference import synapse_lookup as ref
from cores.synapse_lookup import process_packets_cores
from cores.synaptic_matrix import build_synaptic_matrix


def _matrix(rng, n_neurons):
    n_conn = int(rng.integers(0, 2000))
    sources = rng.integers(0, 64, n_conn) | (rng.integers(0, 8, n_conn) << 11)
    m = build_synaptic_matrix(
        sources, rng.integers(0, n_neurons, n_conn), rng.integers(0, 1 << 16, n_conn),
        rng.integers(1, 16, n_conn), rng.integers(0, 2, n_conn), n_neurons=n_neurons,
        key_mask=int(rng.choice([0xFFFFF800, 0xFFFFFC00])),  # blocks shared or not by cores
        sram_budget_bytes=int(rng.integers(0, 20000)),
    )  # fmt: skip
    return m, sources


def _keys(rng, sources, n_keys):
    keys = rng.integers(0, 8 << 11, n_keys)  # mostly misses
    hits = rng.random(n_keys) < 0.7
    if len(sources):
        keys[hits] = rng.choice(sources, int(hits.sum()))
    return keys.astype(np.uint32)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1), n_seg=st.integers(0, 12), threads=st.integers(1, 5),
    spoil=st.sampled_from(["none", "core order", "bounds order", "first", "last"]),
)  # fmt: skip
def test_core_runs_match_twin(seed, n_seg, threads, spoil):
    """Cuts between cores' segments (cores repeated in a row, empty segments, few packets),
    and one run for segments out of core order, bounds decreasing or not from 0 to n_keys."""
    rng = np.random.default_rng(seed)
    seg_core = np.sort(rng.integers(0, 6, n_seg)).astype(np.int32)
    seg_start = np.r_[0, np.cumsum(rng.integers(0, 5, n_seg))].astype(np.int64)
    n_keys = int(seg_start[-1])
    if spoil == "core order" and n_seg > 1:
        seg_core = seg_core[::-1].copy()
    elif spoil == "bounds order" and n_seg > 1:
        seg_start[1] = n_keys + 1
    elif spoil == "first":
        seg_start[0] = 1
    elif spoil == "last":
        n_keys += 1
    assert _synapse_lookup.core_runs(seg_start, seg_core, n_keys, threads) == ref.core_runs(
        seg_start, seg_core, n_keys, threads
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_cores=st.integers(1, 4), tick=st.integers(0, 100))
def test_synapse_lookup_matches_twin_bit_for_bit(seed, n_cores, tick):
    """Several cores sharing one ring, segments in any core order, one core twice, ticks
    differing by segment (longer than the prefetch chunk): same ring buffers, counts and
    per-packet outputs, including misses, DRAM rows and saturation."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 300, n_cores)
    first = np.r_[0, np.cumsum(sizes)[:-1]]
    built = [_matrix(rng, int(n)) for n in sizes]
    matrices = matrix_set([m for m, _ in built], first.tolist())
    seg_core = np.r_[rng.permutation(n_cores), rng.integers(0, n_cores, 1)].astype(np.int32)
    lengths = rng.integers(0, 80, len(seg_core))
    seg_start = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    seg_tick = (tick + rng.integers(0, 3, len(seg_core))).astype(np.int64)
    keys = np.concatenate(
        [_keys(rng, built[c][1], n) for c, n in zip(seg_core, lengths, strict=True)]
    )
    ring = rng.integers(0, 1 << 16, (16, 2, int(sizes.sum()))).astype(np.uint16)
    ring_ref = ring.copy()
    outs = [np.empty(keys.size, np.int32) for _ in range(3)]
    outs_ref = [np.empty(keys.size, np.int32) for _ in range(3)]
    args = (keys, seg_start, seg_core, seg_tick)
    c = _synapse_lookup.synapse_lookup(matrices, *args, ring, *outs)
    c_ref = ref.synapse_lookup(matrices, *args, ring_ref, *outs_ref)
    assert c == c_ref
    np.testing.assert_array_equal(ring, ring_ref)
    for a, b in zip(outs, outs_ref, strict=True):
        np.testing.assert_array_equal(a, b)


def test_bad_segments_are_refused_before_any_work():
    """A core outside the set, a negative tick, bounds that do not cover the keys or ring
    buffers of the wrong shape: ValueError."""
    rng = np.random.default_rng(1)
    m, sources = _matrix(rng, 8)
    matrices = matrix_set([m], [0])
    keys = _keys(rng, sources, 4)
    ring = np.zeros((16, 2, 8), np.uint16)
    outs = [np.empty(4, np.int32) for _ in range(3)]
    cases = [([0, 4], [1], [0]), ([0, 4], [0], [-1]), ([0, 3], [0], [0]), ([0, 2, 4], [0], [0])]
    for seg_start, seg_core, seg_tick in cases:
        args = (np.array(seg_start, np.int64), np.array(seg_core, np.int32), np.array(seg_tick))
        with pytest.raises(ValueError):
            _synapse_lookup.synapse_lookup(matrices, keys, *args, ring, *outs)
    assert not ring.any()
    args = (np.array([0, 4], np.int64), np.zeros(1, np.int32), np.zeros(1, np.int64))
    with pytest.raises(ValueError, match="ring must have shape"):  # fewer slots than delays
        _synapse_lookup.synapse_lookup(matrices, keys, *args, ring[:8], *outs)


@pytest.mark.parametrize("threads", [2, 3, 7])
@pytest.mark.parametrize("seed", range(3))
def test_segments_grouped_by_core_in_threads_equal_one_call(seed, threads):
    """Segments grouped by core (a core may have several, of different ticks) and split over
    threads by runs of whole cores: the ring buffers, counts and per-packet work of one call;
    segments not grouped by core run in one call."""
    rng = np.random.default_rng(seed)
    n_cores = 6
    sizes = rng.integers(1, 200, n_cores)
    built = [_matrix(rng, int(n)) for n in sizes]
    matrices = matrix_set([m for m, _ in built], np.r_[0, np.cumsum(sizes)[:-1]].tolist())
    seg_core = np.sort(rng.integers(0, n_cores, 10)).astype(np.int32)
    lengths = rng.integers(0, 120, len(seg_core))
    seg_start = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    seg_tick = rng.integers(0, 40, len(seg_core)).astype(np.int64)
    keys = np.concatenate(
        [_keys(rng, built[c][1], n) for c, n in zip(seg_core, lengths, strict=True)]
    )
    ring0 = rng.integers(0, 1 << 16, (16, 2, int(sizes.sum()))).astype(np.uint16)
    runs = _synapse_lookup.core_runs(seg_start, seg_core, int(seg_start[-1]), threads)
    assert 2 < len(runs) <= threads + 1  # cut only between two cores' segments:
    assert all(seg_core[r - 1] != seg_core[r] for r in runs[1:-1])
    for order in (np.arange(len(seg_core)), rng.permutation(len(seg_core))):
        parts = [keys[seg_start[s] : seg_start[s + 1]] for s in order]
        starts = np.r_[0, np.cumsum([len(p) for p in parts])].astype(np.int64)
        args = (np.concatenate(parts), starts, seg_core[order], seg_tick[order])
        results = []
        for n in (1, threads):
            ring = ring0.copy()
            counts, work = process_packets_cores(matrices, *args, ring, threads=n)
            results.append((counts, work, ring))
        assert results[0][0] == results[1][0]
        for a, b in zip(results[0][1], results[1][1], strict=True):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(results[0][2], results[1][2])
    assert results[0][0].words > 0
    short = seg_start.copy()
    short[-1] -= 1
    with pytest.raises(ValueError, match="seg_start must run"):  # in threads too
        process_packets_cores(matrices, keys, short, seg_core, seg_tick, ring0, threads=3)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), threads=st.integers(1, 4))
def test_lookup_by_pe_matches_twin_and_one_thread(seed, threads):
    """PEs of two sets with rings of their own (one strided), PEs without synapses, PEs in
    increasing order with empty segments: the twin's ring buffers, counts and per-packet work,
    in any number of threads."""
    rng = np.random.default_rng(seed)
    sets, rings, built = [], [], []
    for _ in range(2):
        sizes = rng.integers(1, 150, int(rng.integers(1, 4)))
        cores = [_matrix(rng, int(n)) for n in sizes]
        sets.append(matrix_set([m for m, _ in cores], np.r_[0, np.cumsum(sizes)[:-1]].tolist()))
        rings.append(rng.integers(0, 1 << 16, (16, 2, int(sizes.sum()))).astype(np.uint16))
        built.append(cores)
    rings[1] = np.asfortranarray(rings[1])  # any strides
    set_of_pe = np.array([-1] + [0] * sets[0].n_cores + [1] * sets[1].n_cores, np.int32)
    core_of_pe = np.r_[-1, np.arange(sets[0].n_cores), np.arange(sets[1].n_cores)].astype(np.int32)
    seg_pe = np.flatnonzero(rng.random(len(set_of_pe)) < 0.8).astype(np.int32)
    lengths = rng.integers(0, 60, len(seg_pe))
    seg_start = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    keys = np.concatenate(
        [_keys(rng, built[set_of_pe[p]][core_of_pe[p]][1] if set_of_pe[p] >= 0 else [], n)
         for p, n in zip(seg_pe, lengths, strict=True)] + [np.zeros(0, np.uint32)]
    )  # fmt: skip
    seg_tick = rng.integers(0, 40, len(seg_pe)).astype(np.int64)
    results = []
    for kernel, n in ((ref, 1), (_synapse_lookup, 1), (_synapse_lookup, threads)):
        ring_copies = [r.copy(order="A") for r in rings]
        pes = kernel.PeLookup(sets, ring_copies, set_of_pe, core_of_pe)
        outs = [np.full(keys.size, -7, np.int32) for _ in range(3)]
        counts = kernel.lookup_pes(pes, keys, seg_start, seg_pe, seg_tick, *outs, threads=n)
        results.append((counts, outs, ring_copies))
    for counts, outs, ring_copies in results[1:]:
        assert counts == results[0][0]
        for a, b in zip(outs + ring_copies, results[0][1] + results[0][2], strict=True):
            np.testing.assert_array_equal(a, b)
    assert results[0][0][1] >= sum(lengths[set_of_pe[seg_pe] < 0])  # no synapses: misses


def test_lookup_by_pe_refuses_bad_pes_and_sets():
    """A PE naming a set or core that does not exist, a ring of the wrong shape, a segment of
    a PE outside the lookup: ValueError naming it, before any work."""
    rng = np.random.default_rng(2)
    m, sources = _matrix(rng, 8)
    sets, rings = [matrix_set([m], [0])], [np.zeros((16, 2, 8), np.uint16)]
    one = np.zeros(1, np.int32)
    with pytest.raises(ValueError, match="PE 0: set 1"):
        _synapse_lookup.PeLookup(sets, rings, one + 1, one)
    with pytest.raises(ValueError, match="PE 0: core 1"):
        _synapse_lookup.PeLookup(sets, rings, one, one + 1)
    with pytest.raises(ValueError, match=r"rings\[0\]"):
        _synapse_lookup.PeLookup(sets, [np.zeros((16, 8), np.uint16)], one, one)
    pes = _synapse_lookup.PeLookup(sets, rings, one, one)
    keys = _keys(rng, sources, 4)
    outs = [np.empty(4, np.int32) for _ in range(3)]
    with pytest.raises(ValueError, match="segment 0: core 1"):
        _synapse_lookup.lookup_pes(pes, keys, np.array([0, 4]), one + 1, np.zeros(1, np.int64),
                                   *outs)  # fmt: skip
    assert not rings[0].any()
