"""Plots of a finished sweep folder: each metric against each swept parameter, and the Pareto front.

Reads only ``DIR/sweep.json`` and ``DIR/results.parquet``; writes PNGs under ``DIR/plots/``.
Points that failed are left out; seeds are averaged (error bars: min to max over seeds).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from chipsim.sweep.runner import META, RESULTS
from chipsim.sweep.spec import SweepError

METRICS = {
    "latency_mean_ns": "mean packet latency (ns)",
    "latency_p99_ns": "p99 packet latency (ns)",
    "throughput_packets_per_s": "delivered packets per simulated s",
    "overrun_pe_ticks": "overrun PE-ticks",
    "late_packets": "late packets",
    "dropped_noc_packets": "packets dropped in the NoC",
    "wall_time_s": "simulation wall time (s)",
}
"""Metric column -> axis label (with unit); plotted when present."""
ENERGY = "energy_j"
"""Total energy column (J): when present, the Pareto front is energy against latency."""
LATENCY = "latency_mean_ns"
THROUGHPUT = "throughput_packets_per_s"
PANEL_INCHES = (4.2, 3.2)
MAX_TICKS = 8
"""Numeric axes with at most this many swept values get a tick at each."""
MAX_LEGEND = 12
"""Lines labelled in a panel's legend at most (the rest are drawn unlabelled)."""


def plot_sweep(folder: str | Path) -> list[Path]:
    """Draw the plots of the sweep in ``folder``; return the PNG paths written."""
    folder = Path(folder)
    if not (folder / META).is_file() or not (folder / RESULTS).is_file():
        raise SweepError(f"{folder}: not a sweep folder (no {META} and {RESULTS})")
    parameters = json.loads((folder / META).read_text())["parameters"]
    table = pd.read_parquet(folder / RESULTS)
    ok = table[table["status"] == "ok"]
    if ok.empty:
        raise SweepError(f"{folder}: no point finished, nothing to plot")
    metrics = {m: label for m, label in METRICS.items() if m in ok.columns}
    metrics.update({c: f"{c.removesuffix('_j')} (J)" for c in ok.columns if c.startswith("energy")})
    out = folder / "plots"
    out.mkdir(exist_ok=True)
    paths = []
    for together in covarying(ok, parameters):
        others = [p for p in parameters if p not in together]
        figure = metric_figure(ok, together, others, metrics)
        paths.append(_save(figure, out / f"{together[0]}.png"))
    paths.append(_save(pareto_figure(ok, parameters), out / "pareto.png"))
    return paths


def covarying(table: pd.DataFrame, parameters: list[str]) -> list[list[str]]:
    """Parameters grouped with those that move together one to one (mesh width and height
    given as points): each group is one x axis."""
    groups: list[list[str]] = []
    for parameter in parameters:
        for group in groups:
            pairs = table[[group[0], parameter]].drop_duplicates()
            if pairs[group[0]].nunique() == len(pairs) == pairs[parameter].nunique():
                group.append(parameter)
                break
        else:
            groups.append([parameter])
    return groups


def metric_figure(
    table: pd.DataFrame, together: list[str], others: list[str], metrics: dict[str, str]
) -> Figure:
    """One panel per metric against ``together[0]`` (and the parameters that move with it), a
    line per combination of ``others``."""
    parameter = xlabel = " / ".join(together)
    if len(together) > 1:  # one category per combination, e.g. "4 / 3" for width / height
        table = table.assign(**{xlabel: table[together].astype(str).agg(" / ".join, axis=1)})
    cols = min(3, len(metrics))
    rows = math.ceil(len(metrics) / cols)
    figure = Figure(figsize=(PANEL_INCHES[0] * cols, PANEL_INCHES[1] * rows), layout="constrained")
    axes = figure.subplots(rows, cols, squeeze=False)
    positions, labels = _x_positions(table[parameter])
    lines = _lines(table, parameter, others)
    for ax, (metric, label) in zip(axes.flat, metrics.items(), strict=False):
        for i, (key, group) in enumerate(lines):
            stats = group.groupby(parameter, sort=False)[metric].agg(["mean", "min", "max"])
            x = np.array([positions[v] for v in stats.index])
            order = np.argsort(x)
            name = _label(others, key) if i < MAX_LEGEND else None
            mean = stats["mean"].to_numpy()[order]
            spread = [mean - stats["min"].to_numpy()[order], stats["max"].to_numpy()[order] - mean]
            ax.errorbar(x[order], mean, yerr=spread, marker="o", capsize=3, label=name)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(label)
        ax.set_title(label, fontsize=10)
        ax.ticklabel_format(axis="y", useOffset=False)
        ax.grid(alpha=0.3)
        _x_axis(ax, positions, labels)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    if others:
        figure.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center",
                      ncols=min(4, len(lines)), fontsize=8)  # fmt: skip
    figure.suptitle(f"sweep: metrics against {xlabel} (mean over seeds, bars min-max)")
    return figure


