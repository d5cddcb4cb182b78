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

Memory. The synapses are wired in blocks of 2 ** :data:`BLOCK_BITS` post cores (at most 2**16
synapses a core, once no bit is shared), taken in groups of consecutive blocks that hold at
most :data:`GROUP` synapses: for each group one pass over the synapses, chunk by chunk, sorts
the group's synapse rows by block (int32 rows); each block then gathers its synapses, sorts its
bit keys and writes its crossbars (packed) and neuron weights. Nothing the size of all synapses
is held, and the result does not depend on the block or group size: every error is the one a
single block would report (the most distinct weights, the first duplicate bit, the most axons).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from chipsim.mapping.errors import MappingError
from chipsim.mapping.truenorth_splitters import Targets
from cores.crossbar import N_AXONS, N_NEURONS
from cores.radix_sort import sort_keys
from cores.truenorth import N_AXON_TYPES, WEIGHT_MAX

_W_SPAN = 2 * WEIGHT_MAX + 1
BLOCK_BITS = 6
"""2**BLOCK_BITS post cores are wired at once (64: at most 4 M synapses of a valid network)."""
GROUP = 1 << 25
"""Synapses whose rows are sorted into their blocks at once (int32 rows: 128 MiB)."""
CHUNK = 1 << 21
"""Synapse rows sorted by block at once."""
_PRE_BITS, _NEURON_BITS = 24, 8
_CORE_SHIFT = _PRE_BITS + 6  # axon key: core | pre slot (24 bits) | delay (4) | type (2)


@dataclass(frozen=True)
class Synapses:
    """The synapses to lay out: global ids, their flat slots (core * 256 + neuron), weights."""

    pre: np.ndarray  # int, global id of the pre neuron or source
    post: np.ndarray  # int, global id of the post neuron
    weight: np.ndarray  # integer values in [-255, 255] (checked before), any numeric dtype
    delay: np.ndarray  # int, ticks, 1..15
    slot: np.ndarray  # int32 (n_ids,): flat slot of every global id
    n_cores: int  # cores the post slots lie on


@dataclass(frozen=True)
class Wiring:
    """Crossbar contents of the network cores and the target axons of every driver.

    Synapse (pre, post) is bit (axon, post % 256) of core post // 256, where the axon is the one
    of (pre, delay, type); it sets ``s[type] = weight`` of its post neuron.
    """

    rows: np.ndarray  # uint64 (n_cores, 256, 4): packed crossbars (cores.crossbar layout)
    weights: np.ndarray  # int16 (n_cores * 256, 4): s[G] of every post slot, 0 where unused
    axon_type: np.ndarray  # int64 (n_axons,): type of each axon, axons as in targets
    targets: Targets  # one row per axon: its driver and (core, axon, delay)


class _Errors:
    """The refusals met so far, kept so the one reported does not depend on the blocks."""

    def __init__(self) -> None:
        self.weights: tuple[int, int, int] | None = None  # rank, slot, distinct weights
        self.duplicate: tuple[int, int] | None = None  # pre slot, post slot
        self.axons: tuple[int, int] | None = None  # axons, core


def _rank_within(owner: np.ndarray, weight: np.ndarray):
    """Distinct (owner, weight) pairs: their owners, rank within owner, and the row inverse."""
    keys, inverse = np.unique(owner * _W_SPAN + (weight + WEIGHT_MAX), return_inverse=True)
    owners = keys // _W_SPAN
    return owners, np.arange(len(keys)) - np.searchsorted(owners, owners), inverse


def axon_types(
    post: np.ndarray, weight: np.ndarray, present: np.ndarray, errors: _Errors
) -> np.ndarray:
    """Axon type (0..3) of every synapse of a block (module doc); records in ``errors`` a neuron
    with more than 4 weights. ``post``: flat slots; ``present``: bool (511,), weights anywhere.

    Core-level ranks come from a (core x distinct weight) table, O(n); only the synapses onto
    cores with more than 4 distinct weights are sorted per neuron.
    """
    index = np.cumsum(present) - 1  # weight -> rank among all distinct weights
    wi = index[weight + WEIGHT_MAX]
    if present.sum() <= N_AXON_TYPES:  # at most 4 weights in the whole network
        return wi.astype(np.uint8)
    core = post >> _NEURON_BITS
    first = int(core.min(initial=0))
    table = np.zeros((int(core.max(initial=-1)) + 1 - first, int(present.sum())), dtype=bool)
    table[core - first, wi] = True
    fits = table.sum(axis=1) <= N_AXON_TYPES
    gtype = (np.cumsum(table, axis=1) - 1)[core - first, wi]
    crowded = np.flatnonzero(~fits[core - first])
    if crowded.size:
        owner, rank, inverse = _rank_within(post[crowded], weight[crowded])
        top = int(np.argmax(rank))
        if rank[top] >= N_AXON_TYPES and (not errors.weights or rank[top] > errors.weights[0]):
            worst = int(owner[top])
            errors.weights = (int(rank[top]), worst, int(np.sum(owner == worst)))
        gtype[crowded] = rank[inverse]
    return gtype.astype(np.uint8)


