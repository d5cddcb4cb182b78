r"""Current-based LIF neurons with exponential synapses, float32 and s16.15 fixed point.

The model is sPyNNaker's ``IF_curr_exp`` (``neuron_model_lif_impl.h`` with
``synapse_types_exponential_impl.h``), integrated exactly over one tick of length ``dt``.

Equations (units in brackets)
-----------------------------
.. math::

    \tau_m \, dV/dt = (V_{rest} - V) + R_m (I_{exc} - I_{inh} + I_{offset})  \quad [mV]

    \tau_{exc} \, dI_{exc}/dt = -I_{exc}, \quad \tau_{inh} \, dI_{inh}/dt = -I_{inh}  \quad [nA]

with ``R_m = tau_m / c_m`` [MOhm = mV/nA], ``exp_tc = exp(-dt / tau_m)``,
``decay_x = exp(-dt / tau_x)`` and ``init_x = (tau_x / dt) (1 - decay_x)`` (sPyNNaker's scaling
of a weight arriving during a tick).

One tick, per neuron, in this order (both formats, kernel and twin alike)
--------------------------------------------------------------------------
1. input: ``I_x += init_x * w_x``, ``w_x`` the ring buffer entry of this tick's slot
   (:mod:`cores.ring_buffer`) as a current: ``w * w_scale_x`` nA (float32) or ``w << shift_x``
   s16.15 (fixed); the slot is cleared.
2. membrane, only if ``refract <= 0``: ``alpha = (I_exc - I_inh + I_offset) * R_m + V_rest``,
   ``V = alpha - exp_tc * (alpha - V)``; otherwise ``refract -= 1`` and ``V`` is held.
3. threshold: if ``V >= V_thresh``: spike, ``V = V_reset``, ``refract = t_refract``.
4. synaptic decay: ``I_x *= decay_x``.

A spike at tick t holds ``V`` at ``V_reset`` through ticks t+1 .. t+t_refract; integration resumes
at tick t+t_refract+1. Float32: every operation rounds to float32 in the order written (no FMA),
so kernel and twin agree bit for bit. Fixed point: formats, rounding and saturation as in
:mod:`cores.fixed_point` (``exp_tc`` and ``R_m`` are s16.15 multipliers, decays and inits u0.32).

Storage
-------
Structure of arrays for many cores at once (neurons contiguous per core): parameter matrices
with one row per parameter (row names in ``*_ROWS``), state matrices with rows ``STATE_ROWS``.

References
----------
sPyNNaker, ``neural_modelling/src/neuron/models/neuron_model_lif_impl.h`` and
``synapse_types/synapse_types_exponential_impl.h``; PyNN ``IF_curr_exp`` defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cores._kernels import load_kernel
from cores.counts import NeuronCounts
from cores.fixed_point import to_s1615, to_u032
from cores.ring_buffer import N_SLOTS, N_SYNAPSE_TYPES

_lif = load_kernel("_lif")

FLOAT_REAL_ROWS = (
    "v_rest_mv", "r_membrane_mohm", "exp_tc", "v_thresh_mv", "v_reset_mv", "i_offset_na",
    "decay_exc", "decay_inh", "init_exc", "init_inh", "w_scale_exc_na", "w_scale_inh_na",
)  # fmt: skip
FIXED_REAL_ROWS = FLOAT_REAL_ROWS[:6]
FIXED_FRAC_ROWS = ("decay_exc", "decay_inh", "init_exc", "init_inh")
INT_ROWS = ("t_refract_ticks", "shift_exc", "shift_inh")
STATE_ROWS = ("v_mv", "i_exc_na", "i_inh_na")
MAX_RING_SHIFT = 15


@dataclass(frozen=True)
class LifParams:
    """LIF parameters of n neurons; ``frac`` is None for float32, u0.32 rows for fixed point.

    ``real``: float32 (12, n) rows FLOAT_REAL_ROWS, or int32 s16.15 (6, n) rows FIXED_REAL_ROWS.
    ``ints``: int32 (3, n) rows INT_ROWS (the float kernel reads only t_refract_ticks).
    """

    real: NDArray
    ints: NDArray[np.int32]
    frac: NDArray[np.uint32] | None = None

    @property
    def n(self) -> int:
        """Number of neurons."""
        return self.real.shape[1]

    @property
    def fixed(self) -> bool:
        """True for the s16.15 model."""
        return self.frac is not None

    def row(self, name: str) -> NDArray:
        """One parameter of all neurons, by name (a view)."""
        for names, matrix in (
            (FIXED_REAL_ROWS if self.fixed else FLOAT_REAL_ROWS, self.real),
            (FIXED_FRAC_ROWS, self.frac),
            (INT_ROWS, self.ints),
        ):
            if matrix is not None and name in names:
                return matrix[names.index(name)]
        raise ValueError(f"unknown LIF parameter {name!r}")


@dataclass(frozen=True)
class LifState:
    """LIF state of n neurons: ``values`` rows STATE_ROWS (float32 or int32 s16.15), and
    ``refract`` (int32, refractory ticks left)."""

    values: NDArray
    refract: NDArray[np.int32]

    @classmethod
    def initial(cls, params: LifParams, v_mv: ArrayLike | None = None) -> LifState:
        """State at rest (``V = V_rest`` unless ``v_mv`` given, no current, not refractory)."""
        values = np.zeros((len(STATE_ROWS), params.n), dtype=params.real.dtype)
        values[0] = params.row("v_rest_mv")
        if v_mv is not None:
            values[0] = to_s1615(v_mv, "v_mv") if params.fixed else np.float32(v_mv)
        return cls(values, np.zeros(params.n, dtype=np.int32))


def lif_params(
    n: int,
    *,
    dt_ms: float = 1.0,
    tau_m_ms: ArrayLike = 20.0,
    cm_nf: ArrayLike = 1.0,
    v_rest_mv: ArrayLike = -65.0,
    v_reset_mv: ArrayLike = -65.0,
    v_thresh_mv: ArrayLike = -50.0,
    i_offset_na: ArrayLike = 0.0,
    tau_syn_exc_ms: ArrayLike = 5.0,
    tau_syn_inh_ms: ArrayLike = 5.0,
    tau_refrac_ms: ArrayLike = 2.0,
    shift_exc: ArrayLike = 10,
    shift_inh: ArrayLike = 10,
) -> LifParams:
    """Float32 LIF parameters of n neurons from PyNN-style values (scalars or length-n arrays).

    ``t_refract_ticks = ceil(tau_refrac / dt)``. A ring buffer entry ``w`` is ``w * 2**(shift -
    15)`` nA (shift 0..15), so the default shift 10 makes one weight unit 1/32 nA.
    """
    if n < 1 or dt_ms <= 0:
        raise ValueError(f"need n >= 1 and dt_ms > 0, got n={n}, dt_ms={dt_ms}")
    shifts = [np.broadcast_to(np.asarray(s, dtype=np.int64), (n,)) for s in (shift_exc, shift_inh)]
    if any(np.any((s < 0) | (s > MAX_RING_SHIFT)) for s in shifts):
        raise ValueError(f"shift_exc and shift_inh must lie in 0..{MAX_RING_SHIFT}")
    for name, value, low in (
        ("tau_m_ms", tau_m_ms, 0.0), ("cm_nf", cm_nf, 0.0), ("tau_syn_exc_ms", tau_syn_exc_ms, 0.0),
        ("tau_syn_inh_ms", tau_syn_inh_ms, 0.0), ("tau_refrac_ms", tau_refrac_ms, -1e-300),
    ):  # fmt: skip
        if np.any(np.asarray(value, dtype=np.float64) <= low):
            raise ValueError(f"{name} must be > 0 (tau_refrac_ms >= 0), got {value!r}")
    tau_m = np.asarray(tau_m_ms, dtype=np.float64)
    tau_syn = [np.asarray(t, dtype=np.float64) for t in (tau_syn_exc_ms, tau_syn_inh_ms)]
    decay = [np.exp(-dt_ms / t) for t in tau_syn]
    init = [t / dt_ms * (1.0 - d) for t, d in zip(tau_syn, decay, strict=True)]
    columns = {
        "v_rest_mv": v_rest_mv, "r_membrane_mohm": tau_m / np.asarray(cm_nf, dtype=np.float64),
        "exp_tc": np.exp(-dt_ms / tau_m), "v_thresh_mv": v_thresh_mv, "v_reset_mv": v_reset_mv,
        "i_offset_na": i_offset_na, "decay_exc": decay[0], "decay_inh": decay[1],
        "init_exc": init[0], "init_inh": init[1],
        "w_scale_exc_na": np.exp2(shifts[0] - 15.0), "w_scale_inh_na": np.exp2(shifts[1] - 15.0),
    }  # fmt: skip
    real = np.stack(
        [np.broadcast_to(np.asarray(columns[k], np.float32), (n,)) for k in FLOAT_REAL_ROWS]
    )
    t_ref = np.ceil(np.asarray(tau_refrac_ms, dtype=np.float64) / dt_ms - 1e-9)
    ints = np.stack([np.broadcast_to(t_ref, (n,)), shifts[0], shifts[1]]).astype(np.int32)
    return LifParams(np.ascontiguousarray(real), ints)


def to_fixed(params: LifParams) -> LifParams:
    """The s16.15 twin of float32 parameters (each value rounded to nearest in its format)."""
    if params.fixed:
        raise ValueError("parameters are already fixed point")
    real = np.stack([to_s1615(params.row(k), k) for k in FIXED_REAL_ROWS])
    frac = np.stack([to_u032(params.row(k), k) for k in FIXED_FRAC_ROWS])
    return LifParams(real, params.ints.copy(), frac)


def _check(params: LifParams, state: LifState, ring: NDArray, out_spikes: NDArray) -> None:
    n = params.n
    if state.values.shape != (len(STATE_ROWS), n) or state.refract.shape != (n,):
        raise ValueError(f"state must hold {n} neurons, got values {state.values.shape}")
    if ring.shape != (N_SLOTS, N_SYNAPSE_TYPES, n) or ring.dtype != np.uint16:
        raise ValueError(f"ring must be uint16 of shape {(N_SLOTS, N_SYNAPSE_TYPES, n)}")
    if out_spikes.dtype != np.int32 or out_spikes.shape[0] < n:
        raise ValueError(f"out_spikes must be int32 with at least {n} entries")


def lif_step(
    params: LifParams, state: LifState, ring: NDArray[np.uint16], tick: int, out_spikes: NDArray
) -> NeuronCounts:
    """Advance all neurons by one tick (float32 or fixed point, as ``params``).

    Parameters
    ----------
    params : IN. ``LifParams`` of n neurons.
    state : IN/OUT. Updated in place.
    ring : uint16 (16, 2, n), IN/OUT. Ring buffers; slot ``tick % 16`` is read and cleared.
    tick : IN. Current tick number.
    out_spikes : int32 (>= n,), OUT. Indices of the spiking neurons, in update order.

    Returns
    -------
    NeuronCounts (neuron_updates, spikes).
    """
    _check(params, state, ring, out_spikes)
    slot = ring[tick % N_SLOTS]
    if params.fixed:
        n_up, n_sp = _lif.lif_fixed_update(
            params.real, params.frac, params.ints, state.values, state.refract, slot, out_spikes
        )
    else:
        n_up, n_sp = _lif.lif_float_update(
            params.real, params.ints, state.values, state.refract, slot, out_spikes
        )
    return NeuronCounts(n_up, n_sp)
