from libc.stdint cimport int32_t, int64_t

from noc._core cimport Core, Slot


cdef extern from "_threads.h" nogil:
    ctypedef struct spin_barrier:
        pass
    ctypedef struct gate:
        pass
    ctypedef struct pthread_t:
        pass
    void spin_barrier_init(spin_barrier* b, int n)


# A parallel run's shared state: the band structs, the cycle and the stop flag that the main
# thread sets in the serial phase (stop: the workers leave the cycle loop for the gate; quit:
# they leave the gate and end), the barrier and the gate where workers sleep while the main
# thread runs the bands alone.
ctypedef struct Bands:
    Core* core
    int T
    int64_t now
    bint stop, quit
    spin_barrier bar
    gate gate


# One thread's view: its band, its side of the barrier, the gate opening it last passed.
ctypedef struct Worker:
    Bands* bands
    int tid
    int sense
    int seen


cdef void hand_off(Core* c, int n, int i, const Slot* flit) noexcept nogil
cdef int32_t add_copies_shared(Core* c, int pid, int32_t n) noexcept nogil
cdef bint band_cycle(Bands* x, Worker* w) noexcept nogil
cdef void bands_cycle_serial(Bands* x) noexcept nogil
cdef bint start_workers(Bands* x, Worker* workers, pthread_t* threads) noexcept nogil
cdef void wake_workers(Bands* x) noexcept nogil
cdef void park_workers(Bands* x, Worker* main) noexcept nogil
cdef void join_workers(Bands* x, pthread_t* threads, int n) noexcept nogil
cdef void copy_boundary(Core* c) noexcept nogil
cdef void copy_all_boundary(Core* c) noexcept nogil
