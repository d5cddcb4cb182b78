"""Connectors: which (pre, post) pairs of two populations a projection connects.

Each connector is a model tagged by ``kind``; :mod:`chipsim.network.expand` turns it into index
arrays. Sizes are checked against the populations by :class:`chipsim.network.Network`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, NonNegativeInt, PositiveInt, model_validator

from chipsim.network._validate import Spec, fail, issue, parse_member


class AllToAll(Spec):
    """Every pre neuron onto every post neuron."""

    kind: Literal["all_to_all"] = "all_to_all"
    allow_self: bool = Field(default=True, description="Keep i -> i when pre is post.")


class OneToOne(Spec):
    """Pre neuron i onto post neuron i (equal sizes)."""

    kind: Literal["one_to_one"] = "one_to_one"


class FixedProbability(Spec):
    """Each (pre, post) pair independently with probability ``p``."""

    kind: Literal["fixed_probability"] = "fixed_probability"
    p: float = Field(gt=0.0, le=1.0, description="Probability of each (pre, post) pair.")
    allow_self: bool = Field(default=True, description="Keep i -> i when pre is post.")


class FixedInDegree(Spec):
    """``n`` distinct pre neurons, drawn uniformly, onto each post neuron."""

    kind: Literal["fixed_in_degree"] = "fixed_in_degree"
    n: PositiveInt = Field(description="Distinct pre-synaptic neurons per post neuron.")
    allow_self: bool = Field(default=True, description="May draw i -> i when pre is post.")


class FromList(Spec):
    """Explicit [pre index, post index] pairs (indices within the populations)."""

    kind: Literal["from_list"] = "from_list"
    connections: list[tuple[NonNegativeInt, NonNegativeInt]] = Field(
        description="(pre index, post index) pairs."
    )


CONNECTORS: dict[str, type[BaseModel]] = {
    "all_to_all": AllToAll,
    "one_to_one": OneToOne,
    "fixed_probability": FixedProbability,
    "fixed_in_degree": FixedInDegree,
    "from_list": FromList,
}

Connector = Annotated[
    AllToAll | OneToOne | FixedProbability | FixedInDegree | FromList,
    Field(discriminator="kind"),
]


class UniformInt(Spec):
    """Integer uniformly drawn from [low, high] inclusive."""

    low: PositiveInt
    high: PositiveInt

    @model_validator(mode="after")
    def _ordered(self) -> UniformInt:
        if self.high < self.low:
            fail("UniformInt", [issue(("high",), f"high < low ({self.low})", self.high)])
        return self


def parse_connector(value: Any) -> Any:
    """The connector model that ``value['kind']`` names, errors at the keys of ``value``."""
    if not isinstance(value, dict):
        return value
    kind = value.get("kind")
    if not isinstance(kind, str) or kind not in CONNECTORS:
        expected = ", ".join(CONNECTORS)
        problem = "missing required key" if kind is None else f"unknown kind; expected {expected}"
        fail("connector", [issue(("kind",), problem, kind)])
    connector, problems = parse_member(CONNECTORS[kind], value)
    fail("connector", problems)
    return connector
