"""The kernel's MatrixSet: tables checked, sPyNNaker's probe counts for every entry and gap."""

import numpy as np
import pytest

from cores import _synapse_lookup, matrix_set
from cores.reference.synapse_lookup import _search
from cores.synaptic_matrix import build_synaptic_matrix


def _matrix(keys, n_neurons=4):
    ones = np.ones(len(keys), np.int64)
    return build_synaptic_matrix(keys, 0 * ones, ones, ones, 0 * ones, n_neurons=n_neurons)


@pytest.mark.parametrize("n_entries", [0, 1, 2, 3, 7, 8, 9, 31, 150])
def test_probes_equal_spynnakers_search_for_every_entry_and_gap(n_entries):
    """Every key that hits an entry (first and last row, a row past the block) and every key in
    a gap (below, between and above the entries): the kernel's steps equal those of
    sPyNNaker's early-exit binary search (the twin's ``_search``)."""
    # blocks of 2048 keys with a gap of one block between them, 3 rows each
    keys = ((2 * np.arange(n_entries)[:, None] + 1) * 2048 + np.arange(3)).ravel()
    m = _matrix(keys.astype(np.int64))
    probe = np.concatenate(
        [
            keys,
            keys[2::3] + 1,  # row 3 of a 3-row block: a miss after a match
            2 * 2048 * np.arange(n_entries + 1) + 5,  # in each gap
            [0, 2**32 - 1],
        ]
    ).astype(np.uint32)
    outs = [np.zeros(probe.size, np.int32) for _ in range(3)]
    ring = np.zeros((16, 2, 4), np.uint16)
    counts = _synapse_lookup.synapse_lookup(
        matrix_set([m], [0]), probe, np.array([0, probe.size]), np.zeros(1, np.int32),
        np.zeros(1, np.int64), ring, *outs,
    )  # fmt: skip
    expected = [_search(int(k), m.table)[1] for k in probe]
    np.testing.assert_array_equal(outs[0], expected)
    assert counts[1] == probe.size - keys.size  # misses: all but the real rows


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([[0x1000, 0xFFFFF0F0, 0, 1 << 16]], "not contiguous"),
        ([[0x1001, 0xFFFFF800, 0, 1 << 16]], "bits outside"),
        ([[0x1000, 0xFFFFF800, 0, 1 << 16], [0x0800, 0xFFFFF800, 0, 1 << 16]], "does not follow"),
        ([[0x1000, 0xFFFFF000, 0, 1 << 16], [0x1800, 0xFFFFF800, 0, 1 << 16]], "does not follow"),
        ([[0x1000, 0xFFFFF800, 0, 2 << 16]], "past the end"),
    ],
)
def test_tables_off_the_layout_are_refused(table, message):
    """Masks that are not high ones, keys with bits below the mask, keys out of order,
    overlapping blocks and blocks past the rows: ValueError naming core and entry."""
    rows = np.zeros(3, np.uint32)  # one row of the header only
    with pytest.raises(ValueError, match=f"core 0, table entry .*{message}"):
        _synapse_lookup.MatrixSet([np.array(table, np.uint32)], [rows], [0])


def test_one_core_calls_keep_their_set_while_the_matrix_lives():
    """process_packets builds a core's set once and drops it with the matrix."""
    import gc

    from cores import synapse_lookup

    m = _matrix(np.array([2048, 2049], np.int64))
    ring = np.zeros((16, 2, 4), np.uint16)
    keys = np.array([2048, 2049], np.uint32)
    first = synapse_lookup.process_packets(m, keys, 0, ring)
    kept = synapse_lookup._single_sets[id(m)]
    second = synapse_lookup.process_packets(m, keys, 1, ring)
    assert synapse_lookup._single_sets[id(m)] is kept and first[0] == second[0]
    assert first[0].words == 2 and ring.sum() == 4
    key = id(m)
    del m, first, second
    gc.collect()
    assert key not in synapse_lookup._single_sets


def _table(entries):
    """A table of one-row blocks of one synaptic word each (key, mask per entry), with its
    rows: row i at byte 16 i, a header and word i + 1."""
    table = np.array(
        [[key, mask, 16 * i, 1 | 1 << 16] for i, (key, mask) in enumerate(entries)], np.uint32
    )
    rows = np.zeros(4 * len(entries), np.uint32)
    rows[1::4] = 1  # one synaptic word a row
    rows[3::4] = np.arange(len(entries)) + (1 << 16)  # weight 1, delay 0, neuron i
    return table, rows


DENSE = [(k << 11, 0xFFFFF800) for k in (1, 2, 4, 5)]  # one mask, a block without an entry
MIXED = [(0x0800, 0xFFFFF800), (0x1000, 0xFFFFFC00), (0x2000, 0xFFFFF000)]
SPARSE = [(0x0800, 0xFFFFF800), (0x0800 + (500 << 11), 0xFFFFF800)]


@pytest.mark.parametrize(
    ("entries", "direct"),
    [(DENSE, [0, 1, -1, 2, 3]), (MIXED, None), (SPARSE, None), ([(0, 0)], None), ([], None)],
)
def test_a_tables_blocks_are_indexed_where_it_has_one_mask_and_few_gaps(entries, direct):
    """The direct index of a table's blocks (entry per block from the first, -1 for none) is
    built for one mask and blocks close together; not for several masks, far-apart blocks or
    a mask that puts every key in one block."""
    table, rows = _table(entries) if entries else (np.zeros((0, 4), np.uint32), np.zeros(0))
    index = _synapse_lookup.direct_index(table)
    assert (index is None) if direct is None else index.tolist() == direct
    if entries:
        got = _synapse_lookup.MatrixSet([table], [rows.astype(np.uint32)], [0]).direct[0]
        assert (got is None) == (direct is None)


@pytest.mark.parametrize("entries", [DENSE, MIXED, SPARSE])
def test_entries_found_by_index_or_bisection_equal_the_twin(entries):
    """Keys in each entry's row 0 and past it, in the gaps, below the first entry and above
    the last: the same entry, steps, words and ring buffers as the twin's search, whichever
    way the kernel finds them."""
    from cores.reference.synapse_lookup import synapse_lookup

    table, rows = _table(entries)
    matrices = _synapse_lookup.MatrixSet([table], [rows], [0])
    starts = table[:, 0].astype(np.int64)
    keys = np.concatenate(
        [starts, starts + 1, starts + 0x400, starts - 1, [0, 0x7FF, 2**32 - 1], starts + 4096]
    )
    keys = keys[(keys >= 0) & (keys < 2**32)].astype(np.uint32)
    args = (keys, np.array([0, keys.size]), np.zeros(1, np.int32), np.zeros(1, np.int64))
    results = []
    for lookup in (_synapse_lookup.synapse_lookup, synapse_lookup):
        ring = np.zeros((16, 2, len(entries)), np.uint16)
        outs = [np.zeros(keys.size, np.int32) for _ in range(3)]
        results.append((lookup(matrices, *args, ring, *outs), ring, outs))
    (counts, ring, outs), (counts_ref, ring_ref, outs_ref) = results
    assert counts == counts_ref and counts[1] < keys.size  # some hits, some misses
    np.testing.assert_array_equal(ring, ring_ref)
    for a, b in zip(outs, outs_ref, strict=True):
        np.testing.assert_array_equal(a, b)
