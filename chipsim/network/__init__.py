"""Spiking networks: description, YAML form, generators, expansion to synapse arrays.

See docs/networks.md for the YAML form, units and neuron numbering.
"""

from chipsim.network.description import (
    AllToAll,
    EventCameraSource,
    FixedInDegree,
    FixedProbability,
    FromList,
    Network,
    NeuronPopulation,
    OneToOne,
    PoissonSource,
    Projection,
    SpikeArraySource,
    TraceSource,
    UniformInt,
)
from chipsim.network.expand import Connections, ExpandedNetwork, expand
from chipsim.network.generators import GENERATORS, generate
from chipsim.network.workload import NetworkError, Workload, load_network, load_workload

__all__ = [
    "GENERATORS",
    "AllToAll",
    "Connections",
    "EventCameraSource",
    "ExpandedNetwork",
    "FixedInDegree",
    "FixedProbability",
    "FromList",
    "Network",
    "NetworkError",
    "NeuronPopulation",
    "OneToOne",
    "PoissonSource",
    "Projection",
    "SpikeArraySource",
    "TraceSource",
    "UniformInt",
    "Workload",
    "expand",
    "generate",
    "load_network",
    "load_workload",
]
