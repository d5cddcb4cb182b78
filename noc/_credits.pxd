# Credits and pop histories of the fused V = 1, F = 1 path, shared by its router cycles
# (noc/_fused.pyx) and the flits in flight (noc/_flight.pyx): inline, so that each module
# compiles its own copy.

from libc.stdint cimport int64_t, uint64_t

from noc._core cimport Core, InVC, popcount64
from noc._route cimport opp


# Credits, V = 1, F = 1: a credit returns Lk cycles after its slot pops, and a VC pops at
# most one flit per cycle. So the credits of the output VC across mesh port o are the
# downstream buffer's depth less the flits it holds (those sent to it included) less its
# pops of the last Lk cycles, kept as a bit history. Equal to the credit ring of the general
# path, without touching the upstream router at a pop (# perf: +8 % flit-hops/s CPU on 8x8
# uniform at 0.17, +12 % on the 64x64 chipsim-like windows, back to back).
cdef inline bint link_credit(Core* c, int r, int o) noexcept nogil:
    """Whether router r may send a flit across mesh port o (a free downstream slot whose
    credit has arrived; always over a chip link, whose far end takes a flit per cycle)."""
    cdef int n = c.rt[r].nbr[o], pending
    cdef InVC* d
    cdef int64_t age
    if n < 0:
        return True
    d = &(c.snap if n < c.lo or n >= c.hi else c.vc)[n * c.P + opp(o)]  # (noc/_bands.pyx)
    if c.Lk == 1:  # the one pop whose credit is in flight: this cycle's (bit 0), if any
        pending = (d.pop_at == c.now) & <int>(d.pop_bits & 1)
    else:
        age = min(c.now - d.pop_at, c.Lk)  # pops at ages < Lk (branch-free)
        pending = popcount64(d.pop_bits & ((<uint64_t>1 << (c.Lk - age)) - 1))
    return d.cnt + pending < c.D


cdef inline void note_pop(InVC* vc, int64_t now) noexcept nogil:
    """Record a pop of input VC ``vc`` at cycle ``now`` (branch-free: # perf: with the
    SWAR popcount of link_credit, about +4 % flit-hops/s CPU on 8x8 uniform at 0.17, back
    to back; neutral on the 64x64 windows)."""
    cdef int64_t age = now - vc.pop_at
    vc.pop_bits = (vc.pop_bits << min(age, 63)) & -(<uint64_t>(age < 64)) | 1
    vc.pop_at = now
