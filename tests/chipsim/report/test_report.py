"""`chipsim report`: every table and figure, numbers checked against the raw run tables."""

import json
import subprocess
import sys

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from chipsim.report import energy as energy_module
from chipsim.report.build import FIGURES, TABLES, write_report
from chipsim.report.energy import SKIPPED, run_energy
from chipsim.report.plots import (
    energy_breakdown_figure,
    floorplan_image,
    link_load_figure,
    pe_energy_figure,
    sample_spikes,
    save,
)
from chipsim.report.rundata import load_run
from chipsim.report.tables import tick_table


@pytest.fixture(scope="module")
def report(run_dir):
    return write_report(load_run(run_dir))


def assert_png(path, min_side=300):
    image = mpimg.imread(path)
    assert path.stat().st_size > 10_000, path
    assert min(image.shape[:2]) >= min_side, (path, image.shape)
    assert image[..., :3].std() > 0.05, f"{path} looks blank"


def test_report_writes_every_table_and_figure(report, run_dir):
    """Every table as Parquet and CSV (non-empty) and every figure as a non-trivial PNG."""
    folder = run_dir / "report"
    for name in TABLES:
        assert len(pd.read_parquet(folder / f"{name}.parquet")) > 0, name
        assert len(pd.read_csv(folder / f"{name}.csv")) > 0, name
    extra = ("report_energy_breakdown.png", "report_pe_energy.png", "report_e2e_latency.png")
    for name in (*FIGURES, *extra):
        assert_png(folder / name)
    for name in ("energy_breakdown", "e2e_latency"):
        assert len(pd.read_csv(folder / f"{name}.csv")) > 0


def test_utilisation_is_busy_over_tick_budget(report, run_dir):
    """Utilisation = busy cycles / (ticks x frequency x tick_s), from pes.parquet by hand."""
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    chip = config["chip"]
    frequency = next(p["frequency_hz"] for p in chip["operating_points"]
                     if p["name"] == chip["default_operating_point"])  # fmt: skip
    budget = frequency * chip["tick_s"]  # 1 MHz x 1 ms = 1000 PE cycles
    assert budget == 1000
    pes = pd.read_parquet(run_dir / "pes.parquet")
    table = pd.read_parquet(run_dir / "report" / "pes.parquet")
    np.testing.assert_array_equal(table["pe"], pes["pe"])
    np.testing.assert_allclose(table["utilisation"], pes["busy_cycles"] / (50 * budget))
    assert table["utilisation"].max() > 0.3


def test_latency_percentiles_match_numpy(report, run_dir):
    """Mean, p50, p90, p99, max equal NumPy on the histogram expanded to one row per packet."""
    hist = pd.read_parquet(run_dir / "latency_histogram.parquet")
    samples = np.repeat(hist["latency_cycles"].to_numpy(), hist["packets"].to_numpy())
    expected = {"mean": samples.mean(), "max": samples.max()}
    for q in (50, 90, 99):
        expected[f"p{q}"] = np.quantile(samples, q / 100, method="inverted_cdf")
    table = pd.read_parquet(run_dir / "report" / "latency.parquet").set_index("statistic")
    for name, value in expected.items():
        assert table.loc[name, "cycles"] == pytest.approx(value), name
        assert table.loc[name, "ns"] == pytest.approx(value * 1000), name  # 1 MHz NoC clock
    assert table.loc["p99", "ns"] == pytest.approx(report_summary(run_dir)["latency_p99_ns"])


def report_summary(run_dir):
    return load_run(run_dir).summary


def test_tick_table_reads_pe_ticks_by_row_group(run_dir, tmp_path, copy_run):
    """Per-tick busy sums are the same when pe_ticks.parquet is split in many row groups."""
    run = load_run(run_dir)
    pe_ticks = pd.read_parquet(run_dir / "pe_ticks.parquet")
    expected = pe_ticks.groupby("tick")["busy_cycles"].sum().reindex(range(50), fill_value=0)
    pes = pd.read_parquet(run_dir / "pes.parquet")
    used = int(((pes["neuron_updates"] + pes["source_updates"]) > 0).sum())
    copy = copy_run(run_dir, tmp_path / "run")
    pq.write_table(pq.read_table(run_dir / "pe_ticks.parquet"), copy / "pe_ticks.parquet",
                   row_group_size=7)  # fmt: skip
    assert pq.ParquetFile(copy / "pe_ticks.parquet").num_row_groups > 10
    for source in (run, load_run(copy)):
        ticks = tick_table(source, used_pes=used)
        np.testing.assert_allclose(ticks["mean_busy_cycles"], expected.to_numpy() / used)
        np.testing.assert_array_equal(ticks["busy_cycles_total"], expected.to_numpy())
        np.testing.assert_array_equal(
            ticks["max_busy_cycles"], pe_ticks.groupby("tick")["busy_cycles"].max()
            .reindex(range(50), fill_value=0),
        )  # fmt: skip


