"""The chip's DRAM as one shared channel (design.md, decision 7).

Synaptic rows that live in DRAM are fetched by DMA when their packet arrives; all PEs share the
channel's bandwidth, so requests queue FIFO in arrival order and a row is ready when its
transfer ends: ``ready_k = max(arrival_k, channel free) + ceil(bytes_k x clock_hz / bandwidth)``
reference cycles. The PE then processes the row (its DMA setup cycles come from the cost model).
"""

from __future__ import annotations

import numpy as np

from cores.pe_timeline import fifo_finish


class DramChannel:
    """FIFO transfer of DMA requests over a shared bandwidth, in reference cycles."""

    def __init__(self, clock_hz: float, bandwidth_bytes_per_s: float) -> None:
        self.cycles_per_byte = clock_hz / bandwidth_bytes_per_s if bandwidth_bytes_per_s else 0.0
        self.free_at = 0
        self.busy_cycles = 0

    def fetch(self, arrival: np.ndarray, nbytes: np.ndarray) -> np.ndarray:
        """Cycle at which each request's row is in the PE (requests in any order)."""
        if len(arrival) == 0:
            return np.empty(0, dtype=np.int64)
        in_order = bool((arrival[1:] >= arrival[:-1]).all())  # as the driver gives them
        order = None if in_order else np.argsort(arrival, kind="stable")
        queued, sizes = (arrival, nbytes) if in_order else (arrival[order], nbytes[order])
        service = np.ceil(sizes * self.cycles_per_byte).astype(np.int64)
        finish = fifo_finish(
            queued, service, np.array([self.free_at]), np.array([0]), np.array([len(queued)])
        )
        self.free_at = int(finish[-1])
        self.busy_cycles += int(service.sum())
        if in_order:
            return finish
        ready = np.empty_like(finish)
        ready[order] = finish
        return ready
