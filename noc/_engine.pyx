"""Cycle-level NoC core: input-queued VC routers on flat arrays, no Python per packet or flit.

Twin of :class:`noc.reference.ReferenceCore` (same model, same stage order, same results;
the model is described in ``noc/README.md``). :class:`EngineCore` owns the NumPy arrays and
points the C struct of ``noc/_core.pxd`` at them; the cycle loop, packet admission and the
router stages (``noc/_router.pyx``) run on that struct without the GIL.
"""

import numpy as np

from libc.stdint cimport INT64_MAX, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy

from noc._core cimport (
    C_BUF_READS, C_BUF_WRITES, C_MAX_OCC, C_SW_IN_ARB, C_SW_OUT_ARB, C_VC_ARB, C_XBAR,
    E_INJECTED, E_WAIT, NC, NDIR, Branch, Core, Flier, Handoff, InVC, OutVC, Packet,
    Router, Slot, prefetch, push_flit,
)
from noc._stages cimport note_occupancy
from noc._bands cimport (
    Bands, Worker, band_cycle, bands_cycle_serial, copy_all_boundary, join_workers,
    park_workers, pthread_t, start_workers, wake_workers,
)
from noc._flight cimport admit_into_flight, clear_flight_wheel, fly_due, holds_flier, land
from noc._fused cimport choose_visits, point_visits, visits_prefetch
from noc._multicast_flight cimport board_multicast
from noc._records cimport sort_by_dest
from noc._route cimport mesh_xy_output
from noc._router cimport router_cycle

from noc.params import BlockedPolicy, Routing
from noc.routing import MulticastTables
from noc.stats import DELIVERY_DTYPES, ENDPOINT_COUNTERS, ROUTER_COUNTERS

cdef enum:
    MAX_BANDS = 64  # threads of a parallel run at most
    # router visits in a cycle at or above which a parallel run's next cycles go to the
    # threads, and cycles in a row with less than half as many after which they go back to
    # the main thread alone (``_run_bands``)
    PARALLEL_ABOVE = 32
    QUIET_CYCLES = 64
    AHEAD = 8  # packets ahead of the one admitted whose rows are prefetched (``_admit``)
    XY_TABLE_BYTES = 32 * 1024  # largest table of XY output ports (``_init_xy_ports``)


assert len(ROUTER_COUNTERS) == NC and ROUTER_COUNTERS[C_MAX_OCC] == "max_buffer_occupancy_flits"
assert ENDPOINT_COUNTERS[E_INJECTED] == "injected_packets" and ENDPOINT_COUNTERS[E_WAIT] == (
    "source_wait_cycles"
)