def test_raster_samples_large_runs(run_dir):
    """Asked for fewer spikes than the run has, the raster gets a uniform sample of them."""
    run = load_run(run_dir)
    spikes = pd.read_parquet(run_dir / "spikes.parquet")
    sample, total = sample_spikes(run, max_spikes=100)
    assert total == len(spikes) > 300
    assert 50 < len(sample) < 160
    merged = sample.merge(spikes, on=["tick", "neuron", "cycle"], how="left", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_floorplan_places_pes_in_router_sub_cells():
    """PE (x, y, port) lands in its router's cell; port 0 top left, NaN where there is no PE."""
    image = floorplan_image(
        np.array([0, 0, 0, 1]), np.array([0, 0, 1, 1]), np.array([0, 3, 1, 2]),
        np.array([1.0, 2.0, 3.0, 4.0]), width=2, height=2, pes_per_router=4,
    )  # fmt: skip
    assert image.shape == (4, 4)
    assert image[1, 0] == 1.0  # router (0, 0), port 0: top left of its 2x2 cell
    assert image[0, 1] == 2.0  # port 3: bottom right
    assert image[3, 1] == 3.0  # router (0, 1), port 1: top right
    assert image[2, 2] == 4.0  # router (1, 1), port 2: bottom left
    assert np.isnan(image).sum() == 12


def test_link_load_of_a_large_mesh(tmp_path):
    """Meshes larger than 16 a side get one heatmap per direction (arrows would not show)."""
    side = 20
    router = np.arange(side * side)
    rng = np.random.default_rng(0)
    routers = pd.DataFrame({"router": router, "x": router % side, "y": router // side})
    for d in ("north", "east", "south", "west"):
        routers[f"link_load_{d}"] = rng.random(side * side) * 0.01
    fig = link_load_figure(routers, side, side, "big")
    assert len(fig.axes) == 8  # four panels and their colour bars
    assert_png(save(fig, tmp_path / "links.png"))


def test_energy_figures_from_breakdown_and_per_pe_array(run_dir, tmp_path):
    """The energy plots draw a (component, energy_j) frame, one bar per run, and a per-PE array."""
    frame = pd.DataFrame({"component": ["synaptic_events", "links", "pe_static"] * 2,
                          "energy_j": [3e-6, 1e-6, 2e-6, 4e-6, 1e-6, 2e-6],
                          "run": ["A"] * 3 + ["B"] * 3})  # fmt: skip
    assert_png(save(energy_breakdown_figure(frame, "energy"), tmp_path / "bars.png"))
    run = load_run(run_dir)
    pes = pd.read_parquet(run_dir / "report" / "pes.parquet")
    fig = pe_energy_figure(pes, np.linspace(0, 1e-6, len(pes)), 2, 2, run.pes_per_router, "tiny")
    assert_png(save(fig, tmp_path / "pe_energy.png"))


def test_energy_tables_trace_back_to_the_run(report, run_dir, tmp_path, copy_run):
    """The report's energy (from energy.parquet) equals energy.json, and pricing the run's
    counters again (a run directory without energy.parquet) gives the same figures."""
    breakdown = pd.read_parquet(run_dir / "report" / "energy_breakdown.parquet")
    recorded = json.loads((run_dir / "energy.json").read_text())
    got = dict(zip(breakdown["component"], breakdown["energy_j"], strict=True))
    assert got == pytest.approx({k: v * 1e-12 for k, v in recorded["breakdown_pj"].items()})
    pes = pd.read_parquet(run_dir / "report" / "pes.parquet")
    np.testing.assert_allclose(pes["energy_j"], np.array(recorded["pe_pj"]) * 1e-12)
    older = copy_run(run_dir, tmp_path / "older")
    (older / "energy.parquet").unlink()
    priced = run_energy(load_run(older))
    np.testing.assert_allclose(priced.breakdown["energy_j"], breakdown["energy_j"])
    np.testing.assert_allclose(priced.pe_j, pes["energy_j"])


def test_report_without_energy_says_so(run_dir, tmp_path, copy_run, monkeypatch):
    """Without energy.parquet and chipsim.energy, the energy figures are skipped with a note."""
    older = copy_run(run_dir, tmp_path / "older")
    (older / "energy.parquet").unlink()
    monkeypatch.setattr(energy_module, "energy_available", lambda: False)
    result = write_report(load_run(older))
    assert result.notes == [SKIPPED]
    assert not (older / "report" / "report_energy_breakdown.png").exists()
    assert all((older / "report" / name).is_file() for name in FIGURES)


def test_report_of_a_silent_run(make_run, tmp_path):
    """A run without a spike still gets every table and figure (empty plots say so)."""
    import chipsim.report.build as build

    out = tmp_path / "silent"
    make_run(out, network_params={"rate_hz": 0.0})
    result = build.write_report(load_run(out))
    assert load_run(out).summary["spikes"] == 0
    for name in FIGURES:
        assert min(mpimg.imread(out / "report" / name).shape[:2]) >= 300
    latency = pd.read_parquet(out / "report" / "latency.parquet")
    assert latency["cycles"].isna().all() and (latency["packets"] == 0).all()
    assert len(result.files) >= 2 * len(TABLES) + len(FIGURES)


def test_report_command_prints_summary(run_dir):
    """`chipsim report DIR` prints the summary table and where the files are."""
    from chipsim.cli import cli

    result = CliRunner().invoke(cli, ["report", str(run_dir)])
    assert result.exit_code == 0, result.output
    assert "utilisation" in result.output and "latency p99" in result.output
    assert f"files in {run_dir / 'report'}" in result.output


def test_not_a_run_directory_exits_2(tmp_path):
    """A folder without summary.json exits 2 and names what is missing."""
    (tmp_path / "config.yaml").write_text("chip: {}\n")
    done = subprocess.run(
        [sys.executable, "-c", "from chipsim.cli import main; main()", "report", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "summary.json" in done.stderr and "Traceback" not in done.stderr