def _post_blocks(syn: Synapses, start: int) -> np.ndarray:
    """Block of the post core of the synapses ``start .. start + CHUNK - 1``."""
    block = syn.slot[syn.post[start : start + CHUNK]]
    block >>= _NEURON_BITS + BLOCK_BITS
    return block


def block_groups(syn: Synapses) -> list[range]:
    """Consecutive blocks whose synapses number at most :data:`GROUP` together (or one block)."""
    n_blocks = -(-syn.n_cores >> BLOCK_BITS)
    counts = np.zeros(n_blocks, dtype=np.int64)
    for start in range(0, len(syn.post), CHUNK):
        counts += np.bincount(_post_blocks(syn, start), minlength=n_blocks)
    groups, first, total = [], 0, 0
    for b, count in enumerate(counts.tolist()):
        if total + count > GROUP and b > first:
            groups.append(range(first, b))
            first, total = b, 0
        total += count
    return [*groups, range(first, n_blocks)]


def rows_by_block(syn: Synapses, group: range) -> list[list[np.ndarray]]:
    """Synapse rows (increasing, in pieces to concatenate) onto each block of ``group``."""
    dtype = np.int32 if len(syn.post) < 2**31 else np.int64
    pieces: list[list[np.ndarray]] = [[] for _ in group]
    for start in range(0, len(syn.post), CHUNK):
        block = _post_blocks(syn, start)
        chosen = np.flatnonzero((block >= group.start) & (block < group.stop))
        block = block[chosen] - group.start
        small = block.astype(np.uint16) if len(group) <= 1 << 16 else block
        order = chosen[np.argsort(small, kind="stable")].astype(dtype)  # radix sort for 16 bits
        order += start
        bounds = np.cumsum(np.bincount(block, minlength=len(group)))
        for b, (lo, hi) in enumerate(zip(np.r_[0, bounds[:-1]], bounds, strict=True)):
            if hi > lo:
                pieces[b].append(order[lo:hi])
    return pieces


