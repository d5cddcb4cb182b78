"""Placement: put each slice of a partitioned network on one PE of the chip.

Placers are chosen by name from :data:`PLACERS` (one module per placer, each a
:class:`~chipsim.mapping.placement.base.Placer`); :func:`place` validates the request and calls
one; :func:`hop_weighted_traffic` scores a placement.
"""

from __future__ import annotations

import numpy as np

from chipsim.mapping.placement.base import (
    PlacementError,
    Placer,
    as_edges,
    as_pe_xy,
    hop_weighted_traffic,
)
from chipsim.mapping.placement.locality import LocalityPlacer
from chipsim.mapping.placement.random_placer import RandomPlacer
from chipsim.mapping.placement.sequential import SequentialPlacer

__all__ = ["PLACERS", "PlacementError", "Placer", "hop_weighted_traffic", "place"]

PLACERS: dict[str, type[Placer]] = {
    cls.name: cls for cls in (SequentialPlacer, RandomPlacer, LocalityPlacer)
}
"""Placer name -> placer class (constructed with its defaults by :func:`place`)."""


def place(placer: str, traffic, n_slices: int, pe_xy, seed: int) -> np.ndarray:
    """Place ``n_slices`` slices on the PEs at ``pe_xy``, one slice per PE at most.

    Parameters
    ----------
    placer : name in :data:`PLACERS` (``"sequential"``, ``"random"``, ``"locality"``)
    traffic : ``(src, dst, weight)`` edge arrays (int, int, float; weight in packets per tick,
        repeated edges add up) or a SciPy sparse matrix ``(n_slices, n_slices)``
    n_slices : number of slices, at most ``len(pe_xy)``
    pe_xy : int (n_pes, 2), mesh position (x, y) of each available PE, in PE order; PEs of one
        router share a position
    seed : run seed, ``0 <= seed < 2**32``; the same seed gives the same placement

    Returns
    -------
    np.ndarray
        int32 (n_slices,), the PE index of each slice, all distinct.

    Raises
    ------
    PlacementError (a ValueError)
        Unknown placer (the message lists the known ones), more slices than PEs, bad traffic.
    """
    if placer not in PLACERS:
        raise PlacementError(f"unknown placer {placer!r}; known placers: {', '.join(PLACERS)}")
    xy = as_pe_xy(pe_xy)
    if not isinstance(n_slices, int | np.integer) or n_slices < 0:
        raise PlacementError(f"n_slices must be an integer >= 0, got {n_slices!r}")
    if n_slices > len(xy):
        raise PlacementError(f"{n_slices} slices do not fit on {len(xy)} PEs (one slice per PE)")
    if not isinstance(seed, int | np.integer) or not 0 <= seed < 2**32:
        raise PlacementError(f"seed must be an integer in [0, 2**32), got {seed!r}")
    edges = as_edges(traffic, int(n_slices))
    pe_of = PLACERS[placer]().place(edges, int(n_slices), xy, int(seed))
    if pe_of.shape != (n_slices,) or len(np.unique(pe_of)) != n_slices:
        raise RuntimeError(f"placer {placer!r} did not give each slice its own PE (a bug)")
    return pe_of
