"""Stable orderings of per-packet arrays by PE (and time), cheap for the sizes of a tick.

# perf: NumPy sorts 16-bit integers stably with a radix sort and nearly sorted keys with
timsort in about linear time; np.lexsort on 57,000 packets (one tick of the SpiNNaker2
benchmark) takes 2.8-4.5 ms, these orders 0.2-0.5 ms.
"""

from __future__ import annotations

import numpy as np


def group_order(group: np.ndarray, n_groups: int, within: np.ndarray | None = None) -> np.ndarray:
    """Stable permutation sorting by ``(group, within)``; ties keep their given order.

    ``group`` holds ids in ``[0, n_groups)``; ``within`` (any integers, usually nearly sorted
    already, such as arrival cycles) orders the rows of one group; None keeps the given order.
    """
    order = np.argsort(within, kind="stable") if within is not None else None
    ids = group if order is None else group[order]
    ids = ids.astype(np.uint16) if n_groups <= 1 << 16 else ids
    by_group = np.argsort(ids, kind="stable")
    return by_group if order is None else order[by_group]


def segment_starts(group: np.ndarray) -> np.ndarray:
    """First index of each run of equal ids in ``group`` (grouped rows), int64."""
    return np.r_[0, np.flatnonzero(np.diff(group)) + 1] if len(group) else np.zeros(0, np.int64)
