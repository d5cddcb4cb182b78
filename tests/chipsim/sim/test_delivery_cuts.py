"""A receive step's PEs cut among threads: runs of whole PEs with about as many packets."""

import numpy as np
import pytest

from chipsim.sim.delivery import _cuts


@pytest.mark.parametrize(
    ("bounds", "threads", "cuts"),
    [([0, 10, 20, 30, 40], 2, [0, 2, 4]),  # half the packets each
     ([0, 30, 31, 32, 40], 2, [0, 1, 4]),  # the first PE has most: a cut right after it
     ([0, 10, 20, 30, 40], 8, [0, 1, 2, 3, 4]),  # more threads than PEs: a PE each
     ([0, 40], 2, [0, 1]), ([0], 2, [0, 0]),  # one PE, none
     ([0, 10, 20], 1, [0, 2])],
)  # fmt: skip
def test_cuts_share_the_packets_between_whole_pes(bounds, threads, cuts):
    assert _cuts(np.array(bounds), threads) == cuts
