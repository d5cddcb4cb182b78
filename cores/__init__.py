"""One processing element: neuron models, synapse storage, SRAM, cycle-cost model, kernels.

Imports nothing else of chipsim's: it talks to the chip through NumPy arrays and the
parameter models in :mod:`cores.params`. The walk through one tick is in cores/README.md.
"""

from cores._kernels import simd_paths
from cores.cost import (
    PacketBatchCost,
    emission_cycles,
    emission_cycles_by_core,
    packet_batch_cycles,
    packet_service_cycles,
    tick_cycles,
    update_cycles,
)
from cores.counts import NeuronCounts
from cores.crossbar import CrossbarCores, CrossbarCounts
from cores.dense import dense_step
from cores.egru import EgruParams, egru_step, make_egru_inputs
from cores.event_synapses import (
    EventCounts,
    EventSynapses,
    accumulate_events,
    build_event_synapses,
)
from cores.lif import LifParams, LifState, lif_params, lif_step, to_fixed
from cores.params import CoreKind, CoreParams, CycleCosts, NeuronModel
from cores.ring_buffer import make_ring_buffers, ring_buffer_bytes, slot_of
from cores.rng import RngStream, draws
from cores.sram import Sram, SramOverflowError, SramRegion
from cores.synapse_lookup import (
    LookupCounts,
    MatrixSet,
    PacketWork,
    PeLookup,
    matrix_set,
    pe_lookup,
    process_packets,
    process_packets_cores,
    process_packets_pes,
)
from cores.synaptic_matrix import SynapticMatrix, build_synaptic_matrix, pack_words, unpack_words
from cores.truenorth import (
    V_MAX,
    V_MIN,
    ResetMode,
    TrueNorthNeuronCounts,
    TrueNorthNeurons,
    update_neurons,
)
from cores.truenorth_core import TickCounts, TrueNorthCoreBatch

__all__ = [
    "V_MAX",
    "V_MIN",
    "CrossbarCores",
    "CrossbarCounts",
    "ResetMode",
    "RngStream",
    "TickCounts",
    "TrueNorthCoreBatch",
    "TrueNorthNeuronCounts",
    "TrueNorthNeurons",
    "draws",
    "update_neurons",
    "CoreKind",
    "CoreParams",
    "CycleCosts",
    "EgruParams",
    "EventCounts",
    "EventSynapses",
    "LifParams",
    "LifState",
    "LookupCounts",
    "MatrixSet",
    "NeuronCounts",
    "NeuronModel",
    "PacketBatchCost",
    "PacketWork",
    "PeLookup",
    "Sram",
    "SramOverflowError",
    "SramRegion",
    "SynapticMatrix",
    "accumulate_events",
    "build_event_synapses",
    "build_synaptic_matrix",
    "dense_step",
    "egru_step",
    "emission_cycles",
    "emission_cycles_by_core",
    "lif_params",
    "lif_step",
    "make_egru_inputs",
    "make_ring_buffers",
    "pack_words",
    "packet_batch_cycles",
    "packet_service_cycles",
    "process_packets",
    "process_packets_cores",
    "process_packets_pes",
    "matrix_set",
    "pe_lookup",
    "ring_buffer_bytes",
    "simd_paths",
    "slot_of",
    "tick_cycles",
    "update_cycles",
    "to_fixed",
    "unpack_words",
]
