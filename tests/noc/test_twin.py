"""The Cython engine agrees with the pure-Python reference cycle for cycle."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from noc.engine import NocEngine, flight_possible
from noc.params import NocParams, Routing
from noc.reference import ReferenceEngine
from noc.routing import MulticastTables
from noc.stats import Deliveries, NocStats
from noc.topology import Mesh

from .conftest import random_params, random_scenario


def run_windows(engine_class, sc, windows: np.ndarray) -> tuple[list, list, NocStats]:
    """Inject the scenario in two halves and advance through ``windows``; record everything."""
    engine = engine_class(sc.mesh, sc.params, sc.tables)
    half = len(sc.cycle) // 2
    tag = packet_tags(len(sc.cycle))
    engine.inject(sc.cycle[:half], sc.src[:half], sc.dest_or_key[:half], tag[:half])
    outputs, states = [], []
    for i, until in enumerate(windows):
        if i == 1:
            late = sc.cycle[half:] + engine.now
            engine.inject(late, sc.src[half:], sc.dest_or_key[half:], tag[half:])
        outputs.append(engine.advance(int(until)))
        states.append((engine.now, engine.in_flight, engine.next_event_cycle))
    return outputs, states, engine.stats


def packet_tags(n: int) -> np.ndarray:
    """Distinct 64-bit tags, one per packet, using the high bits too."""
    return (np.arange(n, dtype=np.int64) << 40) | 12345


def assert_same(a: tuple, b: tuple) -> None:
    outputs_a, states_a, stats_a = a
    outputs_b, states_b, stats_b = b
    assert states_a == states_b
    for da, db in zip(outputs_a, outputs_b, strict=True):
        for field in dataclasses.fields(Deliveries):
            np.testing.assert_array_equal(getattr(da, field.name), getattr(db, field.name))
    for field in dataclasses.fields(NocStats):
        if field.name != "packets":
            np.testing.assert_array_equal(
                getattr(stats_a, field.name), getattr(stats_b, field.name), err_msg=field.name
            )


def compare(sc, seed: int, make=NocEngine) -> tuple:
    """The engine ``make`` builds against the reference, through random windows."""
    rng = np.random.default_rng(seed + 1000)
    windows = np.cumsum(rng.integers(1, 80, 40))
    fast = run_windows(make, sc, windows)
    slow = run_windows(ReferenceEngine, sc, windows)
    assert_same(fast, slow)
    return fast


@pytest.mark.parametrize("seed", range(5))
def test_tags_travel_with_their_packets(scenario, seed):
    """Every delivery carries the tag its packet was injected with (source and destination
    match the packet's), in both engines (the twin comparison checks they agree)."""
    sc = scenario(seed)
    outputs, _, _ = compare(sc, seed)
    delivered = Deliveries.concatenate(outputs)
    index = (delivered.tag >> 40).astype(np.int64)
    assert np.all(delivered.tag & ((1 << 40) - 1) == 12345)
    np.testing.assert_array_equal(delivered.src_endpoint, sc.src[index])
    np.testing.assert_array_equal(delivered.dest_or_key, sc.dest_or_key[index])


@pytest.mark.parametrize("seed", range(10))
def test_unicast_agrees_with_reference(scenario, seed):
    """XY unicast, 1-2 VCs, 1-3 flits: same arrivals, records and counters."""
    outputs, _, stats = compare(scenario(seed), seed)
    assert sum(len(d) for d in outputs) == len(scenario(seed).cycle)
    assert stats.drops == 0


@pytest.mark.parametrize("seed", range(8))
def test_multicast_agrees_with_reference(scenario, seed):
    """Table routing with replication, default routing and unrouted drops agrees."""
    outputs, _, _ = compare(scenario(seed, multicast=True), seed)
    assert sum(len(d) for d in outputs) > 0


@pytest.mark.parametrize("seed", range(6))
def test_drop_policy_agrees_with_reference(scenario, seed):
    """Drop-after-N-cycles under load agrees, unicast and multicast."""
    _, _, unicast = compare(scenario(seed, drop=True, n=300), seed)
    _, _, multicast = compare(scenario(seed, drop=True, multicast=True, n=300), seed)
    assert unicast.dropped_packets.sum() + multicast.dropped_packets.sum() > 0


@pytest.mark.parametrize("seed", range(6))
def test_torus_agrees_with_reference(scenario, seed):
    """Torus with dateline VC classes agrees."""
    compare(scenario(seed, torus=True), seed)


# The fused router cycle (noc/_fused.pyx) runs when V = 1 and F = 1: random scenarios of each
# kind it must handle. (A torus needs V >= 2, so it never takes the fused path.)
ONE_VC_ONE_FLIT = {"virtual_channels": 1, "packet_bits": 32, "flit_bits": 32}
FUSED_CASES = {
    "xy": {},
    "multicast": {"multicast": True},
    "drop": {"drop": True, "n": 300},
    "multicast_drop": {"multicast": True, "drop": True, "n": 300},
    "shallow": {"buffer_depth": 1, "injection_queue_packets": 1},
    "multicast_shallow": {"multicast": True, "buffer_depth": 1, "injection_queue_packets": 1},
    "slow_ejection": {"multicast": True, "n": 300, "ejection_cycles_per_packet": 4},
    "xy_slow_ejection": {"n": 300, "ejection_cycles_per_packet": 4},
    # credits throttled by the round trip (pop history beyond one bit), a wide wake-up wheel
    "long_links": {"link_latency_cycles": 13, "router_pipeline_cycles": 3},
}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("case", FUSED_CASES)
def test_fused_cycle_agrees_with_reference(scenario, case, seed):
    """V = 1, F = 1 on the fused path: same records, counters and drops as the twin."""
    sc = scenario(seed, **FUSED_CASES[case], **ONE_VC_ONE_FLIT)
    core = NocEngine(sc.mesh, sc.params, sc.tables)._core
    assert core.fused
    options = FUSED_CASES[case]
    assert core.unicast is not (options.get("multicast", False) or options.get("drop", False))
    outputs, _, stats = compare(sc, seed)
    delivered = sum(len(d) for d in outputs)
    if options.get("multicast"):  # branches both to links and local ports; unrouted drops
        routes = sc.tables.route
        assert np.any((routes & 0b1111 != 0) & (routes >> 4 != 0))
        assert stats.unrouted_packets.sum() > 0
    if not options.get("drop"):  # replication: more deliveries than packets
        assert delivered > len(sc.cycle) if options.get("multicast") else delivered == len(sc.cycle)
    if options.get("drop"):
        assert stats.dropped_packets.sum() > 0
    if case != "xy":
        assert stats.blocked_cycles.sum() > 0


# The unicast cycle's one-port path (noc/_fused.pyx, ``lone_port_cycle``): in no cycle, in
# every cycle, or in sparse ones (the default) the results are the reference's.
LONE_BELOW = {"never": 0, "always": 1 << 30, "sparse": None}
UNICAST_FUSED = [
    name for name, case in FUSED_CASES.items() if not case.keys() & {"multicast", "drop"}
]


def with_lone_below(value: int | None):
    """An engine factory whose fused unicast cycle takes its one-port path as ``value`` says
    (``EngineCore.lone_below``; None: the default)."""

    def make(mesh, params, tables=None) -> NocEngine:
        engine = NocEngine(mesh, params, tables)
        if value is not None:
            engine._core.lone_below = value
        return engine

    return make


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("lone", LONE_BELOW)
@pytest.mark.parametrize("case", UNICAST_FUSED)
def test_one_port_path_agrees_with_reference(scenario, case, lone, seed):
    """XY unicast on the fused path, the one-port path never, always or in sparse cycles:
    same records, states and counters as the twin."""
    sc = scenario(seed, **FUSED_CASES[case], **ONE_VC_ONE_FLIT)
    make = with_lone_below(LONE_BELOW[lone])
    assert make(sc.mesh, sc.params, sc.tables)._core.unicast
    _, _, stats = compare(sc, seed, make)
    if case != "xy":
        assert stats.blocked_cycles.sum() > 0


@pytest.mark.parametrize(
    ("virtual_channels", "packet_bits", "link", "fused"),
    [(1, 32, 1, True), (2, 32, 1, False), (1, 64, 1, False), (1, 32, 62, True), (1, 32, 63, False)],
)
def test_fused_cycle_is_chosen_for_one_vc_one_flit(
    scenario, virtual_channels, packet_bits, link, fused
):
    """The engine picks the fused router cycle exactly when V = 1 and F = 1 (and the link
    and router delays fit its 64-cycle pop history and wake-up wheel: Lk + R < 64)."""
    sc = scenario(
        0,
        virtual_channels=virtual_channels,
        packet_bits=packet_bits,
        flit_bits=32,
        link_latency_cycles=link,
        router_pipeline_cycles=1,
    )
    assert sc.params.packet_flits == packet_bits // 32
    assert NocEngine(sc.mesh, sc.params, sc.tables)._core.fused is fused


# Chip links (noc/topology.py): packets in and out at the mesh edges, both router cycles.
CHIP_LINK_CASES = {
    "xy": {},
    "multicast": {"multicast": True},
    "drop": {"drop": True, "n": 300},
    "multicast_drop": {"multicast": True, "drop": True, "n": 300},
}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("path", ["fused", "general"])
@pytest.mark.parametrize("case", CHIP_LINK_CASES)
def test_chip_links_agree_with_reference(scenario, case, path, seed):
    """Random scenarios with chip links: the Cython engine (fused V = 1, F = 1 path, or the
    general path with V = 2) equals the reference cycle for cycle, records and counters."""
    fixed = {"virtual_channels": 2} if path == "general" else ONE_VC_ONE_FLIT
    sc = scenario(seed, chip_links=True, **CHIP_LINK_CASES[case], **fixed)
    assert NocEngine(sc.mesh, sc.params, sc.tables)._core.fused is (path == "fused")
    outputs, _, stats = compare(sc, seed)
    external = sc.mesh.external_endpoints
    got = np.concatenate([d.dest_endpoint for d in outputs])
    assert np.any(got >= external.start), "no packet left through a chip link"
    assert stats.injected_packets[external.start :].sum() > 0


@pytest.mark.parametrize("flits", [1, 2])
def test_records_of_a_busy_cycle_come_sorted(flits):
    """Packets that all arrive in one cycle (each endpoint to a shuffled endpoint of its own
    router; more than the core's in-place sort handles) come back sorted by destination, as
    the twin sorts them, on the fused path and the general one."""
    mesh = Mesh(6, 6, 3)
    params = NocParams(clock_hz=1e6, flit_bits=32, packet_bits=32 * flits)
    rng = np.random.default_rng(flits)
    src = np.arange(mesh.endpoints)
    dest = (src // 3) * 3 + rng.permuted(np.tile(np.arange(3), (mesh.routers, 1)), axis=1).ravel()
    engines = [cls(mesh, params) for cls in (NocEngine, ReferenceEngine)]
    got = []
    for engine in engines:
        engine.inject(np.zeros(src.size, dtype=np.int64), src[::-1], dest[::-1])
        got.append(engine.advance(100))
    assert np.unique(got[0].arrival_cycle).size == 1 and len(got[0]) == mesh.endpoints
    np.testing.assert_array_equal(got[0].dest_endpoint, np.arange(mesh.endpoints))
    for field in dataclasses.fields(Deliveries):
        np.testing.assert_array_equal(getattr(got[0], field.name), getattr(got[1], field.name))


@pytest.mark.parametrize("span", [1_000, 300_000])
def test_injection_order_over_short_and_long_spans(span):
    """Packets injected out of order over a span of cycles below and above 2**16 (the core's
    two ways of ordering a call's packets), with ties, several calls: the same records as
    the twin."""
    mesh = Mesh(4, 4, 1)
    params = NocParams(clock_hz=1e6, flit_bits=32, packet_bits=32)
    rng = np.random.default_rng(span)
    cycle = rng.choice(np.linspace(0, span, 40).astype(np.int64), 600)  # many ties
    src, dest = rng.integers(0, mesh.endpoints, (2, 600))
    tag = packet_tags(600)
    got = []
    for cls in (NocEngine, ReferenceEngine):
        engine = cls(mesh, params)
        for part in np.array_split(np.arange(600), 3):
            engine.inject(cycle[part], src[part], dest[part], tag[part])
        got.append(Deliveries.concatenate([engine.advance(span // 2), engine.advance(span + 99)]))
    assert len(got[0]) == 600
    for field in dataclasses.fields(Deliveries):
        np.testing.assert_array_equal(getattr(got[0], field.name), getattr(got[1], field.name))


@pytest.mark.parametrize("seed", range(4))
def test_counters_agree_after_every_window(scenario, seed):
    """Read between windows, mid-run (VCs held by blocked heads, flits in the buffers), the
    unicast cycle's counters (some filled in when read) equal the twin's."""
    sc = scenario(seed, buffer_depth=1, injection_queue_packets=1, n=300, **ONE_VC_ONE_FLIT)
    engines = [cls(sc.mesh, sc.params, sc.tables) for cls in (NocEngine, ReferenceEngine)]
    assert engines[0]._core.unicast
    held = 0
    for engine in engines:
        engine.inject(sc.cycle, sc.src, sc.dest_or_key)
    for until in np.cumsum(np.random.default_rng(seed).integers(1, 12, 60)):
        for engine in engines:
            engine.advance(int(until))
        stats = [engine.stats for engine in engines]
        for field in dataclasses.fields(NocStats):
            if field.name != "packets":
                np.testing.assert_array_equal(
                    getattr(stats[0], field.name), getattr(stats[1], field.name), field.name
                )
        held += int((stats[0].vc_arbitrations > stats[0].crossbar_traversals).any())
    assert held > 0  # some reads saw a granted VC whose flit had not crossed yet


# Flits in flight (noc/_flight.pyx): on the unicast fused path, in sparse cycles, a flit sent
# (or admitted) into a router holding nothing crosses the routers after it without their
# visits until it lands. Buffers of 4 flits (fliers need more than Lk + 1, two a router more
# than Lk + 2); every cycle counted sparse, so that these small meshes make fliers, and some
# land (meet other flits, wait for a busy receiver).
FLIGHT_CASES = {
    "xy": {},
    "sparse": {"n": 40},
    "xy_slow_ejection": {"n": 300, "ejection_cycles_per_packet": 4},
    "long_links": {"link_latency_cycles": 2, "router_pipeline_cycles": 3},  # one per router
    "one_per_router": {"buffer_depth": 3, "link_latency_cycles": 1},
}


def flying(engines: list):
    """An engine factory (every cycle sparse: the one-port path, flight) that keeps what it
    made."""

    def make(mesh, params, tables=None) -> NocEngine:
        engines.append(with_lone_below(1 << 30)(mesh, params, tables))
        return engines[-1]

    return make


def keeping(engines: list):
    """An engine factory (the default engine) that keeps what it made."""

    def make(mesh, params, tables=None) -> NocEngine:
        engines.append(NocEngine(mesh, params, tables))
        return engines[-1]

    return make


def grounded(mesh, params, tables=None) -> NocEngine:
    """An engine whose flits never fly (``EngineCore.fly`` off)."""
    engine = NocEngine(mesh, params, tables)
    engine._core.fly = False
    return engine


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("case", FLIGHT_CASES)
def test_flits_in_flight_agree_with_reference(scenario, case, seed):
    """Fliers give the reference's records, states and counters; some fly here."""
    sc = scenario(seed, **(ONE_VC_ONE_FLIT | {"buffer_depth": 4} | FLIGHT_CASES[case]))
    engines: list = []
    compare(sc, seed, flying(engines))
    p = sc.params
    assert engines[0]._core.fliers_per_router == 1 + (p.buffer_depth >= p.link_latency_cycles + 3)
    flown, landed = engines[0]._core.flight
    assert flown + landed > 0  # fliers were made


def test_flits_in_flight_fly_and_land():
    """Over the flight cases, fliers both cross routers in flight and land."""
    totals = np.zeros(2, dtype=np.int64)
    for case in FLIGHT_CASES.values():
        for seed in range(4):
            sc = random_scenario(seed, **(ONE_VC_ONE_FLIT | {"buffer_depth": 4} | case))
            engines: list = []
            run_windows(flying(engines), sc, np.arange(40, 2000, 40))
            totals += engines[0]._core.flight
    assert totals.min() > 0


@pytest.mark.parametrize("shape", [(8, 1), (1, 8)])
def test_fliers_meeting_head_on_cross_in_flight(shape):
    """Two packets between the ends of a row (a column), sent at once, meet as fliers due in
    one cycle at neighbouring routers, each bound for the other's: they cross the two links
    in flight (``swap``), with the reference's records, states and counters, and none lands
    (two pairs: the second injected in a later window)."""
    mesh = Mesh(*shape, 1)
    ends = [0, mesh.endpoints - 1]
    sc = SimpleNamespace(
        mesh=mesh, params=NocParams(clock_hz=1e6, buffer_depth=4, **ONE_VC_ONE_FLIT),
        tables=None, cycle=np.zeros(4, np.int64), src=np.array(ends * 2),
        dest_or_key=np.array(ends[::-1] * 2),
    )  # fmt: skip
    engines: list = []
    compare(sc, 0, flying(engines))
    core = engines[0]._core
    # none lands, and only the first pair's first two crossings each are router visits (the
    # engine's first cycle counts as dense): without ``swap`` the meetings land 2
    assert (core.flight[1], core.visits) == (0, 4)


@pytest.mark.parametrize("seed", range(3))
def test_flight_gives_the_results_of_visits_on_a_large_mesh(seed):
    """16x16 mesh, uniform traffic in bursts (as spikes come): 6 bursts of 300 packets over
    20 cycles, 300 cycles apart, in windows. With flits in flight (the default: in sparse
    cycles, landed after a dense one) and without, the same records, states and counters;
    fliers cross routers and land."""
    mesh = Mesh(16, 16, 1)
    params = NocParams(clock_hz=1e6, **ONE_VC_ONE_FLIT)
    rng = np.random.default_rng(seed)
    n = 1800
    cycle = np.sort(rng.integers(0, 20, n) + 300 * rng.integers(0, 6, n))
    sc = SimpleNamespace(
        mesh=mesh, params=params, tables=None, cycle=cycle,
        src=rng.integers(0, mesh.endpoints, n), dest_or_key=rng.integers(0, mesh.endpoints, n),
    )  # fmt: skip
    engines: list = []
    windows = np.cumsum(rng.integers(1, 200, 20))
    assert_same(run_windows(keeping(engines), sc, windows), run_windows(grounded, sc, windows))
    flown, landed = engines[0]._core.flight
    assert flown > 0 and landed > 0


# Multicast packets in flight (noc/_multicast_flight.pyx): on the fused path of table-routed
# or dropping traffic, a flit sent (or admitted) into a router holding nothing leaves in its
# router's turn with every branch, or lands. Buffers of 4 flits (deeper than Lk + 1).
MULTICAST_FLIGHT_CASES = {
    "multicast": {"multicast": True},
    "sparse": {"multicast": True, "n": 40},
    "drop": {"multicast": True, "drop": True, "n": 300},
    "xy_drop": {"drop": True, "n": 300},  # XY routes on the multicast cycle
    "slow_ejection": {"multicast": True, "n": 300, "ejection_cycles_per_packet": 4},
    "long_links": {"multicast": True, "link_latency_cycles": 2, "router_pipeline_cycles": 3},
}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("case", MULTICAST_FLIGHT_CASES)
def test_multicast_fliers_agree_with_reference(scenario, case, seed):
    """Multicast fliers give the reference's records, states and counters."""
    sc = scenario(seed, **(ONE_VC_ONE_FLIT | MULTICAST_FLIGHT_CASES[case]), buffer_depth=4)
    engines: list = []
    compare(sc, seed, flying(engines))
    core = engines[0]._core
    assert not core.unicast and core.fliers_per_router == 1


def test_multicast_fliers_leave_and_land():
    """Over the multicast flight cases, fliers both leave with their branches and land."""
    totals = np.zeros(2, dtype=np.int64)
    for case in MULTICAST_FLIGHT_CASES.values():
        for seed in range(4):
            sc = random_scenario(seed, **(ONE_VC_ONE_FLIT | case), buffer_depth=4)
            engines: list = []
            run_windows(flying(engines), sc, np.arange(40, 2000, 40))
            totals += engines[0]._core.flight
    assert totals.min() > 0


@pytest.mark.parametrize("drop", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_multicast_flight_gives_the_results_of_visits(make_groups, seed, drop):
    """An 8x5 mesh of 4-port routers (the SpiNNaker2-like chip's), trees to 30-150 of its 160
    endpoints in bursts (as spikes come) in windows: with multicast fliers and without, the
    same records, states and counters (drops included); fliers leave and land."""
    mesh = Mesh(8, 5, 4)
    rng = np.random.default_rng(seed)
    options = {"blocked_policy": "drop", "drop_after_cycles": 12} if drop else {}
    params = NocParams(clock_hz=1e6, routing="multicast_table", **ONE_VC_ONE_FLIT, **options)
    tables, groups, sources = make_groups(rng, mesh, 40, max_dests=150, min_dests=30)
    keys = np.array(list(groups), dtype=np.int64)
    n = 600
    key = keys[rng.integers(0, len(keys), n)]
    sc = SimpleNamespace(
        mesh=mesh, params=params, tables=tables,
        cycle=np.sort(rng.integers(0, 40, n) + 400 * rng.integers(0, 5, n)),
        src=np.array([sources[int(k)] for k in key]), dest_or_key=key,
    )  # fmt: skip
    engines: list = []
    windows = np.cumsum(rng.integers(1, 300, 16))
    flown_run = run_windows(keeping(engines), sc, windows)
    assert_same(flown_run, run_windows(grounded, sc, windows))
    flown, landed = engines[0]._core.flight
    assert flown > 0 and landed > 0
    assert sum(len(d) for d in flown_run[0]) > 30 * n // 2  # trees delivered (most of them)


@pytest.mark.parametrize(("k", "chosen"), [(8, False), (32, True)])
def test_visits_with_and_without_prefetch_agree(k, chosen):
    """The fused visits prefetch the next router's input VCs on meshes whose records may miss
    the caches (``EngineCore.prefetching``, chosen by size); either form gives the same
    records, states and counters, in dense and sparse cycles (bursts, fliers included)."""
    mesh = Mesh(k, k, 1)
    params = NocParams(clock_hz=1e6, **ONE_VC_ONE_FLIT)
    rng = np.random.default_rng(k)
    n = 8 * k * k
    cycle = np.sort(rng.integers(0, 30, n) + 200 * rng.integers(0, 4, n))
    sc = SimpleNamespace(
        mesh=mesh, params=params, tables=None, cycle=cycle,
        src=rng.integers(0, mesh.endpoints, n), dest_or_key=rng.integers(0, mesh.endpoints, n),
    )  # fmt: skip
    assert NocEngine(mesh, params)._core.prefetching is chosen

    def forced(mesh, params, tables=None) -> NocEngine:
        engine = NocEngine(mesh, params, tables)
        engine._core.prefetching = not chosen
        return engine

    windows = np.cumsum(rng.integers(1, 150, 12))
    assert_same(run_windows(NocEngine, sc, windows), run_windows(forced, sc, windows))


def test_flight_only_where_it_holds():
    """Fliers need the fused path, buffers deeper than Lk + 1 (two unicast fliers in a
    router: Lk + 2; a multicast flier is alone), no chip links and one band; they cannot be
    switched on elsewhere."""
    mesh = Mesh(4, 4, 1)
    one = dict(ONE_VC_ONE_FLIT, clock_hz=1e6)
    assert NocEngine(mesh, NocParams(**one, buffer_depth=4))._core.fliers_per_router == 2
    assert NocEngine(mesh, NocParams(**one, buffer_depth=3))._core.fliers_per_router == 1
    assert not NocEngine(mesh, NocParams(**one, buffer_depth=2))._core.fly  # Lk = 1
    tables = MulticastTables.empty(mesh.routers)
    multicast = NocParams(**one, routing="multicast_table", buffer_depth=4)
    assert NocEngine(mesh, multicast, tables)._core.fliers_per_router == 1
    shallow = multicast.model_copy(update={"buffer_depth": 2})
    assert not NocEngine(mesh, shallow, tables)._core.fly
    dropping = NocParams(**one, blocked_policy="drop", drop_after_cycles=9, buffer_depth=4)
    assert NocEngine(mesh, dropping)._core.fliers_per_router == 1  # (the multicast fliers)
    assert not NocEngine(mesh, NocParams(**(one | {"virtual_channels": 2})))._core.fly
    assert not NocEngine(Mesh(4, 4, 1, chip_links=True), NocParams(**one))._core.fly
    assert not NocEngine(Mesh(4, 4, 1, chip_links=True), multicast, tables)._core.fly
    assert not NocEngine(mesh, NocParams(**one), threads=2)._core.fly
    assert not NocEngine(mesh, multicast, tables, threads=2)._core.fly
    core = NocEngine(mesh, NocParams(**one, buffer_depth=2))._core
    with pytest.raises(ValueError, match="in flight only"):
        core.fly = True


@pytest.mark.parametrize("seed", range(40))
def test_flight_possible_says_what_the_engine_chose(seed):
    """``noc.engine.flight_possible`` (which chipsim reads to choose the NoC's threads) agrees
    with the engine of one thread, on random parameters and meshes (most with one VC and
    one-flit packets, some with drops, tables or chip links)."""
    rng = np.random.default_rng(seed)
    chip_links = bool(rng.random() < 0.2)
    mesh = Mesh(int(rng.integers(1, 5)), int(rng.integers(1, 5)), 1, False, chip_links)
    fixed: dict = {}
    if rng.random() < 0.7:
        fixed.update(ONE_VC_ONE_FLIT)
    if rng.random() < 0.2:
        fixed.update(routing="multicast_table", packet_bits=32)
    if rng.random() < 0.2:
        fixed.update(blocked_policy="drop", drop_after_cycles=9)
    params = random_params(rng, **fixed)
    multicast = params.routing is Routing.MULTICAST_TABLE
    tables = MulticastTables.empty(mesh.routers) if multicast else None
    core = NocEngine(mesh, params, tables)._core
    assert flight_possible(mesh, params) is (core.fliers_per_router > 0)
