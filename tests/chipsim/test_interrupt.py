"""Ctrl-C during `chipsim run` stops cleanly and leaves no run folder that looks complete."""

import signal
import subprocess
import sys
import time
from pathlib import Path

CONFIGS = Path(__file__).resolve().parents[1].parent / "configs"


def test_ctrl_c_leaves_no_run_folder(tmp_path) -> None:
    """SIGINT mid-run: exit code 130, a one-line message, no folder under --out's name."""
    out = tmp_path / "run"
    process = subprocess.Popen(
        [sys.executable, "-c", "from chipsim.cli import main; main()", "run",
         str(CONFIGS / "tiny.yaml"), "--generator", "synfire", "-p", "groups=4",
         "-p", "group_size=10", "-p", "loop=true", "--ticks", "1000000", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.time() + 60
    while not any(tmp_path.iterdir()) and time.time() < deadline:  # the run has started
        time.sleep(0.1)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
