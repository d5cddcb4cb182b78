"""The shared DRAM channel: FIFO transfers over one bandwidth; rows in DRAM cost run time."""

from pathlib import Path

import numpy as np

from chipsim.config import load_config
from chipsim.network import generate
from chipsim.run import run_network
from chipsim.sim.dram import DramChannel

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def test_transfers_queue_in_arrival_order() -> None:
    """1 GHz / 0.5 GB/s = 2 cycles per byte: 10 B at 0 -> 20; 10 B at 5 -> 40; 4 B at 100 -> 108."""
    channel = DramChannel(1e9, 0.5e9)
    ready = channel.fetch(np.array([5, 0, 100]), np.array([10, 10, 4]))
    np.testing.assert_array_equal(ready, [40, 20, 108])
    assert channel.free_at == 108 and channel.busy_cycles == 48
    # the channel stays busy across calls
    np.testing.assert_array_equal(channel.fetch(np.array([50]), np.array([1])), [110])


def test_slower_dram_makes_packets_late() -> None:
    """Rows in DRAM wait for the shared channel: at a low bandwidth they come too late."""
    network = generate(
        "random_balanced",
        {"n_neurons": 150, "fanin": 20, "inputs": 40, "input_fanin": 5, "rate_hz": 50.0,
         "input_weight": 4.0, "weight": 0.5},
    )  # fmt: skip
    base = ["pe.sram_bytes=6000", "chip.clock_hz=4e6", "chip.operating_points.0.frequency_hz=4e6",
            "noc.clock_hz=4e6"]  # fmt: skip
    fast = run_network(load_config(CONFIGS / "tiny.yaml", base), network, 20, seed=1)
    slow = run_network(
        load_config(CONFIGS / "tiny.yaml", [*base, "memory.dram_bandwidth_bytes_per_s=2e5"]),
        network, 20, seed=1,
    )  # fmt: skip
    assert fast.recorder.pe["dram_bytes"].sum() > 0
    assert fast.summary["late_packets"] == 0
    assert slow.summary["late_packets"] > 0
