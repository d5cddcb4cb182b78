"""Activity over time: busy cycles per tick against the tick budget, and the spike raster."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chipsim.report.plots.style import figure, say_empty, styled
from chipsim.report.rundata import RASTER_SPIKES, RunData

MAX_POINTS = 2000
"""Ticks drawn individually; longer runs are shown in bins (max of max, mean of mean)."""


def bin_ticks(ticks: pd.DataFrame, max_points: int = MAX_POINTS) -> tuple[pd.DataFrame, int]:
    """Ticks in bins of ``k`` (max of ``max_busy_cycles`` and ``overrun_pes``, mean of
    ``mean_busy_cycles``); returns the binned frame (``tick`` = first tick) and ``k``."""
    k = max(1, -(-len(ticks) // max_points))
    if k == 1:
        return ticks, 1
    group = ticks["tick"] // k
    binned = ticks.groupby(group).agg(
        tick=("tick", "first"), max_busy_cycles=("max_busy_cycles", "max"),
        mean_busy_cycles=("mean_busy_cycles", "mean"), overrun_pes=("overrun_pes", "max"),
    )  # fmt: skip
    return binned.reset_index(drop=True), k


@styled
def busy_per_tick_figure(ticks: pd.DataFrame, budget: int, chip: str):
    """Max and mean busy PE cycles per tick with the tick budget; ticks with overruns marked."""
    shown, k = bin_ticks(ticks)
    fig, ax = figure(11, 4.8)
    ax.plot(shown["tick"], shown["max_busy_cycles"], color="tab:red", lw=1.2,
            label="max over PEs")  # fmt: skip
    ax.plot(shown["tick"], shown["mean_busy_cycles"], color="tab:blue", lw=1.2,
            label="mean over used PEs")  # fmt: skip
    ax.axhline(budget, color="black", ls="--", lw=1.2, label=f"tick budget ({budget:,} cycles)")
    over = shown[shown["overrun_pes"] > 0]
    if len(over):
        ax.scatter(over["tick"], over["max_busy_cycles"], marker="v", color="tab:red", s=30,
                   zorder=3, label="tick with an overrun")  # fmt: skip
    ax.set_ylim(0, max(budget, float(shown["max_busy_cycles"].max())) * 1.15)
    ax.set_xlabel("tick" if k == 1 else f"tick (bins of {k} ticks)")
    ax.set_ylabel("busy cycles in the tick (PE cycles)")
    ax.set_title(f"{chip}: PE busy cycles per tick against the tick budget")
    ax.legend(loc="upper right", ncols=2)
    return fig


def sample_spikes(run: RunData, max_spikes: int = RASTER_SPIKES, seed: int = 0):
    """(spikes, total): at most about ``max_spikes`` spikes (tick, neuron, cycle), sampled
    uniformly, read one row group at a time; ``total`` is the number of spikes in the run."""
    total = run.rows("spikes")
    fraction = min(1.0, max_spikes / total) if total else 1.0
    rng = np.random.default_rng(seed)
    parts = []
    for part in run.row_groups("spikes", ["tick", "neuron", "cycle"]):
        parts.append(part if fraction >= 1 else part[rng.random(len(part)) < fraction])
    spikes = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"tick": [], "neuron": [], "cycle": []}
    )  # fmt: skip
    return spikes, total


@styled
def raster_figure(
    spikes: pd.DataFrame, total: int, clock_hz: float, populations: list[tuple[str, int]],
    chip: str,
):  # fmt: skip
    """Spike raster: emission time (ms, from the reference-clock cycle) against neuron id;
    ``populations`` (name, size) in id order are marked at the right."""
    fig, ax = figure(11, 5.5)
    time_ms = spikes["cycle"].to_numpy() / clock_hz * 1e3
    size = 4.0 if len(spikes) < 5000 else 0.5
    ax.scatter(time_ms, spikes["neuron"], s=size, marker="|" if size > 1 else ".",
               color="black", linewidths=0.6 if size > 1 else 0, rasterized=True)  # fmt: skip
    ax.set_xlabel("emission time (ms)")
    ax.set_ylabel("neuron (global id)")
    n_neurons = max(sum(size for _, size in populations), int(spikes["neuron"].max() + 1)
                    if len(spikes) else 1)  # fmt: skip
    ax.set_ylim(-0.5, n_neurons - 0.5)
    first = 0
    for name, size in populations:
        if first > 0:
            ax.axhline(first - 0.5, color="tab:grey", lw=0.8)
        if size >= 0.05 * n_neurons:  # label populations tall enough to hold their name
            ax.annotate(name, (1.005, (first + size / 2) / n_neurons), xycoords="axes fraction",
                        va="center", ha="left", rotation=90, color="tab:grey")  # fmt: skip
        first += size
    shown = f"all {total:,} spikes" if len(spikes) == total else (
        f"{len(spikes):,} of {total:,} spikes, uniform sample"
    )  # fmt: skip
    ax.set_title(f"{chip}: spike raster ({shown})")
    if total == 0:
        say_empty(ax, "no spike")
    return fig
