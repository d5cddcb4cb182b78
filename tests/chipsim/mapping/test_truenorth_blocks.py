"""The TrueNorth wiring in blocks of post cores gives the same mapping, and the same refusal,
whatever the block, group and chunk sizes; expanded connections use exact narrow dtypes."""

from pathlib import Path

import numpy as np
import pytest

from chipsim.config import load_config
from chipsim.mapping import truenorth_axons
from chipsim.mapping.errors import MappingError
from chipsim.mapping.truenorth import map_truenorth
from chipsim.network.description import Network
from chipsim.network.expand import expand
from chipsim.rng import Stream, counter_rng

CONFIG = load_config(Path(__file__).resolve().parents[3] / "configs" / "truenorth.yaml")
TINY = {"BLOCK_BITS": 0, "GROUP": 64, "CHUNK": 100}
"""Block, group and chunk sizes that split even a small network into many pieces."""


def _random_network(seed: int) -> Network:
    """Six TrueNorth populations and a source, random weights in -5..5 (more than 4 distinct
    weights on a core, so per-neuron types are needed) and delays 1..3."""
    rng = counter_rng(seed, Stream.GENERATOR)
    sizes = {"in": 40} | {f"p{i}": int(rng.integers(20, 300)) for i in range(6)}
    populations = [{"name": "in", "size": 40, "model": "poisson", "rate_hz": 10.0}]
    populations += [{"name": n, "size": s, "model": "truenorth", "params": {"threshold": 3}}
                    for n, s in sizes.items() if n != "in"]  # fmt: skip
    projections = [
        {"pre": pre, "post": post, "weight": int(rng.integers(-5, 6)),
         "delay": {"low": 1, "high": 3},
         "connector": {"kind": "fixed_probability", "p": 0.25 / sizes[pre]}}
        for post in list(sizes)[1:]
        for pre in rng.choice(list(sizes), size=3, replace=False).tolist()
    ]  # fmt: skip
    return Network.model_validate({"populations": populations, "projections": projections})


def _map(network: Network, monkeypatch, sizes: dict | None):
    with monkeypatch.context() as patch:
        for name, value in (sizes or {}).items():
            patch.setattr(truenorth_axons, name, value)
        return map_truenorth(CONFIG, network, seed=0)


@pytest.mark.parametrize("seed", [1, 2])
def test_mapping_does_not_depend_on_block_sizes(seed: int, monkeypatch) -> None:
    network = _random_network(seed)
    a, b = _map(network, monkeypatch, None), _map(network, monkeypatch, TINY)
    assert a.n_cores == b.n_cores > 1
    for name in ("slot_neuron", "target_core", "target_axon", "target_delay", "levels",
                 "axons_used", "mapped_delay"):  # fmt: skip
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.crossbar.rows, b.crossbar.rows)
    assert np.array_equal(a.crossbar.axon_type, b.crossbar.axon_type)
    assert np.array_equal(a.neurons.weights, b.neurons.weights)
    assert np.count_nonzero(a.crossbar.rows) > 0


def _faulty(duplicate: bool) -> Network:
    """Core 0 ('a') needs 300 axons; core 1 ('b') gets a repeated synapse if ``duplicate``."""
    pairs = [[0, 1], [0, 1]] if duplicate else [[0, 1]]
    return Network.model_validate({
        "populations": [
            {"name": "in", "size": 300, "model": "poisson", "rate_hz": 1.0},
            {"name": "a", "size": 256, "model": "truenorth"},
            {"name": "b", "size": 4, "model": "truenorth"},
        ],
        "projections": [
            {"pre": "in", "post": "a", "weight": 1, "connector": {
                "kind": "from_list", "connections": [[i, 0] for i in range(300)]}},
            {"pre": "in", "post": "b", "weight": 1,
             "connector": {"kind": "from_list", "connections": pairs}},
        ],
    })  # fmt: skip


@pytest.mark.parametrize(
    ("duplicate", "message"),
    [(True, "two synapses from neuron 0 of population 'in'"), (False, "needs 300 axons")],
)
def test_refusal_does_not_depend_on_block_sizes(duplicate, message, monkeypatch) -> None:
    """A duplicate bit on core 1 outranks too many axons on core 0, as in a single block."""
    errors = []
    for sizes in (None, TINY):
        with pytest.raises(MappingError, match=message) as info:
            _map(_faulty(duplicate), monkeypatch, sizes)
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_connections_use_exact_narrow_dtypes() -> None:
    """int32 ids, uint8 delays, int16 projections; float32 weights only when exact."""
    network = _random_network(1)
    c = expand(network, 0).connections
    assert (c.pre.dtype, c.post.dtype, c.delay.dtype, c.projection.dtype) == (
        np.int32, np.int32, np.uint8, np.int16)  # fmt: skip
    assert c.weight.dtype == np.float32
    inexact = network.model_copy(update={"projections": [
        p.model_copy(update={"weight": 0.1}) for p in network.projections]})  # fmt: skip
    weight = expand(inexact, 0).connections.weight
    assert weight.dtype == np.float64 and np.all(weight == 0.1)
