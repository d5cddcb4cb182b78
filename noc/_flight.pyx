"""Flits in flight: on sparse unicast traffic, a flit crosses routers that hold nothing else
without their visits, with the results of the router cycle (V = 1, F = 1, XY on a mesh, no
drops, no chip links, one band; noc/README.md, "Flits in flight").

In a sparse cycle (as for the one-port path: noc/_fused.pyx, ``visit``), a flit that a router
cycle sends into a router with empty buffers (``fly_into``), or a packet admitted from a local
source into a router holding nothing (``admit_into_flight``), is *in flight* there: in one of
the router's two slots of the flight table ``fl``, not in its buffer. The router's buffers
stay empty: no occupancy bit, no visit. A second flier joins the first only if the two can
never ask for one output in one cycle (``joinable``). In its ready cycle, before the routers'
visits, ``fly_due`` moves a flier as the router's visit would (no flit is in the router's
buffers, so none of its outputs is held and nothing else competes):

- at its destination's router it leaves through the local port when the receiver is ready
  (``arrive``);
- else through the XY port to the next router: in flight again if it can be there (a router
  with empty buffers has a free slot whose credit has arrived: the buffers are deeper than
  Lk + 1, or Lk + 2 for two fliers, see ``EngineCore.fly``); if that router's flier leaves
  in this cycle, after it (the two change places if each is the other's router's only
  flier, bound for the other: ``swap``); else written into its buffer with the router
  cycle's credit check (``cross``);
- a flier that must wait (no credit, the receiver busy) *lands*: it becomes a flit in its
  router's buffer (``land``), whose visit this cycle then finds it blocked.

Whatever writes a flit into a router holding fliers lands them first (``write_link_flit``,
``EngineCore._room``), so a router's buffer is never read without them; after a dense cycle
every flier lands (``land_all``). While in flight, what a flier changes is kept as the router
cycle keeps it: the round-robin pointer of the output VC it is granted, the delivery record
and the receiver's ejection cycle (its pops change no credit check: ``leave``). Its counters
go to ``fh`` (crossbar traversals, VC grants, link flits of the router it leaves), which
``EngineCore.run`` adds into the router records. A departure through a mesh port is also a
buffer write, and an occupancy of at least one, of the router it comes to, unless it was
written into that router's buffer (``cross``, which counts that itself and takes one off
``fa``); a flit that takes off from a router cycle adds one to ``fa`` (# perf: a hop writes
no counter of the router it comes to). A second flier that comes over a link to one that did
notes an occupancy of two (``fly_into``).
"""

from libc.stdint cimport int32_t, int64_t, uint64_t

from noc._core cimport NDIR, Core, Flier, Slot, push_flit
from noc._credits cimport link_credit
from noc._route cimport across_x, across_y, opp
from noc._stages cimport eject, write_link_flit


cdef void fly_due(Core* c) noexcept nogil:
    """Move the fliers due this cycle (the routers listed in this cycle's bucket of the
    flight wheel), emptying the bucket. A router listed whose flier has landed or left, or
    listed twice, has none due; a router's two fliers due in one cycle leave through
    different outputs (``joinable``). The order of the moves changes no result, since a
    flier bound for a router whose flier leaves now moves that one first (``cross``).

    # perf: a list a bucket instead of a bit set over the routers walked in router order:
    on the TrueNorth-like capture's first 30 ticks 14 % fewer instructions and 41 % fewer
    mispredicted branches (callgrind's model), +1-3 % flit-hops/s CPU (paired runs)."""
    cdef int64_t now = c.now
    cdef int b = now & (c.W - 1), i, r
    cdef const int32_t* due = c.fwheel + b * c.fcap
    cdef Air a
    air_of(c, &a)
    for i in range(c.fwn[b]):  # (nothing is put in this bucket meanwhile: W > Lk + R)
        r = due[i]
        if a.fl[2 * r].flit.ready == now:
            hop(c, &a, r, 0)
            if a.fl[2 * r + 1].flit.ready == now:  # a pair leaving together
                hop(c, &a, r, 1)
        elif a.fl[2 * r + 1].flit.ready == now:
            hop(c, &a, r, 1)
    c.fwn[b] = 0
    c.flown += a.flown


cdef inline void hop(Core* c, Air* a, int r, int k) noexcept nogil:
    """Move the flier due now in slot k of router r: on in flight into an empty router here,
    or to ``arrive`` or ``cross`` (calls: # perf: the hot loop stays small)."""
    cdef Flier* f = &a.fl[2 * r + k]
    # the output as out_port finds it (without forming the local port), and with it what is
    # left from the next router (# perf: 7 % fewer instructions on the TrueNorth capture than
    # across_x and across_y of the port, +3 % flit-hops/s on average over 20 pairs)
    cdef int n, o, kx = f.kx, ky = f.ky
    if kx > 0:
        o, kx = 1, kx - 1
    elif kx < 0:
        o, kx = 3, kx + 1
    elif ky > 0:
        o, ky = 0, ky - 1
    elif ky < 0:
        o, ky = 2, ky + 1
    else:
        arrive(c, a, r, k)
        return
    n = r + a.step[o]
    if a.occ[n] or a.flying[n]:
        cross(c, a, r, k, o, n, kx, ky)
        return
    fly_into(a, n, opp(o), &f.flit, kx, ky)
    leave(a, r, k, o)


