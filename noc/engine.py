"""The public NoC engine: packets in and out as arrays, simulated cycle by cycle in Cython.

:class:`NocEngine` validates input, keeps the window bookkeeping and hands the simulation to a
*core*: the Cython ``noc._engine.EngineCore`` here, the pure-Python ``noc.reference`` core in
:class:`noc.reference.ReferenceEngine`. Both cores implement the router model described in
``noc/README.md`` and must agree cycle for cycle.

Zero-load latency
-----------------
A packet of ``F`` flits injected at cycle ``t`` that crosses ``H`` links, with router pipeline
``R`` and link latency ``Lk`` cycles, and meets no other traffic, arrives at::

    arrival_cycle = t + H * (R + Lk) + R + (F - 1)

(``H + 1`` routers of ``R`` cycles, ``H`` links, and ``F - 1`` cycles of serialisation for the
body flits; see ``tests/noc/test_zero_load.py``), provided the body flits never wait for a
credit: ``buffer_depth >= 2 * Lk + R`` (the credit round trip) or ``F <= buffer_depth``.

Chip links (``Mesh(chip_links=True)``, ``noc/README.md``): a packet to an external endpoint
that crosses ``H`` router-to-router links to its edge router arrives at the far end of the
chip link (``hops = H + 1``) at::

    arrival_cycle = t + H * (R + Lk) + R + (F - 1) + Lk

and a packet from an external endpoint, admitted at ``t``, enters its edge router as if it
had crossed the chip link at ``t`` (head ready ``Lk + R`` cycles later) and arrives at::

    arrival_cycle = t + Lk + 1 + H * (R + Lk) + R + (F - 1)

(``hops = H``: the sending chip counts the chip link).
"""

from __future__ import annotations

import numpy as np

from noc.params import NocParams, Routing
from noc.routing import MulticastTables
from noc.stats import Deliveries, NocStats, empty_deliveries
from noc.topology import Mesh

try:
    from noc._engine import EngineCore
except ImportError as exc:  # pragma: no cover - depends on the build
    raise ImportError(
        "noc._engine (the Cython NoC engine) is not built: run `pip install -e .` or "
        "`python setup.py build_ext --inplace` in the chipsim checkout"
    ) from exc


def flight_possible(mesh: Mesh, params: NocParams) -> bool:
    """Whether the engine may move flits in flight across routers that hold nothing else
    (noc/README.md, "Flits in flight"; ``EngineCore.fliers_per_router`` of an engine of one
    thread): one VC, one-flit packets, buffers deeper than ``Lk + 1``, a mesh without chip
    links at most 32768 routers wide and high (unicast fliers on XY routing without drops,
    multicast fliers otherwise). Sparse spike traffic then runs faster in one thread than in
    bands (which do not fly)."""
    lk, r = params.link_latency_cycles, params.router_pipeline_cycles
    return (
        params.virtual_channels == 1 and params.packet_flits == 1 and lk + r < 64
        and params.buffer_depth >= lk + 2 and mesh.chip_link_count == 0
        and max(mesh.width, mesh.height) <= 32768
    )  # fmt: skip


