"""NumPy twin of :mod:`cores._synapse_lookup` (same name, arguments and outputs; tests only).

Saturation is applied once at the end (``min(initial + sum, 65535)``), which equals the
kernel's saturating adds because every weight is unsigned.
"""

from __future__ import annotations

import numpy as np

from cores.synaptic_matrix import (
    ADDRESS_MASK,
    DRAM_FLAG,
    ROW_HEADER_WORDS,
    TABLE_ENTRY_BYTES,
    WEIGHT_MAX,
    unpack_words,
)


def _search(key: int, table: np.ndarray) -> tuple[int, int]:
    """(entry index or -1, probes) of the binary search, as sPyNNaker's population table."""
    lo, hi, steps = 0, table.shape[0], 0
    while lo < hi:
        mid = (lo + hi) // 2
        steps += 1
        if key & int(table[mid, 1]) == int(table[mid, 0]):
            return mid, steps
        if int(table[mid, 0]) < key:
            lo = mid + 1
        else:
            hi = mid
    return -1, steps


def synapse_lookup(
    matrices,
    keys,
    seg_start,
    seg_core,
    seg_tick,
    ring,
    out_steps,
    out_words,
    out_dram_bytes,
    threads=1,
):
    """Twin of :func:`cores._synapse_lookup.synapse_lookup`: one core's segment at a time."""
    totals = np.zeros(9, dtype=np.int64)
    for s, (core, tick) in enumerate(zip(seg_core.tolist(), seg_tick.tolist(), strict=True)):
        lo, hi = int(seg_start[s]), int(seg_start[s + 1])
        view = ring[:, :, int(matrices.ring_first[core]) :]  # the core's neurons start here
        counts = _one_core(
            keys[lo:hi], matrices.tables[core], matrices.rows[core], tick, view,
            out_steps[lo:hi], out_words[lo:hi], out_dram_bytes[lo:hi],
        )  # fmt: skip
        totals += np.asarray(counts, dtype=np.int64)
    totals[0] = len(keys)
    return tuple(int(x) for x in totals)


class PeLookup:
    """Twin of :class:`cores._synapse_lookup.PeLookup` (the same arguments, not checked)."""

    def __init__(self, sets, rings, set_of_pe, core_of_pe):
        self.sets, self.rings = sets, rings
        self.set_of_pe, self.core_of_pe = set_of_pe, core_of_pe
        self.n_pes = len(set_of_pe)


def lookup_pes(
    pes, keys, seg_start, seg_pe, seg_tick, out_steps, out_words, out_dram_bytes, threads=1
):
    """Twin of :func:`cores._synapse_lookup.lookup_pes`: one PE's segment at a time."""
    totals = np.zeros(9, dtype=np.int64)
    for s, (pe, tick) in enumerate(zip(seg_pe.tolist(), seg_tick.tolist(), strict=True)):
        lo, hi = int(seg_start[s]), int(seg_start[s + 1])
        k = int(pes.set_of_pe[pe])
        if k < 0:  # no synapses: misses of no search step
            out_steps[lo:hi] = out_words[lo:hi] = out_dram_bytes[lo:hi] = 0
            totals[1] += hi - lo
            continue
        matrices, core = pes.sets[k], int(pes.core_of_pe[pe])
        counts = _one_core(
            keys[lo:hi], matrices.tables[core], matrices.rows[core], tick,
            pes.rings[k][:, :, int(matrices.ring_first[core]) :],
            out_steps[lo:hi], out_words[lo:hi], out_dram_bytes[lo:hi],
        )  # fmt: skip
        totals += np.asarray(counts, dtype=np.int64)
    totals[0] = len(keys)
    return tuple(int(x) for x in totals)


def _one_core(keys, table, rows, tick, ring, out_steps, out_words, out_dram_bytes):
    """One core's packets (``ring`` is its own (16, 2, n) view); counts as the kernel's."""
    misses = rows_read = sram_bytes = dram_bytes = 0
    gathered = []
    for k, key in enumerate(int(x) for x in keys):
        entry, out_steps[k] = _search(key, table)
        out_words[k] = out_dram_bytes[k] = 0
        key_mask, sizes = (int(table[entry, 1]), int(table[entry, 3])) if entry >= 0 else (0, 0)
        nid = key & ~key_mask & 0xFFFFFFFF
        if entry < 0 or nid >= sizes >> 16:
            misses += 1
            continue
        stride = ROW_HEADER_WORDS + (sizes & 0xFFFF)
        first = (int(table[entry, 2]) & ADDRESS_MASK) // 4 + nid * stride
        n = int(rows[first + 1])
        gathered.append(rows[first + ROW_HEADER_WORDS : first + ROW_HEADER_WORDS + n])
        rows_read += 1
        out_words[k] = n
        if int(table[entry, 2]) & DRAM_FLAG:
            dram_bytes += 4 * stride
            out_dram_bytes[k] = 4 * stride
        else:
            sram_bytes += 4 * (ROW_HEADER_WORDS + n)
    words = np.concatenate(gathered) if gathered else np.zeros(0, np.uint32)
    w, d, t, j = unpack_words(words)
    total = ring.astype(np.int64)
    np.add.at(total, ((tick + d) % 16, t, j), w)
    ring[...] = np.minimum(total, WEIGHT_MAX)
    lost = int(np.maximum(total - WEIGHT_MAX, 0).sum())
    steps = int(np.sum(out_steps[: len(keys)], dtype=np.int64))
    return (
        len(keys), misses, steps, rows_read, int(words.size), TABLE_ENTRY_BYTES * steps,
        sram_bytes, dram_bytes, lost,
    )  # fmt: skip


def core_runs(seg_start, seg_core, n_keys, threads):
    """Twin of :func:`cores._synapse_lookup.core_runs` (with the check of ``threads``)."""
    n_seg = len(seg_core)
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    grouped = (
        len(seg_start) == n_seg + 1 and n_seg > 1 and seg_start[0] == 0 and seg_start[-1] == n_keys
    )
    if (
        threads == 1
        or not grouped
        or np.any(np.diff(seg_core) < 0)
        or np.any(np.diff(seg_start) < 0)
    ):
        return [0, n_seg]
    starts = np.flatnonzero(np.diff(seg_core, prepend=-1))  # each core's first segment
    wanted = seg_start[-1] * np.arange(1, threads) / threads
    inner = np.unique(starts[np.searchsorted(seg_start[starts], wanted).clip(0, len(starts) - 1)])
    return [0, *inner[inner > 0].tolist(), n_seg]
