"""Networks shared by the simulation tests."""

import pytest

from chipsim.network import Network


@pytest.fixture(scope="session")
def mixed_tn_network() -> Network:
    """TrueNorth neurons on four cores fed by sources, several delays, +/- weights; ``a``
    drives ``b`` and ``c`` through splitters."""
    populations = [
        {"name": "input", "size": 40, "model": "poisson", "rate_hz": 200.0},
        {"name": "stim", "size": 5, "model": "spike_array", "spikes": [(0, 0), (3, 4), (3, 1)]},
        {"name": "a", "size": 200, "model": "truenorth",
         "params": {"threshold": 8, "leak": -1, "neg_threshold": 5, "neg_saturate": 1}},
        {"name": "b", "size": 300, "model": "truenorth",  # per-neuron, over two cores
         "params": {"threshold": [3 + i * 7 // 300 for i in range(300)], "reset_mode": 1}},
        {"name": "c", "size": 110, "model": "truenorth",  # per-neuron thresholds
         "params": {"threshold": [1 + i % 5 for i in range(110)], "leak": -1,
                    "leak_reversal": 1}},
    ]  # fmt: skip
    projections = [
        ("input", "a", 0.2, 4, {"low": 1, "high": 3}),
        ("stim", "b", 0.5, 7, 2),
        ("a", "b", 0.1, 3, 2),
        ("a", "c", 0.2, 1, 4),
        ("c", "a", 0.3, -3, 1),
    ]
    return Network.model_validate({
        "name": "mixed", "populations": populations,
        "projections": [
            {"pre": a, "post": b, "connector": {"kind": "fixed_probability", "p": p},
             "weight": w, "delay": d}
            for a, b, p, w, d in projections
        ],
    })  # fmt: skip
