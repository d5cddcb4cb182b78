"""Conservation, multicast destination sets and freedom from deadlock under heavy load."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from noc.engine import NocEngine
from noc.params import NocParams
from noc.topology import Mesh


def drain(engine: NocEngine, limit: int = 200_000, step: int = 500):
    """Advance until nothing is in flight; fail if that takes longer than ``limit`` cycles."""
    parts = []
    while engine.in_flight and engine.now < limit:
        parts.append(engine.advance(engine.now + step))
    assert engine.in_flight == 0, f"{engine.in_flight} packets still in flight (deadlock?)"
    assert engine.next_event_cycle is None
    return parts


def rows(parts, *names):
    return Counter(
        tuple(int(x) for x in row)
        for d in parts
        for row in zip(*(getattr(d, n) for n in names), strict=True)
    )


@pytest.mark.parametrize("seed", range(6))
def test_every_unicast_packet_delivered_exactly_once(scenario, seed):
    """Random heavy load, no drop policy: each packet arrives once, at its destination."""
    sc = scenario(seed, n=2000)
    engine = NocEngine(sc.mesh, sc.params)
    engine.inject(sc.cycle, sc.src, sc.dest_or_key)
    parts = drain(engine)
    sent = Counter(zip(sc.cycle.tolist(), sc.src.tolist(), sc.dest_or_key.tolist(), strict=True))
    assert rows(parts, "inject_cycle", "src_endpoint", "dest_endpoint") == sent
    assert engine.stats.drops == 0


@pytest.mark.parametrize("seed", range(6))
def test_dropped_plus_delivered_is_injected(scenario, seed):
    """With the drop policy every packet is delivered once or counted dropped, never both."""
    sc = scenario(seed, drop=True, n=2000)
    engine = NocEngine(sc.mesh, sc.params)
    engine.inject(sc.cycle, sc.src, sc.dest_or_key)
    parts = drain(engine)
    delivered = rows(parts, "inject_cycle", "src_endpoint", "dest_endpoint")
    sent = Counter(zip(sc.cycle.tolist(), sc.src.tolist(), sc.dest_or_key.tolist(), strict=True))
    assert not delivered - sent
    assert delivered.total() + engine.stats.drops == len(sc.cycle)
    assert engine.stats.injected_packets.sum() == len(sc.cycle)


@pytest.mark.parametrize("seed", range(6))
def test_multicast_reaches_exactly_its_destination_set(scenario, seed):
    """Each multicast packet injected at its tree's source reaches every member once."""
    sc = scenario(seed, multicast=True, n=400)
    cycle = np.arange(len(sc.cycle)) // 3  # distinct (cycle, src, key) per packet
    engine = NocEngine(sc.mesh, sc.params, sc.tables)
    engine.inject(cycle, sc.src, sc.dest_or_key)
    parts = drain(engine)
    got = rows(parts, "inject_cycle", "src_endpoint", "dest_or_key", "dest_endpoint")
    routers = sc.tables.start
    expected: Counter = Counter()
    unrouted = 0
    for c, s, k in zip(cycle.tolist(), sc.src.tolist(), sc.dest_or_key.tolist(), strict=True):
        node = s // sc.mesh.ports_per_router
        has_entry = any(sc.tables.key[routers[node] : routers[node + 1]] == k)
        if has_entry:
            expected.update((c, s, k, int(d)) for d in _reached(sc, node, k))
        else:
            unrouted += 1
    assert got == expected
    assert engine.stats.unrouted_packets.sum() == unrouted


def _reached(sc, node: int, key: int) -> list[int]:
    """Endpoints a packet with ``key`` reaches from ``node`` by following the tables."""
    mesh, tables = sc.mesh, sc.tables
    reached, frontier = [], [(node, None)]
    while frontier:
        r, came_in = frontier.pop()
        route = tables.lookup(r, key)
        if route is None:
            route = 1 << (came_in + 2) % 4 if came_in is not None else 0
        for o in range(mesh.ports):
            if route >> o & 1:
                if o >= 4:
                    reached.append(mesh.endpoint(r, o - 4))
                else:
                    frontier.append((int(mesh.neighbours[r, o]), (o + 2) % 4))
    return reached


