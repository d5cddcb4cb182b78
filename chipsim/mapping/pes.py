"""PE numbering: PEs are numbered router by router (router id = y * width + x), skipping
unpopulated routers, ``pes_per_router`` local ports each. A PE's NoC endpoint is
``router * pes_per_router + port``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chipsim.config import TopologyParams


@dataclass(frozen=True)
class PeMap:
    """Where every PE sits: its router, local port, NoC endpoint and mesh (x, y)."""

    router: np.ndarray  # int32 (n_pes,)
    port: np.ndarray  # int32
    endpoint: np.ndarray  # int32
    xy: np.ndarray  # int32 (n_pes, 2)

    def __len__(self) -> int:
        return len(self.router)


def pe_map(topology: TopologyParams) -> PeMap:
    """The PEs of a chip topology, in PE order."""
    unpopulated = {y * topology.width + x for x, y in topology.unpopulated}
    routers = np.array([r for r in range(topology.routers) if r not in unpopulated], dtype=np.int32)
    ppr = topology.pes_per_router
    router = np.repeat(routers, ppr)
    port = np.tile(np.arange(ppr, dtype=np.int32), len(routers))
    xy = np.stack([router % topology.width, router // topology.width], axis=1).astype(np.int32)
    return PeMap(router, port, (router * ppr + port).astype(np.int32), xy)
