"""Random placement: a seeded permutation of the PEs (design.md, decision 10)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from chipsim.mapping.placement.base import TrafficEdges
from chipsim.rng import Stream, counter_rng


class RandomPlacer:
    """Slice ``i`` goes to PE ``perm[i]``, ``perm`` a permutation of all PEs drawn from the
    ``PLACEMENT`` stream of ``seed``; ignores the traffic."""

    name: ClassVar[str] = "random"

    def place(
        self, traffic: TrafficEdges, n_slices: int, pe_xy: np.ndarray, seed: int
    ) -> np.ndarray:
        """PE index of each slice, int32 (n_slices,): the first ``n_slices`` of the permutation."""
        perm = counter_rng(seed, Stream.PLACEMENT).permutation(len(pe_xy))
        return perm[:n_slices].astype(np.int32)
