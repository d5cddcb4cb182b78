"""Cycle-cost model against hand-computed busy cycles, emission cycles and overrun."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores.cost import (
    emission_cycles,
    emission_cycles_by_core,
    packet_batch_cycles,
    packet_service_cycles,
    tick_cycles,
    update_cycles,
)
from cores.params import CycleCosts, NeuronModel

COSTS = CycleCosts(
    timer_tick_cycles=200,
    neuron_update_cycles={NeuronModel.LIF_FIXED: 40},
    packet_receive_cycles=40,
    key_lookup_cycles_per_step=6,
    dma_setup_cycles=60,
    synaptic_event_cycles=20,
    spike_send_cycles=10,
)

LIF_UPDATE = update_cycles(COSTS, NeuronModel.LIF_FIXED)


def test_tick_cycles_by_hand():
    """200 + 100 x 40 + 3 x 10 = 4230."""
    assert tick_cycles(COSTS, LIF_UPDATE, 100, 3) == 4230


def test_emission_cycles_spread_over_the_update_phase():
    """Neurons 0, 5, 9 spike: start 1000 + 200 + (i + 1) 40 + (k + 1) 10."""
    got = emission_cycles(COSTS, LIF_UPDATE, 1000, [0, 5, 9])
    assert list(got) == [1000 + 200 + 40 + 10, 1200 + 240 + 20, 1200 + 400 + 30]


def test_emission_cycles_by_core_equal_per_core_calls():
    """Cores of 10, 5 and 8 neurons in one flat array: same cycles as one call per core."""
    first, starts = [0, 10, 15], [1000, 0, 500]
    spikes = [2, 9, 10, 11, 14, 20]
    core, got = emission_cycles_by_core(COSTS, LIF_UPDATE, starts, first, spikes)
    assert list(core) == [0, 0, 1, 1, 1, 2]
    expected = np.concatenate([
        emission_cycles(COSTS, LIF_UPDATE, 1000, [2, 9]),
        emission_cycles(COSTS, LIF_UPDATE, 0, [0, 1, 4]),
        emission_cycles(COSTS, LIF_UPDATE, 500, [5]),
    ])  # fmt: skip
    assert list(got) == list(expected)


def test_emission_cycles_by_core_of_one_size():
    """Cores of 4 neurons but the last, of 7 (the path without a search): the same cycles as
    one call per core, a spike past 4 x 4 staying in the last core."""
    first, starts = [0, 4, 8, 12], [100, 200, 300, 400]
    spikes = [0, 3, 4, 9, 10, 11, 12, 16, 18]
    core, got = emission_cycles_by_core(COSTS, LIF_UPDATE, starts, first, spikes)
    assert list(core) == [0, 0, 1, 2, 2, 2, 3, 3, 3]
    expected = np.concatenate([
        emission_cycles(COSTS, LIF_UPDATE, 100, [0, 3]),
        emission_cycles(COSTS, LIF_UPDATE, 200, [0]),
        emission_cycles(COSTS, LIF_UPDATE, 300, [1, 2, 3]),
        emission_cycles(COSTS, LIF_UPDATE, 400, [0, 4, 6]),
    ])  # fmt: skip
    assert list(got) == list(expected)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_emission_cycles_by_core_equal_per_core_calls_at_random(seed, n_cores):
    """Cores of random sizes (one neuron and up), random spikes (none, or past the last core's
    first neuron): the cycles of one call per core, and each spike's core."""
    rng = np.random.default_rng(seed)
    first = np.r_[0, np.cumsum(rng.integers(1, 9, n_cores - 1))]
    n = int(first[-1]) + int(rng.integers(1, 9))
    spikes = np.flatnonzero(rng.random(n) < rng.random())
    starts = rng.integers(0, 5000, n_cores)
    core, got = emission_cycles_by_core(COSTS, LIF_UPDATE, starts, first, spikes)
    want_core = np.searchsorted(first, spikes, side="right") - 1
    np.testing.assert_array_equal(core, want_core)
    expected = [
        emission_cycles(COSTS, LIF_UPDATE, int(starts[c]), spikes[want_core == c] - first[c])
        for c in range(n_cores)
    ]
    np.testing.assert_array_equal(got, np.concatenate(expected).astype(np.int64))


