"""Energy breakdown by component as stacked bars (one bar per run)."""

from __future__ import annotations

import pandas as pd
from matplotlib import colormaps

from chipsim.report.plots.style import energy_unit, figure, styled

STATIC_SUFFIX = "_static"
"""Components named ``*_static`` are static power x time; the rest are event energies."""


@styled
def energy_breakdown_figure(frame: pd.DataFrame, title: str):
    """Stacked bars of ``frame`` (columns ``component``, ``energy_j``, and optionally ``run``:
    one bar per run, components in the same order and colours in every bar): all components
    on the left, the dynamic (event) components alone on the right, as static energy often
    dwarfs them."""
    if "run" not in frame.columns:
        frame = frame.assign(run="run")
    table = frame.pivot_table(index="run", columns="component", values="energy_j",
                              aggfunc="sum", sort=False).fillna(0.0)  # fmt: skip
    table = table.loc[:, table.abs().sum() > 0]
    colours = {c: colormaps["tab20"](i % 20) for i, c in enumerate(table.columns)}
    dynamic = [c for c in table.columns if not c.endswith(STATIC_SUFFIX)]
    fig, axes = figure(4 + 2.6 * len(table), 6, ncols=2, sharey=False)
    _stack(axes[0], table, colours, "all components")
    _stack(axes[1], table[dynamic], colours, "dynamic (event) components only")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], title="component", loc="outside right center")
    fig.suptitle(title)
    return fig


def _stack(ax, table: pd.DataFrame, colours: dict, subtitle: str) -> None:
    unit, factor = energy_unit(float(table.sum(axis=1).max()) if table.size else 0.0)
    bottom = pd.Series(0.0, index=table.index)
    for component in table.columns:
        values = table[component] * factor
        ax.bar(table.index, values, bottom=bottom, width=0.6, color=colours[component],
               label=component)  # fmt: skip
        bottom += values
    for run, total in bottom.items():
        ax.text(run, total, f"{total:,.3g} {unit}", ha="center", va="bottom")
    ax.set_ylim(0, float(bottom.max()) * 1.12 if len(bottom) and bottom.max() > 0 else 1)
    ax.set_ylabel(f"energy ({unit})")
    ax.set_title(subtitle)
