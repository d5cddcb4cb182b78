"""Sweep plots: the Pareto front by hand, and the PNGs a sweep folder gets."""

import numpy as np
import pandas as pd
import pytest

from chipsim.sweep import SweepError, run_sweep
from chipsim.sweep.plot import pareto_figure, pareto_front, plot_sweep


def test_pareto_front_by_hand() -> None:
    """Non-dominated points of a hand-made set (both costs minimised); NaN never on the front."""
    a = np.array([1.0, 2.0, 3.0, 2.0, 4.0, np.nan, 1.0])
    b = np.array([5.0, 3.0, 1.0, 4.0, 1.0, 0.0, 5.0])
    # (2, 4) is dominated by (2, 3); (4, 1) by (3, 1); the two (1, 5) tie and both stay
    assert list(pareto_front(a, b)) == [True, True, True, False, False, False, True]


def test_plot_writes_one_png_per_parameter_and_a_pareto_front(write_sweep, tmp_path) -> None:
    """`plot_sweep` draws each swept parameter and the Pareto front as PNG files."""
    out = tmp_path / "out"
    run_sweep(write_sweep(grid={"noc.buffer_depth": [1, 4], "placer": ["sequential", "random"]}),
              out, workers=1)  # fmt: skip
    paths = plot_sweep(out)
    assert [p.name for p in paths] == ["noc.buffer_depth.png", "placer.png", "pareto.png"]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_pareto_uses_energy_when_the_table_has_it() -> None:
    """With an energy column the front is energy against latency, with the right points on it."""
    table = pd.DataFrame({"noc.buffer_depth": [1, 2, 4], "latency_mean_ns": [300.0, 200.0, 250.0],
                          "energy_j": [1.0, 3.0, 4.0]})  # fmt: skip
    figure = pareto_figure(table, ["noc.buffer_depth"])
    ax = figure.axes[0]
    assert ax.get_ylabel() == "energy (J)"
    front = ax.lines[0]
    assert list(front.get_xdata()) == [200.0, 300.0] and list(front.get_ydata()) == [3.0, 1.0]


def test_plot_of_a_folder_without_a_sweep_is_an_error(tmp_path) -> None:
    """Plotting a folder that holds no sweep says so."""
    with pytest.raises(SweepError, match="not a sweep folder"):
        plot_sweep(tmp_path)
