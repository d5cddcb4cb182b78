"""The report's tables, each computed from the run directory's counts.

Every figure traces back to a recorded count: utilisation is busy cycles over the tick budget
(PE cycles at the default operating point x tick_s), link load is flits over NoC cycles, latency
percentiles come from the recorded histogram of NoC cycles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chipsim.report.rundata import RunData

QUANTILES = (0.5, 0.9, 0.99)
DIRECTIONS = ("north", "east", "south", "west")


def pe_table(run: RunData) -> pd.DataFrame:
    """Per PE: place on the floorplan, counters, utilisation = busy / (ticks x budget)."""
    pes = run.table("pes")
    budget = run.ticks * run.pe_budget_cycles[pes["pe"].to_numpy()]
    out = pes.assign(port=pes["pe"] % run.pes_per_router, budget_cycles=budget)
    out["utilisation"] = out["busy_cycles"] / budget
    out["used"] = (out["neuron_updates"] + out["source_updates"]) > 0
    first = ["pe", "x", "y", "port", "used", "busy_cycles", "budget_cycles", "utilisation"]
    return out[first + [c for c in out.columns if c not in first]]


def tick_table(run: RunData, used_pes: int) -> pd.DataFrame:
    """Per tick: the run's tick counters plus busy cycles per PE (max, mean over the
    ``used_pes`` PEs that hold neurons or sources) and the budget; ``pe_ticks.parquet`` is
    summed one row group at a time."""
    ticks = run.table("ticks")
    n = run.ticks
    busy = np.zeros(n, dtype=np.int64)
    for part in run.row_groups("pe_ticks", ["tick", "busy_cycles"]):
        busy += np.bincount(part["tick"], weights=part["busy_cycles"], minlength=n)[:n].astype(
            np.int64
        )
    ticks = ticks.set_index("tick").reindex(np.arange(n), fill_value=0).rename_axis("tick")
    ticks["busy_cycles_total"] = busy
    ticks["mean_busy_cycles"] = busy / max(used_pes, 1)
    ticks["budget_cycles"] = run.budget_cycles
    return ticks.reset_index()


def router_table(run: RunData) -> pd.DataFrame:
    """Per router: (x, y), flits per outgoing link and link load (flits per NoC cycle)."""
    routers = run.table("routers")
    width = run.config.topology.width
    routers.insert(1, "x", routers["router"] % width)
    routers.insert(2, "y", routers["router"] // width)
    noc_cycles = run.ticks * run.noc_cycles_per_tick
    for d in DIRECTIONS:
        routers[f"link_load_{d}"] = routers[f"link_flits_{d}"] / noc_cycles
    return routers


def latency_histogram_table(run: RunData) -> pd.DataFrame:
    """The packet-latency histogram with latency in ns and the cumulative fraction."""
    hist = run.table("latency_histogram").sort_values("latency_cycles", ignore_index=True)
    hist["latency_ns"] = hist["latency_cycles"] * 1e9 / run.noc_hz
    total = hist["packets"].sum()
    hist["cdf"] = hist["packets"].cumsum() / total if total else np.nan
    return hist


def latency_stats(cycles: np.ndarray, packets: np.ndarray, quantiles=QUANTILES) -> dict:
    """Mean, quantiles (inverted CDF: the least latency with CDF >= q) and max, in cycles."""
    total = int(packets.sum())
    names = ["mean", *(f"p{round(q * 100)}" for q in quantiles), "max"]
    if total == 0:
        return dict.fromkeys(names, float("nan"))
    cumulative = np.cumsum(packets)
    out = {"mean": float((cycles * packets).sum() / total)}
    for q in quantiles:
        out[f"p{round(q * 100)}"] = float(cycles[np.searchsorted(cumulative, q * total)])
    out["max"] = float(cycles[-1])
    return out


def latency_table(run: RunData) -> pd.DataFrame:
    """Packet latency: packets, mean, p50, p90, p99, max in NoC cycles and ns."""
    hist = latency_histogram_table(run)
    stats = latency_stats(hist["latency_cycles"].to_numpy(), hist["packets"].to_numpy())
    ns = 1e9 / run.noc_hz
    return pd.DataFrame(
        {
            "statistic": list(stats),
            "cycles": list(stats.values()),
            "ns": [v * ns for v in stats.values()],
            "packets": int(hist["packets"].sum()),
        }
    )


def summary_table(run: RunData, pes: pd.DataFrame, ticks: pd.DataFrame) -> pd.DataFrame:
    """Headline figures (figure, value, unit): summary.json plus utilisation and busy cycles;
    the chip's name is in ``run.summary["chip"]``."""
    s = run.summary
    used = pes[pes["used"]]
    rows = [
        ("ticks", s["ticks"], "tick"),
        ("simulated time", s["simulated_s"], "s"),
        ("spikes", s["spikes"], "spike"),
        ("packets sent", s["packets_sent"], "packet"),
        ("packets delivered", s["packets_delivered"], "packet"),
        ("synaptic events", s["synaptic_events"], "event"),
        ("tick budget", run.budget_cycles, "PE cycle"),
        ("PEs used", len(used), "PE"),
        ("mean utilisation (used PEs)", float(used["utilisation"].mean()), "fraction"),
        ("max utilisation", float(pes["utilisation"].max()), "fraction"),
        ("max busy cycles in a tick", int(ticks["max_busy_cycles"].max()), "PE cycle"),
        ("overrun PE-ticks", s["overrun_pe_ticks"], "PE-tick"),
        ("ticks with an overrun", int((ticks["overrun_pes"] > 0).sum()), "tick"),
        ("latency mean", s["latency_mean_ns"], "ns"),
        ("latency p50", s["latency_p50_ns"], "ns"),
        ("latency p99", s["latency_p99_ns"], "ns"),
        ("latency max", s["latency_max_ns"], "ns"),
        ("late packets", s["late_packets"], "packet"),
        ("dropped late packets", s["dropped_late_packets"], "packet"),
        ("NoC drops", s["dropped_noc_packets"], "packet"),
        ("in flight at end", s["in_flight_at_end"], "packet"),
    ]
    frame = pd.DataFrame(rows, columns=["figure", "value", "unit"])
    frame["value"] = frame["value"].astype(float)
    return frame
