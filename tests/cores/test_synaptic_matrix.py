"""SpiNNaker-style synapse storage: word format, byte layout, round trip, lookup hits/misses."""

import numpy as np
import pytest

from cores.ring_buffer import make_ring_buffers
from cores.synapse_lookup import PacketWork, matrix_set, process_packets, process_packets_cores
from cores.synaptic_matrix import (
    SynapticMatrix,
    build_synaptic_matrix,
    pack_words,
    unpack_words,
)


def test_word_layout_matches_the_documented_bit_split():
    """weight 31..16 | delay 15..12 | type 11 | index 10..0."""
    word = pack_words(0xABCD, 7, 1, 0x5A5)
    assert int(word) == (0xABCD << 16) | (7 << 12) | (1 << 11) | 0x5A5
    assert [int(x) for x in unpack_words(word)] == [0xABCD, 7, 1, 0x5A5]


def test_bytes_of_a_two_row_block_by_hand():
    """Keys 0x100 (2 synapses) and 0x101 (1): one entry, stride 3 + 2 words, rows padded."""
    m = build_synaptic_matrix(
        [0x100, 0x101, 0x100], [1, 2, 3], [10, 20, 30], [1, 2, 3], [0, 1, 0],
        n_neurons=4, key_mask=0xFFFFFFF0,
    )  # fmt: skip
    table, rows = m.to_bytes()
    entry = np.frombuffer(table, "<u4")
    assert list(entry) == [0x100, 0xFFFFFFF0, 0, 2 | (2 << 16)]
    w = [int(x) for x in pack_words([10, 30, 20], [1, 3, 2], [0, 0, 1], [1, 3, 2])]
    assert list(np.frombuffer(rows, "<u4")) == [0, 2, 0, w[0], w[1], 0, 1, 0, w[2], 0]


def test_round_trip_through_bytes_keeps_every_connection():
    """Random connection list -> bytes -> parse -> decode gives the same multiset."""
    rng = np.random.default_rng(5)
    n = 500
    conns = (
        rng.integers(0, 40, n) | (rng.integers(0, 6, n) << 11),
        rng.integers(0, 256, n), rng.integers(0, 65536, n),
        rng.integers(1, 16, n), rng.integers(0, 2, n),
    )  # fmt: skip
    m = build_synaptic_matrix(*conns, n_neurons=256)
    back = SynapticMatrix.from_bytes(*m.to_bytes(), n_neurons=256).connections()
    as_rows = lambda c: sorted(zip(*(np.asarray(x).tolist() for x in c), strict=True))  # noqa: E731
    assert as_rows(back) == as_rows(conns)


def test_lookup_hits_and_misses_are_counted():
    """Three blocks; keys in, between and beyond them; a row past the block end is a miss."""
    keys = [0x0800, 0x0801, 0x1000, 0x2005]
    m = build_synaptic_matrix(keys, [0, 1, 2, 3], [5, 6, 7, 8], [1, 1, 1, 1], [0, 0, 0, 0],
                              n_neurons=4)  # fmt: skip
    ring = make_ring_buffers(4)
    received = np.array([0x2005, 0x1800, 0x0801, 0xFFFF0000, 0x1001, 0x0800], np.uint32)
    counts, work = process_packets(m, received, tick=0, ring=ring)
    assert counts.packets == 6 and counts.misses == 3 and counts.rows_read == 3
    assert list(work.words) == [1, 0, 1, 0, 0, 1]
    assert list(ring[1, 0]) == [5, 6, 0, 8]
    # 3 entries: the middle one is found in 1 probe, the outer ones in 2.
    assert list(work.steps) == [2, 2, 2, 2, 1, 2]
    assert counts.search_steps == 11 and counts.table_bytes == 16 * 11


def test_dram_blocks_beyond_the_sram_budget_cost_padded_rows():
    """With room for one block, the second is in DRAM and its row costs its full stride."""
    m = build_synaptic_matrix([0, 0, 0x800], [0, 1, 2], [1, 1, 1], [1, 1, 1], [0, 0, 0],
                              n_neurons=4, sram_budget_bytes=20)  # fmt: skip
    assert list(m.in_dram) == [False, True]
    counts, work = process_packets(m, np.array([0x800, 0], np.uint32), 0, make_ring_buffers(4))
    assert list(work.dram_bytes) == [16, 0]
    assert (counts.dram_row_bytes, counts.sram_row_bytes) == (16, 20)
    assert m.sram_bytes() == 32 + 20 and m.dram_bytes() == 16


def test_ring_buffer_saturates_and_counts_the_lost_weight():
    """Two 40000 weights into one slot: entry 65535, 14465 units lost."""
    m = build_synaptic_matrix([1, 2], [0, 0], [40000, 40000], [3, 3], [1, 1], n_neurons=1)
    ring = make_ring_buffers(1)
    counts, _ = process_packets(m, np.array([1, 2], np.uint32), tick=14, ring=ring)
    assert ring[(14 + 3) % 16, 1, 0] == 65535
    assert counts.saturated_weight == 80000 - 65535


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("post", 9, "post"),
        ("delay", 0, "delay"),
        ("weight", 70000, "weight"),
        ("syn_type", 2, "syn"),
    ],
)
def test_bad_connections_are_refused(field, value, match):
    """Out-of-range fields raise ValueError naming the field."""
    conn = {"pre_key": [1], "post": [0], "weight": [1], "delay": [1], "syn_type": [0]}
    conn[field] = [value]
    with pytest.raises(ValueError, match=match):
        build_synaptic_matrix(**conn, n_neurons=4)


def test_non_prefix_mask_is_refused():
    """A key mask with holes cannot be binary-searched."""
    with pytest.raises(ValueError, match="key_mask"):
        build_synaptic_matrix([1], [0], [1], [1], [0], n_neurons=1, key_mask=0xFFFF0F00)


def test_lookup_writes_into_one_core_slice_of_a_many_core_ring():
    """A core's ring buffers may be ring[:, :, first:last] of a many-core array."""
    m = build_synaptic_matrix([7], [1], [9], [2], [1], n_neurons=4)
    ring = make_ring_buffers(12)
    process_packets(m, np.array([7], np.uint32), tick=5, ring=ring[:, :, 4:8])
    assert ring[7, 1, 5] == 9 and ring.sum() == 9


def test_lookup_writes_its_work_into_given_slices():
    """``out`` slices of larger arrays get the same work as new arrays; the rest is untouched;
    a wrong dtype is refused."""
    m = build_synaptic_matrix([0, 0, 0x800], [0, 1, 2], [1, 1, 1], [1, 1, 1], [0, 0, 0],
                              n_neurons=4, sram_budget_bytes=20)  # fmt: skip
    keys = np.array([0x800, 0, 0x1800], np.uint32)
    _, fresh = process_packets(m, keys, 0, make_ring_buffers(4))
    big = PacketWork(*(np.full(5, -1, np.int32) for _ in range(3)))
    args = (matrix_set([m], [0]), keys, np.array([0, 3]), np.zeros(1, np.int32), np.zeros(1))
    _, work = process_packets_cores(*args, make_ring_buffers(4), PacketWork(*(a[1:4] for a in big)))
    for got, want, whole in zip(work, fresh, big, strict=True):
        np.testing.assert_array_equal(got, want)
        assert whole[0] == whole[4] == -1
    with pytest.raises(ValueError, match="contiguous int32"):
        process_packets_cores(*args, make_ring_buffers(4), PacketWork(*(np.zeros(3),) * 3))
