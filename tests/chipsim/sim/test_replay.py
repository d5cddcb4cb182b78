"""Replaying a recorded run gives the run's packets, NoC statistics and event counts."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chipsim.config import load_config
from chipsim.network import generate, load_network
from chipsim.run import run_network
from chipsim.traces import read_trace, write_trace

CONFIGS = Path(__file__).resolve().parents[3] / "configs"
FAST_TINY = ["chip.clock_hz=4e6", "chip.operating_points.0.frequency_hz=4e6", "noc.clock_hz=4e6"]
COUNTED = ("packets_sent", "packets_received", "synaptic_events", "search_steps", "spikes")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "run"
    network = generate(
        "random_balanced",
        {"n_neurons": 200, "fanin": 20, "inputs": 40, "input_fanin": 5, "rate_hz": 50.0,
         "input_weight": 4.0, "weight": 0.5, "delay_max": 3},
    )  # fmt: skip
    run_network(load_config(CONFIGS / "tiny.yaml", FAST_TINY), network, 30, seed=2, out=out)
    return out


def replay(run: Path, trace: Path):
    chip = load_config(CONFIGS / "tiny.yaml", FAST_TINY)
    spikes = read_trace(trace)
    return run_network(chip, load_network(run / "network.yaml"), 30, seed=2, replay=spikes)


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".npz"])
def test_replay_reproduces_the_run(recorded, tmp_path, suffix) -> None:
    """Same per-PE counts and per-router NoC counters as the recorded run, in every format."""
    trace = recorded / "spikes.parquet"
    if suffix != ".parquet":
        trace = tmp_path / f"spikes{suffix}"
        write_trace(trace, read_trace(recorded / "spikes.parquet"))
    result = replay(recorded, trace)
    pes = pd.read_parquet(recorded / "pes.parquet")
    for name in COUNTED:
        np.testing.assert_array_equal(result.recorder.pe[name], pes[name], err_msg=name)
    routers = pd.read_parquet(recorded / "routers.parquet")
    stats = result.recorder.noc_stats
    for name in ("buffer_writes", "crossbar_traversals", "blocked_cycles"):
        np.testing.assert_array_equal(getattr(stats, name), routers[name], err_msg=name)
    hist = pd.read_parquet(recorded / "latency_histogram.parquet")
    replayed = result.recorder.latency_histogram
    np.testing.assert_array_equal(replayed[hist.latency_cycles], hist.packets)
    assert replayed.sum() == hist.packets.sum()


def test_trace_without_cycles_emits_at_cost_model_cycles(recorded, tmp_path) -> None:
    """Without a cycle column the cost model gives the same emission cycles as the run."""
    full = read_trace(recorded / "spikes.parquet")
    trace = tmp_path / "nocycle.csv"
    pd.DataFrame({"tick": full.tick, "neuron": full.neuron}).to_csv(trace, index=False)
    result = replay(recorded, trace)
    pes = pd.read_parquet(recorded / "pes.parquet")
    np.testing.assert_array_equal(result.recorder.pe["synaptic_events"], pes["synaptic_events"])


def test_replay_cli_refuses_unknown_neuron(recorded, tmp_path) -> None:
    """A trace naming a neuron the network lacks exits 2 naming the row and the id."""
    trace = tmp_path / "bad.csv"
    trace.write_text("tick,neuron\n0,1\n1,99999\n")
    result = subprocess.run(
        [sys.executable, "-c", "from chipsim.cli import main; main()", "replay",
         str(CONFIGS / "tiny.yaml"), "--network", str(recorded / "network.yaml"),
         "--trace", str(trace), "--out", str(tmp_path / "out"), "--quiet"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "row 1: neuron 99999 does not exist" in result.stderr
    assert not (tmp_path / "out").exists()
