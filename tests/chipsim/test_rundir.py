"""Run directories appear whole or not at all."""

import json

import pytest

from chipsim.errors import UserError
from chipsim.rundir import RunDirectory, provenance


def test_published_on_success(tmp_path) -> None:
    """Files written inside the context appear under the final name afterwards."""
    out = tmp_path / "run"
    with RunDirectory(out) as run:
        run.write_json("summary.json", {"ticks": 3})
        assert not out.exists()
    assert json.loads((out / "summary.json").read_text()) == {"ticks": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_interrupted_run_leaves_nothing(tmp_path) -> None:
    """A KeyboardInterrupt inside the run leaves no directory that looks complete."""
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt), RunDirectory(out) as run:
        run.write_json("summary.json", {"ticks": 3})
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_existing_directory_is_not_clobbered(tmp_path) -> None:
    """An existing non-empty result needs overwrite=True."""
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep").write_text("x")
    with pytest.raises(UserError, match="exists and is not empty"), RunDirectory(out):
        pass
    assert (out / "keep").exists()
    with RunDirectory(out, overwrite=True) as run:
        run.write_json("summary.json", {})
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]


def test_provenance_fields() -> None:
    """Provenance names version, commit, command, seed, the kernels' SIMD paths and wall
    time."""
    info = provenance(seed=7, started=0.0, argv=["chipsim", "run"])
    assert info["seed"] == 7 and info["command"] == ["chipsim", "run"]
    assert info["git_commit"] and info["chipsim_version"]
    assert info["wall_time_s"] > 0
    paths = info["simd_paths"]
    assert paths["philox"] in {"scalar", "sse2", "avx2", "avx512"}
    assert paths["lif_fixed"] in {"scalar", "avx512"}
    assert paths["crossbar"] in {"scalar", "sse2", "avx512"}
