"""NumPy twin of ``cores/_truenorth.pyx``: one tick of TrueNorth neurons, vectorised.

Same arguments (as arrays) and outputs as the kernel; equations in :mod:`cores.truenorth`.
"""

import numpy as np

from cores.reference.rng import draw_words
from cores.rng import RngStream
from cores.truenorth import V_MAX, V_MIN, ResetMode


def _neuron_draws(seed, core_ids, tick, stream, per_core) -> np.ndarray:
    """Philox words for every neuron of the batch, index = neuron within its core."""
    core = np.repeat(np.asarray(core_ids, dtype=np.uint32), per_core)
    index = np.tile(np.arange(per_core, dtype=np.uint64), len(core_ids))
    n = core.shape[0]
    return draw_words(seed, core, np.full(n, tick, np.uint32), np.full(n, stream, np.uint32), index)


def update(params, v, syn_input, core_ids, tick, seed, draws=None, v_range=None):
    """One tick of every neuron.

    Returns (new v int32, spikes uint8, (updates, spikes, draws), per-core counts (n_cores, 3)).

    ``params`` is a :class:`cores.truenorth.TrueNorthNeurons`; ``draws`` (n, 2) uint32 replaces
    the Philox words [leak, threshold] when given; ``v_range`` defaults to the 20-bit range.
    """
    lo, hi = v_range if v_range is not None else (V_MIN, V_MAX)
    n = v.shape[0]
    per_core = n // len(core_ids)
    if draws is None:
        leak_word = _neuron_draws(seed, core_ids, tick, RngStream.TN_LEAK, per_core)
        thr_word = _neuron_draws(seed, core_ids, tick, RngStream.TN_THRESHOLD, per_core)
    else:
        leak_word, thr_word = draws[:, 0], draws[:, 1]
    p = params
    x = np.clip(v.astype(np.int64) + syn_input, lo, hi)
    # leak (eq. 3), F(lambda, rho) = sgn(lambda) if |lambda| >= rho else 0
    lam = p.leak.astype(np.int64)
    rho = (leak_word & 0xFF).astype(np.int64)
    lam = np.where(p.stochastic_leak == 1, np.where(np.abs(lam) >= rho, np.sign(lam), 0), lam)
    omega = np.where(p.leak_reversal == 1, np.sign(x), 1)
    y = x + omega * lam
    y = np.where((p.leak_reversal == 1) & (np.sign(y) != np.sign(x)), 0, y)
    y = np.clip(y, lo, hi)
    # threshold, fire, reset (eq. 4-6)
    eta = (thr_word & p.threshold_mask.astype(np.uint32)).astype(np.int64)
    eta = np.where(p.threshold_mask != 0, eta, 0)
    pos = p.threshold + eta
    fire = y >= pos
    gamma = p.reset_mode
    r = p.reset_value.astype(np.int64)
    after_fire = np.select([gamma == ResetMode.VALUE, gamma == ResetMode.LINEAR], [r, y - pos], y)
    kappa = p.neg_saturate == 1
    neg = p.neg_threshold + np.where(kappa, 0, eta)
    below = ~fire & (y < -neg)
    reset_neg = np.select([gamma == ResetMode.VALUE, gamma == ResetMode.LINEAR], [-r, y + neg], y)
    after_neg = np.where(kappa, -neg, reset_neg)
    y = np.where(fire, after_fire, np.where(below, after_neg, y))
    spikes = fire.astype(np.uint8)
    used = (p.stochastic_leak == 1).astype(np.int64) + (p.threshold_mask != 0)
    per_core_counts = np.stack(
        [np.full(len(core_ids), per_core), spikes.reshape(-1, per_core).sum(axis=1),
         used.reshape(-1, per_core).sum(axis=1)], axis=1,
    ).astype(np.int64)  # fmt: skip
    counts = tuple(int(x) for x in per_core_counts.sum(axis=0))
    return np.clip(y, lo, hi).astype(np.int32), spikes, counts, per_core_counts
