"""`chipsim sweep` as a user runs it (a subprocess): run, rerun, plot, exit codes."""

import subprocess
import sys


def chipsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from chipsim.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sweep_runs_resumes_and_plots(write_sweep, tmp_path) -> None:
    """A sweep runs, a rerun runs nothing, --plot writes the PNGs."""
    path, out = write_sweep(grid={"noc.buffer_depth": [1, 4]}), tmp_path / "out"
    first = chipsim("sweep", str(path), "--out", str(out), "--workers", "1", "--quiet")
    assert first.returncode == 0, first.stderr
    assert "2 points: 2 ok, 0 failed; 2 run now, 0 already done" in first.stdout
    again = chipsim("sweep", str(path), "--out", str(out), "--quiet")
    assert "0 run now, 2 already done" in again.stdout
    plotted = chipsim("sweep", "--plot", str(out))
    assert plotted.returncode == 0, plotted.stderr
    assert (out / "plots" / "noc.buffer_depth.png").is_file()


def test_failed_point_exits_1_with_its_error(write_sweep, tmp_path) -> None:
    """A sweep with a failed point finishes the others, prints the error and exits 1."""
    path = write_sweep(grid={"pe.max_neurons": [2, 64]})
    result = chipsim("sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "1")
    assert result.returncode == 1
    assert "1 ok, 1 failed" in result.stdout and "MappingError" in result.stderr


def test_unknown_key_exits_2_without_traceback(write_sweep, tmp_path) -> None:
    """A sweep file with an unknown key path exits 2 naming the key, no Python traceback."""
    path = write_sweep(grid={"noc.bufer_depth": [1]})
    result = chipsim("sweep", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "noc.bufer_depth" in result.stderr and "Traceback" not in result.stderr
