"""Multicast packets in flight: on the fused path of table-routed (or dropping) traffic
(V = 1, F = 1, no chip links, one band), a flit crosses routers that hold nothing else
without their visits, with the results of the router cycle (noc/_fused.pyx, ``fused_cycle``;
noc/README.md, "Flits in flight").

A flit sent by a router cycle across a link into a router that holds nothing, flits or flier
(``take_off_multicast``), or admitted from a local source into such a router
(``EngineCore._enqueue``), is *in flight* there: in slot 0 of the router's flight table, not in
its buffer (one flier a router: with many branches, two would compete for outputs). In its
ready cycle, in its router's turn of the cycle's walk over the routers in order (its bit
in the wake-up wheel: ``noc._fused.visit_bucket``), it leaves as the router's visit would,
alone in the router: every branch of its route at once (``depart``), each local branch
ejected with its delivery record, each link branch in flight at the next router if
that one holds nothing, else written into its buffer (its flier landed first). If a branch
could not leave now (the receiver of a local port is busy, a link has no credit) or the
packet has no route, the flier *lands* instead (``noc._flight.land``): it becomes a flit in
the router's buffer, whose visit this cycle then finds it ready, and the router cycle gives
the packet its branches one by one, its drops and its unrouted count.

A departure counts what the router cycle counts for a head that sends every branch: a VC
grant, an output switch arbitration and a crossbar traversal a branch, one input switch
arbitration and one buffer read, the link flits, the round-robin pointers of the outputs it
is granted; a flier's arrival counts a buffer write of the router it comes to and an
occupancy of at least one. Its pop is not noted in the input VC's pop history (see
``noc._flight.leave``: the router held nothing else since before the flier came).
"""

from libc.stdint cimport int32_t, int64_t, uint16_t, uint32_t, uint64_t

from noc._core cimport (
    C_BUF_READS, C_SW_IN_ARB, C_SW_OUT_ARB, C_VC_ARB, C_XBAR, NDIR, Core, Flier,
    ctz64, popcount64,
)
from noc._credits cimport link_credit
from noc._flight cimport land
from noc._multicast_flight cimport take_off_multicast
from noc._route cimport compute_route, opp
from noc._stages cimport add_copies, busy_ejections, eject, write_link_flit


cdef void depart(Core* c, int r) noexcept nogil:
    """The flier of router r, due now: every branch of its route leaves, or it lands (and
    is visited this cycle: ``noc._fused.visit_bucket``)."""
    cdef Flier* f = &c.fl[2 * r]
    cdef int route = compute_route(c, r, c.port_of[f.port], &f.flit)
    if route == 0 or not all_free(c, r, <uint32_t>route):
        land(c, r)
        return
    send_all(c, r, f, <uint32_t>route)


cdef inline bint all_free(Core* c, int r, uint32_t route) noexcept nogil:
    """Whether every branch of ``route`` at router r can leave now: each local port's
    receiver past its ejection interval, and each link's next router empty (the flier goes
    into flight there) or with a credit (a flier there lands first, as a flit of its buffer
    it is)."""
    cdef uint32_t b
    cdef int o, n
    if busy_ejections(c, r, route):
        return False
    b = route & ((1u << NDIR) - 1)
    while b:
        o = ctz64(b)
        b &= b - 1
        n = c.rt[r].nbr[o]
        if c.occ[n] or c.fly_m[n]:
            if c.fly_m[n]:
                land(c, n)
            if not link_credit(c, r, o):
                return False
    return True


cdef inline void send_all(Core* c, int r, Flier* f, uint32_t route) noexcept nogil:
    """Router r's flier ``f`` crosses the crossbar to every output of ``route`` (all free),
    with the router cycle's counts; the copies that cross links fly on or are written into
    the next router's buffer."""
    cdef int pid = f.flit.pkt, n = popcount64(<uint64_t>route), o
    cdef int64_t ready = c.now + c.Lk + c.Rp
    cdef int32_t hops = f.flit.hops
    cdef uint16_t next_rr = f.port + 1 if f.port + 1 < c.P else 0
    cdef uint32_t b = route
    if n > 1:  # its copies, before any is finished
        add_copies(c, pid, n - 1, False)
    c.rt[r].rc[C_VC_ARB] += n
    c.rt[r].rc[C_SW_IN_ARB] += 1
    c.rt[r].rc[C_SW_OUT_ARB] += n
    c.rt[r].rc[C_XBAR] += n
    c.rt[r].rc[C_BUF_READS] += 1
    c.fly_m[r] = 0
    c.n_fly -= 1
    c.flown += n
    while b:
        o = ctz64(b)
        b &= b - 1
        c.rr_va[r * c.P + o] = next_rr
        if o >= NDIR:
            eject(c, r, o - NDIR, 0, &f.flit, False)
        elif not take_off_multicast(c, r, o, &f.flit, ready, hops + 1):
            c.rt[r].lf[o] += 1
            write_link_flit(c, c.rt[r].nbr[o], opp(o), &f.flit, ready, hops + 1, True)
    f.flit.ready = -1
