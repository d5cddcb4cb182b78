"""The router cycle fused into two passes for one VC and one-flit packets (V = 1, F = 1).

With V = 1 the single VC of an output port has one owner, so only that input port can
request the port in switch allocation: input and output arbitration always grant (their
round-robin pointers are never read here; the counters still count each arbitration). With
F = 1 every flit is head and tail: a branch that crosses the crossbar is finished and frees
its output VC in the same cycle, every live branch of a head waits for its first flit
(``sent`` is 0), and a slot pops as soon as no live branch is left. What remains is VC
allocation (round robin among the inputs asking for a free output VC) and credits.

``fused_cycle`` gives exactly the results of ``noc._router.router_cycle`` (and of the
reference twin) for V = 1, F = 1, in two passes over the input ports whose head is ready:

1. RC, drop and the VC requests of each port, gathered per output port; then the VC grants,
   on the state after every drop (two-phase, as the general VA);
2. SA, ST and pop of each port, and the blocked count.

Ports interact only through VA: an output VC is used by its owner alone, and what one
port's traversal changes (output VC owners, neighbour buffers, its pop history) is not
read by another port's SA or ST in the same cycle. The branch array ``br`` and the credit
ring are not used (``alloc`` says which branches hold their port's only VC; credits come
from the downstream buffer, ``link_credit``), and a visit schedules the router's next one
on the engine's wake-up wheel instead of keeping it on the active list.
"""

from libc.stdint cimport INT64_MAX, int64_t, uint16_t, uint32_t, uint64_t

from noc._core cimport (
    C_BLOCKED, C_DROPPED, C_SW_IN_ARB, C_SW_OUT_ARB, C_VC_ARB, C_XBAR, NDIR, Core, InVC, Slot,
    bit_count, ctz64, first_from, prefetch, schedule,
)
from noc._credits cimport link_credit, note_pop
from noc._flight cimport Air, air_of, fly_into, joinable, land_all
from noc._multicast_flight cimport depart, take_off_multicast
from noc._route cimport mesh_xy_output, opp
from noc._stages cimport (
    busy_ejections, eject, finish_copy, link_traverse, note_occupancy, pop_head, route_head,
)


cdef enum:
    # input VC records above which the visits prefetch those of the router after next
    # (``choose_visits``)
    PREFETCH_ABOVE_BYTES = 256 * 1024


cdef void choose_visits(Core* c) noexcept nogil:
    """Point ``c.visit_routers`` at ``visit_due``'s form for the mesh: prefetching the input
    VCs of the router after next where they may miss the caches, not where they fit (# perf:
    the 8x8 mesh's 20 KB: 3 % fewer instructions, +1 % flit-hops/s CPU in 8 pairs; the
    64x64 mesh's 1.3 MB gain 3-10 % from it). Two functions, called through a pointer, which
    keeps the compiler from inlining them into the engine's cycle loop: as a test inside one
    function, or as more copies of its loop there, the choice cost the 8x8 run 1.1 % more
    instructions and the TrueNorth-like traffic 11 % (code size)."""
    point_visits(c, c.R * c.P * sizeof(InVC) > PREFETCH_ABOVE_BYTES)


cdef void point_visits(Core* c, bint prefetching) noexcept nogil:
    """Point ``c.visit_routers`` at the form of ``visit_due`` that prefetches or not."""
    c.visit_routers = visit_due_prefetching if prefetching else visit_due_in_cache


cdef bint visits_prefetch(const Core* c) noexcept nogil:
    """Whether ``c.visit_routers`` prefetches."""
    return c.visit_routers == visit_due_prefetching


cdef void visit_due_prefetching(Core* c) noexcept nogil:
    """``visit_due`` for meshes whose input VCs may miss the caches."""
    visit_due(c, True)


cdef void visit_due_in_cache(Core* c) noexcept nogil:
    """``visit_due`` for meshes whose input VCs fit in the caches."""
    visit_due(c, False)


