"""The TrueNorth characterisation network: structure as mapped, spike distance, achieved rate."""

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from chipsim.config import load_config
from chipsim.mapping.truenorth import map_truenorth
from chipsim.network.tn_characterisation import (
    TnCharacterisationParams,
    leak_and_threshold,
    mean_distance_cores,
    partner_cores,
    tn_characterisation,
)
from chipsim.sim.truenorth_ideal import simulate_truenorth_ideal

TRUENORTH = Path(__file__).resolve().parents[3] / "configs" / "truenorth.yaml"
SMALL = load_config(TRUENORTH, ["topology.width=4", "topology.height=4"])


@pytest.fixture(scope="module")
def small():
    """16 cores on a 4 x 4 chip, spikes travelling 3 cores on average (feasible there)."""
    p = TnCharacterisationParams(cores=16, mesh_width=4, mean_distance_cores=3.0)
    return p, map_truenorth(SMALL, tn_characterisation(p), seed=4)


def test_leak_and_threshold_give_the_rate_as_drift_over_threshold() -> None:
    """20 Hz at 1 ms: lambda 127, alpha 25, so (127 + 1) / (256 * 25) = 0.02 per tick; other
    rates within 0.1 %, with a leak probability near 1/2."""
    assert leak_and_threshold(0.02) == (127, 25)
    for rate in (0.0137, 0.005, 0.05, 0.0031):
        leak, alpha = leak_and_threshold(rate)
        assert abs((leak + 1) / (256 * alpha) / rate - 1) <= 1e-3
        assert 64 <= leak <= 192


def test_partners_are_a_permutation_at_the_target_distance() -> None:
    """Full chip: every core is driven by exactly one core, spikes travel ~21 cores."""
    p = TnCharacterisationParams()
    assert np.array_equal(np.sort(partner_cores(p)), np.arange(4096))
    assert abs(mean_distance_cores(p) - 21.0) < 0.25


def test_mapped_structure_matches_the_published_setup(small) -> None:
    """256 neurons and 256 axons per core, 128 synapses per neuron, no splitters, distance."""
    p, layout = small
    assert layout.n_cores == 16 and layout.n_splitters == 0
    assert np.all(layout.axons_used == 256)
    dense = layout.crossbar.to_dense()
    assert np.all(dense.sum(axis=1) == p.active_synapses)  # active synapses of every neuron
    x, y = layout.router % 4, layout.router // 4
    src = np.repeat(np.arange(16), 256)
    dist = np.abs(x[src] - x[layout.target_core]) + np.abs(y[src] - y[layout.target_core])
    assert dist.mean() == pytest.approx(mean_distance_cores(p)) == pytest.approx(3.0)


@pytest.mark.parametrize(("rate_hz", "synapses"), [(20.0, 128), (50.0, 256)])
def test_achieves_the_target_rate(rate_hz: float, synapses: int) -> None:
    """Mean rate over ticks 200..999 (seed 4) within 3 % of the target, and not in lock-step:
    the busiest tick has < 6x the mean spikes (lock-step: 1 / (rate x dt) = 50x or 20x).
    Measured: 20.07 Hz (2.9x) and 49.94 Hz (3.7x)."""
    p = TnCharacterisationParams(
        cores=16, mesh_width=4, mean_distance_cores=3.0, rate_hz=rate_hz, active_synapses=synapses
    )
    layout = map_truenorth(SMALL, tn_characterisation(p), seed=4)
    trace = simulate_truenorth_ideal(layout, 1000, seed=4)
    late = trace.tick >= 200
    rate = late.sum() / (16 * 256 * 800 * p.tick_s)
    assert abs(rate / rate_hz - 1) < 0.03, rate
    per_tick = np.bincount(trace.tick[late] - 200, minlength=800)
    assert per_tick.max() < 6 * per_tick.mean()


def test_bad_parameters_are_refused() -> None:
    """Odd active synapses, partial mesh rows, rates past one spike per tick."""
    for bad in ({"active_synapses": 127}, {"cores": 10, "mesh_width": 4}, {"rate_hz": 2000.0}):
        with pytest.raises(ValidationError):
            TnCharacterisationParams(**bad)
