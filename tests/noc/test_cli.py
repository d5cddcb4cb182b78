"""`chipsim noc`: one rate, a sweep with a plot, JSON, and user errors (exit code 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from chipsim.cli import cli

CONFIG = str(Path(__file__).resolve().parents[2] / "configs" / "tiny.yaml")


def test_single_rate_prints_latency_and_throughput():
    result = CliRunner().invoke(cli, ["noc", CONFIG, "--rate", "0.1", "--cycles", "500"])
    assert result.exit_code == 0, result.output
    assert "2x2 mesh, 8 endpoints" in result.output
    assert "latency mean" in result.output and "accepted" in result.output


def test_sweep_json_and_plot(tmp_path):
    plot = tmp_path / "curve.png"
    args = ["noc", CONFIG, "--rates", "0.1:0.3:0.1", "--cycles", "300", "--json"]
    result = CliRunner().invoke(cli, [*args, "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [r["offered_rate"] for r in out["results"]] == [0.1, 0.2, 0.3]
    assert out["endpoints"] == 8
    assert plot.stat().st_size > 10_000


def test_user_errors_exit_with_code_2():
    for extra in (["--rate", "0.1", "--rates", "0.1:0.2:0.1"], ["--rates", "bad"]):
        run = subprocess.run(
            [sys.executable, "-c", "from chipsim.cli import main; main()", "noc", CONFIG, *extra],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 2 and run.stderr.startswith("error:"), run.stderr


def test_threads_give_the_same_results():
    """--threads 2 (two bands of the tiny chip's 2 rows) prints the one-thread results."""
    args = ["noc", CONFIG, "--rates", "0.1:0.3:0.1", "--cycles", "300", "--json"]
    outs = [CliRunner().invoke(cli, [*args, "--threads", n]) for n in ("1", "2")]
    assert all(o.exit_code == 0 for o in outs), outs[1].output
    one, two = (json.loads(o.output)["results"] for o in outs)
    for a, b in zip(one, two, strict=True):
        a.pop("wall_s"), b.pop("wall_s")
        assert a == b
