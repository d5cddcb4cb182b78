"""Cycle-cost model of a PE: pure functions from event counts and arrival cycles to busy cycles.

All cycles are cycles of the PE clock (design.md, decision 1); costs come from
:class:`cores.params.CycleCosts`.

Tick phase (timer interrupt, then the neuron update loop)::

    busy = timer_tick_cycles + n_neurons * neuron_update_cycles[model]
           + n_spikes * spike_send_cycles

Neuron ``i`` of the update order finishes at ``start + timer + (i + 1) * update``, and its spike
(the k-th spike of the tick, k from 0) leaves after the k + 1 sends before it and its own::

    emission(i, k) = start + timer_tick_cycles + (i + 1) * update + (k + 1) * spike_send_cycles

Received packets (one FIFO server, in arrival order): packet k costs ::

    service_k = packet_receive_cycles + steps_k * key_lookup_cycles_per_step
                + [row in DRAM] * dma_setup_cycles + words_k * synaptic_event_cycles

and starts at ``max(arrival_k, finish_{k-1})`` (``finish_{-1}`` = when the PE becomes free).
With ``S_k`` the running sum of services this is ``finish_k = S_k + max(free_at, max_{j <= k}
(arrival_j - S_{j-1}))``, one ``np.maximum.accumulate``. Transfer time of DRAM rows (bandwidth
shared by all PEs) is chipsim's: pass the cycle at which a row is ready as its arrival.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cores._kernels import load_kernel
from cores.params import CycleCosts, NeuronModel

_spike_vector = load_kernel("_spike_vector")


def update_cycles(costs: CycleCosts, model: NeuronModel | None) -> int:
    """Cycles of one neuron update of ``model``; ``None`` is a spike-source neuron."""
    if model is None:
        return costs.spike_source_cycles
    try:
        return costs.neuron_update_cycles[NeuronModel(model)]
    except (KeyError, ValueError):
        known = ", ".join(m.value for m in costs.neuron_update_cycles)
        raise ValueError(f"no neuron_update_cycles for model {model!r} (known: {known})") from None


def tick_cycles(costs: CycleCosts, update: int, n_neurons: int, n_spikes: int) -> int:
    """Busy cycles of the tick phase: timer + neuron updates + spike sends.

    ``update`` is the cycles of one neuron update (:func:`update_cycles`).
    """
    if n_neurons < 0 or not 0 <= n_spikes <= n_neurons:
        raise ValueError(f"need 0 <= n_spikes <= n_neurons, got {n_spikes}, {n_neurons}")
    return costs.timer_tick_cycles + n_neurons * update + n_spikes * costs.spike_send_cycles


def emission_cycles(
    costs: CycleCosts, update: int, start_cycle: int, spike_order: ArrayLike
) -> NDArray[np.int64]:
    """Cycle at which each spike leaves the PE.

    Parameters
    ----------
    update : cycles of one neuron update (:func:`update_cycles`).
    start_cycle : cycle at which the tick phase starts (PE cycles).
    spike_order : positions in the update order of the neurons that spiked, increasing (the
        kernels' ``out_spikes`` minus the core's first index).
    """
    order = np.asarray(spike_order, dtype=np.int64)
    if order.size and (order[0] < 0 or np.any(np.diff(order) <= 0)):
        raise ValueError("spike_order must be increasing positions >= 0")
    k = np.arange(1, order.size + 1, dtype=np.int64)
    return (
        start_cycle + costs.timer_tick_cycles + (order + 1) * update + k * costs.spike_send_cycles
    )


def emission_cycles_by_core(
    costs: CycleCosts,
    update: int,
    start_cycles: ArrayLike,
    core_first: ArrayLike,
    spikes: ArrayLike,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """:func:`emission_cycles` for a many-core kernel call, vectorised.

    Parameters
    ----------
    start_cycles : int (n_cores,), tick-phase start cycle of each core.
    core_first : int (n_cores,), index of each core's first neuron in the flat arrays, increasing
        from 0 (neurons contiguous per core).
    spikes : increasing flat neuron indices that spiked (the kernel's ``out_spikes``).

    Returns
    -------
    (core, cycle) : int64 arrays, one entry per spike.

    # perf: one pass in C (``_spike_vector.indexed_emissions``) instead of ~15 NumPy calls on
    a few hundred spikes: 49 -> 8 us a call, 3,000 calls a simulated second of the
    SpiNNaker2-like benchmark.
    """
    first = np.ascontiguousarray(core_first, dtype=np.int64)
    idx = np.ascontiguousarray(spikes, dtype=np.int64)
    start = np.ascontiguousarray(start_cycles, dtype=np.int64)
    if start.shape != first.shape:
        raise ValueError(f"start_cycles must have one entry per core, got {start.shape}")
    core, cycle = np.empty(idx.size, np.int64), np.empty(idx.size, np.int64)
    if _spike_vector.indexed_emissions(
        first, idx, start, costs.timer_tick_cycles, update, costs.spike_send_cycles, core, cycle
    ):
        if first.size == 0 or first[0] != 0 or np.any(np.diff(first) <= 0):
            raise ValueError("core_first must start at 0 and increase")
        raise ValueError("spikes must be increasing indices >= 0")
    return core, cycle


class PacketBatchCost(NamedTuple):
    """Cycles of a batch of received packets.

    Attributes
    ----------
    finish : int64 (n_packets,), cycle at which each packet's processing ends.
    busy_cycles : cycles spent processing (sum of services).
    free_at : cycle at which the PE is free again (last finish, or the given free_at).
    overrun_cycles : cycles past ``tick_end`` (0 if the batch ends in time).
    """

    finish: NDArray[np.int64]
    busy_cycles: int
    free_at: int
    overrun_cycles: int


def packet_service_cycles(
    costs: CycleCosts, steps: ArrayLike, words: ArrayLike, in_dram: ArrayLike
) -> NDArray[np.int64]:
    """Cycles each packet costs (receive + lookup + DMA setup if in DRAM + synaptic events)."""
    steps, words = np.asarray(steps, np.int64), np.asarray(words, np.int64)
    dram = np.asarray(in_dram, dtype=bool)
    return (
        costs.packet_receive_cycles
        + steps * costs.key_lookup_cycles_per_step
        + dram * costs.dma_setup_cycles
        + words * costs.synaptic_event_cycles
    )


def packet_batch_cycles(
    costs: CycleCosts,
    arrival: ArrayLike,
    steps: ArrayLike,
    words: ArrayLike,
    in_dram: ArrayLike,
    *,
    free_at: int,
    tick_end: int,
) -> PacketBatchCost:
    """FIFO processing of received packets, vectorised (no per-packet Python).

    Parameters
    ----------
    arrival : arrival cycles, non-decreasing (arrival order).
    steps, words, in_dram : per packet, from :func:`cores.synapse_lookup.process_packets`
        (``in_dram`` = ``dram_bytes > 0``).
    free_at : cycle at which the PE finishes its earlier work.
    tick_end : end of the current tick; work past it is overrun.
    """
    a = np.asarray(arrival, dtype=np.int64)
    service = packet_service_cycles(costs, steps, words, in_dram)
    if service.shape != a.shape:
        raise ValueError(f"arrival, steps, words, in_dram must have one shape, got {a.shape}")
    if a.size and np.any(np.diff(a) < 0):
        raise ValueError("arrival cycles must be non-decreasing (arrival order)")
    done = np.cumsum(service)
    before = done - service
    finish = done + np.maximum(free_at, np.maximum.accumulate(a - before))
    end = int(finish[-1]) if finish.size else free_at
    return PacketBatchCost(finish, int(done[-1]) if done.size else 0, end, max(0, end - tick_end))
