# The state of the Cython NoC engine as one C struct of raw pointers into NumPy arrays that
# noc/_engine.pyx (EngineCore) owns, plus small inline helpers shared by the router cycles
# (noc/_router.pyx, general; noc/_fused.pyx, V = 1 and F = 1). Layout (all arrays
# C-contiguous):
#
# - input VC g = (r * P + p) * V + v, router-local index i = p * V + v (local input ports use
#   v = 0 only): vc[g] (InVC) holds its ring of flit slots slot[base .. base + cap), head, cnt;
#   occ[r] has bit i set while VC i holds a flit. Head-packet state: route (-1:
#   not routed), popped (flits of it removed), dropped, and branch masks over output ports:
#   act_br (live, not finished), pend_va (waiting for an output VC), alloc (holding one);
#   per branch o: br[g * P + o] (flits sent, output VC or -1; general path only). The fused
#   path keeps each mesh input VC's recent pops instead (pop_at, pop_bits).
# - output VC h = (r * P + o) * V + w: ovc[h] (owner: input index i, -1 free, but held[r]
#   bit o on the fused multicast cycle; general path only: credits and a ring of pending
#   credit returns cr_time[h * D ..] at cr_head, cr_cnt long); rr_va[h], the VC allocator's
#   round-robin pointer for h.
# - packets pk[id]; delivery records o_*[n_out]; counters rt[r].rc[c], rt[r].lf[d],
#   ec[endpoint * 3 + c] (columns as in noc.stats; endpoints 0 .. EP - 1 are local ports,
#   EP + k the external endpoint of chip link k).
# - chip links (noc.topology): rt[r].nbr is -1 through them; clink[r * 4 + d] is chip link k (-1:
#   none); x_end[2 * k], x_end[2 * k + 1] its router and direction.

from libc.stdint cimport (
    INT64_MAX, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t,
)


cdef extern from *:
    int ctz64 "__builtin_ctzll"(uint64_t) nogil
    void prefetch "__builtin_prefetch"(const void*) nogil
    int32_t atomic_add_fetch "__atomic_add_fetch"(int32_t* p, int32_t v, int order) nogil
    int ATOMIC_RELAXED "__ATOMIC_RELAXED"


cdef enum:
    NDIR = 4
    NC = 10  # router counter columns, in noc.stats.ROUTER_COUNTERS order:
    C_BUF_WRITES = 0
    C_BUF_READS = 1
    C_XBAR = 2
    C_VC_ARB = 3
    C_SW_IN_ARB = 4
    C_SW_OUT_ARB = 5
    C_BLOCKED = 6
    C_DROPPED = 7
    C_UNROUTED = 8
    C_MAX_OCC = 9
    E_INJECTED = 0  # endpoint counter columns, in noc.stats.ENDPOINT_COUNTERS order
    E_EJECTED = 1
    E_WAIT = 2


# Input VCs, slots, branches and output VCs are arrays of structs, so that one visit touches
# one cache line instead of one per field (# perf: +15 % flit-hops/s CPU on 64x64 XY, 30
# ticks of 500 cycles with 3,000 packets each, median of 4 back-to-back pairs of best-of-3
# runs against the field-per-array layout; +3.5 % on 8x8 uniform at 0.17; load 1.6-3 on 2
# cores).
ctypedef struct InVC:
    int64_t base
    int32_t cap, head, cnt, route, popped, dropped, act_br, pend_va, alloc
    # fused V = 1, F = 1 path (noc/_fused.pyx): bit j of pop_bits is a pop at pop_at - j
    int64_t pop_at
    uint64_t pop_bits


# A flit slot carries what RC needs, so that RC reads no packet or coordinate table: the
# packet's key (destination endpoint or multicast key) and, for XY, the coordinates of the
# destination's router (its chip link's edge router for an external endpoint) (# perf: with
# a unicast hop not touching its packet, +4-9 % flit-hops/s CPU on the 64x64 windows and
# +8-10 % on 8x8 at 0.17 against the router record alone, back to back; L1 data read misses
# of the fused cycle 17.2 -> 12.4 per flit-hop, as above).
ctypedef struct Slot:
    int64_t ready
    int32_t pkt, hops
    uint32_t key
    uint16_t dx, dy


ctypedef struct Branch:
    int32_t sent, ovc


ctypedef struct OutVC:
    int32_t owner, credits, cr_head, cr_cnt


