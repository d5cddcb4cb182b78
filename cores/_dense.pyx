"""Dense layer kernel (int8 MAC + ReLU + requantisation). Format: :mod:`cores.dense`.

Twin: :mod:`cores.reference.dense` (same name, arguments and outputs).
"""

from libc.stdint cimport int8_t, int32_t


def dense_update(
    const int8_t[:, ::1] weights,
    const int32_t[::1] bias,
    const int8_t[::1] x,
    int shift,
    int8_t[::1] out,
):
    """out = clamp((max(bias + W x, 0) + round) >> shift, 0, 127), round = 2**(shift-1) or 0.

    Parameters
    ----------
    weights : int8 (n_out, n_in), IN.
    bias : int32 (n_out,), IN. In accumulator units (scale of w * x).
    x : int8 (n_in,), IN. Input activations.
    shift : IN. Requantisation right shift, 0..31.
    out : int8 (n_out,), OUT. Output activations, 0..127.

    Returns
    -------
    (unit_updates, nonzero_outputs, macs) : tuple of int.
    """
    cdef Py_ssize_t n_out = weights.shape[0], n_in = weights.shape[1], i, j
    cdef Py_ssize_t nonzero = 0
    cdef int32_t acc, rnd = (1 << (shift - 1)) if shift > 0 else 0
    with nogil:
        for i in range(n_out):
            acc = 0
            for j in range(n_in):
                acc = acc + <int32_t>weights[i, j] * <int32_t>x[j]
            acc = acc + bias[i]
            if acc < 0:
                acc = 0
            acc = (acc + rnd) >> shift if acc <= 0x7FFFFFFF - rnd else 0x7FFFFFFF >> shift
            if acc > 127:
                acc = 127
            out[i] = <int8_t>acc
            nonzero += acc != 0
    return n_out, nonzero, n_out * n_in
