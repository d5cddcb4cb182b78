"""Links to neighbouring chips at the mesh edges: numbering, packets out and in at zero load,
multicast, bad input. (Conservation under load: test_delivery.py; the twin: test_twin.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from noc.engine import NocEngine
from noc.params import NocParams
from noc.routing import MulticastTables, xy_tree_entries
from noc.topology import DIRECTIONS, E, Mesh, N, S, W

# the fused V = 1, F = 1 path and the general one (two VCs, two-flit packets)
PATHS = {
    "fused": dict(virtual_channels=1, packet_bits=32),
    "general": dict(virtual_channels=2, packet_bits=64),
}


def params_for(path: str, **extra) -> NocParams:
    base = dict(
        clock_hz=1e6,
        router_pipeline_cycles=2,
        link_latency_cycles=3,
        buffer_depth=8,  # >= 2 Lk + R: no credit stalls, the closed forms hold
    )
    return NocParams(**base | PATHS[path] | extra)


def on_chip_hops(mesh: Mesh, a: int, b: int) -> int:
    """Router-to-router links between the routers of endpoints a and b (XY, no torus)."""
    (ax, ay), (bx, by) = (mesh.coords(mesh.endpoint_router(e)[0]) for e in (a, b))
    return abs(ax - bx) + abs(ay - by)


def chip_link_latency(hops: np.ndarray, params: NocParams, outbound: bool) -> np.ndarray:
    """Zero-load latency over ``hops`` router-to-router links (noc.engine docstring): the
    on-chip closed form H (R + Lk) + R + F - 1, plus Lk on the chip link out, or plus Lk + 1
    in (crossed at admission, ready Lk + R later instead of R - 1)."""
    r, lk = params.router_pipeline_cycles, params.link_latency_cycles
    on_chip = hops * (r + lk) + r + params.packet_flits - 1
    return on_chip + lk if outbound else on_chip + lk + 1


def test_chip_links_are_numbered_by_router_then_direction():
    """3x3: 12 links, router by router, N E S W within one; external ids follow the PEs."""
    mesh = Mesh(3, 3, 2, chip_links=True)
    expected = [(0, S), (0, W), (1, S), (2, E), (2, S), (3, W)]
    expected += [(5, E), (6, N), (6, W), (7, N), (8, N), (8, E)]
    assert mesh.chip_link_count == 12
    assert [mesh.chip_link(k) for k in range(12)] == expected
    assert mesh.external_endpoints == range(18, 30) and mesh.all_endpoints == 30
    assert mesh.xy_output(4, 18 + 11) == E and mesh.xy_output(8, 18 + 11) == E  # (8, E)
    assert mesh.xy_hops(0, 18 + 11) == 5 and mesh.xy_hops(18 + 11, 0) == 4
    with pytest.raises(ValueError, match="chip link 12 outside 0..11"):
        mesh.chip_link(12)
    assert Mesh(1, 1, 1, chip_links=True).chip_link_count == 4
    assert Mesh(3, 3, 2).chip_link_count == 0
    assert Mesh(3, 3, 2).all_endpoints == 18


@pytest.mark.parametrize("shape", [(3, 3), (5, 1), (1, 4)])
def test_a_torus_has_no_chip_links(shape):
    """A torus wraps every direction (a 1-wide dimension has no link at all): no edge."""
    mesh = Mesh(*shape, 1, torus=True, chip_links=True)
    assert mesh.chip_link_count == 0
    assert mesh.all_endpoints == mesh.endpoints


def send_one_by_one(mesh: Mesh, params: NocParams, src: np.ndarray, dest: np.ndarray):
    """Inject the pairs 100 cycles apart (zero load), drain; deliveries sorted by inject."""
    engine = NocEngine(mesh, params)
    cycle = np.arange(len(src), dtype=np.int64) * 100
    engine.inject(cycle, src, dest)
    got = engine.advance(int(cycle[-1]) + 1000)
    assert engine.in_flight == 0
    order = np.argsort(got.inject_cycle, kind="stable")
    return got, order, engine.stats


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("width", "height", "ports"), [(3, 3, 2), (4, 2, 1)])
def test_outbound_packets_leave_through_their_link(path, width, height, ports):
    """Every endpoint to every external endpoint: delivered once, through the chip link's
    router and direction, at the closed form over the on-chip hops plus the link's Lk."""
    mesh = Mesh(width, height, ports, chip_links=True)
    params = params_for(path)
    src, dest = (a.ravel() for a in np.meshgrid(range(mesh.endpoints), mesh.external_endpoints))
    got, order, stats = send_one_by_one(mesh, params, src, dest)
    np.testing.assert_array_equal(got.dest_endpoint[order], dest)
    np.testing.assert_array_equal(got.src_endpoint[order], src)
    hops = np.array([on_chip_hops(mesh, int(s), int(d)) for s, d in zip(src, dest, strict=True)])
    np.testing.assert_array_equal(got.hops[order], hops + 1)
    expected = chip_link_latency(hops, params, outbound=True)
    np.testing.assert_array_equal(got.latency_cycles[order], expected)
    per_link = mesh.endpoints * params.packet_flits
    for k in range(mesh.chip_link_count):
        router, direction = mesh.chip_link(k)
        assert stats.link_flits[router, direction] == per_link
        assert stats.ejected_flits[mesh.endpoints + k] == per_link
    assert stats.link_flits.sum() == (hops + 1).sum() * params.packet_flits
    assert stats.ejected_flits[: mesh.endpoints].sum() == 0


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("width", "height", "ports"), [(3, 3, 2), (4, 2, 1)])
def test_inbound_packets_enter_at_their_link(path, width, height, ports):
    """Every external endpoint to every on-chip endpoint: delivered once, Lk + 1 cycles
    later than the closed form from the edge router (it crossed the link when admitted)."""
    mesh = Mesh(width, height, ports, chip_links=True)
    params = params_for(path)
    src, dest = (a.ravel() for a in np.meshgrid(mesh.external_endpoints, range(mesh.endpoints)))
    got, order, stats = send_one_by_one(mesh, params, src, dest)
    np.testing.assert_array_equal(got.dest_endpoint[order], dest)
    np.testing.assert_array_equal(got.src_endpoint[order], src)
    hops = np.array([on_chip_hops(mesh, int(s), int(d)) for s, d in zip(src, dest, strict=True)])
    np.testing.assert_array_equal(got.hops[order], hops)
    expected = chip_link_latency(hops, params, outbound=False)
    np.testing.assert_array_equal(got.latency_cycles[order], expected)
    injected = stats.injected_packets
    assert np.all(injected[mesh.endpoints :] == mesh.endpoints)
    assert injected[: mesh.endpoints].sum() == 0 and stats.source_wait_cycles.sum() == 0
    assert stats.link_flits.sum() == hops.sum() * params.packet_flits  # no link out