cdef inline void visit_due(Core* c, bint prefetching) noexcept nogil:
    """Fused path: visit the routers due this cycle, in router order (their bits in this
    cycle's bucket of the wheel; visits only schedule later cycles), emptying the bucket. A
    set bit whose router's wake-up has moved earlier is stale and skipped. Each visit
    schedules the router's next one and records its buffer occupancy.

    # perf: routers whose flits are not ready yet are not visited, and there is no
    per-cycle pass over active routers: +10 % flit-hops/s CPU on the 64x64 chipsim-like
    windows, about +0 % on 8x8 uniform at 0.17 (back to back; noc/README.md). A bit per
    router and bucket instead of a list per bucket (no duplicate check, records written in
    router order, so that the record sort finds them sorted), with the input VCs of the router
    two set bits ahead prefetched: +3-4 % on 8x8 at 0.17 and the TrueNorth traffic, +10 % on
    the 64x64 windows (without the prefetch +0 % / -4 % on the latter two). No bucket is
    walked while no router has a visit due (its stale bits wait for its next walk): the
    TrueNorth-like traffic has long stretches of fliers alone (this function's instructions
    -27 % on the capture, +3 % flit-hops/s, 10 pairs on two captures). A mesh whose input
    VCs fit in the caches takes the form without the prefetch (``choose_visits``).
    """
    cdef int64_t before = c.visits
    if not c.unicast and c.fly:  # multicast fliers leave in the walk (records in order)
        if c.n_wait or c.fwn[c.now & (c.W - 1)]:
            c.fwn[c.now & (c.W - 1)] = 0
            visit_bucket(c, False, prefetching, True)
    elif c.n_wait:  # (else only fliers move: no bucket to walk, # perf: see above)
        if c.lone_first:  # (two copies of the loop: the per-visit test only where it pays)
            visit_bucket(c, True, prefetching, False)
        else:
            visit_bucket(c, False, prefetching, False)
    c.lone_first = c.visits - before < c.lone_below
    if not c.lone_first and c.n_fly and c.unicast:  # unicast flits fly in sparse cycles only
        land_all(c)


cdef inline void visit_bucket(
    Core* c, bint lone_first, bint prefetching, bint fliers
) noexcept nogil:
    """``visit_due``'s loop over this cycle's bucket of the wheel (``lone_first``: see
    ``visit``; ``prefetching``: the input VCs of the router after next). With ``fliers``
    (multicast flight, noc/_multicast_flight.pyx) a router's flier due now leaves first, or
    lands and is visited; what a departure or visit lands or writes at a router later in
    the walk is due there now and is visited in its turn (never at a router before: its
    flier, due now, left or landed in its own turn), and the records of the cycle come in
    the walk's order, sorted by destination (# perf: fliers moved before the walk made the
    record sort 18 % of the SpiNNaker2-like capture's replay)."""
    cdef int b = c.now & (c.W - 1), w, r, ahead
    cdef uint64_t* bucket = c.wheel + b * c.NW
    cdef uint64_t bits, later
    for w in range(c.lo >> 6, ((c.hi - 1) >> 6) + 1):
        bits = bucket[w]
        if not bits:
            continue
        bucket[w] = 0
        while bits:
            r = (w << 6) + ctz64(bits)
            bits &= bits - 1
            later = bits & (bits - 1)
            if prefetching and later:  # (large meshes miss the caches)
                ahead = (w << 6) + ctz64(later)
                prefetch(<char*>(c.vc + ahead * c.P))
                prefetch(<char*>(c.vc + ahead * c.P) + 64)
            if fliers and c.fly_m[r] and c.fl[2 * r].flit.ready == c.now:
                depart(c, r)
            if c.rt[r].wake == c.now:
                visit(c, r, lone_first)
            if fliers:
                bits |= bucket[w] & (~<uint64_t>1 << (r & 63))
                bucket[w] = 0


