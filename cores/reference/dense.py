"""NumPy twin of :mod:`cores._dense` (same name, arguments and outputs; tests only)."""

from __future__ import annotations

import numpy as np


def dense_update(weights, bias, x, shift, out) -> tuple[int, int, int]:
    """Twin of :func:`cores._dense.dense_update` (exact integer arithmetic)."""
    acc = weights.astype(np.int64) @ x.astype(np.int64) + bias
    rnd = (1 << (shift - 1)) if shift > 0 else 0
    y = np.clip((np.clip(acc, 0, 2**31 - 1 - rnd) + rnd) >> shift, 0, 127)
    out[:] = y
    return weights.shape[0], int(np.count_nonzero(y)), weights.size
