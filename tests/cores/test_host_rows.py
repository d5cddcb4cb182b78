"""The kernel's source-major host copy of the rows: every modelled row at its layout place."""

import pickle

import numpy as np
import pytest

from cores import matrix_set
from cores.synaptic_matrix import ADDRESS_MASK, ROW_HEADER_WORDS, build_synaptic_matrix


def _matrices(rng, n_cores):
    """Cores sharing source blocks (keys 0..2047 in blocks 0..3), each with its own rows (lengths,
    row counts), one core with a narrower mask (its blocks differ from the others')."""
    out = []
    for c in range(n_cores):
        n_conn = int(rng.integers(1, 400))
        sources = rng.integers(0, 200, n_conn) | (rng.integers(0, 4, n_conn) << 11)
        m = build_synaptic_matrix(
            sources, rng.integers(0, 50, n_conn), rng.integers(0, 1 << 16, n_conn),
            rng.integers(1, 16, n_conn), rng.integers(0, 2, n_conn), n_neurons=50,
            key_mask=0xFFFFFC00 if c == 1 else 0xFFFFF800,
            sram_budget_bytes=int(rng.integers(0, 4000)),
        )  # fmt: skip
        out.append(m)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_every_modelled_row_is_at_its_layout_place(seed):
    """Reading each entry's rows back from the host copy (entry_addr + nid * entry_stride)
    gives the modelled rows word for word, less header words 0 and 2 (plastic region sizes,
    0 here); cores sharing a block lie side by side in each row slot, in core order."""
    rng = np.random.default_rng(seed)
    mats = _matrices(rng, 5)
    ms = matrix_set(mats, [0] * len(mats))
    host = np.asarray(ms.host)
    for c, m in enumerate(mats):
        for e, (_key, _mask, addr, sizes) in enumerate(m.table.astype(np.int64)):
            stride, n_rows = ROW_HEADER_WORDS + (sizes & 0xFFFF), sizes >> 16
            first = (addr & ADDRESS_MASK) // 4
            modelled = m.rows[first : first + n_rows * stride].reshape(n_rows, stride)
            assert not modelled[:, [0, 2]].any()
            at = ms.entry_addr[c][e] + ms.entry_stride[c][e] * np.arange(n_rows)[:, None]
            np.testing.assert_array_equal(
                host[at + np.arange(stride - 2)],
                np.c_[modelled[:, 1], modelled[:, ROW_HEADER_WORDS:]],
            )
    shared = {}  # block key -> [(core, addr, stride)] for the cores with the wide mask
    for c, m in enumerate(mats):
        for e in range(len(m.table)):
            if c != 1:
                stride = 1 + (int(m.table[e, 3]) & 0xFFFF)  # n, then the row's words
                shared.setdefault(int(m.table[e, 0]), []).append((ms.entry_addr[c][e], stride))
    for cores in shared.values():
        addr = np.array([a for a, _ in cores])
        np.testing.assert_array_equal(np.diff(addr), [s for _, s in cores[:-1]])


def test_copy_holds_only_rows_and_padding():
    """Equal row counts on every core: the copy has exactly the modelled words less two header
    words a row (no gaps); unequal ones: the missing row slots are zero."""
    rng = np.random.default_rng(7)
    keys, ones = np.arange(64), np.ones(64, np.int64)
    same = [build_synaptic_matrix(keys, rng.integers(0, 8, 64), ones, ones, 0 * ones, n_neurons=8)]
    same *= 3
    assert matrix_set(same, [0, 8, 16]).host.size == 3 * (same[0].rows.size - 2 * 64)
    short = build_synaptic_matrix(
        keys[:10], 0 * ones[:10], ones[:10], ones[:10], 0 * ones[:10], n_neurons=8
    )
    ms = matrix_set([same[0], short], [0, 8])
    stride_same, stride_short = same[0].rows.size // 64, short.rows.size // 10
    assert ms.host.size == 64 * (stride_same - 2) + 64 * (stride_short - 2)  # 54 empty slots
    assert int(np.asarray(ms.host).astype(np.int64).sum()) == int(
        same[0].rows.astype(np.int64).sum() + short.rows.astype(np.int64).sum()
    )


def test_pickled_set_rebuilds_the_same_copy():
    """A MatrixSet pickles as its tables and modelled rows and rebuilds the same host copy."""
    mats = _matrices(np.random.default_rng(3), 3)
    ms = matrix_set(mats, [0, 50, 100])
    again = pickle.loads(pickle.dumps(ms))
    np.testing.assert_array_equal(np.asarray(again.host), np.asarray(ms.host))
    assert again.ring_first == [0, 50, 100]
