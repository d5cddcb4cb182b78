"""Built-in network generators, chosen by name, with sizes as parameters.

Each generator has a pydantic parameter model (unknown parameters are refused with the known
ones listed) and a function that builds a :class:`Network`. Weights are in the post model's input
units: nA for the LIF models (see cores.lif).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError

from chipsim.errors import UserError
from chipsim.network.description import LIF_MODELS, Network
from chipsim.network.tn_characterisation import TnCharacterisationParams, tn_characterisation
from cores.params import NeuronModel


class _GeneratorParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    model: NeuronModel = Field(default=NeuronModel.LIF_FIXED, description="Neuron model.")


class SynfireParams(_GeneratorParams):
    """A chain of groups, each all-to-all onto the next; a stimulus fires group 0 at tick 0."""

    groups: PositiveInt = 10
    group_size: PositiveInt = 100
    weight: float | None = Field(
        default=None,
        description="Synaptic weight, model input units; default 40 / group_size nA, so that a "
        "whole volley of one group fires the next once (LIF defaults, 1 ms synapses).",
    )
    delay: PositiveInt = Field(default=1, description="Delay between groups, ticks.")
    loop: bool = Field(default=False, description="Connect the last group back to the first.")


class FeedforwardParams(_GeneratorParams):
    """Poisson input, then layers with a fixed in-degree from the layer before.

    The default weight keeps the rate of every layer near the input's 20 Hz with the LIF
    defaults (18, 19 and 22 Hz over 400 ticks, seed 0, ``simulate_ideal``); the old default
    0.5 nA drove the layers to 92, 237 and 314 Hz.
    """

    layers: list[PositiveInt] = Field(default=[200, 200, 100], min_length=1)
    inputs: PositiveInt = 200
    rate_hz: float = Field(default=20.0, ge=0.0, description="Input Poisson rate, Hz.")
    fanin: PositiveInt = Field(
        default=50, description="Synapses per neuron from the layer before (capped by its size)."
    )
    weight: float = Field(default=0.17, description="Synaptic weight, model input units.")
    delay: PositiveInt = Field(default=1, description="Delay, ticks.")


class RandomBalancedParams(_GeneratorParams):
    """Excitatory and inhibitory populations with fixed in-degree, driven by Poisson input.

    With the LIF defaults the default parameters give about 20 Hz (1000 or 4000 neurons, 200
    ticks, seed 0, ``simulate_ideal``); the old defaults (weight 0.1, input_weight 0.5) were
    silent.
    """

    n_neurons: int = Field(default=1000, ge=2, description="Excitatory + inhibitory neurons.")
    fanin: PositiveInt = Field(
        default=100,
        description="Recurrent synapses per neuron (fewer where a population is smaller).",
    )
    exc_fraction: float = Field(default=0.8, gt=0.0, lt=1.0)
    g: float = Field(default=4.0, ge=0.0, description="Inhibitory / excitatory weight ratio.")
    weight: float = Field(default=0.2, description="Excitatory weight, model input units.")
    inputs: PositiveInt = 100
    input_fanin: PositiveInt = 10
    input_weight: float = Field(default=1.5, description="Input weight, model input units.")
    rate_hz: float = Field(default=10.0, ge=0.0, description="Input Poisson rate, Hz.")
    delay_max: PositiveInt = Field(default=1, description="Delays uniform in 1..delay_max.")


SYNFIRE_LIF_PARAMS = {"tau_syn_exc_ms": 1.0, "tau_syn_inh_ms": 1.0, "tau_refrac_ms": 5.0}
"""Fast synapses and a refractory period longer than the synaptic current lasts, so that each
group fires exactly one volley per stimulus."""


def synfire(p: SynfireParams) -> Network:
    """A "stimulus" spike array (all of it at tick 0), then groups "g0", "g1", ...

    The stimulus drives g0 one to one (40 nA, delay 1), so g_i fires at tick 1 + i * delay.
    """
    weight = 40.0 / p.group_size if p.weight is None else p.weight
    params = SYNFIRE_LIF_PARAMS if p.model in LIF_MODELS else {}
    groups = [
        {"name": f"g{i}", "size": p.group_size, "model": p.model, "params": params}
        for i in range(p.groups)
    ]
    stimulus = {
        "name": "stimulus",
        "size": p.group_size,
        "model": "spike_array",
        "spikes": [(0, i) for i in range(p.group_size)],
    }
    links = [(f"g{i}", f"g{i + 1}") for i in range(p.groups - 1)]
    if p.loop:
        links.append((f"g{p.groups - 1}", "g0"))
    projections = [
        {"pre": "stimulus", "post": "g0", "connector": {"kind": "one_to_one"}, "weight": 40.0},
    ] + [
        {"pre": a, "post": b, "connector": {"kind": "all_to_all"}, "weight": weight,
         "delay": p.delay}
        for a, b in links
    ]  # fmt: skip
    return Network.model_validate(
        {"name": "synfire", "populations": [stimulus, *groups], "projections": projections}
    )


def feedforward(p: FeedforwardParams) -> Network:
    """A Poisson "input", then "layer0", "layer1", ... each fed by the one before."""
    names = ["input"] + [f"layer{i}" for i in range(len(p.layers))]
    populations = [{"name": "input", "size": p.inputs, "model": "poisson", "rate_hz": p.rate_hz}]
    populations += [
        {"name": name, "size": size, "model": p.model}
        for name, size in zip(names[1:], p.layers, strict=True)
    ]
    sizes = [p.inputs, *p.layers]
    projections = [
        {"pre": names[i], "post": names[i + 1], "weight": p.weight, "delay": p.delay,
         "connector": {"kind": "fixed_in_degree", "n": min(p.fanin, sizes[i])}}
        for i in range(len(p.layers))
    ]  # fmt: skip
    return Network.model_validate(
        {"name": "feedforward", "populations": populations, "projections": projections}
    )


def random_balanced(p: RandomBalancedParams) -> Network:
    """Populations "input" (Poisson), "exc" and "inh"; in-degrees from each, no self-synapses.

    ``n_exc = round(n_neurons * exc_fraction)`` (kept within 1 .. n_neurons - 1), ``n_inh`` the
    rest; of the ``fanin`` recurrent synapses of a neuron, ``round(fanin * exc_fraction)`` (at
    least 1) come from "exc" and the rest from "inh", each capped by the neurons available.
    """
    n_exc = min(max(1, round(p.n_neurons * p.exc_fraction)), p.n_neurons - 1)
    n_inh = p.n_neurons - n_exc
    k_exc = min(max(1, round(p.fanin * p.exc_fraction)), p.fanin)
    k_inh = p.fanin - k_exc
    delay = {"low": 1, "high": p.delay_max} if p.delay_max > 1 else 1
    populations = [
        {"name": "input", "size": p.inputs, "model": "poisson", "rate_hz": p.rate_hz},
        {"name": "exc", "size": n_exc, "model": p.model},
        {"name": "inh", "size": n_inh, "model": p.model},
    ]
    sizes = {"exc": n_exc, "inh": n_inh}
    projections = []
    for post in ("exc", "inh"):
        projections.append(
            {"pre": "input", "post": post, "weight": p.input_weight, "delay": 1,
             "connector": {"kind": "fixed_in_degree", "n": min(p.input_fanin, p.inputs)}}
        )  # fmt: skip
        for pre, k, weight in (("exc", k_exc, p.weight), ("inh", k_inh, -p.g * p.weight)):
            n = min(k, sizes[pre] - (pre == post))
            if n > 0:
                projections.append(
                    {"pre": pre, "post": post, "weight": weight, "delay": delay,
                     "connector": {"kind": "fixed_in_degree", "n": n, "allow_self": False}}
                )  # fmt: skip
    return Network.model_validate(
        {"name": "random_balanced", "populations": populations, "projections": projections}
    )


@dataclass(frozen=True)
class Generator:
    params: type[BaseModel]
    build: Callable[[Any], Network]


GENERATORS: Mapping[str, Generator] = {
    "synfire": Generator(SynfireParams, synfire),
    "feedforward": Generator(FeedforwardParams, feedforward),
    "random_balanced": Generator(RandomBalancedParams, random_balanced),
    "tn_characterisation": Generator(TnCharacterisationParams, tn_characterisation),
}


def generate(name: str, params: Mapping[str, Any] | None = None) -> Network:
    """Build the network of generator ``name`` with ``params``; errors list what is known."""
    if name not in GENERATORS:
        raise UserError(f"unknown generator {name!r}; known: {', '.join(sorted(GENERATORS))}")
    generator = GENERATORS[name]
    try:
        parsed = generator.params.model_validate(dict(params or {}))
    except ValidationError as exc:
        known = ", ".join(generator.params.model_fields)
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: "
            + ("unknown parameter" if e["type"] == "extra_forbidden" else e["msg"])
            for e in exc.errors()
        )
        raise UserError(f"generator {name}: {problems} (parameters: {known})") from None
    return generator.build(parsed)
