"""Spike vectors (one uint8 flag per neuron) to spike indices, fast for sparse spikes."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cores._kernels import load_kernel
from cores.params import CycleCosts

_kernel = load_kernel("_spike_vector")


def spike_indices(spikes: NDArray[np.uint8]) -> NDArray[np.int64]:
    """Indices (increasing, int64) of the non-zero entries of a C-contiguous uint8 vector.

    # perf: 1 M neurons with 2 % spiking: np.flatnonzero 1.9-3.9 ms, this 0.5 ms.
    """
    if spikes.dtype != np.uint8 or spikes.ndim != 1 or not spikes.flags.c_contiguous:
        raise ValueError(f"spikes must be a C-contiguous 1-D uint8 array, got {spikes.dtype}")
    out = np.empty(len(spikes), dtype=np.int64)
    n = _kernel.spike_indices(spikes, out)
    return out[:n]


def core_emissions(
    spikes: NDArray[np.uint8],
    per_core: int,
    start: NDArray[np.int64],
    costs: CycleCosts,
    update: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The spikes of a batch of cores of ``per_core`` neurons each, their emission cycles
    and the spikes per core: :func:`spike_indices`, :func:`cores.cost.emission_cycles_by_core`
    and a count per core in one pass over the vector (# perf: 0.78 -> 0.57 ms for the full
    TrueNorth-like chip's vector, 1 M neurons with 2 % spiking, caches cold).

    ``spikes`` is the kernels' vector (C-contiguous uint8, ``len(start) * per_core``);
    ``start`` each core's tick-phase start cycle; ``costs`` a :class:`cores.params.CycleCosts`
    and ``update`` the cycles of one neuron update. Returns (indices, cycles, fired), int64.
    """
    n_cores = len(start)
    if spikes.dtype != np.uint8 or spikes.ndim != 1 or not spikes.flags.c_contiguous:
        raise ValueError(f"spikes must be a C-contiguous 1-D uint8 array, got {spikes.dtype}")
    if per_core < 1 or len(spikes) != n_cores * per_core:
        raise ValueError(f"{len(spikes)} spike flags for {n_cores} cores of {per_core} neurons")
    n = np.count_nonzero(spikes)  # (# perf: outputs of the vector's length: 0.78 ms above)
    index, cycle = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    fired = np.empty(n_cores, dtype=np.int64)
    _kernel.core_emissions(
        spikes, per_core, np.ascontiguousarray(start, dtype=np.int64),
        costs.timer_tick_cycles, update, costs.spike_send_cycles, index, cycle, fired,
    )  # fmt: skip
    return index, cycle, fired