@pytest.mark.parametrize(
    ("first", "spikes", "message"),
    [([1, 4], [2], "core_first must start at 0"), ([0, 4, 4], [2], "core_first must start"),
     ([0, 4], [3, 3], "spikes must be increasing"), ([0, 4], [-1, 2], "spikes must be")],
)  # fmt: skip
def test_emission_cycles_by_core_refuses_unordered_input(first, spikes, message):
    with pytest.raises(ValueError, match=message):
        emission_cycles_by_core(COSTS, LIF_UPDATE, np.zeros(len(first)), first, spikes)


def test_spike_source_cost_is_its_own_field():
    """A spike source (model None) costs spike_source_cycles per neuron."""
    costs = COSTS.model_copy(update={"spike_source_cycles": 7})
    assert update_cycles(costs, None) == 7


def test_unknown_model_lists_the_known_ones():
    """A model without a cost is refused with the known names."""
    with pytest.raises(ValueError, match="known: lif_fixed"):
        update_cycles(COSTS, NeuronModel.EGRU)


def test_packet_batch_by_hand_with_queueing_and_overrun():
    """Services 112, 316, 40 (receive 40, steps x 6, DMA 60, words x 20); FIFO from cycle 50.

    p0 arrives 0, starts 50 (PE busy), ends 162; p1 arrives 100, waits, ends 478;
    p2 arrives 1000, ends 1040. Tick ends at 1010: overrun 30.
    """
    service = packet_service_cycles(COSTS, [2, 6, 0], [3, 9, 0], [False, True, False])
    assert list(service) == [40 + 12 + 60, 40 + 36 + 60 + 180, 40]
    r = packet_batch_cycles(COSTS, [0, 100, 1000], [2, 6, 0], [3, 9, 0], [False, True, False],
                            free_at=50, tick_end=1010)  # fmt: skip
    assert list(r.finish) == [50 + 112, 162 + 316, 1040]
    assert (r.busy_cycles, r.free_at, r.overrun_cycles) == (468, 1040, 30)


def test_empty_batch_costs_nothing():
    """No packets: no busy cycles; the PE stays free at free_at."""
    r = packet_batch_cycles(COSTS, [], [], [], [], free_at=70, tick_end=60)
    assert (r.busy_cycles, r.free_at, r.overrun_cycles, r.finish.size) == (0, 70, 10, 0)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 50), free_at=st.integers(0, 5000))
def test_vectorised_fifo_matches_a_plain_loop(seed, n, free_at):
    """The cumulative-max form equals start = max(arrival, previous finish) packet by packet."""
    rng = np.random.default_rng(seed)
    arrival = np.sort(rng.integers(0, 5000, n))
    steps, words, dram = rng.integers(0, 12, n), rng.integers(0, 300, n), rng.random(n) < 0.3
    r = packet_batch_cycles(COSTS, arrival, steps, words, dram, free_at=free_at, tick_end=4000)
    service = packet_service_cycles(COSTS, steps, words, dram)
    t, expected = free_at, []
    for a, s in zip(arrival, service, strict=True):
        t = max(int(a), t) + int(s)
        expected.append(t)
    assert list(r.finish) == expected and r.overrun_cycles == max(0, t - 4000)


def test_out_of_order_arrivals_are_refused():
    """Arrivals must be in arrival order."""
    with pytest.raises(ValueError, match="non-decreasing"):
        packet_batch_cycles(COSTS, [5, 1], [0, 0], [0, 0], [0, 0], free_at=0, tick_end=10)
