"""SpiNNaker fixed-point formats used by the fixed-point LIF model (sPyNNaker conventions).

Formats
-------
s16.15 (``accum``)
    Signed 32-bit word, 16 integer bits, 15 fraction bits: value = word / 2**15, range
    [-65536, 65536 - 2**-15]. Held as ``int32``.
u0.32 (``unsigned long fract``)
    Unsigned 32-bit word, all fraction bits: value = word / 2**32, range [0, 1 - 2**-32]. Held as
    ``uint32``. Used for decay factors and synaptic input scalings, as sPyNNaker's ``decay_t``.

Arithmetic (the kernels and :mod:`cores.reference.lif` do exactly this)
------------------------------------------------------------------------
- ``mul_s1615(a, b) = (a * b) >> 15`` in 64 bits: truncation towards minus infinity (an
  arithmetic shift), as GCC's ``accum`` multiply on ARM.
- ``decay_s1615(x, d) = (x * d) >> 32`` in 64 bits, ``d`` u0.32: also towards minus infinity, as
  sPyNNaker's ``decay_s1615``.
- Every result stored back into an s16.15 word saturates at the int32 limits. sPyNNaker's plain
  ``accum`` wraps on overflow; we saturate so that an overflow shows as a pinned value instead of
  a sign flip (a documented departure).

Conversions from real numbers round to nearest (ties away from zero) and refuse values outside
the format's range.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

S1615_ONE = 1 << 15
"""The s16.15 word of 1.0."""
S1615_MIN = -(1 << 31)
S1615_MAX = (1 << 31) - 1
U032_ONE = 1 << 32
"""2**32: u0.32 words are value * U032_ONE (1.0 itself is not representable)."""


def _round_away(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def to_s1615(value: ArrayLike, name: str = "value") -> NDArray[np.int32]:
    """Real numbers to s16.15 words (round to nearest); ValueError when out of range."""
    words = _round_away(np.asarray(value, dtype=np.float64) * S1615_ONE)
    if np.any(words < S1615_MIN) or np.any(words > S1615_MAX):
        raise ValueError(f"{name} must lie in [-65536, 65536) to fit s16.15, got {value!r}")
    return words.astype(np.int32)


def from_s1615(words: ArrayLike) -> NDArray[np.float64]:
    """s16.15 words to real numbers (exact in float64)."""
    return np.asarray(words, dtype=np.float64) / S1615_ONE


def to_u032(value: ArrayLike, name: str = "value") -> NDArray[np.uint32]:
    """Real numbers in [0, 1) to u0.32 words (round to nearest, 1 - 2**-32 at most)."""
    v = np.asarray(value, dtype=np.float64)
    if np.any(v < 0.0) or np.any(v > 1.0):
        raise ValueError(f"{name} must lie in [0, 1] to fit u0.32, got {value!r}")
    words = np.minimum(np.floor(v * U032_ONE + 0.5), U032_ONE - 1)
    return words.astype(np.uint32)


def from_u032(words: ArrayLike) -> NDArray[np.float64]:
    """u0.32 words to real numbers (exact in float64)."""
    return np.asarray(words, dtype=np.float64) / U032_ONE


def saturate_s1615(x: ArrayLike) -> NDArray[np.int32]:
    """Clamp 64-bit integers to the s16.15 (int32) range."""
    return np.clip(np.asarray(x, dtype=np.int64), S1615_MIN, S1615_MAX).astype(np.int32)


def mul_s1615(a: ArrayLike, b: ArrayLike) -> NDArray[np.int64]:
    """s16.15 x s16.15 -> s16.15, floor((a * b) / 2**15), unsaturated int64."""
    return (np.asarray(a, dtype=np.int64) * np.asarray(b, dtype=np.int64)) >> 15


def decay_s1615(x: ArrayLike, decay: ArrayLike) -> NDArray[np.int64]:
    """s16.15 x u0.32 -> s16.15, floor((x * decay) / 2**32), unsaturated int64.

    ``x`` must fit 31 bits of magnitude so the product fits int64 (true for int32 inputs).
    """
    return (np.asarray(x, dtype=np.int64) * np.asarray(decay, dtype=np.int64)) >> 32
