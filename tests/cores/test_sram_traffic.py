"""SRAM bytes per packet and per update, by hand."""

import numpy as np

from cores.sram_traffic import packet_sram_bytes, update_sram_bytes


def test_packet_bytes_by_hand() -> None:
    """SRAM row of 5 words after 3 steps: read 3x16 + (3+5)x4 + 5x2 = 90, write 5x2 = 10.
    DRAM row of 5 words (32 bytes): read 48 + 10 = 58, write 10 + 32 = 42."""
    read, write = packet_sram_bytes([3, 3], [5, 5], [0, 32])
    np.testing.assert_array_equal(read, [90, 58])
    np.testing.assert_array_equal(write, [10, 42])


def test_update_bytes_by_hand() -> None:
    """10 neurons of 48-byte state: (48 + 2 x 2) x 10 = 520 bytes each way."""
    read, write = update_sram_bytes(np.array([10]), 48)
    assert read[0] == write[0] == 520
