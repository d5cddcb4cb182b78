"""Counter-based random draws for the cores/ kernels (design.md, decision 10).

Every stochastic draw is ``draw(seed, core, tick, stream, index)``: Philox4x32-10 (Salmon et
al., SC'11) of the counter (index >> 2, tick, core, stream) under the key (seed low, seed high),
word ``index & 3``. A draw is a pure function of its key, so results do not depend on the order
in which cores are processed, on batching, or on where a run executes. Kernels call the same
generator inline (``cores/_philox.pxd``, ``cores/_philox_simd.h``: scalar, SSE2, AVX2 and
AVX-512 forms that give the same words); the NumPy twin is :mod:`cores.reference.rng`.
"""

from enum import IntEnum

import numpy as np

try:
    from cores import _philox
except ImportError as exc:  # pragma: no cover - exercised only without a build
    raise ImportError(
        "cores._philox is not compiled: build the kernels with `pip install -e .` "
        "(or `python setup.py build_ext --inplace`)"
    ) from exc

SEED_MAX = 2**64 - 1
INDEX_LIMIT = 2**34


class RngStream(IntEnum):
    """Independent draw streams; the value is the counter word that separates them."""

    TN_SYNAPSE = 0
    """TrueNorth stochastic synapse; index = axon * 256 + neuron (Cassidy 2013, eq. 2)."""
    TN_LEAK = 1
    """TrueNorth stochastic leak; index = neuron within the core (Cassidy 2013, eq. 3)."""
    TN_THRESHOLD = 2
    """TrueNorth stochastic threshold; index = neuron within the core (Cassidy 2013, eq. 4)."""


def check_seed(seed: int) -> int:
    """Return ``seed`` as int after checking it is a uint64; ValueError otherwise."""
    if not 0 <= int(seed) <= SEED_MAX:
        raise ValueError(f"seed must be an integer in [0, 2**64 - 1], got {seed}")
    return int(seed)


def simd_path(name: str) -> int:
    """The kernel code of the SIMD path ``name``; ValueError if unknown or unavailable.

    Paths: "auto" (the best this CPU has), "scalar", "sse2", "avx2", "avx512" (x86-64). Kernels
    that take one (Philox draws, TrueNorth neuron lanes) give the same results on every path,
    so the choice matters for speed and for tests of the paths only.
    """
    available = _philox.available_paths()
    if name not in available:
        raise ValueError(f"SIMD path {name!r} is not available here; available: {available}")
    return _philox.PATHS[name]


def draws(seed: int, core, tick, stream, index) -> np.ndarray:
    """Uniform uint32 draws keyed by (seed, core, tick, stream, index).

    Parameters
    ----------
    seed : int
        Run seed, 0 <= seed < 2**64.
    core, tick, stream, index : int or array_like of int
        Broadcast together. core, tick, stream in [0, 2**32); index in [0, 2**34).

    Returns
    -------
    numpy.ndarray of uint32, the broadcast shape.
    """
    seed = check_seed(seed)
    arrays = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.int64) for a in (core, tick, stream, index))
    )
    for name, arr, limit in zip(
        ("core", "tick", "stream", "index"), arrays, (2**32, 2**32, 2**32, INDEX_LIMIT), strict=True
    ):
        if arr.size and (arr.min() < 0 or arr.max() >= limit):
            raise ValueError(
                f"{name} must lie in [0, {limit}), got values in [{arr.min()}, {arr.max()}]"
            )
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a.ravel(), dtype=np.uint32) for a in arrays[:3]]
    out = np.empty(int(np.prod(shape)), dtype=np.uint32)
    _philox.draw_words(seed, *flat, np.ascontiguousarray(arrays[3].ravel(), dtype=np.uint64), out)
    return out.reshape(shape)
