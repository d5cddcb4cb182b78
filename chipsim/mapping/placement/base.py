"""What a placer is, the traffic it reads, and the hop-weighted cost it is judged by.

A placer puts each slice (a population slice on one core) on one processing element (PE). Its
input is the traffic graph between slices, as edge arrays ``(src, dst, weight)``: ``weight`` is
the expected number of packets per tick from slice ``src`` to slice ``dst``; edges may repeat and
then add up. PEs are given by their mesh position ``pe_xy[pe] = (x, y)`` (the router they hang
on): several PEs of one router share a position and are 0 hops apart. The cost of a placement
is the hop-weighted traffic, ``sum(weight * (|x_src - x_dst| + |y_src - y_dst|))`` in packet-hops
per tick: the number of link traversals a unicast XY route would make (a multicast tree shares
links, so this is an upper bound on its link load).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np

from chipsim.errors import UserError


class PlacementError(UserError, ValueError):
    """A placement request that cannot be met (unknown placer, more slices than PEs, ...)."""


@dataclass(frozen=True)
class TrafficEdges:
    """Traffic between slices as edge arrays (validated, one entry per given edge).

    Attributes
    ----------
    src, dst : int64 (m,), slice indices in ``[0, n_slices)``
    weight : float64 (m,), expected packets per tick from ``src`` to ``dst``, finite, >= 0
    """

    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray


class Placer(Protocol):
    """One placement algorithm; :data:`chipsim.mapping.placement.PLACERS` maps names to them."""

    name: ClassVar[str]

    def place(
        self, traffic: TrafficEdges, n_slices: int, pe_xy: np.ndarray, seed: int
    ) -> np.ndarray:
        """PE index of each slice: int32 (n_slices,), all distinct, each in ``[0, len(pe_xy))``.

        Called with validated inputs only (``n_slices <= len(pe_xy)``, int64 ``pe_xy``).
        """
        ...


def as_edges(traffic, n_slices: int) -> TrafficEdges:
    """Validate traffic given as ``(src, dst, weight)`` arrays or a SciPy sparse matrix.

    Parameters
    ----------
    traffic : tuple of three 1-D arrays of equal length, or a sparse matrix of shape
        ``(n_slices, n_slices)`` whose entry ``[src, dst]`` is the weight (packets per tick)
    n_slices : number of slices; every ``src`` and ``dst`` must be below it

    Raises
    ------
    PlacementError
        Wrong shapes, a slice index out of range, or a weight that is negative or not finite.
    """
    if hasattr(traffic, "tocoo"):
        coo = traffic.tocoo()
        if coo.shape != (n_slices, n_slices):
            raise PlacementError(
                f"traffic matrix must have shape ({n_slices}, {n_slices}), got {coo.shape}"
            )
        traffic = (coo.row, coo.col, coo.data)
    if not isinstance(traffic, tuple | list) or len(traffic) != 3:
        raise PlacementError(
            "traffic must be (src, dst, weight) arrays or a sparse matrix, "
            f"got {type(traffic).__name__}"
        )
    src, dst, weight = (np.asarray(a) for a in traffic)
    if not (src.ndim == dst.ndim == weight.ndim == 1 and src.size == dst.size == weight.size):
        raise PlacementError(
            "traffic src, dst and weight must be 1-D arrays of one length, "
            f"got shapes {src.shape}, {dst.shape}, {weight.shape}"
        )
    for label, ids in (("src", src), ("dst", dst)):
        if ids.size and (ids.dtype.kind not in "iu" or ids.min() < 0 or ids.max() >= n_slices):
            raise PlacementError(f"traffic {label} must hold slice indices in [0, {n_slices})")
    weight = weight.astype(np.float64)
    if weight.size and not (np.isfinite(weight).all() and weight.min() >= 0):
        raise PlacementError("traffic weights must be finite and >= 0 (packets per tick)")
    return TrafficEdges(src.astype(np.int64), dst.astype(np.int64), weight)


def as_pe_xy(pe_xy) -> np.ndarray:
    """Validate PE positions: an integer array of shape (n_pes, 2); returned as int64."""
    xy = np.asarray(pe_xy)
    if xy.ndim != 2 or xy.shape[1] != 2 or (xy.size and xy.dtype.kind not in "iu"):
        raise PlacementError(
            f"pe_xy must be an integer array of shape (n_pes, 2), got {xy.dtype} {xy.shape}"
        )
    return xy.astype(np.int64)


def hop_weighted_traffic(traffic, pe_of_slice, pe_xy) -> float:
    """Hop-weighted traffic of a placement, in packet-hops per tick.

    Parameters
    ----------
    traffic : ``(src, dst, weight)`` edge arrays or a sparse matrix (see :func:`as_edges`)
    pe_of_slice : int (n_slices,), PE index of each slice
    pe_xy : int (n_pes, 2), mesh position (x, y) of each PE

    Returns
    -------
    float
        ``sum(weight * manhattan(pe_xy[pe_of_slice[src]], pe_xy[pe_of_slice[dst]]))``.
    """
    pe_of_slice = np.asarray(pe_of_slice)
    xy = as_pe_xy(pe_xy)
    if pe_of_slice.ndim != 1 or (
        pe_of_slice.size
        and (
            pe_of_slice.dtype.kind not in "iu"
            or pe_of_slice.min() < 0
            or pe_of_slice.max() >= len(xy)
        )
    ):
        raise PlacementError(f"pe_of_slice must be 1-D PE indices in [0, {len(xy)})")
    edges = as_edges(traffic, len(pe_of_slice))
    a = xy[pe_of_slice[edges.src]]
    b = xy[pe_of_slice[edges.dst]]
    return float(edges.weight @ np.abs(a - b).sum(axis=1))


@dataclass(frozen=True)
class SymmetricGraph:
    """Undirected traffic in CSR form: ``W[a, b] = w(a -> b) + w(b -> a)``, no self-loops.

    Self-traffic never leaves its PE, so it costs nothing and is dropped. The hop-weighted
    traffic equals ``sum over a < b of W[a, b] * hops(a, b)``.

    Attributes
    ----------
    indptr : int64 (n + 1,); row ``a`` holds entries ``indptr[a]:indptr[a + 1]``
    indices : int64 (nnz,), neighbour slice of each entry, sorted within a row
    weights : float64 (nnz,), ``W[a, neighbour]`` in packets per tick
    """

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray

    @property
    def n(self) -> int:
        return len(self.indptr) - 1

    @property
    def degree(self) -> np.ndarray:
        """Number of neighbours of each slice, int64 (n,)."""
        return np.diff(self.indptr)

    @property
    def rows(self) -> np.ndarray:
        """Row (slice) of each entry, int64 (nnz,)."""
        return np.repeat(np.arange(self.n), self.degree)


def symmetric_graph(edges: TrafficEdges, n_slices: int) -> SymmetricGraph:
    """Sum repeated and opposite edges into a :class:`SymmetricGraph` of ``n_slices`` nodes."""
    keep = (edges.src != edges.dst) & (edges.weight > 0)
    lo = np.minimum(edges.src[keep], edges.dst[keep])
    hi = np.maximum(edges.src[keep], edges.dst[keep])
    pair, inverse = np.unique(lo * n_slices + hi, return_inverse=True)
    w = np.bincount(inverse, weights=edges.weight[keep], minlength=len(pair))
    a, b = np.divmod(pair, n_slices)
    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n_slices + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_slices), out=indptr[1:])
    return SymmetricGraph(indptr, cols[order], np.concatenate([w, w])[order])
