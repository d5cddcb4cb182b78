"""A workload: the network to run (a file, inline, or a generator), ticks and seed.

Kept apart from chip configs (design.md, "Configs") so one workload runs on many chips. Relative
paths in a file (a workload's ``network``, a source's ``path``) are relative to that file's
directory, so that a file means the same whatever the working directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, model_validator

from chipsim.errors import UserError
from chipsim.network._validate import fail, issue, parse_member
from chipsim.network.description import EventCameraSource, Network, TraceSource
from chipsim.network.generators import GENERATORS, generate
from chipsim.yamlmodel import load_yaml_model


class NetworkError(UserError):
    """A network or workload file that cannot be loaded or is invalid."""


class GeneratorSpec(BaseModel):
    """A built-in generator by name, with its parameters (checked when the file is read)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> GeneratorSpec:
        if self.name not in GENERATORS:
            known = ", ".join(sorted(GENERATORS))
            fail(
                "GeneratorSpec", [issue(("name",), f"unknown generator; known: {known}", self.name)]
            )
        _, problems = parse_member(GENERATORS[self.name].params, self.params, ("params",))
        fail("GeneratorSpec", problems)
        return self


class Workload(BaseModel):
    """What to run: exactly one of ``network`` (path or inline) and ``generator``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    network: Path | Network | None = None
    generator: GeneratorSpec | None = None
    ticks: PositiveInt = 100
    seed: NonNegativeInt = Field(default=0, lt=2**32)

    @model_validator(mode="before")
    @classmethod
    def _inline_network(cls, data: Any) -> Any:
        """Validate an inline network as a Network, so errors name its keys."""
        if isinstance(data, dict) and isinstance(data.get("network"), dict):
            network, problems = parse_member(Network, data["network"], ("network",))
            fail("Workload", problems)
            data = {**data, "network": network}
        return data

    @model_validator(mode="after")
    def _one_network(self) -> Workload:
        if (self.network is None) == (self.generator is None):
            raise ValueError("give exactly one of 'network' and 'generator'")
        return self

    def resolve(self, relative_to: Path | None = None) -> Network:
        """The network this workload names (a relative path is read from ``relative_to``)."""
        if self.generator is not None:
            return generate(self.generator.name, self.generator.params)
        if isinstance(self.network, Network):
            return self.network
        path = self.network if relative_to is None else relative_to / self.network
        return load_network(path)


def load_network(path: str | Path) -> Network:
    """Read a network YAML file (the top level is a Network: name, populations, projections).

    Relative source paths are resolved against the file's directory and must exist.
    """
    path = Path(path)
    return _with_data_files(load_yaml_model(path, Network, error=NetworkError), path, "")


def load_workload(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Workload:
    """Read a workload YAML file (network or generator, ticks, seed).

    A network path is resolved against the workload file's directory and must exist; an inline
    network is validated like a network file.
    """
    path = Path(path)
    workload = load_yaml_model(path, Workload, overrides, NetworkError)
    if isinstance(workload.network, Path):
        network = path.parent / workload.network
        if not network.is_file():
            raise NetworkError(f"{path}: network: no such file {str(network)!r}")
        workload = workload.model_copy(update={"network": network})
    elif isinstance(workload.network, Network):
        network = _with_data_files(workload.network, path, "network.")
        workload = workload.model_copy(update={"network": network})
    return workload


def _with_data_files(network: Network, path: Path, prefix: str) -> Network:
    """``network`` with its sources' data paths resolved against ``path``'s directory."""
    populations = []
    for i, group in enumerate(network.populations):
        if isinstance(group, TraceSource | EventCameraSource):
            data = path.parent / group.path
            if not data.is_file():
                key = f"{prefix}populations.{i}.path"
                raise NetworkError(f"{path}: {key}: no such file {str(data)!r}")
            group = group.model_copy(update={"path": data})
        populations.append(group)
    return network.model_copy(update={"populations": populations})
