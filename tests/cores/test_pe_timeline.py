"""PE timelines: the vectorised many-PE FIFO equals one packet_batch_cycles call per PE."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import CycleCosts, NeuronModel, packet_batch_cycles
from cores.pe_timeline import PeTimeline, segment_starts

COSTS = CycleCosts(
    neuron_update_cycles={NeuronModel.LIF_FIXED: 4},
    synaptic_event_cycles=3,
    packet_receive_cycles=5,
    key_lookup_cycles_per_step=2,
    dma_setup_cycles=7,
)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 5), st.integers(0, 40))
def test_many_pe_fifo_equals_per_pe_calls(seed, n_pes, n) -> None:
    """Random packets on several PEs with earlier work: finish times and free_at agree."""
    rng = np.random.default_rng(seed)
    pe = np.sort(rng.integers(0, n_pes, n))
    arrival = np.concatenate([np.sort(rng.integers(0, 500, np.sum(pe == p))) for p in range(n_pes)])
    steps, words = rng.integers(0, 6, n), rng.integers(0, 30, n)
    dram = rng.integers(0, 2, n) * 64
    timeline = PeTimeline(n_pes, COSTS)
    timeline.free_at[:] = rng.integers(0, 300, n_pes)
    before = timeline.free_at.copy()
    starts = segment_starts(pe)
    ones = np.ones(n_pes, np.int64)  # PE clocks of the reference clock's rate
    served, finish = timeline.serve_segments(
        np.append(starts, n), pe[starts], arrival, steps, words, dram, ones, ones
    )
    np.testing.assert_array_equal(served, arrival)  # (in arrival order: each PE's sorted)
    for p in range(n_pes):
        mine = pe == p
        expected = packet_batch_cycles(
            COSTS, arrival[mine], steps[mine], words[mine], dram[mine] > 0,
            free_at=int(before[p]), tick_end=0,
        )  # fmt: skip
        np.testing.assert_array_equal(finish[mine], expected.finish)
        assert timeline.free_at[p] == expected.free_at
        assert timeline.busy[p] == expected.busy_cycles


def test_tick_phase_starts_when_the_pe_is_free_and_overrun_is_counted() -> None:
    """A PE busy until 1200 starts its tick phase of 300 cycles there: overrun 500 at 1000."""
    timeline = PeTimeline(2, COSTS)
    timeline.free_at[:] = [1200, 0]
    start = timeline.start_tick(1000)
    np.testing.assert_array_equal(start, [1200, 1000])
    timeline.add_tick_phase(np.array([0, 1]), start, np.array([300, 300]))
    np.testing.assert_array_equal(timeline.overrun(1000), [500, 300])
    np.testing.assert_array_equal(timeline.overrun(2000), [0, 0])


def test_serve_segments_lets_an_sram_row_overtake_a_dram_row():
    """One PE at a quarter of the reference clock, free: a DRAM row ready at 40 and an SRAM
    row ready at 9 (reference cycles) are served SRAM first, at PE cycles 3 and 10."""
    timeline = PeTimeline(1, COSTS)
    served, finish = timeline.serve_segments(
        np.array([0, 2]), np.array([0]), np.array([40, 9]), np.array([1, 1]), np.array([2, 2]),
        np.array([64, 0]), np.array([4]), np.array([1]),
    )  # fmt: skip
    service = COSTS.packet_receive_cycles + COSTS.key_lookup_cycles_per_step
    service += 2 * COSTS.synaptic_event_cycles
    assert served.tolist() == [3, 10]
    assert finish.tolist() == [3 + service, max(3 + service, 10) + service + COSTS.dma_setup_cycles]
    with pytest.raises(ValueError, match="1 PEs whose SRAM or DRAM rows"):
        timeline.serve_segments(
            np.array([0, 2]), np.array([0]), np.array([40, 9]), np.array([1, 1]),
            np.array([2, 2]), np.array([64, 64]), np.array([4]), np.array([1]),
        )  # fmt: skip
