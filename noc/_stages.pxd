# Pieces of the router stages shared by the general stages (noc/_router.pyx) and the fused
# V = 1, F = 1 router cycle (noc/_fused.pyx): inline, so that each module compiles its own copy.

from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t

from noc._core cimport (
    C_BUF_READS, C_BUF_WRITES, C_MAX_OCC, C_UNROUTED, E_EJECTED, NDIR, Core, Slot, ctz64,
    popcount64, push_moved,
)
from noc._bands cimport add_copies_shared, hand_off
from noc._flight cimport holds_flier, land
from noc._route cimport compute_route, opp


cdef inline void finish_copy(Core* c, int pid, bint shared) noexcept nogil:
    """One copy of packet pid is done (delivered, dropped or unrouted); free its id after
    the last (``shared``: see ``add_copies``)."""
    if add_copies(c, pid, -1, shared) == 0:
        c.unfinished -= 1
        c.free_ids[c.n_free] = pid
        c.n_free += 1


cdef inline int route_head(Core* c, int r, int i, int g) noexcept nogil:
    """RC for the ready head flit of input VC g (router-local index i): its route becomes
    the live, VC-waiting branches, none holding an output VC; an unrouted packet (route 0)
    is counted and finished. Returns the route."""
    cdef Slot* s = &c.slot[c.vc[g].base + c.vc[g].head]
    cdef int pid = s.pkt, route = compute_route(c, r, c.port_of[i], s)
    c.vc[g].route = route
    c.vc[g].act_br = route
    c.vc[g].pend_va = route
    c.vc[g].alloc = 0
    c.vc[g].dropped = 0
    if route == 0:
        c.rt[r].rc[C_UNROUTED] += 1
        finish_copy(c, pid, c.dirty != NULL)
    elif route & (route - 1):  # multicast copies (a unicast hop leaves the packet alone;
        # branch-free count: # perf: 1.3 % fewer instructions in the SpiNNaker2-like NoC, whose
        # routes have ~5 bits, with the crossbar's count in send_and_pop)
        add_copies(c, pid, popcount64(<uint64_t>route) - 1, c.dirty != NULL)
    return route


cdef inline int32_t add_copies(Core* c, int pid, int32_t n, bint shared) noexcept nogil:
    """Add n to the unfinished copies of packet pid and return them; atomically if
    ``shared``: a band of a parallel run (noc/_bands.pyx) running the multicast cycle, whose
    copies of a packet may be in several bands. The unicast cycle passes a constant False
    (one copy per packet: # perf: a run-time test here cost the 8x8 benchmark 3-4 %)."""
    if shared:
        return add_copies_shared(c, pid, n)
    c.pk[pid].live += n
    return c.pk[pid].live


cdef inline void link_traverse(
    Core* c, int r, int o, int w, int k, int64_t s, bint fly
) noexcept nogil:
    """Flit k (of its packet) in slot s crosses output VC w of mesh port o and the link:
    written into the neighbour's buffer, ready R cycles after it arrives (Lk + R cycles after
    now), or out of the chip over a chip link. The caller accounts for the credit. ``fly``:
    the neighbour may hold a flier (``write_link_flit``)."""
    cdef int n = c.rt[r].nbr[o]
    cdef Slot flit
    c.rt[r].lf[o] += 1
    if n < 0:
        leave_chip(c, c.clink[r * NDIR + o], k, s)
        return
    if n < c.lo or n >= c.hi:  # another band's (parallel runs): written after the visits
        flit = c.slot[s]
        flit.ready = c.now + c.Lk + c.Rp
        flit.hops += 1
        hand_off(c, n, opp(o) * c.V + w, &flit)
        return
    write_link_flit(
        c, n, opp(o) * c.V + w, &c.slot[s], c.now + c.Lk + c.Rp, c.slot[s].hops + 1, fly
    )


