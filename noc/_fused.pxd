from noc._core cimport Core


cdef void fused_cycle(Core* c, int r) noexcept nogil
cdef void unicast_cycle(Core* c, int r) noexcept nogil
cdef void visit_due(Core* c) noexcept nogil