class NocEngine:
    """Cycle-level simulation of a mesh of input-queued virtual-channel routers.

    Parameters
    ----------
    mesh
        Topology (routers, local ports, torus, chip links).
    params
        Router, link and buffer parameters; ``params.routing`` picks XY unicast or tables.
    tables
        Multicast routing tables; required when ``params.routing`` is ``multicast_table``.
    record_packets
        Keep every delivery record in ``stats.packets`` (for latency histograms). Turn off
        for long runs to keep memory bounded.
    threads
        Threads that simulate the routers, each a band of mesh rows (noc/README.md, "Parallel
        bands"): same results as one thread. Used for one VC and one-flit packets (the fused
        cycles, every chip config) on a mesh without chip links, at most one per row;
        otherwise one thread runs.
    """

    _core_class = EngineCore

    def __init__(
        self,
        mesh: Mesh,
        params: NocParams,
        tables: MulticastTables | None = None,
        *,
        record_packets: bool = True,
        threads: int = 1,
    ) -> None:
        _check_setup(mesh, params, tables)
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        self.mesh = mesh
        self.params = params
        self._multicast = params.routing is Routing.MULTICAST_TABLE
        self._core = self._core_class(mesh, params, tables, threads)
        self._record = record_packets
        self._records: list[Deliveries] = []
        self._carry: tuple[np.ndarray, ...] | None = None  # columns arriving at or after now

    @property
    def now(self) -> int:
        """Next cycle to simulate, NoC cycles."""
        return int(self._core.now)

    @property
    def in_flight(self) -> int:
        """Packets injected and neither delivered to every destination nor dropped yet."""
        return int(self._core.unfinished)

    @property
    def next_event_cycle(self) -> int | None:
        """Earliest cycle at which anything can happen; None when the engine is idle."""
        if self._carry is not None:
            return int(self._carry[0].min())
        if self._core.held_from >= 0:  # records kept by the core for the next advance
            return int(self._core.held_from)
        if self._core.busy:
            return self.now
        cycle = int(self._core.next_future_cycle)
        return max(cycle, self.now) if cycle >= 0 else None

    def inject(
        self,
        cycle: np.ndarray,
        src_endpoint: np.ndarray,
        dest_or_key: np.ndarray,
        tag: np.ndarray | None = None,
    ) -> None:
        """Offer packets to their source's injection queue.

        Parameters
        ----------
        cycle : int64[n]
            Cycle at which each packet is ready at its source, >= ``now``, any order.
        src_endpoint : int32[n]
            Source endpoint of each packet: a local port, or an external endpoint
            (``mesh.external_endpoints``) for a packet coming in over a chip link.
        dest_or_key : uint32[n]
            Destination endpoint (XY routing; external endpoints too) or 32-bit multicast
            key (table routing).
        tag : int64[n], optional
            The caller's label of each packet (e.g. what the packet carries), returned
            unchanged with every delivery of it; zeros when not given.

        Packets are queued per source in (cycle, call, array) order; a packet that does not
        fit in the injection queue waits at the source (counted in ``source_wait_cycles``).
        A packet from an external endpoint enters whole into VC 0 of its chip link's input
        port (``buffer_depth`` flits, so it needs ``packet_flits <= buffer_depth``) and waits
        at its source likewise.
        """
        if tag is None:
            tag = np.zeros(np.shape(cycle), dtype=np.int64)
        cycle, src, dest, tag = _as_packets(cycle, src_endpoint, dest_or_key, tag)
        if cycle.size == 0:
            return
        if cycle.min() < self.now:
            raise ValueError(f"inject: cycle {cycle.min()} is before the engine's now {self.now}")
        _check_ids("src_endpoint", src, self.mesh.all_endpoints)
        if not self._multicast:
            _check_ids("dest_or_key (destination endpoint)", dest, self.mesh.all_endpoints)
        if src.max() >= self.mesh.endpoints and self.params.packet_flits > self.params.buffer_depth:
            raise ValueError(
                f"inject: a packet from an external endpoint enters its chip link's input VC "
                f"whole, but packet_flits {self.params.packet_flits} > buffer_depth "
                f"{self.params.buffer_depth}"
            )
        self._core.push(cycle, src.astype(np.int32), dest.astype(np.uint32), tag)

    def advance(self, until_cycle: int) -> Deliveries:
        """Simulate cycles ``now .. until_cycle - 1``; return packets that arrived in them.

        Idle stretches are skipped. A packet whose tail leaves the network in the last cycle
        arrives at ``until_cycle`` and is returned by the next call.
        """
        until_cycle = int(until_cycle)
        if until_cycle < self.now:
            raise ValueError(f"advance: until_cycle {until_cycle} is before now {self.now}")
        self._core.run(until_cycle)  # both cores run to until_cycle
        if self._core.records_sorted:  # the core keeps what arrives at until_cycle or later
            window = self._core.take_output(until_cycle)
            if len(window[0]) == 0:
                return empty_deliveries()
        else:
            window = _window(self._carry, self._core.take_output(), self.mesh.all_endpoints)
            self._carry = None
            if window is None:  # nothing arrived (see the perf note of _window)
                return empty_deliveries()
            cut = int(np.searchsorted(window[0], until_cycle))
            if cut < len(window[0]):
                self._carry = tuple(a[cut:] for a in window)
                window = tuple(a[:cut] for a in window)
        done = Deliveries(*window)
        if self._record and len(done):
            self._records.append(done)
        return done

    @property
    def stats(self) -> NocStats:
        """Counters since construction (copies), with the recorded delivery records."""
        packets = Deliveries.concatenate(self._records)
        self._records = [packets] if len(packets) else []
        core = self._core
        return NocStats.from_counters(
            np.asarray(core.router_counters),
            np.asarray(core.link_flits),
            np.asarray(core.endpoint_counters),
            packets,
        )


