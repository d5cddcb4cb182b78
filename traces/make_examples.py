"""Write the small example inputs of configs/networks/example.yaml (deterministic, seed 11).

- ``example_spikes.csv``: a spike trace (decision 5: columns tick, neuron) of 8 neurons over
  50 ticks, each neuron firing every ``4 + neuron`` ticks starting at tick ``neuron``.
- ``example_events.npy``: 200 events of a 4 x 4 sensor over 50 ms in Tonic's structured layout
  (x, y: int16 pixels; t: int64 microseconds, increasing; p: bool polarity), drawn uniformly.

Run from the repository root: ``python traces/make_examples.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
EVENT_DTYPE = np.dtype([("x", "<i2"), ("y", "<i2"), ("t", "<i8"), ("p", "?")])


def spike_trace() -> str:
    rows = [(tick, neuron) for neuron in range(8) for tick in range(neuron, 50, 4 + neuron)]
    rows.sort()
    return "tick,neuron\n" + "".join(f"{t},{n}\n" for t, n in rows)


def events(n: int = 200, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty(n, dtype=EVENT_DTYPE)
    out["x"] = rng.integers(0, 4, n)
    out["y"] = rng.integers(0, 4, n)
    out["t"] = np.sort(rng.integers(0, 50_000, n))
    out["p"] = rng.integers(0, 2, n).astype(bool)
    return out


if __name__ == "__main__":
    (HERE / "example_spikes.csv").write_text(spike_trace())
    np.save(HERE / "example_events.npy", events())
