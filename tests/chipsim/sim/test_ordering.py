"""Stable ordering by PE against a stable argsort, and per-PE sums of received packets."""

from dataclasses import fields

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chipsim.sim.delivery import Received
from chipsim.sim.ordering import group_order
from chipsim.sim.recorder import RunRecorder
from cores.pe_timeline import segment_starts
from cores.sram_traffic import packet_sram_bytes
from noc.stats import Deliveries


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 300), st.sampled_from([1, 7, 70_000]))
def test_group_order_equals_a_stable_argsort(seed, n, n_groups):
    """Few or more than 2**16 groups (no radix sort then): the same stable permutation."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, n_groups, n)
    np.testing.assert_array_equal(group_order(group, n_groups), np.argsort(group, kind="stable"))


def test_segment_starts():
    np.testing.assert_array_equal(segment_starts(np.array([2, 2, 5, 7, 7, 7])), [0, 2, 3])
    assert segment_starts(np.zeros(0, dtype=np.int64)).size == 0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 200), st.booleans())
def test_received_counts_equal_per_packet_sums(seed, n, sram):
    """Per-PE counters of packets grouped by PE (segments) equal plain per-PE sums; SRAM bytes
    are counted only for PEs with a neuron state size (programmable)."""
    rng = np.random.default_rng(seed)
    pe = np.sort(rng.integers(0, 9, n))
    seg_pe = np.unique(pe)
    bounds = np.searchsorted(pe, np.append(seg_pe, 9))
    steps, words = (rng.integers(0, 1000, n).astype(np.int32) for _ in range(2))
    dram = (rng.integers(0, 500, n) * (rng.random(n) < 0.5)).astype(np.int32)
    late = rng.random(n) < 0.3
    deliveries = Deliveries(*(np.zeros(n, np.int64) for _ in fields(Deliveries)))
    recorder = RunRecorder(9, None, 8 if sram else None)
    recorder.received(deliveries, seg_pe, bounds, late, Received(steps, words, dram, 0), 2)
    read, write = packet_sram_bytes(steps, words, dram)
    columns = {"synaptic_events": words, "late_packets": late, "packets_received": np.ones(n),
               "search_steps": steps, "dram_bytes": dram, "dma_transfers": dram > 0,
               "sram_read_bytes": read * sram, "sram_write_bytes": write * sram}  # fmt: skip
    for name, values in columns.items():
        expected = [int(np.asarray(values)[pe == p].sum()) for p in range(9)]
        np.testing.assert_array_equal(recorder.pe[name], expected, err_msg=name)
    assert recorder.late == late.sum() + 2 and recorder.dropped_late == 2
