"""Energy breakdown by component as stacked bars (one bar per run)."""

from __future__ import annotations

import pandas as pd
from matplotlib import colormaps

from chipsim.report.plots.style import energy_unit, figure, styled


@styled
def energy_breakdown_figure(frame: pd.DataFrame, title: str):
    """Stacked bars of ``frame`` (columns ``component``, ``energy_j``, and optionally ``run``:
    one bar per run, components in the same order and colours in every bar)."""
    if "run" not in frame.columns:
        frame = frame.assign(run="run")
    table = frame.pivot_table(index="run", columns="component", values="energy_j",
                              aggfunc="sum", sort=False).fillna(0.0)  # fmt: skip
    table = table.loc[:, table.abs().sum() > 0]
    unit, factor = energy_unit(float(table.sum(axis=1).max()) if len(table) else 0.0)
    fig, ax = figure(3.5 + 1.6 * len(table), 6)
    colours = colormaps["tab20"]
    bottom = pd.Series(0.0, index=table.index)
    for i, component in enumerate(table.columns):
        values = table[component] * factor
        ax.bar(table.index, values, bottom=bottom, width=0.6, color=colours(i % 20),
               label=component)  # fmt: skip
        bottom += values
    for run, total in bottom.items():
        ax.text(run, total, f"{total:,.3g} {unit}", ha="center", va="bottom")
    ax.set_ylim(0, float(bottom.max()) * 1.1 if len(bottom) else 1)
    ax.set_ylabel(f"energy ({unit})")
    ax.set_title(title)
    ax.legend(title="component", loc="center left", bbox_to_anchor=(1.02, 0.5))
    return fig
