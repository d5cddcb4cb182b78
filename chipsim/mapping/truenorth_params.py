"""Neuron parameters and weights of a network mapped onto TrueNorth cores.

A TrueNorth population's ``params`` name fields of :class:`cores.truenorth.TrueNorthNeurons`
(integers; their ranges are that class's), except ``weights``: a neuron's 4 weights s[G] are
the distinct weights of its incoming synapses, set by the mapper. Synaptic weights must be
integers within the neuron's signed 9-bit range [-255, 255].
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from chipsim.mapping.errors import MappingError
from chipsim.mapping.truenorth_axons import CHUNK, Wiring
from chipsim.network.description import NeuronPopulation
from chipsim.network.expand import ExpandedNetwork
from cores import NeuronModel
from cores.truenorth import N_AXON_TYPES, THRESHOLD_MAX, WEIGHT_MAX, TrueNorthNeurons

EMPTY = -1
"""``slot_neuron`` of a slot that holds nothing (never fires)."""
SPLITTER = -2
"""``slot_neuron`` of a splitter neuron."""

KNOWN_PARAMS = tuple(f.name for f in fields(TrueNorthNeurons) if f.name != "weights")
"""Names a TrueNorth population's ``params`` may use."""

SPLITTER_PARAMS = {"threshold": 1}
"""A splitter neuron (besides s[0] = 1): fires when its axon is active, then V := 0."""
SILENT_PARAMS = {"threshold": THRESHOLD_MAX}
"""Input and empty slots: no synapses, no leak, a threshold V = 0 never reaches."""


def population_params(net: ExpandedNetwork) -> dict[int, dict[str, np.ndarray]]:
    """Integer parameters of every neuron population (by group index), checked: int64 scalars
    or, for per-neuron lists, one value per neuron in id order.

    MappingError names the population for a model other than TrueNorth, an unknown name
    (listing the known ones), a non-integer value or a value out of its range.
    """
    out, valid = {}, set()  # valid: (size, values) already checked, the same for every copy
    for g, population in enumerate(net.network.populations):
        if not isinstance(population, NeuronPopulation):
            continue
        where = f"population {population.name!r}"
        if population.model is not NeuronModel.TRUENORTH:
            raise MappingError(
                f"{where}: model {population.model.value} cannot run on a TrueNorth core "
                "(supported: truenorth)"
            )
        unknown = sorted(set(population.params) - set(KNOWN_PARAMS))
        if unknown:
            raise MappingError(
                f"{where}: unknown truenorth parameter(s) {unknown}; known: {list(KNOWN_PARAMS)} "
                "(weights come from the projections)"
            )
        values = {k: np.asarray(v, dtype=np.float64) for k, v in population.params.items()}
        bad = [k for k, v in values.items() if np.any(v != np.rint(v))]
        if bad:
            raise MappingError(f"{where}: parameter(s) {bad} must be integers")
        values = {k: _per_neuron(k, v.astype(np.int64)) for k, v in values.items()}
        key = (population.size, *((k, v.shape, v.tobytes()) for k, v in sorted(values.items())))
        if key not in valid:
            try:
                TrueNorthNeurons.from_values(population.size, **values)
            except ValueError as exc:
                raise MappingError(f"{where}: {exc}") from None
            valid.add(key)
        out[g] = values
    return out


def _per_neuron(name: str, value: np.ndarray) -> np.ndarray:
    """A per-neuron list of a per-type parameter applies to all 4 types of its neuron."""
    if name == "stochastic_synapse" and value.ndim == 1:
        return value[:, None]
    return value


def check_weights(net: ExpandedNetwork) -> None:
    """MappingError naming the post population of the first synaptic weight that is not an
    integer in [-255, 255]; checked in chunks of :data:`CHUNK` synapses (no full-size
    temporaries)."""
    for start in range(0, len(net.connections), CHUNK):
        weight = net.connections.weight[start : start + CHUNK]
        bad = (weight != np.rint(weight)) | (np.abs(weight) > WEIGHT_MAX)
        if bad.any():
            _refuse_weight(net, start + int(np.argmax(bad)))


def _refuse_weight(net: ExpandedNetwork, row: int) -> None:
    """MappingError for the weight of synapse ``row``, naming its post population."""
    conns = net.connections
    g = int(np.searchsorted(net.offsets, conns.post[row], side="right") - 1)
    raise MappingError(
        f"population {net.network.populations[g].name!r}: synaptic weight "
        f"{float(conns.weight[row])} (projection {int(conns.projection[row])}) is not an "
        f"integer in [-{WEIGHT_MAX}, {WEIGHT_MAX}], the signed range of a TrueNorth weight"
    )


def neuron_arrays(
    net: ExpandedNetwork, params: dict[int, dict[str, np.ndarray]], slot_neuron: np.ndarray,
    wiring: Wiring,
) -> TrueNorthNeurons:  # fmt: skip
    """Parameters of every slot: populations, splitters, silent slots (module doc)."""
    n = len(slot_neuron)
    arrays = {name: np.zeros(n, dtype=np.int32) for name in KNOWN_PARAMS}  # ranges fit int32
    arrays["stochastic_synapse"] = np.zeros((n, N_AXON_TYPES), dtype=np.int32)
    weights = np.zeros((n, N_AXON_TYPES), dtype=np.int16)
    group = np.searchsorted(net.offsets, slot_neuron, side="right") - 1
    is_neuron = (slot_neuron >= 0) & np.isin(group, list(params))
    for name, value in SILENT_PARAMS.items():
        arrays[name][~is_neuron] = value
    for name, value in SPLITTER_PARAMS.items():
        arrays[name][slot_neuron == SPLITTER] = value
    weights[slot_neuron == SPLITTER, 0] = 1
    placed = slot_neuron >= 0
    slot_of_id = np.empty(net.n_neurons, dtype=np.int64)  # every id sits in one slot
    slot_of_id[slot_neuron[placed]] = np.flatnonzero(placed)
    for g, values in params.items():
        members = slot_of_id[net.offsets[g] : net.offsets[g] + net.sizes[g]]  # in id order
        for name, value in values.items():
            arrays[name][members] = value
    weights[: len(wiring.weights)] = wiring.weights
    return TrueNorthNeurons.from_values(n, weights=weights, **arrays)
