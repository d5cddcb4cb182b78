"""`chipsim run --timeline T0:T1`: a Chrome trace of PE busy phases and packet flights."""

import json
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from chipsim.errors import UserError
from chipsim.report.timeline import flight_lanes, parse_window

PE_HZ = NOC_HZ = 1e6  # tiny.yaml
TICK_US = 1000.0


@pytest.fixture(scope="module")
def events(run_dir, window):
    trace = json.loads((run_dir / "timeline.json").read_text())
    assert trace["otherData"]["ticks"] == list(window)
    return [e for e in trace["traceEvents"] if e["ph"] == "X"]


def test_trace_is_chrome_trace_event_json(run_dir):
    """Object form with traceEvents; every event has the fields its phase needs."""
    trace = json.loads((run_dir / "timeline.json").read_text())
    needed = {"X": {"name", "ts", "dur", "pid", "tid"}, "i": {"name", "ts", "pid", "s"},
              "M": {"name", "pid", "args"}}  # fmt: skip
    phases = set()
    for e in trace["traceEvents"]:
        phases.add(e["ph"])
        assert needed[e["ph"]] <= e.keys(), e
    assert phases == {"X", "i", "M"}
    names = {e["args"]["name"] for e in trace["traceEvents"] if e["name"] == "thread_name"}
    assert any(n.startswith("PE ") for n in names) and any(n.startswith("NoC") for n in names)


def test_events_lie_in_the_window(events, window):
    """Every event belongs to a tick of [T0, T1]; updates start inside their tick, packet
    services and flights start at or after T0's start."""
    t0, t1 = window
    assert {e["args"]["tick"] for e in events} == set(range(t0, t1 + 1))
    for e in events:
        assert e["ts"] >= t0 * TICK_US and e["dur"] > 0
        if e["name"] == "update":
            tick = e["args"]["tick"]
            assert tick * TICK_US <= e["ts"] < (tick + 1) * TICK_US
    assert any(e["cat"] == "noc" for e in events)


def test_busy_phases_sum_to_pe_ticks(events, run_dir, window):
    """Per (tick, PE), busy phase durations (us) sum to pe_ticks busy cycles / PE clock."""
    got = defaultdict(float)
    for e in events:
        if e["cat"] == "pe":
            got[(e["args"]["tick"], e["tid"])] += e["dur"]
    pe_ticks = pd.read_parquet(run_dir / "pe_ticks.parquet")
    window = pe_ticks[pe_ticks["tick"].between(*window)]
    expected = {(t, p): b / PE_HZ * 1e6 for t, p, b in
                zip(window["tick"], window["pe"], window["busy_cycles"], strict=True)}  # fmt: skip
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key
    assert window["overrun_cycles"].sum() > 0  # the window includes overrunning ticks


def test_no_two_events_of_a_track_overlap(events):
    """Events on one tid never overlap, so Perfetto shows them as they happened."""
    by_track = defaultdict(list)
    for e in events:
        by_track[e["tid"]].append((e["ts"], e["ts"] + e["dur"]))
    for spans in by_track.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert start >= end - 1e-9


def test_flights_match_packet_latencies(events, run_dir):
    """Flight durations are NoC latencies: each is one of the histogram's latencies."""
    hist = pd.read_parquet(run_dir / "latency_histogram.parquet")
    for e in events:
        if e["cat"] == "noc":
            cycles = e["args"]["arrival_cycle"] - e["args"]["inject_cycle"]
            assert cycles in set(hist["latency_cycles"])
            assert e["dur"] == pytest.approx(cycles / NOC_HZ * 1e6)


def test_flight_lanes_do_not_overlap():
    """Greedy lanes by injection: a flight takes the lane free earliest, if free by then."""
    inject, arrival = np.array([0, 1, 2, 5, 5]), np.array([4, 3, 6, 7, 6])
    lanes = flight_lanes(inject, arrival)
    assert lanes.tolist() == [0, 1, 2, 0, 1]  # at 5: (5, 6) takes lane 1 (free at 3)


@pytest.mark.parametrize("text", ["5:2", "a:b", "0:50", "-1:3"])
def test_bad_window_is_refused(text):
    """A window outside 0 <= T0 <= T1 < ticks is a UserError naming the option."""
    with pytest.raises(UserError, match="--timeline"):
        parse_window(text, ticks=50)


def test_run_command_writes_timeline(tiny_config_path, tmp_path):
    """`chipsim run ... --timeline 3:4` writes timeline.json with events of ticks 3 and 4."""
    from chipsim.cli import cli

    out = tmp_path / "run"
    result = CliRunner().invoke(cli, [
        "run", str(tiny_config_path), "--generator", "random_balanced", "-p", "n_neurons=100",
        "-p", "fanin=20", "-p", "input_weight=4", "--ticks", "6", "--out", str(out), "--quiet",
        "--timeline", "3:4",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    trace = json.loads((out / "timeline.json").read_text())
    ticks = {e["args"]["tick"] for e in trace["traceEvents"] if e["ph"] == "X"}
    assert ticks == {3, 4}
