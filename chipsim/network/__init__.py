"""Spiking networks: description, YAML form, generators, expansion to synapse arrays."""

from chipsim.network.description import Network, NeuronPopulation, Projection
from chipsim.network.expand import Connections, ExpandedNetwork, expand
from chipsim.network.generators import GENERATORS, generate
from chipsim.network.workload import NetworkError, Workload, load_network, load_workload

__all__ = [
    "GENERATORS",
    "Connections",
    "ExpandedNetwork",
    "Network",
    "NetworkError",
    "NeuronPopulation",
    "Projection",
    "Workload",
    "expand",
    "generate",
    "load_network",
    "load_workload",
]
