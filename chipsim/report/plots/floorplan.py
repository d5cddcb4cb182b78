"""Per-PE heatmaps laid out as the chip floorplan: one cell per router at mesh (x, y), split
into sub-cells for the PEs on that router (port 0 top left, row by row)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import colormaps

from chipsim.report.plots.style import energy_unit, figure, styled

ANNOTATE_MAX_CELLS = 64
"""Write each PE's value in its cell when the chip has at most this many PEs."""

PE_PANELS = (
    ("utilisation", "utilisation (busy cycles / tick budget)", "fraction of budget"),
    ("busy_cycles", "busy cycles", "PE cycles"),
    ("overrun_ticks", "overrun ticks", "ticks"),
    ("synaptic_events", "synaptic events", "events"),
)
"""(column, panel title, colour-bar unit) of the per-PE heatmaps."""


def sub_grid(pes_per_router: int) -> tuple[int, int]:
    """(rows, columns) of PE sub-cells in one router cell."""
    cols = math.ceil(math.sqrt(pes_per_router))
    return math.ceil(pes_per_router / cols), cols


def floorplan_image(
    x: np.ndarray, y: np.ndarray, port: np.ndarray, values: np.ndarray,
    width: int, height: int, pes_per_router: int,
) -> np.ndarray:  # fmt: skip
    """Image (height*rows, width*cols) with each PE's value in its sub-cell; NaN: no PE."""
    rows, cols = sub_grid(pes_per_router)
    image = np.full((height * rows, width * cols), np.nan)
    row = y * rows + (rows - 1 - port // cols)
    col = x * cols + port % cols
    image[row, col] = values
    return image


def draw_floorplan(
    ax, fig, image: np.ndarray, width: int, height: int, title: str, unit: str,
    ids: np.ndarray | None = None, cmap: str = "viridis", vmax: float | None = None,
) -> None:  # fmt: skip
    """One heatmap of a floorplan image (:func:`floorplan_image`); ``ids`` (same shape)
    labels the cells when the chip is small; the colour scale starts at 0 (or the minimum)."""
    finite = image[np.isfinite(image)]
    vmin = min(0.0, float(finite.min())) if finite.size else 0.0
    if vmax is None:
        vmax = float(finite.max()) if finite.size else 1.0
    shown = ax.imshow(
        image, origin="lower", cmap=colormaps[cmap].with_extremes(bad="lightgrey"),
        extent=(-0.5, width - 0.5, -0.5, height - 0.5), interpolation="nearest",
        aspect="equal", vmin=vmin, vmax=vmax if vmax > vmin else vmin + 1,
    )  # fmt: skip
    fig.colorbar(shown, ax=ax, label=unit, shrink=0.9)
    ax.set_title(title)
    ax.set_xlabel("mesh x (router column)")
    ax.set_ylabel("mesh y (router row)")
    step = max(1, width // 12)
    ax.set_xticks(range(0, width, step))
    ax.set_yticks(range(0, height, max(1, height // 12)))
    if width <= 32 and height <= 32:  # router borders (thick) and PE sub-cells (thin)
        rows, cols = image.shape[0] // height, image.shape[1] // width
        for v in np.arange(width * cols + 1) / cols - 0.5:
            ax.axvline(v, color="white", lw=1.5 if np.isclose(v % 1, 0.5) else 0.4)
        for v in np.arange(height * rows + 1) / rows - 0.5:
            ax.axhline(v, color="white", lw=1.5 if np.isclose(v % 1, 0.5) else 0.4)
    if ids is not None and image.size <= ANNOTATE_MAX_CELLS:
        _annotate(ax, image, ids, width, height)


def _annotate(ax, image: np.ndarray, ids: np.ndarray, width: int, height: int) -> None:
    rows, cols = image.shape[0] // height, image.shape[1] // width
    for (r, c), value in np.ndenumerate(image):
        if np.isnan(value):
            continue
        cx = (c + 0.5) / cols - 0.5
        cy = (r + 0.5) / rows - 0.5
        number = f"{value:.2f}" if abs(value) < 10 and value != int(value) else f"{value:,.0f}"
        text = f"PE {ids[r, c]:.0f}\n{number}"
        ax.text(cx, cy, text, ha="center", va="center", color="white", fontsize=9,
                bbox={"facecolor": "black", "alpha": 0.35, "pad": 1, "lw": 0})  # fmt: skip


def _image(pes: pd.DataFrame, values, width: int, height: int, pes_per_router: int):
    return floorplan_image(
        pes["x"].to_numpy(), pes["y"].to_numpy(), pes["port"].to_numpy(), values,
        width, height, pes_per_router,
    )  # fmt: skip


@styled
def pe_heatmaps_figure(pes: pd.DataFrame, width: int, height: int, pes_per_router: int, chip: str):
    """Utilisation, busy cycles, overrun ticks and synaptic events per PE on the floorplan."""
    fig, axes = figure(12, 10 * height / max(width, height) + 1.5, nrows=2, ncols=2)
    ids = _image(pes, pes["pe"].to_numpy(), width, height, pes_per_router)
    for ax, (column, title, unit) in zip(axes.flat, PE_PANELS, strict=True):
        image = _image(pes, pes[column].to_numpy(), width, height, pes_per_router)
        draw_floorplan(ax, fig, image, width, height, title, unit, ids)
    rows, cols = sub_grid(pes_per_router)
    fig.suptitle(
        f"{chip}: per-PE activity over the run ({pes_per_router} PE(s) per router cell, "
        f"{rows}x{cols} sub-cells, grey = no PE)"
    )
    return fig


@styled
def pe_energy_figure(
    pes: pd.DataFrame, energy_j: np.ndarray, width: int, height: int, pes_per_router: int,
    chip: str,
):  # fmt: skip
    """Energy of each PE (J, shown in a readable unit) on the floorplan."""
    unit, factor = energy_unit(float(np.nanmax(energy_j)) if len(energy_j) else 0.0)
    image = _image(pes, np.asarray(energy_j) * factor, width, height, pes_per_router)
    ids = _image(pes, pes["pe"].to_numpy(), width, height, pes_per_router)
    fig, ax = figure(7, 6 * height / max(width, height) + 1.2)
    title = f"{chip}: energy per PE over the run"
    draw_floorplan(ax, fig, image, width, height, title, f"energy ({unit})", ids)
    return fig
