"""Expand a :class:`Network` into global neuron ids and flat connection arrays.

All connectors are vectorised (no Python per synapse) and draw from counter-based streams keyed
by (seed, projection index), so a projection's synapses do not depend on the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chipsim.network.description import (
    AllToAll,
    FixedInDegree,
    FixedProbability,
    FromList,
    Network,
    NeuronPopulation,
    OneToOne,
    Projection,
    UniformInt,
)
from chipsim.rng import Stream, counter_rng

KEYS_PER_BLOCK = 2**22
"""Random keys drawn at once by dense fixed_in_degree (32 MiB); the result does not depend on it:
the keys come from one stream, row after row."""


@dataclass(frozen=True)
class Connections:
    """One row per synapse: global pre and post ids, weight, delay (ticks), projection index.

    Dtypes are the narrowest that hold the network exactly (:func:`expand`): ids int32 below
    2**31 neurons (else int64); weights float32 when every weight is exactly a float32 (else
    float64), so widening them to float64 gives back the programmed values bit for bit; delays
    uint8 up to 255 ticks (else int32); projection indices int16 below 2**15 projections (else
    int32). Arithmetic on them should widen first (``astype(np.int64)``) where it could
    overflow the narrow type.
    """

    pre: np.ndarray  # int32 or int64
    post: np.ndarray  # int32 or int64
    weight: np.ndarray  # float32 or float64, post model's input units
    delay: np.ndarray  # uint8 or int32, ticks >= 1
    projection: np.ndarray  # int16 or int32

    def __len__(self) -> int:
        return len(self.pre)


@dataclass(frozen=True)
class ExpandedNetwork:
    """A network with global ids: group i owns ids offsets[i] .. offsets[i] + sizes[i] - 1."""

    network: Network
    offsets: np.ndarray  # int64, one per group, in declaration order
    sizes: np.ndarray  # int64
    connections: Connections

    @property
    def n_neurons(self) -> int:
        return int(self.sizes.sum())

    def index(self, name: str) -> int:
        """Position of population or source ``name`` in declaration order."""
        for i, g in enumerate(self.network.populations):
            if g.name == name:
                return i
        raise KeyError(
            f"no population {name!r}; known: {[g.name for g in self.network.populations]}"
        )

    def ids(self, name: str) -> np.ndarray:
        """Global ids of population or source ``name``."""
        i = self.index(name)
        return np.arange(self.offsets[i], self.offsets[i] + self.sizes[i], dtype=np.int64)

    def is_neuron(self) -> np.ndarray:
        """Per group: True for neuron populations, False for spike sources."""
        return np.array([isinstance(g, NeuronPopulation) for g in self.network.populations])


def expand(network: Network, seed: int) -> ExpandedNetwork:
    """Global ids for every group and the synapses of every projection.

    The connection arrays are allocated once, at their final size and narrowest dtypes
    (:class:`Connections`), and filled projection by projection: a projection's synapse count
    is known from its connector, except for fixed_probability, whose pairs are drawn first.
    """
    sizes = np.array([g.size for g in network.populations], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    index = {g.name: i for i, g in enumerate(network.populations)}
    ends = [(index[proj.pre], index[proj.post]) for proj in network.projections]
    drawn, counts = {}, []
    for k, (proj, (a, b)) in enumerate(zip(network.projections, ends, strict=True)):
        count = _count(proj, int(sizes[a]), int(sizes[b]), a == b)
        if count is None:
            drawn[k] = connect(proj, int(sizes[a]), int(sizes[b]), a == b, seed, k)
            count = len(drawn[k][0])
        counts.append(count)
    conns = _allocate(network, int(sizes.sum()), int(sum(counts)))
    start = 0
    for k, (proj, (a, b)) in enumerate(zip(network.projections, ends, strict=True)):
        pre, post = drawn.pop(k) if k in drawn else connect(
            proj, int(sizes[a]), int(sizes[b]), a == b, seed, k)  # fmt: skip
        if len(pre) != counts[k]:
            raise RuntimeError(f"projection {k}: {len(pre)} synapses, counted {counts[k]}")
        rows = slice(start, start + counts[k])
        conns.pre[rows] = pre + offsets[a]
        conns.post[rows] = post + offsets[b]
        conns.weight[rows] = proj.weight
        conns.delay[rows] = draw_delays(proj, counts[k], seed, k)
        conns.projection[rows] = k
        start += counts[k]
    return ExpandedNetwork(network, offsets, sizes, conns)


def _count(proj: Projection, n_pre: int, n_post: int, same: bool) -> int | None:
    """Synapses of a projection, known before drawing them (None for fixed_probability)."""
    c = proj.connector
    if isinstance(c, AllToAll):
        return n_pre * n_post - (n_pre if same and not c.allow_self else 0)
    if isinstance(c, OneToOne):
        return n_pre
    if isinstance(c, FixedInDegree):
        return c.n * n_post
    if isinstance(c, FromList):
        return len(c.connections)
    return None


def _allocate(network: Network, n_ids: int, n_synapses: int) -> Connections:
    """Empty connection arrays of the narrowest exact dtypes (:class:`Connections`)."""
    weights = [np.asarray(p.weight, dtype=np.float64) for p in network.projections]
    single = all(np.array_equal(w.astype(np.float32), w) for w in weights)
    delays = [p.delay.high if isinstance(p.delay, UniformInt) else p.delay
              for p in network.projections]  # fmt: skip
    ids = np.int32 if n_ids < 2**31 else np.int64
    return Connections(
        pre=np.empty(n_synapses, dtype=ids),
        post=np.empty(n_synapses, dtype=ids),
        weight=np.empty(n_synapses, dtype=np.float32 if single else np.float64),
        delay=np.empty(n_synapses, dtype=np.uint8 if max(delays, default=1) < 2**8 else np.int32),
        projection=np.empty(
            n_synapses, dtype=np.int16 if len(network.projections) <= 2**15 else np.int32
        ),
    )


def connect(
    proj: Projection, n_pre: int, n_post: int, same: bool, seed: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Local (pre, post) index pairs of projection ``k``; ``same`` when pre is post."""
    c = proj.connector
    rng = counter_rng(seed, Stream.CONNECTIVITY, k)
    if isinstance(c, AllToAll):
        pre = np.repeat(np.arange(n_pre, dtype=np.int64), n_post)
        post = np.tile(np.arange(n_post, dtype=np.int64), n_pre)
        return _drop_self(pre, post) if same and not c.allow_self else (pre, post)
    if isinstance(c, OneToOne):
        ids = np.arange(n_pre, dtype=np.int64)
        return ids, ids.copy()
    if isinstance(c, FixedProbability):
        pre, post = _bernoulli_pairs(rng, n_pre, n_post, c.p)
        return _drop_self(pre, post) if same and not c.allow_self else (pre, post)
    if isinstance(c, FixedInDegree):
        return _fixed_in_degree(rng, n_pre, n_post, c.n, exclude_self=same and not c.allow_self)
    if isinstance(c, FromList):
        pairs = np.asarray(c.connections, dtype=np.int64).reshape(-1, 2)
        return pairs[:, 0].copy(), pairs[:, 1].copy()
    raise TypeError(f"unknown connector {c!r}")


