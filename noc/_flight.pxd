from libc.stdint cimport int32_t, int64_t, uint64_t

from noc._core cimport Core, Flier, Slot


cdef void fly_due(Core* c) noexcept nogil
cdef void land(Core* c, int r) noexcept nogil
cdef void land_all(Core* c) noexcept nogil


cdef inline bint holds_flier(Core* c, int r) noexcept nogil:
    """Whether a flit is in flight at router r."""
    return c.fly_bits[r >> 6] >> (r & 63) & 1


cdef inline void fly_into(Core* c, int n, int port, const Slot* s) noexcept nogil:
    """The flit of slot ``s`` crosses a link now into input port ``port`` of router n, which
    holds nothing: it is in flight there, and leaves at the earliest when it is ready (Lk + R
    cycles from now). The caller counts it in ``n_fly``. (Every address is formed before the
    first store, which the compiler must assume may change the engine struct.)"""
    cdef Flier* f = &c.fl[n]
    cdef int64_t ready = c.now + c.Lk + c.Rp
    cdef uint64_t bit = <uint64_t>1 << (n & 63)
    cdef uint64_t* flying = &c.fly_bits[n >> 6]
    cdef uint64_t* due = &c.fwheel[(ready & (c.W - 1)) * c.NW + (n >> 6)]
    cdef int32_t* came = &c.fa[n]
    f.flit = s[0]
    f.flit.ready = ready
    f.flit.hops += 1
    f.port = port
    flying[0] |= bit
    due[0] |= bit
    came[0] += 1
