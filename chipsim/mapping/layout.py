"""Lay a partitioned, placed network out on its PEs (SpiNNaker-style programmable PEs).

For every slice: its 32-bit key block (``slice << 11 | local index``, mask ``0xFFFFF800``, the
11-bit neuron field of a synaptic row word), the PEs its spikes must reach, and, for neuron
populations, the runtime group with neuron parameters, ring buffers and one synaptic matrix per
PE (rows in SRAM while they fit, the rest in DRAM; decision 7).

Weights are quantised per post population and synapse type as sPyNNaker does: an entry ``w``
of a ring buffer is ``w * 2**(shift - 15)`` nA, with the smallest ``shift`` at which the sum of
all of a neuron's incoming weights of that type fits one 16-bit ring entry, so that even when
every input arrives for the same tick, nothing saturates.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from chipsim.events import bin_events
from chipsim.mapping.errors import MappingError
from chipsim.mapping.partition import Slices, count_pairs
from chipsim.network.description import (
    EventCameraSource,
    NeuronPopulation,
    PoissonSource,
    SpikeArraySource,
    TraceSource,
)
from chipsim.network.expand import Connections, ExpandedNetwork
from chipsim.sim.groups import GroupLayout, LifGroup, PoissonGroup, ScheduledGroup
from chipsim.traces import read_trace
from cores import NeuronModel, build_synaptic_matrix, lif_params, to_fixed
from cores.ring_buffer import N_SLOTS, ring_buffer_bytes
from cores.sram import Sram, SramOverflowError
from cores.synaptic_matrix import MAX_NEURONS, TABLE_ENTRY_BYTES, WEIGHT_MAX

KEY_INDEX_BITS = 11
KEY_MASK = 0xFFFFFFFF ^ ((1 << KEY_INDEX_BITS) - 1)
LIF_MODELS = (NeuronModel.LIF_FLOAT, NeuronModel.LIF_FIXED)


@dataclass(frozen=True)
class SramPlan:
    """Per-PE SRAM figures used to place rows (None in a hardware-free layout)."""

    sram_bytes: int
    banks: int
    neuron_state_bytes: int


@dataclass(frozen=True)
class Program:
    """A network laid out on PEs: keys, destinations and runtime groups."""

    net: ExpandedNetwork
    slices: Slices
    pe_of_slice: np.ndarray  # int32
    groups: list  # runtime groups, one per population
    dest_ptr: np.ndarray  # int64 (n_slices + 1,): CSR of destination PEs per source slice
    dest_pe: np.ndarray  # int32
    sram: list[Sram]  # per neuron slice, what its PE's SRAM holds (empty without a plan)

    @property
    def base_keys(self) -> np.ndarray:
        """uint32 (n_slices,): the first key of each slice's block (mask :data:`KEY_MASK`)."""
        return (np.arange(len(self.slices), dtype=np.uint32) << KEY_INDEX_BITS).astype(np.uint32)

    def keys(self, slice_index: np.ndarray, neuron: np.ndarray) -> np.ndarray:
        """Routing key of each global ``neuron`` of slice ``slice_index``."""
        local = neuron - self.slices.first[slice_index]
        return ((slice_index.astype(np.uint32) << KEY_INDEX_BITS) | local).astype(np.uint32)


def build_program(
    net: ExpandedNetwork,
    slices: Slices,
    pe_of_slice: np.ndarray,
    dt_s: float,
    seed: int,
    sram: SramPlan | None = None,
) -> Program:
    """Runtime groups, keys and destination sets of a partitioned and placed network."""
    if len(slices) >= 1 << (32 - KEY_INDEX_BITS) or slices.count.max() > MAX_NEURONS:
        raise MappingError(
            f"{len(slices)} slices of up to {slices.count.max()} neurons do not fit 32-bit keys "
            f"with an {KEY_INDEX_BITS}-bit neuron field"
        )
    synapses = _SynapsesBySlice.of(net, slices, pe_of_slice, sram)
    groups, srams = [], []
    for g, population in enumerate(net.network.populations):
        members = np.flatnonzero(slices.group == g)
        layout = GroupLayout(
            group=g,
            slices=members,
            core_first=slices.first[members] - net.offsets[g],
            first_id=int(net.offsets[g]),
            size=int(net.sizes[g]),
        )
        if isinstance(population, NeuronPopulation):
            group, used = _lif_group(synapses, layout, population, dt_s)
            srams += used
        else:
            group = source_group(layout, population, dt_s, seed)
        groups.append(group)
    dest_ptr, dest_pe = _destinations(slices, pe_of_slice, net.connections, synapses.post_slice)
    return Program(net, slices, pe_of_slice.astype(np.int32), groups, dest_ptr, dest_pe, srams)


