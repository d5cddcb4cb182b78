"""Trace replay on a TrueNorth-like (crossbar) chip gives the recorded run's packets, NoC
statistics and event counts; splitter neurons relay the replayed spikes."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chipsim.config import load_config
from chipsim.mapping.truenorth import map_truenorth
from chipsim.network import expand, load_network
from chipsim.run import run_network
from chipsim.traces import SpikeTrace, read_trace

CONFIGS = Path(__file__).resolve().parents[3] / "configs"
TICKS, SEED = 40, 3
COUNTED = ("packets_sent", "packets_received", "synaptic_events", "spikes", "busy_cycles")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory, mixed_tn_network) -> Path:
    out = tmp_path_factory.mktemp("runs") / "run"
    chip = load_config(CONFIGS / "truenorth.yaml")
    assert map_truenorth(chip, expand(mixed_tn_network, SEED), SEED).n_splitters > 0
    run_network(chip, mixed_tn_network, TICKS, seed=SEED, out=out)
    return out


def _replay(run: Path, trace: SpikeTrace):
    chip = load_config(CONFIGS / "truenorth.yaml")
    return run_network(chip, load_network(run / "network.yaml"), TICKS, seed=SEED, replay=trace)


@pytest.mark.parametrize("with_cycles", [True, False])
def test_crossbar_replay_reproduces_the_run(recorded, with_cycles) -> None:
    """Same per-core counts, router counters and latencies, with or without recorded cycles
    (without them the cost model gives the run's emission cycles)."""
    trace = read_trace(recorded / "spikes.parquet")
    assert trace.tick.size > 500
    if not with_cycles:
        trace = SpikeTrace(trace.tick, trace.neuron, None, trace.meta)
    result = _replay(recorded, trace)
    pes = pd.read_parquet(recorded / "pes.parquet")
    for name in COUNTED:
        np.testing.assert_array_equal(result.recorder.pe[name], pes[name], err_msg=name)
    routers = pd.read_parquet(recorded / "routers.parquet")
    for name in ("buffer_writes", "crossbar_traversals", "blocked_cycles"):
        np.testing.assert_array_equal(
            getattr(result.recorder.noc_stats, name), routers[name], err_msg=name
        )
    hist = pd.read_parquet(recorded / "latency_histogram.parquet")
    np.testing.assert_array_equal(
        result.recorder.latency_histogram[hist.latency_cycles], hist.packets
    )


def test_crossbar_replay_follows_the_trace(recorded) -> None:
    """Spikes come from the trace, not the dynamics: a trace with only the input's spikes
    gives a run with exactly those spikes recorded."""
    full = read_trace(recorded / "spikes.parquet")
    inputs = full.neuron < 45  # the sources 'input' and 'stim'
    trace = SpikeTrace(full.tick[inputs], full.neuron[inputs], None, full.meta)
    table = _replay(recorded, trace).recorder.spike_stream.table()
    tick, neuron = table.column("tick").to_numpy(), table.column("neuron").to_numpy()
    got, want = np.lexsort((neuron, tick)), np.lexsort((trace.neuron, trace.tick))
    assert want.size > 100
    np.testing.assert_array_equal(tick[got], trace.tick[want])
    np.testing.assert_array_equal(neuron[got], trace.neuron[want])
