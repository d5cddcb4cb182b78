"""The chip's DRAM as one shared channel (design.md, decision 7).

Synaptic rows that live in DRAM are fetched by DMA when their packet arrives; all PEs share the
channel's bandwidth, so requests queue FIFO in arrival order and a row is ready when its
transfer ends: ``ready_k = max(arrival_k, channel free) + ceil(bytes_k x clock_hz / bandwidth)``
reference cycles. The PE then processes the row (its DMA setup cycles come from the cost model).
"""

from __future__ import annotations

import numpy as np

from cores.packet_queue import channel_fifo


class DramChannel:
    """FIFO transfer of DMA requests over a shared bandwidth, in reference cycles."""

    def __init__(self, clock_hz: float, bandwidth_bytes_per_s: float) -> None:
        self.cycles_per_byte = clock_hz / bandwidth_bytes_per_s if bandwidth_bytes_per_s else 0.0
        self.free_at = 0
        self.busy_cycles = 0

    def fetch(self, arrival: np.ndarray, nbytes: np.ndarray) -> np.ndarray:
        """Cycle at which each request's row is in the PE (requests in any order; a request of
        0 bytes is no transfer: ready on arrival)."""
        ready = np.array(arrival, dtype=np.int64)
        in_order = bool((ready[1:] >= ready[:-1]).all())  # as the driver gives them
        order = np.arange(len(ready)) if in_order else np.argsort(ready, kind="stable")
        self.fetch_in_place(ready, nbytes, order)
        return ready

    def fetch_in_place(self, ready: np.ndarray, nbytes: np.ndarray, request_order) -> None:
        """:meth:`fetch` of the packets with ``nbytes > 0``, which reach the channel in
        ``request_order`` (a permutation; their int64 ``ready`` = arrival cycles, non-decreasing
        in that order): each one's ``ready`` becomes the end of its transfer."""
        self.free_at, busy = channel_fifo(
            ready, nbytes, request_order, self.cycles_per_byte, self.free_at
        )
        self.busy_cycles += busy
