"""`chipsim info` figures for configs/tiny.yaml, checked against values worked out by hand."""

from pathlib import Path

import pytest

from chipsim.config import load_config
from chipsim.info import summarise

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def test_tiny_summary_matches_hand_computation(tiny_config_path) -> None:
    """tiny: 2 x 2 routers x 2 PEs, 64 neurons, 4096 synapses, 64 KiB, 1 MHz, 4 cycles/event."""
    s = summarise(load_config(tiny_config_path))
    assert s.pes == 2 * 2 * 2 == 8
    assert s.routers == 4
    assert s.neuron_capacity == 8 * 64 == 512
    assert s.synapse_capacity == 8 * 4096 == 32768
    assert s.sram_total_bytes == 8 * 65536 == 524288
    assert s.cycles_per_tick == 1000  # 1 MHz x 1 ms
    # a 2 x 2 mesh cut in half is crossed by 2 links per direction; 2 directions x 32 bit x 1 MHz
    assert s.noc_bisection_links == 2
    assert s.noc_bisection_bandwidth_bits_per_s == pytest.approx(2 * 2 * 32 * 1e6)
    # 8 PEs x 1 MHz / 4 cycles per synaptic event
    assert s.peak_synaptic_events_per_s == pytest.approx(2e6)
    # 8 PEs x 1 mW + 4 routers x 0.5 mW + 2 mW
    assert s.static_power_mw == pytest.approx(12.0)


def test_torus_doubles_bisection(tiny_config_path) -> None:
    """Wrap-around links cross the bisection too: a torus has twice the links of a mesh."""
    s = summarise(load_config(tiny_config_path, ["topology.torus=true"]))
    assert s.noc_bisection_links == 4


def test_unpopulated_routers_have_no_pes(tiny_config_path) -> None:
    """A router listed as unpopulated still routes but adds no PEs."""
    s = summarise(load_config(tiny_config_path, ["topology.unpopulated=[[0, 1]]"]))
    assert (s.routers, s.pes) == (4, 6)


def test_spinnaker2_static_power_is_published_idle_power() -> None:
    """At 0.5 V, idle power of all PEs plus the all-off baseline is the published 235 mW."""
    s = summarise(load_config(CONFIGS / "spinnaker2.yaml"))
    assert s.static_power_mw == pytest.approx(235.0, rel=0.01)
