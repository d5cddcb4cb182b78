"""A workload: the network to run (a file, inline, or a generator), ticks and seed.

Kept apart from chip configs (design.md, "Configs") so one workload runs on many chips.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, model_validator

from chipsim.errors import UserError
from chipsim.network.description import Network
from chipsim.network.generators import generate
from chipsim.yamlmodel import load_yaml_model


class NetworkError(UserError):
    """A network or workload file that cannot be loaded or is invalid."""


class GeneratorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class Workload(BaseModel):
    """What to run: exactly one of ``network`` (path or inline) and ``generator``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    network: Path | Network | None = None
    generator: GeneratorSpec | None = None
    ticks: PositiveInt = 100
    seed: NonNegativeInt = 0

    @model_validator(mode="after")
    def _one_network(self) -> Workload:
        if (self.network is None) == (self.generator is None):
            raise ValueError("give exactly one of 'network' and 'generator'")
        return self

    def resolve(self, relative_to: Path | None = None) -> Network:
        """The network this workload names (a path is read relative to ``relative_to``)."""
        if self.generator is not None:
            return generate(self.generator.name, self.generator.params)
        if isinstance(self.network, Network):
            return self.network
        path = self.network if relative_to is None else relative_to / self.network
        return load_network(path)


def load_network(path: str | Path) -> Network:
    """Read a network YAML file (the top level is a Network: name, populations, projections)."""
    return load_yaml_model(path, Network, error=NetworkError)


def load_workload(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Workload:
    """Read a workload YAML file (network or generator, ticks, seed)."""
    return load_yaml_model(path, Workload, overrides, NetworkError)
