"""Spike traces round-trip in every format and bad traces are refused with row and id."""

import numpy as np
import pytest

from chipsim.errors import UserError
from chipsim.events import bin_events
from chipsim.traces import SpikeTrace, TraceError, TraceMeta, read_trace, write_trace


def sample_trace(with_cycle: bool) -> SpikeTrace:
    rng = np.random.default_rng(1)
    tick = np.sort(rng.integers(0, 50, 200))
    neuron = rng.integers(0, 30, 200)
    cycle = tick * 1000 + rng.integers(0, 1000, 200) if with_cycle else None
    meta = TraceMeta(dt_s=1e-3, clock_hz=1e6, network_hash="abc", config_hash="def")
    return read_trace_from(SpikeTrace(tick, neuron, cycle, meta))


def read_trace_from(trace: SpikeTrace) -> SpikeTrace:
    """Sort like read_trace does, so equality checks compare like with like."""
    key = trace.cycle if trace.cycle is not None else trace.neuron
    order = np.lexsort((trace.neuron, key, trace.tick))
    cycle = None if trace.cycle is None else trace.cycle[order]
    return SpikeTrace(trace.tick[order], trace.neuron[order], cycle, trace.meta)


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".npz"])
@pytest.mark.parametrize("with_cycle", [True, False])
def test_round_trip(tmp_path, suffix, with_cycle) -> None:
    """Write then read gives the same spikes (and metadata where the format keeps it)."""
    trace = sample_trace(with_cycle)
    path = tmp_path / f"t{suffix}"
    write_trace(path, trace)
    back = read_trace(path)
    np.testing.assert_array_equal(back.tick, trace.tick)
    np.testing.assert_array_equal(back.neuron, trace.neuron)
    if with_cycle:
        np.testing.assert_array_equal(back.cycle, trace.cycle)
    else:
        assert back.cycle is None
    if suffix != ".csv":
        assert back.meta == trace.meta


def test_unknown_neuron_names_row_and_id(tmp_path) -> None:
    """A trace naming a neuron the network lacks is refused with the row and the id."""
    path = tmp_path / "t.csv"
    path.write_text("tick,neuron\n0,1\n1,2\n2,99\n")
    with pytest.raises(TraceError, match=r"row 2: neuron 99 does not exist"):
        read_trace(path, n_neurons=10)


def test_missing_column(tmp_path) -> None:
    """A trace without a neuron column says which columns it expected."""
    path = tmp_path / "t.csv"
    path.write_text("tick,id\n0,1\n")
    with pytest.raises(TraceError, match="missing column 'neuron'"):
        read_trace(path)


def test_non_integer_column(tmp_path) -> None:
    """Fractional ticks are refused, not truncated."""
    path = tmp_path / "t.csv"
    path.write_text("tick,neuron\n0.5,1\n")
    with pytest.raises(TraceError, match="'tick' must hold integers"):
        read_trace(path)


def test_negative_tick(tmp_path) -> None:
    """A negative tick is refused with its row."""
    path = tmp_path / "t.csv"
    path.write_text("tick,neuron\n0,1\n-3,1\n")
    with pytest.raises(TraceError, match="row 1: negative tick -3"):
        read_trace(path)


def test_unknown_format_and_missing_file(tmp_path) -> None:
    """Unknown suffixes and missing files get a clear message."""
    with pytest.raises(TraceError, match="unknown trace format"):
        read_trace(tmp_path / "t.txt")
    with pytest.raises(TraceError, match="no such trace file"):
        read_trace(tmp_path / "t.parquet")


def test_corrupt_parquet(tmp_path) -> None:
    """A file that is not Parquet is a TraceError, not a pyarrow traceback."""
    path = tmp_path / "t.parquet"
    path.write_bytes(b"not parquet")
    with pytest.raises(TraceError, match="cannot read parquet trace"):
        read_trace(path)


def test_bin_events_by_hand() -> None:
    """Events at 0, 999 and 1000 us with dt 1 ms fall in ticks 0, 0 and 1; ids (p*h + y)*w + x."""
    events = np.array(
        [(1, 0, 0, 1), (2, 1, 999, 0), (0, 1, 1000, 1)],
        dtype=[("x", "i2"), ("y", "i2"), ("t", "i8"), ("p", "i1")],
    )
    tick, neuron = bin_events(events, width=3, height=2, dt_s=1e-3)
    np.testing.assert_array_equal(tick, [0, 0, 1])
    # sorted by tick, then neuron id
    np.testing.assert_array_equal(neuron, [(0 * 2 + 1) * 3 + 2, (1 * 2 + 0) * 3 + 1, 9])


def test_bin_events_outside_sensor() -> None:
    """An event outside the sensor is refused with its index."""
    events = np.array([(5, 0, 0, 0)], dtype=[("x", "i2"), ("y", "i2"), ("t", "i8"), ("p", "i1")])
    with pytest.raises(UserError, match="event 0"):
        bin_events(events, width=3, height=2, dt_s=1e-3)
