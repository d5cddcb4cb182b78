from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t

from noc._core cimport C_MAX_OCC, NDIR, Core, Flier, Router, Slot


cdef void fly_due(Core* c) noexcept nogil
cdef void land(Core* c, int r) noexcept nogil
cdef void land_all(Core* c) noexcept nogil


cdef inline void clear_flight_wheel(Core* c) noexcept nogil:
    """Empty every bucket of the flight wheel (no flier is in flight)."""
    cdef int b
    for b in range(c.W):
        c.fwn[b] = 0


cdef inline bint holds_flier(Core* c, int r) noexcept nogil:
    """Whether a flit is in flight at router r."""
    return c.fly_m[r] != 0


# The flight state's arrays and constants, copied out of the engine struct into a local of
# the flight loop, which the compiler keeps in registers between its calls to the rare paths
# (# perf: through the struct, it reloaded them after every store).
ctypedef struct Air:
    Flier* fl
    Router* rt
    uint64_t* occ
    uint8_t* flying  # Core.fly_m
    int32_t* later  # the flight wheel's bucket of ``ready``: its list of routers
    int32_t* later_n  # and how many it lists
    int32_t* fh
    uint16_t* rr_va
    int64_t now
    int64_t ready  # the cycle a flit crossing a link now is ready: now + Lk + R
    int P, L
    bint two  # Core.fly2
    int32_t step[NDIR]
    int64_t flown  # departures (for Core.flown)


cdef inline void air_of(Core* c, Air* a) noexcept nogil:
    cdef int d
    a.fl, a.rt, a.occ, a.flying, a.fh, a.rr_va = c.fl, c.rt, c.occ, c.fly_m, c.fh, c.rr_va
    a.now = c.now
    a.ready = c.now + c.Lk + c.Rp
    a.P, a.L = c.P, c.L
    due_at(c, a, a.ready)
    a.two = c.fly2
    for d in range(NDIR):
        a.step[d] = c.step[d]
    a.flown = 0


cdef inline void due_at(Core* c, Air* a, int64_t cycle) noexcept nogil:
    """Put the fliers that ``board`` puts in the flight wheel's bucket of ``cycle``."""
    a.later = c.fwheel + (cycle & (c.W - 1)) * c.fcap
    a.later_n = &c.fwn[cycle & (c.W - 1)]


cdef inline bint joinable(Air* a, int n, const Slot* s, int kx, int ky) noexcept nogil:
    """Whether the flit of slot ``s`` crossing a link into router n now, its destination's
    router (kx, ky) from n, can be in flight there: n's buffers are empty, and n holds no
    flier, or (two a router) one that leaves after now and before the newcomer can, or when
    it can but through another output (so that the two never compete for an output)."""
    cdef int m = a.flying[n]
    cdef Flier* other
    if a.occ[n]:
        return False
    if not m:
        return True
    if not a.two or m == 3:
        return False
    other = &a.fl[2 * n + (m >> 1)]
    if not a.now < other.flit.ready <= a.ready:
        return False
    return other.flit.ready < a.ready or out_port(a, n, other.kx, other.ky, other.flit.key) != (
        out_port(a, n, kx, ky, s.key)
    )


cdef inline int out_port(Air* a, int r, int kx, int ky, uint32_t key) noexcept nogil:
    """The output port at router r of a flit whose destination's router is (kx, ky) from r
    and whose destination endpoint is ``key`` (XY: E or W while x differs, then N or S, then
    the local port)."""
    if kx:
        return 1 if kx > 0 else 3
    if ky:
        return 0 if ky > 0 else 2
    return NDIR + <int>key - r * a.L


cdef inline void fly_into(Air* a, int n, int port, const Slot* s, int kx, int ky) noexcept nogil:
    """The flit of slot ``s``, its destination's router (kx, ky) from n, crosses a link now
    into input port ``port`` of router n (``joinable``): it is in flight there, and leaves at
    the earliest when it is ready (Lk + R cycles from now); a buffer write of n, counted with
    n's occupancy at the end of the run from the departures of its neighbours
    (``EngineCore._fold_flight``; an occupancy of two here, with a flier that came over a
    link). The caller counts it in ``n_fly``."""
    cdef Flier* f = board(a, n, port, s, kx, ky)
    f.flit.ready = a.ready
    f.flit.hops += 1
    if a.flying[n] == 3 and a.fl[2 * n + (f == &a.fl[2 * n])].port < NDIR:
        a.rt[n].rc[C_MAX_OCC] = max(a.rt[n].rc[C_MAX_OCC], 2)


cdef inline Flier* board(
    Air* a, int r, int port, const Slot* flit, int kx, int ky
) noexcept nogil:
    """Put ``flit``, come into input port ``port`` of router r, its destination's router
    (kx, ky) from r, in flight in a free slot of r's; it leaves at the earliest in the cycle
    of the bucket ``a.later``."""
    cdef int m = a.flying[r], k = m & 1  # (slot 1 if slot 0 is taken)
    cdef Flier* f = &a.fl[2 * r + k]
    f.flit = flit[0]
    f.port = port
    f.kx, f.ky = kx, ky
    a.flying[r] = m | 1 << k
    a.later[a.later_n[0]] = r
    a.later_n[0] += 1
    return f


cdef inline void admit_into_flight(Core* c, int r, int port, const Slot* flit) noexcept nogil:
    """A packet admitted from a local source into router r, which holds nothing, is in flight
    there from its injection queue, ready at ``flit.ready``."""
    cdef Air a
    air_of(c, &a)
    due_at(c, &a, flit.ready)
    board(&a, r, port, flit, flit.dx - c.rt[r].x, flit.dy - c.rt[r].y)
    c.n_fly += 1


cdef inline void leave(Air* a, int r, int k, int o) noexcept nogil:
    """The flier in slot k of router r crosses r's crossbar to output port o: a VC grant and
    a traversal (counted in ``fh``), the round-robin pointer past its input port.

    Its pop is not noted in the input VC's pop history: a pop matters to the upstream
    router's credit checks in the Lk cycles after it, when the VC's flits plus its pops
    number at most the fliers and the (at most Lk) flits written since, fewer than the
    buffer depth with or without the flier's pop (# perf: one cache line less per hop)."""
    cdef Flier* f = &a.fl[2 * r + k]
    cdef int h = r * a.P + o
    a.fh[h] += 1
    a.rr_va[h] = f.port + 1 if f.port + 1 < a.P else 0
    a.flying[r] &= ~(1 << k)
    f.flit.ready = -1
    a.flown += 1
