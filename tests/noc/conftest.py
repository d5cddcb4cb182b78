"""Random NoC scenarios shared by the tests (seeded, small)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from noc.params import NocParams
from noc.routing import MulticastTables, xy_tree_entries
from noc.topology import Mesh


@dataclass
class Scenario:
    mesh: Mesh
    params: NocParams
    tables: MulticastTables | None
    cycle: np.ndarray
    src: np.ndarray
    dest_or_key: np.ndarray
    groups: dict[int, np.ndarray]  # multicast key -> destination endpoints


def random_params(rng: np.random.Generator, **fixed) -> NocParams:
    """NocParams with small random buffers, VCs, packet sizes and delays."""
    values = dict(
        clock_hz=1e6,
        buffer_depth=int(rng.integers(1, 5)),
        virtual_channels=int(rng.integers(1, 3)),
        packet_bits=32 * int(rng.integers(1, 4)),
        router_pipeline_cycles=int(rng.integers(1, 3)),
        link_latency_cycles=int(rng.integers(1, 3)),
        injection_queue_packets=int(rng.integers(1, 4)),
        ejection_cycles_per_packet=int(rng.integers(1, 4)),
    )
    values.update(fixed)
    return NocParams(**values)


def multicast_groups(
    rng: np.random.Generator,
    mesh: Mesh,
    n_keys: int,
    capacity: int = 1024,
    max_dests: int = 6,
    min_dests: int = 1,
) -> tuple[MulticastTables, dict[int, np.ndarray], dict[int, int]]:
    """Random multicast groups of ``min_dests`` to ``max_dests`` destinations (at most every
    endpoint) with XY-tree tables: (tables, key -> dests, key -> source); sources and
    destinations include the external endpoints of chip links, if any."""
    rows: list[tuple[int, int, int]] = []
    groups, sources = {}, {}
    for i in range(n_keys):
        key = int(rng.integers(0, 2**24)) << 8 | i
        src = int(rng.integers(mesh.all_endpoints))
        most = min(max_dests, mesh.all_endpoints)
        size = int(rng.integers(min(min_dests, most), most + 1))
        dests = np.sort(rng.choice(mesh.all_endpoints, size=size, replace=False))
        routers, routes = xy_tree_entries(
            mesh, mesh.endpoint_router(src)[0], dests, elide_default=bool(rng.integers(2))
        )
        rows += [(int(r), key, int(m)) for r, m in zip(routers, routes, strict=True)]
        groups[key], sources[key] = dests, src
    router, key, route = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    tables = MulticastTables.from_arrays(
        mesh, router, key, np.full(len(key), 0xFFFFFFFF), route, capacity
    )
    return tables, groups, sources


def random_scenario(
    seed: int,
    multicast: bool = False,
    drop: bool = False,
    torus: bool = False,
    n: int = 150,
    chip_links: bool = False,
    **overrides,
) -> Scenario:
    """A small random mesh, parameters and a burst of ``n`` packets over ~60 cycles;
    ``overrides`` (NocParams fields) replace the random ones. With ``chip_links`` sources and
    destinations include the external endpoints, and a packet fits in a buffer (as packets
    coming in over a chip link must)."""
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 5)), int(rng.integers(1, 5)), int(rng.integers(1, 3)))
    mesh = Mesh(*shape, torus, chip_links)
    fixed: dict = {}
    if multicast:
        fixed.update(routing="multicast_table", buffer_depth=int(rng.integers(3, 6)))
    if drop:
        fixed.update(blocked_policy="drop", drop_after_cycles=int(rng.integers(1, 12)))
    if torus:
        fixed.update(virtual_channels=int(rng.integers(2, 4)))
    params = random_params(rng, **(fixed | overrides))
    if chip_links and params.buffer_depth < params.packet_flits:
        params = params.model_copy(update={"buffer_depth": params.packet_flits})
    cycle = rng.integers(0, 60, n)
    src = rng.integers(0, mesh.all_endpoints, n)
    tables, groups = None, {}
    if multicast:
        tables, groups, sources = multicast_groups(rng, mesh, int(rng.integers(1, 6)))
        keys = np.array(list(groups), dtype=np.int64)
        dest = keys[rng.integers(0, len(keys), n)]
        at_source = rng.random(n) < 0.9  # the rest are injected elsewhere: unrouted drops
        src = np.where(at_source, [sources[int(k)] for k in dest], src)
    else:
        dest = rng.integers(0, mesh.all_endpoints, n)
    return Scenario(mesh, params, tables, cycle, src, dest, groups)


@pytest.fixture
def scenario():
    """The random_scenario factory."""
    return random_scenario


@pytest.fixture
def make_groups():
    """The multicast_groups factory."""
    return multicast_groups
