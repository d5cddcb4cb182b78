"""The TrueNorth characterisation network: the workload of the published power figures.

Merolla et al. (Science 2014) measured TrueNorth's power on networks of 4096 cores x 256
neurons firing at a mean rate of about 20 Hz, each neuron with about 128 active synapses, and
spikes travelling about 21 cores on average. This generator builds such a network for the
TrueNorth mapper (:func:`chipsim.mapping.truenorth.map_truenorth`):

- core k holds two populations of 128 neurons, ``e{k}`` (excitatory, weight +1) then ``i{k}``
  (inhibitory, weight -1), which the mapper packs onto core k (sequential placement, core k at
  mesh position (k % W, k // W) for a mesh W cores wide);
- every neuron of core k drives one axon of core p(k), where p is a permutation of the cores
  that shifts the mesh position by (dx, dy) modulo the mesh size; among all shifts it takes the
  one whose mean Manhattan distance |x - x'| + |y - y'| (no wrap-around) is closest to
  ``mean_distance_cores`` (:func:`mean_distance_cores`). Every core thus receives exactly 256
  axons (128 per sign, 2 axon types) and no neuron needs a splitter;
- every post neuron has exactly ``active_synapses / 2`` synapses from each sign (fixed in-degree
  from the 128 neurons of that sign), so the crossbar density is ``active_synapses / 256``
  and the mean synaptic input is zero whenever the two signs fire at the same rate, which they
  do by symmetry;
- the neurons are driven by a stochastic leak, +1 with probability (lambda + 1) / 256 per tick
  (Cassidy et al. 2013, eq. 3), with linear reset (V := V - alpha) and a negative floor far
  away (-(2**18 - 1)). In steady state a neuron's rate is its mean drift over its threshold,
  ``(lambda + 1) / (256 alpha)`` spikes per tick, as the balanced input has mean zero;
  lambda and alpha come from :func:`leak_and_threshold` (leak probability near 1/2, whose
  variance spreads the phases: all membranes start at 0, and the neurons must not stay in
  lock-step).

Limits, measured with the ideal simulation (16 cores, 4 x 4 mesh, ticks 400..1999, seed 1):
the rate holds while the input noise (variance ``active_synapses * rate`` per tick, weight 1)
is small next to the threshold times the drift: 4.99 Hz for 5 Hz, 20.04 Hz for 20 Hz, 50.26 Hz
for 50 Hz (128 synapses), 50.39 Hz (256 synapses); but 139 Hz for 100 Hz (threshold 5), and
2.19 Hz for 2 Hz, whose 500-tick period has not lost the synchronous start by then.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

from chipsim.network.description import Network
from cores.truenorth import THRESHOLD_MAX, WEIGHT_MAX, ResetMode

HALF = 128
"""Neurons of each sign on a core."""


class TnCharacterisationParams(BaseModel):
    """Parameters of the TrueNorth characterisation network (module doc)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    cores: PositiveInt = Field(default=4096, description="Cores of 256 neurons [Merolla 2014].")
    rate_hz: float = Field(default=20.0, gt=0.0, description="Target mean rate, Hz.")
    active_synapses: int = Field(
        default=128, ge=2, le=2 * HALF, multiple_of=2,
        description="Active synapses per neuron (half excitatory, half inhibitory).",
    )  # fmt: skip
    mean_distance_cores: float = Field(
        default=21.0, ge=0.0, description="Target mean Manhattan distance of a spike, cores."
    )
    mesh_width: PositiveInt = Field(
        default=64, description="Cores per mesh row of the target chip (sequential placement)."
    )
    tick_s: float = Field(default=1e-3, gt=0.0, description="Tick length, s.")

    @model_validator(mode="after")
    def _fits(self) -> TnCharacterisationParams:
        width = min(self.mesh_width, self.cores)
        if self.cores % width:
            raise ValueError(
                f"cores ({self.cores}) must fill whole mesh rows of {width} cores (mesh_width)"
            )
        if self.rate_hz * self.tick_s > 1.0:
            raise ValueError(f"rate_hz {self.rate_hz} exceeds one spike per {self.tick_s} s tick")
        return self

    @property
    def mesh(self) -> tuple[int, int]:
        """(width, height) of the mesh the cores fill, in cores."""
        width = min(self.mesh_width, self.cores)
        return width, self.cores // width


