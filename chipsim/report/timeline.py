"""`chipsim run --timeline T0:T1`: PE busy phases and packet flights as a Chrome trace.

While a run simulates ticks ``T0..T1`` (inclusive), the driver hands this module's
:class:`TimelineWindow` each PE's busy phases (PE cycles) and each delivered packet's flight
(NoC cycles); nothing is kept for other ticks. :func:`write_timeline` writes them as Chrome
trace-event JSON (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU),
which Perfetto (ui.perfetto.dev) and chrome://tracing open:

- one process (``pid`` 0) for the chip; one thread (``tid``) per PE with "X" (complete)
  events ``update`` (timer, neuron updates and spike sends of a tick) and ``packets``
  (back-to-back service of received packets, merged while the PE stays busy);
- NoC flights (injection to arrival of one delivered packet copy) as "X" events on
  ``tid = n_pes + lane``; lanes are assigned greedily so flights on one lane never overlap;
- an instant event at each tick start.

``ts`` and ``dur`` are microseconds from the start of the run (PE cycles / PE clock, NoC cycles
/ NoC clock); ``args`` keep the integer cycles and the tick each event belongs to. A busy phase
belongs to the tick whose ``pe_ticks.parquet`` row counts it: the update of tick ``t`` and the
service of packets that arrived during tick ``t``.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chipsim.errors import UserError

MAX_FLIGHTS = 200_000
"""Packet flights kept at most (the first ones); more would make the trace unwieldy."""
US = 1e6
"""Microseconds per second."""


def parse_window(text: str, ticks: int) -> tuple[int, int]:
    """``"T0:T1"`` -> (T0, T1) with 0 <= T0 <= T1 < ticks; a UserError says what is wrong."""
    first, sep, last = text.partition(":")
    try:
        window = (int(first), int(last)) if sep else (int(first), int(first))
    except ValueError:
        raise UserError(f"--timeline {text!r}: expected T0:T1, two tick numbers") from None
    if not 0 <= window[0] <= window[1] < ticks:
        raise UserError(
            f"--timeline {text!r}: expected 0 <= T0 <= T1 < ticks ({ticks}), got {window}"
        )
    return window


@dataclass
class TimelineWindow:
    """Busy phases (PE cycles) and packet flights (NoC cycles) of ticks ``first..last``."""

    first: int
    last: int
    busy: list[np.ndarray] = field(default_factory=list)  # (tick, pe, start, cycles, kind)
    flights: list[np.ndarray] = field(default_factory=list)  # (tick, inject, arrival, src, dest)
    n_flights: int = 0
    flights_left_out: int = 0

    UPDATE, PACKETS = 0, 1

    def covers(self, tick: int) -> bool:
        return self.first <= tick <= self.last

    def update_phases(self, tick: int, pe: np.ndarray, start: np.ndarray, cycles: np.ndarray):
        """PEs ``pe`` ran their tick phase (update) from ``start`` for ``cycles`` PE cycles."""
        self._busy(tick, pe, start, cycles, self.UPDATE)

    def packet_phases(
        self, tick: int, pe: np.ndarray, ready: np.ndarray, finish: np.ndarray,
        free_before: np.ndarray,
    ) -> None:  # fmt: skip
        """Packets (sorted by PE, then ready cycle) served FIFO, finishing at ``finish``;
        ``free_before[p]``: when PE ``p`` was free before them. Each service starts at
        ``max(ready, previous finish)``; back-to-back services merge into one phase."""
        if len(pe) == 0:
            return
        first = np.r_[True, pe[1:] != pe[:-1]]
        previous = np.where(first, free_before[pe], np.r_[0, finish[:-1]])
        start = np.maximum(ready, previous)
        new_phase = first | (start > previous)
        begin = np.flatnonzero(new_phase)
        end = np.r_[begin[1:], len(pe)] - 1
        self._busy(tick, pe[begin], start[begin], finish[end] - start[begin], self.PACKETS)

    def _busy(self, tick, pe, start, cycles, kind) -> None:
        n = len(pe)
        self.busy.append(np.stack([np.full(n, tick), pe, start, cycles, np.full(n, kind)], 1))

    def add_flights(self, emit_tick: np.ndarray, deliveries) -> None:
        """Delivered packets (NoC ``deliveries``) whose spike was emitted in the window."""
        keep = np.flatnonzero((emit_tick >= self.first) & (emit_tick <= self.last))
        room = MAX_FLIGHTS - self.n_flights
        self.flights_left_out += max(0, len(keep) - room)
        keep = keep[: max(room, 0)]
        if len(keep) == 0:
            return
        d = deliveries
        self.flights.append(np.stack([emit_tick[keep], d.inject_cycle[keep],
                                      d.arrival_cycle[keep], d.src_endpoint[keep],
                                      d.dest_endpoint[keep]], 1).astype(np.int64))  # fmt: skip
        self.n_flights += len(keep)

    def busy_array(self) -> np.ndarray:
        """int64 (n, 5): tick, pe, start, cycles, kind (0 update, 1 packets)."""
        return np.concatenate(self.busy) if self.busy else np.zeros((0, 5), np.int64)

    def flight_array(self) -> np.ndarray:
        """int64 (n, 5): emission tick, inject cycle, arrival cycle, src and dest endpoint."""
        return np.concatenate(self.flights) if self.flights else np.zeros((0, 5), np.int64)


def flight_lanes(inject: np.ndarray, arrival: np.ndarray) -> np.ndarray:
    """Lane of each flight such that flights on one lane do not overlap (greedy, by start)."""
    lanes = np.zeros(len(inject), dtype=np.int64)
    free: list[tuple[int, int]] = []  # (free from cycle, lane)
    for i in np.lexsort((arrival, inject)):
        if free and free[0][0] <= inject[i]:
            _, lane = heapq.heappop(free)
        else:  # every lane is in the heap once, so the next new lane is len(free)
            lane = len(free)
        lanes[i] = lane
        heapq.heappush(free, (int(arrival[i]), lane))
    return lanes


@dataclass(frozen=True)
class TraceClocks:
    """What converts cycles to microseconds: each PE's clock, the NoC clock (Hz), the tick (s)."""

    pe_hz: np.ndarray  # float64 (n_pes,): each PE's clock at its operating point
    noc_hz: float
    tick_s: float


