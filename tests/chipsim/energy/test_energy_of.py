"""energy_of on configs/tiny.yaml: hand-computed cases, sums, DVFS and zero counts."""

import math
from pathlib import Path

import numpy as np
import pytest

from chipsim.config import load_config
from chipsim.energy import COMPONENTS, EventCounts, energy_of

TINY = Path(__file__).resolve().parents[3] / "configs" / "tiny.yaml"
TWO_POINTS = [
    "chip.operating_points=[{name: nominal, voltage_v: 1.0, frequency_hz: 1.0e6},"
    " {name: low, voltage_v: 0.8, frequency_hz: 0.5e6}]",
    "chip.per_pe_dvfs=true",
]


def hand_counts() -> EventCounts:
    """Events on PE 0 and router 0 of tiny (8 PEs, 4 routers) over 2 ms."""
    counts = EventCounts.zeros(8, 4)
    pe = dict(
        neuron_updates=100,
        synaptic_events=40,
        packets_sent=3,
        packets_received=5,
        sram_read_bytes=64,
        sram_write_bytes=32,
        dram_bytes=128,
        dma_transfers=2,
        busy_cycles=200,
    )
    router = dict(
        buffer_writes=10,
        buffer_reads=10,
        crossbar_traversals=10,
        vc_arbitrations=4,
        switch_input_arbitrations=10,
        switch_output_arbitrations=10,
    )
    values = {name: np.eye(1, 8, 0, dtype=np.int64)[0] * n for name, n in pe.items()}
    values |= {name: np.eye(1, 4, 0, dtype=np.int64)[0] * n for name, n in router.items()}
    link_flits = np.zeros((4, 4), dtype=np.int64)
    link_flits[0] = [3, 0, 5, 0]
    return counts.replace(**values, link_flits=link_flits, duration_s=2e-3)


def test_hand_computed_energy() -> None:
    """tiny.yaml figures x the hand-made counts, written out term by term."""
    report = energy_of(load_config(TINY), hand_counts())
    # PE 0 dynamic, pJ: 100 updates x 10 + 40 synaptic events x 5 + 3 sent x 3 + 5 received x 4
    # + (64 + 32) SRAM bytes x 1 + 128 DRAM bytes x 20 + 2 DMA x 6 + 200 busy cycles x 0.5
    pe0_dynamic = 100 * 10 + 40 * 5 + 3 * 3 + 5 * 4 + 96 * 1 + 128 * 20 + 2 * 6 + 200 * 0.5
    assert pe0_dynamic == 3997
    pe_static = 1.0 * 2e-3 * 1e9  # 1 mW x 2 ms = 2e6 pJ per PE
    # router 0, router_flit_pj = 2: buffer write and read 0.25 x 2 = 0.5 pJ each, crossbar
    # 0.4 x 2 = 0.8 pJ, each arbitration 0.1 x 2 / 3 pJ; 8 link flits x 1 pJ
    router0_dynamic = 10 * 0.5 + 10 * 0.5 + 10 * 0.8 + (4 + 10 + 10) * 0.2 / 3 + 8 * 1.0
    router_static = 0.5 * 2e-3 * 1e9
    chip_static = 2.0 * 2e-3 * 1e9
    assert report.pe_pj[0] == pytest.approx(pe0_dynamic + pe_static, rel=1e-12)
    np.testing.assert_allclose(report.pe_pj[1:], pe_static, rtol=1e-12)
    assert report.router_pj[0] == pytest.approx(router0_dynamic + router_static, rel=1e-12)
    np.testing.assert_allclose(report.router_pj[1:], router_static, rtol=1e-12)
    expected = pe0_dynamic + router0_dynamic + 8 * pe_static + 4 * router_static + chip_static
    assert report.total_pj == pytest.approx(expected, rel=1e-12)
    assert report.total_j == pytest.approx(expected * 1e-12, rel=1e-12)
    assert report.breakdown_pj["dram"] == pytest.approx(128 * 20 + 2 * 6)
    assert report.breakdown_pj["arbiters"] == pytest.approx(24 * 0.2 / 3)


def test_units_add_up_to_chip_total() -> None:
    """Per-PE + per-router + chip static, the breakdown and the frame rows all give the total."""
    report = energy_of(load_config(TINY), hand_counts())
    units = report.pe_pj.sum() + report.router_pj.sum() + report.chip_static_pj
    assert units == pytest.approx(report.total_pj, rel=1e-12)
    assert sum(report.breakdown_pj.values()) == pytest.approx(report.total_pj, rel=1e-12)
    assert set(report.breakdown_pj) == set(COMPONENTS)
    frame = report.as_frame()
    np.testing.assert_allclose(frame["energy_pj"], frame["count"] * frame["pj_per_count"])
    assert frame["energy_pj"].sum() == pytest.approx(report.total_pj, rel=1e-12)
    assert report.as_dict()["total_pj"] == report.total_pj


