"""EGRU unit update kernel: one tick of n units. Equations: :mod:`cores.egru`.

Twin: :mod:`cores.reference.egru` (same name, arguments and outputs).
"""

from libc.math cimport exp, tanh
from libc.stdint cimport int32_t


def egru_update(
    const float[:, ::1] params,
    const float[:, ::1] inputs,
    float[::1] cell,
    int32_t[::1] out_events,
    float[::1] out_values,
):
    """Advance n EGRU units by one tick.

    Parameters
    ----------
    params : float32 (5, n), IN. Rows: b_u, b_r, b_zx, b_zh, theta.
    inputs : float32 (4, n), IN. This tick's accumulated weighted events, rows a_u, a_r, a_zx
        (input and recurrent events into u, r and the candidate's input part) and a_zh
        (recurrent events into the candidate, gated by r).
    cell : float32 (n,), IN/OUT. Internal state c.
    out_events : int32 (>= n,), OUT. Indices of the units that emitted an event.
    out_values : float32 (>= n,), OUT. Event values (c before the reset), same order.

    Returns
    -------
    (unit_updates, events) : tuple of int.
    """
    cdef Py_ssize_t n = cell.shape[0], i, n_events = 0
    cdef float u, r, z, c
    with nogil:
        for i in range(n):
            u = <float>(1.0 / (1.0 + exp(-<double>(inputs[0, i] + params[0, i]))))
            r = <float>(1.0 / (1.0 + exp(-<double>(inputs[1, i] + params[1, i]))))
            z = <float>tanh(<double>((inputs[2, i] + params[2, i]) + r * (inputs[3, i] + params[3, i])))
            c = u * cell[i] + (<float>1.0 - u) * z
            if c > params[4, i]:
                out_events[n_events] = <int32_t>i
                out_values[n_events] = c
                n_events += 1
                c = c - params[4, i]
            cell[i] = c
    return n, n_events
