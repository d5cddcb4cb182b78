"""Map a network onto a TrueNorth-like chip (Merolla et al. 2014; Akopyan et al. 2015).

A core holds up to 256 neurons and 256 axons joined by a binary crossbar; each axon has one of
4 types, which selects one of the 4 weights of every neuron it reaches; each neuron drives
exactly one axon of one core, with a delay of 1..15 ticks. The mapper:

1. places populations in declaration order, cut into slices of at most ``max_neurons`` and
   packed next-fit onto *neuron cores* (core 0, 1, ...); spike sources likewise onto *input
   cores* after them, whose slots emit the sources' spikes and drive axons like neurons do
   (an assumption: on the chip, input arrives through the chip's edge, not from cores);
2. turns every synapse into a crossbar bit and every (pre, delay, axon type) onto a core into
   an axon (:mod:`chipsim.mapping.truenorth_axons`);
3. gives every neuron with more than one target axon a splitter tree on *splitter cores* after
   those (:mod:`chipsim.mapping.truenorth_splitters`): its spikes then arrive ``levels`` ticks
   later than programmed, and the layout records these mapped delays (design.md, decision 6);
4. numbers the cores in that order onto the chip's PEs (core i -> the i-th PE of the chip,
   router y * width + x on a full mesh) and refuses, before returning anything, whatever does
   not fit or cannot be expressed, naming what, how much and where.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from typing import NamedTuple

import numpy as np

from chipsim.config import ChipConfig
from chipsim.mapping.errors import MappingError
from chipsim.mapping.partition import partition
from chipsim.mapping.pes import pe_map
from chipsim.mapping.truenorth_axons import CHUNK, Synapses, Wiring, wire
from chipsim.mapping.truenorth_params import (
    EMPTY,
    SPLITTER,
    check_weights,
    neuron_arrays,
    population_params,
)
from chipsim.mapping.truenorth_splitters import SplitterPlan, build_splitters
from chipsim.network.description import Network
from chipsim.network.expand import ExpandedNetwork, expand
from cores import CoreKind
from cores.crossbar import MAX_DELAY, N_AXONS, N_NEURONS, CrossbarCores
from cores.truenorth import TrueNorthNeurons
from cores.truenorth_core import TrueNorthCoreBatch


class CoreRole(IntEnum):
    """What a core holds."""

    NEURONS = 0
    """Network neurons (TrueNorth populations)."""
    INPUT = 1
    """Spike sources (assumption: input through the chip edge, see module doc)."""
    SPLITTERS = 2
    """Splitter neurons only."""


@dataclass(frozen=True)
class TrueNorthLayout:
    """A network mapped onto TrueNorth cores; slots are flat, ``core * 256 + neuron``.

    To run it: step every core one tick (``core_batch(seed).step(tick)``), put the source
    spikes of the tick into the input slots, and deliver every slot that fired to its target
    with ``deliver(target_core, target_axon, target_delay, tick)`` (see
    :mod:`chipsim.sim.truenorth_ideal`).
    """

    net: ExpandedNetwork
    """The network as expanded (global ids, synapses) before mapping."""
    role: np.ndarray
    """uint8 (n_cores,): :class:`CoreRole` of each core."""
    router: np.ndarray
    """int32 (n_cores,): router id (y * width + x) of each core; also the core's global id,
    which keys its random draws (design.md, decision 10)."""
    slot_neuron: np.ndarray
    """int64 (n_cores * 256,): global id held by each slot, :data:`SPLITTER` or :data:`EMPTY`."""
    core_of: np.ndarray
    """int32 (n_ids,): core of each global id (neurons and sources)."""
    slot_of: np.ndarray
    """int32 (n_ids,): neuron index (0..255) of each global id on its core."""
    neurons: TrueNorthNeurons
    """Parameters of all n_cores * 256 slots. Network neurons: their population's ``params``
    and the weights s[G] the synapses need; splitters: s[0] = 1, threshold 1, no leak, reset
    to 0; input and empty slots: threshold 2**18 - 1 and no input, so they never fire."""
    crossbar: CrossbarCores
    """Crossbars (``rows``) and axon types of all cores; its delay ring stays empty (a run
    takes a fresh one from :meth:`core_batch`)."""
    target_core: np.ndarray
    """int32 (n_cores * 256,): core index each slot drives, -1 for none."""
    target_axon: np.ndarray
    """int32 (n_cores * 256,): axon on ``target_core`` (0..255), -1 for none."""
    target_delay: np.ndarray
    """int32 (n_cores * 256,): delay of that axon, ticks (1..15), 0 for none."""
    levels: np.ndarray
    """int32 (n_ids,): splitter levels behind each global id = ticks added to its spikes."""
    axons_used: np.ndarray
    """int32 (n_cores,): axons in use on each core."""

    @cached_property
    def mapped_delay(self) -> np.ndarray:
        """int16 (n_synapses,): delay of each synapse of ``net.connections`` as mapped, ticks:
        the programmed delay plus ``levels`` of its pre neuron. Computed on first use (it is as
        long as the synapse list, and the mapping itself does not need it)."""
        return _mapped_delay(self.net.connections, self.levels)

    @property
    def n_cores(self) -> int:
        return len(self.role)

    @property
    def n_splitters(self) -> int:
        return int(np.sum(self.slot_neuron == SPLITTER))

    def slots(self, ids: np.ndarray) -> np.ndarray:
        """Flat slots of global ids."""
        return self.core_of[ids].astype(np.int64) * N_NEURONS + self.slot_of[ids]

    def core_batch(self, seed: int) -> TrueNorthCoreBatch:
        """All cores as one batch with empty delay rings and membranes at 0."""
        crossbar = CrossbarCores(
            self.crossbar.rows, self.crossbar.axon_type, np.zeros_like(self.crossbar.ring)
        )
        return TrueNorthCoreBatch(crossbar, self.neurons, self.router, seed)


def map_truenorth(
    config: ChipConfig, network: Network | ExpandedNetwork, seed: int = 0
) -> TrueNorthLayout:
    """Map ``network`` (expanded with ``seed`` if needed) onto the crossbar chip ``config``.

    Raises MappingError, naming what, how much and where, when a population is not
    TrueNorth or has unknown or bad parameters, a weight is not an integer in [-255, 255], a
    neuron has more than 4 distinct weights, a delay exceeds 15 ticks, two synapses share a
    crossbar bit, a core needs more axons than it has or the chip has too few cores.
    """
    max_neurons, max_axons = _capacity(config)
    net = network if isinstance(network, ExpandedNetwork) else expand(network, seed)
    params = population_params(net)
    check_weights(net)
    conns = net.connections
    if len(conns) and conns.delay.max() > MAX_DELAY:
        k = int(conns.projection[np.argmax(conns.delay)])
        raise MappingError(
            f"projection {k}: delay {int(conns.delay.max())} ticks exceeds the {MAX_DELAY} "
            "ticks of a TrueNorth axon delay buffer"
        )
    placed = _place(net, max_neurons)
    n_base = len(placed.role)
    _check_cores(config, net, n_base, 0)
    names = _Describe(net, placed.slot_neuron)
    slot = placed.slots(np.arange(net.n_neurons)).astype(np.int32)
    synapses = Synapses(conns.pre, conns.post, conns.weight, conns.delay, slot, n_base)
    wiring = wire(synapses, max_axons, names.neuron, names.core)
    plan = build_splitters(wiring.targets, n_base, max_neurons, max_axons)
    _check_cores(config, net, n_base, plan.n_cores)
    return _assemble(config, net, params, placed, wiring, plan)


def _capacity(config: ChipConfig) -> tuple[int, int]:
    """Neurons and axons per core; MappingError unless the chip has 256 x 256 crossbar cores."""
    pe = config.pe
    if pe.kind is not CoreKind.CROSSBAR:
        raise MappingError(
            f"chip {config.chip.name!r} has {pe.kind.value} PEs; the TrueNorth mapper needs "
            "crossbar PEs"
        )
    if pe.max_neurons > N_NEURONS or pe.max_axons > N_AXONS:
        raise MappingError(
            f"chip {config.chip.name!r}: cores of {pe.max_neurons} neurons x {pe.max_axons} "
            f"axons exceed the {N_NEURONS} x {N_AXONS} crossbar that cores.crossbar models"
        )
    return pe.max_neurons, pe.max_axons


class _Placement(NamedTuple):
    """Where the network's ids sit on the neuron and input cores (before splitters)."""

    core_of: np.ndarray  # int32 (n_ids,)
    slot_of: np.ndarray  # int32 (n_ids,)
    role: np.ndarray  # uint8 (n_cores,)
    slot_neuron: np.ndarray  # int64 (n_cores * 256,)

    def slots(self, ids: np.ndarray) -> np.ndarray:
        return self.core_of[ids].astype(np.int64) * N_NEURONS + self.slot_of[ids]


