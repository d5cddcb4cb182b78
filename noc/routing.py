"""SpiNNaker-style multicast routing tables: (key, mask, route) entries per router.

A packet with 32-bit ``key`` matches entry ``(k, m, route)`` when ``key & m == k``; the first
matching entry of the router's table wins. ``route`` is a bitmask over the router's output
ports: bit ``d`` for mesh direction ``d`` (0 = N (+y), 1 = E (+x), 2 = S, 3 = W) and bit
``4 + p`` for local port ``p`` (see :mod:`noc.topology`). A packet that matches no entry:

- arrived over a link (a chip link included): default routing, it leaves through the port
  opposite the one it came in by (straight through), a chip link included; where no link
  leaves that way (mesh edge without chip links) it is dropped;
- was injected locally: it is dropped.

Both kinds of drop are counted in ``NocStats.unrouted_packets``.

Deadlock freedom: the engine replicates multicast packets port by port (each branch advances
on its own) and needs a whole packet to fit in an input buffer, so any set of tables whose
routes respect the XY order (a packet that has moved in y never turns back into x) cannot
deadlock, as with XY unicast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from noc.topology import DIRECTIONS, Mesh

_U32 = 0xFFFFFFFF


@dataclass(frozen=True)
class SearchForm:
    """Tables as runs of one mask, each a sorted key array: the runs of router ``r`` are
    ``run_start[r]:run_start[r+1]``; run ``j`` has mask ``run_mask[j]`` and the keys
    ``key[run_first[j]:run_first[j+1]]`` (increasing) with their routes ``route[...]``.

    A run whose mask is contiguous high ones and whose keys lie close together (at most four
    blocks of ``2**run_shift[j]`` keys per key, plus 64) also has a direct index:
    ``index[run_index_at[j] + ((k - first) >> run_shift[j])]`` is the position (in ``key``)
    of the run's key ``k`` (``k & mask``), -1 where the run has none, for ``first <= k <=
    last``, its first and last keys (``run_index_at[j]`` is -1 for a run without one). The
    engine then finds a key in one read instead of a bisection whose probes wait on each
    other and whose branches it mispredicts (# perf: the NoC calls of the SpiNNaker2-like
    benchmark's first 150 ticks replayed, ~150 entries of one mask per router: +5-7 %
    flit-hops/s CPU, 5 paired rounds): a read of ``direct``, which holds the route itself,
    after the run's bounds ``run_low[j]`` (``first``) and ``run_span[j]`` (``last - first``)."""

    run_start: np.ndarray  # int32[routers + 1]
    run_mask: np.ndarray  # uint32[runs]
    run_first: np.ndarray  # int32[runs + 1]
    key: np.ndarray  # uint32
    route: np.ndarray  # uint32
    run_index_at: np.ndarray  # int32[runs]
    run_shift: np.ndarray  # int32[runs]
    index: np.ndarray  # int32
    run_low: np.ndarray  # uint32[runs], each run's first key
    run_span: np.ndarray  # uint32[runs], its last key less its first
    direct: np.ndarray  # int32, ``index`` with the route of each position (-1: no key)


