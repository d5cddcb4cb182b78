"""Connectors expanded to synapse arrays: exact counts, statistical bounds, counter streams."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chipsim.network import Network, expand

SIGMAS = 5.0
"""Statistical bounds are 5 standard deviations: a false alarm has probability < 6e-7 per check
(two-sided normal tail), and every test uses a fixed seed, so the result is reproducible."""


def _network(n_pre: int, n_post: int, connector: dict, same: bool = False, **proj) -> Network:
    populations = [{"name": "b", "model": "lif_float", "size": n_post}]
    if not same:
        populations.insert(0, {"name": "a", "model": "poisson", "size": n_pre, "rate_hz": 1.0})
    projection = {"pre": "b" if same else "a", "post": "b", "connector": connector, "weight": 1.0}
    return Network.model_validate(
        {"populations": populations, "projections": [{**projection, **proj}]}
    )


def _local(network: Network, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(pre, post) of the only projection, as indices within the populations."""
    net = expand(network, seed)
    proj = network.projections[0]
    c = net.connections
    return c.pre - net.ids(proj.pre)[0], c.post - net.ids(proj.post)[0]


def _pairs(pre: np.ndarray, post: np.ndarray, n_post: int) -> np.ndarray:
    return pre * n_post + post


@pytest.mark.parametrize("allow_self", [True, False])
def test_all_to_all_exact(allow_self: bool) -> None:
    """all_to_all between populations: every pair once; onto itself without i -> i if asked."""
    pre, post = _local(_network(7, 5, {"kind": "all_to_all", "allow_self": allow_self}))
    assert np.array_equal(np.sort(_pairs(pre, post, 5)), np.arange(35))
    pre, post = _local(_network(6, 6, {"kind": "all_to_all", "allow_self": allow_self}, True))
    expected = [i * 6 + j for i in range(6) for j in range(6) if allow_self or i != j]
    assert np.array_equal(np.sort(_pairs(pre, post, 6)), expected)


def test_one_to_one_exact() -> None:
    """one_to_one: i -> i for every i, nothing else."""
    pre, post = _local(_network(9, 9, {"kind": "one_to_one"}))
    assert np.array_equal(pre, np.arange(9)) and np.array_equal(post, np.arange(9))


@pytest.mark.parametrize("p", [0.01, 0.2, 0.9, 1.0])
@pytest.mark.parametrize("same, allow_self", [(False, True), (True, True), (True, False)])
def test_fixed_probability_count_within_binomial_bound(p: float, same: bool, allow_self: bool):
    """fixed_probability: count ~ Binomial(pairs, p) within 5 sigma, no duplicates, no self."""
    n = 300
    connector = {"kind": "fixed_probability", "p": p, "allow_self": allow_self}
    pre, post = _local(_network(n, n, connector, same), seed=3)
    pairs = n * n - (n if same and not allow_self else 0)
    mean, sd = pairs * p, np.sqrt(pairs * p * (1 - p))
    assert abs(len(pre) - mean) <= SIGMAS * sd + 1e-9
    assert len(np.unique(_pairs(pre, post, n))) == len(pre)
    assert pre.min() >= 0 and pre.max() < n and post.min() >= 0 and post.max() < n
    if same and not allow_self:
        assert not np.any(pre == post)
    if p == 1.0:
        assert len(pre) == pairs


@pytest.mark.parametrize(
    "n_pre, n_post, n, same, allow_self",
    [
        (400, 300, 20, False, True),  # sparse: redraw repeated entries
        (400, 400, 100, True, False),  # sparse, at the limit 4n <= available
        (50, 300, 40, False, True),  # dense: n smallest of random keys
        (60, 60, 59, True, False),  # dense, every other neuron
    ],
)
def test_fixed_in_degree_exact(n_pre, n_post, n, same, allow_self) -> None:
    """fixed_in_degree: exactly n distinct pres per post, never self when excluded."""
    connector = {"kind": "fixed_in_degree", "n": n, "allow_self": allow_self}
    pre, post = _local(_network(n_pre, n_post, connector, same), seed=5)
    assert np.array_equal(np.bincount(post, minlength=n_post), np.full(n_post, n))
    assert len(np.unique(_pairs(pre, post, n_post))) == len(pre)
    assert pre.min() >= 0 and pre.max() < n_pre
    if same and not allow_self:
        assert not np.any(pre == post)


@pytest.mark.parametrize("n_pre, n", [(400, 20), (50, 40)], ids=["sparse", "dense"])
def test_fixed_in_degree_uniform_over_pres(n_pre: int, n: int) -> None:
    """Each pre is drawn by a post with probability n / n_pre: out-degrees within 5 sigma.

    The out-degree of a pre is Binomial(n_post, n / n_pre); with 400 pres the largest of
    400 z-scores stays below 5 unless the draw is biased.
    """
    n_post = 2000
    pre, _ = _local(_network(n_pre, n_post, {"kind": "fixed_in_degree", "n": n}), seed=9)
    q = n / n_pre
    out_degree = np.bincount(pre, minlength=n_pre)
    z = (out_degree - n_post * q) / np.sqrt(n_post * q * (1 - q))
    assert np.abs(z).max() <= SIGMAS