def multicast_engine(mesh: Mesh, path: str, router, route) -> NocEngine:
    tables = MulticastTables.from_arrays(
        mesh,
        np.asarray(router),
        np.full(len(router), 7),
        np.full(len(router), 0xFFFFFFFF),
        np.asarray(route),
        16,
    )
    return NocEngine(mesh, params_for(path, routing="multicast_table"), tables)


@pytest.mark.parametrize("path", PATHS)
def test_multicast_route_naming_a_chip_link(path):
    """A table entry at an edge router sends one copy out of its W chip link, one to a PE."""
    mesh = Mesh(3, 3, 2, chip_links=True)
    west = int(mesh.chip_link_ids[3, W])
    engine = multicast_engine(mesh, path, [3], [1 << W | 1 << (DIRECTIONS + 1)])
    engine.inject(np.array([5]), np.array([mesh.endpoint(3, 0)]), np.array([7]))
    got = engine.advance(200)
    assert sorted(got.dest_endpoint.tolist()) == [mesh.endpoint(3, 1), mesh.endpoints + west]
    assert engine.stats.link_flits[3, W] == engine.params.packet_flits
    assert sorted(got.hops.tolist()) == [0, 1]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("chip_links", [True, False])
def test_default_routing_straight_through_an_edge_router(path, chip_links):
    """Sent E from (0, 1) with no entry further on: default routing carries the packet
    straight through (1, 1) and (2, 1), out of (2, 1)'s E chip link; without chip links it
    is unrouted at (2, 1), as before."""
    mesh = Mesh(3, 3, 1, chip_links=chip_links)
    engine = multicast_engine(mesh, path, [3], [1 << E])
    engine.inject(np.array([0]), np.array([3]), np.array([7]))
    got = engine.advance(200)
    stats = engine.stats
    assert engine.in_flight == 0
    if chip_links:
        assert got.dest_endpoint.tolist() == [mesh.endpoints + int(mesh.chip_link_ids[5, E])]
        assert got.hops.tolist() == [3]
        assert stats.link_flits[5, E] == engine.params.packet_flits and stats.drops == 0
    else:
        assert len(got) == 0
        assert stats.unrouted_packets.tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 0]


