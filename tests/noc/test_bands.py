"""Parallel bands (noc/_bands.pyx): the routers split into bands of rows, each run by its own
thread (or one after the other in one thread), give exactly the one-thread results."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from noc.engine import NocEngine
from noc.params import NocParams
from noc.stats import Deliveries, NocStats
from noc.topology import Mesh

ONE_VC_ONE_FLIT = {"virtual_channels": 1, "packet_bits": 32, "flit_bits": 32}
CASES = {
    "xy": {},
    "shallow": {"buffer_depth": 1, "injection_queue_packets": 1},
    "long_links": {"link_latency_cycles": 13, "router_pipeline_cycles": 3},
    "slow_ejection": {"n": 300, "ejection_cycles_per_packet": 4},
    "multicast": {"multicast": True, "n": 300},  # copies of one packet in several bands
    "drops": {"drop": True, "buffer_depth": 1, "n": 300},
    "multicast_drops": {"multicast": True, "drop": True, "n": 300},
}


# how the bands' cycles run: all in the calling thread; all in threads; in threads after a
# cycle with 6 router visits or more, back in the calling thread after 64 cycles with fewer
# than 3, so that a run on these small meshes switches back and forth
MODES = {"serial": (True, 0), "threads": (False, 0), "switching": (False, 6)}


def banded(threads: int, mode: str):
    """An engine factory with ``threads`` bands, run as ``mode`` says (``MODES``)."""

    def make(mesh, params, tables=None, **options) -> NocEngine:
        engine = NocEngine(mesh, params, tables, threads=threads, **options)
        engine._core.serial_bands, engine._core.parallel_above = MODES[mode]
        return engine

    return make


def run(make, mesh, params, cycle, src, dest, windows, tables=None) -> tuple[list, list, NocStats]:
    """Inject in three calls (the last two while running) and advance through ``windows``."""
    engine = make(mesh, params, tables)
    parts = np.array_split(np.arange(len(cycle)), 3)
    outputs, states = [], []
    for i, until in enumerate(windows):
        if i < 3:
            engine.inject(cycle[parts[i]] + engine.now, src[parts[i]], dest[parts[i]])
        outputs.append(engine.advance(int(until)))
        states.append((engine.now, engine.in_flight, engine.next_event_cycle))
    return outputs, states, engine.stats


def assert_same(a, b) -> None:
    assert a[1] == b[1]
    for da, db in zip(a[0], b[0], strict=True):
        for field in dataclasses.fields(Deliveries):
            np.testing.assert_array_equal(getattr(da, field.name), getattr(db, field.name))
    for field in dataclasses.fields(NocStats):
        if field.name != "packets":
            np.testing.assert_array_equal(
                getattr(a[2], field.name), getattr(b[2], field.name), err_msg=field.name
            )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("seed", range(4))
def test_bands_agree_with_one_thread(scenario, case, seed, threads, mode):
    """Small random meshes and parameters: same records, states and counters."""
    sc = scenario(seed, **CASES[case], **ONE_VC_ONE_FLIT)
    bands = NocEngine(sc.mesh, sc.params, sc.tables, threads=threads)._core.bands
    assert bands == (min(threads, sc.mesh.height) if sc.mesh.height > 1 else 0)
    windows = np.cumsum(np.random.default_rng(seed).integers(1, 80, 30))
    args = (sc.mesh, sc.params, sc.cycle, sc.src, sc.dest_or_key, windows, sc.tables)
    assert_same(run(banded(threads, mode), *args), run(NocEngine, *args))


@pytest.mark.parametrize("case", ["xy", "shallow", "long_links", "slow_ejection"])
@pytest.mark.parametrize("seed", range(3))
def test_bands_agree_on_the_one_port_path(scenario, case, seed):
    """With the unicast cycle's one-port path taken in every cycle (noc/_fused.pyx), bands in
    threads give the one-thread results."""
    sc = scenario(seed, **CASES[case], **ONE_VC_ONE_FLIT)

    def always(make):
        def made(*args) -> NocEngine:
            engine = make(*args)
            engine._core.lone_below = 1 << 30
            return engine

        return made

    windows = np.cumsum(np.random.default_rng(seed).integers(1, 80, 30))
    args = (sc.mesh, sc.params, sc.cycle, sc.src, sc.dest_or_key, windows, sc.tables)
    assert_same(run(always(banded(2, "threads")), *args), run(always(NocEngine), *args))


@pytest.mark.parametrize("threads", [2, 3, 5])
def test_bands_agree_under_saturation(threads):
    """A 9x7 mesh (bands of unequal height) past saturation, with back-pressure across the
    band boundaries and full injection queues: same as one thread, in threads or not, or
    switching between them as the load rises and falls."""
    mesh = Mesh(9, 7, 2)
    params = NocParams(clock_hz=1e6, buffer_depth=2, injection_queue_packets=2)
    rng = np.random.default_rng(threads)
    cycle, src = np.nonzero(rng.random((400, mesh.endpoints)) < 0.3)
    dest = rng.integers(0, mesh.endpoints, cycle.size)
    windows = np.cumsum(rng.integers(50, 300, 12))
    args = (mesh, params, cycle, src, dest, windows)
    one = run(NocEngine, *args)
    assert one[2].blocked_cycles.sum() > 0 and one[2].source_wait_cycles.sum() > 0
    assert sum(len(d) for d in one[0]) == cycle.size
    for mode in MODES:
        assert_same(run(banded(threads, mode), *args), one)


@pytest.mark.parametrize(
    ("shape", "options"),
    [
        ((4, 4, 1, False), {"virtual_channels": 2}),
        ((4, 4, 1, False), {"packet_bits": 64, "flit_bits": 32}),
        ((4, 4, 1, True), {}),  # chip links
        ((4, 1, 1, False), {}),  # one row
    ],
)
def test_bands_only_for_the_fused_cycle(shape, options):
    """Two VCs, multi-flit packets, chip links or a single row: one thread runs (no
    bands)."""
    mesh = Mesh(*shape[:3], chip_links=shape[3])
    params = NocParams(clock_hz=1e6, **options)
    assert NocEngine(mesh, params, threads=4)._core.bands == 0


def test_threads_must_be_positive():
    with pytest.raises(ValueError, match="threads must be at least 1"):
        NocEngine(Mesh(2, 2, 1), NocParams(clock_hz=1e6), threads=0)


@pytest.mark.parametrize("drop", [False, True])
@pytest.mark.parametrize("seed", [4, 10])  # 3x4 and 4x4 meshes: 3 bands
def test_multicast_bands_agree_under_heavy_load(scenario, seed, drop):
    """Multicast trees whose copies of one packet are in several bands at once, past
    saturation (and with drops): same as one thread, in threads or switching."""
    sc = scenario(seed, multicast=True, drop=drop, n=3000, **ONE_VC_ONE_FLIT)
    assert NocEngine(sc.mesh, sc.params, sc.tables, threads=3)._core.bands == 3
    windows = np.cumsum(np.random.default_rng(seed).integers(20, 200, 25))
    args = (sc.mesh, sc.params, sc.cycle, sc.src, sc.dest_or_key, windows, sc.tables)
    one = run(NocEngine, *args)
    assert one[2].blocked_cycles.sum() > 0
    for mode in MODES:
        assert_same(run(banded(3, mode), *args), one)
