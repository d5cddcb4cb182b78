"""``advance(until, stop_above=k)``: the engine may stop once more than k packets have
arrived; advancing on to ``until`` in such steps gives exactly the records and counters of one
call per window (chipsim looks up the first packets of a tick while the NoC runs on)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from noc.engine import NocEngine
from noc.reference import ReferenceEngine
from noc.stats import Deliveries, NocStats

CASES = {
    "xy": {},
    "multicast": {"multicast": True, "n": 300},
    "drops": {"drop": True, "buffer_depth": 1, "n": 300},
    "chip_links": {"chip_links": True},
    "one_vc_one_flit": {"virtual_channels": 1, "packet_bits": 32, "flit_bits": 32, "n": 300},
}


def _run(sc, windows, stop_above, threads=1, make=NocEngine):
    """Inject everything, then advance through ``windows``; with ``stop_above``, in as many
    calls as the engine takes to reach each window's end. Returns each window's records
    joined, the number of calls and the final stats."""
    engine = make(sc.mesh, sc.params, sc.tables, threads=threads)
    engine.inject(sc.cycle, sc.src, sc.dest_or_key, np.arange(len(sc.cycle)))
    outputs, calls = [], 0
    for until in windows:
        parts = []
        while True:
            parts.append(engine.advance(int(until), stop_above))
            calls += 1
            assert all(len(p) == 0 or p.arrival_cycle.max() < engine.now for p in parts)
            if engine.now == until:
                break
        outputs.append(Deliveries.concatenate(parts))
    return outputs, calls, engine.stats


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("seed", range(4))
def test_stopping_early_gives_the_same_records_and_counters(scenario, case, seed, threads):
    sc = scenario(seed, **CASES[case])
    windows = np.cumsum(np.random.default_rng(seed).integers(20, 200, 8))
    one, calls_one, stats_one = _run(sc, windows, None, threads)
    split, calls, stats = _run(sc, windows, 3, threads)
    assert calls_one == len(windows)
    if threads == 1 and sum(len(d) for d in one) > 4 * len(windows):
        assert calls > len(windows)  # it did stop early
    for a, b in zip(one, split, strict=True):
        for field in dataclasses.fields(Deliveries):
            np.testing.assert_array_equal(getattr(a, field.name), getattr(b, field.name))
    for field in dataclasses.fields(NocStats):
        if field.name != "packets":
            np.testing.assert_array_equal(
                getattr(stats_one, field.name), getattr(stats, field.name), err_msg=field.name
            )


@pytest.mark.parametrize("case", ["xy", "multicast", "chip_links"])
def test_reference_stops_early_alike(scenario, case):
    """The reference twin stops likewise and gives the engine's records."""
    sc = scenario(5, **CASES[case])
    windows = np.cumsum(np.random.default_rng(5).integers(20, 200, 8))
    engine, _, _ = _run(sc, windows, 3)
    twin, calls, _ = _run(sc, windows, 3, make=ReferenceEngine)
    assert calls > len(windows)
    for a, b in zip(engine, twin, strict=True):
        for field in dataclasses.fields(Deliveries):
            np.testing.assert_array_equal(getattr(a, field.name), getattr(b, field.name))
