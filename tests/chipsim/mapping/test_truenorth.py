"""The TrueNorth mapper: placement, capacities, crossbar contents walked synapse by synapse,
splitters, and each kind of refusal."""

from pathlib import Path

import numpy as np
import pytest

from chipsim.config import load_config
from chipsim.mapping.errors import MappingError
from chipsim.mapping.truenorth import EMPTY, SPLITTER, CoreRole, map_truenorth
from chipsim.network.description import Network
from chipsim.network.expand import expand
from chipsim.rng import Stream, counter_rng

TRUENORTH = Path(__file__).resolve().parents[3] / "configs" / "truenorth.yaml"
CONFIG = load_config(TRUENORTH)


def _random_network(seed: int, n_pops: int) -> Network:
    """Random TrueNorth populations (20..400 neurons) and a Poisson source; each population
    gets 1..3 projections from random pres, a quarter of a synapse per post neuron each on
    average (so a core's axons stay within 256), random weights and delays 1..3."""
    rng = counter_rng(seed, Stream.GENERATOR)
    sizes = {"in": int(rng.integers(5, 60))}
    sizes |= {f"p{i}": int(rng.integers(20, 400)) for i in range(n_pops)}
    populations = [{"name": "in", "size": sizes["in"], "model": "poisson", "rate_hz": 10.0}]
    populations += [
        {"name": name, "size": size, "model": "truenorth",
         "params": {"threshold": int(rng.integers(1, 20))}}
        for name, size in sizes.items() if name != "in"
    ]  # fmt: skip
    projections = []
    for post in list(sizes)[1:]:
        for pre in rng.choice(list(sizes), size=int(rng.integers(1, 4)), replace=False).tolist():
            projections.append({
                "pre": pre, "post": post, "weight": int(rng.integers(-5, 6)),
                "delay": {"low": 1, "high": int(rng.integers(1, 4))},
                "connector": {"kind": "fixed_probability", "p": 0.25 / sizes[pre]},
            })  # fmt: skip
    return Network.model_validate({"populations": populations, "projections": projections})


def _reach(layout, dense, slot: int) -> list[tuple[int, int, int]]:
    """(core, axon, delay from the spike) of every non-splitter axon a slot's spikes reach."""
    core, axon, delay = (int(layout.target_core[slot]), int(layout.target_axon[slot]),
                         int(layout.target_delay[slot]))  # fmt: skip
    if core < 0:
        return []
    if layout.role[core] != CoreRole.SPLITTERS:
        return [(core, axon, delay)]
    out = []
    for j in np.flatnonzero(dense[core, axon]):  # a splitter fires in the tick its axon is active
        out += [(c, a, delay + d) for c, a, d in _reach(layout, dense, core * 256 + int(j))]
    return out


@pytest.mark.parametrize(("seed", "n_pops"), [(1, 2), (2, 4), (3, 6)])
def test_every_neuron_placed_once_within_capacity(seed: int, n_pops: int) -> None:
    """Each id sits in exactly one slot; no core holds more than 256 neurons or axons."""
    layout = map_truenorth(CONFIG, expand(_random_network(seed, n_pops), seed), seed)
    net = layout.net
    placed = layout.slot_neuron[layout.slot_neuron >= 0]
    assert np.array_equal(np.sort(placed), np.arange(net.n_neurons))
    assert np.array_equal(layout.slot_neuron[layout.slots(np.arange(net.n_neurons))],
                          np.arange(net.n_neurons))  # fmt: skip
    per_core = (layout.slot_neuron.reshape(-1, 256) != EMPTY).sum(axis=1)
    assert per_core.max() <= 256 and layout.axons_used.max() <= 256
    dense = layout.crossbar.to_dense()
    assert np.array_equal(dense.any(axis=2).sum(axis=1), layout.axons_used)
    assert dense.sum() == len(net.connections) + layout.n_splitters
    assert np.array_equal(layout.router, np.arange(layout.n_cores))
    is_source = np.repeat(~net.is_neuron(), net.sizes)
    role = layout.role[layout.core_of]
    assert np.all(role[is_source] == CoreRole.INPUT) and np.all(role[~is_source] == 0)
    splitter_cores = layout.role == CoreRole.SPLITTERS
    assert np.all(layout.slot_neuron.reshape(-1, 256)[splitter_cores] < 0)
    targeted = layout.target_core >= 0
    pairs = layout.target_core[targeted] * 256 + layout.target_axon[targeted]
    assert len(np.unique(pairs)) == len(pairs)  # one driver per axon
    assert np.array_equal(np.sort(pairs), np.flatnonzero(dense.any(axis=2).ravel()))