def draw_delays(proj: Projection, n: int, seed: int, k: int) -> np.ndarray:
    """Delays (ticks) of projection ``k``'s ``n`` synapses."""
    if isinstance(proj.delay, UniformInt):
        rng = counter_rng(seed, Stream.DELAYS, k)
        return rng.integers(proj.delay.low, proj.delay.high + 1, n).astype(np.int32)
    return np.full(n, proj.delay, dtype=np.int32)


def _drop_self(pre: np.ndarray, post: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = pre != post
    return pre[keep], post[keep]


def _bernoulli_pairs(
    rng: np.random.Generator, n_pre: int, n_post: int, p: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each of the n_pre x n_post pairs independently with probability p (geometric skips)."""
    total = n_pre * n_post
    expected = p * total
    chunks, last = [], -1
    while True:
        gaps = rng.geometric(p, int(expected + 6 * np.sqrt(expected) + 64))
        positions = last + np.cumsum(gaps)
        chunks.append(positions[positions < total])
        if positions[-1] >= total:
            break
        last = int(positions[-1])
    flat = np.concatenate(chunks)
    return flat // n_post, flat % n_post


def _fixed_in_degree(
    rng: np.random.Generator, n_pre: int, n_post: int, n: int, exclude_self: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` distinct pre indices per post neuron, sorted; never i -> i when ``exclude_self``.

    Sparse in-degrees (n <= a quarter of the candidates) draw all rows at once and redraw
    only the repeated entries until none is left; dense ones take the n smallest of random keys
    per row, in blocks of rows.
    """
    available = n_pre - (1 if exclude_self else 0)
    if n > available:
        raise ValueError(f"fixed_in_degree n={n} exceeds the {available} possible pre neurons")
    rows = np.arange(n_post, dtype=np.int64)
    choice = np.empty((n_post, n), dtype=np.int64)
    if 4 * n <= available:
        draw = rng.integers(0, n_pre, (n_post, n))
        while True:
            draw.sort(axis=1)
            bad = np.zeros(draw.shape, dtype=bool)
            bad[:, 1:] = draw[:, 1:] == draw[:, :-1]
            if exclude_self:
                bad |= draw == rows[:, None]
            n_bad = int(bad.sum())
            if n_bad == 0:
                break
            draw[bad] = rng.integers(0, n_pre, n_bad)
        choice[:] = draw
    else:
        block = max(1, KEYS_PER_BLOCK // n_pre)
        for start in range(0, n_post, block):
            keys = rng.random((min(block, n_post - start), n_pre))
            if exclude_self:
                local = np.arange(len(keys))
                keys[local, rows[start : start + len(keys)]] = 2.0  # never among the n smallest
            choice[start : start + len(keys)] = np.sort(
                np.argpartition(keys, n - 1, axis=1)[:, :n], axis=1
            )
    return choice.ravel(), np.repeat(rows, n)
