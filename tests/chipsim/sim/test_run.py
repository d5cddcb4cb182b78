"""Chip runs: exactness against the ideal simulation, conservation, overruns, determinism."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chipsim.config import load_config
from chipsim.network import Network, generate
from chipsim.run import run_network
from chipsim.sim.ideal import simulate_ideal

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


FAST_TINY = ["chip.clock_hz=4e6", "chip.operating_points.0.frequency_hz=4e6", "noc.clock_hz=4e6"]
"""tiny.yaml at 4 MHz: its PEs keep up with the test networks (at 1 MHz they overrun)."""


def spikes_of(result) -> tuple[np.ndarray, np.ndarray]:
    table = result.recorder.spike_stream.table()
    tick, neuron = table.column("tick").to_numpy(), table.column("neuron").to_numpy()
    order = np.lexsort((neuron, tick))
    return tick[order], neuron[order]


def balanced(n: int, model: str = "lif_fixed", rate_hz: float = 50.0) -> Network:
    """A random balanced network driven hard enough to fire (about 20-30 Hz)."""
    return generate(
        "random_balanced",
        {"n_neurons": n, "fanin": 20, "inputs": 40, "input_fanin": 5, "rate_hz": rate_hz,
         "input_weight": 4.0, "weight": 0.5, "delay_max": 3, "model": model},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("config", "n", "model", "overrides"),
    [("tiny.yaml", 150, "lif_fixed", FAST_TINY), ("tiny.yaml", 300, "lif_float", FAST_TINY),
     ("tiny.yaml", 400, "lif_fixed", [*FAST_TINY, "noc.routing=xy"]),
     ("spinnaker2.yaml", 3000, "lif_fixed", [])],
)  # fmt: skip
def test_run_equals_ideal_when_nothing_is_late(config, n, model, overrides) -> None:
    """With no late or dropped packet, a chip run gives exactly the ideal simulation's spikes."""
    chip = load_config(CONFIGS / config, overrides)
    network = balanced(n, model)
    result = run_network(chip, network, ticks=40, seed=3)
    assert result.summary["late_packets"] == 0
    assert result.summary["dropped_noc_packets"] == 0
    assert result.summary["spikes"] > 100  # the network is active
    ideal = simulate_ideal(network, 40, seed=3, dt_s=chip.chip.tick_s)
    tick, neuron = spikes_of(result)
    np.testing.assert_array_equal(tick, ideal.tick)
    np.testing.assert_array_equal(neuron, ideal.neuron)


@pytest.mark.parametrize(
    "overrides",
    [
        ["noc.buffer_depth=1"],
        # a 20 kHz NoC (20 cycles a tick) is saturated: packets queue for ticks
        ["noc.buffer_depth=1", "noc.clock_hz=2e4"],
        # the same with drop-after-N-cycles routers; unicast, since a dropped multicast copy
        # counts once however many destinations it would still have reached
        [
            "noc.clock_hz=2e4",
            "noc.routing=xy",
            "noc.blocked_policy=drop",
            "noc.drop_after_cycles=8",
        ],
    ],
    ids=["shallow-buffers", "saturated", "saturated-dropping"],
)
def test_every_packet_copy_is_delivered_or_counted(overrides) -> None:
    """Conservation: each spike reaches each destination PE once, or is counted dropped."""
    chip = load_config(CONFIGS / "tiny.yaml", overrides)
    result = run_network(chip, balanced(400), ticks=30, seed=1)
    if "noc.clock_hz=2e4" in overrides:  # the NoC really is saturated: late or dropped
        assert result.summary["late_packets"] + result.summary["dropped_noc_packets"] > 0
    program = result.mapping.program
    tick, neuron = spikes_of(result)
    slices = program.slices.of_neurons(neuron)
    expected = int((program.dest_ptr[slices + 1] - program.dest_ptr[slices]).sum())
    stats = result.recorder.noc_stats
    delivered = int(result.recorder.latency_histogram.sum())
    assert result.summary["in_flight_at_end"] == 0
    assert delivered + stats.drops == expected


def test_overrunning_network_runs_to_the_end_and_counts_overruns() -> None:
    """A network too busy for its tick still runs every tick; overruns are counted per PE."""
    chip = load_config(CONFIGS / "tiny.yaml", ["pe.cycle_costs.synaptic_event_cycles=400"])
    result = run_network(chip, balanced(400), ticks=20, seed=1)
    assert result.summary["ticks"] == 20
    assert result.summary["overrun_pe_ticks"] > 0
    per_pe = result.recorder.pe["overrun_ticks"]
    assert per_pe.sum() == result.summary["overrun_pe_ticks"]
    ticks = result.recorder.tick_stream.frame()
    assert list(ticks["tick"]) == list(range(20))
    assert ticks["overrun_pes"].sum() == result.summary["overrun_pe_ticks"]


@pytest.mark.parametrize("threads", [1, 3])
def test_same_seed_gives_identical_tables(tmp_path, threads) -> None:
    """Two runs with one seed write byte-identical spike and statistics tables, also when the
    second shares the synaptic processing among threads."""
    chip = load_config(CONFIGS / "tiny.yaml")
    network = balanced(200)
    for name, n in (("a", 1), ("b", threads)):
        run_network(chip, network, ticks=20, seed=5, out=tmp_path / name, threads=n)
    for table in ("spikes.parquet", "ticks.parquet", "pe_ticks.parquet", "pes.parquet",
                  "routers.parquet"):  # fmt: skip
        a = pd.read_parquet(tmp_path / "a" / table)
        b = pd.read_parquet(tmp_path / "b" / table)
        pd.testing.assert_frame_equal(a, b)
    assert (tmp_path / "a" / "spikes.parquet").read_bytes() == (
        tmp_path / "b" / "spikes.parquet"
    ).read_bytes()


def test_repeated_input_events_are_merged_and_reported() -> None:
    """Two events of one input neuron in one tick are one spike, and the run says so."""
    network = Network.model_validate(
        {"populations": [
            {"name": "in", "size": 4, "model": "spike_array",
             "spikes": [[0, 1], [0, 1], [1, 2], [3, 1], [3, 1], [3, 1]]},
            {"name": "out", "size": 4, "model": "lif_fixed"}],
         "projections": [{"pre": "in", "post": "out", "weight": 1.0,
                          "connector": {"kind": "one_to_one"}}]}
    )  # fmt: skip
    result = run_network(load_config(CONFIGS / "tiny.yaml"), network, ticks=5, seed=0)
    assert result.summary["merged_source_events"] == 3
    tick, neuron = spikes_of(result)
    inputs = neuron < 4
    assert list(zip(tick[inputs], neuron[inputs], strict=True)) == [(0, 1), (1, 2), (3, 1)]
