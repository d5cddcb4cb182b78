"""Per-PE DVFS: PEs at their own operating point run on their own clock and energy."""

from pathlib import Path

import numpy as np
import pytest

from chipsim.config import load_config
from chipsim.errors import ConfigError
from chipsim.network import load_workload
from chipsim.report.rundata import load_run
from chipsim.report.tables import pe_table
from chipsim.run import run_network

CONFIGS = Path(__file__).resolve().parents[3] / "configs"
SLOW = "chip.pe_operating_points={1: low, 2: low}"


def test_pe_operating_points_are_validated(tiny_config_path) -> None:
    """Unknown point names, PEs the chip lacks and chips without per-PE DVFS are refused."""
    with pytest.raises(ConfigError, match="per_pe_dvfs"):
        load_config(tiny_config_path, ["chip.pe_operating_points={0: nominal}"])
    with pytest.raises(ConfigError, match=r"names \['turbo'\]"):
        load_config(CONFIGS / "spinnaker2.yaml", ["chip.pe_operating_points={0: turbo}"])
    with pytest.raises(ConfigError, match=r"PEs \[152\]; the chip has PEs 0..151"):
        load_config(CONFIGS / "spinnaker2.yaml", ["chip.pe_operating_points={152: low}"])
    chip = load_config(CONFIGS / "spinnaker2.yaml", [SLOW])
    assert chip.pe_frequencies_hz()[:4].tolist() == [300e6, 150e6, 150e6, 300e6]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The SpiNNaker2 default workload with every PE at 'high', and with PEs 1 and 2 'low'."""
    workload = load_workload(CONFIGS / "experiments" / "spinnaker2_default.yaml")
    out = {}
    for name, overrides in (("high", []), ("mixed", [SLOW])):
        chip = load_config(CONFIGS / "spinnaker2.yaml", overrides)
        folder = tmp_path_factory.mktemp("dvfs") / name
        out[name] = run_network(chip, workload.resolve(), 40, workload.seed, out=folder)
    return out


def test_slow_pes_compute_the_same_spikes_later(runs) -> None:
    """With nothing late, the spikes are the same; those of the slow PEs leave later."""
    high, mixed = (runs[k].recorder.spike_stream.frame() for k in ("high", "mixed"))
    assert runs["mixed"].summary["late_packets"] == 0
    pd_cols = ["tick", "neuron"]
    assert high[pd_cols].equals(mixed[pd_cols])
    program = runs["mixed"].mapping.program
    on_slow = np.isin(program.pe_of_slice[program.slices.of_neurons(mixed["neuron"])], [1, 2])
    assert on_slow.any()
    later = mixed["cycle"].to_numpy() - high["cycle"].to_numpy()
    assert np.all(later[on_slow] > 0) and np.all(later[~on_slow] == 0)


def test_slow_pes_cost_less_per_cycle_and_fill_their_own_budget(runs) -> None:
    """A PE at 0.5 V pays (0.5 / 0.8)^2 of the 0.8 V energy per busy cycle, does the same
    number of cycles of work, and its utilisation is measured against 150k cycles a tick."""
    frames = {k: r.energy.as_frame() for k, r in runs.items()}

    def per_cycle(frame, pe):
        row = frame[(frame.scope == "pe") & (frame.unit == pe) & (frame.item == "busy_cycles")]
        return float(row.pj_per_count.iloc[0])

    assert per_cycle(frames["mixed"], 1) / per_cycle(frames["high"], 1) == pytest.approx(
        (0.5 / 0.8) ** 2
    )
    assert per_cycle(frames["mixed"], 3) == per_cycle(frames["high"], 3)
    busy = runs["mixed"].recorder.pe["busy_cycles"]
    np.testing.assert_array_equal(busy, runs["high"].recorder.pe["busy_cycles"])
    table = pe_table(load_run(runs["mixed"].out)).set_index("pe")
    assert table.loc[1, "budget_cycles"] == 40 * 150_000
    assert table.loc[3, "budget_cycles"] == 40 * 300_000
    assert table.loc[1, "utilisation"] == pytest.approx(busy[1] / (40 * 150_000))
