"""Sequential placement: slice ``i`` on PE ``i`` (the order the caller lists the PEs in)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from chipsim.mapping.placement.base import TrafficEdges


class SequentialPlacer:
    """Slice ``i`` goes to PE ``i``; ignores the traffic and the seed."""

    name: ClassVar[str] = "sequential"

    def place(
        self, traffic: TrafficEdges, n_slices: int, pe_xy: np.ndarray, seed: int
    ) -> np.ndarray:
        """PE index of each slice: ``arange(n_slices)`` as int32."""
        return np.arange(n_slices, dtype=np.int32)