@pytest.mark.parametrize(("vcs", "depth", "bits"), [(1, 1, 96), (1, 2, 32), (2, 1, 128)])
def test_xy_under_saturation_never_deadlocks(vcs, depth, bits):
    """Far past saturation (every node offers a packet every cycle), everything drains."""
    mesh = Mesh(5, 4, 2)
    params = NocParams(
        clock_hz=1e6,
        virtual_channels=vcs,
        buffer_depth=depth,
        packet_bits=bits,
        injection_queue_packets=2,
    )
    rng = np.random.default_rng(vcs * 10 + depth)
    n = 6000
    engine = NocEngine(mesh, params)
    engine.inject(
        rng.integers(0, 300, n),
        rng.integers(0, mesh.endpoints, n),
        rng.integers(0, mesh.endpoints, n),
    )
    parts = drain(engine)
    assert sum(len(d) for d in parts) == n
    assert engine.stats.source_wait_cycles.sum() > 0  # the sources really were pushed back


def test_torus_with_dateline_vcs_never_deadlocks():
    """Heavy wrap-around traffic on a ring-heavy torus drains."""
    mesh = Mesh(6, 2, 1, torus=True)
    params = NocParams(clock_hz=1e6, virtual_channels=2, buffer_depth=1, packet_bits=64)
    rng = np.random.default_rng(3)
    n = 4000
    engine = NocEngine(mesh, params)
    src = rng.integers(0, mesh.endpoints, n)
    engine.inject(rng.integers(0, 200, n), src, (src + 3) % mesh.endpoints)
    assert sum(len(d) for d in drain(engine)) == n


@pytest.mark.parametrize("bits", [32, 96])
def test_multicast_trees_under_saturation_never_deadlock(make_groups, bits):
    """XY-tree multicast with port-by-port replication and the smallest legal buffers drains
    even when every source floods the network."""
    rng = np.random.default_rng(bits)
    mesh = Mesh(6, 5, 2)
    params = NocParams(
        clock_hz=1e6,
        routing="multicast_table",
        packet_bits=bits,
        buffer_depth=bits // 32,
        injection_queue_packets=1,
    )
    tables, groups, sources = make_groups(rng, mesh, 25)
    keys = np.array(list(groups))
    key = keys[rng.integers(0, len(keys), 3000)]
    src = np.array([sources[int(k)] for k in key])
    engine = NocEngine(mesh, params, tables)
    engine.inject(rng.integers(0, 100, key.size), src, key)
    parts = drain(engine)
    assert sum(len(d) for d in parts) == sum(len(groups[int(k)]) for k in key)
    assert engine.stats.source_wait_cycles.sum() > 0 and engine.stats.blocked_cycles.sum() > 0


@pytest.mark.parametrize("seed", range(4))
def test_heavy_load_with_chip_links_conserves_packets(scenario, seed):
    """Random heavy XY load, sources and destinations mixed with external endpoints: every
    packet arrives once at its destination, none is lost."""
    sc = scenario(seed, n=2000, chip_links=True)
    assert sc.mesh.chip_link_count > 0
    assert np.any(sc.src >= sc.mesh.endpoints) and np.any(sc.dest_or_key >= sc.mesh.endpoints)
    engine = NocEngine(sc.mesh, sc.params)
    engine.inject(sc.cycle, sc.src, sc.dest_or_key)
    parts = drain(engine)
    sent = Counter(zip(sc.cycle.tolist(), sc.src.tolist(), sc.dest_or_key.tolist(), strict=True))
    assert rows(parts, "inject_cycle", "src_endpoint", "dest_endpoint") == sent
    stats = engine.stats
    assert stats.drops == 0 and stats.injected_packets.sum() == len(sc.cycle)
    assert stats.source_wait_cycles[sc.mesh.endpoints :].sum() > 0  # inbound back-pressure
