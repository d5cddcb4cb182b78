"""Event-driven float32 synapses in CSR rows, for the EGRU (and any graded-event model).

Storage, as the EGRU language model on SpiNNaker2 keeps its pruned weights (CSR, FP32;
Nazeer et al., AICAS 2024): per source unit a row of (target, weight) pairs, ``row_ptr`` int64
(n_sources + 1), ``targets`` int32 and ``weights`` float32 (8 bytes per synapse). A target is a
flat index ``gate * n_units + unit`` into the EGRU's (4, n_units) input sums
(:data:`cores.egru.INPUT_ROWS`: a_u, a_r, a_zx, a_zh).

An event (source, value) adds ``value * weight`` to each target of its row. The wrapper sorts
the events of a batch by (source, value) before the kernel runs, so the float32 sums come out
the same whatever the arrival order (design.md, decision 6: float32 accumulates in a fixed
order).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cores._kernels import load_kernel

_kernel = load_kernel("_event_synapses")
SYNAPSE_BYTES = 8
"""Bytes per stored synapse: float32 weight + int32 target."""


class EventCounts(NamedTuple):
    """What one batch of events did: events, synaptic words (= synaptic events = MACs), bytes
    of rows read, and the words of each event in arrival order (for the cycle-cost model)."""

    events: int
    words: int
    row_bytes: int
    words_per_event: NDArray[np.int64]


@dataclass(frozen=True)
class EventSynapses:
    """CSR synapses from n_sources sources into n_inputs input sums."""

    row_ptr: NDArray[np.int64]
    targets: NDArray[np.int32]
    weights: NDArray[np.float32]
    n_inputs: int

    @property
    def n_sources(self) -> int:
        """Number of source units (rows)."""
        return self.row_ptr.size - 1

    @property
    def nbytes(self) -> int:
        """Bytes of the rows (weights and targets) plus the row pointers as 32-bit words."""
        return SYNAPSE_BYTES * self.targets.size + 4 * self.row_ptr.size


def build_event_synapses(
    pre: ArrayLike, target: ArrayLike, weight: ArrayLike, *, n_sources: int, n_inputs: int
) -> EventSynapses:
    """CSR rows from a connection list (source, flat target index, weight); row order follows
    the list."""
    pre, tgt = np.asarray(pre, np.int64).ravel(), np.asarray(target, np.int64).ravel()
    w = np.asarray(weight, np.float32).ravel()
    if not pre.size == tgt.size == w.size:
        raise ValueError("pre, target and weight must have the same length")
    if pre.size and (pre.min() < 0 or pre.max() >= n_sources):
        raise ValueError(f"pre must lie in 0..{n_sources - 1}")
    if tgt.size and (tgt.min() < 0 or tgt.max() >= n_inputs):
        raise ValueError(f"target must lie in 0..{n_inputs - 1}")
    order = np.argsort(pre, kind="stable")
    row_ptr = np.zeros(n_sources + 1, np.int64)
    np.cumsum(np.bincount(pre, minlength=n_sources), out=row_ptr[1:])
    return EventSynapses(row_ptr, tgt[order].astype(np.int32), w[order], n_inputs)


def accumulate_events(
    syn: EventSynapses, sources: ArrayLike, values: ArrayLike, inputs: NDArray[np.float32]
) -> EventCounts:
    """Add a batch of events into ``inputs`` (float32, n_inputs values, any C-contiguous shape).

    Parameters
    ----------
    syn : IN. sources : int (n_events,), IN. values : float32 (n_events,), IN, in arrival order.
    inputs : IN/OUT.
    """
    src = np.asarray(sources, np.int32).ravel()
    val = np.asarray(values, np.float32).ravel()
    if src.size != val.size:
        raise ValueError("sources and values must have the same length")
    if src.size and (src.min() < 0 or src.max() >= syn.n_sources):
        raise ValueError(f"sources must lie in 0..{syn.n_sources - 1}")
    if inputs.dtype != np.float32 or inputs.size != syn.n_inputs or not inputs.flags.c_contiguous:
        raise ValueError(f"inputs must be C-contiguous float32 with {syn.n_inputs} values")
    order = np.lexsort((val, src))
    n_events, words = _kernel.event_accumulate(
        src[order], val[order], syn.row_ptr, syn.targets, syn.weights, inputs.reshape(-1)
    )
    per_event = np.diff(syn.row_ptr)[src]
    return EventCounts(n_events, words, SYNAPSE_BYTES * words, per_event)
