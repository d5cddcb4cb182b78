"""One processing element: neuron models, synapse storage, SRAM, cycle-cost model, kernels.

Imports nothing else of chipsim's: it talks to the chip through NumPy arrays and the
parameter models in :mod:`cores.params`.
"""

from cores.params import CoreKind, CoreParams, CycleCosts, NeuronModel

__all__ = ["CoreKind", "CoreParams", "CycleCosts", "NeuronModel"]
