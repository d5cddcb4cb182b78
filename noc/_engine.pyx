# cython: language_level=3
"""Cycle-level NoC core: input-queued VC routers on flat arrays, no Python per packet or flit.

Twin of :class:`noc.reference.ReferenceCore` (same model, same stage order, same results);
the model is described in ``noc/README.md``. Layout (all C-contiguous):

- input VC ``g = (r * P + p) * V + v`` (local input ports use ``v = 0`` only): a ring of
  flit slots ``slot_*[base[g] .. base[g] + cap[g])``, head ``head[g]``, count ``cnt[g]``;
  head-packet state ``route[g]`` (-1 = not routed), ``popped[g]``, ``dropped[g]``, and per
  branch output port ``o``: ``b_sent[g * P + o]``, ``b_ovc[g * P + o]`` (-1 = none);
- output VC ``h = (r * P + o) * V + w``: ``owner[h]`` (input index ``p * V + v`` or -1),
  ``credits[h]``, and a ring of pending credit returns ``cr_time[h * D ..]``;
- packets ``pk_*[id]`` with a free list; ids wait in ``fut`` (sorted by cycle) and then in a
  per-source FIFO linked through ``pk_next``.
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t

from noc.params import BlockedPolicy, Routing
from noc.stats import ENDPOINT_COUNTERS, ROUTER_COUNTERS

cdef enum:
    NDIR = 4
    # Column indices of router_counters / endpoint_counters (same order as noc.stats).
    C_BUF_WRITES = 0
    C_BUF_READS = 1
    C_XBAR = 2
    C_VC_ARB = 3
    C_SW_IN_ARB = 4
    C_SW_OUT_ARB = 5
    C_BLOCKED = 6
    C_DROPPED = 7
    C_UNROUTED = 8
    C_MAX_OCC = 9
    E_INJECTED = 0
    E_EJECTED = 1
    E_WAIT = 2

COUNTER_NAMES = (
    "buffer_writes", "buffer_reads", "crossbar_traversals", "vc_arbitrations",
    "switch_input_arbitrations", "switch_output_arbitrations", "blocked_cycles",
    "dropped_packets", "unrouted_packets", "max_buffer_occupancy_flits",
)
assert COUNTER_NAMES == ROUTER_COUNTERS
assert ENDPOINT_COUNTERS == ("injected_packets", "ejected_flits", "source_wait_cycles")


def _grown(old, n):
    """A copy of array ``old`` extended with zeros to length ``n``."""
    old = np.asarray(old)
    grown = np.zeros(n, dtype=old.dtype)
    grown[: len(old)] = old
    return grown


cdef inline int opp(int d) noexcept nogil:
    return (d + 2) % NDIR


cdef inline int mod(int a, int n) noexcept nogil:
    cdef int m = a % n
    return m + n if m < 0 else m


cdef class EngineCore:
    """Cython core with the interface NocEngine uses (see noc/engine.py)."""

    cdef public int64_t now
    cdef public int64_t unfinished
    cdef int R, P, V, L, F, D, Lk, Rp, E, width, height
    cdef bint multicast, torus, drop
    cdef int64_t drop_after
    # topology and tables
    cdef int32_t[::1] nbr
    cdef uint8_t[::1] wraps
    cdef int32_t[::1] t_start
    cdef uint32_t[::1] t_key, t_mask, t_route
    # input VCs
    cdef int64_t[::1] base
    cdef int32_t[::1] cap, head, cnt, route, popped, dropped, b_sent, b_ovc
    cdef int32_t[::1] slot_pkt, slot_hops
    cdef int64_t[::1] slot_ready
    # output VCs
    cdef int32_t[::1] owner, credits, cr_head, cr_cnt, rr_va, rr_in, rr_out
    cdef int64_t[::1] cr_time, eject_ready
    # router activity
    cdef int64_t[::1] vc_flits, buf_flits
    cdef int32_t[::1] act
    cdef uint8_t[::1] in_act
    cdef int n_act
    # per-router scratch
    cdef int32_t[::1] va_best, va_touched, port_vc, port_mask, grant_in
    cdef uint8_t[::1] wanting, moved
    # packets
    cdef int64_t[::1] pk_cycle
    cdef int32_t[::1] pk_src, pk_live, pk_next, free_ids
    cdef uint32_t[::1] pk_key
    cdef int n_free, n_pk
    cdef int32_t[::1] fut
    cdef int fut_pos
    cdef int32_t[::1] wt_head, wt_tail, wl
    cdef uint8_t[::1] in_wl
    cdef int n_wl
    # outputs and counters
    cdef public object router_counters, link_flits, endpoint_counters
    cdef int64_t[:, ::1] rc, lf, ec
    cdef int64_t[::1] o_arr, o_inj
    cdef int32_t[::1] o_dest, o_src, o_hops
    cdef uint32_t[::1] o_key
    cdef int n_out

    def __init__(self, mesh, params, tables):
        self.R, self.P, self.L = mesh.routers, mesh.ports, mesh.ports_per_router
        self.V, self.F, self.D = params.virtual_channels, params.packet_flits, params.buffer_depth
        self.Lk, self.Rp = params.link_latency_cycles, params.router_pipeline_cycles
        self.E = params.ejection_cycles_per_packet
        self.width, self.height, self.torus = mesh.width, mesh.height, mesh.torus
        self.multicast = params.routing is Routing.MULTICAST_TABLE
        self.drop = params.blocked_policy is BlockedPolicy.DROP
        self.drop_after = params.drop_after_cycles or 0
        self.now = 0
        self.unfinished = 0
        self._init_topology(mesh, tables)
        self._init_vcs(params.injection_queue_packets * self.F)
        self._init_packets(1024)
        self.router_counters = np.zeros((self.R, len(ROUTER_COUNTERS)), dtype=np.int64)
        self.link_flits = np.zeros((self.R, NDIR), dtype=np.int64)
        self.endpoint_counters = np.zeros((self.R * self.L, 3), dtype=np.int64)
        self.rc, self.lf, self.ec = self.router_counters, self.link_flits, self.endpoint_counters
        self._alloc_output(4096)

    def _init_topology(self, mesh, tables):
        self.nbr = np.ascontiguousarray(mesh.neighbours.reshape(-1), dtype=np.int32)
        x = np.arange(self.R) % self.width
        y = np.arange(self.R) // self.width
        wraps = np.stack(
            [y == self.height - 1, x == self.width - 1, y == 0, x == 0], axis=1
        ) & bool(self.torus)
        self.wraps = np.ascontiguousarray(wraps.reshape(-1), dtype=np.uint8)
        if tables is None:
            self.t_start = np.zeros(self.R + 1, dtype=np.int32)
            self.t_key = self.t_mask = self.t_route = np.zeros(1, dtype=np.uint32)
        else:
            self.t_start = np.ascontiguousarray(tables.start, dtype=np.int32)
            self.t_key = np.ascontiguousarray(tables.key, dtype=np.uint32)
            self.t_mask = np.ascontiguousarray(tables.mask, dtype=np.uint32)
            self.t_route = np.ascontiguousarray(tables.route, dtype=np.uint32)
            if len(tables.key) == 0:
                self.t_key = self.t_mask = self.t_route = np.zeros(1, dtype=np.uint32)

    def _init_vcs(self, queue_flits):
        cdef int P = self.P, V = self.V, NG = self.R * P * V, NH = NG
        port = (np.arange(NG) // V) % P
        vc = np.arange(NG) % V
        caps = np.where(port < NDIR, self.D, np.where(vc == 0, queue_flits, 0))
        self.cap = caps.astype(np.int32)
        self.base = (np.cumsum(caps) - caps).astype(np.int64)
        self.slot_pkt = np.zeros(int(caps.sum()), dtype=np.int32)
        self.slot_hops = np.zeros(int(caps.sum()), dtype=np.int32)
        self.slot_ready = np.zeros(int(caps.sum()), dtype=np.int64)
        self.head, self.cnt, self.popped, self.dropped = (
            np.zeros(NG, dtype=np.int32) for _ in range(4)
        )
        self.route = np.full(NG, -1, dtype=np.int32)
        self.b_sent = np.zeros(NG * P, dtype=np.int32)
        self.b_ovc = np.full(NG * P, -1, dtype=np.int32)
        self.owner = np.full(NH, -1, dtype=np.int32)
        oport = (np.arange(NH) // V) % P
        self.credits = np.where(oport < NDIR, self.D, 0).astype(np.int32)
        self.cr_head, self.cr_cnt, self.rr_va = (np.zeros(NH, dtype=np.int32) for _ in range(3))
        self.cr_time = np.zeros(NH * self.D, dtype=np.int64)
        self.rr_in = np.zeros(self.R * P, dtype=np.int32)
        self.rr_out = np.zeros(self.R * P, dtype=np.int32)
        self.eject_ready = np.zeros(self.R * self.L, dtype=np.int64)
        self.vc_flits = np.zeros(self.R, dtype=np.int64)
        self.buf_flits = np.zeros(self.R, dtype=np.int64)
        self.act = np.zeros(self.R, dtype=np.int32)
        self.in_act = np.zeros(self.R, dtype=np.uint8)
        self.n_act = 0
        self.va_best = np.full(P * V, -1, dtype=np.int32)
        self.va_touched = np.zeros(P * V, dtype=np.int32)
        self.port_vc, self.port_mask, self.grant_in = (
            np.zeros(P, dtype=np.int32) for _ in range(3)
        )
        self.wanting = np.zeros(P * V, dtype=np.uint8)
        self.moved = np.zeros(P * V, dtype=np.uint8)
        ne = self.R * self.L
        self.wt_head = np.full(ne, -1, dtype=np.int32)
        self.wt_tail = np.full(ne, -1, dtype=np.int32)
        self.wl = np.zeros(ne, dtype=np.int32)
        self.in_wl = np.zeros(ne, dtype=np.uint8)
        self.n_wl = 0

    def _init_packets(self, n):
        self.pk_cycle = np.zeros(n, dtype=np.int64)
        self.pk_src, self.pk_live, self.pk_next = (np.zeros(n, dtype=np.int32) for _ in range(3))
        self.pk_key = np.zeros(n, dtype=np.uint32)
        self.free_ids = np.arange(n - 1, -1, -1, dtype=np.int32)
        self.n_free, self.n_pk = n, n
        self.fut = np.zeros(0, dtype=np.int32)
        self.fut_pos = 0

    def _grow_packets(self, need):
        n = self.n_pk
        new_n = max(2 * n, n + need)
        self.pk_cycle = _grown(self.pk_cycle, new_n)
        self.pk_src = _grown(self.pk_src, new_n)
        self.pk_live = _grown(self.pk_live, new_n)
        self.pk_next = _grown(self.pk_next, new_n)
        self.pk_key = _grown(self.pk_key, new_n)
        free = np.empty(new_n, dtype=np.int32)
        free[: self.n_free] = np.asarray(self.free_ids)[: self.n_free]
        free[self.n_free : self.n_free + new_n - n] = np.arange(new_n - 1, n - 1, -1)
        self.free_ids = free
        self.n_free += new_n - n
        self.n_pk = new_n

    def _alloc_output(self, n):
        self.o_arr = np.zeros(n, dtype=np.int64)
        self.o_inj = np.zeros(n, dtype=np.int64)
        self.o_dest, self.o_src, self.o_hops = (np.zeros(n, dtype=np.int32) for _ in range(3))
        self.o_key = np.zeros(n, dtype=np.uint32)
        self.n_out = 0

    # --- interface used by NocEngine -------------------------------------------------------
    def push(self, cycle, src, key):
        """Take packets (int64 cycle, int32 src, uint32 key); queue them by cycle, stably."""
        cdef int n = len(cycle)
        if n > self.n_free:
            self._grow_packets(n - self.n_free)
        ids = np.asarray(self.free_ids)[self.n_free - n : self.n_free][::-1].copy()
        self.n_free -= n
        np.asarray(self.pk_cycle)[ids] = cycle
        np.asarray(self.pk_src)[ids] = src
        np.asarray(self.pk_key)[ids] = key
        np.asarray(self.pk_live)[ids] = 1
        np.asarray(self.pk_next)[ids] = -1
        waiting = np.concatenate([np.asarray(self.fut)[self.fut_pos :], ids])
        order = np.argsort(np.asarray(self.pk_cycle)[waiting], kind="stable")
        self.fut = np.ascontiguousarray(waiting[order])
        self.fut_pos = 0
        self.unfinished += n

    @property
    def busy(self):
        return self.n_act > 0 or self.n_wl > 0

    @property
    def next_future_cycle(self):
        if self.fut_pos < len(self.fut):
            return int(self.pk_cycle[self.fut[self.fut_pos]])
        return -1

    def run(self, int64_t until):
        """Simulate cycles now .. until - 1 (growing the output buffer when needed)."""
        while self.now < until:
            if self.n_out + self.R * self.L > self.o_arr.shape[0]:
                self._grow_output()
            with nogil:
                self._run(until)

    def _grow_output(self):
        old = self.take_output()
        self._alloc_output(2 * self.o_arr.shape[0])
        n = len(old[0])
        for dst, src in zip(self._output_arrays(), old):
            dst[:n] = src
        self.n_out = n

    def _output_arrays(self):
        return [
            np.asarray(self.o_arr), np.asarray(self.o_dest), np.asarray(self.o_key),
            np.asarray(self.o_src), np.asarray(self.o_inj), np.asarray(self.o_hops),
        ]

    def take_output(self):
        """Delivery records since the last call: (arrival, dest, key, src, inject, hops)."""
        n = self.n_out
        cols = self._output_arrays()
        out = tuple(c[:n].copy() for c in cols)
        self.n_out = 0
        return out

    # --- the cycle loop ----------------------------------------------------------------------
    cdef void _run(self, int64_t until) noexcept nogil:
        cdef int i, r, k
        cdef int64_t nxt
        while self.now < until and self.n_out + self.R * self.L <= self.o_arr.shape[0]:
            if self.n_act == 0 and self.n_wl == 0:
                nxt = until
                if self.fut_pos < self.fut.shape[0]:
                    nxt = min(self.pk_cycle[self.fut[self.fut_pos]], until)
                if nxt > self.now:
                    self.now = nxt
                if self.now >= until:
                    return
            self._admit(self.now)
            i = 0
            while i < self.n_act:
                self._router_cycle(self.act[i], self.now)
                i += 1
            k = 0
            for i in range(self.n_act):
                r = self.act[i]
                if self.buf_flits[r] > self.rc[r, C_MAX_OCC]:
                    self.rc[r, C_MAX_OCC] = self.buf_flits[r]
                if self.vc_flits[r] > 0:
                    self.act[k] = r
                    k += 1
                else:
                    self.in_act[r] = 0
            self.n_act = k
            self.now += 1

    cdef inline void _activate(self, int r) noexcept nogil:
        if not self.in_act[r]:
            self.in_act[r] = 1
            self.act[self.n_act] = r
            self.n_act += 1

    cdef void _admit(self, int64_t now) noexcept nogil:
        """Release packets whose cycle has come to their source FIFO; fill injection queues."""
        cdef int pid, ep, i, k, j, r, g
        while self.fut_pos < self.fut.shape[0] and self.pk_cycle[self.fut[self.fut_pos]] <= now:
            pid = self.fut[self.fut_pos]
            self.fut_pos += 1
            ep = self.pk_src[pid]
            if self.wt_tail[ep] < 0:
                self.wt_head[ep] = pid
            else:
                self.pk_next[self.wt_tail[ep]] = pid
            self.wt_tail[ep] = pid
            if not self.in_wl[ep]:
                self.in_wl[ep] = 1
                self.wl[self.n_wl] = ep
                self.n_wl += 1
        k = 0
        for i in range(self.n_wl):
            ep = self.wl[i]
            r = ep // self.L
            g = (r * self.P + NDIR + ep % self.L) * self.V
            while self.wt_head[ep] >= 0 and self.cap[g] - self.cnt[g] >= self.F:
                pid = self.wt_head[ep]
                self.wt_head[ep] = self.pk_next[pid]
                if self.wt_head[ep] < 0:
                    self.wt_tail[ep] = -1
                for j in range(self.F):
                    self._push_flit(g, pid, now + self.Rp - 1, 0)
                self._activate(r)
                self.rc[r, C_BUF_WRITES] += self.F
                self.ec[ep, E_INJECTED] += 1
                self.ec[ep, E_WAIT] += now - self.pk_cycle[pid]
            if self.wt_head[ep] >= 0:
                self.wl[k] = ep
                k += 1
            else:
                self.in_wl[ep] = 0
        self.n_wl = k

    cdef inline void _push_flit(self, int g, int pid, int64_t ready, int hops) noexcept nogil:
        cdef int64_t s = self.base[g] + (self.head[g] + self.cnt[g]) % self.cap[g]
        self.slot_pkt[s] = pid
        self.slot_ready[s] = ready
        self.slot_hops[s] = hops
        self.cnt[g] += 1
        self.vc_flits[g // (self.P * self.V)] += 1

    cdef inline int64_t _slot(self, int g, int index, int64_t now) noexcept nogil:
        """Slot of flit ``index`` of g's head packet if present and ready, else -1."""
        cdef int k = index - self.popped[g]
        cdef int64_t s
        if k >= self.cnt[g]:
            return -1
        s = self.base[g] + (self.head[g] + k) % self.cap[g]
        return s if self.slot_ready[s] <= now else -1

    cdef inline int _nv(self, int p) noexcept nogil:
        return self.V if p < NDIR else 1

    cdef inline int _live(self, int g) noexcept nogil:
        return self.route[g] & ~self.dropped[g] if self.route[g] >= 0 else 0

    cdef void _router_cycle(self, int r, int64_t now) noexcept nogil:
        """The stages of one router, in order (noc/README.md)."""
        self._route_compute(r, now)
        if self.drop:
            self._drop_blocked(r, now)
        self._vc_allocate(r, now)
        self._switch_allocate(r, now)
        self._switch_traverse(r, now)
        self._pop_flits(r, now)
        self._count_blocked(r)

    # --- the router stages, in the order _router_cycle calls them; each mirrors the method
    # of the same name in noc/reference.py -----------------------------------------------
    cdef void _route_compute(self, int r, int64_t now) noexcept nogil:
        """RC: route the packet whose head flit has become ready at the head of a VC."""
        cdef int p, v, g, pid, m, o, n
        for p in range(self.P):
            for v in range(self._nv(p)):
                g = (r * self.P + p) * self.V + v
                if self.route[g] >= 0 or self._slot(g, 0, now) < 0:
                    continue
                pid = self.slot_pkt[self.base[g] + self.head[g]]
                m = self._route(r, p, pid)
                self.route[g] = m
                n = 0
                for o in range(self.P):
                    self.b_sent[g * self.P + o] = 0
                    if m >> o & 1:
                        n += 1
                if m == 0:
                    self.rc[r, C_UNROUTED] += 1
                    self._finish_copy(pid)
                else:
                    self.pk_live[pid] += n - 1

    cdef int _route(self, int r, int p, int pid) noexcept nogil:
        """Output-port bitmask: XY, or the first matching table entry, or default routing."""
        cdef uint32_t key = self.pk_key[pid]
        cdef int i, d
        if not self.multicast:
            return 1 << self._xy_output(r, <int>key)
        for i in range(self.t_start[r], self.t_start[r + 1]):
            if key & self.t_mask[i] == self.t_key[i]:
                return <int>self.t_route[i]
        if p >= NDIR:
            return 0
        d = opp(p)
        return 1 << d if self.nbr[r * NDIR + d] >= 0 else 0

    cdef int _xy_output(self, int r, int dest) noexcept nogil:
        cdef int node = dest // self.L, x = r % self.width, y = r // self.width
        cdef int dx = node % self.width, dy = node // self.width
        if x != dx:
            return 1 if self._positive(x, dx, self.width) else 3
        if y != dy:
            return 0 if self._positive(y, dy, self.height) else 2
        return NDIR + dest % self.L

    cdef inline bint _positive(self, int a, int b, int size) noexcept nogil:
        cdef int forward = mod(b - a, size)
        return forward <= size - forward if self.torus else b > a

    cdef void _drop_blocked(self, int r, int64_t now) noexcept nogil:
        """Drop branches that have not sent their head flit drop_after cycles after it was ready."""
        cdef int p, v, g, o, live, pid
        cdef int64_t s
        for p in range(self.P):
            for v in range(self._nv(p)):
                g = (r * self.P + p) * self.V + v
                live = self._live(g)
                if live == 0 or self.popped[g] > 0:
                    continue
                s = self.base[g] + self.head[g]
                if now - self.slot_ready[s] < self.drop_after:
                    continue
                pid = self.slot_pkt[s]
                for o in range(self.P):
                    if live >> o & 1 and self.b_sent[g * self.P + o] == 0:
                        if self.b_ovc[g * self.P + o] >= 0:
                            self.owner[(r * self.P + o) * self.V + self.b_ovc[g * self.P + o]] = -1
                            self.b_ovc[g * self.P + o] = -1
                        self.dropped[g] |= 1 << o
                        self.rc[r, C_DROPPED] += 1
                        self._finish_copy(pid)

    cdef void _vc_allocate(self, int r, int64_t now) noexcept nogil:
        """VA: each unallocated branch asks for its lowest free output VC; each output VC grants
        one request, round robin over input index i = p * V + v (grants applied afterwards)."""
        cdef int p, v, g, o, w, i, k, live, n_touched = 0, NI = self.P * self.V
        cdef int h0 = r * self.P * self.V
        for p in range(self.P):
            for v in range(self._nv(p)):
                g = (r * self.P + p) * self.V + v
                live = self._live(g)
                if live == 0 or self.popped[g] > 0:
                    continue
                i = p * self.V + v
                for o in range(self.P):
                    if not (live >> o & 1) or self.b_ovc[g * self.P + o] >= 0:
                        continue
                    if self.b_sent[g * self.P + o] > 0:
                        continue
                    w = self._free_output_vc(r, p, v, o, now)
                    if w < 0:
                        continue
                    k = o * self.V + w
                    if self.va_best[k] < 0:
                        self.va_touched[n_touched] = k
                        n_touched += 1
                        self.va_best[k] = i
                    elif mod(i - self.rr_va[h0 + k], NI) < mod(
                        self.va_best[k] - self.rr_va[h0 + k], NI
                    ):
                        self.va_best[k] = i
        for n in range(n_touched):
            k = self.va_touched[n]
            i = self.va_best[k]
            self.va_best[k] = -1
            self.rr_va[h0 + k] = (i + 1) % NI
            self.rc[r, C_VC_ARB] += 1
            self.owner[h0 + k] = i
            g = r * self.P * self.V + i
            self.b_ovc[g * self.P + k // self.V] = k % self.V

    cdef int _free_output_vc(self, int r, int p, int v, int o, int64_t now) noexcept nogil:
        cdef int h = (r * self.P + o) * self.V, w, lo = 0, hi = self.V, half
        if o >= NDIR:
            if self.owner[h] < 0 and now >= self.eject_ready[r * self.L + o - NDIR]:
                return 0
            return -1
        if self.torus:
            half = self.V // 2
            if self.wraps[r * NDIR + o] or (p == opp(o) and v >= half):
                lo = half
            else:
                hi = half
        for w in range(lo, hi):
            if self.owner[h + w] < 0:
                return w
        return -1

    cdef bint _has_credit(self, int h, int64_t now) noexcept nogil:
        """Absorb credits returned by now; whether output VC h may send a flit."""
        while self.cr_cnt[h] > 0 and self.cr_time[h * self.D + self.cr_head[h]] <= now:
            self.cr_head[h] = (self.cr_head[h] + 1) % self.D
            self.cr_cnt[h] -= 1
            self.credits[h] += 1
        return self.credits[h] > 0

    cdef int _ready_branches(self, int r, int g, int64_t now) noexcept nogil:
        """Branches of g's head packet that hold an output VC, have a ready flit and credit;
        also marks g as wanting when any live branch has a ready flit."""
        cdef int o, w, live = self._live(g), mask = 0, i = g - r * self.P * self.V
        self.wanting[i] = 0
        for o in range(self.P):
            if not (live >> o & 1) or self.b_sent[g * self.P + o] >= self.F:
                continue
            if self._slot(g, self.b_sent[g * self.P + o], now) < 0:
                continue
            self.wanting[i] = 1
            w = self.b_ovc[g * self.P + o]
            if w < 0:
                continue
            if o >= NDIR or self._has_credit((r * self.P + o) * self.V + w, now):
                mask |= 1 << o
        return mask

    cdef void _switch_allocate(self, int r, int64_t now) noexcept nogil:
        """SA, separable input-first: each input port picks one VC with ready branches (round
        robin), then each output port grants one requesting input port (round robin)."""
        cdef int p, v, nv, g, o, mask, best, bestv, rb = r * self.P
        for p in range(self.P):
            nv = self._nv(p)
            bestv = -1
            best = 0
            for v in range(nv):
                g = (rb + p) * self.V + v
                mask = self._ready_branches(r, g, now) if self.cnt[g] > 0 else 0
                if self.cnt[g] == 0:
                    self.wanting[p * self.V + v] = 0
                if mask and (bestv < 0 or mod(v - self.rr_in[rb + p], nv) < mod(
                    bestv - self.rr_in[rb + p], nv
                )):
                    bestv, best = v, mask
            self.port_vc[p] = bestv
            self.port_mask[p] = best
            if bestv >= 0:
                self.rc[r, C_SW_IN_ARB] += 1
        for o in range(self.P):
            best = -1
            for p in range(self.P):
                if self.port_mask[p] >> o & 1 and (best < 0 or mod(
                    p - self.rr_out[rb + o], self.P
                ) < mod(best - self.rr_out[rb + o], self.P)):
                    best = p
            self.grant_in[o] = best
            if best >= 0:
                self.rr_out[rb + o] = (best + 1) % self.P
                self.rc[r, C_SW_OUT_ARB] += 1
                self.rr_in[rb + best] = (self.port_vc[best] + 1) % self._nv(best)

    cdef void _switch_traverse(self, int r, int64_t now) noexcept nogil:
        """ST: move each granted flit through the crossbar onto its link or local port."""
        cdef int o, p, v, g, k, w, i
        cdef int64_t s
        for i in range(self.P * self.V):
            self.moved[i] = 0
        for o in range(self.P):
            p = self.grant_in[o]
            if p < 0:
                continue
            v = self.port_vc[p]
            g = (r * self.P + p) * self.V + v
            k = self.b_sent[g * self.P + o]
            w = self.b_ovc[g * self.P + o]
            s = self._slot(g, k, now)
            self.rc[r, C_XBAR] += 1
            if o < NDIR:
                self._link_traverse(r, o, w, s, now)
            else:
                self._eject(r, o - NDIR, k, s, now)
            self.b_sent[g * self.P + o] = k + 1
            if k + 1 == self.F:
                self.owner[(r * self.P + o) * self.V + w] = -1
                self.b_ovc[g * self.P + o] = -1
            self.moved[p * self.V + v] = 1

    cdef void _link_traverse(self, int r, int o, int w, int64_t s, int64_t now) noexcept nogil:
        """The flit crosses the link: written into the neighbour's buffer, ready R cycles after
        it arrives (Lk + 1 cycles after crossing the crossbar)."""
        cdef int n = self.nbr[r * NDIR + o]
        cdef int g = (n * self.P + opp(o)) * self.V + w
        self.credits[(r * self.P + o) * self.V + w] -= 1
        self.lf[r, o] += 1
        self._push_flit(g, self.slot_pkt[s], now + self.Lk + self.Rp, self.slot_hops[s] + 1)
        self._activate(n)
        self.rc[n, C_BUF_WRITES] += 1
        self.buf_flits[n] += 1

    cdef void _eject(self, int r, int port, int k, int64_t s, int64_t now) noexcept nogil:
        """The flit leaves through a local port; the tail completes the delivery record."""
        cdef int ep = r * self.L + port, pid = self.slot_pkt[s], n
        self.ec[ep, E_EJECTED] += 1
        if k == 0:
            self.eject_ready[ep] = now + self.E
        if k == self.F - 1:
            n = self.n_out
            self.o_arr[n] = now + 1
            self.o_dest[n] = ep
            self.o_key[n] = self.pk_key[pid]
            self.o_src[n] = self.pk_src[pid]
            self.o_inj[n] = self.pk_cycle[pid]
            self.o_hops[n] = self.slot_hops[s]
            self.n_out = n + 1
            self._finish_copy(pid)

    cdef void _pop_flits(self, int r, int64_t now) noexcept nogil:
        """Free buffer slots whose flit every live branch has sent; credits go upstream."""
        cdef int p, v, g, o, live, u, h
        cdef bint done
        for p in range(self.P):
            for v in range(self._nv(p)):
                g = (r * self.P + p) * self.V + v
                while self.route[g] >= 0 and self._slot(g, self.popped[g], now) >= 0:
                    live = self._live(g)
                    done = True
                    for o in range(self.P):
                        if live >> o & 1 and self.b_sent[g * self.P + o] <= self.popped[g]:
                            done = False
                    if not done:
                        break
                    self.head[g] = (self.head[g] + 1) % self.cap[g]
                    self.cnt[g] -= 1
                    self.vc_flits[r] -= 1
                    if live:
                        self.rc[r, C_BUF_READS] += 1
                    if p < NDIR:
                        self.buf_flits[r] -= 1
                        u = self.nbr[r * NDIR + p]
                        h = (u * self.P + opp(p)) * self.V + v
                        self.cr_time[h * self.D + (self.cr_head[h] + self.cr_cnt[h]) % self.D] = (
                            now + self.Lk
                        )
                        self.cr_cnt[h] += 1
                    self.popped[g] += 1
                    if self.popped[g] == self.F:
                        self.route[g] = -1
                        self.popped[g] = 0
                        self.dropped[g] = 0
                        break

    cdef void _count_blocked(self, int r) noexcept nogil:
        cdef int i
        for i in range(self.P * self.V):
            if self.wanting[i] and not self.moved[i]:
                self.rc[r, C_BLOCKED] += 1

    cdef inline void _finish_copy(self, int pid) noexcept nogil:
        self.pk_live[pid] -= 1
        if self.pk_live[pid] == 0:
            self.unfinished -= 1
            self.free_ids[self.n_free] = pid
            self.n_free += 1
