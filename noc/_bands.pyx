"""Parallel fused routers: the mesh cut into bands of rows, one thread each.

Used for the fused cycles (one VC, one-flit packets: every chip config), XY or multicast
tables, with or without drops, on a mesh without chip links. The results are those of one
thread, record for record (noc/README.md, "Parallel bands"), because a router sees another
router's effects one cycle later at the earliest:

- a flit written into a router of another band (``link_traverse``, ``hand_off``) waits in
  the sending band's outbox until every band has visited its routers this cycle, and the
  receiving band's thread then writes it into the buffer (it is ready ``Lk + R >= 2`` cycles
  after it was sent, its occupancy counts at the end of the cycle, as a flit written into a
  router whose visit is over does now);
- a credit check depends only on the downstream buffer at the start of the cycle (its
  count and the pops of the ``Lk`` cycles before), so a link leaving the band reads a copy
  of that input VC (``snap``) made at the end of the previous cycle (``copy_boundary``).

Each cycle: the main thread admits packets (serial), then every thread visits its band's
due routers, then takes the flits handed to its band and copies its boundary input VCs; a
spin barrier ends each phase. In quiet stretches (few router visits a cycle) the main
thread runs the phases band after band (``bands_cycle_serial``) while the workers sleep at a
gate (``park_workers``, ``wake_workers``; ``EngineCore._run_bands`` decides). Band ``b``
holds the rows ``y`` with ``y * T // height == b``; its struct has its own wheel, delivery
records, freed packet ids and count of finished packets, which the engine folds back after
the run.
"""

from libc.stdint cimport int32_t

from noc._core cimport ATOMIC_RELAXED, Core, Handoff, Slot, atomic_add_fetch
from noc._records cimport sort_by_dest
from noc._stages cimport write_link_flit


cdef extern from "_threads.h" nogil:
    void spin_barrier_wait(spin_barrier* b, int* sense)
    void gate_init(gate* g)
    void gate_destroy(gate* g)
    void gate_open(gate* g)
    void gate_wait(gate* g, int* seen)
    ctypedef void* (*thread_fn)(void*) noexcept nogil
    int thread_start(pthread_t* t, thread_fn fn, void* arg)
    void thread_join(pthread_t t)


cdef void hand_off(Core* c, int n, int i, const Slot* flit) noexcept nogil:
    """Queue ``flit`` for input VC i of router n of the band below or above (``link_traverse``;
    out of line: few hops cross a band boundary)."""
    cdef Handoff* h
    if n < c.lo:
        h = &c.out_lo[c.n_lo]
        c.n_lo += 1
    else:
        h = &c.out_hi[c.n_hi]
        c.n_hi += 1
    h.n, h.i, h.flit = n, i, flit[0]


cdef int32_t add_copies_shared(Core* c, int pid, int32_t n) noexcept nogil:
    """``add_copies`` in a band: the copies of a multicast packet may be in several bands, so
    the count is added atomically. The band that finishes the last copy frees the id; ids
    are handed back after the run, so the order of the counts needs nothing more than
    atomicity."""
    return atomic_add_fetch(&c.pk[pid].live, n, ATOMIC_RELAXED)


cdef bint band_cycle(Bands* x, Worker* w) noexcept nogil:
    """Band ``w.tid``'s part of one cycle, after the main thread's serial phase: its visits,
    then the flits handed to it and its boundary copies. False once the run stops."""
    spin_barrier_wait(&x.bar, &w.sense)  # the serial phase is over
    if x.stop:  # every thread reads it before the main thread may set it again
        spin_barrier_wait(&x.bar, &w.sense)
        return False
    visit_band(x, w.tid)
    spin_barrier_wait(&x.bar, &w.sense)  # every band's visits are over
    exchange(x, w.tid)
    spin_barrier_wait(&x.bar, &w.sense)  # hand-offs and copies are done
    return True


cdef void bands_cycle_serial(Bands* x) noexcept nogil:
    """One cycle of every band in one thread (the same phases, in band order)."""
    cdef int t
    for t in range(x.T):
        visit_band(x, t)
    for t in range(x.T):
        exchange(x, t)


