"""Axon types, axons and crossbar bits of TrueNorth cores (Merolla et al. 2014).

A synapse (pre -> post, integer weight w, delay d) becomes one crossbar bit at (axon, post
neuron) of the post neuron's core, where the axon is driven by ``pre`` with delay ``d`` and the
axon's type G (0..3) selects the post neuron's weight ``s_post[G] = w``.

Types. A post neuron holds at most 4 weights (one per axon type); more distinct incoming
weights are refused. Type numbers are chosen so that one pre neuron needs as few axons as
possible: when a core's neurons together receive at most 4 distinct weights, the type of a
weight is its rank among them (the same on the whole core); otherwise it is the weight's rank
among the post neuron's own distinct weights.

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
    weight: np.ndarray  # int64, in [-255, 255]
    delay: np.ndarray  # int64, ticks, 1..15


@dataclass(frozen=True)
class Wiring:
    """Crossbar contents of the network cores and the target axons of every driver."""

    weight_slot: np.ndarray  # int64 (k,): flat slots of post neurons with weight entries
    weight_type: np.ndarray  # int64 (k,): axon type G of each entry
    weight_value: np.ndarray  # int64 (k,): s_post[G]
    bit_core: np.ndarray  # int64 (n_synapses,): core of each crossbar bit
    bit_axon: np.ndarray  # int64: axon of each crossbar bit
    bit_neuron: np.ndarray  # int64: neuron (0..255) of each crossbar bit
    axon_type: np.ndarray  # int64 (n_axons,): type of each axon, cores as in targets
    targets: Targets  # one row per axon: its driver and (core, axon, delay)


def _rank_within(owner: np.ndarray, weight: np.ndarray):
    """Distinct (owner, weight) pairs: their owners, weights, rank within owner, row inverse."""
    keys, inverse = np.unique(owner * _W_SPAN + (weight + WEIGHT_MAX), return_inverse=True)
    owners = keys // _W_SPAN
    first = np.searchsorted(owners, owners)
    return owners, keys % _W_SPAN - WEIGHT_MAX, np.arange(len(keys)) - first, inverse


def axon_types(syn: Synapses, describe_neuron: Callable[[int], str]) -> np.ndarray:
    """Axon type (0..3) of every synapse (module doc); MappingError past 4 weights a neuron."""
    post, _, rank, inverse = _rank_within(syn.post_slot, syn.weight)
    if rank.size and rank.max() >= N_AXON_TYPES:
        worst = int(post[np.argmax(rank)])
        n = int(np.sum(post == worst))
        raise MappingError(
            f"{describe_neuron(worst)} receives {n} distinct weights; a TrueNorth neuron holds "
            f"at most {N_AXON_TYPES} (one per axon type)"
        )
    per_neuron = rank[inverse]
    core = syn.post_slot // 256
    owners, _, core_rank, core_inverse = _rank_within(core, syn.weight)
    cores, distinct = np.unique(owners, return_counts=True)
    fits = (distinct <= N_AXON_TYPES)[np.searchsorted(cores, core)]
    return np.where(fits, core_rank[core_inverse], per_neuron)


def wire(
    syn: Synapses,
    max_axons: int,
    describe_neuron: Callable[[int], str],
    describe_core: Callable[[int], str],
) -> Wiring:
    """Types, axons, crossbar bits and target axons of the synapses (module doc).

    Raises MappingError for a neuron with more than 4 weights, a core needing more than
    ``max_axons`` axons, or two synapses on one crossbar bit.
    """
    gtype = axon_types(syn, describe_neuron)
    core = syn.post_slot // 256
    entries = np.unique(syn.post_slot * N_AXON_TYPES + gtype, return_index=True)
    key = ((core * (1 << 30) + syn.pre_slot) * 16 + syn.delay) * N_AXON_TYPES + gtype
    axon_keys, inverse = np.unique(key, return_inverse=True)
    axon_core = axon_keys >> 36
    first = np.searchsorted(axon_core, axon_core)
    axon = np.arange(len(axon_keys)) - first
    if axon.size and axon.max() >= max_axons:
        worst = int(axon_core[np.argmax(axon)])
        raise MappingError(
            f"{describe_core(worst)} needs {int(np.sum(axon_core == worst))} axons, more than "
            f"the {max_axons} of a core (one per pre neuron, delay and axon type)"
        )
    bit_axon = axon[inverse]
    _refuse_duplicate_bits(core, bit_axon, syn, describe_neuron)
    targets = Targets(
        driver=(axon_keys >> 6) & ((1 << 30) - 1),
        core=axon_core,
        axon=axon,
        delay=(axon_keys >> 2) & 15,
    )
    return Wiring(
        weight_slot=entries[0] // N_AXON_TYPES,
        weight_type=entries[0] % N_AXON_TYPES,
        weight_value=syn.weight[entries[1]],
        bit_core=core,
        bit_axon=bit_axon,
        bit_neuron=syn.post_slot % 256,
        axon_type=axon_keys % N_AXON_TYPES,
        targets=targets,
    )


def _refuse_duplicate_bits(core, axon, syn: Synapses, describe_neuron) -> None:
    bit = (core * 256 + axon) * 256 + syn.post_slot % 256
    order = np.argsort(bit, kind="stable")
    same = np.flatnonzero(bit[order][1:] == bit[order][:-1])
    if same.size:
        row = order[same[0]]
        raise MappingError(
            f"two synapses from {describe_neuron(int(syn.pre_slot[row]))} onto "
            f"{describe_neuron(int(syn.post_slot[row]))} with the same delay and weight: a "
            "binary crossbar holds one bit per (axon, neuron)"
        )
