"""The energy of a run, per PE, per router and for the chip, with the figures it came from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from chipsim.energy.counts import PE_COUNTS, ROUTER_COUNTS, EventCounts
from chipsim.energy.per_event import PerEventEnergies

PJ_PER_MW_S = 1e9
"""pJ in one mW for one second."""

Terms = tuple[np.ndarray, np.ndarray]
"""(count float64[n], pJ per count float64[n]) of one item over the units of a scope."""

COMPONENTS: dict[str, tuple[str, ...]] = {
    "neuron_updates": ("neuron_updates",),
    "synaptic_events": ("synaptic_events",),
    "pe_cycles": ("busy_cycles",),
    "sram": ("sram_read_bytes", "sram_write_bytes"),
    "dram": ("dram_bytes", "dma_transfers"),
    "packets": ("packets_sent", "packets_received"),
    "router_buffers": ("buffer_writes", "buffer_reads"),
    "crossbar": ("crossbar_traversals",),
    "arbiters": ("vc_arbitrations", "switch_input_arbitrations", "switch_output_arbitrations"),
    "links": ("link_flits",),
    "pe_static": ("pe_static",),
    "router_static": ("router_static",),
    "chip_static": ("chip_static",),
}
"""Breakdown components and the items (count fields or static terms) each one sums."""

COUNT_UNITS = {
    "sram_read_bytes": "byte",
    "sram_write_bytes": "byte",
    "dram_bytes": "byte",
    "busy_cycles": "cycle",
    "link_flits": "flit",
    "pe_static": "s",
    "router_static": "s",
    "chip_static": "s",
}
"""Unit of each item's count (events where not listed); static terms count seconds."""


def pe_terms(counts: EventCounts, per_event: PerEventEnergies) -> dict[str, Terms]:
    """(count, pJ per count) of each PE item, float64[n_pes] each; static counts seconds."""
    terms = {
        name: (getattr(counts, name).astype(np.float64), per_event.pe_pj[name])
        for name in PE_COUNTS
    }
    seconds = np.where(counts.powered, counts.duration_s, 0.0)
    terms["pe_static"] = (seconds, per_event.pe_static_mw * PJ_PER_MW_S)
    return terms


def router_terms(counts: EventCounts, per_event: PerEventEnergies) -> dict[str, Terms]:
    """(count, pJ per count) of each router item, float64[n_routers] each."""
    terms = {
        name: (getattr(counts, name).astype(np.float64), per_event.router_pj[name])
        for name in ROUTER_COUNTS
    }
    flits = counts.link_flits.sum(axis=1).astype(np.float64)
    terms["link_flits"] = (flits, per_event.router_pj["link_flits"])
    seconds = np.full(counts.n_routers, counts.duration_s)
    terms["router_static"] = (seconds, per_event.router_static_mw * PJ_PER_MW_S)
    return terms


