"""`chipsim map`: summary, written tables and floorplan, and exit code 2 for each refusal."""

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from chipsim.cli import main
from chipsim.network import generate

CONFIGS = Path(__file__).resolve().parents[3] / "configs"
TINY = str(CONFIGS / "tiny.yaml")
SMALL = ("--generator", "random_balanced", "-p", "n_neurons=100", "-p", "fanin=10",
         "-p", "inputs=20")  # fmt: skip


def chipsim(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process as the `chipsim` entry point does: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["chipsim", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_is_printed(monkeypatch, capsys) -> None:
    """The summary names PEs used / total and routing entries; nothing is written."""
    code, out, err = chipsim(monkeypatch, capsys, "map", TINY, *SMALL)
    assert code == 0, err
    assert "PEs used / total" in out and "/ 8" in out and "routing entries" in out


def test_out_writes_tables_summary_and_floorplan(monkeypatch, capsys, tmp_path: Path) -> None:
    """--out holds the three Parquet tables, summary.json that agrees with them, and a PNG."""
    out = tmp_path / "map"
    code, _, err = chipsim(monkeypatch, capsys, "map", TINY, *SMALL, "--placer", "locality",
                           "--out", str(out))  # fmt: skip
    assert code == 0, err
    pes = pd.read_parquet(out / "map_pes.parquet")
    routers = pd.read_parquet(out / "map_routers.parquet")
    traffic = pd.read_parquet(out / "map_traffic.parquet")
    summary = json.loads((out / "summary.json").read_text())
    assert len(pes) == 8 and len(routers) == 4
    assert summary["neurons"] == pes.neurons.sum() == 100 + 20
    assert summary["synapses"] == traffic.synapses.sum() == 100 * (10 + 10)
    assert summary["routing_entries_total"] == routers.entries.sum()
    assert summary["placer"] == "locality"
    assert (out / "map_floorplan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("-p", "n_neurons=1000"), ["needs 18 PEs", "1020 neurons", "has 8"]),
        (("-s", "pe.max_synapses=500"), ["PE 1", "needs 800 synapses", "at most 500"]),
        (("-s", "pe.sram_bytes=3840"),
         ["SRAM overflow", "PE 1", "master_population_table needs 64 bytes", "0 of 3840"]),
        (("-s", "noc.routing_table_entries=1"),
         ["router (0, 0)", "routing entries after minimisation", "capacity 1"]),
        (("-s", "pe.sram_bytes=8192", "-s", "memory.dram_bytes=4096"),
         ["DRAM overflow", "need 7040 bytes", "has 4096", "PE 1 (slice 1): 4480 bytes"]),
    ],
    ids=["neurons", "synapses", "sram", "routing", "dram"],
)  # fmt: skip
def test_refusals_exit_2_naming_what_did_not_fit(monkeypatch, capsys, tmp_path, args, says):
    """Each kind of network that does not fit exits 2 with what, how much and where, and
    writes nothing."""
    out = tmp_path / "map"
    code, _, err = chipsim(monkeypatch, capsys, "map", TINY, *SMALL, *args, "--out", str(out))
    assert code == 2
    assert err.startswith("error: ")
    for text in says:
        assert text in err, err
    assert not out.exists()


def test_unknown_placer_lists_the_known_ones(monkeypatch, capsys) -> None:
    """An unknown placer exits 2 and lists the placers."""
    code, _, err = chipsim(monkeypatch, capsys, "map", TINY, *SMALL, "--placer", "magic")
    assert code == 2 and "sequential" in err and "locality" in err


def test_network_file(monkeypatch, capsys, tmp_path: Path) -> None:
    """--network reads a network YAML file (here a generator's network written out)."""
    path = tmp_path / "net.yaml"
    net = generate("synfire", {"groups": 3, "group_size": 50})
    path.write_text(yaml.safe_dump(net.model_dump(mode="json")))
    code, out, err = chipsim(monkeypatch, capsys, "map", TINY, "--network", str(path))
    assert code == 0, err
    assert "synfire on tiny" in out and "4 / 8" in out


def test_crossbar_chip_report_and_floorplan(monkeypatch, capsys, tmp_path: Path) -> None:
    """On the TrueNorth-like preset the summary shows axons and says there are no tables."""
    out = tmp_path / "tn"
    code, stdout, err = chipsim(monkeypatch, capsys, "map", str(CONFIGS / "truenorth.yaml"),
                                "--generator", "synfire", "-p", "model=truenorth", "-p",
                                "weight=1", "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert "axons (fullest core)" in stdout and "no tables" in stdout
    assert len(pd.read_parquet(out / "map_pes.parquet")) == 4096
    assert (out / "map_floorplan.png").is_file()