def _place(net: ExpandedNetwork, max_neurons: int) -> _Placement:
    """Core and slot of every global id, and the role of every core (module doc, step 1)."""
    slices = partition(net, np.full(len(net.sizes), max_neurons))
    is_neuron = net.is_neuron()[slices.group]
    core_of = np.empty(net.n_neurons, dtype=np.int32)
    slot_of = np.empty(net.n_neurons, dtype=np.int32)
    roles, core = [], -1
    for role, chosen in ((CoreRole.NEURONS, is_neuron), (CoreRole.INPUT, ~is_neuron)):
        used = max_neurons
        for s in np.flatnonzero(chosen).tolist():
            count = int(slices.count[s])
            if used + count > max_neurons:
                core, used = core + 1, 0
                roles.append(role)
            ids = slices.first[s] + np.arange(count)
            core_of[ids], slot_of[ids] = core, used + np.arange(count)
            used += count
    slot_neuron = np.full(len(roles) * N_NEURONS, EMPTY, dtype=np.int64)
    slot_neuron[core_of.astype(np.int64) * N_NEURONS + slot_of] = np.arange(net.n_neurons)
    return _Placement(core_of, slot_of, np.array(roles, dtype=np.uint8), slot_neuron)


def _check_cores(config: ChipConfig, net: ExpandedNetwork, n_base: int, n_split: int) -> None:
    available = config.topology.pes
    if n_base + n_split > available:
        raise MappingError(
            f"network {net.network.name!r} needs {n_base + n_split} TrueNorth cores ({n_base} "
            f"for neurons and inputs, {n_split} for splitters); chip {config.chip.name!r} has "
            f"{available}"
        )


