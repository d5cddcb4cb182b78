"""Order-exploiting minimisation of one router's key/mask table ("ordered covering").

The algorithm follows Mundy, Heathcote and Garside, "On the use of order-exploiting routing
table minimisation in SpiNNaker", ICCD 2016 (implemented from the description, not copied):
entries with the same route are merged into one covering entry whose mask keeps the bits on
which all of them agree (the others become "don't care", X); the table is kept sorted by
generality (number of X bits), the merged entry goes after every entry at most as general as
it, and the merge is shrunk until it is safe:

* up-check: an entry that now sits above the merged one and matches keys that a merged entry
  routed would steal them, so that merged entry leaves the merge;
* down-check: a key the merged entry now matches that was routed by an entry below it, or that
  fell through to default routing with a different route, would change its route; the merged
  entry is specialised on an X bit (fixed to the opposite of that key block's bit), dropping
  the entries that disagree; if no such bit exists the merge is abandoned.

Greedy: each round applies the safe merge that saves most entries (savings re-evaluated
lazily), until the table fits ``target`` or no merge of two or more entries is safe. A merge
check costs O(entries x live blocks), so this suits tables of up to a few thousand entries.

Guarantee. The caller lists the *live blocks* of the router: the key block of every slice
whose multicast tree reaches it, with the entry that routes it or, for a block that is
default-routed straight through, that default route. Invariants kept by every merge:

* a block routed by entry ``e`` has every one of its keys match ``e`` first;
* every entry that matches any key of a default-routed block has that block's default route.

So every key that can reach the router is routed exactly as before: by the same route, or it
still falls through, or it now matches an entry whose route equals its default route. Keys no
live block holds (unused key space, keys of slices that never reach this router) may match
merged entries: they are never emitted there, so this changes no spike's path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chipsim.mapping.routing_tables import (
    MeshShape,
    MulticastTrees,
    RoutingFitError,
    RoutingTables,
    build_tables,
)


@dataclass(frozen=True)
class LiveBlocks:
    """Key blocks that reach one router.

    key, mask : uint32 (n_blocks,)
        The block's keys ``k`` satisfy ``k & mask == key``.
    entry : int (n_blocks,)
        Index of the table entry that routes the block, -1 where it is default-routed.
    default_route : uint32 (n_blocks,)
        Route of a default-routed block (the port opposite its in-port); ignored otherwise.
    """

    key: np.ndarray
    mask: np.ndarray
    entry: np.ndarray
    default_route: np.ndarray


def _intersects(key_a, mask_a, key_b, mask_b) -> np.ndarray:
    """Whether the key sets ``{k : k & mask == key}`` of a and b share a key (broadcast)."""
    return ((key_a ^ key_b) & mask_a & mask_b) == 0


def _generality(mask: np.ndarray) -> np.ndarray:
    """Number of X (mask 0) bits of each 32-bit mask."""
    bits = np.unpackbits((~mask.astype(np.uint32)).view(np.uint8).reshape(-1, 4), axis=1)
    return bits.sum(axis=1)


def _cover(key: np.ndarray, mask: np.ndarray) -> tuple[np.uint32, np.uint32]:
    """Smallest key/mask matching every key of the given entries."""
    agree = np.bitwise_and.reduce(key) | ~np.bitwise_or.reduce(key)  # bits equal in all keys
    cover_mask = np.bitwise_and.reduce(mask) & agree
    return np.uint32(key[0] & cover_mask), np.uint32(cover_mask)


@dataclass
class _Table:
    """A table being minimised: entries sorted by generality, and its live blocks."""

    key: np.ndarray
    mask: np.ndarray
    route: np.ndarray
    blocks: LiveBlocks

    def safe_merge(self, members: np.ndarray) -> tuple[np.ndarray, np.uint32, np.uint32, int]:
        """Shrink ``members`` (bool, same route) to a safe merge; return it, its key, mask, slot."""
        b = self.blocks
        route = self.route[members][0] if members.any() else np.uint32(0)
        generality = _generality(self.mask)
        while members.sum() >= 2:
            key, mask = _cover(self.key[members], self.mask[members])
            slot = int(np.searchsorted(generality, _generality(np.array([mask]))[0], "right"))
            # up-check: entries between a member and the slot must not match its blocks' keys
            mine = np.flatnonzero((b.entry >= 0) & members[np.maximum(b.entry, 0)])
            pos = np.arange(slot)
            stolen = (
                _intersects(
                    b.key[mine, None], b.mask[mine, None], self.key[:slot], self.mask[:slot]
                )
                & (pos > b.entry[mine, None])
                & ~members[:slot]
            ).any(axis=1)
            if stolen.any():
                members[b.entry[mine[stolen]]] = False
                continue
            # down-check: no block routed below the slot, nor default-routed elsewhere
            below = (b.entry >= slot) | ((b.entry < 0) & (b.default_route != route))
            hit = np.flatnonzero(below & _intersects(b.key, b.mask, key, mask))
            if hit.size == 0:
                return members, key, mask, slot
            members = self._specialise(members, mask, hit[0])
        return members & False, np.uint32(0), np.uint32(0), 0

    def _specialise(self, members: np.ndarray, mask: np.uint32, block: int) -> np.ndarray:
        """Members kept when an X bit of the cover is fixed so that it misses ``block``."""
        b = self.blocks
        best = members & False
        for bit in range(32):
            one = np.uint32(1 << bit)
            if mask & one or not b.mask[block] & one:
                continue  # not X in the cover, or X in the block: cannot separate them
            keep = members & ((self.mask & one) != 0) & ((self.key ^ b.key[block]) & one != 0)
            if keep.sum() > best.sum():
                best = keep
        return best

    def apply(self, members: np.ndarray, key: np.uint32, mask: np.uint32, slot: int) -> None:
        """Replace ``members`` by one entry (key, mask) inserted before position ``slot``."""
        route = self.route[members][0]
        old = np.arange(self.key.size)
        stay = ~members
        new_slot = int(stay[:slot].sum())
        new_index = np.cumsum(stay) - 1
        new_index[old >= slot] += 1
        new_index[members] = new_slot
        b = self.blocks
        self.blocks = LiveBlocks(
            b.key, b.mask, np.where(b.entry >= 0, new_index[b.entry], -1), b.default_route
        )
        self.key, self.mask, self.route = (
            np.insert(a[stay], new_slot, v)
            for a, v in ((self.key, key), (self.mask, mask), (self.route, route))
        )


def _merge_greedily(table: _Table, target: int) -> None:
    """Apply the safe merge that saves most entries until ``table`` fits ``target`` or none is left.

    Lazy greedy: each route's saving is re-evaluated on the current table only when it is the
    largest known one, so a round costs one or two ``safe_merge`` calls, not one per route.
    """
    saving = dict.fromkeys(np.unique(table.route).tolist(), np.inf)  # maybe stale, per route
    merges: dict[int, tuple] = {}  # safe merges evaluated on the current table
    while table.key.size > target:
        route = max(saving, key=saving.get)
        if route not in merges:
            merges[route] = table.safe_merge(table.route == route)
            saving[route] = int(merges[route][0].sum()) - 1
        elif saving[route] >= 1:
            table.apply(*merges[route])
            merges.clear()
        elif len(merges) < len(saving):
            saving.update({r: np.inf for r in saving if r not in merges})  # re-check the rest
        else:
            return


def ordered_covering(
    key: np.ndarray, mask: np.ndarray, route: np.ndarray, blocks: LiveBlocks, target: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minimise one router's table until it has at most ``target`` entries or cannot shrink.

    Parameters
    ----------
    key, mask, route : uint32 (n_entries,)
        The table in priority order; every entry routes at least one live block and every
        live block's keys first-match its entry (true of the tables that
        :func:`chipsim.mapping.routing_tables.build_tables` makes: keys are disjoint).
    blocks : LiveBlocks
        Every key block that reaches this router (see the module docstring).
    target : int
        Stop as soon as the table has at most this many entries (0: minimise fully).

    Returns
    -------
    key, mask, route : uint32 arrays
        The minimised table in priority order; it may still exceed ``target``.
    """
    if key.size <= target:
        return key, mask, route
    order = np.argsort(_generality(mask), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    table = _Table(
        key[order].astype(np.uint32),
        mask[order].astype(np.uint32),
        route[order].astype(np.uint32),
        LiveBlocks(
            blocks.key.astype(np.uint32),
            blocks.mask.astype(np.uint32),
            np.where(blocks.entry >= 0, rank[np.maximum(blocks.entry, 0)], -1),
            blocks.default_route.astype(np.uint32),
        ),
    )
    _merge_greedily(table, target)
    return table.key, table.mask, table.route


def minimise_tables(
    trees: MulticastTrees,
    base_key: np.ndarray,
    key_mask: np.ndarray,
    mesh: MeshShape,
    target: int,
) -> RoutingTables:
    """Tables of :func:`build_tables`, each one over ``target`` entries shrunk by ordered covering.

    Only routers with more than ``target`` entries are minimised, and only until they reach it
    (``target=0``: as far as ordered covering goes); a table may stay above ``target``. Every
    key that any slice's tree brings to a router is routed there exactly as before (see
    :mod:`chipsim.mapping.table_minimisation` for the guarantee).
    """
    tables = build_tables(trees, base_key, key_mask, mesh.n_routers)
    over = np.flatnonzero(tables.entry_count > target)
    node_ptr = np.searchsorted(trees.router, np.arange(mesh.n_routers + 1))
    offsets = tables.offsets
    new_rows = []
    for r in over:
        nodes = slice(node_ptr[r], node_ptr[r + 1])
        has_entry = trees.needs_entry[nodes]
        sl = trees.slice[nodes]
        blocks = LiveBlocks(
            key=base_key[sl],
            mask=key_mask[sl],
            entry=np.where(has_entry, np.cumsum(has_entry) - 1, -1),
            default_route=trees.default_route[nodes],
        )
        rows = slice(offsets[r], offsets[r + 1])
        table = (tables.key[rows], tables.mask[rows], tables.route[rows])
        new_rows.append(ordered_covering(*table, blocks, target))
    return _replace_routers(tables, over, new_rows)


def fit_tables(
    trees: MulticastTrees,
    base_key: np.ndarray,
    key_mask: np.ndarray,
    mesh: MeshShape,
    capacity: int,
) -> RoutingTables:
    """Tables that fit ``capacity`` entries per router: :func:`minimise_tables` to ``capacity``.

    Raises
    ------
    RoutingFitError
        If a table does not fit even minimised, naming the router (x, y), the entries it needs
        and the capacity.
    """
    tables = minimise_tables(trees, base_key, key_mask, mesh, capacity)
    over = np.flatnonzero(tables.entry_count > capacity)
    if over.size:
        r = int(over[0])
        before = int(np.count_nonzero(trees.needs_entry[trees.router == r]))
        raise RoutingFitError(
            f"router ({r % mesh.width}, {r // mesh.width}) needs {tables.entry_count[r]} routing "
            f"entries after minimisation ({before} before), capacity {capacity}"
            f" ({over.size} router(s) over capacity)"
        )
    return tables


def _replace_routers(tables: RoutingTables, routers: np.ndarray, new_rows: list) -> RoutingTables:
    """``tables`` with the rows of ``routers`` replaced by ``new_rows`` (key, mask, route)."""
    offsets = tables.offsets
    count = tables.entry_count.copy()
    pieces: dict[str, list[np.ndarray]] = {"key": [], "mask": [], "route": []}
    start = 0
    for r, rows in zip(routers, new_rows, strict=True):
        for name, new in zip(pieces, rows, strict=True):
            pieces[name] += [getattr(tables, name)[start : offsets[r]], new]
        start = offsets[r + 1]
        count[r] = rows[0].size
    for name in pieces:
        pieces[name].append(getattr(tables, name)[start:])
    return RoutingTables(
        router=np.repeat(np.arange(count.size, dtype=np.int32), count),
        entry_count=count,
        **{name: np.concatenate(p).astype(np.uint32) for name, p in pieces.items()},
    )
