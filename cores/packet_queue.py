"""Received packets as per-PE queues: grouping by PE, a shared DMA channel, latency histogram.

Public wrappers of :mod:`cores._packet_queue` (twins: :mod:`cores.reference.packet_queue`); the
FIFO service of the queues is :meth:`cores.pe_timeline.PeTimeline.serve_segments`.
"""

from __future__ import annotations

import numpy as np

from cores._kernels import load_kernel

_queue = load_kernel("_packet_queue")


def group_rows(
    key: np.ndarray,
    group_of_key: np.ndarray,
    n_groups: int,
    a: np.ndarray,
    b: np.ndarray,
    scratch: np.ndarray | None = None,
    threads: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows grouped by ``group_of_key[key]`` stably, with int64 columns ``a`` and ``b``;
    ``threads`` share the rows where there are many (the same result; # perf: the
    SpiNNaker2-like benchmark's grouping by PE with 2, 0.52-0.53 -> 0.43-0.47 s a simulated
    second, 3 alternating runs).

    Returns ``(count, position, a, b)``: rows per group (n_groups,), where each row went, and
    a and b of the rows in grouped order (ties in row order; the rows' groups in that order
    are ``np.repeat(np.arange(n_groups), count)``). Keys must index ``group_of_key``, groups
    lie in ``[0, n_groups)``. With ``scratch`` (int64, (3, >= n), rows contiguous), the last
    three are views of it (# perf: a buffer reused tick after tick spares the page faults of
    new ~0.4 MB arrays: 2.34 -> 2.25 s CPU, mean of three interleaved 200-tick SpiNNaker2-like
    runs).

    # perf: one counting sort that carries the columns, instead of a table gather, a radix
    argsort and four gathers: 2.5 -> 1.4 ms per tick of the SpiNNaker2-like benchmark (54,000
    packets; cProfile). The rows' groups are not written (those who need them repeat the
    counts): the grouping of the SpiNNaker2-like benchmark's arrivals 0.65 -> 0.54 s a
    simulated second (timers in the receive step).
    """
    n = len(key)
    count = np.empty(n_groups, np.int64)
    if scratch is None:
        scratch = np.empty((3, n), np.int64)
    elif scratch.dtype != np.int64 or scratch.shape[0] != 3 or scratch.shape[1] < n:
        raise ValueError(f"scratch must be int64 of shape (3, >= {n}), got {scratch.shape}")
    position, a_out, b_out = (scratch[i, :n] for i in range(3))
    bad = _queue.group_rows(
        np.ascontiguousarray(key, dtype=np.int32), _int64(group_of_key), _int64(a), _int64(b),
        count, position, a_out, b_out, threads,
    )  # fmt: skip
    if bad:
        raise ValueError(f"{bad} rows with a key or group outside [0, {n_groups}) groups")
    return count, position, a_out, b_out


def channel_fifo(
    ready: np.ndarray,
    nbytes: np.ndarray,
    request_order: np.ndarray,
    cycles_per_byte: float,
    free_at: int,
) -> tuple[int, int]:
    """A shared channel serving the jobs with ``nbytes > 0`` FIFO in ``request_order``.

    A job (int64 ``ready`` = its arrival cycle, non-decreasing in ``request_order``) takes
    ``ceil(nbytes * cycles_per_byte)`` cycles from ``max(arrival, channel free)``; ``ready`` is
    replaced in place by the end of each transfer. Returns the channel's (free_at, busy cycles).
    """
    if ready.dtype != np.int64 or not ready.flags.c_contiguous:
        raise ValueError(f"ready must be contiguous int64, got {ready.dtype}")
    f, busy = _queue.channel_fifo(
        ready, _int32(nbytes), _int64(request_order), float(cycles_per_byte), int(free_at)
    )
    if f < 0:
        raise ValueError("channel requests must arrive in request order (ready non-decreasing)")
    return f, busy


def add_clipped_histogram(hist: np.ndarray, stop: np.ndarray, start: np.ndarray) -> None:
    """``hist[min(stop - start, len(hist) - 1)] += 1`` for every row (int64 ``hist``), one pass.

    # perf: instead of a subtraction, np.minimum and a bincount of len(hist) bins per call:
    0.6 -> 0.1 ms per tick of the SpiNNaker2-like benchmark (65,536 bins; cProfile).
    """
    if hist.dtype != np.int64 or not hist.flags.c_contiguous:
        raise ValueError(f"hist must be contiguous int64, got {hist.dtype}")
    negative = _queue.clipped_histogram(_int64(stop), _int64(start), hist)
    if negative:
        raise ValueError(f"{negative} rows with stop < start")


def _int64(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int64)


def _int32(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int32)