cdef class EngineCore:
    """Cython core with the interface NocEngine uses (see noc/engine.py)."""

    cdef Core c
    cdef dict arrays  # name -> NumPy array the struct points into (keeps them alive)
    # packets waiting for their cycle: ids fut[fut_pos:] in the order of their cycles,
    # fut_cycle[k] the cycle of fut[k] (# perf: the admission's test of the next packet read
    # a row of pk each cycle, which the flight had evicted: 13 % of the samples of the
    # TrueNorth-like capture replayed, docs/benchmarks.md)
    cdef int32_t[::1] fut, wt_head, wt_tail, wl
    cdef int64_t[::1] fut_cycle
    cdef uint8_t[::1] in_wl
    cdef int fut_pos, n_wl, n_pk, out_cap
    # parallel bands (noc/_bands.pyx): T band structs in x.core (T = 0: none), the band of
    # each router, the bands' own arrays, records taken from them when their buffers filled
    cdef Bands x
    cdef int T
    cdef bint serial_bands
    cdef int parallel_above
    cdef int32_t[::1] band_of
    cdef list band_arrays, band_stash
    cdef tuple fold_mark  # (``_fold_flight``)

    def __init__(self, mesh, params, tables, int threads=1):
        c = &self.c
        c.R, c.P, c.L = mesh.routers, mesh.ports, mesh.ports_per_router
        c.V, c.F, c.D = params.virtual_channels, params.packet_flits, params.buffer_depth
        c.NI = c.P * c.V
        c.Lk, c.Rp = params.link_latency_cycles, params.router_pipeline_cycles
        c.E = params.ejection_cycles_per_packet
        c.width, c.height, c.torus = mesh.width, mesh.height, mesh.torus
        if max(c.width, c.height) > 65536:  # Slot.dx, Slot.dy are 16 bits
            raise ValueError(
                f"mesh width and height must be at most 65536, got {c.width}x{c.height}"
            )
        c.EP, c.NX = mesh.endpoints, mesh.chip_link_count
        c.multicast = params.routing is Routing.MULTICAST_TABLE
        c.drop = params.blocked_policy is BlockedPolicy.DROP
        c.drop_after = params.drop_after_cycles or 0
        # fused V = 1, F = 1 router cycle (Lk + R < 64: pop history bits, wake-up wheel);
        # perf: by itself 7.1 -> 9.4 M flit-hops/s CPU on 8x8 uniform at 0.17, 4.3 -> 6.9 M on
        # the 64x64 chipsim-like windows (scripts/bench_noc.py, back to back)
        c.fused = c.V == 1 and c.F == 1 and c.Lk + c.Rp < 64
        c.unicast = c.fused and not c.multicast and not c.drop
        c.now = c.unfinished = c.n_act = c.n_out = 0
        c.lo, c.hi = 0, c.R  # every router (one band: see noc/_bands.pyx)
        c.lone_below = c.R // 8  # (noc/_fused.pyx, ``visit``)
        self.arrays = {}
        self._init_topology(mesh, tables)
        choose_visits(c)
        self._init_vcs(params.injection_queue_packets * c.F)
        self._init_packets(1024)
        self._set("ec", np.zeros((c.EP + c.NX, len(ENDPOINT_COUNTERS)), dtype=np.int64))
        self._alloc_output(4096)
        self.parallel_above = PARALLEL_ABOVE
        self._init_flight()
        self._init_xy_ports()
        if threads > 1 and c.fused and c.NX == 0 and c.height > 1:
            c.fly = False  # (a band's flits are never in flight)
            self._init_bands(min(threads, c.height, MAX_BANDS))

    cdef _set(self, str name, array):
        """Keep ``array`` and point the struct field ``name`` at its data (in the bands' structs
        too, unless each band has its own: ``_BAND_OWN``)."""
        array = np.ascontiguousarray(array)
        self.arrays[name] = array
        _point(&self.c, name, array)
        if name not in _BAND_OWN:
            for b in range(self.T):
                _point(&self.x.core[b], name, array)

    def _init_bands(self, int T):
        """T bands of rows with their own structs (noc/_bands.pyx): copies of the engine's,
        with the band's routers, wheel, records, freed ids and outboxes."""
        cdef Core* c = &self.c
        cdef int b
        self._set("snap", np.zeros_like(self.arrays["vc"]))
        memory = np.zeros(T * sizeof(Core), dtype=np.uint8)
        self.band_arrays = [memory]
        self.band_stash = []
        self.x.core = <Core*><size_t>memory.ctypes.data
        rows = np.arange(c.height) * T // c.height  # band of each row
        self.band_of = np.repeat(rows, c.width).astype(np.int32)
        for b in range(T):
            memcpy(&self.x.core[b], c, sizeof(Core))
            first, last = np.flatnonzero(rows == b)[[0, -1]]
            self.x.core[b].lo, self.x.core[b].hi = first * c.width, (last + 1) * c.width
            self.x.core[b].lone_below = (last + 1 - first) * c.width // 8
            own = {
                "wheel": np.zeros(c.W * c.NW, dtype=np.uint64),
                "out_lo": np.zeros(c.width, dtype=_HANDOFF),
                "out_hi": np.zeros(c.width, dtype=_HANDOFF),
                "dirty": np.zeros(4 * c.width, dtype=np.int32),
            }
            self.band_arrays.append(own)
            for name, array in own.items():
                _point(&self.x.core[b], name, array)
            self.x.core[b].n_wait = self.x.core[b].n_lo = self.x.core[b].n_hi = 0
            self.x.core[b].unfinished = self.x.core[b].n_free = 0
        self.x.T = self.T = T
        self.out_cap = max(self.out_cap, 8 * (c.EP + c.NX))  # a cycle writes EP + NX at most
        self._alloc_band_buffers()

    def _alloc_band_buffers(self):
        """Records (out_cap each), record-sort scratch and free-id lists (n_pk) per band."""
        cdef int b
        ne = self.c.EP + self.c.NX
        for b in range(self.T):
            own = self.band_arrays[1 + b]
            for name, dtype in zip(_OUTPUT_FIELDS, DELIVERY_DTYPES):
                own[name] = np.zeros(self.out_cap, dtype=dtype)
            own["rec_seen"] = np.zeros((ne + 63) // 64, dtype=np.uint64)
            own["rec_at"] = np.zeros(ne, dtype=np.int32)
            own["rec_scratch"] = np.zeros(ne, dtype=np.int64)
            own["free_ids"] = np.zeros(self.n_pk, dtype=np.int32)
            for name in (*_OUTPUT_FIELDS, "rec_seen", "rec_at", "rec_scratch", "free_ids"):
                _point(&self.x.core[b], name, own[name])
            self.x.core[b].n_out = 0

    def _init_topology(self, mesh, tables):
        cdef Core* c = &self.c
        x, y = np.arange(c.R) % c.width, np.arange(c.R) // c.width
        routers = np.zeros(c.R, dtype=_struct_dtype(_ROUTER, sizeof(Router)))
        routers["wake"] = np.iinfo(np.int64).max
        routers["x"], routers["y"], routers["nbr"] = x, y, mesh.neighbours
        self._set("rt", routers)
        self._set("occ", np.zeros(c.R, dtype=np.uint64))
        edges = np.stack([y == c.height - 1, x == c.width - 1, y == 0, x == 0], axis=1)
        self._set("wraps", (edges & bool(c.torus)).reshape(-1).astype(np.uint8))
        self._set("port_of", (np.arange(c.NI) // c.V).astype(np.int32))
        ends = mesh.chip_link_ends.astype(np.int32)
        self._set("ep_node", np.concatenate([np.arange(c.EP) // c.L, ends[:, 0]]).astype(np.int32))
        self._set("clink", mesh.chip_link_ids.reshape(-1).astype(np.int32))
        self._set("x_end", np.append(ends.reshape(-1), np.int32(0)))  # not empty
        form = (tables if tables is not None else MulticastTables.empty(c.R)).search_form()
        self._set("t_start", form.run_start)
        self._set("t_mask", _nonempty(form.run_mask))
        self._set("t_first", form.run_first)
        self._set("t_key", _nonempty(form.key))
        self._set("t_route", _nonempty(form.route))
        self._set("t_index_at", _nonempty(form.run_index_at))
        self._set("t_shift", _nonempty(form.run_shift))
        self._set("t_low", _nonempty(form.run_low))
        self._set("t_span", _nonempty(form.run_span))
        self._set("t_direct", _nonempty(form.direct))

    def _init_xy_ports(self):
        """The fused unicast path's table of XY output ports, router by destination endpoint,
        where it is at most ``XY_TABLE_BYTES`` (noc/_route.pxd, ``mesh_xy_output``), filled
        by the computation it replaces (# perf: the 8x8 benchmark's 64 x 64 bytes, one read
        in place of the coordinates' signs: -4.8 % instructions in its router cycles, +2 %
        flit-hops/s CPU in 10 paired runs; meshes whose table would not fit, such as the
        TrueNorth-like chip's, are unchanged)."""
        cdef Core* c = &self.c
        cdef int r, e, n = c.EP + c.NX
        cdef Slot s
        cdef uint8_t[::1] table
        c.xy_port = NULL
        if not c.unicast or c.R * n > XY_TABLE_BYTES:
            return
        table = np.zeros(c.R * n, dtype=np.uint8)
        for e in range(n):
            s.key = e
            r = c.ep_node[e]
            s.dx, s.dy = c.rt[r].x, c.rt[r].y
            for r in range(c.R):
                table[r * n + e] = mesh_xy_output(c, r, &s)
        self._set("xy_port", table.base)

    def _init_vcs(self, queue_flits):
        cdef Core* c = &self.c
        ng = c.R * c.NI
        port, vc = (np.arange(ng) // c.V) % c.P, np.arange(ng) % c.V
        caps = np.where(port < NDIR, c.D, np.where(vc == 0, queue_flits, 0))
        vcs = np.zeros(ng, dtype=_struct_dtype(_IN_VC, sizeof(InVC)))
        vcs["cap"], vcs["base"], vcs["route"] = caps, np.cumsum(caps) - caps, -1
        self._set("vc", vcs)
        self._set("slot", np.zeros(int(caps.sum()), dtype=_struct_dtype(_SLOT, sizeof(Slot))))
        branches = np.zeros(ng * c.P, dtype=_struct_dtype(_BRANCH, sizeof(Branch)))
        branches["ovc"] = -1
        self._set("br", branches)
        ovcs = np.zeros(ng, dtype=_struct_dtype(_OUT_VC, sizeof(OutVC)))
        ovcs["owner"], ovcs["credits"] = -1, np.where(port < NDIR, c.D, 0)
        self._set("ovc", ovcs)
        self._set("rr_va", np.zeros(ng, dtype=np.uint16))
        self._set("held", np.zeros(c.R, dtype=np.uint32))
        self._set("cr_time", np.zeros(ng * c.D, dtype=np.int64))
        self._set("rr_in", np.zeros(c.R * c.P, dtype=np.int32))
        self._set("rr_out", np.zeros(c.R * c.P, dtype=np.int32))
        self._set("eject_ready", np.zeros(c.R * c.L, dtype=np.int64))
        self._set("act", np.zeros(c.R, dtype=np.int32))
        self._set("in_act", np.zeros(c.R, dtype=np.uint8))
        c.W = 1 << int(c.Lk + c.Rp).bit_length()
        c.NW = (c.R + 63) // 64
        self._set("wheel", np.zeros(c.W * c.NW, dtype=np.uint64))
        c.n_wait = 0
        self._set("va_req", np.zeros(c.NI, dtype=np.uint64))
        for name in ("port_vc", "port_mask", "grant_in"):
            self._set(name, np.zeros(c.P, dtype=np.int32))
        ne = c.EP + c.NX
        self.wt_head = np.full(ne, -1, dtype=np.int32)
        self.wt_tail = np.full(ne, -1, dtype=np.int32)
        self.wl = np.zeros(ne, dtype=np.int32)
        self.in_wl = np.zeros(ne, dtype=np.uint8)
        self.n_wl = 0

    def _init_flight(self):
        """The flight table, its wheel and counters (noc/_flight.pyx); flits fly on the fused
        path of a mesh without chip links whose buffers are deeper than Lk + 1: a router
        holding nothing, or a flier that came over the link, then always has a credit for the
        link's upstream router (its pops of the last Lk cycles and the flier leave a slot),
        so that a flier need not be in the buffer for credit checks; two fliers in a router
        (unicast only: noc/_multicast_flight.pyx) need buffers deeper than Lk + 2. (Flier.kx,
        ky: meshes up to 32768 wide.)"""
        cdef Core* c = &self.c
        c.fly = c.fused and c.NX == 0 and c.D >= c.Lk + 2 and max(c.width, c.height) <= 32768
        c.fly2 = c.fly and c.unicast and c.D >= c.Lk + 3
        c.n_fly = c.flown = c.landed = 0
        self.fold_mark = (0, 0, 0)
        fliers = np.zeros(2 * c.R, dtype=_struct_dtype(_FLIER, sizeof(Flier)))
        fliers["flit"]["ready"] = -1
        self._set("fl", fliers)
        self._set("fly_m", np.zeros(c.R, dtype=np.uint8))
        self._set("fly_busy", np.zeros(c.NW, dtype=np.uint64))
        c.fcap = 2 * c.R
        self._set("fwheel", np.zeros(c.W * c.fcap, dtype=np.int32))
        self._set("fwn", np.zeros(c.W, dtype=np.int32))
        self._set("fh", np.zeros(c.R * c.P, dtype=np.int32))
        self._set("fa", np.zeros(c.R, dtype=np.int32))
        c.step[0], c.step[1], c.step[2], c.step[3] = c.width, 1, -c.width, -1  # N, E, S, W

    def _fold_flight(self):
        """Add the fliers' counters (``Core.fh``, ``Core.fa``) into the router records: each
        departure a VC grant and a crossbar traversal of its router (and a link flit through a
        mesh port), each arrival a buffer write and an occupancy of at least one flit. The
        arrivals at a router are the departures towards it from its neighbours, corrected by
        ``fa`` (noc/_flight.pyx). A loop in C (# perf: the same in NumPy took 0.25 ms on the
        64x64 mesh, once per ``run``: 1-2 % of the TrueNorth-like run)."""
        cdef Core* c = &self.c
        cdef int r, d, o, n
        cdef int64_t came, crossed
        with nogil:
            for r in range(c.R):
                came = c.fa[r]
                for d in range(NDIR):  # from the neighbour across d, through its port opp(d)
                    n = c.rt[r].nbr[d]
                    if n >= 0:
                        came += c.fh[n * c.P + (d ^ 2)]
                crossed = 0
                for o in range(c.P):
                    crossed += c.fh[r * c.P + o]
                c.rt[r].rc[C_XBAR] += crossed
                c.rt[r].rc[C_VC_ARB] += crossed
                c.rt[r].rc[C_BUF_WRITES] += came
                if came > 0 and c.rt[r].rc[C_MAX_OCC] < 1:
                    c.rt[r].rc[C_MAX_OCC] = 1
            for r in range(c.R):  # (after every router's arrivals: they read the departures)
                for o in range(NDIR):
                    c.rt[r].lf[o] += c.fh[r * c.P + o]
                for o in range(c.P):
                    c.fh[r * c.P + o] = 0
                c.fa[r] = 0
        # nothing to fold while these stay: every departure counts in flown, and every other
        # way into flight (a router cycle's send, an admission) adds to n_fly, which falls
        # only with a departure or a landing
        self.fold_mark = (self.c.flown, self.c.landed, self.c.n_fly)

    @property
    def fly(self):
        """Whether flits may be in flight (noc/_flight.pyx for unicast, else
        noc/_multicast_flight.pyx; tests: False, never)."""
        return bool(self.c.fly)

    @property
    def visits(self):
        """Fused path: router visits since construction (one band; benchmarks)."""
        return self.c.visits

    @property
    def fliers_per_router(self):
        """How many flits a router may hold in flight (noc/_flight.pyx): 0, 1 or 2 (a multicast
        flier is alone in its router: noc/_multicast_flight.pyx)."""
        return 0 if not self.c.fly else 2 if self.c.fly2 else 1

    @property
    def flight(self):
        """(crossbar traversals made in flight, fliers landed) since construction
        (noc/_flight.pyx, noc/_multicast_flight.pyx)."""
        return self.c.flown, self.c.landed

    @fly.setter
    def fly(self, value):
        if value and not self.fly:
            raise ValueError("flits can be in flight only where EngineCore chose so")
        if self.c.n_fly:
            raise ValueError("flits are in flight")
        self.c.fly = bool(value)
        self.c.fly2 = self.c.fly2 and self.c.fly

    def _init_packets(self, n):
        self._set("pk", np.zeros(n, dtype=_struct_dtype(_PACKET, sizeof(Packet))))
        self._set("free_ids", np.arange(n - 1, -1, -1, dtype=np.int32))
        self.c.n_free, self.n_pk = n, n
        self.fut = np.zeros(0, dtype=np.int32)
        self.fut_cycle = np.zeros(0, dtype=np.int64)
        self.fut_pos = 0

    def _grow_packets(self, need):
        n = self.n_pk
        new_n = max(2 * n, n + need)
        self._set("pk", _grown(self.arrays["pk"], new_n))
        free = np.empty(new_n, dtype=np.int32)
        free[: self.c.n_free] = self.arrays["free_ids"][: self.c.n_free]
        free[self.c.n_free : self.c.n_free + new_n - n] = np.arange(new_n - 1, n - 1, -1)
        self._set("free_ids", free)
        self.c.n_free += new_n - n
        self.n_pk = new_n

    def _alloc_output(self, n):
        ne = self.c.EP + self.c.NX  # a cycle writes at most one record per endpoint
        self._set("rec_seen", np.zeros((ne + 63) // 64, dtype=np.uint64))
        self._set("rec_at", np.zeros(ne, dtype=np.int32))
        self._set("rec_scratch", np.zeros(ne, dtype=np.int64))
        for name, dtype in zip(_OUTPUT_FIELDS, DELIVERY_DTYPES):
            self._set(name, np.zeros(n, dtype=dtype))
        self.out_cap = n
        self.c.n_out = 0

    # --- interface used by NocEngine -------------------------------------------------------
    @property
    def now(self):
        return self.c.now

    @property
    def fused(self):
        """Whether routers run the fused V = 1, F = 1 cycle (noc/_fused.pyx)."""
        return bool(self.c.fused)

    @property
    def unicast(self):
        """Whether the fused routers run its XY unicast, no-drop form (``unicast_cycle``)."""
        return bool(self.c.unicast)

    @property
    def unfinished(self):
        return self.c.unfinished

    @property
    def router_counters(self):
        """Router counters, (R, NC) int64 (a copy out of the router records). The unicast
        cycle counts crossbar traversals only: each was one input and one output switch
        arbitration and one buffer read, which it does not count apart (# perf: +1-2 %
        flit-hops/s CPU on 8x8 at 0.17)."""
        counters = np.ascontiguousarray(self.arrays["rt"]["rc"])
        if self.c.unicast:
            for column in (C_SW_IN_ARB, C_SW_OUT_ARB, C_BUF_READS):
                counters[:, column] = counters[:, C_XBAR]
        return counters

    @property
    def link_flits(self):
        """Flits sent per router and mesh direction, (R, 4) int64 (a copy)."""
        return np.ascontiguousarray(self.arrays["rt"]["lf"])

    @property
    def endpoint_counters(self):
        return self.arrays["ec"]

    def push(self, cycle, src, key, tag):
        """Take packets (int64 cycle, int32 src, uint32 key, int64 tag); queue them by cycle,
        stably (after the packets already waiting at the same cycle)."""
        n = len(cycle)
        if n > self.c.n_free:
            self._grow_packets(n - self.c.n_free)
        ids = self.arrays["free_ids"][self.c.n_free - n : self.c.n_free][::-1].copy()
        self.c.n_free -= n
        self._fill(ids, cycle, src, key, tag)
        order = _stable_order(cycle)
        self.fut, self.fut_cycle = _merged(
            np.asarray(self.fut)[self.fut_pos :], np.asarray(self.fut_cycle)[self.fut_pos :],
            ids[order], cycle[order],
        )  # fmt: skip
        self.fut_pos = 0
        self.c.unfinished += n

    def _fill(
        self, const int32_t[::1] ids, const int64_t[::1] cycle, const int32_t[::1] src,
        const uint32_t[::1] key, const int64_t[::1] tag,
    ):  # fmt: skip
        """Write new packets into their rows of ``pk`` (# perf: against six field-by-field
        fancy assignments, see ``push``)."""
        cdef Packet* p
        cdef Py_ssize_t k
        for k in range(ids.shape[0]):
            p = &self.c.pk[ids[k]]
            p.cycle, p.src, p.key, p.tag, p.live, p.next = cycle[k], src[k], key[k], tag[k], 1, -1

    @property
    def busy(self):
        return self.c.n_act > 0 or self._waiting() > 0 or self.c.n_fly > 0 or self.n_wl > 0

    cdef int _waiting(self) noexcept nogil:
        """Routers with a visit due (on the wheel, or the bands' wheels)."""
        cdef int b, n = self.c.n_wait
        for b in range(self.T):
            n += self.x.core[b].n_wait
        return n

    @property
    def next_future_cycle(self):
        if self.fut_pos < len(self.fut):
            return int(self.fut_cycle[self.fut_pos])
        return -1

    def run(self, int64_t until):
        """Simulate cycles now .. until - 1 (growing the output buffer when needed)."""
        if self.T:
            self._run_bands_until(until)
            return
        while self.c.now < until:
            if self.c.n_out + self.c.EP + self.c.NX > self.out_cap:
                old = self.take_output()
                self._alloc_output(2 * self.out_cap)
                for name, column in zip(_OUTPUT_FIELDS, old):
                    self.arrays[name][: len(column)] = column
                self.c.n_out = len(old[0])
            with nogil:
                self._run(until)
        if self.c.fly and (self.c.flown, self.c.landed, self.c.n_fly) != self.fold_mark:
            self._fold_flight()

    @property
    def records_sorted(self):
        """Whether ``take_output`` gives its records sorted by (arrival, dest): without chip
        links (a chip link's record arrives ``Lk`` cycles after the local ones of its cycle)
        and bands (each band writes its own)."""
        return self.c.NX == 0 and self.T == 0

    @property
    def bands(self):
        """Bands of rows run in parallel (noc/_bands.pyx); 0: none."""
        return self.T

    @property
    def serial_bands(self):
        """Whether the bands run one after the other in the calling thread (tests)."""
        return bool(self.serial_bands)

    @serial_bands.setter
    def serial_bands(self, value):
        self.serial_bands = bool(value)

    @property
    def parallel_above(self):
        """Router visits in a cycle at or above which the next cycles run in threads (tests:
        0, every cycle; a small value, frequent switches)."""
        return self.parallel_above

    @parallel_above.setter
    def parallel_above(self, int value):
        self.parallel_above = value

    @property
    def lone_below(self):
        """Router visits in a cycle below which the fused unicast cycle takes its one-port
        path in the next (noc/_fused.pyx, ``visit``; tests: 0, never; R + 1, always)."""
        return self.c.lone_below

    @lone_below.setter
    def lone_below(self, int value):
        cdef int b
        self.c.lone_below = value
        for b in range(self.T):
            self.x.core[b].lone_below = value

    @property
    def prefetching(self):
        """Whether the fused path's visits prefetch the next router's input VCs (chosen by
        the mesh's size: noc/_fused.pyx, ``choose_visits``; tests: either, the same
        results)."""
        return bool(visits_prefetch(&self.c))

    @prefetching.setter
    def prefetching(self, bint value):
        cdef int b
        point_visits(&self.c, value)
        for b in range(self.T):
            point_visits(&self.x.core[b], value)

    def take_output(self, until=None):
        """Delivery records since the last call: (arrival, dest, key, src, inject, hops, tag),
        each cycle's by destination (see ``records_sorted``). With ``until`` (records sorted
        only), those arriving before it; the others stay for the next call (# perf: no
        concatenation in Python of what arrives at a window's end with the next window's
        records, no search for the cut: the 8x8 benchmark's ``advance`` +2 % flit-hops/s CPU,
        10 paired runs; its Python side had been 3 % of it)."""
        cdef int n = self.c.n_out, cut = self.c.n_out
        cdef int64_t limit
        if self.T:
            return self._take_band_output()
        if until is not None:
            limit = until
            while cut and self.c.o_arr[cut - 1] >= limit:
                cut -= 1
        taken = tuple(self.arrays[name][:cut].copy() for name in _OUTPUT_FIELDS)
        if cut < n:
            for name in _OUTPUT_FIELDS:
                self.arrays[name][: n - cut] = self.arrays[name][cut:n].copy()
        self.c.n_out = n - cut
        return taken

    @property
    def held_from(self):
        """Arrival cycle of the first record that ``take_output(until)`` kept (-1: none)."""
        return self.c.o_arr[0] if self.c.n_out and not self.T else -1

    # --- the cycle loop ----------------------------------------------------------------------
    cdef void _run(self, int64_t until) noexcept nogil:
        """Cycles until ``until`` or until the output buffer might overflow; idle gaps skipped."""
        cdef Core* c = &self.c
        cdef int first
        while c.now < until and c.n_out + c.EP + c.NX <= self.out_cap:
            if c.n_act == 0 and c.n_wait == 0 and c.n_fly == 0 and self.n_wl == 0:
                c.now = self._next_injection(until)
                clear_flight_wheel(c)  # (cycles skipped: their buckets are not emptied)
                if c.now >= until:
                    return
            self._admit()
            first = c.n_out
            if c.unicast and c.fwn[c.now & (c.W - 1)]:  # fliers due now (or landed)
                fly_due(c)  # (before the visits, so that a flier landing now is visited now)
            if c.fused:
                c.visit_routers(c)
            else:
                self._visit_active()
            sort_by_dest(c, first)
            c.now += 1

    cdef void _visit_active(self) noexcept nogil:
        """General path: visit every router with flits (routers activated during the cycle
        too); then record buffer occupancies and drop emptied routers from the list."""
        cdef Core* c = &self.c
        cdef int i = 0, k = 0, r
        while i < c.n_act:
            router_cycle(c, c.act[i])
            i += 1
        for i in range(c.n_act):
            r = c.act[i]
            if c.rt[r].buf_flits > c.rt[r].rc[C_MAX_OCC]:
                c.rt[r].rc[C_MAX_OCC] = c.rt[r].buf_flits
            if c.occ[r]:  # flits left
                c.act[k] = r
                k += 1
            else:
                c.in_act[r] = 0
        c.n_act = k

    cdef inline Core* _owner(self, int r) noexcept nogil:
        """The struct whose wheel holds router r: its band's, or the engine's."""
        return &self.x.core[self.band_of[r]] if self.T else &self.c

    # --- parallel bands (noc/_bands.pyx) ------------------------------------------------------
    def _run_bands_until(self, int64_t until):
        cdef int b
        if len(self.band_arrays[1]["free_ids"]) < self.n_pk:
            self._grow_band_free_lists()
        while self.c.now < until:
            if self._bands_full():
                self.band_stash.append(self._take_band_records())
            with nogil:
                self._run_bands(until)

    def _grow_band_free_lists(self):
        cdef int b
        for b in range(self.T):
            own = self.band_arrays[1 + b]
            own["free_ids"] = np.zeros(self.n_pk, dtype=np.int32)
            _point(&self.x.core[b], "free_ids", own["free_ids"])

    def _take_band_records(self):
        cdef int b
        parts = []
        for b in range(self.T):
            n = self.x.core[b].n_out
            self.x.core[b].n_out = 0
            own = self.band_arrays[1 + b]
            parts.append(tuple(own[name][:n].copy() for name in _OUTPUT_FIELDS))
        return tuple(np.concatenate(column) for column in zip(*parts))

    def _take_band_output(self):
        taken = self.band_stash + [self._take_band_records()]
        self.band_stash = []
        return tuple(np.concatenate(column) for column in zip(*taken))

    cdef void _run_bands(self, int64_t until) noexcept nogil:
        """``_run`` with the routers in bands (noc/_bands.pyx): serial admission, then the
        bands' visits and exchanges, in threads unless ``serial_bands`` or a thread failed to
        start; then the bands' finished packets and freed ids go back to the engine. The
        threads start when first needed in the call (# perf: chipsim advances the NoC of the
        SpiNNaker2-like benchmark in many short windows a tick, and starting two threads for
        each cost more than the NoC's own work).

        The threads take the cycles after one with ``parallel_above`` router visits or more,
        until ``QUIET_CYCLES`` cycles in a row have less than half as many: with fewer, three
        barriers cost more than the visits they share, and the main thread runs the bands one
        after the other while the workers sleep (waking them costs tens of microseconds, hence
        the wait). Either way the results are the same."""
        cdef Core* c = &self.c
        cdef Bands* x = &self.x
        cdef Worker workers[MAX_BANDS]
        cdef pthread_t threads[MAX_BANDS]
        cdef int b
        cdef bint parallel = not self.serial_bands, started = False, threaded = False, end
        cdef int64_t visits = 0  # in the last cycle
        cdef int quiet = 0  # cycles in a row with fewer than half parallel_above visits
        for b in range(x.T):
            copy_all_boundary(&x.core[b])
            x.core[b].visits = 0
        while True:
            end = self._bands_full()
            if not end and self._waiting() == 0 and self.n_wl == 0:
                c.now = self._next_injection(until)
            end = end or c.now >= until
            if not end:
                self._admit()
                x.now = c.now
            quiet = quiet + 1 if 2 * visits < self.parallel_above else 0
            if threaded and (end or quiet >= QUIET_CYCLES):
                park_workers(x, &workers[0])
                threaded = False
            elif parallel and not threaded and not end and visits >= self.parallel_above:
                if not started:  # (once per call, the first time the threads pay)
                    started = parallel = start_workers(x, workers, threads)
                if started:
                    wake_workers(x)
                    threaded = True
            if end:
                break
            if threaded:
                band_cycle(x, &workers[0])
            else:
                bands_cycle_serial(x)
            visits = 0
            for b in range(x.T):
                visits += x.core[b].visits
                x.core[b].visits = 0
            c.now += 1
        if started:
            join_workers(x, threads, x.T)
        for b in range(x.T):
            c.unfinished += x.core[b].unfinished
            x.core[b].unfinished = 0
            memcpy(&c.free_ids[c.n_free], x.core[b].free_ids, x.core[b].n_free * sizeof(int32_t))
            c.n_free += x.core[b].n_free
            x.core[b].n_free = 0

    cdef int64_t _next_injection(self, int64_t until) noexcept nogil:
        """With nothing in the network: the first cycle from now at which a packet waits to be
        injected, or ``until`` if none does before (an idle stretch is skipped)."""
        cdef int64_t nxt = until
        if self.fut_pos < self.fut.shape[0]:
            nxt = min(self.fut_cycle[self.fut_pos], until)
        return max(self.c.now, nxt)

    cdef bint _bands_full(self) noexcept nogil:
        """Whether a band's record buffer might overflow in the next cycle."""
        cdef int b
        for b in range(self.T):
            if self.x.core[b].n_out + self.c.EP > self.out_cap:
                return True
        return False

    cdef void _admit(self) noexcept nogil:
        """Release packets whose cycle has come into their source's FIFO, then move packets
        from the FIFOs into the injection queues (local input ports; for an external source,
        VC 0 of its chip link's input port, as if the packet crossed the link now) while they
        fit. A packet of a local source with an empty FIFO and room in its queue goes
        straight in (# perf: +3 % flit-hops/s CPU on 8x8 at 0.17; sources never share a
        queue, so the order in which sources are served changes nothing)."""
        cdef Core* c = &self.c
        cdef int pid, ep, i, k, r, g
        cdef int64_t ready
        while self.fut_pos < self.fut.shape[0] and self.fut_cycle[self.fut_pos] <= c.now:
            pid = self.fut[self.fut_pos]
            if self.fut_pos + AHEAD < self.fut.shape[0]:  # (a packet's row misses the caches)
                prefetch(&c.pk[self.fut[self.fut_pos + AHEAD]])
            self.fut_pos += 1
            ep = c.pk[pid].src
            if self.wt_tail[ep] < 0 and ep < c.EP:
                r = c.ep_node[ep]  # (ep // L: a division)
                g = r * c.NI + (NDIR + ep - r * c.L) * c.V
                if self._room(r, g):
                    self._enqueue(pid, ep, r, g, c.now + c.Rp - 1)
                    continue
            if self.wt_tail[ep] < 0:
                self.wt_head[ep] = pid
            else:
                c.pk[self.wt_tail[ep]].next = pid
            self.wt_tail[ep] = pid
            if not self.in_wl[ep]:
                self.in_wl[ep] = 1
                self.wl[self.n_wl] = ep
                self.n_wl += 1
        k = 0
        for i in range(self.n_wl):
            ep = self.wl[i]
            if ep < c.EP:
                r = c.ep_node[ep]  # (ep // L: a division)
                g = r * c.NI + (NDIR + ep - r * c.L) * c.V
                ready = c.now + c.Rp - 1
            else:
                r = c.x_end[2 * (ep - c.EP)]
                g = r * c.NI + c.x_end[2 * (ep - c.EP) + 1] * c.V
                ready = c.now + c.Lk + c.Rp
            while self.wt_head[ep] >= 0 and self._room(r, g):
                pid = self.wt_head[ep]
                self.wt_head[ep] = c.pk[pid].next
                if self.wt_head[ep] < 0:
                    self.wt_tail[ep] = -1
                self._enqueue(pid, ep, r, g, ready)
            if self.wt_head[ep] >= 0:
                self.wl[k] = ep
                k += 1
            else:
                self.in_wl[ep] = 0
        self.n_wl = k

    cdef inline bint _room(self, int r, int g) noexcept nogil:
        """Whether input VC g of router r has room for a packet; a flier at r lands first
        (noc/_flight.pyx: it may be a packet of this VC's, admitted into flight)."""
        cdef Core* c = &self.c
        if c.n_fly and holds_flier(c, r):
            land(c, r)
        return c.vc[g].cap - c.vc[g].cnt >= c.F

    cdef inline void _enqueue(self, int pid, int ep, int r, int g, int64_t ready) noexcept nogil:
        """Write the ``F`` flits of packet pid from source ep into input VC g of router r, ready
        at cycle ``ready``, with the buffer, injection and source-wait counts (``_room``: no
        flier at r). In a sparse cycle a packet of a local source whose router holds nothing
        is admitted into flight there instead (noc/_flight.pyx)."""
        cdef Core* c = &self.c
        cdef Slot flit
        cdef int j
        new_flit(c, pid, ready, &flit)
        if c.fly and not c.unicast and ep < c.EP and not c.occ[r]:
            board_multicast(c, r, g - r * c.NI, &flit, ready, 0)
        elif c.fly and c.lone_first and ep < c.EP and not c.occ[r]:
            admit_into_flight(c, r, g - r * c.NI, &flit)
        else:
            for j in range(c.F):
                push_flit(self._owner(r), r, g - r * c.NI, &flit)
        c.rt[r].rc[C_BUF_WRITES] += c.F
        if ep >= c.EP:  # a link input buffer: counts in the occupancy
            c.rt[r].buf_flits += c.F
            if c.fused:  # unless r's visit this cycle is due (see link_traverse)
                note_occupancy(c, r, c.rt[r].buf_flits if c.rt[r].wake != c.now else 0)
        c.ec[ep * 3 + E_INJECTED] += 1
        c.ec[ep * 3 + E_WAIT] += c.now - c.pk[pid].cycle


cdef inline void new_flit(Core* c, int pid, int64_t ready, Slot* flit) noexcept nogil:
    """OUT ``flit``: a flit of packet pid as admitted, ready at cycle ``ready``, no hops, with
    the packet's key and, for XY, its destination router's coordinates (Slot, noc/_core.pxd)."""
    cdef int node
    flit.pkt = pid
    flit.ready = ready
    flit.hops = 0
    flit.key = c.pk[pid].key
    flit.dx = flit.dy = 0
    if not c.multicast:
        node = c.ep_node[flit.key]
        flit.dx = c.rt[node].x
        flit.dy = c.rt[node].y


def _merged(
    const int32_t[::1] old, const int64_t[::1] old_cycle,
    const int32_t[::1] new, const int64_t[::1] new_cycle,
):  # fmt: skip
    """Two lists of packet ids, each sorted by its cycles, merged by cycle (``old`` first at
    ties): (ids, cycles). With the cycles at hand the merge reads no packet row (# perf:
    `inject` on the TrueNorth-like capture 0.62-0.68 -> 0.58-0.61 ms a call, best of 6)."""
    cdef Py_ssize_t n = old.shape[0] + new.shape[0], i = 0, j = 0, k
    ids, cycles = np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int64)
    cdef int32_t[::1] to_id = ids
    cdef int64_t[::1] to_cycle = cycles
    for k in range(n):
        if j == new.shape[0] or (i < old.shape[0] and old_cycle[i] <= new_cycle[j]):
            to_id[k], to_cycle[k] = old[i], old_cycle[i]
            i += 1
        else:
            to_id[k], to_cycle[k] = new[j], new_cycle[j]
            j += 1
    return ids, cycles


def _stable_order(cycle):
    """Stable order of int64 ``cycle`` (# perf: a radix sort of 16-bit offsets when the cycles
    span less than 2**16, as the packets of one tick do on the chip configs: 1.4 -> 0.14 ms
    for the 34,000 packets of a TrueNorth-like tick, against a stable sort of int64)."""
    if cycle.size and int(cycle.max()) - int(cycle.min()) < 1 << 16:
        return np.argsort((cycle - cycle.min()).astype(np.uint16), kind="stable")
    return np.argsort(cycle, kind="stable")


cdef void _point(Core* target, str name, array):
    """Point the pointer field ``name`` of ``target`` at ``array``'s data."""
    (<void**>(<char*>target + <size_t>_OFFSETS[name]))[0] = <void*><size_t>array.ctypes.data


include "_pointers.pxi"

# Fields of the structs of noc/_core.pxd, in declaration order (NumPy structured dtypes with
# C alignment; _struct_dtype checks the size against the C struct).
_IN_VC = (("base", np.int64),) + tuple(
    (name, np.int32)
    for name in ("cap", "head", "cnt", "route", "popped", "dropped", "act_br", "pend_va", "alloc")
) + (("pop_at", np.int64), ("pop_bits", np.uint64))
_PACKET = (("cycle", np.int64), ("tag", np.int64)) + tuple(
    (name, np.int32) for name in ("src", "live", "next")
) + (("key", np.uint32),)
_SLOT = (
    ("ready", np.int64),
    ("pkt", np.int32),
    ("hops", np.int32),
    ("key", np.uint32),
    ("dx", np.uint16),
    ("dy", np.uint16),
)
_ROUTER = (
    ("wake", np.int64),
    ("buf_flits", np.int64),
    ("x", np.int32),
    ("y", np.int32),
    ("nbr", np.int32, (NDIR,)),
    ("rc", np.int64, (NC,)),
    ("lf", np.int64, (NDIR,)),
)
_BRANCH = (("sent", np.int32), ("ovc", np.int32))
_OUT_VC = tuple((name, np.int32) for name in ("owner", "credits", "cr_head", "cr_cnt"))


def _struct_dtype(fields, size):
    """The NumPy dtype of a C struct of ``fields`` ((name, type) pairs) that is ``size`` bytes."""
    dtype = np.dtype(list(fields), align=True)
    if dtype.itemsize != size:
        raise RuntimeError(f"struct layout mismatch: {dtype} is not {size} bytes")
    return dtype


_OUTPUT_FIELDS = ("o_arr", "o_dest", "o_key", "o_src", "o_inj", "o_hops", "o_tag")
# pointer fields each band of a parallel run has its own of (noc/_bands.pyx)
_BAND_OWN = frozenset(
    (*_OUTPUT_FIELDS, "wheel", "rec_seen", "rec_at", "rec_scratch", "free_ids",
     "out_lo", "out_hi", "dirty")
)  # fmt: skip
_HANDOFF = np.dtype(
    [("n", np.int32), ("i", np.int32), ("flit", _struct_dtype(_SLOT, sizeof(Slot)))], align=True
)
assert _HANDOFF.itemsize == sizeof(Handoff)
_FLIER = (
    ("flit", _struct_dtype(_SLOT, sizeof(Slot))), ("port", np.int32), ("kx", np.int16),
    ("ky", np.int16),
)


def _nonempty(array):
    """``array``, or one zero of its dtype if it is empty (a struct field needs a pointer)."""
    return array if len(array) else np.zeros(1, dtype=array.dtype)


def _grown(old, n):
    """A copy of array ``old`` extended with zeros to length ``n``."""
    grown = np.zeros(n, dtype=old.dtype)
    grown[: len(old)] = old
    return grown