cdef inline void visit_band(Bands* x, int t) noexcept nogil:
    cdef Core* c = &x.core[t]
    cdef int first = c.n_out
    c.now = x.now
    c.visit_routers(c)
    sort_by_dest(c, first)


cdef inline void exchange(Bands* x, int t) noexcept nogil:
    """Take the flits handed to band t by its neighbours, then copy its boundary VCs."""
    if t > 0:
        take_handoffs(&x.core[t], x.core[t - 1].out_hi, &x.core[t - 1].n_hi)
    if t < x.T - 1:
        take_handoffs(&x.core[t], x.core[t + 1].out_lo, &x.core[t + 1].n_lo)
    copy_boundary(&x.core[t])


cdef inline void take_handoffs(Core* c, Handoff* box, int* n) noexcept nogil:
    """Write the flits of a neighbouring band's outbox into this band's buffers (as
    ``link_traverse`` does; every visit of the cycle is over, so each write's occupancy
    counts), then empty it."""
    cdef int k, r
    for k in range(n[0]):
        r = box[k].n
        write_link_flit(
            c, r, box[k].i, &box[k].flit, box[k].flit.ready, box[k].flit.hops, False
        )  # (none in flight)
        c.dirty[c.n_dirty] = r
        c.n_dirty += 1
    n[0] = 0


cdef void copy_boundary(Core* c) noexcept nogil:
    """Copy the input VCs through which flits enter this band from another (the S ports of
    its first row, the N ports of its last) into ``snap``, as they stand at the end of the
    cycle: those of the routers visited or written this cycle (``dirty``)."""
    cdef int k
    for k in range(c.n_dirty):
        copy_router_boundary(c, c.dirty[k])
    c.n_dirty = 0


cdef void copy_all_boundary(Core* c) noexcept nogil:
    """``copy_boundary`` for every router of the band's first and last rows."""
    cdef int r
    for r in range(c.lo, c.lo + c.width):
        copy_router_boundary(c, r)
    for r in range(c.hi - c.width, c.hi):
        copy_router_boundary(c, r)
    c.n_dirty = 0


cdef inline void copy_router_boundary(Core* c, int r) noexcept nogil:
    if c.lo > 0 and r < c.lo + c.width:
        c.snap[r * c.P + 2] = c.vc[r * c.P + 2]  # S: from the band below
    if c.hi < c.R and r >= c.hi - c.width:
        c.snap[r * c.P] = c.vc[r * c.P]  # N: from the band above


cdef void* worker_main(void* arg) noexcept nogil:
    """A worker: sleep at the gate until the main thread wants the bands in threads, run
    cycles until it stops them, and so on until it quits."""
    cdef Worker* w = <Worker*>arg
    while True:
        gate_wait(&w.bands.gate, &w.seen)
        if w.bands.quit:
            return NULL
        while band_cycle(w.bands, w):
            pass


cdef bint start_workers(Bands* x, Worker* workers, pthread_t* threads) noexcept nogil:
    """Start threads for bands 1 .. T - 1 (band 0 is the caller's), asleep at the gate. False
    if one failed to start: those started are joined, and the caller runs the bands
    serially."""
    cdef int t, u
    spin_barrier_init(&x.bar, x.T)
    gate_init(&x.gate)
    x.quit = x.stop = False
    for t in range(x.T):
        workers[t].bands, workers[t].tid, workers[t].sense, workers[t].seen = x, t, 0, 0
    for t in range(1, x.T):
        if thread_start(&threads[t], worker_main, &workers[t]) != 0:
            join_workers(x, threads, t)
            return False
    return True


cdef void wake_workers(Bands* x) noexcept nogil:
    """Let the (sleeping) workers into the cycle loop: the caller runs ``band_cycle`` next."""
    x.stop = False
    gate_open(&x.gate)


cdef void park_workers(Bands* x, Worker* main) noexcept nogil:
    """Send the workers (in the cycle loop) back to the gate; the caller goes on alone."""
    x.stop = True
    band_cycle(x, main)


cdef void join_workers(Bands* x, pthread_t* threads, int n) noexcept nogil:
    """End the workers 1 .. n - 1 (asleep at the gate) and release the gate."""
    cdef int t
    x.quit = True
    gate_open(&x.gate)
    for t in range(1, n):
        thread_join(threads[t])
    gate_destroy(&x.gate)
