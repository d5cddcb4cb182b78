from noc._core cimport Core


cdef void choose_visits(Core* c) noexcept nogil
cdef void point_visits(Core* c, bint prefetching) noexcept nogil
cdef bint visits_prefetch(const Core* c) noexcept nogil
