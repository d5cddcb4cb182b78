"""TrueNorth-like chips: a run on the NoC reproduces the ideal simulation of the mapped network."""

from pathlib import Path

import numpy as np
import pytest

from chipsim.config import load_config
from chipsim.mapping.truenorth import map_truenorth
from chipsim.network import expand, generate
from chipsim.run import run_network
from chipsim.sim.truenorth_ideal import simulate_truenorth_ideal

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def test_truenorth_run_equals_ideal_when_nothing_is_late() -> None:
    """16 characterisation cores for 60 ticks: the same spikes as ideal delivery, none late."""
    chip = load_config(CONFIGS / "truenorth.yaml")
    network = generate("tn_characterisation", {"cores": 16})
    result = run_network(chip, network, ticks=60, seed=4)
    assert result.summary["late_packets"] == 0
    assert result.summary["dropped_noc_packets"] == 0
    assert result.summary["spikes"] > 1000
    ideal = simulate_truenorth_ideal(map_truenorth(chip, expand(network, 4), 4), 60, seed=4)
    table = result.recorder.spike_stream.table()
    tick, neuron = table.column("tick").to_numpy(), table.column("neuron").to_numpy()
    order = np.lexsort((neuron, tick))
    np.testing.assert_array_equal(tick[order], ideal.tick)
    np.testing.assert_array_equal(neuron[order], ideal.neuron)
    # every crossbar synaptic event is counted on its core
    assert result.summary["synaptic_events"] == result.recorder.pe["synaptic_events"].sum() > 0


def test_slow_truenorth_noc_drops_late_spikes() -> None:
    """With a 20 kHz NoC (20 cycles a tick, up to 15 hops) spikes are late and dropped."""
    chip = load_config(CONFIGS / "truenorth.yaml", ["noc.clock_hz=2e4"])
    network = generate("tn_characterisation", {"cores": 16})
    result = run_network(chip, network, ticks=120, seed=4)
    assert result.summary["late_packets"] > 0
    assert result.summary["dropped_late_packets"] == result.summary["late_packets"]


@pytest.mark.parametrize("threads", [{"threads": 2}, {"threads": 3, "noc_threads": 1},
                                     {"noc_threads": 2}])  # fmt: skip
def test_threads_give_the_same_run(threads) -> None:
    """Threads sharing the crossbar cores' kernels and the NoC's routers (bands of mesh
    rows), or either alone, reproduce the one-thread run: spikes, per-core counts and router
    counters."""
    chip = load_config(CONFIGS / "truenorth.yaml")
    network = generate("tn_characterisation", {"cores": 16})
    runs = [run_network(chip, network, ticks=60, seed=4, **options) for options in ({}, threads)]
    assert runs[0].recorder.noc_stats.flit_hops > 10_000
    for name in ("packets_received", "synaptic_events", "busy_cycles"):
        np.testing.assert_array_equal(runs[0].recorder.pe[name], runs[1].recorder.pe[name])
    for name in ("buffer_writes", "blocked_cycles", "max_buffer_occupancy_flits"):
        a, b = (getattr(r.recorder.noc_stats, name) for r in runs)
        np.testing.assert_array_equal(a, b, err_msg=name)
    tables = [r.recorder.spike_stream.table() for r in runs]
    assert tables[0].equals(tables[1])


def test_noc_threads_default_and_cap() -> None:
    """--threads reaches an XY-routed NoC whose flits cannot fly (noc/README.md, "Flits in
    flight"), not one whose flits can or a table-routed one; --noc-threads overrides; never
    more than the cores this process may use."""
    import os

    from chipsim.run import run_noc_threads

    cores = len(os.sched_getaffinity(0))
    flying = load_config(CONFIGS / "truenorth.yaml")
    xy = load_config(CONFIGS / "truenorth.yaml", ["noc.buffer_depth=2"])  # Lk + 1: no flight
    tables = load_config(CONFIGS / "spinnaker2.yaml")
    assert run_noc_threads(xy, 1, None) == 1
    assert run_noc_threads(xy, 2, None) == min(2, cores)
    assert run_noc_threads(flying, 2, None) == 1
    assert run_noc_threads(flying, 2, 2) == min(2, cores)
    assert run_noc_threads(tables, 2, None) == 1
    assert run_noc_threads(tables, 1, 2) == min(2, cores)
    assert run_noc_threads(xy, 1, 10_000) == cores