# One packet's fields together (# perf: +1.5 % flit-hops/s CPU on 8x8 uniform at 0.17, within
# noise on the 64x64 windowed run, back to back against one array per field).
ctypedef struct Packet:
    int64_t cycle, tag  # injection cycle, the caller's tag
    int32_t src, live, next  # source endpoint, copies not finished, next in source FIFO
    uint32_t key  # destination endpoint or multicast key


# One router's activity state, wake-up, coordinates, neighbours and counters in one record
# (rc: columns C_*; lf: flits sent per mesh direction), so that a hop touches a router's
# state in two or three cache lines instead of one per array. # perf (flit-hops/s CPU, best
# of 3, back to back against the step before; L1 data read misses of the fused cycle per
# flit-hop, cachegrind on bench_noc.driver_run(1, ticks=8)): occupancy, wake-up, flit count
# and counters +1-2 % on the 64x64 chipsim-like windows and on 8x8 uniform at 0.17, misses
# 21.3 -> 17.2; neighbours and wheel bits (then kept here; now the wheel is bit sets)
# +10 % on 64x64, +2-5 % on 8x8, misses 12.4 -> 11.3. Records aligned to cache lines (padded
# to 192 bytes, the counters a written flit bumps on the first line, input VCs aligned too)
# cut the misses to 7.8 but gained nothing measurable (+1 % on 64x64, -1 % on 8x8): dropped.
# The occupancy bits have since moved to an array of their own (Core.occ).
ctypedef struct Router:
    int64_t wake  # fused path: the cycle of the next visit (INT64_MAX: none)
    int64_t buf_flits  # flits in the link input buffers
    int32_t x, y  # coordinates
    int32_t nbr[NDIR]  # neighbour per mesh direction (-1: none, or a chip link)
    int64_t rc[NC]
    int64_t lf[NDIR]


# A flit in flight (noc/_flight.pyx): a flit that router r holds, come into input port
# ``port`` (over a link, or from a local source), while r holds nothing but fliers; in one of
# r's two slots of the flight table.
ctypedef struct Flier:
    Slot flit  # flit.ready: the cycle it leaves r at the earliest (-1: r holds no flier)
    int32_t port
    int16_t kx, ky  # the destination's router less r, in x and y (XY: x first)


# A flit crossing into another band of a parallel run (noc/_bands.pyx): written into input VC
# i of router n by that band's thread after the cycle's visits.
ctypedef struct Handoff:
    int32_t n, i
    Slot flit


