"""The engine's table search form (runs of one mask, bisection) equals first-match lookup."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from noc.engine import NocEngine
from noc.params import NocParams
from noc.routing import MulticastTables
from noc.topology import Mesh

MESH = Mesh(3, 2, 2)
MASKS = [0xFFFFFFFF, 0xFFFFFF00, 0xFFFF0000]


def _search(form, node: int, key: int) -> int | None:
    """First match by the search form, as the engine's compute_route does it."""
    for j in range(form.run_start[node], form.run_start[node + 1]):
        lo, hi = form.run_first[j], form.run_first[j + 1]
        keys = form.key[lo:hi]
        i = int(np.searchsorted(keys, key & int(form.run_mask[j])))
        if i < len(keys) and keys[i] == key & int(form.run_mask[j]):
            return int(form.route[lo + i])
    return None


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 60))
def test_search_form_equals_first_match(seed, n):
    """Mixed masks (several runs per router), repeated keys (the first entry wins), keys that
    match entries of two masks: the search form returns the lookup's route for every key."""
    rng = np.random.default_rng(seed)
    router = rng.integers(0, MESH.routers, n)
    mask = rng.choice(MASKS, n).astype(np.int64)
    key = (rng.integers(0, 4, n) * 0x10000 + rng.integers(0, 3, n) * 0x100) & mask
    route = rng.integers(1, 4, n) << 4  # local ports only: valid on every router
    tables = MulticastTables.from_arrays(MESH, router, key, mask, route, capacity=100)
    form = tables.search_form()
    probes = (
        rng.integers(0, 4, 40) * 0x10000 + rng.integers(0, 4, 40) * 0x100 + rng.integers(0, 3, 40)
    )
    for node in range(MESH.routers):
        for k in [int(x) for x in tables.key] + [int(x) for x in probes]:
            assert _search(form, node, k) == tables.lookup(node, k)


def test_empty_tables_have_no_runs():
    form = MulticastTables.empty(MESH.routers).search_form()
    assert len(form.run_start) == MESH.routers + 1 and not form.run_start.any()


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_engine_routes_by_the_first_match(seed):
    """Both engines (the fused path and the general one, V = 2) deliver each locally injected
    packet to the local ports of its router's first matching entry, or count it unrouted."""
    rng = np.random.default_rng(seed)
    n = 30
    router = rng.integers(0, MESH.routers, n)
    mask = rng.choice(MASKS, n).astype(np.int64)
    key = (rng.integers(0, 3, n) * 0x10000 + rng.integers(0, 3, n) * 0x100) & mask
    route = rng.integers(1, 4, n) << 4
    tables = MulticastTables.from_arrays(MESH, router, key, mask, route, capacity=100)
    src = rng.integers(0, MESH.endpoints, 50)
    keys = (
        rng.integers(0, 3, 50) * 0x10000 + rng.integers(0, 3, 50) * 0x100 + rng.integers(0, 2, 50)
    )
    expected, unrouted = [], 0
    for k, (s, packet_key) in enumerate(zip(src.tolist(), keys.tolist(), strict=True)):
        node = s // MESH.ports_per_router
        hit = tables.lookup(node, packet_key)
        unrouted += hit is None
        ports = [p for p in range(MESH.ports_per_router) if (hit or 0) >> (4 + p) & 1]
        expected += [(k, MESH.endpoint(node, p)) for p in ports]
    assert expected  # some packets are routed
    for vcs in (1, 2):
        params = NocParams(routing="multicast_table", virtual_channels=vcs, clock_hz=1e9)
        engine = NocEngine(MESH, params, tables)
        engine.inject(np.arange(50) * 10, src, keys, tag=np.arange(50))
        got = engine.advance(10_000)
        assert sorted(zip(got.tag.tolist(), got.dest_endpoint.tolist(), strict=True)) == expected
        assert int(engine.stats.unrouted_packets.sum()) == unrouted
