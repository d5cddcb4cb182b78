"""SpiNNaker-style synapse storage, laid out in bytes as sPyNNaker lays it out.

Three structures per core (all little-endian 32-bit words):

Master population table
    One 16-byte entry per source block, sorted by key; entries do not overlap. A received key
    ``k`` belongs to entry ``e`` when ``k & e.mask == e.key`` (masks are contiguous high ones),
    and selects row ``k & ~e.mask`` of the entry's block (the source neuron id)::

        word 0  key
        word 1  mask
        word 2  bits 0..30: byte address of the block's first row in the synaptic matrix;
                bit 31: 1 if the block lives in DRAM (fetched by DMA per packet), 0 if in SRAM
        word 3  bits 0..15: row_words, the fixed synaptic words of the block's longest row;
                bits 16..31: n_rows, the rows in the block

Synaptic matrix (rows)
    Every row of a block has the same stride of ``ROW_HEADER_WORDS + row_words`` words (sPyNNaker
    pads to the block's maximum row length so that one DMA size fits every row)::

        word 0  plastic-plastic region size, words (0: static synapses only)
        word 1  number of fixed synapses n in this row
        word 2  fixed-plastic region size (0)
        words 3 .. 3+n-1  fixed synaptic words; the rest of the stride is padding (0)

Synaptic word (32 bits, sPyNNaker's fixed-synapse format with a fixed split)::

        bits 31..16  weight, unsigned 16 bits (ring buffer units, see cores.ring_buffer)
        bits 15..12  delay, ticks (1..15)
        bit  11      synapse type (0 excitatory, 1 inhibitory)
        bits 10..0   target neuron index within the core (so at most 2048 neurons per core)

sPyNNaker sizes the delay/type/index fields per core; one fixed split keeps the kernels simple
and fits every SpiNNaker2 PE (max_neurons 1024). SRAM and DRAM blocks share one address space
here (the ``rows`` word array); the flag says which memory holds each block.

Ring buffers: :mod:`cores.ring_buffer`.

References
----------
sPyNNaker ``neural_modelling/src/neuron/population_table/population_table_binary_search_impl.c``
and ``synapse_row.h`` (row header, word format).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cores.ring_buffer import N_SLOTS, N_SYNAPSE_TYPES

ROW_HEADER_WORDS = 3
TABLE_ENTRY_BYTES = 16
WEIGHT_SHIFT, DELAY_SHIFT, TYPE_SHIFT = 16, 12, 11
WEIGHT_MAX, DELAY_MASK, INDEX_MASK = 0xFFFF, 0xF, 0x7FF
MAX_NEURONS = INDEX_MASK + 1
DRAM_FLAG = 1 << 31
ADDRESS_MASK = DRAM_FLAG - 1


def pack_words(
    weight: ArrayLike, delay: ArrayLike, syn_type: ArrayLike, post: ArrayLike
) -> NDArray:
    """Synaptic words (uint32) from weight, delay (ticks), synapse type and target index."""
    w, d, t, j = (np.asarray(x, dtype=np.uint32) for x in (weight, delay, syn_type, post))
    return (w << WEIGHT_SHIFT) | (d << DELAY_SHIFT) | (t << TYPE_SHIFT) | j


def unpack_words(words: ArrayLike) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """(weight, delay, syn_type, post) of synaptic words, each int64."""
    w = np.asarray(words, dtype=np.uint32).astype(np.int64)
    return w >> WEIGHT_SHIFT, (w >> DELAY_SHIFT) & DELAY_MASK, (w >> TYPE_SHIFT) & 1, w & INDEX_MASK


@dataclass(frozen=True)
class SynapticMatrix:
    """One core's master population table and synaptic rows.

    Attributes
    ----------
    table : uint32 (n_entries, 4), the entries word by word (``table.tobytes()`` is the layout).
    rows : uint32 (n_words,), the synaptic matrix (SRAM and DRAM blocks, see module docstring).
    n_neurons : neurons of the core (the ring buffers' last dimension).
    """

    table: NDArray[np.uint32]
    rows: NDArray[np.uint32]
    n_neurons: int

    @property
    def in_dram(self) -> NDArray[np.bool_]:
        """Per entry: block in DRAM."""
        return (self.table[:, 2] & DRAM_FLAG) != 0

    def block_bytes(self) -> NDArray[np.int64]:
        """Per entry: bytes of its block of rows."""
        row_words = (self.table[:, 3] & 0xFFFF).astype(np.int64)
        n_rows = (self.table[:, 3] >> 16).astype(np.int64)
        return 4 * n_rows * (ROW_HEADER_WORDS + row_words)

    def sram_bytes(self) -> int:
        """SRAM bytes of the table and the SRAM-resident rows."""
        return self.table.nbytes + int(self.block_bytes()[~self.in_dram].sum())

    def dram_bytes(self) -> int:
        """DRAM bytes of the DRAM-resident rows."""
        return int(self.block_bytes()[self.in_dram].sum())

    def to_bytes(self) -> tuple[bytes, bytes]:
        """(master population table, synaptic matrix) as little-endian bytes."""
        return self.table.astype("<u4").tobytes(), self.rows.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, table: bytes, rows: bytes, n_neurons: int) -> SynapticMatrix:
        """Parse the byte layout back (checks the sizes and that every target is < n_neurons)."""
        if len(table) % TABLE_ENTRY_BYTES or len(rows) % 4:
            raise ValueError("table must be whole 16-byte entries and rows whole 32-bit words")
        t = np.frombuffer(table, dtype="<u4").astype(np.uint32).reshape(-1, 4)
        r = np.frombuffer(rows, dtype="<u4").astype(np.uint32)
        m = cls(t, r, n_neurons)
        if np.any(m.block_bytes() + (t[:, 2] & ADDRESS_MASK) > len(rows)):
            raise ValueError("a table entry points past the end of the synaptic matrix")
        post = m.connections()[1]
        if post.size and post.max() >= n_neurons:
            raise ValueError(
                f"a synaptic word targets neuron {post.max()} >= n_neurons {n_neurons}"
            )
        return m

    def connections(self) -> tuple[NDArray, ...]:
        """Decode to (pre_key, post, weight, delay, syn_type), int64, in table and row order."""
        out: list[list[NDArray]] = [[] for _ in range(5)]
        for key, _mask, addr, sizes in self.table.astype(np.int64):
            stride = ROW_HEADER_WORDS + (sizes & 0xFFFF)
            base = (addr & ADDRESS_MASK) // 4
            for nid in range(sizes >> 16):
                start = base + nid * stride
                words = self.rows[
                    start + ROW_HEADER_WORDS : start + ROW_HEADER_WORDS + self.rows[start + 1]
                ]
                w, d, t, j = unpack_words(words)
                for lst, x in zip(out, (np.full(w.size, key | nid), j, w, d, t), strict=True):
                    lst.append(x)
        return tuple(np.concatenate(x) if x else np.zeros(0, np.int64) for x in out)


def _checked_connections(pre_key, post, weight, delay, syn_type, n_neurons) -> tuple[NDArray, ...]:
    arrays = [
        np.asarray(x, dtype=np.int64).ravel() for x in (pre_key, post, weight, delay, syn_type)
    ]
    if len({a.size for a in arrays}) != 1:
        raise ValueError("pre_key, post, weight, delay and syn_type must have the same length")
    key, j, w, d, t = arrays
    if not 1 <= n_neurons <= MAX_NEURONS:
        raise ValueError(f"n_neurons must lie in 1..{MAX_NEURONS}, got {n_neurons}")
    for name, x, lo, hi in (
        ("pre_key", key, 0, 2**32 - 1), ("post", j, 0, n_neurons - 1),
        ("weight", w, 0, WEIGHT_MAX), ("delay", d, 1, N_SLOTS - 1),
        ("syn_type", t, 0, N_SYNAPSE_TYPES - 1),
    ):  # fmt: skip
        if x.size and (x.min() < lo or x.max() > hi):
            raise ValueError(f"{name} must lie in {lo}..{hi}, got {x.min()}..{x.max()}")
    return key, j, w, d, t


def _check_mask(key_mask: int) -> None:
    low = ~key_mask & 0xFFFFFFFF
    if not 0 <= key_mask <= 0xFFFFFFFF or low & (low + 1):
        raise ValueError(
            f"key_mask must be contiguous high ones (e.g. 0xFFFFF800), got {key_mask:#x}"
        )


def build_synaptic_matrix(
    pre_key: ArrayLike,
    post: ArrayLike,
    weight: ArrayLike,
    delay: ArrayLike,
    syn_type: ArrayLike,
    *,
    n_neurons: int,
    key_mask: int = 0xFFFFF800,
    sram_budget_bytes: int | None = None,
) -> SynapticMatrix:
    """Lay out a connection list as a master population table and synaptic rows.

    Parameters
    ----------
    pre_key : source routing keys (uint32 values). Keys with equal ``key & key_mask`` share a
        table entry; ``key & ~key_mask`` is the source neuron (row) within it.
    post, weight, delay, syn_type : target neuron (0..n_neurons-1), weight (0..65535), delay in
        ticks (1..15) and synapse type (0 excitatory, 1 inhibitory), one per connection.
    n_neurons : neurons of the target core (at most 2048).
    key_mask : contiguous high ones.
    sram_budget_bytes : SRAM bytes the rows may take: blocks go to SRAM in table order while they
        fit, later ones to DRAM. None: every block in SRAM.

    Returns
    -------
    SynapticMatrix; within a row, words keep the order of the connection list.
    """
    _check_mask(key_mask)
    key, j, w, d, t = _checked_connections(pre_key, post, weight, delay, syn_type, n_neurons)
    order = np.argsort(key, kind="stable")
    key, words = key[order], pack_words(w[order], d[order], t[order], j[order])
    blocks = np.unique(key & key_mask)
    row_keys, row_start, row_len = np.unique(key, return_index=True, return_counts=True)
    row_block = np.searchsorted(blocks, row_keys & key_mask)
    row_words = np.zeros(blocks.size, dtype=np.int64)
    np.maximum.at(row_words, row_block, row_len)
    n_rows = np.zeros(blocks.size, dtype=np.int64)
    np.maximum.at(n_rows, row_block, (row_keys & ~key_mask & 0xFFFFFFFF) + 1)
    stride = ROW_HEADER_WORDS + row_words
    block_words = n_rows * stride
    block_addr = np.concatenate(([0], np.cumsum(block_words)[:-1]))
    if (row_words > 0xFFFF).any() or (n_rows > 0xFFFF).any():
        raise ValueError("a block has more than 65535 rows or words per row")
    rows = np.zeros(int(block_words.sum()), dtype=np.uint32)
    row_first = block_addr[row_block] + (row_keys & ~key_mask & 0xFFFFFFFF) * stride[row_block]
    rows[row_first + 1] = row_len
    conn_row = np.repeat(np.arange(row_keys.size), row_len)
    position = np.arange(key.size) - row_start[conn_row]
    rows[row_first[conn_row] + ROW_HEADER_WORDS + position] = words
    table = np.zeros((blocks.size, 4), dtype=np.uint32)
    table[:, 0] = blocks
    table[:, 1] = key_mask
    table[:, 2] = (4 * block_addr) | np.where(
        _in_dram(4 * block_words, sram_budget_bytes), DRAM_FLAG, 0
    )
    table[:, 3] = row_words | (n_rows << 16)
    return SynapticMatrix(table, rows, n_neurons)


def _in_dram(block_bytes: NDArray[np.int64], budget: int | None) -> NDArray[np.bool_]:
    """Blocks in table order go to SRAM while the running total fits the budget."""
    if budget is None:
        return np.zeros(block_bytes.size, dtype=bool)
    fits = np.cumsum(block_bytes) <= budget
    return ~np.logical_and.accumulate(fits)
