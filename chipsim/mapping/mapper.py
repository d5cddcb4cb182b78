"""Map a network onto a chip: partition, place, lay out, route (SpiNNaker-like chips).

Nothing half-mapped escapes: every check that can refuse the network runs before a
:class:`Mapping` is returned, and each refusal names what did not fit, how much, and where.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chipsim.config import ChipConfig
from chipsim.mapping.errors import MappingError
from chipsim.mapping.layout import KEY_MASK, Program, SramPlan, build_program
from chipsim.mapping.partition import Slices, count_pairs, partition
from chipsim.mapping.pes import PeMap, pe_map
from chipsim.mapping.placement import place
from chipsim.mapping.routing_tables import MeshShape, RoutingTables, multicast_trees
from chipsim.mapping.table_minimisation import fit_tables
from chipsim.mapping.truenorth import TrueNorthLayout, map_truenorth
from chipsim.network.description import Network
from chipsim.network.expand import ExpandedNetwork, expand
from cores import CoreKind
from cores.ring_buffer import ring_buffer_bytes
from cores.synaptic_matrix import MAX_NEURONS
from noc import Routing


@dataclass(frozen=True)
class Mapping:
    """A network mapped onto a chip: the laid-out program, the PE map and the routing tables."""

    config: ChipConfig
    program: Program | TrueNorthLayout
    pes: PeMap
    tables: RoutingTables | None  # multicast tables; None with XY routing


def map_network(
    config: ChipConfig,
    network: Network | ExpandedNetwork,
    seed: int = 0,
    placer: str = "sequential",
) -> Mapping:
    """Partition, place, lay out and route ``network`` on the chip ``config`` describes.

    Crossbar (TrueNorth-like) chips go to :func:`~chipsim.mapping.truenorth.map_truenorth`,
    which places cores in order (other placers are not supported there yet).
    """
    net = network if isinstance(network, ExpandedNetwork) else expand(network, seed)
    pes = pe_map(config.topology)
    if config.pe.kind is CoreKind.CROSSBAR:
        if placer != "sequential":
            raise MappingError(
                f"placer {placer!r}: crossbar (TrueNorth-like) chips place cores in order "
                "(placer 'sequential') for now"
            )
        return Mapping(config, map_truenorth(config, net, seed), pes, None)
    capacity = neurons_per_pe(config)
    slices = partition(net, np.full(len(net.sizes), capacity))
    if len(slices) > len(pes):
        raise MappingError(
            f"network {net.network.name!r} needs {len(slices)} PEs ({net.n_neurons} neurons in "
            f"slices of at most {capacity}); chip {config.chip.name!r} has {len(pes)}"
        )
    pe_of_slice = place(placer, slice_traffic(net, slices), len(slices), pes.xy, seed)
    plan = SramPlan(config.pe.sram_bytes, config.pe.sram_banks, config.pe.neuron_state_bytes)
    program = build_program(net, slices, pe_of_slice, config.chip.tick_s, seed, plan)
    _check_synapses(config, program)
    _check_dram(config, program)
    tables = None
    if config.noc.routing is Routing.MULTICAST_TABLE:
        tables = _routing_tables(config, program, pes)
    return Mapping(config, program, pes, tables)


def neurons_per_pe(config: ChipConfig) -> int:
    """Most neurons one PE can hold: its neuron capacity, the 11-bit neuron field of a row word,
    and what its SRAM holds when each neuron needs its state and ring buffers there."""
    per_neuron = config.pe.neuron_state_bytes + ring_buffer_bytes(1)
    return min(config.pe.max_neurons, MAX_NEURONS, config.pe.sram_bytes // per_neuron)


def slice_traffic(net: ExpandedNetwork, slices: Slices) -> tuple[np.ndarray, ...]:
    """Edges (src slice, dst slice, weight): one unit per synapse between them."""
    src = slices.of_neurons(net.connections.pre)
    dst = slices.of_neurons(net.connections.post)
    src, dst, weight = count_pairs(src, dst, len(slices))
    return src, dst, weight.astype(np.float64)


def _check_synapses(config: ChipConfig, program: Program) -> None:
    post_slice = program.slices.of_neurons(program.net.connections.post)
    per_slice = np.bincount(post_slice, minlength=len(program.slices))
    worst = int(per_slice.argmax()) if per_slice.size else 0
    if per_slice.size and per_slice[worst] > config.pe.max_synapses:
        raise MappingError(
            f"PE {int(program.pe_of_slice[worst])} (slice {worst}) needs {per_slice[worst]} "
            f"synapses; a PE holds at most {config.pe.max_synapses}"
        )


def _check_dram(config: ChipConfig, program: Program) -> None:
    """Refuse synaptic rows that overflow the chip's DRAM (they spill there from SRAM)."""
    used = [
        (matrix.dram_bytes(), int(s))
        for group in program.groups
        for s, matrix in zip(group.layout.slices, getattr(group, "matrices", ()), strict=False)
    ]
    total = sum(nbytes for nbytes, _ in used)
    if total > config.memory.dram_bytes:
        most, s = max(used)
        raise MappingError(
            f"DRAM overflow: synaptic rows need {total} bytes of DRAM, the chip has "
            f"{config.memory.dram_bytes} (most on PE {int(program.pe_of_slice[s])} (slice {s}): "
            f"{most} bytes)"
        )


def _routing_tables(config: ChipConfig, program: Program, pes: PeMap) -> RoutingTables:
    mesh = MeshShape.from_topology(config.topology)
    trees = multicast_trees(
        mesh,
        pes.endpoint[program.pe_of_slice],
        program.dest_ptr,
        pes.endpoint[program.dest_pe],
    )
    key_mask = np.full(len(program.slices), KEY_MASK, dtype=np.uint32)
    return fit_tables(trees, program.base_keys, key_mask, mesh, config.noc.routing_table_entries)
