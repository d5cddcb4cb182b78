"""The stages of one router for one cycle, on the engine state (noc/_core.pxd).

``router_cycle`` runs them in the documented order (noc/README.md); each stage mirrors the
method of the same name in :class:`noc.reference.ReferenceCore`. Allocation is two-phase: a
stage gathers every request from the state as it stood, then applies the grants, so the
order in which ports and VCs are visited never changes the result. Loops visit only occupied
input VCs (``occ``) and the set bits of the branch masks.
"""

from libc.stdint cimport int64_t, uint64_t

from noc._core cimport (
    C_BLOCKED, C_DROPPED, C_SW_IN_ARB, C_SW_OUT_ARB, C_VC_ARB, C_XBAR, NDIR, Core,
    bit_count, ctz64, first_from, ready_slot, slot_of,
)
from noc._route cimport opp
from noc._stages cimport eject, finish_copy, link_traverse, pop_head, route_head


cdef void router_cycle(Core* c, int r) noexcept nogil:
    """RC, drop, VA, SA, ST (+ link), pop (+ credit return), blocked count.

    Every stage acts only on VCs whose head flit is ready (flit ready cycles never decrease
    along a VC, and flits written this cycle are not ready yet): ``c.ready`` holds them, and a
    router without any is skipped (# perf: +3 % flit-hops/s on 8x8 uniform at 0.17 for the
    skip, +7 % for visiting only ready VCs).
    """
    cdef uint64_t m = c.occ[r], ready = 0
    cdef int i, g
    while m:
        i = ctz64(m)
        m &= m - 1
        g = r * c.NI + i
        if c.slot[c.vc[g].base + c.vc[g].head].ready <= c.now:
            ready |= <uint64_t>1 << i
    if not ready:
        return
    c.ready = ready
    c.dropped_now = 0
    route_compute(c, r)
    if c.drop:
        drop_blocked(c, r)
    vc_allocate(c, r)
    switch_traverse(c, r, switch_allocate(c, r))
    pop_flits(c, r)
    c.rt[r].rc[C_BLOCKED] += bit_count(c.wanting & ~c.moved)


cdef void route_compute(Core* c, int r) noexcept nogil:
    """RC: route each packet whose head flit has become ready at the head of its VC."""
    cdef uint64_t m = c.ready
    cdef int i, g, o, b
    while m:
        i = ctz64(m)
        m &= m - 1
        g = r * c.NI + i
        if c.vc[g].route >= 0:
            continue
        b = route_head(c, r, i, g)
        while b:
            o = ctz64(b)
            b &= b - 1
            c.br[g * c.P + o].sent = 0


cdef void drop_blocked(Core* c, int r) noexcept nogil:
    """Drop branches that have not sent their head flit drop_after cycles after it was ready."""
    cdef uint64_t m = c.ready
    cdef int i, g, o, pid, unstarted, b
    while m:
        i = ctz64(m)
        m &= m - 1
        g = r * c.NI + i
        unstarted = 0
        b = c.vc[g].act_br
        while b:
            o = ctz64(b)
            b &= b - 1
            if c.br[g * c.P + o].sent == 0:
                unstarted |= 1 << o
        if not unstarted or c.now - c.slot[c.vc[g].base + c.vc[g].head].ready < c.drop_after:
            continue
        pid = c.slot[c.vc[g].base + c.vc[g].head].pkt
        while unstarted:
            o = ctz64(unstarted)
            unstarted &= unstarted - 1
            if c.br[g * c.P + o].ovc >= 0:
                c.ovc[(r * c.P + o) * c.V + c.br[g * c.P + o].ovc].owner = -1
                c.br[g * c.P + o].ovc = -1
            c.vc[g].dropped |= 1 << o
            c.dropped_now |= <uint64_t>1 << i
            c.vc[g].act_br &= ~(1 << o)
            c.vc[g].pend_va &= ~(1 << o)
            c.vc[g].alloc &= ~(1 << o)
            c.rt[r].rc[C_DROPPED] += 1
            finish_copy(c, pid, False)  # (never in bands)