def trace_events(window: TimelineWindow, clocks: TraceClocks, pe_xy: np.ndarray) -> list[dict]:
    """Chrome trace events (see the module docstring) of ``window``; ``pe_xy``: (n_pes, 2)."""
    n_pes = len(pe_xy)
    busy, flights = window.busy_array(), window.flight_array()
    busy = busy[busy[:, 3] > 0]
    events: list[dict] = [{"name": "process_name", "ph": "M", "pid": 0,
                           "args": {"name": "chip"}}]  # fmt: skip
    for pe in np.unique(busy[:, 1]):
        x, y = pe_xy[pe]
        events += _thread(int(pe), f"PE {pe} (x={x}, y={y})")
    for tick in range(window.first, window.last + 1):
        events.append({"name": f"tick {tick}", "ph": "i", "s": "g", "pid": 0, "tid": 0,
                       "ts": tick * clocks.tick_s * US})  # fmt: skip
    us_per_cycle = US / np.asarray(clocks.pe_hz, dtype=np.float64)
    for tick, pe, start, cycles, kind in busy.tolist():
        to_us = us_per_cycle[pe]
        events.append({
            "name": "update" if kind == TimelineWindow.UPDATE else "packets", "cat": "pe",
            "ph": "X", "pid": 0, "tid": pe, "ts": start * to_us, "dur": cycles * to_us,
            "args": {"tick": tick, "cycles": cycles, "start_cycle": start},
        })  # fmt: skip
    lanes = flight_lanes(flights[:, 1], flights[:, 2])
    for lane in range(int(lanes.max()) + 1 if len(lanes) else 0):
        events += _thread(n_pes + lane, f"NoC flights {lane}")
    to_us = US / clocks.noc_hz
    for (tick, inject, arrival, src, dest), lane in zip(flights.tolist(), lanes.tolist(),
                                                        strict=True):  # fmt: skip
        events.append({
            "name": f"packet {src}->{dest}", "cat": "noc", "ph": "X", "pid": 0,
            "tid": n_pes + lane, "ts": inject * to_us, "dur": (arrival - inject) * to_us,
            "args": {"tick": tick, "inject_cycle": inject, "arrival_cycle": arrival,
                     "src_endpoint": src, "dest_endpoint": dest},
        })  # fmt: skip
    return events


def _thread(tid: int, name: str) -> list[dict]:
    return [
        {"name": "thread_name", "ph": "M", "pid": 0, "tid": tid, "args": {"name": name}},
        {"name": "thread_sort_index", "ph": "M", "pid": 0, "tid": tid, "args": {"sort_index": tid}},
    ]


def write_timeline(
    path: Path, window: TimelineWindow, clocks: TraceClocks, pe_xy: np.ndarray
) -> Path:
    """Write ``window`` as a Chrome trace-event JSON file at ``path``."""
    trace = {
        "traceEvents": trace_events(window, clocks, pe_xy),
        "displayTimeUnit": "ns",
        "otherData": {
            "ticks": [window.first, window.last],
            "pe_clock_hz": sorted(set(np.asarray(clocks.pe_hz).tolist())),
            "noc_clock_hz": clocks.noc_hz,
            "flights_left_out": window.flights_left_out,
        },
    }
    path.write_text(json.dumps(trace, separators=(",", ":")))
    return path
