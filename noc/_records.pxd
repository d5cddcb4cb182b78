from noc._core cimport Core


cdef void sort_by_dest(Core* c, int first) noexcept nogil
