"""NoC figures: link load on the mesh, packet-latency histogram and CDF."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from chipsim.report.plots.floorplan import draw_floorplan, floorplan_image
from chipsim.report.plots.style import figure, say_empty, styled

STEP = {"north": (0, 1), "east": (1, 0), "south": (0, -1), "west": (-1, 0)}
"""Mesh step of each outgoing link (north is +y, as noc/topology.py numbers ports)."""
SIDE = 0.12
"""Sideways offset of an arrow, router widths, so the two directions of a link do not overlap."""


def _arrows(routers: pd.DataFrame, width: int, height: int) -> pd.DataFrame:
    """One row per drawn link: start (x, y), step (u, v), load; links leaving the mesh are
    drawn only when they carried flits."""
    parts = []
    for name, (u, v) in STEP.items():
        load = routers[f"link_load_{name}"].to_numpy()
        x, y = routers["x"].to_numpy(), routers["y"].to_numpy()
        inside = (x + u >= 0) & (x + u < width) & (y + v >= 0) & (y + v < height)
        keep = inside | (load > 0)
        # offset to the right of the direction of travel
        ox, oy = SIDE * v, -SIDE * u
        parts.append(pd.DataFrame({
            "x": x[keep] + 0.2 * u + ox, "y": y[keep] + 0.2 * v + oy,
            "u": 0.6 * u, "v": 0.6 * v, "load": load[keep],
        }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


ARROWS_MAX_SIDE = 16
"""Meshes up to this many routers a side get arrows; larger ones one heatmap per direction."""


@styled
def link_load_figure(routers: pd.DataFrame, width: int, height: int, chip: str):
    """Link load (flits per NoC cycle) of each router's four outgoing links: arrows on small
    meshes, one floorplan heatmap per direction on large ones."""
    if max(width, height) > ARROWS_MAX_SIDE:
        return _link_load_panels(routers, width, height, chip)
    arrows = _arrows(routers, width, height)
    size = min(12, 3 + 0.8 * max(width, height))
    fig, ax = figure(size + 1.5, size * height / max(width, height) + 1)
    norm = Normalize(0, max(float(arrows["load"].max()), 1e-12))
    cmap = colormaps["plasma"]
    boxes = [Rectangle((x - 0.17, y - 0.17), 0.34, 0.34) for x, y in zip(routers["x"],
             routers["y"], strict=True)]  # fmt: skip
    ax.add_collection(PatchCollection(boxes, facecolor="lightgrey", edgecolor="grey", zorder=1))
    if width * height <= 64:
        for r in routers.itertuples():
            ax.text(r.x, r.y, f"R{r.router}", ha="center", va="center", fontsize=9)
    idle, used = arrows[arrows["load"] == 0], arrows[arrows["load"] > 0]
    shape = {"angles": "xy", "scale_units": "xy", "scale": 1, "units": "xy", "zorder": 2}
    ax.quiver(idle["x"], idle["y"], idle["u"], idle["v"], color="silver", width=0.025,
              headwidth=3, headlength=3, headaxislength=2.7, **shape)  # fmt: skip
    ax.quiver(used["x"], used["y"], used["u"], used["v"], used["load"], cmap=cmap, norm=norm,
              width=0.06, headwidth=2.5, headlength=2.5, headaxislength=2.2, **shape)  # fmt: skip
    fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap),
        ax=ax,
        label="link load (flits per NoC cycle)",
        shrink=0.85,
    )
    ax.set_xlim(-0.7, width - 0.3)
    ax.set_ylim(-0.7, height - 0.3)
    ax.set_aspect("equal")
    ax.set_xticks(range(0, width, max(1, width // 12)))
    ax.set_yticks(range(0, height, max(1, height // 12)))
    ax.set_xlabel("mesh x (router column; east = +x)")
    ax.set_ylabel("mesh y (router row; north = +y)")
    ax.set_title(
        f"{chip}: NoC link load over the run\n(one arrow per link and direction; grey: no flit)"
    )
    return fig


@styled
def latency_figure(hist: pd.DataFrame, stats_ns: dict[str, float], ns_per_cycle: float, chip: str):
    """Histogram (packets per latency) and CDF of packet latency, ns, with p50 and p99 marked."""
    fig, (left, right) = figure(12, 4.8, ncols=2)
    ns, packets = hist["latency_ns"].to_numpy(), hist["packets"].to_numpy()
    left.bar(ns, packets, width=ns_per_cycle * 0.9, color="tab:blue")
    if len(packets) and packets.max() > 1000 * max(packets.min(), 1):
        left.set_yscale("log")
    left.set_xlabel("packet latency, injection to arrival (ns)")
    left.set_ylabel("packets")
    left.set_title(f"latency histogram ({int(packets.sum()):,} packets)")
    right.step(np.r_[0, ns], np.r_[0, hist["cdf"].to_numpy()], where="post", color="tab:blue")
    for name, style in (("p50", "--"), ("p99", ":")):
        value = stats_ns.get(name, np.nan)
        if np.isfinite(value):
            for ax in (left, right):
                ax.axvline(value, color="black", ls=style, lw=1.2,
                           label=f"{name} = {value:,.0f} ns")  # fmt: skip
    right.set_ylim(0, 1.02)
    right.set_xlabel("packet latency, injection to arrival (ns)")
    right.set_ylabel("fraction of packets (CDF)")
    right.set_title("latency CDF")
    if packets.sum() == 0:
        for ax in (left, right):
            say_empty(ax, "no packet was delivered")
    else:
        right.legend(loc="lower right")
        left.legend(loc="upper right")
    fig.suptitle(f"{chip}: packet latency on the NoC (1 NoC cycle = {ns_per_cycle:,.4g} ns)")
    return fig


def _link_load_panels(routers: pd.DataFrame, width: int, height: int, chip: str):
    """One floorplan heatmap per outgoing direction, on a common colour scale."""
    fig, axes = figure(12, 10 * height / max(width, height) + 1.5, nrows=2, ncols=2)
    columns = [f"link_load_{name}" for name in STEP]
    vmax = float(routers[columns].to_numpy().max())
    x, y = routers["x"].to_numpy(), routers["y"].to_numpy()
    for ax, name, column in zip(axes.flat, STEP, columns, strict=True):
        image = floorplan_image(x, y, np.zeros_like(x), routers[column].to_numpy(),
                                width, height, 1)  # fmt: skip
        title = f"links to the {name} ({'+' if STEP[name][0] + STEP[name][1] > 0 else '-'}"
        title += f"{'y' if STEP[name][0] == 0 else 'x'})"
        draw_floorplan(ax, fig, image, width, height, title, "flits per NoC cycle",
                       cmap="plasma", vmax=vmax)  # fmt: skip
    fig.suptitle(f"{chip}: NoC link load over the run, by outgoing direction (cell = router)")
    return fig
