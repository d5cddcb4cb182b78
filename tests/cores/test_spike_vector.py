"""Spike vectors to indices against np.flatnonzero, and to emission cycles against the cost
model."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores.cost import emission_cycles_by_core
from cores.params import CycleCosts, NeuronModel
from cores.spike_vector import core_emissions, spike_indices

COSTS = CycleCosts(
    timer_tick_cycles=200, neuron_update_cycles={NeuronModel.TRUENORTH: 37},
    synaptic_event_cycles=20, spike_send_cycles=10,
)  # fmt: skip


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 100), st.floats(0.0, 1.0))
def test_indices_equal_flatnonzero(seed, n, density):
    """Any length (ragged tails of the 8-entry words), any density, values other than 1."""
    rng = np.random.default_rng(seed)
    spikes = ((rng.random(n) < density) * rng.integers(1, 256, n)).astype(np.uint8)
    got = spike_indices(spikes)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.flatnonzero(spikes))


def test_wrong_dtype_is_refused():
    with pytest.raises(ValueError, match="uint8"):
        spike_indices(np.ones(4, dtype=np.int32))


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(1, 40), st.floats(0.0, 1.0))
def test_core_emissions_equal_indices_then_emission_cycles(seed, n_cores, per_core, density):
    """One pass over the vector gives spike_indices, emission_cycles_by_core and the spikes
    per core (cores of any size: ragged 8-entry words inside and at the end of a core)."""
    rng = np.random.default_rng(seed)
    spikes = ((rng.random(n_cores * per_core) < density) * rng.integers(1, 256)).astype(np.uint8)
    start = rng.integers(0, 10_000, n_cores)
    index, cycle, fired = core_emissions(spikes, per_core, start, COSTS, 37)
    expected = spike_indices(spikes)
    first = np.arange(n_cores) * per_core
    core, expected_cycle = emission_cycles_by_core(COSTS, 37, start, first, expected)
    np.testing.assert_array_equal(index, expected)
    np.testing.assert_array_equal(cycle, expected_cycle)
    np.testing.assert_array_equal(fired, np.bincount(core, minlength=n_cores))


def test_core_emissions_refuse_a_vector_of_another_length():
    with pytest.raises(ValueError, match="9 spike flags for 2 cores of 4 neurons"):
        core_emissions(np.zeros(9, np.uint8), 4, np.zeros(2, np.int64), COSTS, 1)
