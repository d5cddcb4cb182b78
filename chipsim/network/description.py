"""A spiking network as data: populations, spike sources and projections (PyNN in spirit).

The same models validate the YAML form (see :mod:`chipsim.network.loader`). Neuron ids are
global: populations and sources are numbered in the order they are declared, each a contiguous
block. Weights are in the input units of the post-synaptic neuron model (the model's docstring in
cores/ says which); a negative weight is inhibitory. Delays are in ticks, at least 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    NonNegativeFloat,
    PositiveInt,
    Tag,
    field_validator,
    model_validator,
)

from cores.params import NeuronModel


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- populations and sources -------------------------------------------------------------------


class NeuronPopulation(_Spec):
    """``size`` neurons of one model; ``params`` override the model's defaults (scalars)."""

    name: str = Field(min_length=1)
    size: PositiveInt
    model: NeuronModel
    params: dict[str, float] = Field(default_factory=dict, description="Model parameters.")


class PoissonSource(_Spec):
    """Independent Poisson spike trains at ``rate_hz`` (one Bernoulli draw per neuron per tick)."""

    name: str = Field(min_length=1)
    size: PositiveInt
    model: Literal["poisson"]
    rate_hz: NonNegativeFloat


class SpikeArraySource(_Spec):
    """Explicit spikes: a list of (tick, index within the source)."""

    name: str = Field(min_length=1)
    size: PositiveInt
    model: Literal["spike_array"]
    spikes: list[tuple[int, int]]

    @model_validator(mode="after")
    def _in_range(self) -> SpikeArraySource:
        for i, (tick, index) in enumerate(self.spikes):
            if tick < 0 or not 0 <= index < self.size:
                raise ValueError(
                    f"spike {i} (tick {tick}, index {index}) is outside ticks >= 0 and "
                    f"indices 0..{self.size - 1}"
                )
        return self


class TraceSource(_Spec):
    """Spikes replayed from a trace file (decision 5); neuron ids are indices in the source."""

    name: str = Field(min_length=1)
    size: PositiveInt
    model: Literal["trace"]
    path: Path


class EventCameraSource(_Spec):
    """An event-camera recording (Tonic's x, y, t, p layout, saved with numpy.save)."""

    name: str = Field(min_length=1)
    model: Literal["event_camera"]
    path: Path
    width: PositiveInt
    height: PositiveInt
    polarities: Literal[1, 2] = 2

    @property
    def size(self) -> int:
        return self.width * self.height * self.polarities


Source = PoissonSource | SpikeArraySource | TraceSource | EventCameraSource
SOURCE_MODELS = ("poisson", "spike_array", "trace", "event_camera")


def _group_tag(value: object) -> str:
    """'neurons' unless ``model`` names a spike source (then that source's tag)."""
    model = value.get("model") if isinstance(value, dict) else getattr(value, "model", None)
    return model if model in SOURCE_MODELS else "neurons"


Group = Annotated[
    Annotated[NeuronPopulation, Tag("neurons")]
    | Annotated[PoissonSource, Tag("poisson")]
    | Annotated[SpikeArraySource, Tag("spike_array")]
    | Annotated[TraceSource, Tag("trace")]
    | Annotated[EventCameraSource, Tag("event_camera")],
    Discriminator(_group_tag),
]


# --- connectors ---------------------------------------------------------------------------------


class AllToAll(_Spec):
    kind: Literal["all_to_all"]
    allow_self: bool = Field(default=True, description="Keep i -> i when pre is post.")


class OneToOne(_Spec):
    kind: Literal["one_to_one"]


class FixedProbability(_Spec):
    kind: Literal["fixed_probability"]
    p: float = Field(gt=0.0, le=1.0, description="Probability of each (pre, post) pair.")
    allow_self: bool = True


class FixedInDegree(_Spec):
    kind: Literal["fixed_in_degree"]
    n: PositiveInt = Field(description="Distinct pre-synaptic neurons per post neuron.")
    allow_self: bool = True


class FromList(_Spec):
    kind: Literal["from_list"]
    connections: list[tuple[int, int]] = Field(description="(pre index, post index) pairs.")


Connector = Annotated[
    AllToAll | OneToOne | FixedProbability | FixedInDegree | FromList,
    Field(discriminator="kind"),
]


class UniformInt(_Spec):
    """Integer uniformly drawn from [low, high] inclusive."""

    low: PositiveInt
    high: PositiveInt

    @model_validator(mode="after")
    def _ordered(self) -> UniformInt:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) < low ({self.low})")
        return self


class Projection(_Spec):
    """Synapses from ``pre`` (population or source) onto ``post`` (a neuron population)."""

    pre: str
    post: str
    connector: Connector
    weight: float | list[float] = Field(
        description="One weight for all synapses, or one per connection (from_list only)."
    )
    delay: PositiveInt | UniformInt = Field(default=1, description="Delay, ticks (>= 1).")


# --- the network --------------------------------------------------------------------------------


class Network(_Spec):
    """Populations and sources (numbered in order) and the projections between them."""

    name: str = Field(default="network", min_length=1)
    populations: list[Group] = Field(min_length=1)
    projections: list[Projection] = Field(default_factory=list)

    @field_validator("populations")
    @classmethod
    def _unique_names(cls, groups: list) -> list:
        names = [g.name for g in groups]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"population names must be unique; repeated: {duplicates}")
        return groups

    @model_validator(mode="after")
    def _projections_fit(self) -> Network:
        groups = {g.name: g for g in self.populations}
        for i, proj in enumerate(self.projections):
            where = f"projections.{i}"
            for end in ("pre", "post"):
                if getattr(proj, end) not in groups:
                    raise ValueError(
                        f"{where}.{end}: no population {getattr(proj, end)!r}; "
                        f"known: {sorted(groups)}"
                    )
            pre, post = groups[proj.pre], groups[proj.post]
            if not isinstance(post, NeuronPopulation):
                raise ValueError(f"{where}.post: {proj.post!r} is a spike source, not neurons")
            _check_connector(where, proj, pre.size, post.size)
        return self

    def group(self, name: str) -> NeuronPopulation | Source:
        return next(g for g in self.populations if g.name == name)


def _check_connector(where: str, proj: Projection, n_pre: int, n_post: int) -> None:
    connector = proj.connector
    if isinstance(connector, OneToOne) and n_pre != n_post:
        raise ValueError(f"{where}: one_to_one needs equal sizes, got {n_pre} and {n_post}")
    if isinstance(connector, FixedInDegree) and connector.n > n_pre:
        raise ValueError(
            f"{where}: fixed_in_degree n={connector.n} exceeds the {n_pre} pre neurons"
        )
    if isinstance(connector, FromList):
        for i, (a, b) in enumerate(connector.connections):
            if not (0 <= a < n_pre and 0 <= b < n_post):
                raise ValueError(
                    f"{where}.connector.connections.{i}: ({a}, {b}) outside {n_pre} x {n_post}"
                )
        if isinstance(proj.weight, list) and len(proj.weight) != len(connector.connections):
            raise ValueError(
                f"{where}.weight: {len(proj.weight)} weights for "
                f"{len(connector.connections)} connections"
            )
    elif isinstance(proj.weight, list):
        raise ValueError(f"{where}.weight: a list of weights needs a from_list connector")