cdef inline void visit(Core* c, int r, bint lone_first) noexcept nogil:
    """Run router r's fused cycle now (it is due); note it if its band's boundary VCs may have
    changed (noc/_bands.pyx). With ``lone_first`` (the last cycle visited fewer than
    ``lone_below`` routers, an eighth of them by default: a sparse network), a unicast router
    with one occupied input port takes ``lone_port_cycle``, and flits may fly
    (noc/_flight.pyx)."""
    cdef uint64_t m = c.occ[r]
    c.rt[r].wake = INT64_MAX
    c.n_wait -= 1
    c.visits += 1
    if not c.unicast:
        fused_cycle(c, r)
    elif lone_first and m and not (m & (m - 1)):
        lone_port_cycle(c, r, ctz64(m))
    elif lone_first:
        unicast_cycle_sparse(c, r)
    else:
        unicast_cycle(c, r)
    if c.dirty != NULL and (r < c.lo + c.width or r >= c.hi - c.width):
        c.dirty[c.n_dirty] = r
        c.n_dirty += 1


cdef void fused_cycle(Core* c, int r) noexcept nogil:
    """RC, drop, VA, SA, ST (+ link), pop (+ pop history) and blocked count of router r
    for one cycle (V = 1, F = 1: input index i is the input port, P <= 31); then records
    its buffer occupancy and schedules its next visit: the next cycle if a ready flit is
    left, else when the first head flit becomes ready (noc/_core.pxd, ``schedule``)."""
    cdef uint64_t m = c.occ[r]
    cdef uint32_t ready = 0
    cdef int g0 = r * c.P, i
    cdef int64_t now = c.now, nxt = INT64_MAX, t
    cdef InVC* vc
    while m:
        i = ctz64(m)
        m &= m - 1
        vc = &c.vc[g0 + i]
        t = c.slot[vc.base + vc.head].ready
        if t > now:
            nxt = min(nxt, t)
            continue
        ready |= 1u << i
        if vc.route < 0:
            route_head(c, r, i, g0 + i)
        if c.drop and vc.act_br and now - t >= c.drop_after:
            drop_head(c, r, vc)
    if ready & (ready - 1):
        grant_vcs(c, r, ready)
    elif ready:
        grant_one(c, r, ctz64(ready))
    if ready:
        nxt = min(nxt, send_and_pop(c, r, ready))
    note_occupancy(c, r, c.rt[r].buf_flits)
    schedule(c, r, nxt)  # none without flits (nxt stays INT64_MAX)


cdef inline void drop_head(Core* c, int r, InVC* vc) noexcept nogil:
    """Drop every live branch of the head packet of ``vc`` (none has sent its one flit),
    releasing the output VCs they hold."""
    cdef int pid = c.slot[vc.base + vc.head].pkt, n = bit_count(<uint64_t>vc.act_br)
    c.held[r] &= ~<uint32_t>vc.alloc
    vc.dropped |= vc.act_br
    vc.act_br = vc.pend_va = vc.alloc = 0
    c.rt[r].rc[C_DROPPED] += n
    while n:
        finish_copy(c, pid, c.dirty != NULL)
        n -= 1


cdef inline void grant_vcs(Core* c, int r, uint32_t ready) noexcept nogil:
    """VA grants among the ``ready`` input ports (two or more): each output port they ask
    for whose VC is free (a local port's also past the receiver's ejection interval) goes
    to one of them, round robin over ports."""
    cdef int o, i, h
    cdef uint32_t b, asked = 0, free
    cdef uint32_t want[32]  # want[o]: input ports asking for output port o's VC
    b = ready
    while b:
        i = ctz64(b)
        b &= b - 1
        free = c.vc[r * c.P + i].pend_va
        while free:
            o = ctz64(free)
            free &= free - 1
            if not (asked >> o & 1):
                asked |= 1u << o
                want[o] = 0
            want[o] |= 1u << i
    free = asked & ~c.held[r]
    while free:
        o = ctz64(free)
        free &= free - 1
        h = r * c.P + o
        if o >= NDIR and c.now < c.eject_ready[r * c.L + o - NDIR]:
            continue
        b = want[o]
        i = first_from(b, c.rr_va[h]) if b & (b - 1) else ctz64(b)
        c.rr_va[h] = i + 1 if i + 1 < c.P else 0
        c.held[r] |= 1u << o
        c.rt[r].rc[C_VC_ARB] += 1
        c.vc[r * c.P + i].pend_va &= ~(1 << o)
        c.vc[r * c.P + i].alloc |= 1 << o


