"""NumPy twin of ``cores/_crossbar.pyx``: delivery into delay rings and synaptic integration.

Dense and plain: unpack the crossbar to booleans and evaluate Cassidy et al. 2013, eq. 1-2, as
a masked sum over axons (see :mod:`cores.crossbar`).
"""

import numpy as np

from cores.reference.rng import draw_words
from cores.rng import RngStream

N = 256


def deliver(ring, core, axon, delay, tick) -> None:
    """IN/OUT ring (n_cores, 16, 4) uint64: set bit axon of slot (tick + delay) mod 16."""
    core, axon, delay = (np.asarray(a, dtype=np.int64) for a in (core, axon, delay))
    bit = np.left_shift(np.uint64(1), (axon & 63).astype(np.uint64))
    np.bitwise_or.at(ring, (core, (tick + delay) % 16, axon >> 6), bit)


def unpack(words: np.ndarray) -> np.ndarray:
    """uint64 (..., 4) -> bool (..., 256): bit n is bit n & 63 of word n >> 6."""
    as_bytes = np.ascontiguousarray(words).astype("<u8").view(np.uint8)
    return np.unpackbits(as_bytes, axis=-1, bitorder="little").astype(bool)


def synapse_rho(seed, core_ids, tick) -> np.ndarray:
    """rho (n_cores, 256 axons, 256 neurons): low byte of the TN_SYNAPSE draw a * 256 + n."""
    n_cores = len(core_ids)
    index = np.tile(np.arange(N * N, dtype=np.uint64), n_cores)
    core = np.repeat(np.asarray(core_ids, dtype=np.uint32), N * N)
    m = index.shape[0]
    words = draw_words(
        seed, core, np.full(m, tick, np.uint32), np.full(m, RngStream.TN_SYNAPSE, np.uint32), index
    )
    return (words & 0xFF).reshape(n_cores, N, N)


def integrate(rows, axon_type, ring, weights, stochastic, core_ids, tick, seed, syn_draws=None):
    """Returns (syn_input int32 (n,), new ring, (events, row reads, draws), per-core counts
    (n_cores, 3)); inputs unchanged."""
    n_cores = rows.shape[0]
    slot = tick % 16
    active = unpack(ring[:, slot, :])  # (n_cores, 256 axons)
    connected = unpack(rows)  # (n_cores, 256 axons, 256 neurons)
    hit = active[:, :, None] & connected
    w = weights.reshape(n_cores, N, 4).astype(np.int64)
    b = stochastic.reshape(n_cores, N, 4).astype(bool)
    cores_ix = np.arange(n_cores)[:, None, None]
    neurons_ix = np.arange(N)[None, None, :]
    g = axon_type[:, :, None].astype(np.intp)
    s = w[cores_ix, neurons_ix, g]  # s_j^{G_i}, (n_cores, axons, neurons)
    stoch = b[cores_ix, neurons_ix, g]
    rho = syn_draws if syn_draws is not None else synapse_rho(seed, core_ids, tick)
    f = np.where(np.abs(s) >= rho, np.sign(s), 0)
    term = np.where(stoch, f, s)
    syn_input = np.where(hit, term, 0).sum(axis=1).reshape(-1).astype(np.int32)
    new_ring = ring.copy()
    new_ring[:, slot, :] = 0
    per_core_counts = np.stack(
        [hit.sum(axis=(1, 2)), active.sum(axis=1), (hit & stoch).sum(axis=(1, 2))], axis=1
    ).astype(np.int64)
    counts = tuple(int(x) for x in per_core_counts.sum(axis=0))
    return syn_input, new_ring, counts, per_core_counts