@pytest.mark.parametrize("path", PATHS)
def test_multicast_in_over_a_chip_link(path):
    """A packet from the N chip link of (1, 2) with no entry goes straight through to the S
    chip link of (1, 0); with an XY-tree entry it reaches its PEs and another chip link."""
    mesh = Mesh(3, 3, 1, chip_links=True)
    north, south = (int(mesh.chip_link_ids[r, d]) for r, d in ((7, N), (1, S)))
    east = int(mesh.chip_link_ids[5, E])
    src = mesh.endpoints + north
    dests = np.array([0, 4, mesh.endpoints + east])
    router, route = xy_tree_entries(mesh, 7, dests)
    for tables, expected in (([0], [mesh.endpoints + south]), (router, dests.tolist())):
        engine = multicast_engine(mesh, path, tables, route if len(tables) > 1 else [1 << N])
        engine.inject(np.array([0]), np.array([src]), np.array([7]))
        got = engine.advance(300)
        assert sorted(got.dest_endpoint.tolist()) == expected
        assert engine.in_flight == 0 and engine.stats.drops == 0


def test_external_endpoint_ids_are_checked():
    """Ids past the last external endpoint, and external ids without chip links, are refused;
    so is a packet coming in over a chip link that could not fit in the link's input VC."""
    mesh = Mesh(3, 3, 1, chip_links=True)
    engine = NocEngine(mesh, params_for("fused"))
    last = mesh.all_endpoints - 1
    engine.inject(np.array([0, 0]), np.array([last, 0]), np.array([0, last]))
    for src, dest in ((last + 1, 0), (0, last + 1)):
        with pytest.raises(ValueError, match=f"{last + 1} outside the mesh's endpoints 0..{last}"):
            engine.inject(np.array([0]), np.array([src]), np.array([dest]))
    with pytest.raises(ValueError, match="outside the mesh's endpoints 0..8"):
        NocEngine(Mesh(3, 3, 1), params_for("fused")).inject(
            np.array([0]), np.array([9]), np.array([0])
        )
    narrow = NocEngine(mesh, params_for("general", buffer_depth=1))
    with pytest.raises(ValueError, match="packet_flits 2 > buffer_depth 1"):
        narrow.inject(np.array([0]), np.array([mesh.endpoints]), np.array([0]))
    narrow.inject(np.array([0]), np.array([0]), np.array([mesh.endpoints]))  # outbound: fine


def test_tables_may_name_chip_links_only_where_they_exist():
    """A route out of an edge direction is refused without chip links, accepted with them."""
    args = (np.array([0]), np.array([7]), np.array([0xFFFFFFFF]), np.array([1 << W]), 4)
    with pytest.raises(ValueError, match="which has no link there"):
        MulticastTables.from_arrays(Mesh(3, 3, 1), *args)
    tables = MulticastTables.from_arrays(Mesh(3, 3, 1, chip_links=True), *args)
    assert tables.lookup(0, 7) == 1 << W