@dataclass(frozen=True)
class EnergyReport:
    """Energy of one run, pJ; every figure is ``count x pj_per_count`` (see :meth:`as_frame`).

    Attributes
    ----------
    counts : EventCounts
        What the run counted.
    per_event : PerEventEnergies
        The per-event energies and static powers used.
    """

    counts: EventCounts
    per_event: PerEventEnergies

    @cached_property
    def pe_item_pj(self) -> dict[str, np.ndarray]:
        """Energy of each PE item (a count field, or ``pe_static``), float64[n_pes], pJ."""
        return {k: n * r for k, (n, r) in pe_terms(self.counts, self.per_event).items()}

    @cached_property
    def router_item_pj(self) -> dict[str, np.ndarray]:
        """Energy of each router item (a count field, ``link_flits``, ``router_static``), pJ."""
        return {k: n * r for k, (n, r) in router_terms(self.counts, self.per_event).items()}

    @property
    def chip_static_pj(self) -> float:
        """Static energy of the rest of the chip, pJ."""
        return self.counts.duration_s * self.per_event.chip_static_mw * PJ_PER_MW_S

    @property
    def pe_pj(self) -> np.ndarray:
        """float64[n_pes]: energy of each PE, pJ."""
        return np.sum(list(self.pe_item_pj.values()), axis=0)

    @property
    def router_pj(self) -> np.ndarray:
        """float64[n_routers]: energy of each router and its outgoing links, pJ."""
        return np.sum(list(self.router_item_pj.values()), axis=0)

    @property
    def total_pj(self) -> float:
        """Whole-chip energy: PEs + routers + chip static, pJ."""
        return float(self.pe_pj.sum() + self.router_pj.sum() + self.chip_static_pj)

    @property
    def total_j(self) -> float:
        """Whole-chip energy, J."""
        return self.total_pj * 1e-12

    @property
    def mean_power_mw(self) -> float:
        """Total energy over the counted time, mW (nan for zero time)."""
        duration = self.counts.duration_s
        return self.total_pj / PJ_PER_MW_S / duration if duration > 0 else float("nan")

    @property
    def breakdown_pj(self) -> dict[str, float]:
        """Whole-chip energy by component (:data:`COMPONENTS`), pJ."""
        items = {name: float(v.sum()) for name, v in self.pe_item_pj.items()}
        items |= {name: float(v.sum()) for name, v in self.router_item_pj.items()}
        items["chip_static"] = self.chip_static_pj
        return {comp: sum(items[i] for i in members) for comp, members in COMPONENTS.items()}

    def as_frame(self) -> pd.DataFrame:
        """One row per (scope, unit, item): count, its unit, pJ per count and energy in pJ.

        ``energy_pj == count * pj_per_count`` on every row; static rows count seconds and
        their ``pj_per_count`` is the static power in pJ/s.
        """
        chip_terms = {
            "chip_static": (
                np.array([self.counts.duration_s]),
                np.array([self.per_event.chip_static_mw * PJ_PER_MW_S]),
            )
        }
        frame = pd.concat(
            [
                _scope_frame("pe", pe_terms(self.counts, self.per_event)),
                _scope_frame("router", router_terms(self.counts, self.per_event)),
                _scope_frame("chip", chip_terms),
            ],
            ignore_index=True,
        )
        component = {item: comp for comp, items in COMPONENTS.items() for item in items}
        frame.insert(2, "component", frame["item"].map(component))
        frame.insert(5, "count_unit", frame["item"].map(COUNT_UNITS).fillna("event"))
        return frame

    def as_dict(self) -> dict:
        """Totals, breakdown, per-unit energies and the per-event figures, JSON-ready (pJ)."""
        pe = self.per_event
        return {
            "energy_unit": "pJ",
            "duration_s": self.counts.duration_s,
            "total_pj": self.total_pj,
            "mean_power_mw": self.mean_power_mw,
            "breakdown_pj": self.breakdown_pj,
            "pe_pj": self.pe_pj.tolist(),
            "router_pj": self.router_pj.tolist(),
            "chip_static_pj": self.chip_static_pj,
            "per_event_pj": {
                "pe": {k: v.tolist() for k, v in pe.pe_pj.items()},
                "router": {k: v.tolist() for k, v in pe.router_pj.items()},
            },
            "static_mw": {
                "pe": pe.pe_static_mw.tolist(),
                "router": pe.router_static_mw.tolist(),
                "chip": pe.chip_static_mw,
            },
            "voltage_v": {"pe": pe.pe_voltage_v.tolist(), "uncore": pe.uncore_voltage_v},
        }


def _scope_frame(scope: str, terms: dict[str, Terms]) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "scope": scope,
                "unit": np.arange(len(count)),
                "item": item,
                "count": count,
                "pj_per_count": rate,
                "energy_pj": count * rate,
            }
        )
        for item, (count, rate) in terms.items()
    ]
    return pd.concat(frames, ignore_index=True)
