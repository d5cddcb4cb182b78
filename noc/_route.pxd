# Route computation shared by the general router stages (noc/_router.pyx) and the fused
# V = 1, F = 1 router cycle (noc/_fused.pyx): inline, so that each module compiles its own copy.

from libc.stdint cimport uint32_t, uint64_t

from noc._core cimport NDIR, Core, Slot


cdef inline int opp(int d) noexcept nogil:
    """The opposite mesh direction (N <-> S, E <-> W: 0 <-> 2, 1 <-> 3; one instruction)."""
    return d ^ 2


cdef inline int across_x(int d) noexcept nogil:
    """The change of x across mesh direction d (N, E, S, W: 0, +1, 0, -1)."""
    return (d & 1) * (2 - d)


cdef inline int across_y(int d) noexcept nogil:
    """The change of y across mesh direction d (N, E, S, W: +1, 0, -1, 0)."""
    return (~d & 1) * (1 - d)


cdef inline int compute_route(Core* c, int r, int p, const Slot* s) noexcept nogil:
    """Output-port bitmask at router r for the packet of slot s arriving on input port p: XY, or the
    first matching table entry (by a run's direct index where it has one, else bisection of
    the tables' search form: noc.routing.SearchForm; # perf: 200,000 local packets on a 4x4
    mesh with 4,000 entries per router: 0.147 -> 0.040 s CPU against a scan of the entries),
    or default routing straight through, a chip link included (0: unrouted)."""
    cdef uint32_t key = s.key, k
    cdef int j, lo, hi, mid, d
    if not c.multicast:
        return 1 << xy_output(c, r, s)
    for j in range(c.t_start[r], c.t_start[r + 1]):  # runs of one mask, in priority order
        k = key & c.t_mask[j]
        if c.t_index_at[j] >= 0:  # the run's direct index (its first key <= k <= its last)
            if k - c.t_low[j] <= c.t_span[j]:
                d = c.t_direct[c.t_index_at[j] + ((k - c.t_low[j]) >> c.t_shift[j])]
                if d >= 0:
                    return d
            continue
        lo = c.t_first[j]
        hi = c.t_first[j + 1]
        while lo < hi:  # the first key >= k
            mid = (lo + hi) >> 1
            if c.t_key[mid] < k:
                lo = mid + 1
            else:
                hi = mid
        if lo < c.t_first[j + 1] and c.t_key[lo] == k:
            return <int>c.t_route[lo]
    if p >= NDIR:
        return 0
    d = opp(p)
    return 1 << d if c.rt[r].nbr[d] >= 0 or c.clink[r * NDIR + d] >= 0 else 0


cdef inline int xy_output(Core* c, int r, const Slot* s) noexcept nogil:
    """XY output port at router r for the destination endpoint of slot s, local or external
    (its chip link's edge router, then the link's direction) (# perf: coordinates instead of
    five integer divisions, +7 % flit-hops/s on 8x8 uniform at 0.17)."""
    cdef int dest = <int>s.key, x = c.rt[r].x, y = c.rt[r].y, dx = s.dx, dy = s.dy
    if x != dx:
        return 1 if positive(c, x, dx, c.width) else 3
    if y != dy:
        return 0 if positive(c, y, dy, c.height) else 2
    if dest >= c.EP:
        return c.x_end[2 * (dest - c.EP) + 1]
    return NDIR + dest - r * c.L  # r is the destination's router


cdef inline int mesh_xy_output(Core* c, int r, const Slot* s) noexcept nogil:
    """``xy_output`` on a mesh (no torus): read from the table of a small mesh (``xy_port``),
    else the mesh direction chosen without branches: E or
    W while x differs, else N or S while y differs (# perf: +5 % flit-hops/s CPU on 8x8
    uniform at 0.17, +4 % on the TrueNorth run's traffic, neutral on the 64x64 windows, back
    to back; the processor no longer mispredicts the direction of a random destination)."""
    cdef int sx, sy
    if c.xy_port != NULL:  # a small mesh's table (EngineCore._init_xy_ports)
        return c.xy_port[r * (c.EP + c.NX) + <int>s.key]
    sx = (s.dx > c.rt[r].x) - (s.dx < c.rt[r].x)
    sy = (s.dy > c.rt[r].y) - (s.dy < c.rt[r].y)
    if sx | sy:
        return (<uint64_t>0x1110F2333 >> (4 * (sx * 3 + sy + 4))) & 0xF  # port per (sx, sy)
    return xy_output(c, r, s)  # this router is the destination's


cdef inline bint positive(Core* c, int a, int b, int size) noexcept nogil:
    """Whether the way from coordinate a to b goes up (the shorter way round on a torus)."""
    cdef int forward = b - a
    if not c.torus:
        return forward > 0
    if forward < 0:
        forward += size
    return forward <= size - forward
