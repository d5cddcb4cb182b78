"""Mapping report of a crossbar (TrueNorth-like) chip: the same tables as for programmable
chips (:mod:`chipsim.mapping.report`), filled from a
:class:`~chipsim.mapping.truenorth.TrueNorthLayout`.

Per core (= PE ``i`` for core ``i``): its role, the slots in use (network neurons, sources and
splitters) against ``max_neurons``, axons in use against ``max_axons``, synapses (crossbar bits
set) against ``max_synapses``. A core's memory is a fixed layout (crossbar and one parameter
row per neuron), so the SRAM and DRAM columns are 0 here. Routing is unicast XY (each slot
drives one axon of one core), so there are no tables; a router's ``trees`` counts the packet
paths through it when every driving slot fires once.

Traffic, per spike of every driving slot once: ``dest_pe_hops`` / ``packet_hops`` = the
Manhattan hops of the slots' packets; ``synapse_hops`` = those hops times the synapses each
packet's axon reaches (crossbar bits of its row).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chipsim.mapping.mapper import Mapping
from chipsim.mapping.report import SRAM_STRUCTURES, MappingReport
from chipsim.mapping.truenorth import CoreRole
from chipsim.mapping.truenorth_params import EMPTY, SPLITTER
from cores.crossbar import N_NEURONS

_POPCOUNT8 = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).sum(
    axis=1, dtype=np.uint8
)


def crossbar_report(mapping: Mapping) -> MappingReport:
    """Report tables of a crossbar-chip mapping (see the module docstring)."""
    layout, topo = mapping.program, mapping.config.topology
    fanout = _POPCOUNT8[layout.crossbar.rows.view(np.uint8)].sum(axis=-1, dtype=np.int64)
    driving = np.flatnonzero(layout.target_core >= 0)
    src = (driving // N_NEURONS).astype(np.int64)
    dst = layout.target_core[driving].astype(np.int64)
    xy = mapping.pes.xy.astype(np.int64)
    hops = np.abs(xy[src] - xy[dst]).sum(axis=1)
    reached = fanout[dst, layout.target_axon[driving]]
    return MappingReport(
        chip=mapping.config.chip.name,
        network=layout.net.network.name,
        pes=_core_table(mapping, fanout, src, dst, hops, reached),
        routers=_router_table(mapping, xy[src], xy[dst]),
        traffic=_traffic_table(src, dst, hops, reached, len(mapping.pes)),
        mesh=(topo.width, topo.height, topo.pes_per_router),
        dram_capacity_bytes=int(mapping.config.memory.dram_bytes),
    )


def _core_table(mapping: Mapping, fanout, src, dst, hops, reached) -> pd.DataFrame:
    layout, pe_cfg, pes = mapping.program, mapping.config.pe, mapping.pes
    n_pes, n_cores = len(pes), layout.n_cores
    slots = layout.slot_neuron.reshape(n_cores, N_NEURONS)

    def per_pe(values, fill=0) -> np.ndarray:
        column = np.full(n_pes, fill, dtype=np.asarray(values).dtype)
        column[:n_cores] = values
        return column

    network_ids = np.where(slots >= 0, slots, np.iinfo(np.int64).max).min(axis=1)
    names = np.array([p.name for p in layout.net.network.populations] + [""], dtype=object)
    group = np.searchsorted(layout.net.offsets, network_ids, side="right") - 1
    group[network_ids == np.iinfo(np.int64).max] = -1
    roles = np.array([r.name.lower() for r in CoreRole] + [""], dtype=object)
    table = pd.DataFrame(
        {
            "pe": np.arange(n_pes, dtype=np.int32),
            "router": pes.router,
            "port": pes.port,
            "x": pes.xy[:, 0],
            "y": pes.xy[:, 1],
            "used": np.arange(n_pes) < n_cores,
            "slice": np.where(np.arange(n_pes) < n_cores, np.arange(n_pes), -1).astype(np.int32),
            "population": names[per_pe(group, -1)],
            "kind": roles[per_pe(layout.role.astype(np.int64), -1)],
            "neurons": per_pe((slots != EMPTY).sum(axis=1).astype(np.int64)),
            "splitters": per_pe((slots == SPLITTER).sum(axis=1).astype(np.int64)),
            "neuron_capacity": pe_cfg.max_neurons,
            "axons": per_pe(layout.axons_used.astype(np.int64)),
            "axon_capacity": pe_cfg.max_axons,
            "synapses": per_pe(fanout.sum(axis=1)),
            "synapse_capacity": pe_cfg.max_synapses,
            **{f"sram_{name}_bytes": 0 for name in SRAM_STRUCTURES},
            "sram_bytes": 0,
            "sram_capacity_bytes": pe_cfg.sram_bytes,
            "dram_bytes": 0,
        }
    )
    table["neuron_util"] = table.neurons / table.neuron_capacity
    table["axon_util"] = table.axons / table.axon_capacity
    table["synapse_util"] = table.synapses / table.synapse_capacity
    table["sram_util"] = 0.0
    dests = np.unique(src * n_pes + dst)
    table["dest_pes"] = np.bincount(dests // n_pes, minlength=n_pes)
    table["dest_pe_hops"] = np.bincount(src, hops, n_pes).astype(np.int64)
    table["tree_links"] = np.nan  # unicast: no multicast trees
    table["packet_hops"] = table.dest_pe_hops
    table["synapse_hops"] = np.bincount(src, hops * reached, n_pes).astype(np.int64)
    return table


def _traffic_table(src, dst, hops, reached, n_pes: int) -> pd.DataFrame:
    """One row per (source core, target core) with packets: synapses reached, hops."""
    pairs, inverse = np.unique(src * n_pes + dst, return_inverse=True)
    synapses = np.bincount(inverse, reached, len(pairs)).astype(np.int64)
    pair_hops = np.zeros(len(pairs), dtype=np.int64)
    pair_hops[inverse] = hops
    return pd.DataFrame(
        {
            "src_pe": (pairs // n_pes).astype(np.int32),
            "dst_pe": (pairs % n_pes).astype(np.int32),
            "synapses": synapses,
            "hops": pair_hops.astype(np.int32),
            "synapse_hops": synapses * pair_hops,
        }
    )


def _router_table(mapping: Mapping, src_xy: np.ndarray, dst_xy: np.ndarray) -> pd.DataFrame:
    """Per router: populated, cores used, packet paths through it (no routing tables)."""
    topo = mapping.config.topology
    w, h = topo.width, topo.height
    router = np.arange(w * h, dtype=np.int32)
    populated = np.ones(w * h, dtype=bool)
    for x, y in topo.unpopulated:
        populated[y * w + x] = False
    n_cores = mapping.program.n_cores
    zeros = np.zeros(w * h, dtype=np.int64)
    return pd.DataFrame(
        {
            "router": router,
            "x": router % w,
            "y": router // w,
            "populated": populated,
            "pes_used": np.bincount(mapping.pes.router[:n_cores], minlength=w * h),
            "entries": zeros,
            "entries_unminimised": zeros,
            "capacity": 0,
            "entry_util": np.zeros(w * h),
            "trees": xy_paths_through(src_xy, dst_xy, w, h).ravel(),
        }
    )


def xy_paths_through(src_xy: np.ndarray, dst_xy: np.ndarray, width: int, height: int):
    """int64 (height, width): how many XY paths (x first, then y) visit each router.

    A path from (sx, sy) to (dx, dy) visits row sy from sx to dx, then column dx from sy to dy
    (the turn router once). Counted with difference arrays: O(paths + routers).
    """
    sx, sy, dx, dy = src_xy[:, 0], src_xy[:, 1], dst_xy[:, 0], dst_xy[:, 1]
    rows = np.zeros((height, width + 1), dtype=np.int64)
    np.add.at(rows, (sy, np.minimum(sx, dx)), 1)
    np.add.at(rows, (sy, np.maximum(sx, dx) + 1), -1)
    cols = np.zeros((height + 1, width), dtype=np.int64)
    np.add.at(cols, (np.minimum(sy, dy), dx), 1)
    np.add.at(cols, (np.maximum(sy, dy) + 1, dx), -1)
    through = rows.cumsum(axis=1)[:, :width] + cols.cumsum(axis=0)[:height]
    np.add.at(through, (sy, dx), -1)  # the turn router was counted by both segments
    return through
