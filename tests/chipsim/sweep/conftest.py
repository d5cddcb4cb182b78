"""Fixtures: small sweep files on configs/tiny.yaml that run in well under a second per point."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from chipsim.config import load_config
from chipsim.network import Workload
from chipsim.run import run_network

CONFIGS = Path(__file__).resolve().parents[3] / "configs"

FAST_TINY = {"chip.clock_hz": 4.0e6, "chip.operating_points.0.frequency_hz": 4.0e6,
             "noc.clock_hz": 4.0e6}  # fmt: skip
"""tiny.yaml at 4 MHz, so its PEs keep up with the test network."""

SMALL_WORKLOAD = {
    "generator": {"name": "random_balanced",
                  "params": {"n_neurons": 60, "fanin": 10, "inputs": 20, "input_fanin": 5,
                             "rate_hz": 50.0, "input_weight": 4.0, "weight": 0.5}},
    "ticks": 10,
}  # fmt: skip


@pytest.fixture
def direct_run() -> Callable[..., dict]:
    """The summary of one run of the small workload on fast tiny, made without the sweep code."""

    def run(overrides: dict[str, Any], seed: int) -> dict:
        texts = [f"{k}={v}" for k, v in {**FAST_TINY, **overrides}.items()]
        config = load_config(CONFIGS / "tiny.yaml", texts)
        network = Workload.model_validate(SMALL_WORKLOAD).resolve()
        return run_network(config, network, SMALL_WORKLOAD["ticks"], seed).summary

    return run


@pytest.fixture
def write_sweep(tmp_path: Path) -> Callable[..., Path]:
    """Write a sweep file on tiny.yaml (the small workload, FAST_TINY fixed) with these keys."""

    def write(name: str = "sweep.yaml", **keys: Any) -> Path:
        spec = {"config": str(CONFIGS / "tiny.yaml"), "workload": SMALL_WORKLOAD,
                "set": FAST_TINY, **keys}  # fmt: skip
        path = tmp_path / name
        path.write_text(yaml.safe_dump(spec, sort_keys=False))
        return path

    return write
