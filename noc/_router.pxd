from libc.stdint cimport int64_t

from noc._core cimport Core


cdef void router_cycle(Core* c, int r) noexcept nogil
