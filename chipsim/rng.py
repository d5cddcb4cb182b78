"""Counter-based random streams for chipsim-level draws (design.md, decision 10).

Every draw comes from NumPy's Philox keyed by (run seed, stream, index), so a result never
depends on the order in which streams are consumed, on batching, or on local vs Dask runs.
Kernels draw inside cores/ with the same algorithm; this is for network construction, spike
sources and placement.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """What a stream is for; the value goes into the Philox key."""

    CONNECTIVITY = 1
    WEIGHTS = 2
    DELAYS = 3
    SPIKE_SOURCE = 4
    PLACEMENT = 5
    GENERATOR = 6


def counter_rng(seed: int, stream: Stream, index: int = 0, sub: int = 0) -> np.random.Generator:
    """A generator keyed by (seed, stream, index, sub): 32 + 16 + 48 + 32 bits of a 128-bit key.

    Parameters
    ----------
    seed : run seed, 0 <= seed < 2**32
    stream : what the draws are for
    index : e.g. projection or population index, 0 <= index < 2**48
    sub : e.g. the tick, 0 <= sub < 2**32
    """
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    if not 0 <= index < 2**48 or not 0 <= sub < 2**32:
        raise ValueError(f"stream index {index} or sub-index {sub} out of range")
    key = (seed << 96) | (int(stream) << 80) | (index << 32) | sub
    return np.random.Generator(np.random.Philox(key=key))
