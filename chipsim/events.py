"""Event-camera input: AER events (Tonic's x, y, t, p layout) binned into ticks.

Tonic stores events as a structured array with fields ``x``, ``y``, ``t`` (microseconds) and
``p`` (polarity 0/1). An event becomes a spike of input neuron ``(p * height + y) * width + x``
in tick ``t_us // dt_us`` (integer division; dt must be a whole number of microseconds).
"""

from __future__ import annotations

import numpy as np

from chipsim.errors import UserError


def bin_events(
    events: np.ndarray, width: int, height: int, dt_s: float, polarities: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Map AER events to (tick, neuron) arrays, sorted by tick then neuron.

    Parameters
    ----------
    events : structured array with integer fields x, y, t (us), p
    width, height : sensor size, pixels
    dt_s : tick length, s
    polarities : 1 merges ON and OFF events into one channel, 2 keeps them apart

    Returns
    -------
    tick, neuron : int64 arrays; several events of one pixel in one tick stay separate spikes.
    """
    missing = {"x", "y", "t", "p"} - set(events.dtype.names or ())
    if missing:
        raise UserError(f"event array lacks fields {sorted(missing)}; expected x, y, t, p")
    x = events["x"].astype(np.int64)
    y = events["y"].astype(np.int64)
    p = events["p"].astype(np.int64) if polarities == 2 else np.zeros(len(events), np.int64)
    bad = (x < 0) | (x >= width) | (y < 0) | (y >= height) | (p < 0) | (p >= polarities)
    if bad.any():
        i = int(np.argmax(bad))
        raise UserError(
            f"event {i} (x={x[i]}, y={y[i]}, p={p[i]}) lies outside the "
            f"{width} x {height} x {polarities} sensor"
        )
    dt_us = round(dt_s * 1e6)
    if dt_us < 1 or abs(dt_us - dt_s * 1e6) > 1e-6:
        raise UserError(f"tick length {dt_s} s is not a whole number of microseconds")
    tick = events["t"].astype(np.int64) // dt_us
    neuron = (p * height + y) * width + x
    order = np.lexsort((neuron, tick))
    return tick[order], neuron[order]
