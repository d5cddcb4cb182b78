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
    """First match by the search form, as the engine's compute_route does it: a run's direct
    index where it has one, else bisection."""
    for j in range(form.run_start[node], form.run_start[node + 1]):
        lo, hi = form.run_first[j], form.run_first[j + 1]
        keys = form.key[lo:hi].astype(np.int64)
        k = key & int(form.run_mask[j])
        if form.run_index_at[j] >= 0:
            if keys[0] <= k <= keys[-1]:
                i = int(form.index[form.run_index_at[j] + ((k - keys[0]) >> form.run_shift[j])])
                if i >= 0:
                    return int(form.route[i])
            continue
        i = int(np.searchsorted(keys, k))
        if i < len(keys) and keys[i] == k:
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


def test_runs_of_one_contiguous_mask_and_close_keys_are_indexed():
    """Router 0: keys 0x0, 0x800 and 0x1800 under 0xFFFFF800 (blocks 0, 1 and 3 of 2048
    keys), then 0x10000 under 0xFFFF0000; router 1: 5 and 7 under all ones, then keys far
    apart, a mask that is not high ones and one that covers every key, which are not."""
    rows = [
        (0, 0x0, 0xFFFFF800), (0, 0x800, 0xFFFFF800), (0, 0x1800, 0xFFFFF800),
        (0, 0x10000, 0xFFFF0000), (1, 0x5, 0xFFFFFFFF), (1, 0x7, 0xFFFFFFFF),
        (1, 0x100000, 0xFFFFFF00), (1, 0x200, 0xFFFFFF00), (1, 0x01000100, 0xFF00FF00),
        (2, 0, 0),
    ]  # fmt: skip
    router, key, mask = (np.array(column) for column in zip(*rows, strict=True))
    tables = MulticastTables.from_arrays(MESH, router, key, mask, 16 + 0 * key, capacity=100)
    form = tables.search_form()
    assert form.run_index_at.tolist() == [0, 4, 5, -1, -1, -1]
    assert form.run_shift[:3].tolist() == [11, 16, 0]
    assert form.index.tolist() == [0, 1, -1, 2, 3, 4, -1, 5]
    for node in range(MESH.routers):
        for k in [0, 0x7FF, 0x800, 0x1000, 0x1800, 0x10000, 0x1FFFF, 5, 6, 7, 8, 0x200, 0x2FF,
                  0x100000, 0x01000100, 0x01FF01FF, 0xFFFFFFFF]:  # fmt: skip
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
