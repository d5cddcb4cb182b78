"""A spiking network as data: populations, spike sources and projections (PyNN in spirit).

The same models validate the YAML form (see :mod:`chipsim.network.workload` and
docs/networks.md). Neuron ids are global: populations and sources are numbered in the order they
are declared, each a contiguous block. Weights are in the input units of the post-synaptic
neuron model (nA for the LIF models of :mod:`cores.lif`); a negative weight is inhibitory.
Delays are in ticks, at least 1.

Every error is reported at the key that is wrong (``projections.2.connector.n``), never at the
tag of a union member, so that a YAML file's error names its key and line.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveInt,
    Tag,
    field_validator,
    model_validator,
)

from chipsim.network._validate import Spec, fail, is_number, issue, parse_member
from chipsim.network.connectors import (
    CONNECTORS,
    AllToAll,
    Connector,
    FixedInDegree,
    FixedProbability,
    FromList,
    OneToOne,
    UniformInt,
    parse_connector,
)
from cores import lif_params
from cores.params import NeuronModel

__all__ = [
    "CONNECTORS",
    "LIF_MODELS",
    "LIF_PARAMETERS",
    "SOURCES",
    "AllToAll",
    "Connector",
    "EventCameraSource",
    "FixedInDegree",
    "FixedProbability",
    "FromList",
    "Group",
    "Network",
    "NeuronPopulation",
    "OneToOne",
    "PoissonSource",
    "Projection",
    "Source",
    "SpikeArraySource",
    "TraceSource",
    "UniformInt",
]

LIF_MODELS = (NeuronModel.LIF_FLOAT, NeuronModel.LIF_FIXED)
LIF_PARAMETERS = tuple(
    name
    for name in inspect.signature(lif_params).parameters
    if name not in ("n", "dt_ms", "shift_exc", "shift_inh")
)
"""Parameters a LIF population may set (dt comes from the run, ring shifts from the mapper)."""


# --- populations and sources -------------------------------------------------------------------


class NeuronPopulation(Spec):
    """``size`` neurons of one model; ``params`` override the model's defaults.

    A parameter is one number for all neurons or a list of ``size`` numbers, one per neuron.
    LIF parameter names are checked here (:data:`LIF_PARAMETERS`); other models' when mapped.
    """

    name: str = Field(min_length=1)
    size: PositiveInt
    model: NeuronModel
    params: dict[str, float | list[float]] = Field(
        default_factory=dict, description="Model parameters (units in their names)."
    )

    @field_validator("params", mode="before")
    @classmethod
    def _numbers(cls, params: Any) -> Any:
        if not isinstance(params, dict):
            return params
        problems = [
            issue((key,), "expected a finite number or a list of finite numbers", value)
            for key, value in params.items()
            if not (is_number(value) or isinstance(value, list) and all(map(is_number, value)))
        ]
        fail("params", problems)
        return params

    @model_validator(mode="after")
    def _params_fit(self) -> NeuronPopulation:
        problems = [
            issue(("params", key), f"{len(value)} values for {self.size} neurons", value)
            for key, value in self.params.items()
            if isinstance(value, list) and len(value) != self.size
        ]
        if self.model in LIF_MODELS:
            problems += [
                issue(
                    ("params", key),
                    f"unknown {self.model.value} parameter; known: {', '.join(LIF_PARAMETERS)}",
                    key,
                )
                for key in self.params
                if key not in LIF_PARAMETERS
            ]
        fail("NeuronPopulation", problems)
        return self


class PoissonSource(Spec):
    """Independent Poisson spike trains at ``rate_hz`` (one Bernoulli draw per neuron per tick,
    probability ``rate_hz * dt``, so at most one spike per tick)."""

    name: str = Field(min_length=1)
    size: PositiveInt
    model: Literal["poisson"] = "poisson"
    rate_hz: NonNegativeFloat


class SpikeArraySource(Spec):
    """Explicit spikes: a list of [tick, index within the source] pairs."""

    name: str = Field(min_length=1)
    size: PositiveInt
    model: Literal["spike_array"] = "spike_array"
    spikes: list[tuple[NonNegativeInt, NonNegativeInt]]

    @model_validator(mode="after")
    def _in_range(self) -> SpikeArraySource:
        index = np.asarray(self.spikes, dtype=np.int64).reshape(-1, 2)[:, 1]
        bad = np.flatnonzero(index >= self.size)
        if bad.size:
            message = f"index outside 0..{self.size - 1}" + _more(bad.size)
            fail("SpikeArraySource", [issue(("spikes", int(bad[0])), message, int(index[bad[0]]))])
        return self


class TraceSource(Spec):
    """Spikes replayed from a trace file (decision 5); neuron ids are indices in the source.

    A relative ``path`` in a network file is relative to that file's directory.
    """

    name: str = Field(min_length=1)
    size: PositiveInt
    model: Literal["trace"] = "trace"
    path: Path


class EventCameraSource(Spec):
    """An event-camera recording: Tonic's structured (x, y, t [us], p) array saved with
    ``numpy.save``; pixel (x, y) of polarity p is neuron ``(p * height + y) * width + x``.

    A relative ``path`` in a network file is relative to that file's directory.
    """

    name: str = Field(min_length=1)
    model: Literal["event_camera"] = "event_camera"
    path: Path
    width: PositiveInt
    height: PositiveInt
    polarities: Literal[1, 2] = 2

    @property
    def size(self) -> int:
        """Neurons: width x height x polarities."""
        return self.width * self.height * self.polarities


Source = PoissonSource | SpikeArraySource | TraceSource | EventCameraSource
SOURCES: dict[str, type[BaseModel]] = {
    "poisson": PoissonSource,
    "spike_array": SpikeArraySource,
    "trace": TraceSource,
    "event_camera": EventCameraSource,
}
SOURCE_MODELS = tuple(SOURCES)


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


def _parse_group(value: Any, i: int) -> tuple[Any, list]:
    """A population or source from its mapping, chosen by ``model``."""
    if isinstance(value, BaseModel):
        return value, []
    if not isinstance(value, dict):
        return None, [issue((i,), "expected a mapping with keys name, model, ...", None)]
    model = value.get("model")
    if model is None:
        return None, [issue((i, "model"), "missing required key", None, "missing")]
    if not isinstance(model, str):
        return None, [issue((i, "model"), "expected the name of a model", None)]
    if model in SOURCES:
        return parse_member(SOURCES[model], value, (i,))
    if model in set(NeuronModel):
        return parse_member(NeuronPopulation, value, (i,))
    known = ", ".join(m.value for m in NeuronModel)
    message = f"unknown model; expected a neuron model ({known}) or a spike source " + (
        f"({', '.join(SOURCE_MODELS)})"
    )
    return None, [issue((i, "model"), message, model)]


class Projection(Spec):
    """Synapses from ``pre`` (population or source) onto ``post`` (a neuron population)."""

    pre: str
    post: str
    connector: Connector
    weight: float | list[float] = Field(
        description="One weight for all synapses, or one per connection (from_list only); "
        "post model's input units (nA for LIF), negative = inhibitory."
    )
    delay: PositiveInt | UniformInt = Field(
        default=1, description="Delay, ticks (>= 1): one value or {low, high} drawn uniformly."
    )

    @field_validator("connector", mode="before")
    @classmethod
    def _connector(cls, value: Any) -> Any:
        return parse_connector(value)

    @field_validator("weight", mode="before")
    @classmethod
    def _weight(cls, value: Any) -> Any:
        if is_number(value) or isinstance(value, list) and all(map(is_number, value)):
            return value
        raise ValueError("expected a finite number or a list of finite numbers")

    @field_validator("delay", mode="before")
    @classmethod
    def _delay(cls, value: Any) -> Any:
        if isinstance(value, dict):
            delay, problems = parse_member(UniformInt, value)
            fail("delay", problems)
            return delay
        if isinstance(value, UniformInt) or is_number(value) and value >= 1 and value % 1 == 0:
            return int(value) if is_number(value) else value
        raise ValueError("expected a whole number of ticks >= 1 or {low: L, high: H}")


# --- the network --------------------------------------------------------------------------------


class Network(Spec):
    """Populations and sources (numbered in order) and the projections between them."""

    name: str = Field(default="network", min_length=1)
    populations: list[Group] = Field(min_length=1)
    projections: list[Projection] = Field(default_factory=list)

    @field_validator("populations", mode="before")
    @classmethod
    def _groups(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        parsed = [_parse_group(item, i) for i, item in enumerate(value)]
        fail("populations", [problem for _, problems in parsed for problem in problems])
        return [group for group, _ in parsed]

    @model_validator(mode="after")
    def _consistent(self) -> Network:
        problems = _duplicate_names(self.populations)
        groups = {g.name: g for g in self.populations}
        for i, proj in enumerate(self.projections):
            problems += _projection_problems(i, proj, groups)
        fail("Network", problems)
        return self

    def group(self, name: str) -> NeuronPopulation | Source:
        """The population or source called ``name``."""
        for g in self.populations:
            if g.name == name:
                return g
        raise KeyError(f"no population {name!r}; known: {[g.name for g in self.populations]}")


def _more(count: int) -> str:
    """Suffix for the first of ``count`` bad entries of a list (only the first is reported)."""
    return f" (and {count - 1} more entries)" if count > 1 else ""


def _duplicate_names(groups: list) -> list:
    seen: set[str] = set()
    problems = []
    for i, group in enumerate(groups):
        if group.name in seen:
            problems.append(issue(("populations", i, "name"), "repeated name", group.name))
        seen.add(group.name)
    return problems


def _projection_problems(i: int, proj: Projection, groups: dict) -> list:
    """Bad references, a post that is a source, connectors that do not fit the sizes."""
    where = ("projections", i)
    problems = [
        issue((*where, end), f"no population of that name; known: {', '.join(groups)}", name)
        for end, name in (("pre", proj.pre), ("post", proj.post))
        if name not in groups
    ]
    if problems:
        return problems
    if not isinstance(groups[proj.post], NeuronPopulation):
        return [issue((*where, "post"), "is a spike source, not neurons", proj.post)]
    n_pre, n_post = groups[proj.pre].size, groups[proj.post].size
    same = proj.pre == proj.post
    return _connector_problems(where, proj, n_pre, n_post, same)


def _connector_problems(where: tuple, proj: Projection, n_pre: int, n_post: int, same: bool):
    c = proj.connector
    at = (*where, "connector")
    if isinstance(c, OneToOne) and n_pre != n_post:
        return [
            issue(
                (*at, "kind"),
                f"one_to_one needs equal sizes; pre has {n_pre} neurons, post {n_post}",
                c.kind,
            )
        ]
    if isinstance(c, FixedInDegree):
        available = n_pre - (1 if same and not c.allow_self else 0)
        if c.n > available:
            return [issue((*at, "n"), f"exceeds the {available} possible pre neurons", c.n)]
    if isinstance(c, FromList):
        pairs = np.asarray(c.connections, dtype=np.int64).reshape(-1, 2)
        bad = np.flatnonzero((pairs[:, 0] >= n_pre) | (pairs[:, 1] >= n_post))
        problems = [
            issue(
                (*at, "connections", k),
                f"({a}, {b}) outside {n_pre} pre x {n_post} post" + _more(bad.size),
                [a, b],
            )
            for k, (a, b) in zip(bad[:1].tolist(), pairs[bad[:1]].tolist(), strict=True)
        ]
        if isinstance(proj.weight, list) and len(proj.weight) != len(c.connections):
            message = f"{len(proj.weight)} weights for {len(c.connections)} connections"
            problems.append(issue((*where, "weight"), message, proj.weight))
        return problems
    if isinstance(proj.weight, list):
        return [issue((*where, "weight"), "a list of weights needs a from_list connector", [])]
    return []
