from libc.stdint cimport int64_t

from noc._core cimport Core, Slot


cdef extern from "_threads.h" nogil:
    ctypedef struct spin_barrier:
        pass
    ctypedef struct pthread_t:
        pass
    void spin_barrier_init(spin_barrier* b, int n)


# A parallel run's shared state: the band structs, the cycle and the stop flag that the main
# thread sets in the serial phase, the barrier.
ctypedef struct Bands:
    Core* core
    int T
    int64_t now
    bint stop
    int launch  # 0: workers wait; 1: go; -1: abort (a thread failed to start)
    spin_barrier bar


# One thread's view: its band and its side of the barrier.
ctypedef struct Worker:
    Bands* bands
    int tid
    int sense


cdef void hand_off(Core* c, int n, int i, const Slot* flit) noexcept nogil
cdef bint band_cycle(Bands* x, Worker* w) noexcept nogil
cdef void bands_cycle_serial(Bands* x) noexcept nogil
cdef bint start_workers(Bands* x, Worker* workers, pthread_t* threads) noexcept nogil
cdef void join_workers(Bands* x, pthread_t* threads) noexcept nogil
cdef void copy_boundary(Core* c) noexcept nogil
cdef void copy_all_boundary(Core* c) noexcept nogil