cdef inline void grant_one(Core* c, int r, int i) noexcept nogil:
    """``grant_vcs`` where input port i alone is ready, as in 97.5 % of the visits of the
    SpiNNaker2-like run's NoC: every free output port it asks for is granted to it at once,
    with no list of askers per port (# perf: that run's first 148 ticks of NoC traffic,
    replayed: -18.5 % instructions, +9 % packets/s CPU in 4 paired runs)."""
    cdef InVC* vc = &c.vc[r * c.P + i]
    cdef uint32_t grant = vc.pend_va & ~c.held[r], b
    cdef uint16_t next_rr = i + 1 if i + 1 < c.P else 0
    cdef int o, n
    grant &= ~busy_ejections(c, r, grant)
    if not grant:
        return
    b = grant
    n = 0
    while b:
        o = ctz64(b)
        b &= b - 1
        c.rr_va[r * c.P + o] = next_rr
        n += 1
    c.held[r] |= grant
    c.rt[r].rc[C_VC_ARB] += n
    vc.pend_va &= ~grant
    vc.alloc |= grant


cdef inline int64_t send_and_pop(Core* c, int r, uint32_t ready) noexcept nogil:
    """SA and ST of each ready input port: every branch holding its output port's VC (and,
    on a link, a credit) sends the flit; the slot pops once no live branch is left. Returns
    the first cycle after now at which one of these ports has a ready head flit."""
    cdef int g, i, o, n, blocked = 0
    cdef uint32_t b, send
    cdef int64_t s, nxt = INT64_MAX
    while ready:
        i = ctz64(ready)
        ready &= ready - 1
        g = r * c.P + i
        if c.vc[g].act_br:
            send = c.vc[g].alloc
            b = send & ((1u << NDIR) - 1)
            while b:
                o = ctz64(b)
                b &= b - 1
                if not link_credit(c, r, o):
                    send &= ~(1u << o)
            if not send:
                blocked += 1
                nxt = c.now + 1
                continue
            s = c.vc[g].base + c.vc[g].head
            c.vc[g].alloc &= ~send
            c.vc[g].act_br &= ~send
            c.held[r] &= ~send
            n = 0  # (counted here, not by a popcount: fewer instructions)
            while send:
                o = ctz64(send)
                send &= send - 1
                n += 1
                if o < NDIR:
                    if not (c.fly and take_off_multicast(
                        c, r, o, &c.slot[s], c.now + c.Lk + c.Rp, c.slot[s].hops + 1
                    )):
                        link_traverse(c, r, o, 0, 0, s, c.fly)
                else:
                    eject(c, r, o - NDIR, 0, &c.slot[s], c.dirty != NULL)
            c.rt[r].rc[C_SW_IN_ARB] += 1
            c.rt[r].rc[C_SW_OUT_ARB] += n
            c.rt[r].rc[C_XBAR] += n
            if c.vc[g].act_br:
                nxt = c.now + 1
                continue
        pop_head(c, r, i, g, (c.vc[g].route & ~c.vc[g].dropped) != 0)
        c.vc[g].route = -1
        note_pop(&c.vc[g], c.now)  # read only for mesh ports: no branch on the port
        s = max(c.now + 1, c.slot[c.vc[g].base + c.vc[g].head].ready)  # the next head's
        nxt = min(nxt, s if c.vc[g].cnt else INT64_MAX)
    c.rt[r].rc[C_BLOCKED] += blocked
    return nxt


# The two copies of the unicast router cycle: in dense cycles no flit is in flight, in sparse
# ones flits may be (noc/_flight.pyx); Cython compiles one function per type.
ctypedef struct Dense:
    char unused
ctypedef struct Sparse:
    char unused
ctypedef fused Traffic:
    Dense
    Sparse


cdef inline void unicast_cycle(Core* c, int r) noexcept nogil:
    """``unicast_router_cycle`` where no flit is in flight (dense cycles)."""
    unicast_router_cycle(c, r, <Dense*>NULL)


cdef void unicast_cycle_sparse(Core* c, int r) noexcept nogil:
    """``unicast_router_cycle`` where flits may be in flight and take off (sparse cycles)."""
    unicast_router_cycle(c, r, <Sparse*>NULL)