def _walk_matches_synapses(layout) -> None:
    """Following each neuron's target through its splitters reaches exactly its synapses,
    each with its weight (via the axon type) and its mapped delay."""
    conns, dense = layout.net.connections, layout.crossbar.to_dense()
    weights = layout.neurons.weights
    found = []
    for pre in np.unique(conns.pre).tolist():
        for core, axon, delay in _reach(layout, dense, int(layout.slots(np.array([pre]))[0])):
            kind = layout.crossbar.axon_type[core, axon]
            for j in np.flatnonzero(dense[core, axon]).tolist():
                post = int(layout.slot_neuron[core * 256 + j])
                found.append((pre, post, int(weights[core * 256 + j, kind]), delay))
    expected = list(zip(conns.pre.tolist(), conns.post.tolist(),
                        conns.weight.astype(int).tolist(), layout.mapped_delay.tolist(),
                        strict=True))  # fmt: skip
    assert sorted(found) == sorted(expected)
    assert np.array_equal(layout.mapped_delay - conns.delay, layout.levels[conns.pre])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_crossbar_walk_gives_every_synapse_its_weight_and_mapped_delay(seed: int) -> None:
    """Random networks: the crossbars, types and splitters hold exactly the synapses."""
    layout = map_truenorth(CONFIG, expand(_random_network(seed, 2 * seed), seed), seed)
    _walk_matches_synapses(layout)
    assert layout.levels.max() >= 1


def test_smaller_cores_get_smaller_splitter_groups() -> None:
    """Cores of 16 neurons: slices of 16, splitter groups of 16, several levels, same synapses."""
    small = load_config(TRUENORTH, ["pe.max_neurons=16"])
    network = Network.model_validate({
        "populations": [{"name": "hub", "size": 2, "model": "spike_array", "spikes": []},
                        {"name": "x", "size": 300, "model": "truenorth"}],
        "projections": [{"pre": "hub", "post": "x", "weight": 1, "delay": 3,
                         "connector": {"kind": "all_to_all"}}],
    })  # fmt: skip
    layout = map_truenorth(small, network)
    per_core = (layout.slot_neuron.reshape(-1, 256) != EMPTY).sum(axis=1)
    assert per_core.max() <= 16 and np.all(layout.levels[:2] == 2)  # 19 target cores > 16
    _walk_matches_synapses(layout)


def test_core_with_many_weights_types_per_neuron() -> None:
    """Six weights on one core, three per neuron: types are ranked per neuron, and a pre
    neuron needs an axon per type it uses on the core (and splitters to reach them)."""
    pairs = [(i, j) for i in range(4) for j in range(10)]
    network = Network.model_validate({
        "populations": [
            {"name": "src", "size": 4, "model": "spike_array", "spikes": []},
            {"name": "post", "size": 10, "model": "truenorth"},
        ],
        "projections": [{
            "pre": "src", "post": "post", "connector": {"kind": "from_list", "connections": pairs},
            "weight": [6 - i % 3 if j >= 5 else 1 + i % 3 for i, j in pairs],
        }],
    })  # fmt: skip
    layout = map_truenorth(CONFIG, network)
    assert set(layout.neurons.weights[layout.slots(np.arange(4, 14)), :3].ravel()) == set(
        range(1, 7)
    )
    # pre 1 sends 2 (rank 1 of 1, 2, 3) and 5 (rank 1 of 4, 5, 6): one axon; the others two
    assert layout.axons_used[0] == 7
    assert np.array_equal(layout.levels[:4], [1, 0, 1, 1])
    _walk_matches_synapses(layout)