cdef inline void write_link_flit(
    Core* c, int n, int i, const Slot* flit, int64_t ready, int32_t hops, bint fly
) noexcept nogil:
    """Write ``flit``, come over a link, ready at ``ready`` after ``hops`` hops, into input VC
    i of router n (a buffer write, one more flit in its link buffers), and note n's occupancy
    unless its visit this cycle is still due (branch-free, see pop_head; the fused path's
    bookkeeping). With ``fly`` (there may be flits in flight: noc/_flight.pyx) a flier at n
    lands first."""
    if fly and c.n_fly and holds_flier(c, n):
        land(c, n)
    push_moved(c, n, i, flit, ready, hops)
    c.rt[n].rc[C_BUF_WRITES] += 1
    c.rt[n].buf_flits += 1
    if c.fused:
        note_occupancy(c, n, c.rt[n].buf_flits if c.rt[n].wake != c.now else 0)


cdef inline void leave_chip(Core* c, int link, int k, int64_t s) noexcept nogil:
    """Flit k in slot s crossed chip link ``link`` towards the neighbouring chip, which takes
    a flit per cycle (no credit); the tail completes the delivery record: arrival at the far
    end (Lk + 1 cycles from now), the chip link counted in the hops."""
    cdef int ep = c.EP + link
    c.ec[ep * 3 + E_EJECTED] += 1
    if k == c.F - 1:
        record(c, c.slot[s].pkt, ep, c.now + c.Lk + 1, c.slot[s].hops + 1, False)


cdef inline void record(
    Core* c, int pid, int ep, int64_t arrival, int hops, bint shared
) noexcept nogil:
    """The delivery record of packet pid at endpoint ep; the copy is finished (``shared``:
    see ``add_copies``)."""
    cdef int n = c.n_out
    c.o_arr[n] = arrival
    c.o_dest[n] = ep
    c.o_key[n] = c.pk[pid].key
    c.o_src[n] = c.pk[pid].src
    c.o_inj[n] = c.pk[pid].cycle
    c.o_hops[n] = hops
    c.o_tag[n] = c.pk[pid].tag
    c.n_out = n + 1
    finish_copy(c, pid, shared)


cdef inline void note_occupancy(Core* c, int r, int64_t flits) noexcept nogil:
    """Raise router r's maximum buffer occupancy to ``flits`` (branch-free)."""
    c.rt[r].rc[C_MAX_OCC] = max(c.rt[r].rc[C_MAX_OCC], flits)


cdef inline uint32_t busy_ejections(Core* c, int r, uint32_t ports) noexcept nogil:
    """The local ports among ``ports`` (bits NDIR + p) of router r whose receiver is within
    its ejection interval (none when the interval is one cycle: it has passed by any later
    cycle)."""
    cdef uint32_t busy = 0, local
    cdef int p
    if c.E > 1:
        local = ports >> NDIR
        while local:
            p = ctz64(local)
            local &= local - 1
            if c.now < c.eject_ready[r * c.L + p]:
                busy |= 1u << (NDIR + p)
    return busy


cdef inline void eject(
    Core* c, int r, int port, int k, const Slot* flit, bint shared
) noexcept nogil:
    """Flit k (of its packet) ``flit`` (in a slot, or a flier) of router r leaves through
    local port ``port``; the tail completes the delivery record (arrival: the next cycle;
    ``shared``: see ``add_copies``)."""
    cdef int ep = r * c.L + port
    c.ec[ep * 3 + E_EJECTED] += 1
    if k == 0:
        c.eject_ready[ep] = c.now + c.E
    if k == c.F - 1:
        record(c, flit.pkt, ep, c.now + 1, flit.hops, shared)


cdef inline void pop_head(Core* c, int r, int i, int g, bint read) noexcept nogil:
    """Remove the head flit of input VC g (router-local index i), counting a buffer read if
    ``read`` (a flit every branch of which was dropped is discarded unread). The caller
    returns the credit."""
    cdef int k = c.vc[g].head + 1
    c.vc[g].head = k - (c.vc[g].cap & -(k >= c.vc[g].cap))  # perf: branch-free, see below
    c.vc[g].cnt -= 1
    # perf: branch-free (with first_from's conditional move +3 % flit-hops/s on 8x8)
    c.occ[r] &= ~(<uint64_t>(c.vc[g].cnt == 0) << i)
    c.rt[r].rc[C_BUF_READS] += read
    c.rt[r].buf_flits -= c.port_of[i] < NDIR  # link input buffers only