cdef inline void unicast_router_cycle(Core* c, int r, Traffic* traffic) noexcept nogil:
    """``fused_cycle`` for XY unicast without drops: the same RC, VA, SA, ST, pop, counters
    and wake-up, with an input VC's ``route`` holding the output port (not a mask) and
    ``alloc`` non-zero while the port holds that output's VC. A head never has more than one
    branch, nothing is dropped or unrouted, so no branch masks and no copy counts are kept.
    When no two ready ports ask for one output, each request is granted just before its
    port's switch traversal, in one pass (# perf: +3 % flit-hops/s CPU on 8x8 at 0.17), as
    the two phases would: an output whose VC was held at the cycle's start and released in
    it (``released``) is not granted again in the same cycle. With ``Traffic`` ``Sparse``
    flits may be in flight, or take off where ``Core.fly`` allows (noc/_flight.pyx; # perf:
    a run-time test cost the 8x8 benchmark's router cycle 1.8-4.6 % instructions)."""
    cdef bint fly = Traffic is Sparse
    cdef uint64_t m = c.occ[r]
    cdef uint32_t ready = 0, asked = 0, shared = 0, released = 0, b
    # want[o]: ready input ports asking for output port o's VC, valid where bit o of asked is
    # set (the first request of an output masks the entry's unset value away)
    cdef uint32_t want[32]
    cdef int g0 = r * c.P, i, o, blocked = 0, sent = 0
    cdef int64_t now = c.now, nxt = INT64_MAX, t
    cdef InVC* vc
    cdef Slot* s
    while m:
        i = ctz64(m)
        m &= m - 1
        vc = &c.vc[g0 + i]
        s = &c.slot[vc.base + vc.head]
        if s.ready > now:
            nxt = min(nxt, s.ready)
            continue
        ready |= 1u << i
        if vc.route < 0:
            vc.route = mesh_xy_output(c, r, s)
        if not vc.alloc:
            o = vc.route
            shared |= asked & 1u << o
            want[o] = (want[o] & -(<uint32_t>(asked >> o & 1))) | 1u << i
            asked |= 1u << o
    while shared and asked:  # VA grants, round robin over the asking ports
        o = ctz64(asked)
        asked &= asked - 1
        if c.ovc[g0 + o].owner >= 0 or (o >= NDIR and now < c.eject_ready[r * c.L + o - NDIR]):
            continue
        b = want[o]
        i = first_from(b, c.rr_va[g0 + o]) if b & (b - 1) else ctz64(b)
        c.rr_va[g0 + o] = i + 1 if i + 1 < c.P else 0
        c.ovc[g0 + o].owner = i
        c.vc[g0 + i].alloc = 1
        c.rt[r].rc[C_VC_ARB] += 1
    while ready:  # SA, ST and pop
        i = ctz64(ready)
        ready &= ready - 1
        vc = &c.vc[g0 + i]
        o = vc.route
        if not vc.alloc and not shared and c.ovc[g0 + o].owner < 0 and not (
            released >> o & 1 or o >= NDIR and now < c.eject_ready[r * c.L + o - NDIR]
        ):  # the output's only asker: its VC grant
            c.rr_va[g0 + o] = i + 1 if i + 1 < c.P else 0
            c.ovc[g0 + o].owner = i
            vc.alloc = 1
            c.rt[r].rc[C_VC_ARB] += 1
        if not vc.alloc or (o < NDIR and not link_credit(c, r, o)):
            blocked += 1
            nxt = now + 1
            continue
        sent += 1
        released |= 1u << o
        vc.alloc = 0
        c.ovc[g0 + o].owner = -1
        nxt = min(nxt, send_head(c, r, g0, i, vc, o, now, fly))
    c.rt[r].rc[C_XBAR] += sent  # each also one switch arbitration of each kind and one buffer
    # read (one branch per head, no drops): EngineCore.router_counters fills those columns
    c.rt[r].rc[C_BLOCKED] += blocked
    note_occupancy(c, r, c.rt[r].buf_flits)
    schedule(c, r, nxt)


