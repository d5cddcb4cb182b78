"""NumPy twin of :mod:`cores._event_synapses` (same name, arguments and outputs; tests only)."""

from __future__ import annotations

import numpy as np


def event_accumulate(sources, values, row_ptr, targets, weights, inputs) -> tuple[int, int]:
    """Twin of :func:`cores._event_synapses.event_accumulate` (``np.add.at`` adds in order)."""
    src = np.asarray(sources, np.int64)
    starts = row_ptr[src]
    lengths = row_ptr[src + 1] - starts
    before = np.cumsum(lengths) - lengths  # synapses of the earlier events
    syn = np.arange(lengths.sum(), dtype=np.int64) + np.repeat(starts - before, lengths)
    products = np.repeat(values, lengths).astype(np.float32) * weights[syn]
    np.add.at(inputs, targets[syn], products)
    return len(sources), int(lengths.sum())
