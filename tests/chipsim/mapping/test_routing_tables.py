"""Keys, XY multicast trees, key/mask tables with default routing, and the table walker."""

from pathlib import Path

import numpy as np
import pytest

from chipsim.config import TopologyParams, load_config
from chipsim.mapping.routing_tables import (
    EAST,
    LOCAL_PORT_BIT0,
    NORTH,
    SOUTH,
    WEST,
    MeshShape,
    RoutingFitError,
    RoutingTables,
    allocate_keys,
    build_tables,
    destinations,
    multicast_trees,
    neuron_keys,
    walk_packets,
)

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def _chip(name: str) -> tuple[MeshShape, np.ndarray]:
    """Mesh of a shipped config (or a bare 16 x 16 mesh) and its populated endpoints."""
    if name == "mesh16":
        mesh = MeshShape(16, 16, 2)
        return mesh, np.arange(mesh.n_endpoints)
    topology = load_config(CONFIGS / f"{name}.yaml").topology
    mesh = MeshShape.from_topology(topology)
    empty = [y * mesh.width + x for x, y in topology.unpopulated]
    routers = np.setdiff1d(np.arange(mesh.n_routers), empty)
    return mesh, (routers[:, None] * mesh.pes_per_router + np.arange(mesh.pes_per_router)).ravel()


def _random_network(endpoints, n_slices, max_neurons, max_fanout, seed):
    """Slice sizes, source endpoints and CSR destinations drawn from ``endpoints``."""
    rng = np.random.default_rng(seed)
    n_neurons = rng.integers(1, max_neurons + 1, n_slices)
    source = rng.choice(endpoints, n_slices)
    dest_ptr = np.r_[0, np.cumsum(rng.integers(0, max_fanout + 1, n_slices))]
    return n_neurons, source, dest_ptr, rng.choice(endpoints, dest_ptr[-1])


def _bit(*bits: int) -> int:
    return sum(1 << b for b in bits)


@pytest.mark.parametrize("chip", ["tiny", "spinnaker2", "mesh16"])
@pytest.mark.parametrize("size", [(3, 5, 2), (30, 40, 8), (120, 100, 20)])
def test_walk_delivers_every_key_to_exactly_its_destinations(chip, size):
    """Walking the tables from a slice's source with each of its keys reaches its dest set."""
    mesh, endpoints = _chip(chip)
    n_neurons, source, dest_ptr, dest = _random_network(endpoints, *size, seed=sum(size))
    base_key, key_mask = allocate_keys(n_neurons)
    tables = build_tables(
        multicast_trees(mesh, source, dest_ptr, dest), base_key, key_mask, mesh.n_routers
    )
    for s in range(len(n_neurons)):
        local = np.arange(n_neurons[s])
        keys = neuron_keys(base_key, key_mask, np.full(local.size, s), local)
        expected = np.zeros(mesh.n_endpoints, dtype=bool)
        expected[dest[dest_ptr[s] : dest_ptr[s + 1]]] = True
        delivered = walk_packets(tables, mesh, source[s], keys)
        assert (delivered == expected).all(), f"slice {s}"


def test_straight_runs_need_no_entries():
    """A tree over 12 routers gets 4 entries: injection, branch, turn and final delivery."""
    mesh = MeshShape(8, 5, 4)
    # source (0, 0) port 0 -> (3, 0) port 2, (7, 0) port 1, (7, 4) port 3
    dest = np.array([3 * 4 + 2, 7 * 4 + 1, (4 * 8 + 7) * 4 + 3])
    trees = multicast_trees(mesh, np.array([0]), np.array([0, 3]), dest)
    tables = build_tables(trees, *allocate_keys(np.array([10])), mesh.n_routers)
    assert trees.router.size == 12  # 8 routers along row 0, 4 up column 7
    assert tables.router.tolist() == [0, 3, 7, 39]
    assert tables.route.tolist() == [
        _bit(EAST),
        _bit(EAST, LOCAL_PORT_BIT0 + 2),
        _bit(NORTH, LOCAL_PORT_BIT0 + 1),
        _bit(LOCAL_PORT_BIT0 + 3),
    ]
    assert tables.entry_count.sum() == 4 and tables.entry_count[[0, 3, 7, 39]].tolist() == [1] * 4


def test_west_and_south_paths_go_x_first():
    """From (5, 3) to (1, 0): west along row 3, turn south at (1, 3), deliver at (1, 0)."""
    mesh = MeshShape(8, 5, 4)
    source = np.array([(3 * 8 + 5) * 4 + 1])
    trees = multicast_trees(mesh, source, np.array([0, 1]), np.array([1 * 4 + 0]))
    tables = build_tables(trees, *allocate_keys(np.array([1])), mesh.n_routers)
    assert tables.router.tolist() == [1, 3 * 8 + 1, 3 * 8 + 5]
    assert tables.route.tolist() == [_bit(LOCAL_PORT_BIT0), _bit(SOUTH), _bit(WEST)]
    assert destinations(tables, mesh, int(source[0]), 0).tolist() == [4]