def _lines(table: pd.DataFrame, parameter: str, others: list[str]) -> list:
    """(values of ``others``, rows) per line; lines with one x value are left out when some
    line has more (points that vary another key say nothing about this one)."""
    if not others:
        return [((), table)]
    groups = list(table.groupby(others, dropna=False, sort=True))
    varied = [(key, group) for key, group in groups if group[parameter].nunique() > 1]
    return varied or groups


def pareto_figure(table: pd.DataFrame, parameters: list[str]) -> Figure:
    """Energy against latency (both minimised) or, without energy, latency against throughput."""
    means = table.groupby(parameters, dropna=False, sort=False).mean(numeric_only=True)
    latency = means[LATENCY].to_numpy()
    if ENERGY in means.columns:
        x, y = latency, means[ENERGY].to_numpy()
        front = pareto_front(x, y)
        xlabel, ylabel, title = METRICS[LATENCY], "energy (J)", "energy-latency Pareto front"
    else:
        x, y = means[THROUGHPUT].to_numpy(), latency
        front = pareto_front(-x, y)
        xlabel, ylabel = METRICS[THROUGHPUT], METRICS[LATENCY]
        title = "latency-throughput Pareto front (no energy columns)"
    figure = Figure(figsize=(7.5, 5.5), layout="constrained")
    ax = figure.subplots()
    ax.scatter(x[~front], y[~front], color="0.6", label="dominated points")
    order = np.argsort(x[front])
    ax.plot(x[front][order], y[front][order], "o-", color="C3", label="Pareto front")
    middle = np.nanmean(x)
    for xi, yi, key in zip(x[front], y[front], means.index[front], strict=True):
        right = xi > middle  # label towards the inside of the plot
        note = ax.annotate(
            _label(parameters, key), (xi, yi), xytext=(-4 if right else 4, 4),
            textcoords="offset points", ha="right" if right else "left", fontsize=7,
        )  # fmt: skip
        note.set_in_layout(False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return figure


def pareto_front(cost_a: np.ndarray, cost_b: np.ndarray) -> np.ndarray:
    """Boolean mask of the points no other point dominates, both costs minimised.

    Point j dominates i when it is no worse in both costs and better in one. NaN points are
    never on the front.
    """
    a, b = np.asarray(cost_a, float), np.asarray(cost_b, float)
    valid = ~(np.isnan(a) | np.isnan(b))
    no_worse = (a[None, :] <= a[:, None]) & (b[None, :] <= b[:, None]) & valid[None, :]
    better = (a[None, :] < a[:, None]) | (b[None, :] < b[:, None])
    return valid & ~(no_worse & better).any(axis=1)


def _x_positions(values: pd.Series) -> tuple[dict, list[str] | None]:
    """Numeric values map to themselves; others to 0, 1, ... (with tick labels)."""
    unique = list(dict.fromkeys(values))
    if all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in unique):
        return {v: float(v) for v in unique}, None
    return {v: i for i, v in enumerate(unique)}, [str(v) for v in unique]


def _x_axis(ax, positions: dict, labels: list[str] | None) -> None:
    """Categories get their names; numbers a log axis when they span 10x or more, with ticks
    at the swept values when there are few."""
    if labels is not None:
        ax.set_xticks(range(len(labels)), labels)
        return
    values = sorted(positions.values())
    if values[0] > 0 and values[-1] / values[0] >= 10:
        ax.set_xscale("log")
    if len(values) <= MAX_TICKS:
        ax.set_xticks(values, [f"{v:g}" for v in values])
        ax.minorticks_off()


def _label(keys: list[str], values) -> str:
    values = values if isinstance(values, tuple) else (values,)
    return ", ".join(f"{k.rsplit('.', 1)[-1]}={v}" for k, v in zip(keys, values, strict=True))


def _save(figure: Figure, path: Path) -> Path:
    figure.savefig(path, dpi=110)
    return path
