"""Synthetic traffic: patterns, latency vs load, saturation below the bisection bound."""

from __future__ import annotations

import numpy as np
import pytest

from noc.params import NocParams
from noc.reference import ReferenceEngine
from noc.topology import Mesh
from noc.traffic import (
    HOTSPOT_FRACTION,
    parse_rates,
    pattern_by_name,
    run_traffic,
    saturation_rate,
    sweep,
)

PARAMS = NocParams(clock_hz=1e6)


def test_permutation_patterns_map_coordinates():
    """Transpose swaps x and y, bit-complement mirrors both, keeping the local port."""
    mesh = Mesh(4, 4, 2)
    rng = np.random.default_rng(0)
    src = np.array([mesh.endpoint(mesh.node(1, 3), 1), mesh.endpoint(mesh.node(0, 2), 0)])
    assert pattern_by_name("transpose")(mesh, src, rng).tolist() == [
        mesh.endpoint(mesh.node(3, 1), 1),
        mesh.endpoint(mesh.node(2, 0), 0),
    ]
    assert pattern_by_name("bit-complement")(mesh, src, rng).tolist() == [
        mesh.endpoint(mesh.node(2, 0), 1),
        mesh.endpoint(mesh.node(3, 1), 0),
    ]


def test_neighbour_and_hotspot_destinations():
    """Neighbour traffic goes one hop; hotspot sends its share to the centre."""
    mesh = Mesh(5, 3, 1)
    rng = np.random.default_rng(1)
    src = np.tile(np.arange(mesh.endpoints), 200)
    dest = pattern_by_name("neighbour")(mesh, src, rng)
    assert {mesh.xy_hops(int(s), int(d)) for s, d in zip(src, dest, strict=True)} == {1}
    dest = pattern_by_name("hotspot")(mesh, src, rng)
    share = np.mean(dest == mesh.node(2, 1))
    expected = HOTSPOT_FRACTION + (1 - HOTSPOT_FRACTION) / mesh.endpoints
    assert abs(share - expected) < 0.02


def test_unknown_pattern_lists_known_ones():
    with pytest.raises(ValueError, match="known: uniform, transpose"):
        pattern_by_name("tornado")


def test_parse_rates():
    np.testing.assert_allclose(parse_rates("0.1:0.3:0.1"), [0.1, 0.2, 0.3])
    np.testing.assert_allclose(parse_rates("0.05,0.2"), [0.05, 0.2])
    with pytest.raises(ValueError, match="START:STOP:STEP"):
        parse_rates("0.3:0.1:0.1")


def test_latency_grows_with_load_and_saturation_is_below_bisection_bound():
    """8x8 uniform: mean latency rises monotonically with offered load; accepted follows
    offered until saturation, which lies below 4/k = 0.5 flits/node/cycle."""
    mesh = Mesh(8, 8, 1)
    rates = np.round(np.arange(0.05, 0.65, 0.05), 3)
    results = sweep(mesh, PARAMS, "uniform", rates, warmup_cycles=500, measure_cycles=2000)
    latency = [r.mean_latency_cycles for r in results]
    assert all(b > a for a, b in zip(latency, latency[1:], strict=False))
    saturation = saturation_rate(results)
    assert saturation is not None and 0.2 < saturation < 0.5
    for r in results:
        if r.offered_rate <= saturation:
            assert r.drained and abs(r.accepted_rate - r.offered_rate) < 0.05 * r.offered_rate
    assert results[-1].accepted_rate < 0.5


def test_low_load_latency_near_zero_load_value():
    """At 1 % load the mean latency is within 5 % of the zero-load mean, 2 * hops + 1."""
    result = run_traffic(Mesh(8, 8, 1), PARAMS, "uniform", 0.01, measure_cycles=5000)
    assert result.mean_latency_cycles == pytest.approx(2 * result.mean_hops + 1, rel=0.05)


def test_reference_engine_gives_the_same_traffic_result():
    """run_traffic through the Python twin reproduces the Cython numbers exactly."""
    args = (Mesh(3, 3, 1), PARAMS, "uniform", 0.3)
    kwargs = dict(warmup_cycles=50, measure_cycles=150, drain_cycles=500, seed=4)
    fast = run_traffic(*args, **kwargs).as_dict()
    slow = run_traffic(*args, engine_class=ReferenceEngine, **kwargs).as_dict()
    fast.pop("wall_s"), slow.pop("wall_s")
    assert fast == slow