cdef inline int64_t send_head(
    Core* c, int r, int g0, int i, InVC* vc, int o, int64_t now, bint fly
) noexcept nogil:
    """ST of the ready head of input port i (``vc``, input VC g0 + i) of router r through
    output port o, whose VC it holds (and, for a link, a credit), and its pop; with ``fly``,
    into flight at a next router where it can be (noc/_flight.pyx, ``joinable``). Returns the first
    cycle after ``now`` at which the port's next head is ready (INT64_MAX: none)."""
    cdef int64_t t = vc.base + vc.head
    if o < NDIR:
        if not (fly and take_off(c, r, o, &c.slot[t])):
            link_traverse(c, r, o, 0, 0, t, fly)
    else:
        eject(c, r, o - NDIR, 0, &c.slot[t], False)  # one copy per packet
    pop_head(c, r, i, g0 + i, False)  # buffer reads: see router_counters
    vc.route = -1
    note_pop(vc, now)
    if not vc.cnt:
        return INT64_MAX
    return max(now + 1, c.slot[vc.base + vc.head].ready)  # the next head's


cdef inline bint take_off(Core* c, int r, int o, const Slot* s) noexcept nogil:
    """Where flits may fly, send the flit of slot s from router r across mesh port o into
    flight at the next router if it can be there (noc/_flight.pyx, ``joinable``); whether it
    did."""
    cdef int n = c.rt[r].nbr[o], kx, ky  # (a router: no chip links with fliers)
    cdef Air a
    if not c.fly or c.occ[n]:
        return False
    air_of(c, &a)
    kx, ky = s.dx - c.rt[n].x, s.dy - c.rt[n].y
    if not joinable(&a, n, s, kx, ky):
        return False
    c.rt[r].lf[o] += 1
    c.fa[n] += 1  # its arrival at n (a flier's departure counts one: EngineCore._fold_flight)
    fly_into(&a, n, opp(o), s, kx, ky)
    c.n_fly += 1
    return True


cdef void lone_port_cycle(Core* c, int r, int i) noexcept nogil:
    """``unicast_cycle`` of router r whose only occupied input port is i, with the same
    results: no other port asks for an output, so a ready head that gets its output's VC and
    a credit sends at once, and a VC granted and freed in the same visit is never marked
    held; no request masks are built.

    # perf: on the TrueNorth run's traffic (nearly every visit has one occupied port) the
    engine's instructions fall by 15 % (callgrind) and flit-hops/s CPU rise by 4-6 % (8
    interleaved pairs of runs: median +5.7 %, mean +4.4 %; the state of its 64x64 mesh misses
    the caches, which this does not change). Testing every visit cost the 8x8 benchmark
    1.5-2.5 %, where few visits have one occupied port: hence the test only in sparse cycles,
    and a copy of ``visit_due``'s loop without it (8x8: instructions and flit-hops/s
    unchanged).
    """
    cdef int g0 = r * c.P, o
    cdef InVC* vc = &c.vc[g0 + i]
    cdef Slot* s = &c.slot[vc.base + vc.head]
    cdef int64_t now = c.now, nxt = s.ready
    cdef bint granted = False
    if nxt <= now:
        if vc.route < 0:
            vc.route = mesh_xy_output(c, r, s)
        o = vc.route
        if not vc.alloc and c.ovc[g0 + o].owner < 0 and not (
            o >= NDIR and now < c.eject_ready[r * c.L + o - NDIR]
        ):
            c.rr_va[g0 + o] = i + 1 if i + 1 < c.P else 0
            c.rt[r].rc[C_VC_ARB] += 1
            granted = True
        if (vc.alloc or granted) and (o >= NDIR or link_credit(c, r, o)):
            if vc.alloc:  # held since an earlier cycle
                vc.alloc = 0
                c.ovc[g0 + o].owner = -1
            c.rt[r].rc[C_XBAR] += 1
            nxt = send_head(c, r, g0, i, vc, o, now, True)
        else:
            if granted:
                c.ovc[g0 + o].owner = i
                vc.alloc = 1
            c.rt[r].rc[C_BLOCKED] += 1
            nxt = now + 1
    note_occupancy(c, r, c.rt[r].buf_flits)
    schedule(c, r, nxt)
