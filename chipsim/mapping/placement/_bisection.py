"""Global step of the locality-aware placer: spectral embedding, then recursive bisection.

The two leading non-trivial eigenvectors of the normalised traffic adjacency
``S = D^-1/2 W D^-1/2`` (the smoothest functions on the traffic graph, as in spectral
partitioning: Pothen, Simon and Liou, SIAM J. Matrix Anal. Appl. 11(3), 1990) give each slice a
2-D coordinate in which heavily communicating slices lie close together. Recursive coordinate
bisection then lays these coordinates onto the mesh: the PEs are split in two along the longer
side of their bounding box (at a router boundary), the slices are split by the matching
coordinate in proportion, and each half recurses (Simon, "Partitioning of unstructured problems
for parallel processing", Computing Systems in Engineering 2, 1991).
"""

from __future__ import annotations

import numpy as np

from chipsim.mapping.placement.base import SymmetricGraph

LANCZOS_STEPS = 80
"""Krylov basis size for the embedding (extreme Ritz pairs converge first; 80 suffices for a
coarse 2-D layout, and costs 80 sparse products)."""


def spectral_coordinates(
    graph: SymmetricGraph, rng: np.random.Generator, steps: int = LANCZOS_STEPS
) -> np.ndarray:
    """2-D spectral embedding of the traffic graph, float64 (n, 2).

    Rayleigh-Ritz on a fully re-orthogonalised Krylov basis of ``S`` (Lanczos), deflated by the
    trivial eigenvector ``D^1/2 1``; column 0 is the Ritz vector of the largest remaining
    eigenvalue (the Fiedler vector of the normalised Laplacian), column 1 the next, both scaled
    by ``D^-1/2``. Slices without traffic get coordinate 0.
    """
    n = graph.n
    degree = np.bincount(graph.rows, weights=graph.weights, minlength=n)
    scale = np.zeros(n)
    np.divide(1.0, np.sqrt(degree), out=scale, where=degree > 0)
    trivial = np.sqrt(degree)
    if n < 3 or trivial.sum() == 0:
        return np.zeros((n, 2))
    trivial /= np.linalg.norm(trivial)
    rows, cols, weights = graph.rows, graph.indices, graph.weights

    def product(x: np.ndarray) -> np.ndarray:
        return scale * np.bincount(rows, weights=weights * (scale * x)[cols], minlength=n)

    basis = np.zeros((min(steps, n - 1), n))
    images = np.zeros_like(basis)
    q = rng.standard_normal(n)
    size = 0
    for k in range(len(basis)):
        for _ in range(2):  # classical Gram-Schmidt twice is numerically orthogonal
            q -= trivial * (trivial @ q)
            q -= basis[:k].T @ (basis[:k] @ q)
        norm = np.linalg.norm(q)
        if norm < 1e-9:
            break  # the Krylov space is invariant: its Ritz pairs are exact
        basis[k] = q / norm
        images[k] = product(basis[k])
        q = images[k].copy()
        size = k + 1
    if size < 2:
        return np.zeros((n, 2))
    projected = basis[:size] @ images[:size].T
    _, vectors = np.linalg.eigh((projected + projected.T) / 2)
    return scale[:, None] * (basis[:size].T @ vectors[:, [-1, -2]])


def compact_pes(pe_xy: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` PEs nearest (Manhattan) the centre of the PEs' bounding box, in PE order.

    Ties are broken by PE index, so the choice is deterministic.
    """
    centre2 = pe_xy.min(axis=0) + pe_xy.max(axis=0)  # twice the centre: stays integer
    distance2 = np.abs(2 * pe_xy - centre2).sum(axis=1)
    chosen = np.lexsort((np.arange(len(pe_xy)), distance2))[:count]
    return np.sort(chosen)


def bisect_onto_mesh(coords: np.ndarray, pe_xy: np.ndarray, pes: np.ndarray) -> np.ndarray:
    """Recursive coordinate bisection of slices onto the PEs ``pes``.

    Parameters
    ----------
    coords : float (n, 2), slice coordinates; column 0 goes along the mesh's longer side
    pe_xy : int64 (n_pes, 2), mesh position of each PE
    pes : int (>= n,), the PEs to use

    Returns
    -------
    np.ndarray
        int64 (n,), the PE of each slice, all distinct and in ``pes``.
    """
    n = len(coords)
    extent = np.ptp(pe_xy[pes], axis=0) if len(pes) else np.zeros(2)
    column_of_axis = (0, 1) if extent[0] >= extent[1] else (1, 0)
    pe_of = np.full(n, -1, dtype=np.int64)
    stack = [(np.arange(n), np.asarray(pes))]
    while stack:
        slices, region = stack.pop()
        if len(slices) == 0:
            continue
        xy = pe_xy[region]
        extent = np.ptp(xy, axis=0)
        if extent.max() == 0:
            pe_of[slices] = region[: len(slices)]
            continue
        axis = 0 if extent[0] >= extent[1] else 1
        region = region[np.lexsort((region, xy[:, 1 - axis], xy[:, axis]))]
        along = pe_xy[region, axis]
        cuts = np.flatnonzero(np.diff(along)) + 1  # router boundaries
        half = cuts[np.argmin(np.abs(2 * cuts - len(region)))]
        lower = round(len(slices) * half / len(region))
        lower = min(max(lower, len(slices) - (len(region) - half)), half)
        key = coords[slices, column_of_axis[axis]]
        slices = slices[np.lexsort((slices, key))]
        stack.append((slices[:lower], region[:half]))
        stack.append((slices[lower:], region[half:]))
    return pe_of
