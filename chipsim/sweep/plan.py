"""Turn a sweep file into one task per (point, seed), validating every point before any runs.

Every point's chip config is loaded with its overrides and every point's workload is resolved to
a network here, so an unknown key path, a bad value, an unknown placer or generator parameter
fails with one message (naming the sweep file and the key) before the first simulation starts.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chipsim.config import ChipConfig, load_config
from chipsim.errors import UserError
from chipsim.mapping.placement import PLACERS
from chipsim.network import Network, Workload, load_workload
from chipsim.sweep.spec import (
    PLACER_KEY,
    WORKLOAD_PREFIX,
    Point,
    SweepError,
    SweepSpec,
    expand_points,
    load_sweep,
    split_overrides,
    workload_path,
)
from chipsim.yamlmodel import explain_validation_error, parse_override, set_by_path


@dataclass(frozen=True)
class PointTask:
    """Everything a worker needs to run one point; picklable (sent to processes or Dask)."""

    point: Point
    values: dict[str, Any]
    """Swept key -> the value this point runs with (resolved from the base where not swept)."""
    config: ChipConfig
    network: Network
    ticks: int
    placer: str
    folder: Path


@dataclass(frozen=True)
class SweepPlan:
    sweep_file: Path
    parameters: list[str]
    tasks: list[PointTask]
    fingerprint: str
    """Hash of the base config, network, ticks and placer: a results folder belongs to one base
    (point ids hash only what a point overrides)."""


def plan_sweep(sweep_file: str | Path, out: str | Path) -> SweepPlan:
    """Load ``sweep_file``, expand its points, load and validate each point's config and workload.

    Raises
    ------
    SweepError
        Bad sweep file, unknown key path, invalid value, unknown placer, bad workload.
    """
    sweep_file, out = Path(sweep_file), Path(out)
    spec = load_sweep(sweep_file)
    resolver = _Resolver(spec, sweep_file)
    fixed = {**{PLACER_KEY: spec.placer}, **spec.set}
    base_config, base_workload, base_network = resolver.resolve(fixed)
    tasks = []
    for point in expand_points(spec, default_seed=base_workload.seed):
        config, workload, network = resolver.resolve({**fixed, **dict(point.overrides)})
        placer = point.get(PLACER_KEY, fixed[PLACER_KEY])
        values = {key: _value(key, config, workload, placer) for key in spec.parameters()}
        folder = out / "points" / point.id
        tasks.append(PointTask(point, values, config, network, workload.ticks, placer, folder))
    _check_distinct(sweep_file, tasks)
    base = {
        "config": base_config.model_dump(mode="json"),
        "network": base_network.model_dump(mode="json"),
        "ticks": base_workload.ticks,
        "placer": fixed[PLACER_KEY],
    }
    fingerprint = hashlib.sha256(json.dumps(base, sort_keys=True).encode()).hexdigest()[:16]
    return SweepPlan(sweep_file, spec.parameters(), tasks, fingerprint)


class _Resolver:
    """Loads configs, workloads and networks for sets of overrides, each distinct set once."""

    def __init__(self, spec: SweepSpec, sweep_file: Path) -> None:
        self.spec = spec
        self.sweep_file = sweep_file
        self.config_path = sweep_file.parent / spec.config
        self._configs: dict[tuple[str, ...], ChipConfig] = {}
        self._workloads: dict[tuple[str, ...], tuple[Workload, Network]] = {}

    def resolve(self, overrides: dict[str, Any]) -> tuple[ChipConfig, Workload, Network]:
        """The chip config, workload and network of one point (fixed and swept overrides)."""
        config_overrides, workload_overrides, placer = split_overrides(overrides)
        if placer is not None and placer not in PLACERS:
            raise SweepError(
                f"{self.sweep_file}: unknown placer {placer!r}; known: {', '.join(PLACERS)}"
            )
        key, wkey = tuple(config_overrides), tuple(workload_overrides)
        try:
            if key not in self._configs:
                self._configs[key] = load_config(self.config_path, config_overrides)
            if wkey not in self._workloads:
                self._workloads[wkey] = self._load_workload(workload_overrides)
        except UserError as exc:
            raise SweepError(f"{self.sweep_file}: {exc}") from None
        return self._configs[key], *self._workloads[wkey]

    def _load_workload(self, overrides: Sequence[str]) -> tuple[Workload, Network]:
        """The workload with ``overrides`` applied, and the network it names."""
        if isinstance(self.spec.workload, Path):
            path = self.sweep_file.parent / self.spec.workload
            workload = load_workload(path, list(overrides))
            return workload, workload.resolve(relative_to=path.parent)
        raw = copy.deepcopy(self.spec.workload)
        overridden = {}
        for text in overrides:
            key_path, value = parse_override(text)
            set_by_path(raw, key_path, value, source=f"workload override {text!r}")
            overridden[key_path] = text
        try:
            workload = Workload.model_validate(raw)
        except ValidationError as exc:
            message = explain_validation_error(exc, Path("workload"), Workload, None, overridden)
            raise UserError(message) from None
        return workload, workload.resolve(relative_to=self.sweep_file.parent)


def _check_distinct(sweep_file: Path, tasks: list[PointTask]) -> None:
    seen = set()
    for task in tasks:
        if task.point.id in seen:
            raise SweepError(
                f"{sweep_file}: point {dict(task.point.overrides)} with seed {task.point.seed} "
                "appears more than once"
            )
        seen.add(task.point.id)


def _value(key: str, config: ChipConfig, workload: Workload, placer: str) -> Any:
    """The value ``key`` has in a point: the override, or the base config's or workload's."""
    if key == PLACER_KEY:
        return placer
    if key.startswith(WORKLOAD_PREFIX):
        return _value_at(workload.model_dump(mode="json"), workload_path(key))
    return _value_at(config.model_dump(mode="json"), key)


def _value_at(tree: Any, dotted: str) -> Any:
    """``tree[a][b]...`` for ``"a.b"`` (list items by index); None where the path is absent."""
    node = tree
    for part in dotted.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node