def _shift_distance(size: int) -> np.ndarray:
    """Mean |x - (x + s) mod size| over x, for every shift s in 0..size-1."""
    x = np.arange(size)
    return np.abs(x[None, :] - (x[None, :] + x[:, None]) % size).mean(axis=1)


def best_shift(p: TnCharacterisationParams) -> tuple[int, int]:
    """The mesh shift (dx, dy) whose mean spike distance is closest to the target."""
    width, height = p.mesh
    total = _shift_distance(width)[:, None] + _shift_distance(height)[None, :]
    dx, dy = np.unravel_index(np.argmin(np.abs(total - p.mean_distance_cores)), total.shape)
    return int(dx), int(dy)


def partner_cores(p: TnCharacterisationParams) -> np.ndarray:
    """int64 (cores,): the core whose axons core k's neurons drive (a permutation)."""
    width, height = p.mesh
    dx, dy = best_shift(p)
    k = np.arange(p.cores)
    return (k // width + dy) % height * width + (k % width + dx) % width


def mean_distance_cores(p: TnCharacterisationParams) -> float:
    """Mean Manhattan distance (cores) from a core to its partner: the mean spike distance."""
    width, _ = p.mesh
    k, j = np.arange(p.cores), partner_cores(p)
    return float(np.mean(np.abs(k % width - j % width) + np.abs(k // width - j // width)))


def leak_and_threshold(rate_per_tick: float, tolerance: float = 1e-3) -> tuple[int, int]:
    """(lambda, alpha) with (lambda + 1) / (256 alpha) within ``tolerance`` (relative) of
    ``rate_per_tick``; among those, the leak probability closest to 1/2 (the largest drift
    variance, which spreads the phases fastest); the closest rate overall if none is within.

    Searches alpha in 1..65536, lambda in 0..255 rounded for each. For 20 Hz at 1 ms ticks:
    (127, 25), exact.
    """
    alpha = np.arange(1, 2**16 + 1)
    leak = np.clip(np.rint(256 * alpha * rate_per_tick - 1), 0, WEIGHT_MAX)
    error = np.abs((leak + 1) / (256 * alpha) - rate_per_tick) / rate_per_tick
    score = np.where(error <= tolerance, np.abs(leak - 127), 256 + error)
    best = int(np.argmin(score))
    return int(leak[best]), int(alpha[best])


def tn_characterisation(p: TnCharacterisationParams) -> Network:
    """Build the characterisation network (module doc)."""
    leak, threshold = leak_and_threshold(p.rate_hz * p.tick_s)
    params = {
        "leak": leak, "stochastic_leak": 1, "threshold": threshold,
        "reset_mode": int(ResetMode.LINEAR), "neg_threshold": THRESHOLD_MAX, "neg_saturate": 1,
    }  # fmt: skip
    populations, projections = [], []
    for k in range(p.cores):
        populations += [{"name": f"{s}{k}", "size": HALF, "model": "truenorth", "params": params}
                        for s in "ei"]  # fmt: skip
    in_degree = {"kind": "fixed_in_degree", "n": p.active_synapses // 2}
    for k, j in enumerate(partner_cores(p).tolist()):
        projections += [
            {"pre": f"{s}{k}", "post": f"{t}{j}", "weight": sign, "connector": in_degree}
            for s, sign in (("e", 1), ("i", -1))
            for t in "ei"
        ]
    return Network.model_validate(
        {"name": "tn_characterisation", "populations": populations, "projections": projections}
    )
