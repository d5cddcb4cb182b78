"""`chipsim compare`: differences first, none for a run with itself."""

from click.testing import CliRunner

from chipsim.report.compare import compare_runs, differences
from chipsim.report.rundata import flatten, load_run


def test_compare_run_with_itself_has_no_difference(run_dir):
    """Every row of a run compared with itself is equal (wall-time figures are 'timing')."""
    frame = compare_runs(load_run(run_dir), load_run(run_dir))
    assert len(differences(frame)) == 0
    assert set(frame["status"]) == {"equal", "timing"}
    assert set(frame.loc[frame["status"] == "timing", "key"]) == {
        "wall_time_s", "ticks_per_s", "real_time_factor", "wall_time_by_part_s",
        "simulation_cpu_s",
    }  # fmt: skip
    assert {"config", "workload", "summary"} <= set(frame["section"])


def test_two_runs_of_the_same_workload_have_no_difference(run_dir, make_run, tmp_path):
    """A second run of the same config, workload and seed differs only in timing figures."""
    again = make_run(tmp_path / "again")
    frame = compare_runs(load_run(run_dir), load_run(again))
    assert len(differences(frame)) == 0
    assert "wall_time_by_part_s" in set(frame.loc[frame["status"] == "timing", "key"])


def test_one_override_is_listed_first(run_dir, make_run, tmp_path):
    """Two runs that differ in one config override: that key is the first and only config
    difference; the results it changed follow."""
    other = make_run(tmp_path / "deep", overrides=["noc.buffer_depth=1"])
    frame = compare_runs(load_run(run_dir), load_run(other))
    first = frame.iloc[0]
    assert (first["section"], first["key"], first["a"], first["b"]) == (
        "config", "noc.buffer_depth", "4", "1",
    )  # fmt: skip
    diff = differences(frame)
    assert list(diff.loc[diff["section"] == "config", "key"]) == ["noc.buffer_depth"]
    assert list(diff["section"]) == sorted(diff["section"], key=["config", "summary"].index)


def test_compare_command_writes_tables(run_dir, tmp_path):
    """`chipsim compare A A --out` says there is no difference and writes the table and the
    energy breakdowns side by side."""
    from chipsim.cli import cli

    result = CliRunner().invoke(
        cli, ["compare", str(run_dir), str(run_dir), "--out", str(tmp_path / "cmp")]
    )
    assert result.exit_code == 0, result.output
    assert "no difference" in result.output
    assert (tmp_path / "cmp" / "compare.csv").is_file()
    assert (tmp_path / "cmp" / "compare_energy.png").stat().st_size > 10_000


def test_flatten_gives_dotted_keys():
    """Nested dicts become dotted keys; lists of dicts are indexed; plain lists stay values."""
    data = {"noc": {"buffer_depth": 4}, "points": [{"name": "a"}], "models": ["lif", "egru"]}
    assert flatten(data) == {
        "noc.buffer_depth": 4, "points.0.name": "a", "models": ["lif", "egru"],
    }  # fmt: skip
