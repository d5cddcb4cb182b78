"""Per-event energies follow the stated rules when the design moves off its reference point."""

from pathlib import Path

import numpy as np
import pytest

from chipsim.config import load_config
from chipsim.energy import EventCounts, energy_of

TINY = Path(__file__).resolve().parents[3] / "configs" / "tiny.yaml"


def router_counts(n_pes: int = 8) -> EventCounts:
    """One second in which every router buffered, switched and sent 1000 flits."""
    full = np.full(4, 1000, dtype=np.int64)
    return EventCounts.zeros(n_pes, 4).replace(
        buffer_writes=full,
        buffer_reads=full,
        crossbar_traversals=full,
        vc_arbitrations=full,
        switch_input_arbitrations=full,
        switch_output_arbitrations=full,
        link_flits=np.full((4, 4), 250, dtype=np.int64),
        sram_read_bytes=np.full(n_pes, 4096, dtype=np.int64),
        duration_s=1.0,
    )


def energy(overrides: list[str], n_pes: int = 8):
    return energy_of(load_config(TINY, overrides), router_counts(n_pes))


def test_doubling_buffer_depth_raises_buffer_energy_by_the_bitline_rule() -> None:
    """Depth 4 -> 8 with bitline share 0.5: buffer energy x (0.5 + 0.5 x 2) = 1.5, leakage x 2."""
    base = energy([])
    deep = energy(["noc.buffer_depth=8"])
    assert deep.breakdown_pj["router_buffers"] == pytest.approx(
        1.5 * base.breakdown_pj["router_buffers"], rel=1e-12
    )
    assert deep.breakdown_pj["router_static"] == pytest.approx(
        2.0 * base.breakdown_pj["router_static"], rel=1e-12
    )
    assert deep.breakdown_pj["crossbar"] == base.breakdown_pj["crossbar"]
    assert deep.total_pj > base.total_pj


def test_virtual_channels_grow_buffers_and_arbiters() -> None:
    """2 VCs: buffer entries x 2 (energy x 1.5); VC arbiter x 2, switch-input arbiter x 2."""
    base = energy([])
    vcs = energy(["noc.virtual_channels=2"])
    assert vcs.router_item_pj["buffer_reads"][0] == pytest.approx(
        1.5 * base.router_item_pj["buffer_reads"][0]
    )
    for item in ("vc_arbitrations", "switch_input_arbitrations"):
        assert vcs.router_item_pj[item][0] == pytest.approx(2 * base.router_item_pj[item][0])
    assert vcs.router_item_pj["switch_output_arbitrations"][0] == pytest.approx(
        base.router_item_pj["switch_output_arbitrations"][0]
    )


def test_flit_width_scales_buffers_links_and_crossbar() -> None:
    """Flits 32 -> 64 bits: buffers and links x 2, crossbar x 2**2 = 4."""
    base = energy([])
    wide = energy(["noc.flit_bits=64"])
    for component, factor in (("router_buffers", 2.0), ("links", 2.0), ("crossbar", 4.0)):
        assert wide.breakdown_pj[component] == pytest.approx(
            factor * base.breakdown_pj[component], rel=1e-12
        )


def test_router_ports_scale_crossbar_and_arbiters() -> None:
    """4 PEs per router: 8 ports instead of 6, crossbar and switch-output arbiter x 8/6."""
    base = energy([])
    ported = energy(["topology.pes_per_router=4"], n_pes=16)
    for item in ("crossbar_traversals", "switch_output_arbitrations", "vc_arbitrations"):
        assert ported.router_item_pj[item][0] == pytest.approx(
            8 / 6 * base.router_item_pj[item][0], rel=1e-12
        )


def test_sram_size_raises_access_energy_as_sqrt_and_leakage_linearly() -> None:
    """SRAM 64 KiB -> 256 KiB (same banks): pJ/byte x sqrt(4) = 2; SRAM leakage share x 4."""
    base = energy([])
    big = energy(["pe.sram_bytes=262144"])
    assert big.breakdown_pj["sram"] == pytest.approx(2.0 * base.breakdown_pj["sram"], rel=1e-12)
    share = 0.3  # pe_static_sram_share of tiny.yaml
    factor = (1 - share) + share * 4
    assert big.breakdown_pj["pe_static"] == pytest.approx(
        factor * base.breakdown_pj["pe_static"], rel=1e-12
    )


def test_more_banks_of_the_same_sram_cost_less_per_access() -> None:
    """4 banks instead of 2: each bank half the size, pJ/byte x sqrt(1/2); leakage unchanged."""
    base = energy([])
    banked = energy(["pe.sram_banks=4"])
    assert banked.breakdown_pj["sram"] == pytest.approx(
        np.sqrt(0.5) * base.breakdown_pj["sram"], rel=1e-12
    )
    assert banked.breakdown_pj["pe_static"] == base.breakdown_pj["pe_static"]


def test_uncore_voltage_scales_routers_not_pes() -> None:
    """A 0.9 V uncore scales router dynamic energy by 0.81 and leaves PE energy alone."""
    base = energy([])
    low = energy(["energy.uncore_voltage_v=0.9"])
    assert low.breakdown_pj["crossbar"] == pytest.approx(0.81 * base.breakdown_pj["crossbar"])
    np.testing.assert_array_equal(low.pe_pj, base.pe_pj)