def wire(
    syn: Synapses,
    max_axons: int,
    describe_neuron: Callable[[int], str],
    describe_core: Callable[[int], str],
) -> Wiring:
    """Types, axons, crossbar bits and target axons of the synapses (module doc).

    Per block of post cores, one in-place sort of the bit keys (core, pre slot, delay, type,
    post neuron) gives the duplicate bits and the axons (distinct keys, numbered per core).
    Raises MappingError for a neuron with more than 4 weights, two synapses on one crossbar
    bit, or a core needing more than ``max_axons`` axons (in this order of precedence).
    """
    if len(syn.slot) and syn.slot.max() >= 1 << _PRE_BITS and _max_pre(syn) >= 1 << _PRE_BITS:
        raise MappingError(f"more than {(1 << _PRE_BITS) // 256} cores: beyond this mapper")
    present = np.zeros(_W_SPAN, dtype=bool)
    for start in range(0, len(syn.weight), CHUNK):
        weight = syn.weight[start : start + CHUNK].astype(np.int16) + WEIGHT_MAX
        present |= np.bincount(weight, minlength=_W_SPAN) > 0
    rows = np.zeros((syn.n_cores, N_AXONS, N_NEURONS // 64), dtype=np.uint64)
    weights = np.zeros((syn.n_cores * N_NEURONS, N_AXON_TYPES), dtype=np.int16)
    errors, axon_keys = _Errors(), []
    for group in block_groups(syn):
        blocks = rows_by_block(syn, group)
        for i, b in enumerate(group):
            block_rows = np.concatenate(blocks[i]) if blocks[i] else np.empty(0, dtype=np.int64)
            blocks[i] = []  # frees the chunks of rows once every block has taken its part
            keys = _wire_block(syn, block_rows, b << BLOCK_BITS, present, max_axons, errors,
                               rows, weights)  # fmt: skip
            axon_keys.append(keys)
    _raise(errors, max_axons, describe_neuron, describe_core)
    return _wiring(rows, weights, np.concatenate(axon_keys))


def _max_pre(syn: Synapses) -> int:
    """The largest flat slot of a pre neuron."""
    return max(int(syn.slot[syn.pre[s : s + CHUNK]].max()) for s in range(0, len(syn.pre), CHUNK))


def _wire_block(
    syn: Synapses, block_rows: np.ndarray, first_core: int, present: np.ndarray, max_axons: int,
    errors: _Errors, rows: np.ndarray, weights: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Wire the synapses ``block_rows`` onto cores ``first_core``..; fill their ``rows`` and
    ``weights``; return their distinct axon keys, sorted (empty or partial after a refusal,
    which goes into ``errors`` instead)."""
    post = syn.slot[syn.post[block_rows]]
    weight = syn.weight[block_rows].astype(np.int16)
    gtype = axon_types(post, weight, present, errors)
    if errors.weights:
        return np.empty(0, dtype=np.int64)
    bits = (post >> _NEURON_BITS).astype(np.int64) - first_core
    bits <<= _PRE_BITS
    bits |= syn.slot[syn.pre[block_rows]]
    bits <<= 4
    bits |= syn.delay[block_rows]
    bits <<= 2
    bits |= gtype
    bits <<= _NEURON_BITS
    bits |= post & 255
    weights[post, gtype] = weight
    del post, weight, gtype
    sort_keys(bits)  # (# perf: 110 -> 38 ms a block of 2 M synapses against bits.sort())
    same = np.flatnonzero(bits[1:] == bits[:-1])
    if same.size and not errors.duplicate:
        bit = int(bits[same[0]])
        pre = (bit >> (_NEURON_BITS + 6)) & ((1 << _PRE_BITS) - 1)
        errors.duplicate = (
            pre,
            (first_core + (bit >> (_CORE_SHIFT + _NEURON_BITS))) * 256 + (bit & 255),
        )
    if errors.weights or errors.duplicate:
        return np.empty(0, dtype=np.int64)
    neuron = (bits & 255).astype(np.uint8)
    bits >>= _NEURON_BITS
    new_axon = np.ones(len(bits), dtype=bool)
    new_axon[1:] = bits[1:] != bits[:-1]
    keys = bits[new_axon]
    del bits
    core = keys >> _CORE_SHIFT  # relative to first_core
    counts = np.bincount(core)
    worst = int(np.argmax(counts)) if counts.size else 0
    most = int(counts[worst]) if counts.size else 0
    if most > max_axons and most > (errors.axons or (0, 0))[0]:
        errors.axons = (most, first_core + worst)
    if errors.axons:
        return keys
    of_bit = np.cumsum(new_axon) - 1  # axon (row of keys) of every bit
    axon = np.arange(len(keys)) - np.repeat(np.cumsum(counts) - counts, counts)
    dense = np.zeros((len(counts), N_AXONS, N_NEURONS), dtype=bool)
    dense[core[of_bit], axon[of_bit], neuron] = True
    rows[first_core : first_core + len(counts)] = np.packbits(
        dense, axis=-1, bitorder="little"
    ).view("<u8")
    return keys + (first_core << _CORE_SHIFT)


def _raise(
    errors: _Errors, max_axons: int, describe_neuron: Callable[[int], str],
    describe_core: Callable[[int], str],
) -> None:  # fmt: skip
    """MappingError for the first kind of refusal met (:func:`wire`), if any."""
    if errors.weights:
        _, worst, n = errors.weights
        raise MappingError(
            f"{describe_neuron(worst)} receives {n} distinct weights; a TrueNorth neuron "
            f"holds at most {N_AXON_TYPES} (one per axon type)"
        )
    if errors.duplicate:
        pre, post = errors.duplicate
        raise MappingError(
            f"two synapses from {describe_neuron(pre)} onto {describe_neuron(post)} with the "
            "same delay and weight: a binary crossbar holds one bit per (axon, neuron)"
        )
    if errors.axons:
        n, worst = errors.axons
        raise MappingError(
            f"{describe_core(worst)} needs {n} axons, more than the {max_axons} of a core (one "
            "per pre neuron, delay and axon type)"
        )


def _wiring(rows: np.ndarray, weights: np.ndarray, axon_keys: np.ndarray) -> Wiring:
    """The wiring from the packed crossbars, the neuron weights and the sorted axon keys."""
    axon_core = axon_keys >> _CORE_SHIFT
    targets = Targets(
        driver=(axon_keys >> 6) & ((1 << _PRE_BITS) - 1),
        core=axon_core,
        axon=np.arange(len(axon_keys)) - np.searchsorted(axon_core, axon_core),
        delay=(axon_keys >> 2) & 15,
    )
    return Wiring(rows, weights, axon_keys & 3, targets)
