"""Ordered-covering minimisation keeps every emitted key's routing and shrinks tables."""

import numpy as np
import pytest

from chipsim.mapping.routing_tables import (
    EAST,
    LOCAL_PORT_BIT0,
    NORTH,
    WEST,
    MeshShape,
    RoutingFitError,
    allocate_keys,
    build_tables,
    multicast_trees,
    walk_packets,
)
from chipsim.mapping.table_minimisation import (
    LiveBlocks,
    fit_tables,
    minimise_tables,
    ordered_covering,
)

FULL = 0xFFFFFFFF


def _lookup(table, keys: np.ndarray, default: np.ndarray) -> np.ndarray:
    """Route of each key: first matching entry's route, else its default route."""
    key, mask, route = table
    hit = (keys[:, None] & mask[None, :]) == key[None, :]
    return np.where(hit.any(axis=1), route[hit.argmax(axis=1)] if key.size else 0, default)


def _u32(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.uint32)


@pytest.mark.parametrize("seed", range(40))
def test_one_router_routes_every_live_key_as_before(seed):
    """On random live blocks, routed or default-routed, full minimisation changes no key's route."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 9, 60)
    key, mask = allocate_keys(n[np.cumsum(n) < 256])  # an 8-bit key space, densely packed
    live = rng.random(key.size) < 0.7
    key, mask = key[live], mask[live]
    routed = rng.random(key.size) < 0.7
    default = np.where(routed, 0, rng.choice(_u32(1, 2, 4, 8), key.size)).astype(np.uint32)
    entry = np.where(routed, np.cumsum(routed) - 1, -1)
    table = (key[routed], mask[routed], rng.choice(_u32(1, 2, 4), routed.sum()))
    small = ordered_covering(*table, LiveBlocks(key, mask, entry, default), target=0)
    keys = np.arange(256, dtype=np.uint32)
    in_block = (keys[:, None] & mask[None, :]) == key[None, :]
    keys, owner = keys[in_block.any(axis=1)], in_block.argmax(axis=1)[in_block.any(axis=1)]
    before, after = _lookup(table, keys, default[owner]), _lookup(small, keys, default[owner])
    assert (before == after).all()
    assert small[0].size <= table[0].size


def test_same_route_blocks_merge_into_one_entry():
    """Four adjacent 4-key blocks with one route become a single 16-key entry."""
    key, mask = allocate_keys(np.full(4, 4))
    blocks = LiveBlocks(key, mask, np.arange(4), np.zeros(4, np.uint32))
    small = ordered_covering(key, mask, np.full(4, 1 << EAST, np.uint32), blocks, target=0)
    assert [a.tolist() for a in small] == [[0], [0xFFFFFFF0], [1 << EAST]]


@pytest.mark.parametrize(("default", "entries"), [(1 << WEST, 2), (1 << EAST, 1)])
def test_down_check_keeps_default_routed_keys(default, entries):
    """Keys 4-5 pass straight through: covering keys 0-1 and 6-7 with them is safe only when
    the straight-on port is the merged route."""
    key, mask = _u32(0, 6, 4), _u32(FULL - 1, FULL - 1, FULL - 1)
    blocks = LiveBlocks(key, mask, np.array([0, 1, -1]), _u32(0, 0, default))
    small = ordered_covering(key[:2], mask[:2], _u32(1 << EAST, 1 << EAST), blocks, target=0)
    assert small[0].size == entries
    assert (_lookup(small, _u32(0, 1, 4, 5, 6, 7), _u32(*[default] * 6)) != 0).all()
    assert _lookup(small, _u32(4), _u32(default))[0] == default


def test_up_check_keeps_a_shadowed_entry_from_stealing_keys():
    """Key 0 (EAST) sits above entry 00xx (NORTH): merging it with key 15 into xxxx, placed
    below 00xx, would send key 0 north, so no merge happens."""
    key, mask = _u32(0, 15, 0), _u32(FULL, FULL, FULL - 3)
    route = _u32(1 << EAST, 1 << EAST, 1 << NORTH)
    blocks = LiveBlocks(
        _u32(0, 15, 1, 2),
        _u32(FULL, FULL, FULL, FULL - 1),
        np.array([0, 1, 2, 2]),
        _u32(0, 0, 0, 0),
    )
    small = ordered_covering(key, mask, route, blocks, target=0)
    assert small[0].size == 3
    assert _lookup(small, _u32(0, 1, 2, 3, 15), _u32(0, 0, 0, 0, 0)).tolist() == [
        1 << EAST,
        1 << NORTH,
        1 << NORTH,
        1 << NORTH,
        1 << EAST,
    ]


def _compressible_network(mesh: MeshShape, n_slices: int, seed: int):
    """Slices on a few source PEs, each targeting one of three shared destination sets."""
    rng = np.random.default_rng(seed)
    sets = [rng.choice(mesh.n_endpoints, 4, replace=False) for _ in range(3)]
    chosen = rng.integers(0, 3, n_slices)
    dest = np.concatenate([sets[c] for c in chosen])
    source = rng.choice(rng.choice(mesh.n_endpoints, 3), n_slices)
    return rng.integers(1, 40, n_slices), source, np.arange(n_slices + 1) * 4, dest


@pytest.mark.parametrize(
    ("mesh", "seed"), [(MeshShape(2, 2, 2), 0), (MeshShape(8, 5, 4), 1), (MeshShape(16, 16, 2), 2)]
)
def test_minimised_tables_walk_like_the_originals(mesh, seed):
    """For every key every slice emits, walking minimised tables gives the same endpoints,
    and the tables shrink."""
    n, source, dest_ptr, dest = _compressible_network(mesh, 60, seed)
    base, mask = allocate_keys(n)
    trees = multicast_trees(mesh, source, dest_ptr, dest)
    full = build_tables(trees, base, mask, mesh.n_routers)
    small = minimise_tables(trees, base, mask, mesh, target=0)
    for s in range(n.size):
        keys = base[s] | np.arange(n[s], dtype=np.uint32)
        before = walk_packets(full, mesh, source[s], keys)
        assert (walk_packets(small, mesh, source[s], keys) == before).all(), f"slice {s}"
    assert small.entry_count.sum() < full.entry_count.sum()
    assert (small.entry_count <= full.entry_count).all()


def test_identical_slices_compress_to_one_entry_per_router():
    """Eight 16-neuron slices from one PE to the same two PEs: 24 entries become 3."""
    mesh = MeshShape(2, 2, 2)
    dest = np.tile([1 * 2 + 1, 3 * 2 + 1], 8)  # (1, 0) port 1 and (1, 1) port 1
    base, mask = allocate_keys(np.full(8, 16))
    trees = multicast_trees(mesh, np.zeros(8, int), np.arange(9) * 2, dest)
    assert build_tables(trees, base, mask, mesh.n_routers).entry_count.tolist() == [8, 8, 0, 8]
    small = minimise_tables(trees, base, mask, mesh, target=0)
    assert small.entry_count.tolist() == [1, 1, 0, 1]
    assert small.key.tolist() == [0] * 3 and small.mask.tolist() == [0xFFFFFF80] * 3
    assert small.route.tolist() == [
        1 << EAST,
        (1 << NORTH) | (1 << LOCAL_PORT_BIT0 + 1),
        1 << LOCAL_PORT_BIT0 + 1,
    ]
    assert fit_tables(trees, base, mask, mesh, capacity=8).entry_count.tolist() == [8, 8, 0, 8]


def test_table_over_capacity_names_router_and_numbers():
    """Three slices from (0, 0) with three different routes cannot fit two entries."""
    mesh = MeshShape(2, 2, 2)
    dest = np.array([1 * 2, 2 * 2, 1])  # east, north, local port 1
    base, mask = allocate_keys(np.array([4, 4, 4]))
    trees = multicast_trees(mesh, np.zeros(3, int), np.arange(4), dest)
    with pytest.raises(
        RoutingFitError, match=r"router \(0, 0\) needs 3 routing entries .*\(3 before\), capacity 2"
    ):
        fit_tables(trees, base, mask, mesh, capacity=2)
