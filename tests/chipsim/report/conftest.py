"""A tiny run directory (with overruns, and a timeline of ticks 28..34) shared by the tests."""

from pathlib import Path

import pytest

from chipsim.config import load_config
from chipsim.network import generate
from chipsim.run import run_network

TINY = Path(__file__).resolve().parents[3] / "configs" / "tiny.yaml"
TICKS = 50
WINDOW = (28, 34)
"""Ticks of the timeline; the tiny chip at 1 MHz overruns in ticks 30-34 with this network."""


def tiny_network(**params):
    return generate("random_balanced", {"n_neurons": 200, "fanin": 20, "input_weight": 4, **params})


def tiny_run(out: Path, overrides=(), timeline=None, network_params=None) -> Path:
    config = load_config(TINY, overrides)
    network = tiny_network(**(network_params or {}))
    run_network(config, network, TICKS, seed=0, out=out, timeline=timeline)
    return out


@pytest.fixture(scope="session")
def make_run():
    """``make_run(out, overrides=(), timeline=None, network_params=None)``: run the tiny
    workload (generator parameters changed by ``network_params``) into ``out``."""
    return tiny_run


def copy_files(run_dir: Path, to: Path) -> Path:
    """A copy of a run directory's files (not its report)."""
    to.mkdir()
    for f in run_dir.iterdir():
        if f.is_file():
            (to / f.name).write_bytes(f.read_bytes())
    return to


@pytest.fixture(scope="session")
def copy_run():
    """``copy_run(run_dir, to)``: copy a run directory's files to ``to``."""
    return copy_files


@pytest.fixture(scope="session")
def window() -> tuple[int, int]:
    return WINDOW


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    return tiny_run(tmp_path_factory.mktemp("runs") / "tiny", timeline=WINDOW)
