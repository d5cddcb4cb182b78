"""The TrueNorth integer neuron (Cassidy et al., IJCNN 2013), many cores per kernel call.

State and parameters are structure-of-arrays: one flat array per quantity over all neurons of a
batch of cores, the neurons of a core contiguous (neuron ``j`` of batch core ``c`` is element
``c * neurons_per_core + j``). One call of :func:`update_neurons` advances every neuron of the
batch by one tick.

Update of neuron j in tick t, as implemented (integers only; equation numbers as in Cassidy
et al. 2013, "Cognitive computing building block: a versatile and efficient digital neuron
model for neurosynaptic cores"; ambiguities settled with NeMo ``src/neuro/tn_neuron.c``):

1. Synaptic integration (eq. 1-2), done by :mod:`cores.crossbar` which hands over the summed
   input ``I_j = sum_i A_i(t) w_ij [(1 - b_j^Gi) s_j^Gi + b_j^Gi F(s_j^Gi, rho)]``, with
   ``F(s, rho) = sgn(s) if |s| >= rho else 0`` and rho an 8-bit uniform draw per event.
   ``V = sat(V + I_j)``. The sum is formed exactly before the one saturation, so the result
   does not depend on axon order (design.md, decision 6).
2. Leak (eq. 3): ``Omega = 1 - eps + eps * sgn(V)``;
   ``V' = V + Omega * [(1 - c) * lambda + c * F(lambda, rho_lambda)]``.
   With leak reversal (eps = 1) a leak that takes V across zero leaves V = 0 (NeMo
   ``ringing()``, after IBM's neuron behaviour reference), so a convergent leak settles at 0.
   ``V = sat(V')``.
3. Threshold, fire, reset (eq. 4-6): ``eta = rho_T & M`` (M a mask of low ones).
   If ``V >= alpha + eta``: spike, and V becomes R (gamma 0), ``V - (alpha + eta)`` (gamma 1,
   linear) or stays (gamma 2, none). Else if ``V < -[beta kappa + (beta + eta)(1 - kappa)]``:
   V becomes ``-beta`` when kappa = 1 (saturate), else ``-R`` (gamma 0),
   ``V + (beta + eta)`` (gamma 1) or V (gamma 2). The result is stored saturated (the
   register holds V), which matters only for a reset value outside a narrowed ``v_range``.

``sat`` clips to the membrane range [V_MIN, V_MAX] (signed 20-bit, see below). A clipped V
then goes through step 3 like any other; NeMo instead fires without reset when V passes its
ceiling (``overUnderflowCheck``), a case the paper does not spell out.

Bit widths (validated on construction): weights s and leak lambda are 9-bit signed
(|s| <= 255, so that F(s, rho) compares against an 8-bit rho; the comparison is ``>=`` as
NeMo's ``BINCOMP``); alpha, beta and M are 18-bit unsigned; R lies in the membrane range. The
membrane is a signed 20-bit register. The 18- and 20-bit widths are assumptions: we could not
re-read them in a primary source in this session (NeMo clips V at +-393216, which lies inside
20 bits). Kernels take the membrane range as an argument, so another width is one argument
away.

Draws (design.md, decision 10): rho_lambda is the low byte and rho_T the full word of
``cores.rng`` draws with streams TN_LEAK and TN_THRESHOLD, index = neuron within its core; a
draw is taken (and counted) only where the mode needs it: c = 1 for the leak, M != 0 for the
threshold. Tests inject draws instead through the ``draws`` argument.
"""

from dataclasses import dataclass, fields
from enum import IntEnum
from functools import cached_property
from typing import NamedTuple

import numpy as np

from cores.parallel import Balance, run_in_jobs
from cores.rng import check_seed, simd_path

try:
    from cores import _truenorth
except ImportError as exc:  # pragma: no cover - exercised only without a build
    raise ImportError(
        "cores._truenorth is not compiled: build the kernels with `pip install -e .` "
        "(or `python setup.py build_ext --inplace`)"
    ) from exc

N_AXON_TYPES = 4
V_BITS = 20
V_MIN = -(2 ** (V_BITS - 1))
V_MAX = 2 ** (V_BITS - 1) - 1
WEIGHT_MAX = 255
THRESHOLD_MAX = 2**18 - 1
V_RANGE_LIMIT = 2**24  # bound on |v_range| that keeps the kernel's int32 lanes exact


class ResetMode(IntEnum):
    """gamma: what a spike (or a negative-threshold crossing with kappa = 0) does to V."""

    VALUE = 0
    """V := R (positive side), -R (negative side)."""
    LINEAR = 1
    """V := V - (alpha + eta) (positive side), V + (beta + eta) (negative side)."""
    NONE = 2
    """V unchanged."""


class TrueNorthNeuronCounts(NamedTuple):
    """Event counts of one update call, for the energy model."""

    updates: int
    """Neuron updates (one per neuron per tick)."""
    spikes: int
    """Spikes emitted."""
    draws: int
    """PRNG draws consumed (stochastic leak and threshold)."""


