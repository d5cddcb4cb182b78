"""SRAM model: placement, banks, overflow message, byte counters."""

import pytest

from cores.params import CoreKind, CoreParams, CycleCosts, NeuronModel
from cores.sram import Sram, SramOverflowError


def test_structures_are_placed_word_aligned_across_banks():
    """Offsets follow each other, sizes round up to words, banks are spanned as addressed."""
    sram = Sram(7, capacity_bytes=1024, banks=4)  # 256-byte banks
    a = sram.allocate("neuron_state", 250)
    b = sram.allocate("ring_buffers", 300)
    assert (a.offset, a.nbytes, a.first_bank, a.last_bank) == (0, 252, 0, 0)
    assert (b.offset, b.nbytes, b.first_bank, b.last_bank) == (252, 300, 0, 2)
    assert sram.free_bytes == 1024 - 552


def test_overflow_names_core_structure_requested_and_free_bytes():
    """The error says which core, which structure, how many bytes asked and how many free."""
    sram = Sram("pe(3,1,2)", capacity_bytes=1000)
    sram.allocate("neuron_state", 600)
    with pytest.raises(SramOverflowError) as err:
        sram.allocate("synaptic_rows", 500)
    msg = str(err.value)
    assert "pe(3,1,2)" in msg and "synaptic_rows" in msg and "500 bytes" in msg
    assert "only 400 of 1000" in msg and "neuron_state 600" in msg
    assert isinstance(err.value, ValueError)


def test_read_and_write_bytes_are_counted_per_structure():
    """Counters add up per structure and in total; unknown names are refused."""
    sram = Sram(0, 4096)
    sram.allocate("ring_buffers", 64)
    sram.allocate("master_pop_table", 32)
    sram.record_read("ring_buffers", 10)
    sram.record_read("ring_buffers", 6)
    sram.record_write("master_pop_table", 4)
    assert sram.read_bytes == {"ring_buffers": 16, "master_pop_table": 0}
    assert (sram.total_read_bytes, sram.total_write_bytes) == (16, 4)
    with pytest.raises(ValueError, match="no structure 'dram'"):
        sram.record_read("dram", 1)


def test_from_params_uses_capacity_and_banks():
    """Capacity and banks come from CoreParams."""
    costs = CycleCosts(neuron_update_cycles={NeuronModel.LIF_FIXED: 1}, synaptic_event_cycles=1)
    params = CoreParams(
        kind=CoreKind.PROGRAMMABLE, neuron_models=[NeuronModel.LIF_FIXED], max_neurons=4,
        max_synapses=4, sram_bytes=98304, sram_banks=4, neuron_state_bytes=48, cycle_costs=costs,
    )  # fmt: skip
    sram = Sram.from_params(5, params)
    assert (sram.capacity_bytes, sram.banks, sram.bank_bytes) == (98304, 4, 24576)


def test_duplicate_structure_is_refused():
    """A name can be allocated once."""
    sram = Sram(0, 64)
    sram.allocate("x", 4)
    with pytest.raises(ValueError, match="already allocated"):
        sram.allocate("x", 4)
