"""The network-on-chip: topology, routing, cycle-level router engine and NoC statistics.

Imports nothing else of chipsim: it talks to the chip through NumPy arrays and the
parameter models in :mod:`noc.params`. See ``noc/README.md`` for a walk through the files.
``NocEngine`` is imported lazily, so that loading parameters does not need the compiled
engine.
"""

from noc.params import BlockedPolicy, NocParams, Routing
from noc.routing import MulticastTables, xy_tree_entries
from noc.stats import Deliveries, NocStats
from noc.topology import Mesh

__all__ = [
    "BlockedPolicy",
    "Deliveries",
    "Mesh",
    "MulticastTables",
    "NocEngine",
    "NocParams",
    "NocStats",
    "Routing",
    "xy_tree_entries",
]


def __getattr__(name: str):
    if name == "NocEngine":
        from noc.engine import NocEngine

        return NocEngine
    raise AttributeError(f"module 'noc' has no attribute {name!r}")
