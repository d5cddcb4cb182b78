"""The synapse lookup kernel's host copy of several cores' synaptic rows, source-major.

The modelled layout (:mod:`cores.synaptic_matrix`) keeps each core's rows in its own word
array, so a spike that reaches every core of a population costs one random read per core. The
kernel reads a copy instead in which the rows of one source on all cores lie next to each
other: the blocks that share a table entry key and mask (the same source block) are
interleaved row by row, core after core::

    block b, row nid:  [core c0's row nid | core c1's row nid | ...]   (each at its own stride)

so entry e of core c finds row ``nid`` at word ``entry_addr[c][e] + nid * entry_stride[c][e]``
of the copy. A row slot of a core whose block has fewer rows than the longest stays zero (the
kernel never reads it: the key misses). The modelled addresses, DRAM flags and byte counts are
those of the table; only where the kernel's host reads land changes.

# perf (2 shared cores, best of 3 interleaved runs each, ns per packet of
scripts/bench_cores.py ``_synapse_chip_rate``: 150 PEs, 7-word rows in 437 MB): separate PE
arrays 53 (every PE its own keys) / 54 (every PE the same 380 spikes); the same layout in huge
pages 47 / -; source-major in huge pages 47.5 / 46.5. SpiNNaker2 run benchmark, 200 ticks
(scripts/bench_run.py case, mapping loaded from a pickle): synaptic processing 0.77-0.93 s ->
0.61-0.63 s.
"""

from __future__ import annotations

import mmap
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from cores.synaptic_matrix import ADDRESS_MASK, ROW_HEADER_WORDS

HUGE_PAGE_BYTES = 2 << 20  # x86-64 transparent huge page


def zeroed_words(n_words: int) -> NDArray[np.uint32]:
    """Zeroed uint32 array; from an anonymous mapping advised MADV_HUGEPAGE when it spans at
    least one huge page (fewer TLB misses on random reads), plain NumPy where that is not
    available (no mmap flag, no madvise, or the mapping fails)."""
    n_bytes = 4 * n_words
    advice = getattr(mmap, "MADV_HUGEPAGE", None)
    if n_bytes < HUGE_PAGE_BYTES or advice is None:
        return np.zeros(n_words, dtype=np.uint32)
    try:
        buffer = mmap.mmap(-1, n_bytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        buffer.madvise(advice)  # before the first write, so the pages are huge from the start
    except (OSError, ValueError):
        return np.zeros(n_words, dtype=np.uint32)
    return np.frombuffer(buffer, dtype=np.uint32, count=n_words)


def _entry_fields(tables: list[NDArray[np.uint32]]) -> dict[str, NDArray[np.int64]]:
    """Every core's entries, concatenated: core, block identity (key, mask), row address
    (words), stride (words) and row count."""
    t = np.concatenate([np.asarray(x, dtype=np.int64).reshape(-1, 4) for x in tables])
    return {
        "core": np.repeat(np.arange(len(tables)), [len(x) for x in tables]),
        "block": (t[:, 0] << 32) | t[:, 1],
        "addr": (t[:, 2] & ADDRESS_MASK) // 4,
        "stride": ROW_HEADER_WORDS + (t[:, 3] & 0xFFFF),
        "n_rows": t[:, 3] >> 16,
    }


class HostLayout(NamedTuple):
    """Where every table entry's rows go in the host copy.

    Attributes
    ----------
    n_words : words of the copy.
    entry_addr, entry_stride : per core, int64 (n_entries,): word of the entry's row 0, and
        words from one of its rows to the next.
    fill_core, fill_entry : int64 (all entries,): (core, entry) block by block, cores in
        order within a block: the order in which the rows of one row slot lie in the copy.
    block_start : int64 (n_blocks + 1,): block b's entries are ``fill_*[block_start[b]:
        block_start[b + 1]]``.
    """

    n_words: int
    entry_addr: list[NDArray[np.int64]]
    entry_stride: list[NDArray[np.int64]]
    fill_core: NDArray[np.int64]
    fill_entry: NDArray[np.int64]
    block_start: NDArray[np.int64]


def source_major_layout(tables: list[NDArray[np.uint32]]) -> HostLayout:
    """The host layout of the cores' blocks, from their master population tables (uint32
    (n_entries, 4) per core, IN)."""
    f = _entry_fields(tables)
    blocks, block_of = np.unique(f["block"], return_inverse=True)
    order = np.argsort(block_of, kind="stable")  # entries block by block, cores in order
    width = np.bincount(block_of, weights=f["stride"], minlength=blocks.size).astype(np.int64)
    n_rows = np.zeros(blocks.size, dtype=np.int64)
    np.maximum.at(n_rows, block_of, f["n_rows"])
    block_first = np.cumsum(n_rows * width) - n_rows * width
    offset = np.empty(order.size, dtype=np.int64)  # entry's words before it in its block's row
    ends = np.cumsum(f["stride"][order])
    offset[order] = ends - f["stride"][order] - (np.cumsum(width) - width)[block_of[order]]
    addr = block_first[block_of] + offset
    bounds = np.cumsum([0] + [len(x) for x in tables])
    split = [slice(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    return HostLayout(
        int((n_rows * width).sum()),
        [addr[s] for s in split],
        [width[block_of][s] for s in split],
        f["core"][order],
        order - bounds[f["core"][order]],
        np.r_[0, np.cumsum(np.bincount(block_of, minlength=blocks.size))].astype(np.int64),
    )
