"""Synaptic input delay ring buffers, as sPyNNaker keeps them.

Every neuron has one ring buffer per synapse type (0 = excitatory, 1 = inhibitory) of
:data:`N_SLOTS` slots; slot ``(tick + delay) % N_SLOTS`` gathers the weights of the synaptic
events that take effect at tick ``tick + delay``. Entries are ``uint16`` sums of the 16-bit row
weights, saturating at 65535 (sPyNNaker's ``weight_t`` ring buffers). All weights are unsigned,
so the saturated sum is ``min(sum, 65535)`` whatever the order of the additions (design.md,
decision 6).

Layout: one ``uint16`` array of shape ``(N_SLOTS, N_SYNAPSE_TYPES, n_neurons)`` for many cores
at once, neurons contiguous per core. ``ring[:, :, first:last]`` is one core's buffer (the
synapse-lookup kernel takes it) and ``ring[slot]`` is the ``(2, n_neurons)`` input of one tick
(the neuron kernels read it and clear it). On the chip a core holds its own part, 64 bytes per
neuron (:func:`ring_buffer_bytes`).

The neuron models turn an entry ``w`` into an input current: ``w << shift`` as an s16.15 value
(fixed point, sPyNNaker's ``ring_buffer_to_input_left_shift``), or ``w * 2**(shift - 15)`` nA
(float32), ``shift`` per neuron and synapse type.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

N_SLOTS = 16
"""Ring buffer slots: delays of 1..15 ticks, the 4-bit delay field of a row word."""
N_SYNAPSE_TYPES = 2
"""Synapse types: 0 excitatory, 1 inhibitory (the 1-bit type field of a row word)."""
EXCITATORY = 0
INHIBITORY = 1
RING_ENTRY_MAX = 0xFFFF
"""Saturation value of a ring buffer entry."""


def make_ring_buffers(n_neurons: int) -> NDArray[np.uint16]:
    """Zeroed ring buffers, shape (N_SLOTS, N_SYNAPSE_TYPES, n_neurons), uint16."""
    if n_neurons < 1:
        raise ValueError(f"n_neurons must be >= 1, got {n_neurons}")
    return np.zeros((N_SLOTS, N_SYNAPSE_TYPES, n_neurons), dtype=np.uint16)


def slot_of(tick: int) -> int:
    """Ring buffer slot that holds the input of ``tick``."""
    return tick % N_SLOTS


def ring_buffer_bytes(n_neurons: int) -> int:
    """SRAM bytes of one core's ring buffers: slots x types x neurons x 2 bytes."""
    return N_SLOTS * N_SYNAPSE_TYPES * n_neurons * 2
