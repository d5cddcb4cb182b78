"""TrueNorth crossbar: bit layout, delay rings, hand-worked integration (Cassidy 2013 eq. 1-2)."""

import numpy as np
import pytest

from cores.crossbar import CrossbarCores
from cores.rng import RngStream, draws
from cores.truenorth import TrueNorthNeurons, update_neurons


def one_core(pairs, types=None):
    """A 1-core crossbar with the given (axon, neuron) synapses and axon types {axon: G}."""
    conn = np.zeros((1, 256, 256), dtype=bool)
    for a, n in pairs:
        conn[0, a, n] = True
    axon_type = np.zeros((1, 256), dtype=np.uint8)
    for a, g in (types or {}).items():
        axon_type[0, a] = g
    return CrossbarCores.from_dense(conn, axon_type)


def integrate(xbar, neurons, tick, seed=0, syn_draws=None, core_ids=(0,)):
    syn = np.full(256 * xbar.n_cores, -99, dtype=np.int32)
    counts = xbar.integrate(
        neurons, syn, core_ids=np.array(core_ids), tick=tick, seed=seed, syn_draws=syn_draws
    )
    return syn, counts


def test_bit_layout_and_round_trip():
    """Axon 3 -> neuron 65 is bit 1 of word 1 of row 3; to_dense inverts from_dense."""
    xbar = one_core([(3, 65)])
    assert xbar.rows[0, 3].tolist() == [0, 2, 0, 0]
    conn = np.random.default_rng(0).random((2, 256, 256)) < 0.3
    np.testing.assert_array_equal(
        CrossbarCores.from_dense(conn, np.zeros((2, 256))).to_dense(), conn
    )


def test_deliver_sets_slot_of_arrival_tick():
    """At tick 20 axon 70 with delay 3 lands in slot (20 + 3) mod 16 = 7, word 1, bit 6."""
    xbar = one_core([])
    assert xbar.deliver(0, 70, 3, tick=20) == 1
    assert np.flatnonzero(xbar.ring[0, :, 1]).tolist() == [7]
    assert xbar.ring[0, 7].tolist() == [0, 1 << 6, 0, 0]


@pytest.mark.parametrize(
    ("kwargs", "what"),
    [
        ({"delay": 0}, "delay"),
        ({"delay": 16}, "delay"),
        ({"axon": 256}, "axon"),
        ({"core": 1}, "core"),
    ],
)
def test_bad_deliveries_are_refused(kwargs, what):
    """Delay outside 1..15, axon outside 0..255 or an unknown core raise ValueError naming it."""
    args = {"core": 0, "axon": 0, "delay": 1} | kwargs
    with pytest.raises(ValueError, match=what):
        one_core([]).deliver(**args, tick=0)


def test_deterministic_integration_by_axon_type():
    """Axon 0 (type 0) and axon 1 (type 2) active; neuron 5 on both: I = s0 + s2 = 3 + (-7) =
    -4; neuron 6 on axon 0 only: 3; others 0. Events 3 (pairs), row reads 2 (axons)."""
    xbar = one_core([(0, 5), (1, 5), (0, 6), (9, 5)], types={1: 2, 9: 1})
    neurons = TrueNorthNeurons.from_values(256, weights=[3, 50, -7, 80])
    xbar.deliver([0, 0], [0, 1], 1, tick=4)
    syn, counts = integrate(xbar, neurons, tick=5)
    want = np.zeros(256, np.int32)
    want[5], want[6] = -4, 3
    np.testing.assert_array_equal(syn, want)
    assert tuple(counts) == (3, 2, 0)


def test_input_arrives_after_its_delay_and_is_consumed():
    """Delivered at tick 10 with delay 3: nothing at 11 and 12, s0 = 4 at 13, then cleared
    (tick 29 = 13 + 16 reads the same slot and finds it empty)."""
    xbar = one_core([(2, 0)])
    neurons = TrueNorthNeurons.from_values(256, weights=[4, 0, 0, 0])
    xbar.deliver(0, 2, 3, tick=10)
    got = {t: integrate(xbar, neurons, tick=t)[0][0] for t in (11, 12, 13, 29)}
    assert got == {11: 0, 12: 0, 13: 4, 29: 0}


