"""A 2D mesh (optionally torus) of routers with local ports.

Numbering
---------
- Router (node) at column ``x``, row ``y`` has id ``node = y * width + x``.
- Endpoint (one PE attaches to one) ``endpoint = node * ports_per_router + port``.
- Output (and input) ports of a router: ``0 = N`` (towards +y), ``1 = E`` (towards +x),
  ``2 = S`` (towards -y), ``3 = W`` (towards -x), then ``4 + p`` for local port ``p``.
  A flit leaving through port ``d`` enters the neighbour through its port ``opposite(d)``.
- Chip links (``chip_links=True``): every outward direction of an edge router that has no
  on-chip neighbour is a link to a neighbouring chip. Chip link ``k`` is the ``k``-th such
  (router, direction) pair in order of router, then direction; its *external endpoint*
  ``endpoints + k`` names the neighbouring chip's end of it, in injections (a packet coming
  in) and in delivery records (a packet that left). A torus wraps every direction, so it has
  no chip links.
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
    chip_links
        Links to neighbouring chips out of every edge router's outward directions (none on a
        torus). They have the on-chip links' latency (``NocParams.link_latency_cycles``).
    """

    width: int
    height: int
    ports_per_router: int
    torus: bool = False
    chip_links: bool = False
    neighbours: np.ndarray = field(init=False, repr=False, compare=False)
    chip_link_ids: np.ndarray = field(init=False, repr=False, compare=False)
    """int32[routers, 4]: chip link k leaving each router through each direction, -1: none."""
    chip_link_ends: np.ndarray = field(init=False, repr=False, compare=False)
    """int64[chip_link_count, 2]: (router, direction) of each chip link."""

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
        ids = np.full((self.routers, DIRECTIONS), -1, dtype=np.int32)
        if self.chip_links and not self.torus:
            edge = self.neighbours < 0
            ids[edge] = np.arange(int(edge.sum()), dtype=np.int32)  # row-major: (router, d)
        object.__setattr__(self, "chip_link_ids", ids)
        object.__setattr__(self, "chip_link_ends", np.argwhere(ids >= 0))

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

    @property
    def chip_link_count(self) -> int:
        """Number of chip links (0 without ``chip_links`` or on a torus)."""
        return len(self.chip_link_ends)

    @property
    def external_endpoints(self) -> range:
        """Ids of the external endpoints: ``endpoints + k`` for chip link ``k``."""
        return range(self.endpoints, self.endpoints + self.chip_link_count)

    @property
    def all_endpoints(self) -> int:
        """Number of endpoint ids, on-chip and external: valid ids are 0 .. all_endpoints - 1."""
        return self.endpoints + self.chip_link_count

    def chip_link(self, k: int) -> tuple[int, int]:
        """(router, direction) of chip link ``k``."""
        if not 0 <= k < self.chip_link_count:
            raise ValueError(f"chip link {k} outside 0..{self.chip_link_count - 1}")
        node, direction = self.chip_link_ends[k]
        return int(node), int(direction)

    def has_link(self, node: int, direction: int) -> bool:
        """Whether router ``node`` has a link (on-chip or chip link) out of ``direction``."""
        return bool(
            self.neighbours[node, direction] >= 0 or self.chip_link_ids[node, direction] >= 0
        )

    def endpoint_router(self, endpoint: int) -> tuple[int, int]:
        """(router, output port) at which ``endpoint`` leaves the mesh: its local port, or
        the direction of its chip link for an external endpoint."""
        if endpoint >= self.endpoints:
            return self.chip_link(endpoint - self.endpoints)
        node, port = divmod(endpoint, self.ports_per_router)
        return node, DIRECTIONS + port

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

        x first, then y, then the destination's local port (or, for an external endpoint, its
        chip link's direction out of the edge router). On a torus each dimension goes the
        shorter way round (ties towards +x / +y).
        """
        dest_node, port = self.endpoint_router(dest_endpoint)
        x, y = self.coords(node)
        dx, dy = self.coords(dest_node)
        if x != dx:
            return E if _positive(x, dx, self.width, self.torus) else W
        if y != dy:
            return N if _positive(y, dy, self.height, self.torus) else S
        return port

    def xy_hops(self, src_endpoint: int, dest_endpoint: int) -> int:
        """Links an XY-routed packet crosses from ``src_endpoint`` to ``dest_endpoint``:
        router-to-router links, plus the chip link out to an external destination (the chip
        link an external source comes in by is not counted: the sending chip counts it)."""
        sx, sy = self.coords(self.endpoint_router(src_endpoint)[0])
        dx, dy = self.coords(self.endpoint_router(dest_endpoint)[0])
        out = int(dest_endpoint >= self.endpoints)
        return (
            _distance(sx, dx, self.width, self.torus)
            + _distance(sy, dy, self.height, self.torus)
            + out
        )


def _positive(a: int, b: int, size: int, torus: bool) -> bool:
    """Whether the route from coordinate a to b goes towards +."""
    forward = (b - a) % size
    return forward <= size - forward if torus else b > a


def _distance(a: int, b: int, size: int, torus: bool) -> int:
    forward = (b - a) % size
    return min(forward, size - forward) if torus else abs(b - a)
