"""Latency-vs-offered-load curves of synthetic traffic runs, saturation points marked."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from noc.traffic import TrafficResult, saturation_rate  # noqa: E402

Y_LIMIT_FACTOR = 6.0
"""The y axis stops at this multiple of the lowest-load latency (past saturation it explodes)."""


def plot_latency_curves(
    curves: dict[str, list[TrafficResult]], path: str | Path, title: str
) -> Path:
    """Mean packet latency (NoC cycles) against offered load (flits/node/cycle), one line per
    curve; each curve's saturation rate (noc.traffic.saturation_rate) is marked by a dashed
    line and given in the legend. Writes PNG."""
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    lowest = []
    for label, results in curves.items():
        rates = [r.offered_rate for r in results]
        latency = [r.mean_latency_cycles for r in results]
        saturation = saturation_rate(results)
        marked = saturation is not None and saturation > 0
        if saturation is None:
            name = f"{label} (not saturated up to {rates[-1]:.2f})"
        elif saturation == 0:
            name = f"{label} (saturated below {rates[0]:.2f})"
        else:
            name = f"{label} (saturation {saturation:.2f})"
        (line,) = ax.plot(rates, latency, marker="o", markersize=3, label=name)
        lowest.append(latency[0])
        if marked:
            ax.axvline(saturation, color=line.get_color(), linestyle="--", linewidth=0.8)
    ax.set_ylim(0, Y_LIMIT_FACTOR * max(lowest))
    ax.set_xlim(left=0)
    ax.set_xlabel("offered load (flits/node/cycle)")
    ax.set_ylabel("mean packet latency (NoC cycles)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
