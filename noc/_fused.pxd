from noc._core cimport Core


cdef void visit_due(Core* c) noexcept nogil