cdef void vc_allocate(Core* c, int r) noexcept nogil:
    """VA: each branch waiting for an output VC asks for the lowest free one it may use; each
    output VC grants one request, round robin over input index i = p * V + v."""
    cdef uint64_t m = c.ready, touched = 0, req
    cdef int i, g, o, w, k, b, h0 = r * c.NI
    while m:
        i = ctz64(m)
        m &= m - 1
        b = c.vc[r * c.NI + i].pend_va
        while b:
            o = ctz64(b)
            b &= b - 1
            w = free_output_vc(c, r, c.port_of[i], i - c.port_of[i] * c.V, o)
            if w >= 0:
                k = o * c.V + w
                if not (touched >> k & 1):
                    touched |= <uint64_t>1 << k
                    c.va_req[k] = 0
                c.va_req[k] |= <uint64_t>1 << i
    while touched:
        k = ctz64(touched)
        touched &= touched - 1
        i = first_from(c.va_req[k], c.rr_va[h0 + k])
        c.rr_va[h0 + k] = i + 1 if i + 1 < c.NI else 0
        c.rt[r].rc[C_VC_ARB] += 1
        c.ovc[h0 + k].owner = i
        g = h0 + i
        o = c.port_of[k]  # k // V
        c.br[g * c.P + o].ovc = k - o * c.V
        c.vc[g].pend_va &= ~(1 << o)
        c.vc[g].alloc |= 1 << o


cdef int free_output_vc(Core* c, int r, int p, int v, int o) noexcept nogil:
    """Lowest free output VC at port o that input VC (p, v) may take (-1: none). Local ports
    have one, free once the receiver's ejection interval has passed; on a torus the dateline
    splits the VCs in two classes."""
    cdef int h = (r * c.P + o) * c.V, w, lo = 0, hi = c.V, half
    if o >= NDIR:
        if c.ovc[h].owner < 0 and c.now >= c.eject_ready[r * c.L + o - NDIR]:
            return 0
        return -1
    if c.torus:
        half = c.V // 2
        if c.wraps[r * NDIR + o] or (p == opp(o) and v >= half):
            lo = half
        else:
            hi = half
    for w in range(lo, hi):
        if c.ovc[h + w].owner < 0:
            return w
    return -1


cdef inline bint has_credit(Core* c, int h) noexcept nogil:
    """Whether output VC h may send a flit; absorbs the credits returned by now when it has
    none left (lazily, the ring is only read at zero credits: the count of credits plus
    pending returns never exceeds the ring's D entries; # perf: with the records' argsort,
    +4-9 % flit-hops/s CPU for V = 2 or F = 2 on 8x8 uniform, see docs/benchmarks.md)."""
    if c.ovc[h].credits > 0:
        return True
    while c.ovc[h].cr_cnt > 0 and c.cr_time[h * c.D + c.ovc[h].cr_head] <= c.now:
        c.ovc[h].cr_head = c.ovc[h].cr_head + 1 if c.ovc[h].cr_head + 1 < c.D else 0
        c.ovc[h].cr_cnt -= 1
        c.ovc[h].credits += 1
    return c.ovc[h].credits > 0


cdef int ready_branches(Core* c, int r, int i) noexcept nogil:
    """Branches of VC i's head packet holding an output VC, with a ready flit and a credit;
    marks VC i as wanting when any live branch has a ready flit."""
    cdef int g = r * c.NI + i, o, k, mask = 0, b = c.vc[g].act_br
    while b:
        o = ctz64(b)
        b &= b - 1
        k = c.br[g * c.P + o].sent
        if k != c.vc[g].popped and ready_slot(c, g, k, c.now) < 0:  # the head slot is ready
            continue
        c.wanting |= <uint64_t>1 << i
        if c.vc[g].alloc >> o & 1 and (
            o >= NDIR or has_credit(c, (r * c.P + o) * c.V + c.br[g * c.P + o].ovc)
        ):
            mask |= 1 << o
    return mask