def test_splitter_neurons_fire_on_their_axon_alone() -> None:
    """A splitter: weight 1 on type 0, threshold 1, no leak, reset to 0, one input axon."""
    network = Network.model_validate({
        "populations": [
            {"name": "src", "size": 3, "model": "spike_array", "spikes": [(0, 0)]},
            {"name": "a", "size": 200, "model": "truenorth"},
            {"name": "b", "size": 200, "model": "truenorth"},
        ],
        "projections": [{"pre": "src", "post": p, "weight": 1, "connector": {"kind": "all_to_all"}}
                        for p in ("a", "b")],
    })  # fmt: skip
    layout = map_truenorth(CONFIG, network)
    split = np.flatnonzero(layout.slot_neuron == SPLITTER)
    assert len(split) == 6 and np.all(layout.levels[:3] == 1) and np.all(layout.levels[3:] == 0)
    n = layout.neurons
    assert np.all(n.weights[split] == [1, 0, 0, 0]) and np.all(n.threshold[split] == 1)
    assert np.all(n.leak[split] == 0) and np.all(n.reset_value[split] == 0)
    dense = layout.crossbar.to_dense()
    assert np.all(dense[split // 256, :, split % 256].sum(axis=1) == 1)
    assert np.all(layout.target_delay[split] == 1)


def _refused(network: dict, *fragments: str, config=CONFIG) -> None:
    with pytest.raises(MappingError) as info:
        map_truenorth(config, Network.model_validate(network))
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def _two_pops(projections: list, params: dict | None = None, model: str = "truenorth") -> dict:
    return {
        "populations": [
            {"name": "src", "size": 10, "model": "poisson", "rate_hz": 5.0},
            {"name": "post", "size": 10, "model": model, "params": params or {}},
        ],
        "projections": [
            {"pre": "src", "post": "post", "connector": {"kind": "one_to_one"}, **p}
            for p in projections
        ],
    }


def test_refuses_more_than_four_weights_per_neuron() -> None:
    """Five distinct incoming weights: refused naming the population and the limit of 4."""
    network = _two_pops([{"weight": w} for w in (1, 2, 3, 4, 5)])
    _refused(network, "population 'post'", "5 distinct weights", "at most 4")


@pytest.mark.parametrize("weight", [256.0, -300.0, 0.5])
def test_refuses_weights_out_of_range_or_not_integer(weight: float) -> None:
    """Weights must be integers in [-255, 255]."""
    _refused(_two_pops([{"weight": weight}]), "population 'post'", "[-255, 255]", str(weight))


def test_refuses_too_many_cores() -> None:
    """Five cores of neurons on a 2 x 2 chip: refused with both counts."""
    small = load_config(TRUENORTH, ["topology.width=2", "topology.height=2"])
    network = {"populations": [{"name": "big", "size": 5 * 256, "model": "truenorth"}]}
    _refused(network, "needs 5 TrueNorth cores", "has 4", config=small)


def test_refuses_splitter_cores_past_the_chip() -> None:
    """Neuron cores fit but their splitters do not: the count includes the splitter cores."""
    small = load_config(TRUENORTH, ["topology.width=2", "topology.height=2"])
    network = {
        "populations": [{"name": "src", "size": 200, "model": "spike_array", "spikes": []},
                        {"name": "x", "size": 512, "model": "truenorth"}],
        "projections": [{"pre": "src", "post": "x", "weight": 1,
                         "connector": {"kind": "all_to_all"}}],
    }  # fmt: skip
    _refused(network, "needs 5 TrueNorth cores", "2 for splitters", "has 4", config=small)


def test_refuses_unknown_parameter_listing_known_ones() -> None:
    """An unknown neuron parameter is named along with the known ones."""
    _refused(_two_pops([{"weight": 1}], {"tau_m": 3.0}), "'post'", "tau_m", "threshold")


def test_refuses_out_of_range_parameter_and_other_models() -> None:
    """A parameter out of its range (also in a per-neuron list) or not an integer, and a LIF
    population, are refused naming the population."""
    _refused(_two_pops([{"weight": 1}], {"leak": 900}), "'post'", "leak")
    _refused(_two_pops([{"weight": 1}], {"threshold": [1] * 9 + [-1]}), "'post'", "threshold")
    _refused(_two_pops([{"weight": 1}], {"threshold": 2.5}), "'post'", "threshold", "integers")
    _refused(_two_pops([{"weight": 1}], model="lif_fixed"), "'post'", "lif_fixed", "truenorth")


def test_refuses_long_delays_and_too_many_axons() -> None:
    """Delay 16 exceeds the 15-tick delay buffer; 300 pre neurons need 300 axons."""
    _refused(_two_pops([{"weight": 1, "delay": 16}]), "delay 16", "15")
    network = {
        "populations": [{"name": "src", "size": 300, "model": "spike_array", "spikes": []},
                        {"name": "x", "size": 10, "model": "truenorth"}],
        "projections": [{"pre": "src", "post": "x", "weight": 1,
                         "connector": {"kind": "all_to_all"}}],
    }  # fmt: skip
    _refused(network, "core 0 (population 'x')", "300 axons", "256")


def test_refuses_two_synapses_on_one_crossbar_bit() -> None:
    """The same (pre, post, delay, weight) twice cannot be held by a binary crossbar."""
    network = _two_pops([{"weight": 1}, {"weight": 1}])
    _refused(network, "two synapses", "neuron 0 of population 'src'", "one bit")
