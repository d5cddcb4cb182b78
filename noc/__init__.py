"""The network-on-chip: topology, routing, cycle-level router engine and NoC statistics.

Imports nothing else of chipsim's: it talks to the chip through NumPy arrays and the
parameter models in :mod:`noc.params`.
"""

from noc.params import BlockedPolicy, NocParams, Routing

__all__ = ["BlockedPolicy", "NocParams", "Routing"]
