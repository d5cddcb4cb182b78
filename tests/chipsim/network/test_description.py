"""Network description: every kind of bad YAML names file, key and line; valid files round-trip."""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chipsim.errors import UserError
from chipsim.network import (
    AllToAll,
    Network,
    NetworkError,
    NeuronPopulation,
    OneToOne,
    PoissonSource,
    Projection,
    load_network,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "configs" / "networks" / "example.yaml"

VALID = """\
name: small
populations:
  - {name: inp, model: poisson, size: 4, rate_hz: 10.0}
  - {name: exc, model: lif_fixed, size: 4, params: {tau_m_ms: 10.0}}
projections:
  - {pre: inp, post: exc, connector: {kind: one_to_one}, weight: 2.0}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "net.yaml"
    path.write_text(dedent(text))
    return path


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(NetworkError) as info:
        load_network(path)
    assert str(path) in str(info.value)
    return str(info.value)


BAD = {
    "unknown key in a source": (
        """\
        populations:
          - name: inp
            model: poisson
            size: 4
            rate_hz: 10.0
            colour: red
        """,
        "populations.0.colour (line 6): unknown key; expected one of: name, size, model, rate_hz",
    ),
    "unknown key at the top": (
        "populations: [{name: a, model: lif_float, size: 1}]\nprojection: []\n",
        "projection (line 2): unknown key; expected one of: name, populations, projections",
    ),
    "unknown key in a connector": (
        VALID.replace("{kind: one_to_one}", "{kind: one_to_one, p: 0.5}"),
        "projections.0.connector.p (line 6): unknown key; expected one of: kind",
    ),
    "unknown connector kind": (
        VALID.replace("one_to_one", "one_to_some"),
        "projections.0.connector.kind (line 6): unknown kind; expected all_to_all",
    ),
    "unknown model": (
        VALID.replace("lif_fixed", "lif"),
        "populations.1.model (line 4): unknown model; expected a neuron model (lif_float",
    ),
    "missing model": (
        "populations: [{name: a, size: 1}]\n",
        "populations.0.model (line 1): missing required key",
    ),
    "unknown LIF parameter": (
        VALID.replace("tau_m_ms", "tau_membrane"),
        "populations.1.params.tau_membrane (line 4): unknown lif_fixed parameter; known: tau_m_ms",
    ),
    "wrong type of size": (
        VALID.replace("size: 4, rate_hz", "size: four, rate_hz"),
        "populations.0.size (line 3): Input should be a valid integer",
    ),
    "wrong type of weight": (
        VALID.replace("weight: 2.0", "weight: strong"),
        "projections.0.weight (line 6): expected a finite number or a list of finite numbers "
        "(got 'strong')",
    ),
    "infinite weight": (
        VALID.replace("weight: 2.0", "weight: .inf"),
        "projections.0.weight (line 6): expected a finite number",
    ),
    "nan parameter": (
        VALID.replace("tau_m_ms: 10.0", "tau_m_ms: .nan"),
        "populations.1.params.tau_m_ms (line 4): expected a finite number",
    ),
    "infinite rate": (
        VALID.replace("rate_hz: 10.0", "rate_hz: .inf"),
        "populations.0.rate_hz (line 3): Input should be a finite number",
    ),
    "zero delay": (
        VALID.replace("weight: 2.0", "weight: 2.0, delay: 0"),
        "projections.0.delay (line 6): expected a whole number of ticks >= 1",
    ),
    "uniform delay upside down": (
        VALID.replace("weight: 2.0", "weight: 2.0, delay: {low: 3, high: 2}"),
        "projections.0.delay.high (line 6): high < low (3) (got 2)",
    ),
    "negative rate": (
        VALID.replace("rate_hz: 10.0", "rate_hz: -1"),
        "populations.0.rate_hz (line 3): Input should be greater than or equal to 0",
    ),
    "bad reference in pre": (
        VALID.replace("pre: inp", "pre: input"),
        "projections.0.pre (line 6): no population of that name; known: inp, exc (got 'input')",
    ),
    "bad reference in post": (
        VALID.replace("post: exc", "post: ex"),
        "projections.0.post (line 6): no population of that name; known: inp, exc (got 'ex')",
    ),
    "post is a source": (
        VALID.replace("post: exc", "post: inp"),
        "projections.0.post (line 6): is a spike source, not neurons (got 'inp')",
    ),
    "one_to_one size mismatch": (
        VALID.replace("size: 4, params", "size: 5, params"),
        "projections.0.connector.kind (line 6): one_to_one needs equal sizes; pre has 4 neurons, "
        "post 5",
    ),
    "from_list index out of range": (
        VALID.replace("{kind: one_to_one}", "{kind: from_list, connections: [[0, 1], [4, 0]]}"),
        "projections.0.connector.connections.1 (line 6): (4, 0) outside 4 pre x 4 post",
    ),
    "from_list several out of range": (
        VALID.replace("{kind: one_to_one}", "{kind: from_list, connections: [[9, 1], [4, 0]]}"),
        "projections.0.connector.connections.0 (line 6): (9, 1) outside 4 pre x 4 post (and 1 "
        "more entries)",
    ),
    "from_list negative index": (
        VALID.replace("{kind: one_to_one}", "{kind: from_list, connections: [[0, -1]]}"),
        "projections.0.connector.connections.0.1 (line 6): Input should be greater than or equal",
    ),
    "weight list length mismatch": (
        VALID.replace(
            "{kind: one_to_one}, weight: 2.0",
            "{kind: from_list, connections: [[0, 1], [1, 0]]}, weight: [1.0, 2.0, 3.0]",
        ),
        "projections.0.weight (line 6): 3 weights for 2 connections",
    ),  # fmt: skip
    "weight list without from_list": (
        VALID.replace("weight: 2.0", "weight: [2.0, 2.0, 2.0, 2.0]"),
        "projections.0.weight (line 6): a list of weights needs a from_list connector",
    ),
    "duplicate names": (
        VALID.replace("name: exc", "name: inp"),
        "populations.1.name (line 4): repeated name (got 'inp')",
    ),
    "fixed_in_degree larger than pre": (
        VALID.replace("{kind: one_to_one}", "{kind: fixed_in_degree, n: 5}"),
        "projections.0.connector.n (line 6): exceeds the 4 possible pre neurons (got 5)",
    ),
    "fixed_in_degree without self needs one more": (
        VALID.replace("pre: inp", "pre: exc").replace(
            "{kind: one_to_one}", "{kind: fixed_in_degree, n: 4, allow_self: false}"
        ),
        "projections.0.connector.n (line 6): exceeds the 3 possible pre neurons (got 4)",
    ),
    "per-neuron parameter of the wrong length": (
        VALID.replace("tau_m_ms: 10.0", "tau_m_ms: [10.0, 20.0]"),
        "populations.1.params.tau_m_ms (line 4): 2 values for 4 neurons",
    ),
    "spike array index out of range": (
        "populations: [{name: s, model: spike_array, size: 2, spikes: [[0, 0], [3, 2]]}]\n",
        "populations.0.spikes.1 (line 1): index outside 0..1 (got 2)",
    ),
    "spike array negative tick": (
        "populations: [{name: s, model: spike_array, size: 2, spikes: [[-1, 0]]}]\n",
        "populations.0.spikes.0.0 (line 1): Input should be greater than or equal to 0",
    ),
    "event camera polarities": (
        "populations: [{name: c, model: event_camera, path: x.npy, width: 2, height: 2, "
        "polarities: 3}]\n",
        "populations.0.polarities (line 1): Input should be 1 or 2",
    ),
    "no populations": ("populations: []\n", "populations (line 1): List should have at least 1"),
    "YAML syntax": ("populations: [\n", "YAML syntax error"),
}


@pytest.mark.parametrize("text, expected", BAD.values(), ids=BAD.keys())
def test_bad_network_names_file_key_and_line(tmp_path: Path, text: str, expected: str) -> None:
    """Each kind of bad network file is refused with a NetworkError naming file, key and line."""
    assert expected in _error(tmp_path, text)


def test_network_error_is_a_user_error(tmp_path: Path) -> None:
    """NetworkError is a UserError, so the CLI exits with code 2."""
    with pytest.raises(UserError):
        load_network(tmp_path / "missing.yaml")


def test_missing_data_file_names_the_key(tmp_path: Path) -> None:
    """A trace source whose file does not exist (relative to the network file) is refused."""
    text = "populations: [{name: t, model: trace, size: 2, path: spikes.csv}]\n"
    message = _error(tmp_path, text)
    assert "populations.0.path: no such file" in message
    assert str(tmp_path / "spikes.csv") in message


def test_all_problems_of_a_stage_are_reported_together(tmp_path: Path) -> None:
    """Two bad references give two lines, one per key."""
    message = _error(tmp_path, VALID.replace("pre: inp", "pre: a").replace("post: exc", "post: b"))
    assert re.search(r"projections\.0\.pre .*\n.*projections\.0\.post", message)


def test_valid_network_loads(tmp_path: Path) -> None:
    """A valid file gives the populations, in order, with their parameters."""
    network = load_network(_write(tmp_path, VALID))
    assert [g.name for g in network.populations] == ["inp", "exc"]
    assert network.group("exc").params == {"tau_m_ms": 10.0}
    assert network.projections[0].connector.kind == "one_to_one"
    assert network.projections[0].delay == 1


def test_relative_data_paths_are_relative_to_the_file() -> None:
    """The example's trace and event-camera paths resolve next to the repository's traces/."""
    network = load_network(EXAMPLE)
    assert network.group("replay").path.resolve() == ROOT / "traces" / "example_spikes.csv"
    assert network.group("camera").path.resolve() == ROOT / "traces" / "example_events.npy"


def test_unknown_group_name_raises_key_error() -> None:
    """Network.group names the known populations when asked for an unknown one."""
    network = load_network(EXAMPLE)
    with pytest.raises(KeyError, match="known: .*poisson_in"):
        network.group("nope")


@pytest.mark.parametrize("source", [VALID, EXAMPLE], ids=["small", "example"])
def test_yaml_round_trip(tmp_path: Path, source: str | Path) -> None:
    """model_dump -> YAML -> load gives an equal Network."""
    network = load_network(source if isinstance(source, Path) else _write(tmp_path, source))
    path = tmp_path / "dumped.yaml"
    path.write_text(yaml.safe_dump(network.model_dump(mode="json"), sort_keys=False))
    assert load_network(path) == network


def test_python_construction_equals_yaml(tmp_path: Path) -> None:
    """Network.model_validate of the parsed dict equals the loaded file."""
    assert Network.model_validate(yaml.safe_load(VALID)) == load_network(_write(tmp_path, VALID))


def test_python_api_equals_yaml(tmp_path: Path) -> None:
    """The same network built from the model classes equals the loaded file."""
    network = Network(
        name="small",
        populations=[
            PoissonSource(name="inp", size=4, rate_hz=10.0),
            NeuronPopulation(name="exc", size=4, model="lif_fixed", params={"tau_m_ms": 10.0}),
        ],
        projections=[Projection(pre="inp", post="exc", connector=OneToOne(), weight=2.0)],
    )
    assert network == load_network(_write(tmp_path, VALID))


def test_python_api_errors_name_the_key() -> None:
    """Built in Python, a bad reference is a ValidationError at the projection's key."""
    with pytest.raises(ValidationError, match=r"projections\.0\.pre\n.*no population"):
        Network(
            populations=[NeuronPopulation(name="a", size=2, model="lif_float")],
            projections=[Projection(pre="b", post="a", connector=AllToAll(), weight=1.0)],
        )


@st.composite
def _networks(draw) -> dict:
    """Small random valid networks in YAML form: every group and connector kind."""
    finite = {"allow_nan": False, "allow_infinity": False}
    groups = []
    for i in range(draw(st.integers(1, 4))):
        model = draw(st.sampled_from(["lif_float", "lif_fixed", "poisson", "spike_array"]))
        size = draw(st.integers(1, 6))
        group = {"name": f"p{i}", "model": model, "size": size}
        if model == "poisson":
            group["rate_hz"] = draw(st.floats(0, 1000, **finite))
        elif model == "spike_array":
            pair = st.tuples(st.integers(0, 99), st.integers(0, size - 1))
            group["spikes"] = [list(p) for p in draw(st.lists(pair, max_size=4))]
        else:
            value = st.floats(1, 50, **finite)
            group["params"] = draw(st.one_of(st.just({}), st.fixed_dictionaries(
                {"tau_m_ms": st.one_of(value, st.lists(value, min_size=size, max_size=size))}
            )))  # fmt: skip
        groups.append(group)
    neurons = [g for g in groups if g["model"].startswith("lif")]
    projections = []
    for _ in range(draw(st.integers(0, 4)) if neurons else 0):
        pre, post = draw(st.sampled_from(groups)), draw(st.sampled_from(neurons))
        projections.append(_projection(draw, pre, post))
    return {"name": "random", "populations": groups, "projections": projections}


def _projection(draw, pre: dict, post: dict) -> dict:
    kinds = ["all_to_all", "fixed_probability", "fixed_in_degree", "from_list"]
    kinds += ["one_to_one"] * (pre["size"] == post["size"])
    connector = {"kind": draw(st.sampled_from(kinds))}
    weight = draw(st.floats(-10, 10, allow_nan=False))
    if connector["kind"] == "fixed_probability":
        connector["p"] = draw(st.floats(0.01, 1.0))
    elif connector["kind"] == "fixed_in_degree":
        connector["n"] = draw(st.integers(1, pre["size"]))
    elif connector["kind"] == "from_list":
        pair = st.tuples(st.integers(0, pre["size"] - 1), st.integers(0, post["size"] - 1))
        pairs = draw(st.lists(pair, max_size=5))
        connector["connections"] = [list(p) for p in pairs]
        weight = draw(st.one_of(st.just(weight), st.just([weight] * len(pairs))))
    low = draw(st.integers(1, 15))
    delay = draw(st.one_of(st.just(low), st.builds(lambda h: {"low": low, "high": h},
                                                   st.integers(low, 15))))  # fmt: skip
    return {"pre": pre["name"], "post": post["name"], "connector": connector,
            "weight": weight, "delay": delay}  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(_networks())
def test_random_networks_round_trip(data: dict) -> None:
    """Any valid network: YAML text -> Network -> model_dump -> YAML -> an equal Network."""
    network = Network.model_validate(yaml.safe_load(yaml.safe_dump(data)))
    dumped = yaml.safe_dump(network.model_dump(mode="json"))
    assert Network.model_validate(yaml.safe_load(dumped)) == network