def test_dense_fixed_in_degree_does_not_depend_on_block_size(monkeypatch) -> None:
    """Rows drawn in blocks of 3 rows give the same synapses as all rows at once."""
    network = _network(50, 20, {"kind": "fixed_in_degree", "n": 30})
    whole = _local(network, seed=2)
    module = importlib.import_module(
        "chipsim.network.expand"
    )  # the package's `expand` is the function
    monkeypatch.setattr(module, "KEYS_PER_BLOCK", 3 * 50)
    blocks = _local(network, seed=2)
    assert np.array_equal(whole[0], blocks[0]) and np.array_equal(whole[1], blocks[1])
    assert np.array_equal(np.bincount(blocks[1]), np.full(20, 30))


def test_from_list_exact() -> None:
    """from_list: exactly the listed pairs, in order, with their weights."""
    connections = [[0, 2], [3, 1], [3, 1], [1, 0]]
    network = _network(4, 3, {"kind": "from_list", "connections": connections},
                       weight=[0.5, -1.0, 2.0, 3.0])  # fmt: skip
    net = expand(network, 0)
    pre, post = _local(network)
    assert np.array_equal(np.stack([pre, post], axis=1), connections)
    assert np.array_equal(net.connections.weight, [0.5, -1.0, 2.0, 3.0])


def test_fixed_delay_and_weight() -> None:
    """A scalar delay and weight apply to every synapse; projection index is recorded."""
    net = expand(_network(10, 10, {"kind": "all_to_all"}, delay=7, weight=-0.25), 0)
    assert np.all(net.connections.delay == 7) and np.all(net.connections.weight == -0.25)
    assert np.all(net.connections.projection == 0)


def test_uniform_delays_in_range_and_uniform() -> None:
    """Delays {low: 2, high: 6}: all in 2..6, each value within 5 sigma of n / 5."""
    net = expand(_network(200, 200, {"kind": "all_to_all"}, delay={"low": 2, "high": 6}), 1)
    delay = net.connections.delay
    assert delay.min() >= 2 and delay.max() <= 6
    counts = np.bincount(delay, minlength=7)[2:]
    n, q = len(delay), 1 / 5
    assert np.all(np.abs(counts - n * q) <= SIGMAS * np.sqrt(n * q * (1 - q)))


def _two_projections(first: dict) -> Network:
    populations = [
        {"name": "a", "model": "poisson", "size": 300, "rate_hz": 1.0},
        {"name": "b", "model": "lif_fixed", "size": 300},
    ]
    second = {"pre": "a", "post": "b", "weight": 1.0, "delay": {"low": 1, "high": 9},
              "connector": {"kind": "fixed_probability", "p": 0.05}}  # fmt: skip
    first = {"pre": "a", "post": "b", "weight": 1.0, "connector": first}
    return Network.model_validate({"populations": populations, "projections": [first, second]})


def _projection(net, k: int) -> tuple[np.ndarray, ...]:
    c = net.connections
    keep = c.projection == k
    return c.pre[keep], c.post[keep], c.delay[keep]


def test_same_seed_same_synapses_other_seed_differs() -> None:
    """expand is a function of (network, seed)."""
    network = _two_projections({"kind": "fixed_in_degree", "n": 10})
    a, b, c = expand(network, 4), expand(network, 4), expand(network, 5)
    for field in ("pre", "post", "delay", "weight", "projection"):
        assert np.array_equal(getattr(a.connections, field), getattr(b.connections, field))
    assert not np.array_equal(a.connections.pre, c.connections.pre)


def test_projection_independent_of_the_others() -> None:
    """Changing projection 0's connector leaves projection 1's synapses as they were."""
    nets = [
        expand(_two_projections(first), 8)
        for first in (
            {"kind": "fixed_in_degree", "n": 10},
            {"kind": "fixed_probability", "p": 0.3},
            {"kind": "all_to_all"},
        )
    ]
    reference = _projection(nets[0], 1)
    assert len(reference[0]) > 0
    for net in nets[1:]:
        for got, want in zip(_projection(net, 1), reference, strict=True):
            assert np.array_equal(got, want)


def test_empty_projection_list() -> None:
    """A network without projections expands to no synapses and contiguous ids."""
    network = Network.model_validate(
        {"populations": [{"name": "a", "model": "lif_float", "size": 3},
                         {"name": "s", "model": "poisson", "size": 2, "rate_hz": 5.0}]}
    )  # fmt: skip
    net = expand(network, 0)
    assert len(net.connections) == 0
    assert net.n_neurons == 5 and list(net.ids("s")) == [3, 4]
    with pytest.raises(KeyError, match="known"):
        net.ids("x")


@settings(max_examples=60, deadline=None)
@given(
    n_pre=st.integers(1, 80),
    n_post=st.integers(1, 80),
    fraction=st.floats(0.0, 1.0),
    same=st.booleans(),
    allow_self=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_fixed_in_degree_invariants(n_pre, n_post, fraction, same, allow_self, seed) -> None:
    """Any sizes, in-degree and seed: exact in-degree, distinct pres, no self when excluded."""
    if same:
        n_post = n_pre
    available = n_pre - (1 if same and not allow_self else 0)
    assume(available >= 1)
    n = max(1, round(fraction * available))
    connector = {"kind": "fixed_in_degree", "n": n, "allow_self": allow_self}
    pre, post = _local(_network(n_pre, n_post, connector, same), seed=seed)
    assert np.array_equal(np.bincount(post, minlength=n_post), np.full(n_post, n))
    assert len(np.unique(pre * n_post + post)) == len(pre)
    assert pre.min() >= 0 and pre.max() < n_pre
    if same and not allow_self:
        assert not np.any(pre == post)