def test_stochastic_synapse_injected_draws():
    """b = 1: F(s, rho) = sgn(s) if |s| >= rho. Neuron 0, s = -100: rho 100 -> -1. Neuron 1,
    rho 101 -> 0. Neuron 2, s = +5 (type 1): rho 5 -> +1. Neuron 3, rho 6 -> 0."""
    xbar = one_core([(0, 0), (0, 1), (1, 2), (1, 3)], types={1: 1})
    neurons = TrueNorthNeurons.from_values(
        256, weights=[-100, 5, 0, 0], stochastic_synapse=[1, 1, 0, 0]
    )
    rho = np.zeros((1, 256, 256), np.uint8)
    rho[0, 0, 0], rho[0, 0, 1], rho[0, 1, 2], rho[0, 1, 3] = 100, 101, 5, 6
    xbar.deliver([0, 0], [0, 1], 1, tick=0)
    syn, counts = integrate(xbar, neurons, tick=1, syn_draws=rho)
    assert syn[:4].tolist() == [-1, 0, 1, 0]
    assert tuple(counts) == (4, 2, 4)


def test_stochastic_synapse_with_fixed_seed():
    """seed 5, core 12, tick 3, s = 128 stochastic, all 256 axons -> neuron 7: I_7 counts the
    axons a whose byte draw(5, 12, 3, TN_SYNAPSE, a * 256 + 7) is <= 128."""
    xbar = one_core([(a, 7) for a in range(256)])
    neurons = TrueNorthNeurons.from_values(256, weights=[128, 0, 0, 0], stochastic_synapse=1)
    xbar.deliver(0, np.arange(256), 3, tick=0)
    syn, counts = integrate(xbar, neurons, tick=3, seed=5, core_ids=(12,))
    byte = draws(5, 12, 3, RngStream.TN_SYNAPSE, np.arange(256) * 256 + 7) & 0xFF
    assert syn[7] == int((byte <= 128).sum())
    assert 100 < syn[7] < 160  # P = 129/256
    assert tuple(counts) == (256, 256, 256)


def test_integration_needs_256_neurons_per_core():
    """A crossbar core feeds exactly 256 neurons."""
    neurons = TrueNorthNeurons.from_values(128)
    with pytest.raises(ValueError, match="256 neurons"):
        one_core([]).integrate(neurons, np.zeros(128, np.int32), core_ids=[0], tick=0, seed=0)


def test_delayed_spike_makes_neuron_fire_on_arrival_tick():
    """Crossbar then neuron update, ticks 0..5: axon 9 (type 1, s = 6) spikes at tick 1 with
    delay 3 into neuron 4 (alpha 5, lambda -1, R 0). Tick 4: V = 0 + 6 - 1 = 5 >= 5, fires,
    resets to 0; on other ticks 0 - 1 = -1 < -beta = 0 saturates back to 0 (kappa 1)."""
    xbar = one_core([(9, 4)], types={9: 1})
    neurons = TrueNorthNeurons.from_values(
        256, weights=[0, 6, 0, 0], leak=-1, threshold=5, neg_threshold=0, neg_saturate=1
    )
    v, syn, spikes = np.zeros(256, np.int32), np.zeros(256, np.int32), np.zeros(256, np.uint8)
    fired = []
    for tick in range(6):
        xbar.integrate(neurons, syn, core_ids=[0], tick=tick, seed=0)
        update_neurons(neurons, v, syn, spikes, core_ids=[0], tick=tick, seed=0)
        fired.append(np.flatnonzero(spikes).tolist())
        if tick == 1:
            xbar.deliver(0, 9, 3, tick=tick)
    assert fired == [[], [], [], [], [4], []]
    assert v[4] == 0


def test_counts_per_core():
    """Two cores: core 0 has axon 1 -> neurons 0..9 active (10 events, 1 row), core 1 has two
    active axons with 3 and 0 synapses (3 events, 2 rows)."""
    conn = np.zeros((2, 256, 256), dtype=bool)
    conn[0, 1, :10] = True
    conn[1, 5, 200:203] = True
    xbar = CrossbarCores.from_dense(conn, np.zeros((2, 256)))
    xbar.deliver([0, 1, 1], [1, 5, 6], 1, tick=0)
    per_core = np.empty((2, 3), np.int64)
    syn = np.empty(512, np.int32)
    neurons = TrueNorthNeurons.from_values(512, weights=[1, 0, 0, 0])
    total = xbar.integrate(neurons, syn, core_ids=[0, 1], tick=1, seed=0, core_counts=per_core)
    assert per_core.tolist() == [[10, 1, 0], [3, 2, 0]]
    assert tuple(total) == (13, 3, 0)
