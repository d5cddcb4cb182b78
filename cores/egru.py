r"""EGRU: event-based gated recurrent unit (Subramoney et al., ICLR 2023), float32.

A GRU whose units talk only through events: a unit emits an event when its internal state
crosses its threshold, and the event's value (the state) is what its targets receive. The weights
are applied by the synapse kernel as events arrive, so this kernel sees, per unit and tick, the
sums of the weighted events of the tick (x = input events, y = recurrent events of tick t-1):

.. math::

    a_u = W_u x + R_u y, \quad a_r = W_r x + R_r y, \quad a_{zx} = W_z x, \quad a_{zh} = R_z y

One tick, per unit (dimensionless state), as implemented:

.. math::

    u = \sigma(a_u + b_u), \quad r = \sigma(a_r + b_r), \quad
    z = \tanh(a_{zx} + b_{zx} + r \odot (a_{zh} + b_{zh}))

    c \leftarrow u \odot c + (1 - u) \odot z

    \text{if } c > \vartheta: \text{event of value } c, \text{ then } c \leftarrow c - \vartheta

The reset gate acts after the recurrent product (the "reset-after" GRU of cuDNN/PyTorch), which
keeps every weight product inside the event-driven synapse kernel; the update-gate convention
(u keeps the old state) and the reset by subtraction of the threshold follow the authors' EvNN
code (Nazeer et al., AICAS 2024). Gates are evaluated in double precision and rounded to float32
(``exp`` and ``tanh`` of the C library in the kernel, NumPy's in the twin: they agree to float32
rounding); the rest is float32 in the order written.

References
----------
A. Subramoney, K. K. Nazeer, M. Schöne, C. Mayr, D. Kappel, "Efficient recurrent architectures
through activity sparsity and sparse back-propagation through time", ICLR 2023.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cores._kernels import load_kernel
from cores.counts import NeuronCounts

_egru = load_kernel("_egru")

PARAM_ROWS = ("b_u", "b_r", "b_zx", "b_zh", "theta")
INPUT_ROWS = ("a_u", "a_r", "a_zx", "a_zh")


@dataclass(frozen=True)
class EgruParams:
    """Biases and thresholds of n units: float32 (5, n), rows PARAM_ROWS."""

    values: NDArray[np.float32]

    @property
    def n(self) -> int:
        """Number of units."""
        return self.values.shape[1]

    @classmethod
    def make(
        cls, n: int, *, b_u: ArrayLike = 0.0, b_r: ArrayLike = 0.0, b_zx: ArrayLike = 0.0,
        b_zh: ArrayLike = 0.0, theta: ArrayLike = 0.5,
    ) -> EgruParams:  # fmt: skip
        """Parameters from scalars or length-n arrays; thresholds must be > 0."""
        rows = [
            np.broadcast_to(np.asarray(v, np.float32), (n,)) for v in (b_u, b_r, b_zx, b_zh, theta)
        ]
        if np.any(rows[4] <= 0):
            raise ValueError("EGRU thresholds theta must be > 0")
        return cls(np.ascontiguousarray(np.stack(rows)))


def make_egru_inputs(n: int) -> NDArray[np.float32]:
    """Zeroed input accumulators, float32 (4, n), rows INPUT_ROWS."""
    return np.zeros((len(INPUT_ROWS), n), dtype=np.float32)


def egru_step(
    params: EgruParams,
    inputs: NDArray[np.float32],
    cell: NDArray[np.float32],
    out_events: NDArray[np.int32],
    out_values: NDArray[np.float32],
) -> NeuronCounts:
    """Advance n units by one tick (inputs are read, not cleared: the caller zeroes them).

    Parameters
    ----------
    params : IN. inputs : float32 (4, n), IN. cell : float32 (n,), IN/OUT.
    out_events : int32 (>= n,), OUT. out_values : float32 (>= n,), OUT.

    Returns
    -------
    NeuronCounts (neuron_updates = units, spikes = events).
    """
    n = params.n
    if inputs.shape != (len(INPUT_ROWS), n) or cell.shape != (n,):
        raise ValueError(
            f"inputs must be (4, {n}) and cell ({n},), got {inputs.shape}, {cell.shape}"
        )
    if out_events.shape[0] < n or out_values.shape[0] < n:
        raise ValueError(f"out_events and out_values need at least {n} entries")
    return NeuronCounts(*_egru.egru_update(params.values, inputs, cell, out_events, out_values))