cdef int switch_allocate(Core* c, int r) noexcept nogil:
    """SA, separable input-first: each input port picks one VC with ready branches (round
    robin), then each output port grants one requesting input port (round robin). Returns
    the mask of granted output ports (grant_in[o] holds the input port)."""
    cdef uint64_t m = c.ready, cand = 0
    cdef int p = -1, v, o, i, mask, rb = r * c.P, outs = 0, granted, q
    cdef uint64_t out_req[32]
    cdef int vc_mask[64]
    c.wanting = 0
    while True:  # ready VCs in index order, so grouped by input port
        i = ctz64(m) if m else c.NI
        q = c.port_of[i] if m else c.P
        if q != p and cand:  # input arbitration of port p
            v = first_from(cand, c.rr_in[rb + p])
            c.port_vc[p] = v
            mask = vc_mask[v]
            c.rt[r].rc[C_SW_IN_ARB] += 1
            while mask:
                o = ctz64(mask)
                mask &= mask - 1
                if not (outs >> o & 1):
                    outs |= 1 << o
                    out_req[o] = 0
                out_req[o] |= <uint64_t>1 << p
            cand = 0
        if not m:
            break
        m &= m - 1
        p = q
        mask = ready_branches(c, r, i)
        if mask:
            v = i - p * c.V
            cand |= <uint64_t>1 << v
            vc_mask[v] = mask
    granted = outs
    while outs:
        o = ctz64(outs)
        outs &= outs - 1
        p = first_from(out_req[o], c.rr_out[rb + o])
        c.grant_in[o] = p
        c.rr_out[rb + o] = p + 1 if p + 1 < c.P else 0
        c.rt[r].rc[C_SW_OUT_ARB] += 1
        c.rr_in[rb + p] = c.port_vc[p] + 1 if c.port_vc[p] + 1 < (c.V if p < NDIR else 1) else 0
    return granted


cdef void switch_traverse(Core* c, int r, int granted) noexcept nogil:
    """ST: move each granted flit through the crossbar onto its link or local port."""
    cdef int o, p, i, g, k, w
    cdef int64_t s
    c.moved = 0
    while granted:
        o = ctz64(granted)
        granted &= granted - 1
        p = c.grant_in[o]
        i = p * c.V + c.port_vc[p]
        g = r * c.NI + i
        k = c.br[g * c.P + o].sent
        w = c.br[g * c.P + o].ovc
        s = slot_of(c, g, k - c.vc[g].popped)  # ready: SA checked it
        c.rt[r].rc[C_XBAR] += 1
        if o < NDIR:  # no credit is spent on a chip link (nbr -1)
            c.ovc[(r * c.P + o) * c.V + w].credits -= c.rt[r].nbr[o] >= 0
            link_traverse(c, r, o, w, k, s, False)  # (none in flight: noc/_flight.pyx)
        else:
            eject(c, r, o - NDIR, k, &c.slot[s], False)
        c.br[g * c.P + o].sent = k + 1
        if k + 1 == c.F:
            c.ovc[(r * c.P + o) * c.V + w].owner = -1
            c.br[g * c.P + o].ovc = -1
            c.vc[g].alloc &= ~(1 << o)
            c.vc[g].act_br &= ~(1 << o)
        c.moved |= <uint64_t>1 << i


cdef void pop_flits(Core* c, int r) noexcept nogil:
    """Free buffer slots whose flit every live branch has sent; credits go upstream.

    Only a VC that sent a flit this cycle, lost branches to a drop this cycle, or has no live
    branch left can have a flit to free (# perf: the others are not looked at; with the
    switch allocator visiting only requesting ports, +10 % flit-hops/s on 8x8 at 0.17)."""
    cdef uint64_t m = c.ready
    cdef int i, g, b, o
    cdef bint done
    while m:
        i = ctz64(m)
        m &= m - 1
        g = r * c.NI + i
        if not ((c.moved | c.dropped_now) >> i & 1) and c.vc[g].act_br != 0:
            continue
        while c.vc[g].route >= 0 and ready_slot(c, g, c.vc[g].popped, c.now) >= 0:
            done = True
            b = c.vc[g].act_br
            while b:
                o = ctz64(b)
                b &= b - 1
                if c.br[g * c.P + o].sent <= c.vc[g].popped:
                    done = False
            if not done:
                break
            pop_head(c, r, i, g, (c.vc[g].route & ~c.vc[g].dropped) != 0)
            if c.port_of[i] < NDIR:
                return_credit(c, r, c.port_of[i], i - c.port_of[i] * c.V)
            c.vc[g].popped += 1
            if c.vc[g].popped == c.F:
                c.vc[g].route = -1
                c.vc[g].popped = 0
                break


cdef inline void return_credit(Core* c, int r, int p, int v) noexcept nogil:
    """The credit of a slot freed in input VC (p, v), p a mesh port, reaches the upstream
    router's output VC Lk cycles from now (none over a chip link: no upstream router)."""
    cdef int u = c.rt[r].nbr[p], h, k
    if u < 0:
        return
    h = (u * c.P + opp(p)) * c.V + v
    k = c.ovc[h].cr_head + c.ovc[h].cr_cnt
    c.cr_time[h * c.D + (k - c.D if k >= c.D else k)] = c.now + c.Lk
    c.ovc[h].cr_cnt += 1
