"""Dense layer (MAC + ReLU) for ANN layers on the same PEs, int8 in and out.

Format (SpiNNaker2's MAC array does 8-bit multiply-accumulates)::

    weights  W  int8  (n_out, n_in)     activations x  int8 (n_in,)
    bias     b  int32 (n_out,), in accumulator units (the scale of w * x)
    acc = b + sum_j W[i, j] * x[j]                      int32, exact (checked: no overflow)
    y   = min((max(acc, 0) + 2**(shift-1)) >> shift, 127)   int8, ReLU then round half up

``shift`` (0..31) is the requantisation: output scale = input scale x weight scale x 2**shift.
Outputs are in 0..127, so they feed the next layer as int8 activations. The SpiNNaker2 MAC array
has 24-bit accumulators (../shared/reference/hardware.md); this model accumulates in 32 bits and
equals the hardware whenever |acc| < 2**23.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cores._kernels import load_kernel
from cores.counts import NeuronCounts

_dense = load_kernel("_dense")

_INT32_MAX = 2**31 - 1
_MAX_PRODUCT = 128 * 128


def dense_step(
    weights: NDArray[np.int8],
    bias: NDArray[np.int32],
    x: NDArray[np.int8],
    shift: int,
    out: NDArray[np.int8],
) -> NeuronCounts:
    """One dense layer: ``out = requantise(relu(bias + weights @ x))``.

    Parameters
    ----------
    weights : int8 (n_out, n_in), IN. bias : int32 (n_out,), IN. x : int8 (n_in,), IN.
    shift : IN, 0..31. out : int8 (n_out,), OUT.

    Returns
    -------
    NeuronCounts (neuron_updates = n_out, spikes = nonzero outputs, macs = n_out * n_in).
    """
    n_out, n_in = weights.shape
    if weights.dtype != np.int8 or x.dtype != np.int8 or out.dtype != np.int8:
        raise ValueError("weights, x and out must be int8")
    if bias.shape != (n_out,) or x.shape != (n_in,) or out.shape != (n_out,):
        raise ValueError(f"need bias ({n_out},), x ({n_in},), out ({n_out},)")
    if not 0 <= shift <= 31:
        raise ValueError(f"shift must lie in 0..31, got {shift}")
    if n_in * _MAX_PRODUCT + int(np.abs(bias.astype(np.int64)).max(initial=0)) > _INT32_MAX:
        raise ValueError(f"n_in = {n_in} with this bias could overflow the int32 accumulator")
    return NeuronCounts(*_dense.dense_update(weights, bias, x, shift, out))
