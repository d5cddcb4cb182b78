"""The summary of a run: headline figures, every one computed from the recorded counts."""

from __future__ import annotations

import numpy as np

from chipsim.config import ChipConfig
from chipsim.energy import EnergyReport
from chipsim.sim.recorder import RunRecorder


def latency_percentiles(histogram: np.ndarray, quantiles=(0.5, 0.99)) -> dict[str, float]:
    """Mean, quantiles and max of a latency histogram (bin i = i cycles)."""
    total = int(histogram.sum())
    if total == 0:
        return {"mean": float("nan"), **{f"p{round(q * 100)}": float("nan") for q in quantiles},
                "max": float("nan")}  # fmt: skip
    cycles = np.arange(len(histogram))
    cumulative = np.cumsum(histogram)
    out = {"mean": float((cycles * histogram).sum() / total)}
    for q in quantiles:
        out[f"p{round(q * 100)}"] = float(np.searchsorted(cumulative, q * total))
    out["max"] = float(np.flatnonzero(histogram)[-1])
    return out


def run_summary(
    config: ChipConfig,
    recorder: RunRecorder,
    ticks: int,
    wall_time_s: float,
    energy: EnergyReport,
) -> dict[str, object]:
    """Ticks, spikes, packets, latency, energy, overruns, late and dropped packets, wall time."""
    pe = recorder.pe
    stats = recorder.noc_stats
    latency = latency_percentiles(recorder.latency_histogram)
    noc_ns = 1e9 / config.noc.clock_hz
    simulated_s = ticks * config.chip.tick_s
    synaptic_events = int(pe["synaptic_events"].sum())
    return {
        "chip": config.chip.name,
        "ticks": ticks,
        "simulated_s": simulated_s,
        "spikes": int(pe["spikes"].sum()),
        "packets_sent": int(pe["packets_sent"].sum()),
        "packets_delivered": int(recorder.latency_histogram.sum()),
        "synaptic_events": synaptic_events,
        "neuron_updates": int(pe["neuron_updates"].sum()),
        "latency_mean_ns": latency["mean"] * noc_ns,
        "latency_p50_ns": latency["p50"] * noc_ns,
        "latency_p99_ns": latency["p99"] * noc_ns,
        "latency_max_ns": latency["max"] * noc_ns,
        "overrun_pe_ticks": int(pe["overrun_ticks"].sum()),
        "late_packets": recorder.late,
        "dropped_late_packets": recorder.dropped_late,
        "dropped_noc_packets": int(stats.drops) if stats is not None else 0,
        "in_flight_at_end": recorder.in_flight_at_end,
        "flit_hops": int(stats.flit_hops) if stats is not None else 0,
        "energy_j": energy.total_j,
        "mean_power_mw": energy.mean_power_mw,
        "energy_per_synaptic_event_pj": (
            energy.total_pj / synaptic_events if synaptic_events else float("nan")
        ),
        "wall_time_s": wall_time_s,
        "ticks_per_s": ticks / wall_time_s if wall_time_s > 0 else float("inf"),
        "real_time_factor": wall_time_s / simulated_s,
    }
