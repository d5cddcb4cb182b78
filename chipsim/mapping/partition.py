"""Partition populations into per-PE slices within a PE's neuron capacity.

A slice is a contiguous block of one population's (or spike source's) global neuron ids that
one PE holds. Populations are cut into the fewest slices that fit, of nearly equal sizes, so
the load is spread evenly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from chipsim.network.expand import ExpandedNetwork


@dataclass(frozen=True)
class Slices:
    """One row per slice: the group it belongs to, its first global id and its neuron count."""

    group: np.ndarray  # int32, index into network.populations
    first: np.ndarray  # int64, first global neuron id
    count: np.ndarray  # int32, neurons in the slice

    def __len__(self) -> int:
        return len(self.group)

    def of_neurons(self, neuron: np.ndarray) -> np.ndarray:
        """Slice index of each global neuron id (slices are in id order; -1 before the first)."""
        # perf: a table lookup; 2.4x faster than searchsorted on 38 M synapse ends
        return self._slice_of_id[neuron]

    @cached_property
    def _slice_of_id(self) -> np.ndarray:
        """int64 (end of the last slice,): the slice of each id, -1 before the first slice."""
        ends = np.append(self.first[1:], self.first[-1:] + self.count[-1:])
        lengths = np.r_[self.first[:1].sum(), ends - self.first]
        return np.repeat(np.arange(-1, len(self), dtype=np.int64), lengths)


def count_pairs(first: np.ndarray, second: np.ndarray, n_second: int) -> tuple[np.ndarray, ...]:
    """The distinct pairs ``(first[i], second[i])`` in sorted order and how often each occurs.

    ``first`` and ``second`` are non-negative integer arrays of one length, ``second <
    n_second``. Returns ``(first, second, count)`` of the distinct pairs, int64.
    """
    code = first.astype(np.int64) * n_second + second
    n_codes = (int(first.max()) + 1) * n_second if code.size else 0
    if n_codes <= max(code.size, 1 << 22):
        # perf: counting instead of sorting, 27x faster than np.unique on 38 M synapses
        counts = np.bincount(code, minlength=n_codes)
        code = np.flatnonzero(counts)
        counts = counts[code]
    else:
        code, counts = np.unique(code, return_counts=True)
    return code // n_second, code % n_second, counts


def partition(net: ExpandedNetwork, capacity: np.ndarray) -> Slices:
    """Cut every group into ceil(size / capacity) slices of sizes differing by at most one.

    Parameters
    ----------
    capacity : int (n_groups,), the most neurons of each group one PE can hold.
    """
    groups, firsts, counts = [], [], []
    for g, (offset, size, cap) in enumerate(zip(net.offsets, net.sizes, capacity, strict=True)):
        if cap < 1:
            raise ValueError(f"group {g}: PE capacity must be >= 1, got {cap}")
        n = -(-int(size) // int(cap))
        sizes = np.full(n, size // n, dtype=np.int64)
        sizes[: size % n] += 1
        groups.append(np.full(n, g, dtype=np.int32))
        firsts.append(offset + np.concatenate(([0], np.cumsum(sizes)[:-1])))
        counts.append(sizes.astype(np.int32))
    return Slices(np.concatenate(groups), np.concatenate(firsts), np.concatenate(counts))