def test_zero_counts_give_static_energy_only() -> None:
    """No events: energy = (8 PEs x 1 + 4 routers x 0.5 + 2) mW x the time."""
    counts = EventCounts.zeros(8, 4).replace(duration_s=0.5)
    report = energy_of(load_config(TINY), counts)
    static_mw = 8 * 1.0 + 4 * 0.5 + 2.0
    assert report.total_pj == pytest.approx(static_mw * 0.5 * 1e9, rel=1e-12)
    assert report.mean_power_mw == pytest.approx(static_mw, rel=1e-12)
    dynamic = {k: v for k, v in report.breakdown_pj.items() if not k.endswith("static")}
    assert all(v == 0 for v in dynamic.values())


def test_unpowered_pe_has_no_static_energy() -> None:
    """Switching PE 2 off removes exactly its 1 mW of static power."""
    counts = EventCounts.zeros(8, 4).replace(duration_s=1.0)
    powered = np.ones(8, dtype=bool)
    powered[2] = False
    report = energy_of(load_config(TINY), counts.replace(powered=powered))
    assert report.pe_pj[2] == 0
    assert report.mean_power_mw == pytest.approx(7 * 1.0 + 4 * 0.5 + 2.0, rel=1e-12)


def test_dynamic_energy_scales_with_voltage_squared() -> None:
    """All PEs at 0.8 V: every dynamic PE figure but DRAM (own supply) scales by 0.8**2."""
    config = load_config(TINY, TWO_POINTS)
    counts = hand_counts()
    nominal = energy_of(config, counts)
    low = energy_of(config, counts.replace(operating_point=1))
    for item in ("neuron_updates", "synaptic_events", "sram_read_bytes", "busy_cycles"):
        assert low.pe_item_pj[item][0] == pytest.approx(0.64 * nominal.pe_item_pj[item][0])
    assert low.pe_item_pj["dram_bytes"][0] == nominal.pe_item_pj["dram_bytes"][0]
    leak = 0.8 * math.exp(-0.2 / 0.45)  # V / V_ref x exp((V - V_ref) / V_e)
    np.testing.assert_allclose(low.pe_item_pj["pe_static"], leak * nominal.pe_item_pj["pe_static"])


def test_per_pe_operating_point_changes_only_that_pe() -> None:
    """DVFS: PE 0 at 0.8 V changes PE 0's energy and nothing else."""
    config = load_config(TINY, TWO_POINTS)
    counts = hand_counts().replace(busy_cycles=[200, 50, 0, 0, 0, 0, 0, 7])
    base = energy_of(config, counts)
    points = np.zeros(8, dtype=np.int64)
    points[0] = 1
    dvfs = energy_of(config, counts.replace(operating_point=points))
    assert dvfs.pe_pj[0] < base.pe_pj[0]
    np.testing.assert_array_equal(dvfs.pe_pj[1:], base.pe_pj[1:])
    np.testing.assert_array_equal(dvfs.router_pj, base.router_pj)
    assert dvfs.chip_static_pj == base.chip_static_pj


def test_counts_of_another_chip_are_refused() -> None:
    """Counts sized for 9 PEs on an 8-PE chip fail naming both sizes."""
    with pytest.raises(ValueError, match="9 PEs and 4 routers.*8 PEs and 4 routers"):
        energy_of(load_config(TINY), EventCounts.zeros(9, 4))


def test_operating_point_out_of_range_is_refused() -> None:
    """tiny has one operating point: index 1 is refused."""
    with pytest.raises(ValueError, match="index 1 is out of range"):
        energy_of(load_config(TINY), EventCounts.zeros(8, 4, operating_point=1))


def test_mixed_points_without_per_pe_dvfs_are_refused() -> None:
    """A chip without per-PE DVFS cannot run PEs at different points."""
    config = load_config(TINY, TWO_POINTS[:1])
    points = np.array([0, 1, 0, 0, 0, 0, 0, 0], dtype=np.int64)
    with pytest.raises(ValueError, match="per_pe_dvfs false"):
        energy_of(config, EventCounts.zeros(8, 4).replace(operating_point=points))


def test_events_on_unpowered_pe_are_refused() -> None:
    """An unpowered PE that counted events is an inconsistent run."""
    counts = hand_counts().replace(powered=[False, True, True, True, True, True, True, True])
    with pytest.raises(ValueError, match="neuron_updates: PE 0 is unpowered"):
        energy_of(load_config(TINY), counts)


def test_router_shares_must_add_up_to_one() -> None:
    """Shares of router_flit_pj that add up to 1.1 are refused, naming the keys."""
    config = load_config(TINY, ["energy.router_crossbar_share=0.5"])
    with pytest.raises(ValueError, match="router_crossbar_share.*must add up to 1, got 1.1"):
        energy_of(config, EventCounts.zeros(8, 4))


def test_energy_of_summed_spans_is_the_sum_of_their_energies() -> None:
    """Adding two ticks' counts, then pricing them, equals pricing each and adding."""
    config = load_config(TINY)
    a = hand_counts()
    b = EventCounts.zeros(8, 4).replace(synaptic_events=7, link_flits=2, duration_s=1e-3)
    summed = energy_of(config, a + b)
    assert summed.total_pj == pytest.approx(
        energy_of(config, a).total_pj + energy_of(config, b).total_pj, rel=1e-12
    )
