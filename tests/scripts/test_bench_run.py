"""scripts/bench_run.py's summary of repeated runs (the median run, the range, the check that
repeated runs agree)."""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


@pytest.fixture(scope="module")
def bench_run():
    sys.path.insert(0, str(SCRIPTS))  # bench_run imports its neighbour benchdoc
    try:
        spec = importlib.util.spec_from_file_location("bench_run", SCRIPTS / "bench_run.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(SCRIPTS))


def run(simulation_s: float, mapping_s: float = 10.0, peak: int = 1 << 30, spikes: int = 5):
    summary = {
        "wall_time_s": mapping_s + simulation_s,
        "wall_time_by_part_s": {"mapping": mapping_s, "noc": simulation_s / 2},
        "simulated_s": 0.5,
        "spikes": spikes,
        "synaptic_events": 50,
        "packets_delivered": 7,
        "late_packets": 1,
        "simulation_cpu_s": simulation_s,
    }
    return {"case": "truenorth", "summary": summary, "peak_bytes": peak, "params": {}}


def test_median_run_is_the_middle_one_with_the_range_and_the_largest_peak(bench_run):
    runs = [run(9.0, peak=3 << 30), run(8.0, mapping_s=30.0), run(11.0)]
    chosen = bench_run.median_run(runs)
    assert chosen["summary"]["wall_time_s"] == 19.0  # 9 s of simulation, not 30 s of mapping
    assert chosen["factors"] == [16.0, 18.0, 22.0]  # simulation s / simulated s, in order
    assert chosen["peak_bytes"] == 3 << 30
    row = bench_run.render([chosen], 500, {"threads": 2}, repeat=3)
    assert "| 18.0 (16.0-22.0) |" in row
    assert "--threads 2 --repeat 3" in row


def test_one_run_has_no_range(bench_run):
    chosen = bench_run.median_run([run(9.0)])
    assert "| 18.0 |" in bench_run.render([chosen], 500, {})


def test_repeated_runs_that_differ_in_a_count_are_refused(bench_run):
    with pytest.raises(SystemExit, match="truenorth: repeated runs differ in spikes"):
        bench_run.median_run([run(9.0), run(9.5, spikes=6)])