def test_keys_are_aligned_disjoint_blocks():
    """Each slice owns an aligned power-of-two block at least its size; blocks do not overlap."""
    n = np.random.default_rng(3).integers(1, 3000, 500)
    base, mask = allocate_keys(n)
    size = (~mask).astype(np.int64) + 1
    assert (size >= n).all() and (size < 2 * n + 1).all()
    assert (base & ~mask == 0).all()
    order = np.argsort(base)
    assert (base[order][:-1].astype(np.int64) + size[order][:-1] <= base[order][1:]).all()
    keys = neuron_keys(base, mask, np.arange(n.size), n - 1)
    assert (keys & mask == base).all()


def test_neuron_keys_rejects_index_outside_block():
    """A local index past the slice's key block is refused."""
    base, mask = allocate_keys(np.array([3, 5]))
    with pytest.raises(ValueError, match="outside its slice's key block"):
        neuron_keys(base, mask, np.array([0]), np.array([4]))


def test_key_space_exhausted_names_the_numbers():
    """More keys than 2**32 fails with the slice count and keys needed."""
    with pytest.raises(RoutingFitError, match=r"3 slices need 4294967297 keys"):
        allocate_keys(np.array([2**31, 2**31, 1]))


def test_bad_csr_is_refused():
    """Destination CSR arrays with the wrong length or endpoints off the mesh are refused."""
    mesh = MeshShape(2, 2, 2)
    with pytest.raises(ValueError, match="dest_ptr"):
        multicast_trees(mesh, np.array([0, 1]), np.array([0, 1]), np.array([3]))
    with pytest.raises(ValueError, match=r"dest_endpoint must lie in \[0, 8\)"):
        multicast_trees(mesh, np.array([0]), np.array([0, 1]), np.array([8]))


def _tables(mesh: MeshShape, rows: list[tuple[int, int, int, int]]) -> RoutingTables:
    """Hand-written tables from (router, key, mask, route) rows sorted by router."""
    router, key, mask, route = (np.array(c) for c in zip(*rows, strict=True))
    return RoutingTables(
        router=router.astype(np.int32),
        key=key.astype(np.uint32),
        mask=mask.astype(np.uint32),
        route=route.astype(np.uint32),
        entry_count=np.bincount(router, minlength=mesh.n_routers).astype(np.int32),
    )


def test_walker_fails_on_a_loop():
    """A key sent east at (0, 0) and back west at (1, 0) is reported as a loop."""
    mesh = MeshShape(2, 2, 2)
    tables = _tables(mesh, [(0, 5, 0xFFFFFFFF, _bit(EAST)), (1, 5, 0xFFFFFFFF, _bit(WEST))])
    with pytest.raises(ValueError, match=r"routing loop: key 0x00000005 revisits router \(0, 0\)"):
        walk_packets(tables, mesh, 0, np.array([5]))


def test_walker_fails_when_leaving_the_mesh():
    """A key routed west from x = 0 is reported leaving the mesh."""
    mesh = MeshShape(2, 2, 2)
    tables = _tables(mesh, [(0, 0, 0, _bit(WEST))])
    with pytest.raises(ValueError, match=r"leaves the mesh at router \(0, 0\) going WEST"):
        walk_packets(tables, mesh, 1, np.array([7]))


def test_walker_fails_on_a_missing_local_port():
    """A route to local port 2 on a router with 2 ports is refused."""
    mesh = MeshShape(2, 2, 2)
    tables = _tables(mesh, [(0, 0, 0, _bit(LOCAL_PORT_BIT0 + 2))])
    with pytest.raises(ValueError, match="names local port 2, the router has 2"):
        walk_packets(tables, mesh, 0, np.array([1]))


def test_unmatched_keys_are_dropped_at_injection_and_pass_straight_elsewhere():
    """No entry at the source drops the packet; no entry after a hop continues straight on."""
    mesh = MeshShape(3, 1, 1)
    tables = _tables(mesh, [(0, 8, 0xFFFFFFF8, _bit(EAST)), (2, 8, 0xFFFFFFF8, _bit(4))])
    delivered = walk_packets(tables, mesh, 0, np.array([9, 16]))
    assert np.flatnonzero(delivered[0]).tolist() == [2]
    assert not delivered[1].any()


def test_mesh_shape_refuses_a_torus_and_too_many_ports():
    """Tables are built for a plain mesh whose routes fit noc's 31 port bits."""
    with pytest.raises(ValueError, match="not a torus"):
        MeshShape.from_topology(TopologyParams(width=2, height=2, pes_per_router=1, torus=True))
    with pytest.raises(ValueError, match="room for 27 local ports"):
        MeshShape(2, 2, 28)
