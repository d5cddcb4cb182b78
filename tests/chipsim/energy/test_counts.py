"""EventCounts: zeros, addition of spans, and clear errors for malformed counts."""

from types import SimpleNamespace

import numpy as np
import pytest

from chipsim.energy import PE_COUNTS, ROUTER_COUNTS, EventCounts


def test_zeros_has_the_requested_shapes() -> None:
    """zeros(3, 2): int64[3] per PE, int64[2] per router, int64[2, 4] links, no time."""
    counts = EventCounts.zeros(3, 2, operating_point=1)
    for name in PE_COUNTS:
        assert getattr(counts, name).shape == (3,)
    for name in ROUTER_COUNTS:
        assert getattr(counts, name).shape == (2,)
    assert counts.link_flits.shape == (2, 4)
    assert counts.operating_point.tolist() == [1, 1, 1]
    assert counts.powered.all() and counts.duration_s == 0.0


def test_adding_spans_adds_events_and_time() -> None:
    """Two ticks of counts add field by field; operating points are kept."""
    a = EventCounts.zeros(2, 1).replace(neuron_updates=[1, 2], link_flits=[[1, 0, 0, 2]])
    a = a.replace(duration_s=1e-3)
    b = EventCounts.zeros(2, 1).replace(neuron_updates=[10, 20], buffer_reads=[5])
    b = b.replace(duration_s=1e-3)
    total = a + b
    assert total.neuron_updates.tolist() == [11, 22]
    assert total.buffer_reads.tolist() == [5]
    assert total.link_flits.tolist() == [[1, 0, 0, 2]]
    assert total.duration_s == pytest.approx(2e-3)


def test_adding_spans_at_different_points_is_refused() -> None:
    """Sums across operating points would lose which events ran at which voltage."""
    with pytest.raises(ValueError, match="different operating_point"):
        EventCounts.zeros(2, 1) + EventCounts.zeros(2, 1, operating_point=1)


def test_wrong_dtype_is_refused() -> None:
    """Float counts are refused, naming the field and the expected type."""
    counts = EventCounts.zeros(2, 1)
    with pytest.raises(ValueError, match=r"sram_read_bytes: expected int64\[2\], got float64"):
        EventCounts(**{**counts.__dict__, "sram_read_bytes": np.zeros(2)})


def test_negative_counts_are_refused() -> None:
    """A negative count names the field."""
    with pytest.raises(ValueError, match="dram_bytes: counts must be >= 0"):
        EventCounts.zeros(2, 1).replace(dram_bytes=[-1, 0])


def test_unknown_field_in_replace_is_refused() -> None:
    """replace() names an unknown field."""
    with pytest.raises(ValueError, match="no field 'spikes'"):
        EventCounts.zeros(2, 1).replace(spikes=[1, 1])


def test_from_run_takes_recorder_counters_and_noc_stats() -> None:
    """PE counters by name (extras ignored, missing zero) and NocStats-like router arrays."""
    stats = SimpleNamespace(
        **{name: np.array([1, 2]) for name in ROUTER_COUNTS},
        link_flits=np.ones((2, 4), dtype=np.int64),
    )
    pe = {"neuron_updates": np.array([5, 6, 7]), "spikes": np.array([1, 0, 0])}
    counts = EventCounts.from_run(pe, stats, duration_s=0.01, operating_point=1)
    assert counts.neuron_updates.tolist() == [5, 6, 7]
    assert counts.sram_read_bytes.tolist() == [0, 0, 0]
    assert counts.vc_arbitrations.tolist() == [1, 2]
    assert counts.link_flits.sum() == 8
    assert counts.operating_point.tolist() == [1, 1, 1]
    assert counts.duration_s == 0.01
