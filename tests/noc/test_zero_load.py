"""Zero-load latency equals the closed form H * (R + Lk) + R + (F - 1) exactly.

The form holds when no credit stall can occur: buffer_depth >= 2 * Lk + R (the credit round
trip) or the packet fits in one buffer.
"""

from __future__ import annotations

import numpy as np
import pytest

from noc.engine import NocEngine
from noc.params import NocParams
from noc.routing import MulticastTables, xy_tree_entries
from noc.topology import Mesh


def closed_form(hops: np.ndarray, params: NocParams) -> np.ndarray:
    """H links, H + 1 routers, F - 1 cycles of serialisation (noc.engine docstring)."""
    r, lk = params.router_pipeline_cycles, params.link_latency_cycles
    return hops * (r + lk) + r + params.packet_flits - 1


@pytest.mark.parametrize(
    ("width", "height", "ports", "torus"),
    [(1, 1, 2, False), (3, 5, 1, False), (8, 8, 1, False), (16, 4, 4, False), (5, 6, 2, True)],
)
@pytest.mark.parametrize("seed", range(3))
def test_zero_load_latency_matches_closed_form(width, height, ports, torus, seed):
    """Random pairs, one packet in the network at a time, random delays and packet sizes."""
    rng = np.random.default_rng(seed)
    mesh = Mesh(width, height, ports, torus)
    r, lk = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    params = NocParams(
        clock_hz=1e6,
        router_pipeline_cycles=r,
        link_latency_cycles=lk,
        packet_bits=int(rng.integers(1, 200)),
        virtual_channels=2 if torus else int(rng.integers(1, 3)),
        buffer_depth=2 * lk + r,  # covers the credit round trip: no credit stalls
    )
    n = 60
    src = rng.integers(0, mesh.endpoints, n)
    dest = rng.integers(0, mesh.endpoints, n)
    cycle = np.arange(n) * 1000 + rng.integers(0, 500, n)  # far apart: zero load
    engine = NocEngine(mesh, params)
    engine.inject(cycle, src, dest)
    got = engine.advance(cycle[-1] + 1000)
    order = np.argsort(got.inject_cycle)
    hops = np.array([mesh.xy_hops(int(s), int(d)) for s, d in zip(src, dest, strict=True)])
    np.testing.assert_array_equal(got.hops[order], hops)
    np.testing.assert_array_equal(got.latency_cycles[order], closed_form(hops, params))
    assert got.latency_cycles.min() >= 1


def test_multicast_zero_load_latency_per_destination():
    """Every branch of a lone multicast packet arrives after the closed form for its hops."""
    mesh = Mesh(6, 5, 2)
    params = NocParams(
        clock_hz=1e6,
        routing="multicast_table",
        packet_bits=96,
        buffer_depth=3,
        router_pipeline_cycles=2,
        link_latency_cycles=3,
    )
    dests = np.array([0, 7, 33, 45, 59, 22])
    src = 2 * mesh.node(2, 3)
    router, route = xy_tree_entries(mesh, src // 2, dests)
    tables = MulticastTables.from_arrays(
        mesh, router, np.full(len(router), 77), np.full(len(router), 0xFFFFFFFF), route, 64
    )
    engine = NocEngine(mesh, params, tables)
    engine.inject(np.array([10]), np.array([src]), np.array([77]))
    got = engine.advance(1000)
    order = np.argsort(got.dest_endpoint)
    got = type(got)(*(getattr(got, f)[order] for f in got.__dataclass_fields__))
    np.testing.assert_array_equal(got.dest_endpoint, np.sort(dests))
    hops = np.array([mesh.xy_hops(src, int(d)) for d in got.dest_endpoint])
    np.testing.assert_array_equal(got.hops, hops)
    np.testing.assert_array_equal(got.latency_cycles, closed_form(hops, params))
