"""Built-in generators: valid networks whose sizes follow the parameters; clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from chipsim.errors import UserError
from chipsim.network import GENERATORS, Network, NeuronPopulation, expand, generate

SMALL = {
    "synfire": {"groups": 4, "group_size": 10, "delay": 2},
    "feedforward": {"layers": [30, 20], "inputs": 25, "fanin": 5},
    "random_balanced": {"n_neurons": 100, "fanin": 20, "inputs": 10, "input_fanin": 3},
}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_generator_builds_a_valid_network(name: str) -> None:
    """Default and small parameters both give a Network that validates and expands.

    (tn_characterisation has its own tests, beside its module.)
    """
    for params in ({}, SMALL[name]):
        network = generate(name, params)
        assert isinstance(network, Network)
        assert Network.model_validate(network.model_dump()) == network
        assert len(expand(network, 0).connections) > 0


def test_unknown_generator_lists_known() -> None:
    """An unknown generator name is a UserError listing every known name."""
    with pytest.raises(UserError, match="unknown generator 'synfyre'; known: ") as info:
        generate("synfyre")
    for name in GENERATORS:
        assert name in str(info.value)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_unknown_parameter_lists_parameters(name: str) -> None:
    """An unknown parameter is a UserError listing the generator's parameters."""
    with pytest.raises(UserError, match="bogus: unknown parameter") as info:
        generate(name, {"bogus": 1})
    for param in GENERATORS[name].params.model_fields:
        assert param in str(info.value)


def test_bad_parameter_value_names_it() -> None:
    """A parameter of the wrong type or range names the parameter."""
    with pytest.raises(UserError, match="group_size: "):
        generate("synfire", {"group_size": 0})
    with pytest.raises(UserError, match="n_neurons: "):
        generate("random_balanced", {"n_neurons": 1})


def _in_degree(network: Network, post: str, pre: str | None = None) -> np.ndarray:
    net = expand(network, 0)
    c = net.connections
    keep = np.isin(c.post, net.ids(post))
    if pre is not None:
        keep &= np.isin(c.pre, net.ids(pre))
    return np.bincount(c.post[keep] - net.ids(post)[0], minlength=len(net.ids(post)))


@pytest.mark.parametrize("groups, size, delay", [(1, 1, 1), (3, 7, 4), (5, 20, 1)])
def test_synfire_sizes(groups: int, size: int, delay: int) -> None:
    """synfire: a stimulus and `groups` groups of `group_size`, all-to-all with `delay`."""
    network = generate("synfire", {"groups": groups, "group_size": size, "delay": delay})
    assert [g.name for g in network.populations] == ["stimulus"] + [f"g{i}" for i in range(groups)]
    assert all(g.size == size for g in network.populations)
    for i in range(1, groups):
        assert np.all(_in_degree(network, f"g{i}", f"g{i - 1}") == size)
    chain = [p for p in network.projections if p.pre != "stimulus"]
    assert all(p.delay == delay and p.weight == pytest.approx(40.0 / size) for p in chain)
    assert len(chain) == groups - 1
    looped = generate("synfire", {"groups": groups, "group_size": size, "loop": True})
    assert len(looped.projections) == groups + 1


@pytest.mark.parametrize("layers, inputs, fanin", [([30], 10, 4), ([50, 40, 3], 60, 25)])
def test_feedforward_sizes(layers: list[int], inputs: int, fanin: int) -> None:
    """feedforward: input then layers of the given sizes; in-degree min(fanin, previous size)."""
    network = generate("feedforward", {"layers": layers, "inputs": inputs, "fanin": fanin})
    assert [g.size for g in network.populations] == [inputs, *layers]
    sizes = [inputs, *layers]
    names = [g.name for g in network.populations]
    for i in range(1, len(sizes)):
        degree = _in_degree(network, names[i], names[i - 1])
        assert np.all(degree == min(fanin, sizes[i - 1]))


@pytest.mark.parametrize(
    "n, fanin, frac, n_exc, k_exc",
    [(1000, 100, 0.8, 800, 80), (2, 1, 0.8, 1, 1), (10, 4, 0.5, 5, 2), (7, 3, 0.99, 6, 3)],
)
def test_random_balanced_sizes(n: int, fanin: int, frac: float, n_exc: int, k_exc: int) -> None:
    """random_balanced: n_exc + n_inh = n_neurons; recurrent in-degree as the docstring says."""
    params = {"n_neurons": n, "fanin": fanin, "exc_fraction": frac, "inputs": 5, "input_fanin": 2}
    network = generate("random_balanced", params)
    sizes = {g.name: g.size for g in network.populations}
    assert sizes == {"input": 5, "exc": n_exc, "inh": n - n_exc}
    k_inh = fanin - k_exc
    for post in ("exc", "inh"):
        assert np.all(_in_degree(network, post, "input") == 2)
        want_exc = min(k_exc, n_exc - (post == "exc"))
        want_inh = min(k_inh, n - n_exc - (post == "inh"))
        assert np.all(_in_degree(network, post, "exc") == want_exc)
        assert np.all(_in_degree(network, post, "inh") == want_inh)
    net = expand(network, 0)
    assert not np.any(net.connections.pre == net.connections.post)


def test_generator_model_parameter() -> None:
    """`model` picks the neuron model of every population a generator makes."""
    for model in ("lif_float", "lif_fixed"):
        network = generate("feedforward", {"model": model})
        neurons = [g for g in network.populations if isinstance(g, NeuronPopulation)]
        assert neurons and all(g.model == model for g in neurons)
