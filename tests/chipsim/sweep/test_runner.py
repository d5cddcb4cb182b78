"""Running sweeps: rows per point, failing points, resuming, interruption, local processes."""

import pandas as pd
import pytest

from chipsim.sweep import SweepError, run_sweep
from chipsim.sweep import point as point_module

MACHINE_DEPENDENT = ["wall_time_s", "ticks_per_s", "real_time_factor", "simulation_cpu_s"]
"""Columns that depend on the machine, not on the simulation."""


@pytest.fixture
def counted(monkeypatch) -> list:
    """Count the points an in-process sweep runs (the real runner still runs them)."""
    calls = []

    def run(task):
        calls.append(task.point.id)
        return point_module.run_point(task)

    monkeypatch.setattr("chipsim.sweep.runner.run_point", run)
    return calls


def test_rows_hold_what_a_direct_run_gives(write_sweep, direct_run, tmp_path) -> None:
    """Each row's figures are the summary of the same run made with chipsim.run directly."""
    path = write_sweep(grid={"noc.buffer_depth": [1, 4]}, seeds=[3])
    table = run_sweep(path, tmp_path / "out", workers=1).table
    assert list(table["status"]) == ["ok", "ok"]
    assert list(table["noc.buffer_depth"]) == [1, 4]
    direct = direct_run({"noc.buffer_depth": 1}, seed=3)
    row = table.iloc[0]
    assert direct["packets_delivered"] > 0
    for key in ("spikes", "packets_delivered", "latency_mean_ns", "flit_hops", "late_packets"):
        assert row[key] == direct[key], key
    assert row["throughput_packets_per_s"] == direct["packets_delivered"] / direct["simulated_s"]
    assert (tmp_path / "out" / "points" / row["point_id"] / "summary.json").is_file()


def test_failing_point_is_recorded_and_the_rest_go_on(write_sweep, tmp_path) -> None:
    """A point whose network does not fit fails with its error; the other points still run."""
    path = write_sweep(grid={"pe.max_neurons": [64, 2, 32]})
    table = run_sweep(path, tmp_path / "out", workers=1).table
    assert list(table["status"]) == ["ok", "failed", "ok"]
    failed = table.iloc[1]
    assert "MappingError" in failed["error"] and pd.isna(failed["spikes"])
    assert table.iloc[[0, 2]]["error"].isna().all()
    assert not (tmp_path / "out" / "points" / failed["point_id"]).exists()
    on_disk = pd.read_parquet(tmp_path / "out" / "results.parquet")
    assert list(on_disk["status"]) == ["ok", "failed", "ok"]


def test_rerun_runs_only_unfinished_points(write_sweep, tmp_path, counted) -> None:
    """Rerunning a sweep whose point folder was deleted runs that point alone, same table."""
    path, out = write_sweep(grid={"noc.buffer_depth": [1, 2, 4]}, seeds=[0, 1]), tmp_path / "out"
    first = run_sweep(path, out, workers=1)
    assert len(counted) == 6 and first.ran == 6
    folders = sorted((out / "points").iterdir())
    mtimes = {f.name: (f / "summary.json").stat().st_mtime_ns for f in folders}
    lost = folders[2].name
    for item in folders[2].iterdir():
        item.unlink()
    folders[2].rmdir()
    counted.clear()
    second = run_sweep(path, out, workers=1)
    assert counted == [lost] and (second.ran, second.skipped) == (1, 5)
    for name, mtime in mtimes.items():
        if name != lost:
            assert (out / "points" / name / "summary.json").stat().st_mtime_ns == mtime
    pd.testing.assert_frame_equal(first.table.drop(columns=MACHINE_DEPENDENT),
                                  second.table.drop(columns=MACHINE_DEPENDENT))  # fmt: skip


def test_interrupted_sweep_keeps_finished_points_and_resumes(
    write_sweep, tmp_path, monkeypatch
) -> None:
    """Ctrl-C during the third point: two rows stay on disk, and a rerun runs the rest only."""
    path, out = write_sweep(grid={"noc.buffer_depth": [1, 2, 4, 8]}), tmp_path / "out"
    calls = []

    def interrupted(task):
        calls.append(task.point.id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return point_module.run_point(task)

    monkeypatch.setattr("chipsim.sweep.runner.run_point", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(path, out, workers=1)
    saved = pd.read_parquet(out / "results.parquet")
    assert list(saved["noc.buffer_depth"]) == [1, 2] and set(saved["status"]) == {"ok"}
    assert len(list((out / "points").iterdir())) == 2
    monkeypatch.setattr("chipsim.sweep.runner.run_point", point_module.run_point)
    result = run_sweep(path, out, workers=1)
    assert (result.ran, result.skipped) == (2, 2)
    assert list(result.table["noc.buffer_depth"]) == [1, 2, 4, 8]


def test_local_processes_give_the_same_table(write_sweep, tmp_path) -> None:
    """Points run in spawned worker processes give the table of an in-process sweep."""
    path = write_sweep(grid={"noc.buffer_depth": [1, 4], "placer": ["sequential", "random"]})
    inline = run_sweep(path, tmp_path / "a", workers=1).table
    pooled = run_sweep(path, tmp_path / "b", workers=2).table
    pd.testing.assert_frame_equal(inline.drop(columns=MACHINE_DEPENDENT),
                                  pooled.drop(columns=MACHINE_DEPENDENT))  # fmt: skip


def test_folder_of_another_base_is_refused(write_sweep, tmp_path) -> None:
    """Resuming into a folder made from another base config is an error, not a silent mix."""
    out = tmp_path / "out"
    run_sweep(write_sweep(grid={"noc.buffer_depth": [4]}), out, workers=1)
    changed = write_sweep(grid={"noc.buffer_depth": [4]}, set={"noc.flit_bits": 64})
    with pytest.raises(SweepError, match="another base config or workload"):
        run_sweep(changed, out, workers=1)


def test_adding_grid_values_runs_only_the_new_points(write_sweep, tmp_path, counted) -> None:
    """A grid extended after a sweep ran keeps the finished points (same base, same ids)."""
    out = tmp_path / "out"
    run_sweep(write_sweep(grid={"noc.buffer_depth": [1, 2]}), out, workers=1)
    counted.clear()
    result = run_sweep(write_sweep(grid={"noc.buffer_depth": [1, 2, 8]}), out, workers=1)
    assert len(counted) == 1 and list(result.table["noc.buffer_depth"]) == [1, 2, 8]


def test_staging_folders_of_points_cut_short_are_removed(write_sweep, tmp_path) -> None:
    """A killed worker's hidden staging folder is cleared by the next run of the sweep."""
    path, out = write_sweep(grid={"noc.buffer_depth": [4]}), tmp_path / "out"
    run_sweep(path, out, workers=1)
    staging = out / "points" / ".0123456789ab.partial-99999"
    staging.mkdir()
    run_sweep(path, out, workers=1)
    assert not staging.exists()


def test_changed_default_placer_is_another_base(write_sweep, tmp_path) -> None:
    """Point ids hash only the overrides, so a changed default placer must not reuse points."""
    out = tmp_path / "out"
    run_sweep(write_sweep(grid={"noc.buffer_depth": [4]}), out, workers=1)
    with pytest.raises(SweepError, match="another base config or workload"):
        run_sweep(write_sweep(grid={"noc.buffer_depth": [4]}, placer="random"), out, workers=1)
