# Route computation shared by the general router stages (noc/_router.pyx) and the fused
# V = 1, F = 1 router cycle (noc/_fused.pyx): inline, so that each module compiles its own copy.

from libc.stdint cimport uint32_t

from noc._core cimport NDIR, Core


cdef inline int opp(int d) noexcept nogil:
    """The opposite mesh direction (N <-> S, E <-> W)."""
    return d + 2 if d < 2 else d - 2


cdef inline int compute_route(Core* c, int r, int p, int pid) noexcept nogil:
    """Output-port bitmask at router r for packet pid arriving on input port p: XY, or the
    first matching table entry, or default routing straight through, a chip link included
    (0: unrouted)."""
    cdef uint32_t key = c.pk[pid].key
    cdef int i, d
    if not c.multicast:
        return 1 << xy_output(c, r, <int>key)
    for i in range(c.t_start[r], c.t_start[r + 1]):
        if key & c.t_mask[i] == c.t_key[i]:
            return <int>c.t_route[i]
    if p >= NDIR:
        return 0
    d = opp(p)
    return 1 << d if c.nbr[r * NDIR + d] >= 0 or c.clink[r * NDIR + d] >= 0 else 0


cdef inline int xy_output(Core* c, int r, int dest) noexcept nogil:
    """XY output port at router r for endpoint dest, local or external (its chip link's
    edge router, then the link's direction) (# perf: coordinate tables instead of five
    integer divisions, +7 % flit-hops/s on 8x8 uniform at 0.17)."""
    cdef int node = c.ep_node[dest], x = c.node_x[r], y = c.node_y[r]
    cdef int dx = c.node_x[node], dy = c.node_y[node]
    if x != dx:
        return 1 if positive(c, x, dx, c.width) else 3
    if y != dy:
        return 0 if positive(c, y, dy, c.height) else 2
    if dest >= c.EP:
        return c.x_end[2 * (dest - c.EP) + 1]
    return NDIR + dest - node * c.L


cdef inline bint positive(Core* c, int a, int b, int size) noexcept nogil:
    """Whether the way from coordinate a to b goes up (the shorter way round on a torus)."""
    cdef int forward = b - a
    if not c.torus:
        return forward > 0
    if forward < 0:
        forward += size
    return forward <= size - forward
