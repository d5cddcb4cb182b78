"""The presets hold the figures fitted in docs/validation.md, and the analytic counts are right."""

from pathlib import Path

import pytest

from chipsim.config import load_config
from chipsim.energy import energy_of
from chipsim.energy.analytic import spiking_counts, uniform_counts

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def test_truenorth_calibration_counts() -> None:
    """20 Hz, 128 synapses, 21.3 hops on 2**20 neurons for 1 s: the stated chip totals."""
    config = load_config(CONFIGS / "truenorth.yaml")
    counts = spiking_counts(config, 20.0, 128, 21.3)
    spikes = 2**20 * 20
    assert counts.neuron_updates.sum() == 2**20 * 1000
    assert counts.synaptic_events.sum() == spikes * 128
    assert counts.packets_sent.sum() == spikes
    assert counts.link_flits.sum() == pytest.approx(spikes * 21.3, rel=1e-9)
    assert counts.buffer_writes.sum() == pytest.approx(spikes * 22.3, rel=1e-9)


def test_truenorth_draws_72_mw_at_its_calibration_point() -> None:
    """0.775 V, 20 Hz, 128 synapses, 21.3 hops: 72 mW within the figures' rounding (0.1 %)."""
    config = load_config(CONFIGS / "truenorth.yaml")
    report = energy_of(config, spiking_counts(config, 20.0, 128, 21.3))
    assert report.mean_power_mw == pytest.approx(72.0, rel=1e-3)


@pytest.mark.parametrize(("state", "published_mw"), [("off", 75), ("idle", 235), ("busy", 425)])
def test_spinnaker2_reproduces_its_calibration_point(state: str, published_mw: float) -> None:
    """0.5 V, 150 MHz: all PEs off, idle and busy give the published 75, 235 and 425 mW."""
    config = load_config(CONFIGS / "spinnaker2.yaml", ["chip.default_operating_point=low"])
    rates = {"busy_cycles": 150e6} if state == "busy" else {}
    counts = uniform_counts(config, 1.0, rates, powered=state != "off")
    assert energy_of(config, counts).mean_power_mw == pytest.approx(published_mw, rel=1e-4)
