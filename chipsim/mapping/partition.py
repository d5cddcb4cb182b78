"""Partition populations into per-PE slices within a PE's neuron capacity.

A slice is a contiguous block of one population's (or spike source's) global neuron ids that
one PE holds. Populations are cut into the fewest slices that fit, of nearly equal sizes, so
the load is spread evenly.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        """Slice index of each global neuron id (slices are in id order)."""
        return np.searchsorted(self.first, neuron, side="right") - 1


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
