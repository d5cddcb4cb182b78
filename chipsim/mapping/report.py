"""Mapping report: what a mapped network uses on each PE and router, and the traffic it makes.

Three pandas tables, built from a :class:`~chipsim.mapping.mapper.Mapping` alone:

``pes`` (one row per PE of the chip, used or not)
    the slice it holds (population, first global id, neurons), the synapses that end on it,
    its SRAM bytes by structure as the mapper allocated them (:data:`SRAM_STRUCTURES`), the
    DRAM bytes of its synaptic rows, each against its capacity (``*_util`` in 0..1), and the
    traffic its spikes make (see below).
``routers`` (one row per mesh router, populated or not)
    routing entries after minimisation against ``noc.routing_table_entries``, the entries the
    unminimised tables would need, and how many multicast trees pass through.
``traffic`` (one row per (source PE, destination PE) pair with synapses between them)
    synapses and Manhattan hops.

Hop-weighted traffic is given two ways, both per spike (spike rates are not known at mapping):

* ``synapse_hops``: the sum over synapses of the Manhattan hops between the routers of the
  source and target PEs, i.e. the cost the placers minimise
  (:func:`chipsim.mapping.placement.hop_weighted_traffic` of
  :func:`chipsim.mapping.mapper.slice_traffic`): it counts each synapse once, every neuron
  firing once;
* ``tree_links``: the links of a slice's XY multicast tree, what one spike of one of its
  neurons crosses on the NoC; ``packet_hops`` = neurons x tree links, the link traversals if
  every neuron fires once (with unicast XY routing, no tables, one packet per destination PE:
  neurons x ``dest_pe_hops``).

Crossbar (TrueNorth-like) chips fill the same tables from their own layout
(:mod:`chipsim.mapping.report_crossbar`, adding axon columns); another kind of chip would do
likewise. The floorplan plot and the CLI read only these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from chipsim.mapping.mapper import Mapping, slice_traffic
from chipsim.mapping.routing_tables import MeshShape, MulticastTrees, multicast_trees
from cores import CoreKind

SRAM_STRUCTURES = ("neuron_state", "ring_buffers", "master_population_table", "synaptic_rows")
"""SRAM regions the mapper allocates on a PE that runs neurons (cores.sram.Sram names)."""
TABLES = ("pes", "routers", "traffic")


@dataclass(frozen=True)
class MappingReport:
    """Per-PE, per-router and per-PE-pair tables of one mapping, and the chip's capacities."""

    chip: str
    network: str
    pes: pd.DataFrame
    routers: pd.DataFrame
    traffic: pd.DataFrame
    mesh: tuple[int, int, int]  # width, height, pes_per_router
    dram_capacity_bytes: int

    def summary(self) -> dict[str, float | int | str]:
        """Chip-wide figures: totals, capacities and the worst PE / router (plain numbers)."""
        pes, routers = self.pes, self.routers
        used = pes[pes.used]
        return {
            "chip": self.chip,
            "network": self.network,
            "pes_used": int(len(used)),
            "pes_total": int(len(pes)),
            "neurons": int(pes.neurons.sum()),
            "neuron_util_max": float(pes.neuron_util.max()),
            "synapses": int(pes.synapses.sum()),
            "synapse_util_max": float(pes.synapse_util.max()),
            "sram_bytes": int(pes.sram_bytes.sum()),
            "sram_capacity_bytes": int(pes.sram_capacity_bytes.sum()),
            "sram_util_max": float(pes.sram_util.max()),
            "dram_bytes": int(pes.dram_bytes.sum()),
            "dram_capacity_bytes": self.dram_capacity_bytes,
            "routing_entries_max": int(routers.entries.max()),
            "routing_entries_total": int(routers.entries.sum()),
            "routing_entries_capacity": int(routers.capacity.max()),
            "synapse_hops": float(pes.synapse_hops.sum()),
            "mean_hops_per_synapse": _ratio(pes.synapse_hops.sum(), pes.synapses.sum()),
            "packet_hops": float(pes.packet_hops.sum()),
        } | ({"axon_util_max": float(pes.axon_util.max())} if "axon_util" in pes else {})

    def write(self, folder: str | Path) -> list[Path]:
        """Write the tables as ``map_pes.parquet``, ``map_routers.parquet``, ``map_traffic...``."""
        paths = []
        for name in TABLES:
            path = Path(folder) / f"map_{name}.parquet"
            getattr(self, name).to_parquet(path, index=False)
            paths.append(path)
        return paths


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b else 0.0