@dataclass(frozen=True)
class _SynapsesBySlice:
    """The network's synapses grouped by the slice of their post neuron, and what laying out
    their rows needs: placement, SRAM plan and each neuron's summed input per synapse type."""

    net: ExpandedNetwork
    slices: Slices
    pe_of_slice: np.ndarray
    sram: SramPlan | None
    post_slice: np.ndarray  # slice of each synapse's post neuron
    order: np.ndarray  # synapse indices sorted by post slice
    bounds: np.ndarray  # (n_slices + 1,): slice s owns order[bounds[s]:bounds[s + 1]]
    input_sums: np.ndarray  # (2, n_neurons): summed |weight|, excitatory then inhibitory, nA

    @classmethod
    def of(cls, net, slices, pe_of_slice, sram) -> _SynapsesBySlice:
        conns = net.connections
        post_slice = slices.of_neurons(conns.post)
        # perf: a stable sort of 16-bit values is a radix sort, 3.4x faster on 38 M synapses
        small = post_slice.astype(np.uint16) if len(slices) <= 1 << 16 else post_slice
        order = np.argsort(small, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(post_slice, minlength=len(slices)))]
        n = net.n_neurons
        sums = np.bincount(conns.post + n * (conns.weight < 0), np.abs(conns.weight), 2 * n)
        return cls(net, slices, pe_of_slice, sram, post_slice, order, bounds, sums.reshape(2, n))

    def rows(self, s: int) -> np.ndarray:
        """Indices of the synapses onto slice ``s``."""
        return self.order[self.bounds[s] : self.bounds[s + 1]]


def _lif_group(synapses: _SynapsesBySlice, layout: GroupLayout, population, dt_s: float):
    if population.model not in LIF_MODELS:
        raise MappingError(
            f"population {population.name!r}: model {population.model.value} cannot run on a "
            f"programmable PE yet (supported: {', '.join(m.value for m in LIF_MODELS)})"
        )
    ids = slice(layout.first_id, layout.first_id + layout.size)
    shifts = [_shift(synapses.input_sums[inh, ids], population.name) for inh in (0, 1)]
    params = _lif_params(population, layout.size, dt_s, shifts)
    matrices, used = [], []
    for s in layout.slices:
        matrix, held = _synaptic_matrix(synapses, int(s), shifts)
        matrices.append(matrix)
        used += held
    return LifGroup(layout, population.model, params, matrices), used


def _lif_params(population: NeuronPopulation, n: int, dt_s: float, shifts: list[int]):
    known = set(inspect.signature(lif_params).parameters) - {"n", "dt_ms", "shift_exc", "shift_inh"}
    unknown = set(population.params) - known
    if unknown:
        raise MappingError(
            f"population {population.name!r}: unknown {population.model.value} parameter(s) "
            f"{sorted(unknown)}; known: {sorted(known)}"
        )
    params = lif_params(
        n, dt_ms=dt_s * 1e3, shift_exc=shifts[0], shift_inh=shifts[1], **population.params
    )
    return to_fixed(params) if population.model is NeuronModel.LIF_FIXED else params


