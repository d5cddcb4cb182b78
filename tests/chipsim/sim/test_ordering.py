"""Stable orderings by PE (and time) against np.lexsort, and grouped per-PE sums."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chipsim.sim.ordering import group_order
from chipsim.sim.recorder import RunRecorder
from cores.pe_timeline import segment_starts


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 300), st.sampled_from([1, 7, 70_000]))
def test_group_order_equals_lexsort(seed, n, n_groups):
    """With and without ``within``, few or more than 2**16 groups (no radix sort then), wide
    ``within`` values (the combined key falls back to lexsort): the same stable permutation."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, n_groups, n)
    within = rng.integers(0, 50, n) * rng.choice([1, 2**60 // 50])
    np.testing.assert_array_equal(group_order(group, n_groups), np.argsort(group, kind="stable"))
    np.testing.assert_array_equal(
        group_order(group, n_groups, within=within), np.lexsort((within, group))
    )


def test_segment_starts():
    np.testing.assert_array_equal(segment_starts(np.array([2, 2, 5, 7, 7, 7])), [0, 2, 3])
    assert segment_starts(np.zeros(0, dtype=np.int64)).size == 0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 200), st.booleans())
def test_grouped_sums_equal_per_packet_sums(seed, n, grouped):
    """Per-PE counters from grouped rows (reduceat) or, when rows are not grouped, the
    bincount fallback equal a plain per-PE sum; scalars and booleans count as integers."""
    rng = np.random.default_rng(seed)
    pe = rng.integers(0, 9, n)
    pe = np.sort(pe) if grouped else pe
    words, late = rng.integers(0, 1000, n).astype(np.int32), rng.random(n) < 0.3
    recorder = RunRecorder(9)
    recorder._add_grouped({"synaptic_events": words, "late_packets": late,
                           "packets_received": 1}, pe)  # fmt: skip
    for name, values in (("synaptic_events", words), ("late_packets", late),
                         ("packets_received", np.ones(n))):  # fmt: skip
        expected = [int(np.asarray(values)[pe == p].sum()) for p in range(9)]
        np.testing.assert_array_equal(recorder.pe[name], expected)