def mapping_report(mapping: Mapping) -> MappingReport:
    """Build the report tables of ``mapping`` (crossbar chips: :mod:`.report_crossbar`)."""
    if mapping.config.pe.kind is CoreKind.CROSSBAR:
        from chipsim.mapping.report_crossbar import crossbar_report  # imports this module

        return crossbar_report(mapping)
    config, topo = mapping.config, mapping.config.topology
    trees = _trees(mapping)
    traffic = traffic_table(mapping)
    return MappingReport(
        chip=config.chip.name,
        network=mapping.program.net.network.name,
        pes=pe_table(mapping, traffic, trees),
        routers=router_table(mapping, trees),
        traffic=traffic,
        mesh=(topo.width, topo.height, topo.pes_per_router),
        dram_capacity_bytes=int(config.memory.dram_bytes),
    )


def _trees(mapping: Mapping) -> MulticastTrees | None:
    """XY multicast trees of every slice (None on a torus, where XY trees are not built)."""
    if mapping.config.topology.torus:
        return None
    program = mapping.program
    endpoint = mapping.pes.endpoint
    return multicast_trees(
        MeshShape.from_topology(mapping.config.topology),
        endpoint[program.pe_of_slice],
        program.dest_ptr,
        endpoint[program.dest_pe],
    )


def traffic_table(mapping: Mapping) -> pd.DataFrame:
    """One row per (source PE, destination PE) with synapses: synapses, hops, synapse_hops."""
    program, xy = mapping.program, mapping.pes.xy
    src, dst, synapses = slice_traffic(program.net, program.slices)
    src_pe, dst_pe = program.pe_of_slice[src], program.pe_of_slice[dst]
    hops = np.abs(xy[src_pe].astype(np.int64) - xy[dst_pe]).sum(axis=1)
    synapses = synapses.astype(np.int64)
    return pd.DataFrame(
        {
            "src_pe": src_pe.astype(np.int32),
            "dst_pe": dst_pe.astype(np.int32),
            "synapses": synapses,
            "hops": hops.astype(np.int32),
            "synapse_hops": synapses * hops,
        }
    )


def _slice_memory(mapping: Mapping) -> dict[str, np.ndarray]:
    """Per slice: SRAM bytes of each structure (as allocated), table entries and DRAM bytes."""
    program = mapping.program
    n = len(program.slices)
    out = {name: np.zeros(n, dtype=np.int64) for name in (*SRAM_STRUCTURES, "dram_bytes")}
    out["table_entries"] = np.zeros(n, dtype=np.int64)
    for group in program.groups:
        for s, matrix in zip(group.layout.slices, getattr(group, "matrices", ()), strict=False):
            out["dram_bytes"][s] = matrix.dram_bytes()
            out["table_entries"][s] = len(matrix.table)
    is_neuron = program.net.is_neuron()[program.slices.group]
    holders = np.flatnonzero(is_neuron)
    if program.sram:  # one Sram per neuron slice, in slice order (layout.build_program)
        if len(program.sram) != holders.size:
            raise ValueError(f"{len(program.sram)} SRAM plans for {holders.size} neuron slices")
        for s, memory in zip(holders, program.sram, strict=True):
            for name, region in memory.regions.items():
                out[name][s] = region.nbytes
    return out


