"""The TrueNorth ideal simulation of a mapped network against a plain NumPy run of the
unmapped network (no crossbar, no axons, no splitters: synapses summed directly, each at the
mapped delay the layout reports), and on networks whose answer is known."""

from pathlib import Path

import numpy as np
import pytest

from chipsim.config import load_config
from chipsim.mapping.truenorth import map_truenorth
from chipsim.network.description import Network, NeuronPopulation, PoissonSource
from chipsim.network.expand import expand
from chipsim.rng import Stream, counter_rng
from chipsim.sim.truenorth_ideal import simulate_truenorth_ideal
from cores.reference.rng import draw_words
from cores.reference.truenorth import update
from cores.rng import RngStream
from cores.truenorth import THRESHOLD_MAX, TrueNorthNeurons

CONFIG = load_config(Path(__file__).resolve().parents[3] / "configs" / "truenorth.yaml")
DT = 1e-3


def _reference(layout, ticks: int, seed: int, stochastic_draws: bool = False):
    """Spikes (tick, id) of the unmapped network: TrueNorth equations over global ids.

    Synaptic input of neuron q in tick t is the sum of the weights of synapses whose pre fired
    in tick t - mapped_delay. Neuron updates use the NumPy twin of the kernel; with
    ``stochastic_draws`` the leak and threshold draws are keyed by where the layout put each
    neuron (router of its core, slot), as the chip would draw them.
    """
    net = layout.net
    n = net.n_neurons
    values = {"threshold": np.full(n, THRESHOLD_MAX)}
    for spec in net.network.populations:
        if isinstance(spec, NeuronPopulation):
            ids = net.ids(spec.name)
            for name, value in {"threshold": 0, **spec.params}.items():
                values.setdefault(name, np.zeros(n, dtype=np.int64))[ids] = np.asarray(value)
    params = TrueNorthNeurons.from_values(n, **values)
    conns = net.connections
    delay = layout.mapped_delay
    pending = np.zeros((int(delay.max(initial=1)) + 1, n), dtype=np.int64)
    v = np.zeros(n, dtype=np.int32)
    core = layout.router[layout.core_of].astype(np.uint32)
    out = []
    for tick in range(ticks):
        draws = None
        if stochastic_draws:
            words = [
                draw_words(seed, core, np.full(n, tick, np.uint32),
                           np.full(n, stream, np.uint32), layout.slot_of.astype(np.uint64))
                for stream in (RngStream.TN_LEAK, RngStream.TN_THRESHOLD)
            ]  # fmt: skip
            draws = np.stack(words, axis=1).astype(np.uint32)
        slot = tick % len(pending)
        syn_input = pending[slot].astype(np.int32)
        pending[slot] = 0
        v, fired, _, _ = update(params, v, syn_input, np.arange(n), tick, seed, draws=draws)
        fired = fired.astype(bool) & _is_neuron(net)
        fired[_source_spikes(net, tick, seed)] = True
        sent = fired[conns.pre]
        np.add.at(pending, ((tick + delay[sent]) % len(pending), conns.post[sent]),
                  conns.weight[sent].astype(np.int64))  # fmt: skip
        out += [(tick, int(i)) for i in np.flatnonzero(fired)]
    return out


def _is_neuron(net) -> np.ndarray:
    return np.repeat(net.is_neuron(), net.sizes)


def _source_spikes(net, tick: int, seed: int) -> np.ndarray:
    """Global ids of the sources that fire in ``tick`` (Poisson: one draw per neuron, p = r dt)."""
    ids = []
    for g, spec in enumerate(net.network.populations):
        first = int(net.offsets[g])
        if isinstance(spec, PoissonSource):
            rng = counter_rng(seed, Stream.SPIKE_SOURCE, g, tick)
            ids += (first + np.flatnonzero(rng.random(spec.size) < spec.rate_hz * DT)).tolist()
        elif spec.model == "spike_array":
            ids += [first + i for t, i in spec.spikes if t == tick]
    return np.array(ids, dtype=np.int64)


def _pairs(trace) -> list:
    return list(zip(trace.tick.tolist(), trace.neuron.tolist(), strict=True))


def test_mapped_network_with_splitters_equals_unmapped_reference(mixed_tn_network) -> None:
    """Ideal run of the mapped network == NumPy run of the network with the splitter delays."""
    layout = map_truenorth(CONFIG, expand(mixed_tn_network, seed=3))
    assert layout.n_splitters > 0 and layout.levels.max() == 1
    trace = simulate_truenorth_ideal(layout, 80, seed=5)
    expected = _reference(layout, 80, seed=5)
    assert _pairs(trace) == expected
    net = layout.net
    for name in ("a", "b", "c"):  # every population is active, so the comparison means something
        assert np.isin(trace.neuron, net.ids(name)).sum() > 20, name