cdef void arrive(Core* c, Air* a, int r, int k) noexcept nogil:
    """The flier due now in slot k of router r, its destination's, leaves through the local
    port if the receiver is ready, else lands."""
    cdef Flier* f = &c.fl[2 * r + k]
    cdef int ep = <int>f.flit.key
    if c.now < c.eject_ready[ep]:
        land(c, r)
        return
    eject(c, r, ep - r * c.L, 0, &f.flit, False)
    leave(a, r, k, NDIR + ep - r * c.L)
    c.n_fly -= 1


cdef void cross(
    Core* c, Air* a, int r, int k, int o, int n, int kx, int ky
) noexcept nogil:
    """The flier due now in slot k of router r, bound through mesh port o for router n, its
    destination's router (kx, ky) from n, where n holds flits or fliers: after n's flier
    that leaves now, if any (the two change places if each is its router's only flier and
    bound for the other's: ``swap``); in flight at n if it can join n's flier; else written
    into n's buffer (n's fliers land) with the router cycle's credit check, or landed in r
    if there is no credit."""
    cdef Flier* f = &c.fl[2 * r + k]
    cdef int j = due_slot(c, n)
    if j >= 0 and not has_bit(c.fly_busy, n):  # n's fliers leave now: first
        if c.fly_m[r] == 1 << k and c.fly_m[n] == 1 << j and bound_for(a, n, j) == opp(o):
            swap(c, a, r, k, o, n, j, kx, ky)
            return
        c.fly_busy[r >> 6] ^= <uint64_t>1 << (r & 63)
        while j >= 0:
            hop(c, a, n, j)
            j = due_slot(c, n)
        c.fly_busy[r >> 6] ^= <uint64_t>1 << (r & 63)
        if not (c.fly_m[r] >> k & 1):  # it came to r: this one landed for it
            return
    if joinable(a, n, &f.flit, kx, ky):
        fly_into(a, n, opp(o), &f.flit, kx, ky)
        leave(a, r, k, o)
        return
    if holds_flier(c, n):
        land(c, n)
    if not link_credit(c, r, o):
        land(c, r)
        return
    c.fa[n] -= 1  # not a flier's arrival: write_link_flit counts the buffer write
    write_link_flit(c, n, opp(o), &f.flit, a.ready, f.flit.hops + 1, True)
    leave(a, r, k, o)
    c.n_fly -= 1


cdef inline int bound_for(Air* a, int n, int j) noexcept nogil:
    """The output port through which router n's flier in slot j leaves (``out_port``)."""
    cdef Flier* f = &a.fl[2 * n + j]
    return out_port(a, n, f.kx, f.ky, f.flit.key)


cdef void swap(
    Core* c, Air* a, int r, int k, int o, int n, int j, int kx, int ky
) noexcept nogil:
    """Routers r and n, neighbours across mesh direction o, each hold one flier, due now and
    bound for the other (r's, its destination's router (kx, ky) from n): they cross the two
    links at once, as the routers' cycles would send them (each output free, each buffer
    empty but for the flier leaving it). # perf: the
    TrueNorth-like traffic has 156,000 such meetings in 90 ticks, which landed both fliers:
    router visits 1.01 -> 0.68 M, landings 0.55 -> 0.41 M, instructions -1.6 % and misses of
    a 1 MiB last level -16 % (callgrind, 30 ticks); time within the VM's noise."""
    cdef Flier* f = &c.fl[2 * r + k]
    cdef Flier* g = &c.fl[2 * n + j]
    cdef Slot ours = f.flit, theirs = g.flit
    cdef int gx = g.kx - across_x(opp(o)), gy = g.ky - across_y(opp(o))
    leave(a, r, k, o)
    leave(a, n, j, opp(o))
    fly_into(a, n, opp(o), &ours, kx, ky)
    fly_into(a, r, o, &theirs, gx, gy)


cdef inline int due_slot(Core* c, int r) noexcept nogil:
    """The slot of router r's flier due now (-1: none)."""
    cdef int m = c.fly_m[r]
    if m & 1 and c.fl[2 * r].flit.ready == c.now:
        return 0
    if m & 2 and c.fl[2 * r + 1].flit.ready == c.now:
        return 1
    return -1


cdef inline bint has_bit(const uint64_t* bits, int r) noexcept nogil:
    return bits[r >> 6] >> (r & 63) & 1


cdef void land(Core* c, int r) noexcept nogil:
    """Router r's fliers become flits in its buffer, the earlier come first, as if they had
    been written there when they came (their buffer writes and occupancy are counted as
    arrivals: ``EngineCore._fold_flight``). Whatever writes a flit into a router holding a
    flier calls this first (a call, not inline: it is rare, and the router cycles stay
    small)."""
    cdef int m = c.fly_m[r]
    cdef int first = m >> 1  # the only one, or of two the one that came first
    if m == 3 and c.fl[2 * r + 1].flit.ready > c.fl[2 * r].flit.ready:
        first = 0
    land_slot(c, r, first)
    if m == 3:
        land_slot(c, r, 1 - first)


cdef inline void land_slot(Core* c, int r, int k) noexcept nogil:
    cdef Flier* f = &c.fl[2 * r + k]
    c.fly_m[r] &= ~(1 << k)
    c.n_fly -= 1
    c.landed += 1
    push_flit(c, r, f.port, &f.flit)
    c.rt[r].buf_flits += f.port < NDIR  # link input buffers only
    f.flit.ready = -1


cdef void land_all(Core* c) noexcept nogil:
    """Land every flier (after a busy cycle: in dense traffic flits are not in flight, so
    that the router cycles need not look for fliers where they write)."""
    cdef int r
    for r in range(c.R):
        if c.fly_m[r]:
            land(c, r)
