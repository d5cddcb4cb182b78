"""Multicast keys and key/mask routing tables of a SpiNNaker-like chip (design.md, decision 7).

Every spike is one multicast packet carrying a 32-bit key. Each source slice (a population slice
on one PE) owns a power-of-two aligned block of keys, ``key = base_key | local_index``. Each
router holds a table of ``(key, mask, route)`` entries: a key ``k`` matches an entry when
``k & mask == key``, the first match wins, and ``route`` is a bit set of output ports. A packet
that arrives over a link and matches nothing is *default-routed* straight on, out of the port
opposite to the one it came in by; a packet injected by a local PE that matches nothing is
dropped. So a table needs an entry only where a packet is injected, turns, branches or is
delivered; straight runs cost nothing, which is what keeps SpiNNaker's tables small.

Port encoding (route bit ``i``), the same as noc's (``noc/topology.py``, ``noc/routing.py``):

* bits 0-3: the mesh directions ``NORTH`` (+y), ``EAST`` (+x), ``SOUTH`` (-y), ``WEST`` (-x);
  the opposite of direction ``d`` is ``(d + 2) % 4``;
* bit ``4 + p``: local port ``p`` of the router, ``0 <= p < pes_per_router``.

Routers are numbered ``y * width + x``; endpoint ``router * pes_per_router + p`` is the PE on
local port ``p``. Paths are dimension-order (XY): first along x, then along y; the multicast
tree of a slice is the union of the XY paths from its source router to its destination routers.

Flow: :func:`allocate_keys` -> :func:`multicast_trees` -> :func:`build_tables` (or
:func:`chipsim.mapping.table_minimisation.fit_tables`, which minimises over-full tables by
ordered covering) -> :func:`walk_packets` checks the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chipsim.errors import UserError

NORTH, EAST, SOUTH, WEST = 0, 1, 2, 3
"""Route bits of the four mesh directions (as noc.topology's N, E, S, W); NORTH is +y."""
LOCAL_PORT_BIT0 = 4
"""Route bit of local port 0; local port ``p`` is bit ``LOCAL_PORT_BIT0 + p``."""
INJECTED = -1
"""In-port of a packet injected at its source router by a local PE."""
_STEP_X = np.array([0, 1, 0, -1])
_STEP_Y = np.array([1, 0, -1, 0])
_DIRECTION_NAMES = ("NORTH", "EAST", "SOUTH", "WEST")
MAX_ROUTE_BITS = 31
"""Route bits in use at most (noc.topology.MAX_PORTS): 4 directions and up to 27 local ports."""
KEY_SPACE = 1 << 32
"""Number of distinct 32-bit keys."""


class RoutingFitError(UserError, ValueError):
    """The network does not fit the chip's key space or routing tables (says what and where)."""


@dataclass(frozen=True)
class MeshShape:
    """A ``width`` x ``height`` 2D mesh (no torus) with ``pes_per_router`` PEs per router."""

    width: int
    height: int
    pes_per_router: int

    def __post_init__(self) -> None:
        if min(self.width, self.height, self.pes_per_router) < 1:
            raise ValueError(f"mesh sizes must be >= 1, got {self}")
        if LOCAL_PORT_BIT0 + self.pes_per_router > MAX_ROUTE_BITS:
            raise ValueError(
                f"a route has room for {MAX_ROUTE_BITS - LOCAL_PORT_BIT0} local ports "
                f"(noc keeps routes non-negative int32), got pes_per_router={self.pes_per_router}"
            )

    @classmethod
    def from_topology(cls, topology) -> MeshShape:
        """The mesh of a :class:`chipsim.config.TopologyParams` (a torus is not supported)."""
        if topology.torus:
            raise ValueError("multicast routing tables are built for a mesh, not a torus")
        return cls(topology.width, topology.height, topology.pes_per_router)

    @property
    def n_routers(self) -> int:
        return self.width * self.height

    @property
    def n_endpoints(self) -> int:
        return self.n_routers * self.pes_per_router


def allocate_keys(n_neurons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give each source slice an aligned power-of-two block of 32-bit keys.

    Blocks are packed from key 0, largest first, so each is aligned to its own size and no two
    overlap; slices of equal size get consecutive blocks in slice order.

    Parameters
    ----------
    n_neurons : int array, shape (n_slices,)
        Neurons of each source slice, >= 1.

    Returns
    -------
    base_key, key_mask : uint32 arrays, shape (n_slices,)
        Slice ``s`` owns the keys ``k`` with ``k & key_mask[s] == base_key[s]``; its block has
        ``2**ceil(log2(n_neurons[s]))`` keys.

    Raises
    ------
    RoutingFitError
        If the blocks need more than 2**32 keys.
    """
    n = np.asarray(n_neurons, dtype=np.int64)
    if n.ndim != 1 or (n.size and n.min() < 1):
        raise ValueError("n_neurons must be a 1-D array of slice sizes >= 1")
    _, bits = np.frexp((n - 1).astype(np.float64))  # bit length of n - 1, exact below 2**53
    size = np.left_shift(np.int64(1), bits.astype(np.int64))
    total = int(size.sum())
    if total > KEY_SPACE:
        raise RoutingFitError(
            f"key space exhausted: {n.size} slices need {total} keys (blocks rounded up to "
            f"powers of two), a 32-bit key has {KEY_SPACE}"
        )
    order = np.argsort(-size, kind="stable")
    base = np.empty_like(size)
    base[order] = np.cumsum(size[order]) - size[order]
    return base.astype(np.uint32), ((KEY_SPACE - size) & 0xFFFFFFFF).astype(np.uint32)


def neuron_keys(
    base_key: np.ndarray, key_mask: np.ndarray, slice_index: np.ndarray, local_index: np.ndarray
) -> np.ndarray:
    """Keys of neurons ``local_index`` of slices ``slice_index``: ``base_key | local_index``.

    Raises ValueError if a local index lies outside its slice's key block.
    """
    local = np.asarray(local_index, dtype=np.int64)
    mask = key_mask[slice_index]
    if np.any((local < 0) | ((local & mask.astype(np.int64)) != 0)):
        raise ValueError("local_index outside its slice's key block")
    return base_key[slice_index] | local.astype(np.uint32)


@dataclass(frozen=True)
class MulticastTrees:
    """The routers that the XY multicast tree of each slice visits, one row per (slice, router).

    Rows are sorted by router, then slice. ``in_port`` is the direction a packet arrives from
    (``INJECTED`` at the source router), ``route`` the output-port bits it leaves by there.
    """

    slice: np.ndarray  # int32 (n_nodes,)
    router: np.ndarray  # int32 (n_nodes,)
    in_port: np.ndarray  # int8 (n_nodes,)
    route: np.ndarray  # uint32 (n_nodes,)

    @property
    def default_route(self) -> np.ndarray:
        """uint32 route the router takes for a key it has no entry for (0: dropped)."""
        through = np.left_shift(np.uint32(1), ((self.in_port + 2) % 4).astype(np.uint32))
        return np.where(self.in_port == INJECTED, np.uint32(0), through).astype(np.uint32)

    @property
    def needs_entry(self) -> np.ndarray:
        """bool: the tree turns, branches, delivers or starts here (not a straight run)."""
        return self.route != self.default_route


def _check_csr(mesh: MeshShape, source_endpoint, dest_ptr, dest_endpoint) -> None:
    n_slices = len(source_endpoint)
    if len(dest_ptr) != n_slices + 1 or dest_ptr[0] != 0 or dest_ptr[-1] != len(dest_endpoint):
        raise ValueError(
            f"dest_ptr must have n_slices + 1 = {n_slices + 1} entries from 0 to "
            f"len(dest_endpoint) = {len(dest_endpoint)}"
        )
    if np.any(np.diff(dest_ptr) < 0):
        raise ValueError("dest_ptr must be non-decreasing")
    for name, ep in (("source_endpoint", source_endpoint), ("dest_endpoint", dest_endpoint)):
        if ep.size and (ep.min() < 0 or ep.max() >= mesh.n_endpoints):
            raise ValueError(f"{name} must lie in [0, {mesh.n_endpoints}) on this mesh")


def _xy_hops(
    mesh: MeshShape, source_router: np.ndarray, dest_endpoint: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Every router on the XY path of each (source router, destination endpoint) pair.

    Returns ``pair, router, in_port, out_bit`` per hop: the pair index, the router visited,
    the port the packet arrives by (``INJECTED`` at the source) and the port it leaves by.
    """
    w, ppr = mesh.width, mesh.pes_per_router
    sx, sy = source_router % w, source_router // w
    dx, dy = dest_endpoint // ppr % w, dest_endpoint // ppr // w
    nx, ny = np.abs(dx - sx), np.abs(dy - sy)
    hops = nx + ny + 1  # routers on the path, source and destination included
    pair = np.repeat(np.arange(hops.size), hops)
    k = np.arange(pair.size) - np.repeat(np.cumsum(hops) - hops, hops)  # hop index on its path
    nx, ny, sx, sy, dx, dy = nx[pair], ny[pair], sx[pair], sy[pair], dx[pair], dy[pair]
    step_x, step_y = np.sign(dx - sx), np.sign(dy - sy)
    along_x = k < nx
    x = np.where(along_x, sx + step_x * k, dx)
    y = np.where(along_x, sy, sy + step_y * (k - nx))
    dir_x, dir_y = np.where(step_x > 0, EAST, WEST), np.where(step_y > 0, NORTH, SOUTH)
    out_bit = np.where(along_x, dir_x, dir_y)
    out_bit = np.where(k == nx + ny, LOCAL_PORT_BIT0 + dest_endpoint[pair] % ppr, out_bit)
    in_port = np.where(k <= nx, (dir_x + 2) % 4, (dir_y + 2) % 4)
    return pair, y * w + x, np.where(k == 0, INJECTED, in_port), out_bit


def multicast_trees(
    mesh: MeshShape, source_endpoint: np.ndarray, dest_ptr: np.ndarray, dest_endpoint: np.ndarray
) -> MulticastTrees:
    """XY multicast trees of all slices: the union of the paths to their destinations.

    Vectorised over every hop of every (slice, destination) path; the routes of paths that
    share a router are OR-ed together, which is where a tree branches.

    Parameters
    ----------
    mesh : MeshShape
    source_endpoint : int array, shape (n_slices,)
        Endpoint of the PE that sends each slice's spikes.
    dest_ptr, dest_endpoint : int arrays (CSR)
        Slice ``s`` targets ``dest_endpoint[dest_ptr[s]:dest_ptr[s + 1]]`` (duplicates allowed).
    """
    source_endpoint = np.asarray(source_endpoint, dtype=np.int64)
    dest_ptr = np.asarray(dest_ptr, dtype=np.int64)
    dest_endpoint = np.asarray(dest_endpoint, dtype=np.int64)
    _check_csr(mesh, source_endpoint, dest_ptr, dest_endpoint)
    n_slices = max(len(source_endpoint), 1)
    pair_slice = np.repeat(np.arange(len(source_endpoint)), np.diff(dest_ptr))
    source_router = source_endpoint[pair_slice] // mesh.pes_per_router
    pair, router, in_port, out_bit = _xy_hops(mesh, source_router, dest_endpoint)
    node = router * n_slices + pair_slice[pair]
    order = np.argsort(node, kind="stable")
    node, out_bit, in_port = node[order], out_bit[order], in_port[order]
    first = np.flatnonzero(np.r_[True, node[1:] != node[:-1]]) if node.size else node
    route = np.bitwise_or.reduceat(np.left_shift(np.uint32(1), out_bit.astype(np.uint32)), first)
    return MulticastTrees(
        slice=(node[first] % n_slices).astype(np.int32),
        router=(node[first] // n_slices).astype(np.int32),
        in_port=in_port[first].astype(np.int8),
        route=route.astype(np.uint32),
    )


@dataclass(frozen=True)
class RoutingTables:
    """Key/mask tables of all routers as flat arrays, grouped by router in router order.

    Router ``r``'s table is rows ``offsets[r]:offsets[r + 1]``, in priority order (first match
    wins).
    """

    router: np.ndarray  # int32 (n_entries,)
    key: np.ndarray  # uint32 (n_entries,)
    mask: np.ndarray  # uint32 (n_entries,)
    route: np.ndarray  # uint32 (n_entries,)
    entry_count: np.ndarray  # int32 (n_routers,)

    @property
    def offsets(self) -> np.ndarray:
        """int64 (n_routers + 1,): start of each router's rows."""
        return np.r_[0, np.cumsum(self.entry_count, dtype=np.int64)]


def build_tables(
    trees: MulticastTrees, base_key: np.ndarray, key_mask: np.ndarray, n_routers: int
) -> RoutingTables:
    """One entry per tree node that is not a straight run; keys disjoint, so any order works."""
    keep = trees.needs_entry
    router = trees.router[keep]
    sl = trees.slice[keep]
    return RoutingTables(
        router=router,
        key=base_key[sl].astype(np.uint32),
        mask=key_mask[sl].astype(np.uint32),
        route=trees.route[keep],
        entry_count=np.bincount(router, minlength=n_routers).astype(np.int32),
    )


def walk_packets(
    tables: RoutingTables, mesh: MeshShape, source_endpoint: int, keys: np.ndarray
) -> np.ndarray:
    """Follow packets with ``keys`` injected at ``source_endpoint`` through the tables.

    At each router the first matching entry gives the output ports; a packet that arrived
    over a link and matches nothing leaves by the opposite port, one injected locally and
    unmatched is dropped. This is the oracle for tests and for the mapper's self-check.

    Returns
    -------
    delivered : bool array, shape (n_keys, n_endpoints)
        ``delivered[i, e]``: the packet with ``keys[i]`` reaches endpoint ``e``.

    Raises
    ------
    ValueError
        If a packet visits a router twice (a loop), leaves the mesh (noc's engine would drop
        and count it; for the mapper it is a bug), or is routed to a local port the router
        does not have.
    """
    keys = np.asarray(keys, dtype=np.uint32)
    offsets = tables.offsets
    delivered = np.zeros((keys.size, mesh.n_endpoints), dtype=bool)
    visited = np.zeros((keys.size, mesh.n_routers), dtype=bool)
    stack = [(int(source_endpoint) // mesh.pes_per_router, INJECTED, np.arange(keys.size))]
    while stack:
        router, in_port, idx = stack.pop()
        x, y = router % mesh.width, router // mesh.width
        if visited[idx, router].any():
            raise ValueError(f"routing loop: key 0x{keys[idx[0]]:08x} revisits router ({x}, {y})")
        visited[idx, router] = True
        rows = slice(offsets[router], offsets[router + 1])
        hit = (keys[idx, None] & tables.mask[None, rows]) == tables.key[None, rows]
        first = np.argmax(np.c_[hit, np.ones(idx.size, bool)], axis=1)  # n_rows where none
        default = 0 if in_port == INJECTED else 1 << (in_port + 2) % 4
        routes = np.r_[tables.route[rows], np.uint32(default)][first]
        for route in np.unique(routes):
            group = idx[routes == route]
            for port in _local_ports(int(route), mesh, (x, y)):
                delivered[group, router * mesh.pes_per_router + port] = True
            for d in range(4):
                if not (int(route) >> d) & 1:
                    continue
                nx, ny = x + _STEP_X[d], y + _STEP_Y[d]
                if not (0 <= nx < mesh.width and 0 <= ny < mesh.height):
                    raise ValueError(
                        f"key 0x{keys[group[0]]:08x} leaves the mesh at router ({x}, {y}) "
                        f"going {_DIRECTION_NAMES[d]}"
                    )
                stack.append((int(ny * mesh.width + nx), (d + 2) % 4, group))
    return delivered


def _local_ports(route: int, mesh: MeshShape, xy: tuple[int, int]) -> list[int]:
    """Local ports named by ``route``; ValueError if one does not exist on the router."""
    ports = [b - LOCAL_PORT_BIT0 for b in range(LOCAL_PORT_BIT0, 32) if (route >> b) & 1]
    if ports and ports[-1] >= mesh.pes_per_router:
        raise ValueError(
            f"route 0x{route:08x} at router {xy} names local port {ports[-1]}, the router has "
            f"{mesh.pes_per_router}"
        )
    return ports


def destinations(
    tables: RoutingTables, mesh: MeshShape, source_endpoint: int, key: int
) -> np.ndarray:
    """Sorted endpoints that one packet with ``key`` from ``source_endpoint`` reaches."""
    return np.flatnonzero(walk_packets(tables, mesh, source_endpoint, np.array([key]))[0])