def test_two_splitter_levels_add_two_ticks() -> None:
    """A source driving 5 cores x 15 delays x 4 types (> 256 axons) gets two levels: +2 ticks."""
    size = 5 * 256
    weights = [1 + i % 4 for i in range(size)]
    network = Network.model_validate({
        "populations": [
            {"name": "hub", "size": 1, "model": "spike_array", "spikes": [(0, 0), (20, 0)]},
            {"name": "p", "size": size, "model": "truenorth", "params": {"threshold": 1}},
        ],
        "projections": [{
            "pre": "hub", "post": "p", "weight": weights, "delay": {"low": 1, "high": 15},
            "connector": {"kind": "from_list", "connections": [(0, i) for i in range(size)]},
        }],
    })  # fmt: skip
    layout = map_truenorth(CONFIG, expand(network, seed=1))
    assert layout.levels[0] == 2
    trace = simulate_truenorth_ideal(layout, 40)
    delay = layout.net.connections.delay
    post = trace.neuron[trace.neuron > 0]
    expected = np.sort(np.concatenate([delay + 2, delay + 22]))
    assert np.array_equal(np.sort(trace.tick[trace.neuron > 0]), expected)
    assert np.array_equal(np.bincount(post, minlength=size + 1)[1:], np.full(size, 2))
    assert _pairs(trace) == _reference(layout, 40, seed=0)


def test_stochastic_leak_and_threshold_use_the_draws_of_their_core_and_slot() -> None:
    """Stochastic leak and threshold: mapped run == reference with draws keyed by placement."""
    network = Network.model_validate({
        "populations": [
            {"name": "input", "size": 20, "model": "poisson", "rate_hz": 100.0},
            {"name": "s", "size": 300, "model": "truenorth",
             "params": {"threshold": 20, "threshold_mask": 15, "leak": 60,
                        "stochastic_leak": 1, "reset_mode": 1}},
        ],
        "projections": [{"pre": "input", "post": "s", "weight": 2,
                         "connector": {"kind": "fixed_probability", "p": 0.3}}],
    })  # fmt: skip
    layout = map_truenorth(CONFIG, expand(network, seed=2))
    trace = simulate_truenorth_ideal(layout, 100, seed=9)
    assert np.isin(trace.neuron, layout.net.ids("s")).sum() > 100
    assert _pairs(trace) == _reference(layout, 100, seed=9, stochastic_draws=True)


@pytest.mark.parametrize("with_splitters", [False, True])
def test_synfire_chain_propagates_with_the_programmed_delays(with_splitters: bool) -> None:
    """Group k fires once, all together, at tick 1 + sum of delays (+1 per splitter level)."""
    n, delays = 129, [1, 4, 15, 2, 7]  # 129: one group per core (two would need 258 slots)
    groups = [{"name": f"g{i}", "size": n, "model": "truenorth", "params": {"threshold": n}}
              for i in range(len(delays) + 1)]  # fmt: skip
    stim = {"name": "stim", "size": n, "model": "spike_array", "spikes": [(0, i) for i in range(n)]}
    projections = [
        {"pre": "stim", "post": "g0", "connector": {"kind": "one_to_one"}, "weight": n},
    ] + [
        {"pre": f"g{i}", "post": f"g{i + 1}", "connector": {"kind": "all_to_all"}, "weight": 1,
         "delay": d} for i, d in enumerate(delays)
    ]  # fmt: skip
    if with_splitters:  # a second target core for every neuron of g0..g4: one splitter level
        for i in range(len(delays)):
            groups.append({"name": f"monitor{i}", "size": n, "model": "truenorth",
                           "params": {"threshold": 255}})  # fmt: skip
            projections.append({"pre": f"g{i}", "post": f"monitor{i}", "weight": 1,
                                "connector": {"kind": "one_to_one"}})  # fmt: skip
    network = Network.model_validate({"populations": [stim, *groups], "projections": projections})
    layout = map_truenorth(CONFIG, expand(network, seed=0))
    trace = simulate_truenorth_ideal(layout, 60)
    extra = 1 if with_splitters else 0
    assert layout.n_splitters == (n * len(delays) * 2 if with_splitters else 0)
    expected_tick = np.cumsum([1] + [d + extra for d in delays])
    for k, tick in enumerate(expected_tick):
        fired = trace.tick[np.isin(trace.neuron, layout.net.ids(f"g{k}"))]
        assert fired.size == n and np.all(fired == tick), (k, np.unique(fired))
    assert np.isin(trace.neuron, layout.net.ids("stim")).sum() == n
    assert len(trace) == n * (len(delays) + 2)  # nothing else fired (monitors stay below 255)


def test_poisson_sources_are_the_draws_of_their_stream() -> None:
    """Source spikes in the trace are exactly rng.random(size) < rate * dt per tick."""
    network = Network.model_validate({
        "populations": [
            {"name": "x", "size": 3, "model": "truenorth"},
            {"name": "input", "size": 500, "model": "poisson", "rate_hz": 50.0},
        ],
        "projections": [{"pre": "input", "post": "x", "weight": 0,
                         "connector": {"kind": "fixed_in_degree", "n": 100}}],
    })  # fmt: skip
    layout = map_truenorth(CONFIG, network, seed=0)
    trace = simulate_truenorth_ideal(layout, 50, seed=11)
    source = trace.neuron >= 3
    for tick in range(50):
        rng = counter_rng(11, Stream.SPIKE_SOURCE, 1, tick)
        expected = 3 + np.flatnonzero(rng.random(500) < 50.0 * DT)
        assert np.array_equal(trace.neuron[source & (trace.tick == tick)], expected)
    assert abs(source.sum() / (500 * 50 * DT) - 50.0) < 3 * np.sqrt(50.0 / (500 * 50 * DT))