@dataclass(frozen=True)
class MulticastTables:
    """All routers' tables in CSR form: entries of router ``r`` are ``start[r]:start[r+1]``.

    Attributes
    ----------
    start : int32[routers + 1]
    key, mask : uint32[entries]
    route : uint32[entries]
        Output-port bitmask of each entry.
    """

    start: np.ndarray
    key: np.ndarray
    mask: np.ndarray
    route: np.ndarray

    @classmethod
    def from_arrays(
        cls,
        mesh: Mesh,
        router: np.ndarray,
        key: np.ndarray,
        mask: np.ndarray,
        route: np.ndarray,
        capacity: int,
    ) -> MulticastTables:
        """Build tables from parallel arrays, one row per entry, in priority order per router.

        Entries of one router keep their relative order (first match wins). Raises ValueError
        when a router needs more than ``capacity`` entries, when a route names a port the
        router lacks, or when ``key`` has bits outside ``mask`` (it could never match).
        """
        router = np.asarray(router, dtype=np.int64)
        key, mask, route = (np.asarray(a, dtype=np.int64) for a in (key, mask, route))
        if not router.shape == key.shape == mask.shape == route.shape or router.ndim != 1:
            raise ValueError("router, key, mask and route must be 1-D arrays of equal length")
        _check_range("router", router, 0, mesh.routers - 1)
        for name, values in (("key", key), ("mask", mask), ("route", route)):
            _check_range(name, values, 0, _U32)
        if np.any(key & ~mask & _U32):
            bad = int(np.flatnonzero(key & ~mask & _U32)[0])
            raise ValueError(
                f"routing entry {bad}: key {key[bad]:#010x} has bits outside mask "
                f"{mask[bad]:#010x}, so it can never match"
            )
        counts = np.bincount(router, minlength=mesh.routers)
        if counts.size and counts.max() > capacity:
            worst = int(np.argmax(counts))
            raise ValueError(
                f"router {worst} {mesh.coords(worst)} needs {counts[worst]} routing table "
                f"entries but its capacity (routing_table_entries) is {capacity}"
            )
        _check_routes(mesh, router, route)
        order = np.argsort(router, kind="stable")
        start = np.zeros(mesh.routers + 1, dtype=np.int32)
        np.cumsum(counts, out=start[1:])
        return cls(
            start=start,
            key=key[order].astype(np.uint32),
            mask=mask[order].astype(np.uint32),
            route=route[order].astype(np.uint32),
        )

    @classmethod
    def empty(cls, routers: int) -> MulticastTables:
        """Tables without entries (every packet takes default routing)."""
        none = np.zeros(0, dtype=np.uint32)
        return cls(np.zeros(routers + 1, dtype=np.int32), none, none, none)

    def search_form(self) -> SearchForm:
        """The same first-match lookup as runs searched by bisection (what the engine uses).

        Consecutive entries of a router with one mask form a run; a key matches an entry of
        the run when ``key & mask`` equals the entry's key (keys have no bits outside their
        mask), so the first match of the run is its first entry with that key, and runs are
        tried in order. Each run keeps, sorted, the first entry of each of its keys.
        """
        n = len(self.key)
        if n == 0:
            zeros = np.zeros(len(self.start), dtype=np.int32)
            none = np.zeros(0, dtype=np.uint32)
            empty = np.zeros(0, dtype=np.int32)
            return SearchForm(
                zeros, none, np.zeros(1, dtype=np.int32), none, none, empty, empty, empty,
                none, none, empty,
            )  # fmt: skip
        router = np.repeat(np.arange(len(self.start) - 1), np.diff(self.start))
        new_run = np.r_[True, (self.mask[1:] != self.mask[:-1]) | (router[1:] != router[:-1])]
        run = np.cumsum(new_run) - 1
        order = np.lexsort((np.arange(n), self.key, run))  # by run, key, then priority
        first = np.r_[True, (run[order][1:] != run[order][:-1])
                      | (self.key[order][1:] != self.key[order][:-1])]  # fmt: skip
        kept = order[first]
        run_first = np.searchsorted(run[kept], np.arange(run[-1] + 2)).astype(np.int32)
        run_start = np.searchsorted(router[new_run], np.arange(len(self.start)))
        run_mask, key, route = self.mask[new_run], self.key[kept], self.route[kept]
        index_at, shift, index = _direct_indices(run_mask, run_first, key)
        low, high = key[run_first[:-1]], key[run_first[1:] - 1]  # (runs are never empty)
        direct = np.where(index >= 0, route[np.maximum(index, 0)], -1).astype(np.int32)
        return SearchForm(
            run_start.astype(np.int32), run_mask, run_first, key, route, index_at, shift, index,
            low.astype(np.uint32), (high - low).astype(np.uint32), direct,
        )  # fmt: skip

    def lookup(self, node: int, key: int) -> int | None:
        """Route bitmask of the first entry of ``node`` matching ``key``; None if none does."""
        for i in range(self.start[node], self.start[node + 1]):
            if key & int(self.mask[i]) == int(self.key[i]):
                return int(self.route[i])
        return None