def _shift(input_sums: np.ndarray, name: str) -> int:
    """Smallest ring shift (0..15) at which every neuron's summed input fits WEIGHT_MAX units.

    ``input_sums``: per post neuron, the sum of |weight| (nA) of one synapse type. At shift 15
    a unit is 1 nA, the coarsest the format allows; larger sums may saturate the ring entry.
    """
    largest = float(input_sums.max()) if input_sums.size else 0.0
    if largest == 0.0:
        return 0
    return int(np.clip(np.ceil(np.log2(largest * 2.0**15 / WEIGHT_MAX)), 0, 15))


def _synaptic_matrix(synapses: _SynapsesBySlice, s: int, shifts: list[int]):
    """Slice ``s``'s master population table and rows (SRAM while they fit, then DRAM)."""
    slices, conns, sram = synapses.slices, synapses.net.connections, synapses.sram
    rows = synapses.rows(s)
    count = int(slices.count[s])
    delay = conns.delay[rows]
    if delay.size and delay.max() >= N_SLOTS:
        raise MappingError(
            f"slice {s}: delay {int(delay.max())} ticks exceeds the {N_SLOTS - 1}-tick ring "
            "buffer of a programmable PE"
        )
    weight = conns.weight[rows]
    syn_type = (weight < 0).astype(np.int64)
    scale = np.exp2(np.where(syn_type == 1, shifts[1], shifts[0]) - 15.0)
    units = np.rint(np.abs(weight) / scale).astype(np.int64)
    pre_slice = slices.of_neurons(conns.pre[rows])
    local_pre = conns.pre[rows] - slices.first[pre_slice]
    keys = (pre_slice.astype(np.uint32) << KEY_INDEX_BITS) | local_pre.astype(np.uint32)
    post = conns.post[rows] - slices.first[s]
    if sram is None:
        return build_synaptic_matrix(keys, post, units, delay, syn_type, n_neurons=count), []
    memory = Sram(f"PE {int(synapses.pe_of_slice[s])} (slice {s})", sram.sram_bytes, sram.banks)
    try:
        memory.allocate("neuron_state", sram.neuron_state_bytes * count)
        memory.allocate("ring_buffers", ring_buffer_bytes(count))
        n_blocks = np.count_nonzero(np.bincount(pre_slice))
        memory.allocate("master_population_table", TABLE_ENTRY_BYTES * n_blocks)
        matrix = build_synaptic_matrix(
            keys, post, units, delay, syn_type, n_neurons=count,
            sram_budget_bytes=memory.free_bytes,
        )  # fmt: skip
        memory.allocate("synaptic_rows", int(matrix.block_bytes()[~matrix.in_dram].sum()))
    except SramOverflowError as exc:
        raise MappingError(f"SRAM overflow: {exc}") from None
    return matrix, [memory]


def source_group(layout: GroupLayout, source, dt_s: float, seed: int):
    """The runtime group that generates a spike source's spikes (Poisson, arrays, traces, AER)."""
    if isinstance(source, PoissonSource):
        return PoissonGroup(layout, source.rate_hz, dt_s, seed)
    if isinstance(source, SpikeArraySource):
        spikes = np.asarray(source.spikes, dtype=np.int64).reshape(-1, 2)
        return ScheduledGroup(layout, spikes[:, 0], spikes[:, 1])
    if isinstance(source, TraceSource):
        trace = read_trace(source.path, n_neurons=source.size)
        return ScheduledGroup(layout, trace.tick, trace.neuron)
    if isinstance(source, EventCameraSource):
        events = np.load(source.path, allow_pickle=False)
        tick, neuron = bin_events(events, source.width, source.height, dt_s, source.polarities)
        return ScheduledGroup(layout, tick, neuron)
    raise TypeError(f"unknown source {source!r}")


def _destinations(slices: Slices, pe_of_slice, conns: Connections, post_slice: np.ndarray):
    """CSR of the distinct PEs that each source slice's spikes must reach."""
    pre_slice = slices.of_neurons(conns.pre)
    post_pe = pe_of_slice[post_slice]
    src, pe, _ = count_pairs(pre_slice, post_pe, int(post_pe.max(initial=0)) + 1)
    ptr = np.searchsorted(src, np.arange(len(slices) + 1)).astype(np.int64)
    return ptr, pe.astype(np.int32)