class _Describe:
    """Names of slots and cores for error messages."""

    def __init__(self, net: ExpandedNetwork, slot_neuron: np.ndarray) -> None:
        self.net, self.slot_neuron = net, slot_neuron

    def _group(self, gid: int) -> tuple[int, str]:
        g = int(np.searchsorted(self.net.offsets, gid, side="right") - 1)
        return gid - int(self.net.offsets[g]), self.net.network.populations[g].name

    def neuron(self, slot: int) -> str:
        local, name = self._group(int(self.slot_neuron[slot]))
        return f"neuron {local} of population {name!r} (core {slot // N_NEURONS})"

    def core(self, core: int) -> str:
        ids = self.slot_neuron[core * N_NEURONS : (core + 1) * N_NEURONS]
        names = sorted({self._group(int(i))[1] for i in ids[ids >= 0]})
        return f"core {core} (population {', '.join(map(repr, names))})"


def _assemble(
    config: ChipConfig, net: ExpandedNetwork, params: dict, placed: _Placement, wiring: Wiring,
    plan: SplitterPlan,
) -> TrueNorthLayout:  # fmt: skip
    """The layout: the placement extended by the splitter cores, parameters, crossbars."""
    n_cores = len(placed.role) + plan.n_cores
    n_slots = n_cores * N_NEURONS
    splitters = np.full(plan.n_cores, CoreRole.SPLITTERS, dtype=np.uint8)
    role = np.concatenate([placed.role, splitters])
    extra = np.full(n_slots - len(placed.slot_neuron), EMPTY)
    slot_neuron = np.concatenate([placed.slot_neuron, extra])
    split_slots, split_axons = _splitter_slots(plan.groups)
    slot_neuron[split_slots] = SPLITTER
    target = np.full((3, n_slots), -1, dtype=np.int32)
    target[2] = 0
    final = plan.final
    target[:, final.driver] = np.stack([final.core, final.axon, final.delay])
    levels = np.zeros(net.n_neurons, dtype=np.int32)
    levels[slot_neuron[plan.levels[0]]] = plan.levels[1]
    axons_used = np.bincount(wiring.targets.core, minlength=n_cores)
    axons_used += np.bincount(plan.groups[:, 0], minlength=n_cores)
    return TrueNorthLayout(
        net=net,
        role=role,
        router=pe_map(config.topology).router[:n_cores].astype(np.int32),
        slot_neuron=slot_neuron,
        core_of=placed.core_of,
        slot_of=placed.slot_of,
        neurons=neuron_arrays(net, params, slot_neuron, wiring),
        crossbar=_crossbar(n_cores, wiring, split_slots, split_axons),
        target_core=target[0],
        target_axon=target[1],
        target_delay=target[2],
        levels=levels,
        axons_used=axons_used.astype(np.int32),
    )


def _splitter_slots(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat slot and input axon of every splitter neuron, from the (core, axon, first, count)
    rows of the splitter groups."""
    count = groups[:, 3]
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    slots = np.repeat(groups[:, 0] * N_NEURONS + groups[:, 2], count) + offset
    return slots, np.repeat(groups[:, 1], count)


def _crossbar(n_cores: int, wiring: Wiring, split_slots, split_axons) -> CrossbarCores:
    """Crossbar bits and axon types of the synapses (packed by :func:`wire`) and of the
    splitter groups (type 0, on the cores after the network's)."""
    n_base = len(wiring.rows)
    connected = np.zeros((n_cores - n_base, N_AXONS, N_NEURONS), dtype=bool)
    connected[split_slots // N_NEURONS - n_base, split_axons, split_slots % N_NEURONS] = True
    axon_type = np.zeros((n_cores, N_AXONS), dtype=np.uint8)
    axon_type[wiring.targets.core, wiring.targets.axon] = wiring.axon_type
    splitters = CrossbarCores.from_dense(connected, axon_type[n_base:])
    rows = np.concatenate([wiring.rows, splitters.rows])
    return CrossbarCores(rows, axon_type, np.zeros((n_cores, *splitters.ring.shape[1:]), np.uint64))


def _mapped_delay(conns, levels: np.ndarray) -> np.ndarray:
    """int16 (n_synapses,): programmed delay plus the splitter levels of the pre neuron
    (at most 15 + a few levels)."""
    out = np.empty(len(conns), dtype=np.int16)
    for start in range(0, len(out), CHUNK):
        rows = slice(start, start + CHUNK)
        np.add(conns.delay[rows], levels[conns.pre[rows]], out=out[rows])
    return out