ctypedef struct Core:
    int R, P, V, L, F, D, Lk, Rp, E, width, height, NI
    # routers lo .. hi - 1 are visited with this struct: all of them, or one band of rows in a
    # parallel run (noc/_bands.pyx), whose struct has its own wheel, records, free ids and
    # hand-offs; a flit for a router outside goes to out_lo (below lo) or out_hi, and the
    # credit check of a link leaving the band reads snap, its input VC at the cycle's start
    int lo, hi
    InVC* snap
    Handoff* out_lo
    Handoff* out_hi
    int n_lo, n_hi
    int32_t* dirty  # routers of the band's first and last rows visited or written this cycle
    int n_dirty
    int EP, NX  # local-port endpoints (R * L), chip links
    bint multicast, torus, drop, fused  # fused: V = 1, F = 1 (noc/_fused.pyx)
    bint unicast  # fused, XY routing and no drops (noc/_fused.pyx, unicast_cycle)
    int64_t drop_after, now, unfinished
    # topology, tables (neighbours: Router.nbr)
    uint8_t* wraps
    int32_t* port_of
    int32_t* ep_node
    int32_t* clink
    int32_t* x_end
    int32_t* t_start  # multicast tables in search form (noc.routing.SearchForm): runs
    uint32_t* t_mask  # of router r t_start[r]:t_start[r + 1]; run j: mask t_mask[j], keys
    int32_t* t_first  # t_key[t_first[j]:t_first[j + 1]] (increasing), routes t_route[...]
    uint32_t* t_key
    uint32_t* t_route
    # fused unicast path on a small mesh: xy_port[r * (EP + NX) + e] is router r's XY output
    # port towards endpoint e (noc/_route.pxd, ``mesh_xy_output``); NULL: computed each time
    uint8_t* xy_port
    # and the runs' direct indices (SearchForm: index_at -1 for none), holding the route
    # itself (-1: no key there) and kept with the run's first key and span (last less first)
    # (# perf: one read of the tables a search instead of four, which missed the first-level
    # cache on the SpiNNaker2-like capture: ~17 % of a multicast flier's departure)
    int32_t* t_index_at
    int32_t* t_shift
    uint32_t* t_low
    uint32_t* t_span
    int32_t* t_direct
    # input VCs, output VCs, arbiters
    InVC* vc
    Branch* br
    Slot* slot
    OutVC* ovc
    # the VC allocators' round-robin pointers (input indices < NI <= 64), 2 bytes each in an
    # array apart from ovc: a flier writes one per hop (noc/_flight.pxd, ``leave``) and reads
    # nothing else of the output VC (# perf: see noc/README.md, "Flits in flight"; not single
    # bytes, whose stores the compiler must assume alias everything)
    uint16_t* rr_va
    # the fused multicast cycle (noc/_fused.pyx, ``fused_cycle``): bit o of held[r] is set
    # while an input of router r holds output port o's VC, in place of ovc's owner, which the
    # cycle never needs to name (# perf: the VC allocation skips held ports without reading
    # them, a send frees all its ports at once: the SpiNNaker2-like run's first 148 ticks of
    # NoC traffic -3.6 % instructions, +1.4 % packets/s in 4 paired runs)
    uint32_t* held
    int64_t* cr_time
    int64_t* eject_ready
    int32_t* rr_in
    int32_t* rr_out
    # router state and counters, router activity and per-router scratch
    Router* rt
    # bit i of occ[r]: input VC i of router r holds a flit (apart from the records: a flier's
    # hop reads it of the next router, # perf: see noc/README.md, "Flits in flight")
    uint64_t* occ
    int32_t* act
    uint8_t* in_act
    int n_act
    # the fused path's router wake-ups instead of act/in_act (noc/_fused.pyx): rt[r].wake is
    # the cycle of r's next visit (INT64_MAX: none; n_wait routers have one); bucket b of
    # the wheel, NW = ceil(R / 64) words wheel[b * NW ..], has bit r set for each router to
    # visit at cycles = b mod W (bits whose router's wake has moved are stale, skipped). W is
    # a power of 2 > Lk + R, the farthest wake-up ahead (W <= 64).
    uint64_t* wheel
    int W, NW, n_wait
    int64_t visits  # fused path: routers visited (a parallel run reads and resets it)
    # fused unicast path (noc/_fused.pyx, ``visit``): whether this cycle takes the one-port
    # path, and the visits of a cycle below which the next does (an eighth of the routers)
    bint lone_first
    int lone_below
    # fused path: visits the routers due this cycle (noc/_fused.pyx, ``choose_visits``)
    void (*visit_routers)(Core* c) noexcept nogil
    # flits in flight (noc/_flight.pyx; ``fly``: allowed, unicast fused path without bands
    # or chip links and buffers deeper than Lk + 1; ``fly2``: two per router, buffers deeper
    # than Lk + 2): fl[2 * r + k] is the flier in slot k of router r if bit k of fly_m[r] is
    # set (n_fly in all); bucket b of the flight wheel lists in fwheel[b * fcap ..] the
    # fwn[b] routers where a flier was put that leaves at the next cycle = b mod W (each
    # cycle empties its bucket, so a bucket lists at most one flier a slot: fcap = 2 R);
    # step[d] is the router number's change across mesh direction d; fh[r * P + o] counts
    # fliers that left r through port o; the flits that came to r in flight over a link are
    # the neighbours' departures towards r, plus fa[r] (+1 for each that took off from a
    # router cycle, -1 for each written into r's buffer); both are folded into the router
    # counters by EngineCore.run
    bint fly, fly2
    int64_t flown, landed  # fliers' crossbar traversals, fliers landed (EngineCore.flight)
    Flier* fl
    uint8_t* fly_m
    uint64_t* fly_busy  # bit r: the flier at r waits for one ahead to move (noc/_flight.pyx)
    int32_t* fwheel
    int32_t* fwn
    int fcap
    int n_fly
    int32_t step[NDIR]
    int32_t* fh
    int32_t* fa
    uint64_t* va_req
    int32_t* port_vc
    int32_t* port_mask
    int32_t* grant_in
    uint64_t ready, wanting, moved, dropped_now
    # packets
    Packet* pk
    int32_t* free_ids
    int n_free
    # endpoint counters and delivery records
    int64_t* ec
    int64_t* o_arr
    int64_t* o_inj
    int32_t* o_dest
    int32_t* o_src
    int32_t* o_hops
    uint32_t* o_key
    int64_t* o_tag
    int n_out
    # sorting one cycle's records (noc/_records.pyx): a bit per endpoint, the record of each
    # endpoint, and room for one column of a cycle's records
    uint64_t* rec_seen
    int32_t* rec_at
    int64_t* rec_scratch


