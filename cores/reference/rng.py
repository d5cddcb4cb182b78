"""NumPy twin of ``cores/_philox.pyx``: Philox4x32-10 and keyed draws, vectorised.

Same algorithm, constants and key layout as ``cores/_philox.pxd`` (see there), written with
uint64 products so that every step is visible. Tests compare both bit for bit.
"""

import numpy as np

_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = np.uint32(0x9E3779B9)
_W1 = np.uint32(0xBB67AE85)
_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


def philox_blocks(ctr: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Philox4x32-10 of each row: ctr uint32 (n, 4), key uint32 (n, 2) -> uint32 (n, 4)."""
    c = [ctr[:, i].astype(np.uint64) for i in range(4)]
    k0 = key[:, 0].astype(np.uint32)
    k1 = key[:, 1].astype(np.uint32)
    with np.errstate(over="ignore"):
        for r in range(10):
            if r > 0:
                k0 = k0 + _W0
                k1 = k1 + _W1
            p0 = _M0 * c[0]
            p1 = _M1 * c[2]
            c = [
                (p1 >> _SHIFT) ^ c[1] ^ k0.astype(np.uint64),
                p1 & _LOW32,
                (p0 >> _SHIFT) ^ c[3] ^ k1.astype(np.uint64),
                p0 & _LOW32,
            ]
    return np.stack(c, axis=1).astype(np.uint32)


def draw_words(
    seed: int, core: np.ndarray, tick: np.ndarray, stream: np.ndarray, index: np.ndarray
) -> np.ndarray:
    """Uniform uint32 draws keyed by (seed, core, tick, stream, index), elementwise.

    Block counter (index >> 2, tick, core, stream), key (seed low 32 bits, seed high 32 bits);
    the draw is word ``index & 3`` of the block.
    """
    index = np.asarray(index, dtype=np.uint64)
    n = index.shape[0]
    ctr = np.empty((n, 4), dtype=np.uint32)
    ctr[:, 0] = index >> np.uint64(2)
    ctr[:, 1] = tick
    ctr[:, 2] = core
    ctr[:, 3] = stream
    key = np.empty((n, 2), dtype=np.uint32)
    key[:, 0] = seed & 0xFFFFFFFF
    key[:, 1] = seed >> 32
    blocks = philox_blocks(ctr, key)
    return blocks[np.arange(n), (index & np.uint64(3)).astype(np.intp)]
