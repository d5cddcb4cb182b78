"""A 2D mesh (optionally torus) of routers with local ports.

Numbering
---------
- Router (node) at column ``x``, row ``y`` has id ``node = y * width + x``.
- Endpoint (one PE attaches to one) ``endpoint = node * ports_per_router + port``.
- Output (and input) ports of a router: ``0 = N`` (towards +y), ``1 = E`` (towards +x),
  ``2 = S`` (towards -y), ``3 = W`` (towards -x), then ``4 + p`` for local port ``p``.
  A flit leaving through port ``d`` enters the neighbour through its port ``opposite(d)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

N, E, S, W = 0, 1, 2, 3
DIRECTIONS = 4
DIRECTION_NAMES = ("N", "E", "S", "W")
MAX_PORTS = 31
"""Route bitmasks are non-negative int32: at most 27 local ports per router."""


def opposite(direction: int) -> int:
    """The port through which a flit sent out of ``direction`` enters the neighbour."""
    return (direction + 2) % DIRECTIONS


@dataclass(frozen=True)
class Mesh:
    """A ``width`` x ``height`` mesh of routers, ``ports_per_router`` local ports each.

    Parameters
    ----------
    width, height
        Routers along x and along y.
    ports_per_router
        Local ports (PEs) per router, 1..27.
    torus
        Wrap-around links in x and y.
    """

    width: int
    height: int
    ports_per_router: int
    torus: bool = False
    neighbours: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("width", "height", "ports_per_router"):
            value = getattr(self, name)
            if not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"Mesh {name} must be a positive integer, got {value!r}")
        if self.ports_per_router > MAX_PORTS - DIRECTIONS:
            raise ValueError(
                f"Mesh ports_per_router must be at most {MAX_PORTS - DIRECTIONS}, "
                f"got {self.ports_per_router}"
            )
        object.__setattr__(self, "neighbours", self._neighbour_table())

    @property
    def routers(self) -> int:
        """Number of routers, width x height."""
        return self.width * self.height

    @property
    def ports(self) -> int:
        """Ports per router: 4 mesh directions plus the local ports."""
        return DIRECTIONS + self.ports_per_router

    @property
    def endpoints(self) -> int:
        """Number of endpoints (local ports) in the mesh."""
        return self.routers * self.ports_per_router

    def coords(self, node: int) -> tuple[int, int]:
        """(x, y) of router ``node``."""
        return node % self.width, node // self.width

    def node(self, x: int, y: int) -> int:
        """Router id at (x, y)."""
        return y * self.width + x

    def endpoint(self, node: int, port: int) -> int:
        """Endpoint id of local ``port`` of router ``node``."""
        return node * self.ports_per_router + port

    def _neighbour_table(self) -> np.ndarray:
        """int32[routers, 4]: router reached through each direction, -1 where no link."""
        table = np.full((self.routers, DIRECTIONS), -1, dtype=np.int32)
        steps = {N: (0, 1), E: (1, 0), S: (0, -1), W: (-1, 0)}
        for node in range(self.routers):
            x, y = self.coords(node)
            for d, (dx, dy) in steps.items():
                nx, ny = x + dx, y + dy
                if self.torus:
                    nx, ny = nx % self.width, ny % self.height
                    if (nx, ny) == (x, y):
                        continue  # a 1-wide torus dimension has no link to itself
                if 0 <= nx < self.width and 0 <= ny < self.height:
                    table[node, d] = self.node(nx, ny)
        return table

    def xy_output(self, node: int, dest_endpoint: int) -> int:
        """Output port chosen by dimension-order (XY) routing at ``node`` for ``dest_endpoint``.

        x first, then y, then the destination's local port. On a torus each dimension goes the
        shorter way round (ties towards +x / +y).
        """
        dest_node, port = divmod(dest_endpoint, self.ports_per_router)
        x, y = self.coords(node)
        dx, dy = self.coords(dest_node)
        if x != dx:
            return E if _positive(x, dx, self.width, self.torus) else W
        if y != dy:
            return N if _positive(y, dy, self.height, self.torus) else S
        return DIRECTIONS + port

    def xy_hops(self, src_endpoint: int, dest_endpoint: int) -> int:
        """Links an XY-routed packet crosses from ``src_endpoint`` to ``dest_endpoint``."""
        sx, sy = self.coords(src_endpoint // self.ports_per_router)
        dx, dy = self.coords(dest_endpoint // self.ports_per_router)
        return _distance(sx, dx, self.width, self.torus) + _distance(
            sy, dy, self.height, self.torus
        )


def _positive(a: int, b: int, size: int, torus: bool) -> bool:
    """Whether the route from coordinate a to b goes towards +."""
    forward = (b - a) % size
    return forward <= size - forward if torus else b > a


def _distance(a: int, b: int, size: int, torus: bool) -> int:
    forward = (b - a) % size
    return min(forward, size - forward) if torus else abs(b - a)