def pe_table(mapping: Mapping, traffic: pd.DataFrame, trees: MulticastTrees | None) -> pd.DataFrame:
    """One row per PE: what it holds and uses against its capacity, and its spikes' traffic."""
    config, program, pes = mapping.config, mapping.program, mapping.pes
    slices, n_pes = program.slices, len(pes)
    at = program.pe_of_slice

    def per_pe(values, fill=0) -> np.ndarray:
        column = np.full(n_pes, fill, dtype=np.asarray(values).dtype)
        column[at] = values
        return column

    names = np.array([p.name for p in program.net.network.populations] + [""], dtype=object)
    kinds = np.where(program.net.is_neuron(), "neuron", "source").astype(object)
    group = per_pe(slices.group, -1)
    synapses = np.bincount(slices.of_neurons(program.net.connections.post), minlength=len(slices))
    memory = _slice_memory(mapping)
    sram = {f"sram_{name}_bytes": per_pe(memory[name]) for name in SRAM_STRUCTURES}
    sram_total = sum(sram.values())
    table = pd.DataFrame(
        {
            "pe": np.arange(n_pes, dtype=np.int32),
            "router": pes.router,
            "port": pes.port,
            "x": pes.xy[:, 0],
            "y": pes.xy[:, 1],
            "used": group >= 0,
            "slice": per_pe(np.arange(len(slices), dtype=np.int32), -1),
            "population": names[group],
            "kind": np.append(kinds, "")[group],
            "first_neuron": per_pe(slices.first, -1),
            "neurons": per_pe(slices.count.astype(np.int64)),
            "neuron_capacity": config.pe.max_neurons,
            "synapses": per_pe(synapses.astype(np.int64)),
            "synapse_capacity": config.pe.max_synapses,
            **sram,
            "sram_bytes": sram_total,
            "sram_capacity_bytes": config.pe.sram_bytes,
            "table_entries": per_pe(memory["table_entries"]),
            "dram_bytes": per_pe(memory["dram_bytes"]),
        }
    )
    table["neuron_util"] = table.neurons / table.neuron_capacity
    table["synapse_util"] = table.synapses / table.synapse_capacity
    table["sram_util"] = table.sram_bytes / table.sram_capacity_bytes
    _add_traffic(table, mapping, traffic, trees, per_pe)
    return table


def _add_traffic(table, mapping: Mapping, traffic: pd.DataFrame, trees, per_pe) -> None:
    """Columns of what each PE's spikes cost: destination PEs, hops to them, tree links."""
    program, xy = mapping.program, mapping.pes.xy
    n_slices = len(program.slices)
    n_dest = np.diff(program.dest_ptr)
    src_pe = np.repeat(program.pe_of_slice, n_dest)
    dest_hops = np.abs(xy[src_pe].astype(np.int64) - xy[program.dest_pe]).sum(axis=1)
    source = np.repeat(np.arange(n_slices), n_dest)
    table["dest_pes"] = per_pe(n_dest.astype(np.int64))
    table["dest_pe_hops"] = per_pe(np.bincount(source, dest_hops, n_slices).astype(np.int64))
    if trees is None:
        links = np.full(n_slices, np.nan)
    else:
        links = np.maximum(np.bincount(trees.slice, minlength=n_slices) - 1, 0).astype(np.float64)
    table["tree_links"] = per_pe(links, np.nan if trees is None else 0.0)
    per_spike = table.tree_links if mapping.tables is not None else table.dest_pe_hops
    table["packet_hops"] = table.neurons * per_spike
    out = np.bincount(traffic.src_pe, traffic.synapse_hops, len(table)) if len(traffic) else 0
    table["synapse_hops"] = np.asarray(out, dtype=np.int64)


def router_table(mapping: Mapping, trees: MulticastTrees | None) -> pd.DataFrame:
    """One row per router: routing entries used against capacity, trees passing through."""
    config, topo = mapping.config, mapping.config.topology
    n = topo.width * topo.height
    router = np.arange(n, dtype=np.int32)
    populated = np.ones(n, dtype=bool)
    for x, y in topo.unpopulated:
        populated[y * topo.width + x] = False
    pes = mapping.pes
    used = np.zeros(len(pes), dtype=bool)
    used[mapping.program.pe_of_slice] = True
    tables = mapping.tables
    entries = tables.entry_count if tables is not None else np.zeros(n, dtype=np.int32)
    through = needed = np.zeros(n, dtype=np.int64)
    if trees is not None:
        through = np.bincount(trees.router, minlength=n)
        needed = np.bincount(trees.router[trees.needs_entry], minlength=n)
    capacity = config.noc.routing_table_entries if tables is not None else 0
    return pd.DataFrame(
        {
            "router": router,
            "x": router % topo.width,
            "y": router // topo.width,
            "populated": populated,
            "pes_used": np.bincount(pes.router[used], minlength=n).astype(np.int32),
            "entries": entries.astype(np.int64),
            "entries_unminimised": needed if tables is not None else np.zeros(n, np.int64),
            "capacity": capacity,
            "entry_util": entries / capacity if capacity else np.zeros(n),
            "trees": through,
        }
    )
