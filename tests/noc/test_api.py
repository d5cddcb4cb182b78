"""The engine's contract: windows, idle skipping, back-pressure, errors that name the problem."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from noc.engine import NocEngine
from noc.params import NocParams
from noc.routing import MulticastTables
from noc.stats import DELIVERY_DTYPES, Deliveries
from noc.topology import E, Mesh, N, S, W


@pytest.fixture
def params():
    return NocParams(clock_hz=1e6)


def test_numbering_and_directions():
    """Router y * width + x, endpoint node * ports + port, N is +y and E is +x."""
    mesh = Mesh(4, 3, 2)
    assert mesh.node(1, 2) == 9 and mesh.coords(9) == (1, 2)
    assert mesh.endpoint(9, 1) == 19
    assert mesh.neighbours[mesh.node(1, 1), N] == mesh.node(1, 2)
    assert mesh.neighbours[mesh.node(1, 1), E] == mesh.node(2, 1)
    assert mesh.neighbours[0, S] == -1 and mesh.neighbours[0, W] == -1
    assert Mesh(4, 3, 1, torus=True).neighbours[0, W] == 3


def test_idle_network_is_skipped(params):
    """A window with nothing in flight returns at once; next_event_cycle names the injection."""
    engine = NocEngine(Mesh(4, 4, 1), params)
    assert engine.next_event_cycle is None
    engine.inject(np.array([10**12]), np.array([0]), np.array([15]))
    assert engine.next_event_cycle == 10**12
    assert len(engine.advance(10**12)) == 0 and engine.now == 10**12
    got = engine.advance(10**12 + 100)
    assert got.arrival_cycle.tolist() == [10**12 + 6 * 2 + 1] and engine.in_flight == 0


def test_packet_arriving_at_window_end_comes_with_next_window(params):
    """A tail ejected in the last cycle of a window arrives at until_cycle: next window."""
    engine = NocEngine(Mesh(2, 1, 1), params)
    engine.inject(np.array([0]), np.array([0]), np.array([1]))  # arrives at 3
    assert len(engine.advance(3)) == 0
    assert engine.next_event_cycle == 3
    assert engine.advance(4).arrival_cycle.tolist() == [3]


def test_empty_and_carried_windows_keep_the_delivery_dtypes(params):
    """Windows with no arrival, only a carry, or both return the documented column dtypes."""
    engine = NocEngine(Mesh(2, 1, 1), params)
    engine.inject(np.array([0, 0]), np.array([0, 1]), np.array([1, 0]), tag=np.array([7, 8]))
    windows = [engine.advance(until) for until in (1, 3, 4, 5)]  # both arrive at 3
    assert [len(w) for w in windows] == [0, 0, 2, 0]
    assert windows[2].dest_endpoint.tolist() == [0, 1] and windows[2].tag.tolist() == [8, 7]
    for window in windows:
        assert [getattr(window, f.name).dtype for f in dataclasses.fields(Deliveries)] == [
            np.dtype(dt) for dt in DELIVERY_DTYPES
        ]


def test_strided_and_narrow_arrays_inject_as_plain_ones(params):
    """Views with a stride (``np.nonzero`` of a 2-D array gives them) and arrays of narrower
    integer types inject the same packets as contiguous int64 arrays."""
    rng = np.random.default_rng(3)
    cycle, src = np.nonzero(rng.random((40, 16)) < 0.2)  # each a view with a stride
    dest = rng.integers(0, 16, (cycle.size, 2))[:, 1]  # (a column: strided)
    tag = np.arange(2 * cycle.size, dtype=np.int64)[::2]
    assert not cycle.flags.c_contiguous and not dest.flags.c_contiguous
    got = []
    for arrays in (
        (cycle, src, dest, tag),
        (cycle.astype(np.int32), src.astype(np.uint16), dest.astype(np.uint32), tag.copy()),
        tuple(np.ascontiguousarray(a, dtype=np.int64) for a in (cycle, src, dest, tag)),
    ):
        engine = NocEngine(Mesh(4, 4, 1), params)
        engine.inject(*arrays)
        got.append(engine.advance(200))
    assert len(got[0]) == cycle.size
    for other in got[1:]:
        for field in dataclasses.fields(Deliveries):
            np.testing.assert_array_equal(getattr(got[0], field.name), getattr(other, field.name))


def test_full_injection_queue_makes_packets_wait_at_source():
    """Back-pressure: no packet lost, the waiting counted in source_wait_cycles."""
    params = NocParams(clock_hz=1e6, injection_queue_packets=1, packet_bits=64)
    engine = NocEngine(Mesh(3, 1, 1), params)
    engine.inject(np.zeros(10, dtype=np.int64), np.zeros(10, dtype=np.int32), np.full(10, 2))
    got = engine.advance(200)
    assert len(got) == 10
    # one packet enters the queue every 2 cycles (2 flits); packet i waits 2 * i cycles
    assert engine.stats.source_wait_cycles[0] == sum(2 * i for i in range(10))


def test_slow_receiver_spaces_arrivals_and_pushes_back():
    """ejection_cycles_per_packet = 5: arrivals at one PE at least 5 cycles apart."""
    params = NocParams(clock_hz=1e6, ejection_cycles_per_packet=5)
    engine = NocEngine(Mesh(3, 3, 1), params)
    src = np.arange(8)
    engine.inject(np.zeros(8, dtype=np.int64), src, np.full(8, 8))
    got = engine.advance(500)
    assert len(got) == 8
    assert np.all(np.diff(got.arrival_cycle) == 5)
    assert engine.stats.blocked_cycles.sum() > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0], [0], [16]), "dest_or_key"),
        (([0], [-1], [1]), "src_endpoint"),
        (([0, 1], [0], [1]), "equal length"),
        (([0.5], [0], [1]), "integers"),
    ],
)
def test_bad_injections_are_refused(params, args, message):
    engine = NocEngine(Mesh(4, 4, 1), params)
    with pytest.raises(ValueError, match=message):
        engine.inject(*(np.array(a) for a in args))


def test_injection_in_the_past_is_refused(params):
    engine = NocEngine(Mesh(2, 2, 1), params)
    engine.advance(50)
    with pytest.raises(ValueError, match="before the engine's now 50"):
        engine.inject(np.array([49]), np.array([0]), np.array([1]))


def test_table_over_capacity_names_router_need_and_capacity():
    mesh = Mesh(3, 3, 1)
    router = np.array([4, 4, 4, 1])
    with pytest.raises(ValueError, match=r"router 4 \(1, 1\) needs 3 .* capacity .* is 2"):
        MulticastTables.from_arrays(
            mesh, router, np.arange(4), np.full(4, 0xFFFF), np.full(4, 1 << 4), capacity=2
        )


def test_engine_refuses_tables_beyond_the_configured_capacity():
    mesh = Mesh(2, 1, 1)
    tables = MulticastTables.from_arrays(mesh, [1, 1], [1, 2], [3, 3], [16, 16], capacity=8)
    params = NocParams(clock_hz=1e6, routing="multicast_table", routing_table_entries=1)
    with pytest.raises(ValueError, match=r"router 1 \(1, 0\) needs 2 .* is 1"):
        NocEngine(mesh, params, tables)


def test_route_through_missing_link_is_refused():
    mesh = Mesh(3, 3, 1)
    with pytest.raises(ValueError, match="no link there"):
        MulticastTables.from_arrays(mesh, [0], [1], [0xFF], [1 << W], capacity=4)


def test_first_match_wins_and_unmatched_goes_straight_through():
    """Key/mask priority and default routing, checked on a 4 x 1 row."""
    mesh = Mesh(4, 1, 1)
    params = NocParams(clock_hz=1e6, routing="multicast_table")
    # router 0 sends keys 0x1_ east; router 1 has no entry (straight through); at router 2
    # the first entry (0x10/0xF0) delivers locally, shadowing the more specific second one.
    tables = MulticastTables.from_arrays(
        mesh,
        router=[0, 2, 2],
        key=[0x10, 0x10, 0x11],
        mask=[0xF0, 0xF0, 0xFF],
        route=[1 << E, 1 << 4, 1 << E],
        capacity=4,
    )
    engine = NocEngine(mesh, params, tables)
    engine.inject(np.array([0, 0]), np.array([0, 1]), np.array([0x11, 0x11]))
    got = engine.advance(100)
    assert got.dest_endpoint.tolist() == [2] and got.hops.tolist() == [2]
    assert engine.stats.unrouted_packets.tolist() == [0, 1, 0, 0]  # local, no entry: dropped
    assert engine.stats.drops == 1 and engine.in_flight == 0


def test_multicast_needs_tables_and_whole_packet_buffers():
    mesh = Mesh(2, 2, 1)
    with pytest.raises(ValueError, match="needs tables"):
        NocEngine(mesh, NocParams(clock_hz=1e6, routing="multicast_table"))
    tables = MulticastTables.from_arrays(mesh, [], [], [], [], capacity=4)
    deep = NocParams(clock_hz=1e6, routing="multicast_table", packet_bits=128, buffer_depth=2)
    with pytest.raises(ValueError, match="buffer_depth 2 < packet_flits 4"):
        NocEngine(mesh, deep, tables)


def test_engine_limits_are_explained():
    """A torus needs two VC classes; ports x VCs must fit the 64-bit masks."""
    with pytest.raises(ValueError, match="torus needs virtual_channels >= 2"):
        NocEngine(Mesh(4, 4, 1, torus=True), NocParams(clock_hz=1e6))
    with pytest.raises(ValueError, match="at most 64"):
        NocEngine(Mesh(2, 2, 9), NocParams(clock_hz=1e6, virtual_channels=5))
    with pytest.raises(ValueError, match="ports_per_router must be at most 27"):
        Mesh(2, 2, 28)


def test_mesh_beyond_the_cython_engines_coordinates_is_refused(params):
    """The Cython engine's flit slots hold destination coordinates in 16 bits."""
    with pytest.raises(ValueError, match="at most 65536, got 65537x1"):
        NocEngine(Mesh(65537, 1, 1), params)


def test_stats_count_link_flits_and_records():
    """A lone packet over 3 links: 3 link flits on its path, one record with its hops."""
    engine = NocEngine(Mesh(4, 1, 1), NocParams(clock_hz=1e6, packet_bits=64))
    engine.inject(np.array([0]), np.array([0]), np.array([3]))
    engine.advance(100)
    stats = engine.stats
    assert stats.link_flits[:, E].tolist() == [2, 2, 2, 0] and stats.flit_hops == 6
    assert stats.crossbar_traversals.tolist() == [2, 2, 2, 2]
    assert stats.buffer_writes.tolist() == stats.buffer_reads.tolist() == [2, 2, 2, 2]
    assert stats.packets.hops.tolist() == [3] and stats.packets.latency_cycles.tolist() == [8]
    assert stats.max_buffer_occupancy_flits.tolist() == [0, 2, 2, 2]
