from libc.stdint cimport int32_t, int64_t, uint64_t

from noc._core cimport C_BUF_WRITES, C_MAX_OCC, Core, Flier, Slot
from noc._route cimport opp


cdef void depart(Core* c, int r) noexcept nogil


cdef inline void board_multicast(
    Core* c, int r, int port, const Slot* s, int64_t ready, int32_t hops
) noexcept nogil:
    """Put the flit of slot ``s``, come into input port ``port`` of router r (which holds
    nothing), in flight there, ready at ``ready`` after ``hops`` hops: its router's bit in the
    wake-up wheel's bucket of ``ready``, counted in ``fwn`` (noc/_multicast_flight.pyx)."""
    cdef Flier* f = &c.fl[2 * r]
    cdef int b = ready & (c.W - 1)
    f.flit = s[0]
    f.flit.ready = ready
    f.flit.hops = hops
    f.port = port
    c.fly_m[r] = 1
    c.n_fly += 1
    c.wheel[b * c.NW + (r >> 6)] |= <uint64_t>1 << (r & 63)
    c.fwn[b] += 1


cdef inline bint take_off_multicast(
    Core* c, int r, int o, const Slot* s, int64_t ready, int32_t hops
) noexcept nogil:
    """Send the flit of slot ``s`` from router r across mesh port o into flight at the next
    router, ready at ``ready`` after ``hops`` hops, if that router holds nothing (no flit,
    no flier: noc/_multicast_flight.pyx); whether it did. Counts the link flit, and the
    buffer write and the occupancy of one that the flit's write would have counted."""
    cdef int n = c.rt[r].nbr[o]  # (a router: no chip links with fliers)
    if c.occ[n] or c.fly_m[n]:
        return False
    board_multicast(c, n, opp(o), s, ready, hops)
    c.rt[r].lf[o] += 1
    c.rt[n].rc[C_BUF_WRITES] += 1
    c.rt[n].rc[C_MAX_OCC] = max(c.rt[n].rc[C_MAX_OCC], 1)
    return True
