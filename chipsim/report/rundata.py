"""Read a run directory (and nothing else): config, summary, tables, by columns and row groups.

Reports and plots read only the run directory (style.md, "Statistics and results"). Large
tables (``spikes.parquet``, ``pe_ticks.parquet``) are read one row group at a time, so a
report of a long run does not load unbounded data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import yaml

from chipsim.config import ChipConfig
from chipsim.errors import UserError
from chipsim.network import Network

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML has it (network.yaml can be large)."""
REQUIRED = (
    "summary.json",
    "config.yaml",
    "workload.yaml",
    "pes.parquet",
    "routers.parquet",
    "ticks.parquet",
    "pe_ticks.parquet",
    "latency_histogram.parquet",
    "spikes.parquet",
)
"""Files every run directory has (written by ``chipsim run``)."""
RASTER_SPIKES = 100_000
"""Spikes drawn in the raster at most; more are sampled uniformly."""


@dataclass(frozen=True)
class RunData:
    """A run directory, checked on creation; tables are read on demand."""

    path: Path

    def __post_init__(self) -> None:
        if not self.path.is_dir():
            raise UserError(f"{self.path}: not a directory (expected a run directory)")
        missing = [name for name in REQUIRED if not (self.path / name).is_file()]
        if missing:
            raise UserError(
                f"{self.path}: not a run directory, missing {', '.join(missing)} "
                "(run directories are written by `chipsim run`)"
            )

    # --- small files --------------------------------------------------------------------------

    @cached_property
    def summary(self) -> dict:
        return json.loads((self.path / "summary.json").read_text())

    @cached_property
    def config_dict(self) -> dict:
        return self._yaml("config.yaml")

    @cached_property
    def workload(self) -> dict:
        """``workload.yaml`` plus, when present, ``network.yaml`` under the key ``network``."""
        out = dict(self._yaml("workload.yaml"))
        if (self.path / "network.yaml").is_file():
            out["network"] = self._yaml("network.yaml")
        return out

    @cached_property
    def network(self) -> Network:
        """The network as run (``network.yaml``); spike-source data files are not opened."""
        try:
            return Network.model_validate(self.workload.get("network"))
        except ValueError as exc:
            raise UserError(f"{self.path / 'network.yaml'}: not a valid network: {exc}") from exc

    @cached_property
    def config(self) -> ChipConfig:
        try:
            return ChipConfig.model_validate(self.config_dict)
        except ValueError as exc:
            raise UserError(f"{self.path / 'config.yaml'}: not a valid chip config: {exc}") from exc

    def _yaml(self, name: str) -> dict:
        try:
            return yaml.load((self.path / name).read_text(), Loader=LOADER) or {}
        except yaml.YAMLError as exc:
            raise UserError(f"{self.path / name}: not valid YAML: {exc}") from exc

    # --- clocks -------------------------------------------------------------------------------

    @property
    def ticks(self) -> int:
        return int(self.summary["ticks"])

    @property
    def noc_hz(self) -> float:
        return float(self.config.noc.clock_hz)

    @property
    def budget_cycles(self) -> int:
        """PE cycles in one tick (the tick budget) at the default operating point."""
        return int(self.config.pe_cycles_per_tick)

    @property
    def pe_budget_cycles(self) -> np.ndarray:
        """int64 (n_pes,): each PE's tick budget at its own operating point (DVFS)."""
        hz = self.config.pe_frequencies_hz()
        return np.floor(hz * float(self.config.chip.tick_s)).astype(np.int64)

    @property
    def noc_cycles_per_tick(self) -> float:
        return self.noc_hz * float(self.config.chip.tick_s)

    @property
    def pes_per_router(self) -> int:
        return int(self.config.topology.pes_per_router)

    # --- tables -------------------------------------------------------------------------------

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """A small table (per PE, per router, per tick, histogram) read whole, by columns."""
        return pq.read_table(self.path / f"{name}.parquet", columns=columns).to_pandas()

    def row_groups(self, name: str, columns: list[str]) -> Iterator[pd.DataFrame]:
        """A large table, one row group at a time."""
        file = pq.ParquetFile(self.path / f"{name}.parquet")
        for i in range(file.num_row_groups):
            yield file.read_row_group(i, columns=columns).to_pandas()

    def rows(self, name: str) -> int:
        return pq.ParquetFile(self.path / f"{name}.parquet").metadata.num_rows


def load_run(path: str | Path) -> RunData:
    """The run directory at ``path``; a UserError names what is missing."""
    return RunData(Path(path))


def flatten(data: object, prefix: str = "") -> dict[str, object]:
    """Nested dicts and lists as dotted keys: ``{"noc": {"buffer_depth": 4}}`` ->
    ``{"noc.buffer_depth": 4}``; list items get their index (``operating_points.0.name``)."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list) and data and any(isinstance(v, dict | list) for v in data):
        items = ((str(i), v) for i, v in enumerate(data))
    else:
        return {prefix: data}
    out: dict[str, object] = {}
    for key, value in items:
        out |= flatten(value, f"{prefix}.{key}" if prefix else str(key))
    return out
