"""The sweep file: a base config, a workload, seeds, and a grid and/or a list of points.

A sweep file is YAML (read with :func:`chipsim.yamlmodel.load_yaml_model`)::

    config: ../spinnaker2.yaml          # base chip config, relative to this file
    workload:                           # a workload (network or generator, ticks, seed) ...
      generator: {name: random_balanced, params: {n_neurons: 2000}}
      ticks: 50
    # workload: ../experiments/x.yaml   # ... or the path of a workload file
    seeds: [0, 1]                       # default: the workload's seed
    set: {topology.unpopulated: []}     # fixed overrides, applied to every point
    grid:                               # cartesian product of these values
      noc.buffer_depth: [2, 4, 8]
      placer: [sequential, locality]
    points:                             # and/or explicit points (crossed with the grid)
      - {topology.width: 4, topology.height: 3}
      - {topology.width: 8, topology.height: 5}

Keys are dotted paths into the chip config (``noc.buffer_depth``, list items by index:
``chip.operating_points.0.frequency_hz``), ``placer`` (a run option), or ``workload.<path>``
into the workload (``workload.ticks``, ``workload.generator.params.rate_hz``; ``workload.params.X``
is short for ``workload.generator.params.X``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, model_validator

from chipsim.errors import UserError
from chipsim.yamlmodel import load_yaml_model

PLACER_KEY = "placer"
"""The swept key that selects the placement algorithm (a run option, not a config key)."""
WORKLOAD_PREFIX = "workload."
"""Swept keys under this prefix address the workload, not the chip config."""


class SweepError(UserError):
    """A sweep file, or a sweep output folder, that cannot be used."""


class SweepSpec(BaseModel):
    """A sweep file: base config and workload, seeds, fixed overrides, grid and/or points."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    config: Path = Field(description="Base chip config, relative to the sweep file.")
    workload: Path | dict[str, Any] = Field(
        description="Workload file (relative to the sweep file) or an inline workload "
        "(network or generator, ticks, seed)."
    )
    seeds: list[NonNegativeInt] | None = Field(
        default=None, min_length=1, description="Run seeds; default: the workload's seed."
    )
    placer: str = Field(default="sequential", description="Placer of points that do not sweep it.")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Overrides applied to every point (not swept)."
    )
    grid: dict[str, list[Any]] = Field(
        default_factory=dict, description="Dotted path -> values; the cartesian product is run."
    )
    points: list[dict[str, Any]] = Field(
        default_factory=list, description="Explicit points (dotted path -> value)."
    )

    @model_validator(mode="after")
    def _something_to_sweep(self) -> SweepSpec:
        if not self.grid and not self.points:
            raise ValueError("give a 'grid', a list of 'points', or both")
        for key, values in self.grid.items():
            if not values:
                raise ValueError(f"grid key {key!r} has no values")
        for i, point in enumerate(self.points):
            clash = sorted(set(point) & set(self.grid))
            if clash:
                raise ValueError(f"points.{i} sets {', '.join(clash)}, which the grid sweeps too")
        return self

    def parameters(self) -> list[str]:
        """The swept keys, in file order (points first, then the grid)."""
        keys = dict.fromkeys(k for point in self.points for k in point)
        keys.update(dict.fromkeys(self.grid))
        return list(keys)


@dataclass(frozen=True)
class Point:
    """One run of a sweep: the swept overrides (key -> value, as in the file) and a seed."""

    overrides: tuple[tuple[str, Any], ...]
    seed: int

    @property
    def id(self) -> str:
        """A short stable hash of the overrides and seed: the point's folder name."""
        text = json.dumps([sorted(self.overrides), self.seed], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.overrides).get(key, default)


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file (structure only; see :mod:`chipsim.sweep.plan`)."""
    return load_yaml_model(path, SweepSpec, error=SweepError)


def expand_points(spec: SweepSpec, default_seed: int = 0) -> list[Point]:
    """Every (point, seed) of ``spec``: each listed point crossed with the grid, then seeds.

    Order: points in file order, the grid's product with its last key varying fastest, then
    seeds. ``default_seed`` is used when the file gives no ``seeds``.
    """
    seeds = spec.seeds if spec.seeds is not None else [default_seed]
    keys = list(spec.grid)
    combos = [
        dict(zip(keys, values, strict=True)) for values in itertools.product(*spec.grid.values())
    ]
    out = []
    for base in spec.points or [{}]:
        for combo in combos:
            overrides = tuple({**base, **combo}.items())
            out.extend(Point(overrides, seed) for seed in seeds)
    return out


def split_overrides(overrides: dict[str, Any]) -> tuple[list[str], list[str], str | None]:
    """Split swept or fixed overrides into (config overrides, workload overrides, placer).

    Overrides become ``"path=value"`` strings (the value as JSON, which is YAML) for
    :func:`chipsim.config.load_config` and :func:`chipsim.network.load_workload`.
    """
    config, workload, placer = [], [], None
    for key, value in overrides.items():
        if key == PLACER_KEY:
            placer = str(value)
        elif key.startswith(WORKLOAD_PREFIX):
            workload.append(f"{workload_path(key)}={json.dumps(value)}")
        else:
            config.append(f"{key}={json.dumps(value)}")
    return config, workload, placer


def workload_path(key: str) -> str:
    """``workload.params.X`` -> ``generator.params.X``; ``workload.Y`` -> ``Y``."""
    path = key.removeprefix(WORKLOAD_PREFIX)
    return f"generator.{path}" if path.startswith("params.") else path
