"""NumPy twin of :mod:`cores._egru` (same name, arguments and outputs; tests only)."""

from __future__ import annotations

import numpy as np


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(np.float32)


def egru_update(params, inputs, cell, out_events, out_values) -> tuple[int, int]:
    """Twin of :func:`cores._egru.egru_update` (gates in float64 rounded to float32)."""
    u = _sigmoid(inputs[0] + params[0])
    r = _sigmoid(inputs[1] + params[1])
    pre = (inputs[2] + params[2]) + r * (inputs[3] + params[3])
    z = np.tanh(pre.astype(np.float64)).astype(np.float32)
    c = u * cell + (np.float32(1.0) - u) * z
    fired = c > params[4]
    idx = np.flatnonzero(fired).astype(np.int32)
    out_events[: idx.size] = idx
    out_values[: idx.size] = c[fired]
    cell[:] = np.where(fired, c - params[4], c)
    return cell.shape[0], int(idx.size)
