"""Stable ordering of per-packet arrays by PE, cheap for the sizes of a tick.

# perf: NumPy sorts 16-bit integers stably with a radix sort; np.lexsort on 57,000 packets
(one tick of the SpiNNaker2 benchmark) takes 2.8-4.5 ms, this order 0.2-0.5 ms. (The chip
run groups its deliveries with one counting sort instead, cores.packet_queue.group_rows, and
each PE serves them by ready time: cores.pe_timeline.PeTimeline.serve_segments.)
"""

from __future__ import annotations

import numpy as np


def group_order(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Stable permutation sorting by ``group`` (ids in ``[0, n_groups)``); ties keep their
    given order. A radix sort when the ids fit 16 bits."""
    return np.argsort(group.astype(np.uint16) if n_groups <= 1 << 16 else group, kind="stable")
