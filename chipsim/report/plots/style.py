"""Shared figure style: legible font sizes, saving to PNG without a display."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

RC = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "figure.titlesize": 14,
    "legend.fontsize": 10,
}
DPI = 120


def styled(draw: Callable[..., plt.Figure]) -> Callable[..., plt.Figure]:
    """Run a figure function with the report's font sizes."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs) -> plt.Figure:
        with plt.rc_context(RC):
            return draw(*args, **kwargs)

    return wrapper


def figure(width_in: float, height_in: float, **subplots) -> tuple[plt.Figure, object]:
    """A new figure (``subplots`` as for :func:`plt.subplots`), laid out to fit its labels."""
    return plt.subplots(figsize=(width_in, height_in), layout="constrained", **subplots)


def save(fig: plt.Figure, path: Path) -> Path:
    """Write ``fig`` as PNG and free it."""
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def say_empty(ax, text: str) -> None:
    """Write ``text`` across an axes that has nothing to show, without meaningless ticks."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])


def energy_unit(joules: float) -> tuple[str, float]:
    """A readable unit for an energy in J, and the factor J -> that unit."""
    for unit, factor in (("J", 1.0), ("mJ", 1e3), ("µJ", 1e6), ("nJ", 1e9)):
        if abs(joules) * factor >= 1:
            return unit, factor
    return "pJ", 1e12