cdef inline int bit_count(uint64_t mask) noexcept nogil:
    """Set bits of ``mask`` (a loop: the masks counted hold 0 or 1 bit as a rule, and the
    builtin is a library call without -mpopcnt)."""
    cdef int n = 0
    while mask:
        mask &= mask - 1
        n += 1
    return n


cdef inline int popcount64(uint64_t x) noexcept nogil:
    """Set bits of ``x``, branch-free (SWAR; the builtin is a library call without
    -mpopcnt)."""
    x -= (x >> 1) & 0x5555555555555555ULL
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL
    return <int>((x * 0x0101010101010101ULL) >> 56)


cdef inline int first_from(uint64_t mask, int start) noexcept nogil:
    """Round robin: the first set bit of a non-zero ``mask`` at or after ``start``, cyclically
    (the bit i minimising (i - start) mod width)."""
    cdef uint64_t upper = mask & ~((<uint64_t>1 << start) - 1) if start < 64 else 0
    return ctz64(upper if upper else mask)  # perf: a conditional move (see pop_head)


cdef inline void activate(Core* c, int r) noexcept nogil:
    if not c.in_act[r]:
        c.in_act[r] = 1
        c.act[c.n_act] = r
        c.n_act += 1


cdef inline void schedule(Core* c, int r, int64_t t) noexcept nogil:
    """Fused path: visit router r at cycle t (now <= t < now + W) unless it is due earlier."""
    cdef int b
    if t >= c.rt[r].wake:
        return
    if c.rt[r].wake == INT64_MAX:
        c.n_wait += 1
    c.rt[r].wake = t
    b = t & (c.W - 1)
    c.wheel[b * c.NW + (r >> 6)] |= <uint64_t>1 << (r & 63)


cdef inline void push_flit(Core* c, int r, int i, const Slot* flit) noexcept nogil:
    """Write ``flit`` at the tail of input VC i of router r (its slot was free: credit; no
    flier at r: see noc/_flight.pyx, ``land``)."""
    push_moved(c, r, i, flit, flit.ready, flit.hops)


cdef inline void push_moved(
    Core* c, int r, int i, const Slot* flit, int64_t ready, int32_t hops
) noexcept nogil:
    """``push_flit`` of ``flit`` with ``ready`` and ``hops`` in place of its own: the copy is
    changed where it is written (# perf: a changed copy on the stack, read back whole, stalls
    the load on the stores of its parts: on the SpiNNaker2-like capture 8 % of the fused
    cycle's samples sat on the instruction after it)."""
    cdef int g = r * c.NI + i
    cdef int k = c.vc[g].head + c.vc[g].cnt
    cdef Slot* s
    if k >= c.vc[g].cap:
        k -= c.vc[g].cap
    s = &c.slot[c.vc[g].base + k]
    s[0] = flit[0]
    s.ready = ready
    s.hops = hops
    c.vc[g].cnt += 1
    c.occ[r] |= <uint64_t>1 << i
    if c.fused:
        schedule(c, r, ready)
    else:
        activate(c, r)


cdef inline int64_t slot_of(Core* c, int g, int k) noexcept nogil:
    """Slot of the k-th flit (0 = head) held by input VC g, k < cnt[g]."""
    k += c.vc[g].head
    if k >= c.vc[g].cap:
        k -= c.vc[g].cap
    return c.vc[g].base + k


cdef inline int64_t ready_slot(Core* c, int g, int index, int64_t now) noexcept nogil:
    """Slot of flit ``index`` of g's head packet if it is in the buffer and ready, else -1."""
    cdef int k = index - c.vc[g].popped
    cdef int64_t s
    if k >= c.vc[g].cnt:
        return -1
    s = slot_of(c, g, k)
    return s if c.slot[s].ready <= now else -1