_FIELDS = {  # name: (dtype, shape suffix, inclusive range, meaning)
    "weights": (np.int16, (N_AXON_TYPES,), (-WEIGHT_MAX, WEIGHT_MAX), "s_j^G per axon type"),
    "stochastic_synapse": (np.uint8, (N_AXON_TYPES,), (0, 1), "b_j^G"),
    "leak": (np.int16, (), (-WEIGHT_MAX, WEIGHT_MAX), "lambda_j"),
    "leak_reversal": (np.uint8, (), (0, 1), "epsilon_j"),
    "stochastic_leak": (np.uint8, (), (0, 1), "c_j^lambda"),
    "threshold": (np.int32, (), (0, THRESHOLD_MAX), "alpha_j"),
    "neg_threshold": (np.int32, (), (0, THRESHOLD_MAX), "beta_j"),
    "threshold_mask": (np.int32, (), (0, THRESHOLD_MAX), "M_j"),
    "reset_mode": (np.uint8, (), (0, 2), "gamma_j"),
    "neg_saturate": (np.uint8, (), (0, 1), "kappa_j"),
    "reset_value": (np.int32, (), (-V_MAX, V_MAX), "R_j"),
}


@dataclass(frozen=True)
class TrueNorthNeurons:
    """Parameters of the neurons of a batch of cores, one flat array per parameter.

    Shapes are (n,) or (n, 4) for n = n_cores * neurons_per_core. Build with
    :meth:`from_values`, which broadcasts scalars and checks every range (see module doc).
    """

    weights: np.ndarray
    stochastic_synapse: np.ndarray
    leak: np.ndarray
    leak_reversal: np.ndarray
    stochastic_leak: np.ndarray
    threshold: np.ndarray
    neg_threshold: np.ndarray
    threshold_mask: np.ndarray
    reset_mode: np.ndarray
    neg_saturate: np.ndarray
    reset_value: np.ndarray

    @property
    def n_neurons(self) -> int:
        """Number of neurons in the batch."""
        return self.leak.shape[0]

    @classmethod
    def from_values(cls, n_neurons: int, **values) -> "TrueNorthNeurons":
        """Broadcast each given value (scalar, (4,), (n,) or (n, 4)) to its array; defaults 0.

        Raises ValueError naming the parameter when a value is out of its range or shape.
        """
        unknown = set(values) - set(_FIELDS)
        if unknown:
            raise ValueError(
                f"unknown TrueNorth parameters {sorted(unknown)}; known: {sorted(_FIELDS)}"
            )
        arrays = {}
        for name, (dtype, suffix, (lo, hi), meaning) in _FIELDS.items():
            raw = np.asarray(values.get(name, 0))
            try:
                wide = np.broadcast_to(raw, (n_neurons, *suffix)).astype(np.int64)
            except ValueError:
                raise ValueError(
                    f"{name} ({meaning}) has shape {raw.shape}, expected a "
                    f"scalar or shape {(n_neurons, *suffix)}"
                ) from None
            if wide.size and (wide.min() < lo or wide.max() > hi):
                raise ValueError(
                    f"{name} ({meaning}) must lie in [{lo}, {hi}], got values in "
                    f"[{wide.min()}, {wide.max()}]"
                )
            arrays[name] = np.ascontiguousarray(wide, dtype=dtype)
        mask = arrays["threshold_mask"]
        if np.any(mask & (mask + 1)):
            raise ValueError("threshold_mask (M_j) must be a mask of low ones (2**k - 1)")
        return cls(**arrays)

    @cached_property
    def synapse_layout(self) -> tuple[np.ndarray, np.ndarray]:
        """Weights and stochastic flags laid out for the crossbar kernel, computed once.

        Returns ``weights_by_type`` int16 (n_cores, 4, 256), the weights of one axon type
        contiguous, and ``stochastic_bits`` uint64 (n_cores, 4, 4), bit j of (type G, word)
        set where b_j^G = 1, for cores of 256 neurons.
        """
        if self.n_neurons % 256:
            raise ValueError(f"{self.n_neurons} neurons are not whole cores of 256 neurons")
        n_cores = self.n_neurons // 256
        by_type = self.weights.reshape(n_cores, 256, N_AXON_TYPES).transpose(0, 2, 1)
        flags = self.stochastic_synapse.reshape(n_cores, 256, N_AXON_TYPES).transpose(0, 2, 1)
        packed = np.packbits(np.ascontiguousarray(flags, dtype=bool), axis=-1, bitorder="little")
        bits = np.ascontiguousarray(packed).view("<u8").astype(np.uint64)
        return np.ascontiguousarray(by_type), np.ascontiguousarray(bits)

    def select(self, index: np.ndarray) -> "TrueNorthNeurons":
        """The parameters of a subset of neurons (e.g. some cores of the batch)."""
        return TrueNorthNeurons(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def check_core_ids(core_ids) -> np.ndarray:
    """Global core ids as a uint32 array; ValueError if one is out of [0, 2**32)."""
    ids = np.asarray(core_ids, dtype=np.int64).ravel()
    if ids.size and (ids.min() < 0 or ids.max() >= 2**32):
        raise ValueError(f"core_ids must lie in [0, 2**32), got [{ids.min()}, {ids.max()}]")
    return ids.astype(np.uint32)


def check_batch(n_neurons: int, core_ids: np.ndarray, arrays: dict[str, tuple]) -> int:
    """Return neurons per core after checking the batch layout; ValueError otherwise.

    ``arrays`` maps an argument name to (array, dtype, shape after the neuron axis).
    """
    n_cores = core_ids.shape[0]
    if n_cores == 0 or n_neurons % n_cores:
        raise ValueError(f"{n_neurons} neurons do not split evenly over {n_cores} core ids")
    for name, (arr, dtype, suffix) in arrays.items():
        shape = (n_neurons, *suffix)
        ok = isinstance(arr, np.ndarray) and arr.dtype == dtype and arr.shape == shape
        if not (ok and arr.flags.c_contiguous):
            got = f"{arr.dtype} {arr.shape}" if isinstance(arr, np.ndarray) else type(arr).__name__
            raise ValueError(
                f"{name} must be a C-contiguous {np.dtype(dtype).name} array of shape {shape} "
                f"(one row per neuron), got {got}"
            )
    return n_neurons // n_cores


def core_counts_array(core_counts: np.ndarray | None, n_cores: int) -> np.ndarray:
    """The caller's per-core counts array after checking it, or a new one when None."""
    if core_counts is None:
        return np.empty((n_cores, 3), dtype=np.int64)
    ok = isinstance(core_counts, np.ndarray) and core_counts.dtype == np.int64
    if not (ok and core_counts.shape == (n_cores, 3) and core_counts.flags.c_contiguous):
        raise ValueError(f"core_counts must be a C-contiguous int64 array of shape ({n_cores}, 3)")
    return core_counts


def update_neurons(
    params: TrueNorthNeurons,
    v: np.ndarray,
    syn_input: np.ndarray,
    spikes: np.ndarray,
    *,
    core_ids: np.ndarray,
    tick: int,
    seed: int,
    draws: np.ndarray | None = None,
    v_range: tuple[int, int] = (V_MIN, V_MAX),
    core_counts: np.ndarray | None = None,
    simd: str = "auto",
    threads: int = 1,
    balance: Balance | None = None,
) -> TrueNorthNeuronCounts:
    """Advance every neuron of a batch of cores by one tick (steps 1-3 of the module doc).

    Parameters
    ----------
    params : TrueNorthNeurons, IN (n neurons)
    v : int32 (n,), IN/OUT membrane potentials
    syn_input : int32 (n,), IN summed synaptic input of this tick (from cores.crossbar)
    spikes : uint8 (n,), OUT 1 where the neuron fired this tick, else 0
    core_ids : uint32 (n_cores,), IN global core id of each batch core (keys the draws)
    tick : int, IN tick number (keys the draws)
    seed : int, IN run seed
    draws : uint32 (n, 2) or None, IN injected draws [leak word, threshold word] replacing the
        Philox draws (tests); None draws from cores.rng.
    v_range : (int, int), IN membrane saturation bounds, inclusive, within +-2**24; ``v``
        must lie within them (every update leaves it there).
    core_counts : int64 (n_cores, 3) or None, OUT per batch core (neuron updates, spikes,
        draws), for per-core busy cycles and energy.
    simd : str, IN SIMD path of the draws and lanes (:func:`cores.rng.simd_path`); every path
        gives the same results, "auto" is the fastest.
    threads : int, IN threads that share the cores (:mod:`cores.parallel`; the same results).
    balance : cores.parallel.Balance or None, IN/OUT where to cut the batch among the threads
        (kept by a caller that updates tick after tick); None: evenly.

    Returns
    -------
    TrueNorthNeuronCounts, totals over the batch.
    """
    core_ids = check_core_ids(core_ids)
    arrays = {
        "v": (v, np.int32, ()),
        "syn_input": (syn_input, np.int32, ()),
        "spikes": (spikes, np.uint8, ()),
    }
    if draws is not None:
        arrays["draws"] = (draws, np.uint32, (2,))
    check_batch(params.n_neurons, core_ids, arrays)
    if not -V_RANGE_LIMIT <= v_range[0] <= v_range[1] <= V_RANGE_LIMIT:
        raise ValueError(f"v_range must satisfy -2**24 <= lo <= hi <= 2**24, got {v_range}")
    use_draws = draws is not None
    if not use_draws:
        draws = np.zeros((0, 2), dtype=np.uint32)
    n_cores = core_ids.shape[0]
    seed, path = check_seed(seed), simd_path(simd)
    counts = core_counts_array(core_counts, n_cores)

    def kernel(bounds: np.ndarray, seconds: np.ndarray) -> tuple[int, int, int]:
        return _truenorth.update(
            v, syn_input, params.leak, params.leak_reversal, params.stochastic_leak,
            params.threshold, params.neg_threshold, params.threshold_mask, params.reset_mode,
            params.neg_saturate, params.reset_value, core_ids, int(tick), seed, draws,
            use_draws, int(v_range[0]), int(v_range[1]), spikes, counts, path, bounds, seconds,
        )  # fmt: skip

    return TrueNorthNeuronCounts(*run_in_jobs(kernel, n_cores, threads, balance))