def _direct_indices(
    run_mask: np.ndarray, run_first: np.ndarray, key: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(run_index_at, run_shift, index) of :class:`SearchForm` for runs of sorted keys."""
    low = ~run_mask.astype(np.int64) & _U32
    contiguous = (low & (low + 1)) == 0
    shift = np.where(contiguous, np.round(np.log2(low + 1.0)), 32).astype(np.int64)
    lo, hi = run_first[:-1].astype(np.int64), run_first[1:].astype(np.int64)
    first = key[lo].astype(np.int64)  # each run's first key
    span = np.zeros(len(lo), np.int64)
    indexed = shift < 32
    span[indexed] = ((key[hi[indexed] - 1] - first[indexed]) >> shift[indexed]) + 1
    indexed &= span <= 4 * (hi - lo) + 64
    span[~indexed] = 0
    index_at = np.where(indexed, np.cumsum(span) - span, -1)
    index = np.full(int(span.sum()), -1, dtype=np.int32)
    run = np.repeat(np.arange(len(lo)), hi - lo)  # the run of each key
    at = np.flatnonzero(indexed[run])
    index[index_at[run[at]] + ((key[at] - first[run[at]]) >> shift[run[at]])] = at
    return index_at.astype(np.int32), np.minimum(shift, 31).astype(np.int32), index


def _check_range(name: str, values: np.ndarray, low: int, high: int) -> None:
    if values.size and (values.min() < low or values.max() > high):
        raise ValueError(f"routing table {name} values must lie in [{low}, {high}]")


def _check_routes(mesh: Mesh, router: np.ndarray, route: np.ndarray) -> None:
    """Every route bit must name a port the router has (a link that exists, a local port)."""
    ports_mask = (1 << mesh.ports) - 1
    for i in np.flatnonzero(route & ~ports_mask):
        raise ValueError(
            f"routing entry {i}: route {route[i]:#x} names ports beyond the {mesh.ports} "
            f"ports of router {router[i]}"
        )
    for d in range(DIRECTIONS):
        no_link = (mesh.neighbours[router, d] < 0) & (mesh.chip_link_ids[router, d] < 0)
        missing = (route >> d) & 1 & no_link
        for i in np.flatnonzero(missing):
            raise ValueError(
                f"routing entry {i}: route {route[i]:#x} sends through direction {d} of "
                f"router {router[i]} {mesh.coords(int(router[i]))}, which has no link there"
            )


def xy_tree_entries(
    mesh: Mesh, src_node: int, dest_endpoints: np.ndarray, elide_default: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Table entries that multicast one key from ``src_node`` to ``dest_endpoints`` along the
    union of their XY paths (a tree that respects the XY order, so it cannot deadlock).

    Destinations may be external endpoints (chip links, see :mod:`noc.topology`): their
    path leaves through the chip link. Returns (router int64[k], route uint32[k]) for entries
    with mask 0xFFFFFFFF. With
    ``elide_default`` a router the packet crosses straight through, with no other branch, gets
    no entry (default routing does the job), as SpiNNaker's table compression does.
    """
    routes: dict[int, int] = {}
    came_from: dict[int, int] = {}
    for dest in np.asarray(dest_endpoints, dtype=np.int64):
        node = src_node
        while True:
            out = mesh.xy_output(node, int(dest))
            routes[node] = routes.get(node, 0) | 1 << out
            nxt = int(mesh.neighbours[node, out]) if out < DIRECTIONS else -1
            if nxt < 0:  # a local port or a chip link: the path leaves the mesh
                break
            came_from[nxt] = (out + 2) % DIRECTIONS
            node = nxt
    nodes = [
        n
        for n in sorted(routes)
        if not (
            elide_default and n != src_node and routes[n] == 1 << (came_from[n] + 2) % DIRECTIONS
        )
    ]
    return np.array(nodes, dtype=np.int64), np.array([routes[n] for n in nodes], dtype=np.uint32)
