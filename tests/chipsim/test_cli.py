"""The `chipsim` command: exit codes and messages, run as a user runs it (a subprocess)."""

import json
import subprocess
import sys
from pathlib import Path

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def chipsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from chipsim.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_info_json_reports_figures() -> None:
    """`chipsim info --json` prints the summary as JSON."""
    result = chipsim("info", str(CONFIGS / "tiny.yaml"), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pes"] == 8


def test_info_table_for_preset() -> None:
    """`chipsim info` on a preset prints a readable table with the PE count."""
    result = chipsim("info", str(CONFIGS / "spinnaker2.yaml"))
    assert result.returncode == 0, result.stderr
    assert "152" in result.stdout and "static power" in result.stdout


def test_validate_ok() -> None:
    """`chipsim validate` says the file is valid."""
    result = chipsim("validate", str(CONFIGS / "truenorth.yaml"))
    assert result.returncode == 0
    assert "valid" in result.stdout


def test_bad_override_exits_2_without_traceback() -> None:
    """A bad override exits with code 2 and one message, no Python traceback."""
    result = chipsim("validate", str(CONFIGS / "tiny.yaml"), "-s", "noc.buffer_depth=0")
    assert result.returncode == 2
    assert "noc.buffer_depth" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2(tmp_path) -> None:
    """A config that does not exist exits 2 and names the file."""
    result = chipsim("info", str(tmp_path / "none.yaml"))
    assert result.returncode == 2
    assert "none.yaml" in result.stderr and "Traceback" not in result.stderr


def test_unknown_command_exits_2() -> None:
    """Click's usage errors keep code 2."""
    assert chipsim("frobnicate").returncode == 2


def test_run_with_threads_writes_the_one_thread_summary(tmp_path) -> None:
    """`chipsim run --threads 2` (crossbar cores and NoC in two threads) counts what one
    thread counts; `--threads 0` is refused."""
    common = ["run", str(CONFIGS / "truenorth.yaml"), "--generator", "tn_characterisation",
              "-p", "cores=4", "--ticks", "60", "--quiet", "--no-report"]  # fmt: skip
    summaries = []
    for name, threads in (("one", "1"), ("two", "2")):
        result = chipsim(*common, "--threads", threads, "--out", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        summaries.append(json.loads((tmp_path / name / "summary.json").read_text()))
    counts = ("spikes", "packets_delivered", "synaptic_events", "flit_hops", "latency_mean_ns")
    assert summaries[0]["spikes"] > 0
    assert [summaries[0][k] for k in counts] == [summaries[1][k] for k in counts]
    refused = chipsim(*common, "--threads", "0", "--out", str(tmp_path / "zero"))
    assert refused.returncode == 2 and "--threads" in refused.stderr
