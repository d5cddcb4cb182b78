"""Axon types, axons and crossbar bits of TrueNorth cores (Merolla et al. 2014).

A synapse (pre -> post, integer weight w, delay d) becomes one crossbar bit at (axon, post
neuron) of the post neuron's core, where the axon is driven by ``pre`` with delay ``d`` and the
axon's type G (0..3) selects the post neuron's weight ``s_post[G] = w``.

Types. A post neuron holds at most 4 weights (one per axon type); more distinct incoming
weights are refused. Type numbers are chosen so that one pre neuron needs as few axons as
possible: a weight's type is its rank among the network's distinct weights when there are at
most 4 of them; otherwise its rank among the distinct weights a core receives when those are at
most 4 (the same on the whole core); otherwise its rank among the post neuron's own weights.

Axons. An axon of a core carries one (pre, delay, type): synapses of one pre neuron onto one
core that need different types or delays get separate axons (and the pre neuron one more target,
hence splitters: :mod:`chipsim.mapping.truenorth_splitters`), never a refusal. Axons of a core
are numbered in order of (pre slot, delay, type). Two synapses that fall on the same crossbar
bit (same pre, post, delay and weight) cannot be held by a binary crossbar and are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from chipsim.mapping.errors import MappingError
from chipsim.mapping.truenorth_splitters import Targets
from cores.truenorth import N_AXON_TYPES, WEIGHT_MAX

_W_SPAN = 2 * WEIGHT_MAX + 1


@dataclass(frozen=True)
class Synapses:
    """The synapses to lay out, one row each, in flat slots (core * 256 + neuron)."""

    pre_slot: np.ndarray  # int64, flat slot of the pre neuron or source
    post_slot: np.ndarray  # int64, flat slot of the post neuron
    weight: np.ndarray  # int16, in [-255, 255]
    delay: np.ndarray  # int32, ticks, 1..15


@dataclass(frozen=True)
class Wiring:
    """Crossbar contents of the network cores and the target axons of every driver.

    Synapse k is the crossbar bit (``post_slot[k] // 256``, ``axon[k]``, ``post_slot[k] % 256``)
    and sets ``s[gtype[k]] = weight[k]`` of its post neuron (consistent by construction).
    """

    post_slot: np.ndarray  # int64 (n_synapses,): flat slot of each synapse's post neuron
    axon: np.ndarray  # int16: axon of each synapse on the post neuron's core
    gtype: np.ndarray  # uint8: axon type G of each synapse
    weight: np.ndarray  # int16: weight of each synapse
    axon_type: np.ndarray  # int64 (n_axons,): type of each axon, axons as in targets
    targets: Targets  # one row per axon: its driver and (core, axon, delay)


def _rank_within(owner: np.ndarray, weight: np.ndarray):
    """Distinct (owner, weight) pairs: their owners, rank within owner, and the row inverse."""
    keys, inverse = np.unique(owner * _W_SPAN + (weight + WEIGHT_MAX), return_inverse=True)
    owners = keys // _W_SPAN
    return owners, np.arange(len(keys)) - np.searchsorted(owners, owners), inverse


def axon_types(syn: Synapses, describe_neuron: Callable[[int], str]) -> np.ndarray:
    """Axon type (0..3) of every synapse (module doc); MappingError past 4 weights a neuron.

    Core-level ranks come from a (core x distinct weight) table, O(n); only the synapses onto
    cores with more than 4 distinct weights are sorted per neuron.
    """
    present = np.bincount(syn.weight + WEIGHT_MAX, minlength=_W_SPAN) > 0
    index = np.cumsum(present) - 1  # weight -> rank among all distinct weights
    wi = index[syn.weight + WEIGHT_MAX]
    if present.sum() <= N_AXON_TYPES:  # at most 4 weights in the whole network
        return wi.astype(np.uint8)
    core = syn.post_slot // 256
    n_cores = int(core.max(initial=-1)) + 1
    table = np.zeros((n_cores, int(present.sum())), dtype=bool)
    table[core, wi] = True
    fits = table.sum(axis=1) <= N_AXON_TYPES
    gtype = (np.cumsum(table, axis=1) - 1)[core, wi]
    crowded = np.flatnonzero(~fits[core])
    if crowded.size:
        post, rank, inverse = _rank_within(syn.post_slot[crowded], syn.weight[crowded])
        if rank.max() >= N_AXON_TYPES:
            worst = int(post[np.argmax(rank)])
            n = int(np.sum(post == worst))
            raise MappingError(
                f"{describe_neuron(worst)} receives {n} distinct weights; a TrueNorth neuron "
                f"holds at most {N_AXON_TYPES} (one per axon type)"
            )
        gtype[crowded] = rank[inverse]
    return gtype.astype(np.uint8)


_PRE_BITS, _NEURON_BITS = 24, 8
_CORE_SHIFT = _PRE_BITS + 6  # axon key: core | pre slot (24 bits) | delay (4) | type (2)


def _axon_keys(syn: Synapses, gtype: np.ndarray) -> np.ndarray:
    """int64 key (core, pre slot, delay, type) of the axon each synapse needs."""
    key = syn.post_slot >> _NEURON_BITS << _CORE_SHIFT
    key |= syn.pre_slot << 6
    key |= syn.delay.astype(np.int64) << 2
    key |= gtype
    return key


def wire(
    syn: Synapses,
    max_axons: int,
    describe_neuron: Callable[[int], str],
    describe_core: Callable[[int], str],
) -> Wiring:
    """Types, axons, crossbar bits and target axons of the synapses (module doc).

    One in-place sort of the bit keys (axon key, post neuron) gives the duplicate bits and the
    axons (distinct keys, numbered per core); each synapse finds its axon by binary search.
    Raises MappingError for a neuron with more than 4 weights, a core needing more than
    ``max_axons`` axons, or two synapses on one crossbar bit.
    """
    if len(syn.pre_slot) and syn.pre_slot.max() >= 1 << _PRE_BITS:
        raise MappingError(f"more than {(1 << _PRE_BITS) // 256} cores: beyond this mapper")
    gtype = axon_types(syn, describe_neuron)
    bits = _axon_keys(syn, gtype) << _NEURON_BITS
    bits |= syn.post_slot & 255
    bits.sort()
    same = np.flatnonzero(bits[1:] == bits[:-1])
    if same.size:
        _refuse_duplicate(syn, gtype, int(bits[same[0]]), describe_neuron)
    bits >>= _NEURON_BITS
    new_axon = np.ones(len(bits), dtype=bool)
    new_axon[1:] = bits[1:] != bits[:-1]
    axon_keys = bits[new_axon]
    del bits
    axon_core = axon_keys >> _CORE_SHIFT
    axon = np.arange(len(axon_keys)) - np.searchsorted(axon_core, axon_core)
    if axon.size and axon.max() >= max_axons:
        worst = int(axon_core[np.argmax(axon)])
        raise MappingError(
            f"{describe_core(worst)} needs {int(np.sum(axon_core == worst))} axons, more than "
            f"the {max_axons} of a core (one per pre neuron, delay and axon type)"
        )
    bit_axon = axon.astype(np.int16)[np.searchsorted(axon_keys, _axon_keys(syn, gtype))]
    targets = Targets(
        driver=(axon_keys >> 6) & ((1 << _PRE_BITS) - 1),
        core=axon_core,
        axon=axon,
        delay=(axon_keys >> 2) & 15,
    )
    return Wiring(syn.post_slot, bit_axon, gtype, syn.weight, axon_keys & 3, targets)


def _refuse_duplicate(syn: Synapses, gtype: np.ndarray, bit: int, describe_neuron) -> None:
    keys = (_axon_keys(syn, gtype) << _NEURON_BITS) | (syn.post_slot & 255)
    row = int(np.flatnonzero(keys == bit)[0])
    raise MappingError(
        f"two synapses from {describe_neuron(int(syn.pre_slot[row]))} onto "
        f"{describe_neuron(int(syn.post_slot[row]))} with the same delay and weight: a "
        "binary crossbar holds one bit per (axon, neuron)"
    )
