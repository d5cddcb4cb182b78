"""A batch of TrueNorth cores stepped tick by tick: crossbar then neurons."""

import numpy as np
import pytest

from cores.crossbar import CrossbarCores
from cores.truenorth import TrueNorthNeurons
from cores.truenorth_core import TrueNorthCoreBatch


def identity_core(n_cores=1):
    """Axon a -> neuron a, weight 1 (type 0), threshold 1, reset to 0: a relay per neuron."""
    conn = np.broadcast_to(np.eye(256, dtype=bool), (n_cores, 256, 256))
    xbar = CrossbarCores.from_dense(conn, np.zeros((n_cores, 256)))
    neurons = TrueNorthNeurons.from_values(256 * n_cores, weights=[1, 0, 0, 0], threshold=1)
    return TrueNorthCoreBatch(xbar, neurons, core_ids=np.arange(n_cores), seed=0)


def test_synfire_chain_fires_one_neuron_per_tick():
    """Axon 0 delivered at tick 0 (delay 1); each spike of neuron k is routed to axon k + 1
    with delay 1. Neuron k gets 1 >= alpha = 1 at tick k + 1 and fires: one spike, one
    synaptic event and one row read per tick, 256 neuron updates per tick."""
    batch = identity_core()
    batch.deliver(0, 0, 1, tick=0)
    for tick in range(1, 6):
        counts = batch.step(tick)
        assert np.flatnonzero(batch.spikes).tolist() == [tick - 1]
        assert counts.crossbar.tolist() == [[1, 1, 0]]
        assert counts.neurons.tolist() == [[256, 1, 0]]
        batch.deliver(0, tick, 1, tick=tick)  # route neuron tick-1's spike to axon tick


def test_batch_shapes_must_agree():
    """Two crossbars with one core id is refused."""
    xbar = CrossbarCores.from_dense(np.zeros((2, 256, 256), bool), np.zeros((2, 256)))
    with pytest.raises(ValueError, match="batch mismatch"):
        TrueNorthCoreBatch(xbar, TrueNorthNeurons.from_values(512), core_ids=[0], seed=0)
