"""Event counts that the kernels return, for the energy and cycle-cost models."""

from __future__ import annotations

from typing import NamedTuple


class NeuronCounts(NamedTuple):
    """What one neuron-kernel call did.

    Attributes
    ----------
    neuron_updates : neurons (or units) updated.
    spikes : spikes or output events written to ``out_spikes``.
    macs : multiply-accumulates (dense layer; 0 for the other models).
    """

    neuron_updates: int
    spikes: int
    macs: int = 0
