"""Validation before running: every point's config and workload load, or nothing runs."""

from pathlib import Path

import pytest

from chipsim.sweep import SweepError, plan_sweep, run_sweep

SWEEPS = Path(__file__).resolve().parents[3] / "configs" / "sweeps"


@pytest.fixture
def count_runs(monkeypatch) -> list:
    """Replace the point runner (in-process sweeps) with one that records its tasks."""
    calls = []

    def record(task):
        calls.append(task)
        return {"status": "ok", "error": None}

    monkeypatch.setattr("chipsim.sweep.runner.run_point", record)
    return calls


def test_unknown_key_fails_before_any_point_runs(write_sweep, tmp_path, count_runs) -> None:
    """A misspelt key path fails naming the key and the sweep file; nothing runs or is written."""
    path = write_sweep(grid={"noc.buffer_depth": [2, 4], "noc.bufer_depth": [1]})
    with pytest.raises(SweepError, match=r"sweep.yaml: .*noc\.bufer_depth.*unknown key"):
        run_sweep(path, tmp_path / "out", workers=1)
    assert count_runs == []
    assert not (tmp_path / "out").exists()


def test_bad_value_of_a_later_point_fails_up_front(write_sweep, tmp_path, count_runs) -> None:
    """A value that does not validate, even in the last point, stops the sweep before it starts."""
    path = write_sweep(grid={"noc.buffer_depth": [4, 8, 0]})
    with pytest.raises(SweepError, match=r"noc\.buffer_depth.*greater than 0"):
        run_sweep(path, tmp_path / "out", workers=1)
    assert count_runs == []


def test_unknown_placer_is_refused_listing_the_known(write_sweep, tmp_path) -> None:
    """`placer` values are checked against the registered placers."""
    path = write_sweep(grid={"placer": ["sequential", "best"]})
    with pytest.raises(SweepError, match="unknown placer 'best'; known: sequential"):
        plan_sweep(path, tmp_path / "out")


def test_unknown_workload_parameter_is_refused(write_sweep, tmp_path) -> None:
    """A swept generator parameter must be one the generator knows."""
    path = write_sweep(grid={"workload.params.rate": [10.0]})
    with pytest.raises(SweepError, match="generator.params.rate.*unknown key"):
        plan_sweep(path, tmp_path / "out")


def test_duplicate_points_are_refused(write_sweep, tmp_path) -> None:
    """Two identical points would share a run folder: refused."""
    path = write_sweep(points=[{"noc.buffer_depth": 2}, {"noc.buffer_depth": 2}])
    with pytest.raises(SweepError, match="appears more than once"):
        plan_sweep(path, tmp_path / "out")


def test_points_run_what_they_say(write_sweep, tmp_path) -> None:
    """Each task carries its overrides; keys a point does not set take the base's value."""
    path = write_sweep(points=[{"noc.buffer_depth": 8}, {"noc.flit_bits": 64}],
                       grid={"workload.params.rate_hz": [10.0, 30.0]}, seeds=[1, 2])  # fmt: skip
    tasks = plan_sweep(path, tmp_path / "out").tasks
    assert len(tasks) == 8
    first, last = tasks[0], tasks[-1]
    assert first.config.noc.buffer_depth == 8 and first.config.noc.flit_bits == 32
    assert last.config.noc.buffer_depth == 4 and last.config.noc.flit_bits == 64
    assert last.values == {"noc.buffer_depth": 4, "noc.flit_bits": 64,
                           "workload.params.rate_hz": 30.0}  # fmt: skip
    assert [t.point.seed for t in tasks[:2]] == [1, 2]
    assert first.config.chip.clock_hz == 4.0e6  # the fixed `set` overrides apply to all
    rates = [getattr(p, "rate_hz", None) for p in last.network.populations]
    assert 30.0 in rates  # the workload override reached the generated network
    assert first.folder == tmp_path / "out" / "points" / first.point.id


def test_workload_file_is_read_relative_to_the_sweep(tmp_path) -> None:
    """`workload: FILE` names a workload file beside the sweep; its keys can be swept."""
    (tmp_path / "w.yaml").write_text("generator: {name: synfire, params: {groups: 3}}\nticks: 7\n")
    sweep = tmp_path / "s.yaml"
    config = SWEEPS.parent / "tiny.yaml"
    sweep.write_text(f"config: {config}\nworkload: w.yaml\n"
                     "grid: {workload.params.groups: [2, 4], workload.ticks: [5]}\n")  # fmt: skip
    tasks = plan_sweep(sweep, tmp_path / "out").tasks
    assert [t.ticks for t in tasks] == [5, 5]
    assert [len(t.network.populations) for t in tasks] == [2 + 1, 4 + 1]  # groups + stimulus


@pytest.mark.parametrize("path", sorted(SWEEPS.glob("*.yaml")), ids=lambda p: p.stem)
def test_example_sweeps_are_valid_and_small(path, tmp_path) -> None:
    """Every example sweep in configs/sweeps validates and stays small (a laptop minute or two)."""
    plan = plan_sweep(path, tmp_path / "out")
    assert 4 <= len(plan.tasks) <= 30
