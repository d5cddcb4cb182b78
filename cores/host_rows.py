"""Where the synapse lookup kernel's host copy puts several cores' synaptic rows: source-major.

The modelled layout (:mod:`cores.synaptic_matrix`) keeps each core's rows in its own word
array, so a spike that reaches every core of a population is one random read per core, far
apart. The kernel reads a copy (:class:`cores.synapse_lookup.MatrixSet`) in which the blocks
that share a table entry key and mask (one source block) are interleaved row by row, core
after core::

    block b, row nid:  [core c0's row nid | core c1's row nid | ...]

and a row there is ``[n, row_words synaptic words (n used, the rest padding)]``: the modelled
header's word 1 only (words 0 and 2, plastic region sizes, are 0 for static synapses). Entry e
of core c finds row ``nid`` at word ``entry_addr[c][e] + nid * entry_stride[c][e]`` of the
copy. A row slot of a core whose block has fewer rows than the longest stays zero (the kernel
never reads it: the key misses). The modelled addresses, DRAM flags and byte counts are the
table's; only where the kernel's host reads land changes. The copy is one array of hundreds of
MB, for which NumPy advises huge pages (``MADV_HUGEPAGE`` on Linux, arrays of 4 MiB and more):
fewer TLB misses than the cores' few-MB arrays.

# perf: SpiNNaker2 run benchmark (scripts/bench_run.py case), 200 ticks, the kernel's CPU time
under cProfile, same kernel: 0.64-0.66 s with the cores' rows one after the other in one
array, 0.53 s source-major (a tick's spikes reach nearly every core, in nearly the same order);
the one-word header: 0.49-0.51 -> 0.48-0.49 s, 409 -> 363 MB.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

HOST_HEADER_WORDS = 1  # a row in the copy: [n, its synaptic words and padding]


def source_major_layout(
    tables: list[NDArray[np.uint32]],
) -> tuple[int, list[NDArray[np.int64]], list[NDArray[np.int64]]]:
    """Where each table entry's rows go in the host copy.

    Parameters
    ----------
    tables : per core, uint32 (n_entries, 4), IN. Master population tables.

    Returns
    -------
    (n_words, entry_addr, entry_stride): words of the copy; per core, int64 (n_entries,) word
    of the entry's row 0, and words from one of its rows to the next.
    """
    t = np.concatenate([np.asarray(x, dtype=np.int64).reshape(-1, 4) for x in tables])
    stride = HOST_HEADER_WORDS + (t[:, 3] & 0xFFFF)
    blocks, block_of = np.unique((t[:, 0] << 32) | t[:, 1], return_inverse=True)
    order = np.argsort(block_of, kind="stable")  # entries block by block, cores in order
    width = np.bincount(block_of, weights=stride, minlength=blocks.size).astype(np.int64)
    n_rows = np.zeros(blocks.size, dtype=np.int64)
    np.maximum.at(n_rows, block_of, t[:, 3] >> 16)
    block_first = np.cumsum(n_rows * width) - n_rows * width
    before = np.empty(order.size, dtype=np.int64)  # words before the entry in its row slot
    ends = np.cumsum(stride[order])
    before[order] = ends - stride[order] - (np.cumsum(width) - width)[block_of[order]]
    addr = block_first[block_of] + before
    bounds = np.cumsum([0] + [len(x) for x in tables])
    split = [slice(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    return (
        int((n_rows * width).sum()),
        [addr[s] for s in split],
        [width[block_of][s] for s in split],
    )
