"""Floorplan heatmap of a mapping: utilisation on the mesh, PEs drawn as sub-cells of routers.

One panel per resource (neurons, synapses, SRAM bytes per PE against capacity; routing
entries per router).
Router ``(x, y)`` is a unit square at ``(x, y)`` (y up, as the mesh numbers it); its
``pes_per_router`` PEs fill it as a grid of sub-cells in port order, row by row. Unused PEs are
white, as are routers without routing entries; unpopulated routers are hatched (grey in the
PE panels; in the routing panel their entries show through).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from chipsim.mapping.report import MappingReport  # noqa: E402

PE_PANELS = (
    ("neuron_util", "neurons / max_neurons"),
    ("synapse_util", "synapses / max_synapses"),
    ("sram_util", "SRAM bytes / sram_bytes"),
)
AXON_PANEL = ("axon_util", "axons / max_axons")
"""Shown instead of SRAM on crossbar chips, whose core memory is a fixed layout."""


def sub_grid(pes_per_router: int) -> tuple[int, int]:
    """(columns, rows) of sub-cells a router is split into for its PEs."""
    cols = math.ceil(math.sqrt(pes_per_router))
    return cols, math.ceil(pes_per_router / cols)


def pe_image(report: MappingReport, column: str) -> np.ndarray:
    """(height * rows, width * cols) image of a per-PE column; NaN where no PE is used."""
    width, height, ppr = report.mesh
    cols, rows = sub_grid(ppr)
    image = np.full((height * rows, width * cols), np.nan)
    pes = report.pes[report.pes.used]
    row = pes.y.to_numpy() * rows + pes.port.to_numpy() // cols
    col = pes.x.to_numpy() * cols + pes.port.to_numpy() % cols
    image[row, col] = pes[column].to_numpy()
    return image


def router_image(report: MappingReport, column: str = "entries") -> np.ndarray:
    """(height, width) image of a per-router column; NaN where it is 0."""
    width, height, _ = report.mesh
    image = np.full((height, width), np.nan)
    r = report.routers[report.routers[column] > 0]
    image[r.y.to_numpy(), r.x.to_numpy()] = r[column].to_numpy()
    return image


def _router_panel(report: MappingReport) -> tuple[np.ndarray, str, float]:
    """Routing entries against the table capacity; without tables (unicast XY routing), the
    packet paths through each router when every source fires once."""
    capacity = int(report.routers.capacity.max())
    image = router_image(report, "entries" if capacity else "trees")
    fullest = int(np.nanmax(image, initial=0))
    if capacity:
        title = f"routing entries per router\n(fullest {fullest:,}: {fullest / capacity:.1%} of "
        title += f"capacity {capacity:,})"
    else:
        title = f"packet paths through each router, no tables\n(busiest {fullest:,})"
    return image, title, max(fullest, 1)


def plot_floorplan(report: MappingReport, path: str | Path) -> Path:
    """Write the floorplan heatmap PNG to ``path`` and return it.

    PE panels share the scale 0..1 (of capacity); the routing panel counts entries (or packet
    paths, see :func:`_router_panel`) from 0 to the fullest router.
    """
    width, height, _ = report.mesh
    panels = []
    chosen = PE_PANELS if "axon_util" not in report.pes else (*PE_PANELS[:2], AXON_PANEL)
    for column, title in chosen:
        image = pe_image(report, column)
        panels.append((image, f"{title}\n(fullest PE {np.nanmax(image, initial=0):.2f})", 1.0))
    panels.append(_router_panel(report))
    scale = 4.5 / max(width, height)  # inches per router: each panel about 4.5 inches
    fig, axes = plt.subplots(
        2, 2, figsize=(2 * (width * scale + 1.5), 2 * (height * scale + 1.0)), layout="constrained"
    )
    cmap = matplotlib.colormaps["viridis"].with_extremes(bad="white")
    for ax, (image, title, vmax) in zip(axes.ravel(), panels, strict=True):
        shown = ax.imshow(
            np.ma.masked_invalid(image), origin="lower", cmap=cmap, vmin=0.0, vmax=vmax,
            extent=(-0.5, width - 0.5, -0.5, height - 0.5), interpolation="nearest",
        )  # fmt: skip
        _draw_mesh(ax, report, sub_cells=image.shape != (height, width))
        ax.set_title(title, fontsize=9)
        fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    fig.suptitle(f"{report.network} on {report.chip}: utilisation per PE and router")
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _draw_mesh(ax, report: MappingReport, sub_cells: bool) -> None:
    """Router borders (PE sub-cells faint), unpopulated routers hatched, router coordinates."""
    width, height, ppr = report.mesh
    cols, rows = sub_grid(ppr)
    if sub_cells and max(width * cols, height * rows) <= 64:
        for x in np.arange(width * cols + 1) / cols:
            ax.axvline(x - 0.5, color="0.85", lw=0.4)
        for y in np.arange(height * rows + 1) / rows:
            ax.axhline(y - 0.5, color="0.85", lw=0.4)
    for x in range(width + 1):
        ax.axvline(x - 0.5, color="black", lw=1.0 if width <= 16 else 0.2)
    for y in range(height + 1):
        ax.axhline(y - 0.5, color="black", lw=1.0 if height <= 16 else 0.2)
    empty = report.routers[~report.routers.populated]
    for x, y in zip(empty.x, empty.y, strict=True):
        face = "0.8" if sub_cells else "none"  # routers without PEs may still hold entries
        ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=face, hatch="xx",
                               edgecolor="0.5", lw=0))  # fmt: skip
        if width <= 16:
            ax.text(x, y, "no PEs", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(width) if width <= 16 else [])
    ax.set_yticks(range(height) if height <= 16 else [])
    ax.set_xlabel("mesh x")
    ax.set_ylabel("mesh y")