def _check_setup(mesh: Mesh, params: NocParams, tables: MulticastTables | None) -> None:
    if params.routing is Routing.MULTICAST_TABLE:
        if tables is None:
            raise ValueError("routing 'multicast_table' needs tables (a MulticastTables)")
        if len(tables.start) != mesh.routers + 1:
            raise ValueError(
                f"tables cover {len(tables.start) - 1} routers, the mesh has {mesh.routers}"
            )
        sizes = np.diff(tables.start)
        if sizes.size and sizes.max() > params.routing_table_entries:
            worst = int(np.argmax(sizes))
            raise ValueError(
                f"router {worst} {mesh.coords(worst)} needs {sizes[worst]} routing table entries "
                f"but its capacity (routing_table_entries) is {params.routing_table_entries}"
            )
        if params.buffer_depth < params.packet_flits:
            raise ValueError(
                f"multicast needs a whole packet to fit in an input buffer (deadlock freedom): "
                f"buffer_depth {params.buffer_depth} < packet_flits {params.packet_flits}"
            )
    if mesh.ports * params.virtual_channels > 64:
        raise ValueError(
            f"ports x virtual_channels must be at most 64 (VC bit masks), got {mesh.ports} x "
            f"{params.virtual_channels}"
        )
    if mesh.torus and params.virtual_channels < 2:
        raise ValueError(
            "a torus needs virtual_channels >= 2 (dateline VC classes avoid deadlock on the "
            f"wrap-around links), got {params.virtual_channels}"
        )


def _as_packets(
    cycle: np.ndarray, src: np.ndarray, dest: np.ndarray, tag: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    names = ("cycle", "src_endpoint", "dest_or_key", "tag")
    arrays = [np.asarray(a) for a in (cycle, src, dest, tag)]
    if any(a.ndim != 1 for a in arrays) or len({a.size for a in arrays}) != 1:
        raise ValueError(f"inject: {', '.join(names)} must be 1-D, equal length")
    for name, a in zip(names, arrays, strict=True):
        if a.size and not np.issubdtype(a.dtype, np.integer):
            raise ValueError(f"inject: {name} must hold integers, got dtype {a.dtype}")
    # int64 and contiguous (the core's memoryviews), copied only where they are not
    cycle, src, dest, tag = (np.ascontiguousarray(a, dtype=np.int64) for a in arrays)
    if dest.size and (dest.min() < 0 or dest.max() > 0xFFFFFFFF):
        raise ValueError("inject: dest_or_key must fit in 32 unsigned bits")
    return cycle, src, dest, tag


def _check_ids(name: str, values: np.ndarray, count: int) -> None:
    """Ids must lie in 0 .. count - 1 (on-chip endpoints, then external ones)."""
    if values.min() < 0 or values.max() >= count:
        bad = values[(values < 0) | (values >= count)][0]
        raise ValueError(
            f"inject: {name} {bad} outside the mesh's endpoints 0..{count - 1} (local ports, "
            "then the external endpoints of its chip links)"
        )


def _window(
    carry: tuple[np.ndarray, ...] | None, new: tuple[np.ndarray, ...], endpoints: int
) -> tuple[np.ndarray, ...] | None:
    """Delivery columns (in Deliveries order) of the carry and the new records of a core
    whose records do not come sorted (the reference twin; chip links; bands), sorted by
    (arrival_cycle, dest_endpoint); None when both are empty.

    # perf: plain column tuples, no concatenation without a carry, no sort of one row: idle
    advance() 25 -> 5 us per call on a 64x64 mesh (see scripts/bench_noc.py). Records sorted
    in the core: advance() 2.1 -> ~0.4 ms per 1 ms tick of the SpiNNaker2-like benchmark run;
    such a core also keeps what arrives at or after a window's end itself
    (``take_output(until)``), so only the other cores' records come here.
    """
    if carry is not None:
        new = tuple(np.concatenate(pair) for pair in zip(carry, new, strict=True))
    if len(new[0]) == 0:
        return None
    if len(new[0]) > 1:
        order = _arrival_dest_order(new[0], new[1], endpoints)
        new = tuple(a[order] for a in new)
    return new


def _arrival_dest_order(arrival: np.ndarray, dest: np.ndarray, endpoints: int) -> np.ndarray:
    """Stable order by (arrival, dest).

    # perf: the core writes records cycle by cycle, so they come nearly sorted and one stable
    sort (timsort) of ``arrival * endpoints + dest`` is nearly linear: 4.5 -> 0.16 ms for
    57,000 records against np.lexsort.
    """
    first = int(arrival.min())
    if (int(arrival.max()) - first + 1) * endpoints >= 2**62:  # the combined key would overflow
        return np.lexsort((dest, arrival))
    return np.argsort((arrival - first) * endpoints + dest, kind="stable")
