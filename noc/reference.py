"""A slow, plainly written twin of the Cython engine, for tests and debugging only.

:class:`ReferenceEngine` has :class:`noc.engine.NocEngine`'s API; its core walks every router
every busy cycle with Python objects and implements the same model (``noc/README.md``), stage
by stage, so that the tests can require both to agree cycle for cycle.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from noc.engine import NocEngine
from noc.params import BlockedPolicy, NocParams, Routing
from noc.routing import MulticastTables
from noc.stats import DELIVERY_DTYPES, ENDPOINT_COUNTERS, ROUTER_COUNTERS
from noc.topology import DIRECTIONS, Mesh, opposite

C = {name: i for i, name in enumerate(ROUTER_COUNTERS)}
INJECTED, EJECTED, SOURCE_WAIT = range(len(ENDPOINT_COUNTERS))


@dataclass
class Packet:
    cycle: int
    src: int
    key: int
    tag: int = 0
    live: int = 1  # copies of the packet still in the network


@dataclass
class Flit:
    packet: Packet
    ready: int  # first cycle the router may forward it (arrival + R - 1)
    hops: int


@dataclass
class InputVC:
    """One input buffer (or injection queue) and the state of the packet at its head."""

    capacity: int  # flits
    flits: deque = field(default_factory=deque)
    route: int | None = None  # output-port bitmask of the head packet, None until computed
    popped: int = 0  # flits of the head packet already removed
    sent: dict = field(default_factory=dict)  # branch output port -> flits sent
    ovc: dict = field(default_factory=dict)  # branch output port -> output VC held
    dropped: int = 0  # bitmask of dropped branches

    def flit(self, index: int, now: int) -> Flit | None:
        """Flit ``index`` of the head packet if it is in the buffer and ready, else None."""
        k = index - self.popped
        if k < len(self.flits) and self.flits[k].ready <= now:
            return self.flits[k]
        return None

    def live_branches(self) -> list[int]:
        return [o for o in _bits(self.route or 0) if not self.dropped >> o & 1]


@dataclass
class OutputVC:
    credits: int
    owner: int | None = None  # input index p * V + v holding it
    returns: deque = field(default_factory=deque)  # cycles at which credits come back

    def has_credit(self, now: int) -> bool:
        while self.returns and self.returns[0] <= now:
            self.returns.popleft()
            self.credits += 1
        return self.credits > 0


class ReferenceCore:
    """Pure-Python core with the interface of ``noc._engine.EngineCore``."""

    def __init__(
        self, mesh: Mesh, params: NocParams, tables: MulticastTables | None, threads: int = 1
    ) -> None:
        """``threads`` is accepted for the engine's interface; the reference runs in one."""
        self.mesh, self.tables = mesh, tables
        self.multicast = params.routing is Routing.MULTICAST_TABLE
        self.R, self.Lk = params.router_pipeline_cycles, params.link_latency_cycles
        self.F, self.V = params.packet_flits, params.virtual_channels
        self.E = params.ejection_cycles_per_packet
        self.drop_after = (
            params.drop_after_cycles if params.blocked_policy is BlockedPolicy.DROP else None
        )
        queue = params.injection_queue_packets * self.F
        self.P, self.L = mesh.ports, mesh.ports_per_router
        self.inputs = [
            [[InputVC(params.buffer_depth) for _ in range(self.V)] for _ in range(DIRECTIONS)]
            + [[InputVC(queue)] for _ in range(self.L)]
            for _ in range(mesh.routers)
        ]
        self.outputs = [
            [[OutputVC(params.buffer_depth) for _ in range(self.V)] for _ in range(DIRECTIONS)]
            + [[OutputVC(0)] for _ in range(self.L)]
            for _ in range(mesh.routers)
        ]
        self.eject_ready = np.zeros((mesh.routers, self.L), dtype=np.int64)
        self.rr_va = np.zeros((mesh.routers, self.P, self.V), dtype=np.int64)
        self.rr_in = np.zeros((mesh.routers, self.P), dtype=np.int64)
        self.rr_out = np.zeros((mesh.routers, self.P), dtype=np.int64)
        self.buf_flits = np.zeros(mesh.routers, dtype=np.int64)
        self.router_counters = np.zeros((mesh.routers, len(ROUTER_COUNTERS)), dtype=np.int64)
        self.link_flits = np.zeros((mesh.routers, DIRECTIONS), dtype=np.int64)
        self.endpoint_counters = np.zeros((mesh.all_endpoints, 3), dtype=np.int64)
        self.future: list[Packet] = []
        self.waiting: dict[int, deque] = {}
        self.now, self.unfinished = 0, 0
        self.output: list[tuple] = []

    # --- interface used by NocEngine -------------------------------------------------------
    def push(self, cycle: np.ndarray, src: np.ndarray, key: np.ndarray, tag: np.ndarray) -> None:
        new = [
            Packet(int(c), int(s), int(k), int(t))
            for c, s, k, t in zip(cycle, src, key, tag, strict=True)
        ]
        self.future = sorted(self.future + new, key=lambda p: p.cycle)  # stable: old first
        self.unfinished += len(new)

    @property
    def busy(self) -> bool:
        flits = any(vc.flits for router in self.inputs for port in router for vc in port)
        return flits or any(self.waiting.values())

    @property
    def next_future_cycle(self) -> int:
        return self.future[0].cycle if self.future else -1

    def run(self, until: int) -> None:
        while self.now < until:
            if not self.busy:
                nxt = self.future[0].cycle if self.future else until
                self.now = max(self.now, min(nxt, until))
                if self.now >= until:
                    break
            self.step(self.now)
            self.now += 1

    records_sorted = False  # take_output gives records in the order routers wrote them
    held_from = -1  # and keeps none (the engine carries what arrives after a window's end)

    def take_output(self) -> tuple[np.ndarray, ...]:
        columns = list(zip(*self.output, strict=True)) or [()] * len(DELIVERY_DTYPES)
        self.output = []
        return tuple(np.array(c, dtype=dt) for c, dt in zip(columns, DELIVERY_DTYPES, strict=True))

    # --- one cycle ---------------------------------------------------------------------------
    def step(self, now: int) -> None:
        """Injection, then every router's stages in the documented order."""
        self.admit(now)
        for r in range(self.mesh.routers):
            if any(vc.flits for port in self.inputs[r] for vc in port):
                self.route_compute(r, now)
                if self.drop_after is not None:
                    self.drop_blocked(r, now)
                self.vc_allocate(r, now)
                wanting = self.wanting(r, now)
                grants = self.switch_allocate(r, now)
                moved = self.switch_traverse(r, now, grants)
                self.pop_flits(r, now)
                self.count(r, "blocked_cycles", len(wanting - moved))
        column = self.router_counters[:, C["max_buffer_occupancy_flits"]]
        np.maximum(column, self.buf_flits, out=column)

    def admit(self, now: int) -> None:
        while self.future and self.future[0].cycle <= now:
            packet = self.future.pop(0)
            self.waiting.setdefault(packet.src, deque()).append(packet)
        for src, queue in self.waiting.items():
            node, port = self.mesh.endpoint_router(src)  # the input port of the same number
            external = port < DIRECTIONS  # over a chip link: as if it crossed it at now
            ready = now + self.Lk + self.R if external else now + self.R - 1
            vc = self.inputs[node][port][0]
            while queue and vc.capacity - len(vc.flits) >= self.F:
                packet = queue.popleft()
                vc.flits.extend(Flit(packet, ready, 0) for _ in range(self.F))
                self.buf_flits[node] += self.F if external else 0
                self.count(node, "buffer_writes", self.F)
                self.endpoint_counters[src, INJECTED] += 1
                self.endpoint_counters[src, SOURCE_WAIT] += now - packet.cycle

    def route_compute(self, r: int, now: int) -> None:
        for p, port in enumerate(self.inputs[r]):
            for vc in port:
                head = vc.flit(0, now) if vc.route is None else None
                if head is None:
                    continue
                vc.route = self.route(r, p, head.packet)
                vc.sent = {o: 0 for o in _bits(vc.route)}
                if vc.route == 0:
                    self.count(r, "unrouted_packets")
                    self.finish_copy(head.packet)
                else:
                    head.packet.live += len(vc.sent) - 1

    def route(self, r: int, p: int, packet: Packet) -> int:
        if not self.multicast:
            return 1 << self.mesh.xy_output(r, packet.key)
        found = self.tables.lookup(r, packet.key)
        if found is not None:
            return found
        if p >= DIRECTIONS or not self.mesh.has_link(r, opposite(p)):
            return 0
        return 1 << opposite(p)

    def drop_blocked(self, r: int, now: int) -> None:
        for port in self.inputs[r]:
            for vc in port:
                unstarted = [o for o in vc.live_branches() if vc.sent[o] == 0]
                if not unstarted or now - vc.flits[0].ready < self.drop_after:
                    continue
                for o in unstarted:
                    if o in vc.ovc:
                        self.outputs[r][o][vc.ovc.pop(o)].owner = None
                    vc.dropped |= 1 << o
                    self.count(r, "dropped_packets")
                    self.finish_copy(vc.flits[0].packet)

    def allowed_vcs(self, r: int, p: int, v: int, o: int) -> range:
        """Output VCs a packet from input (p, v) may take at mesh port o (torus: datelines)."""
        if not self.mesh.torus:
            return range(self.V)
        half = self.V // 2
        upper = _wraps(self.mesh, r, o) or (p == opposite(o) and v >= half)
        return range(half, self.V) if upper else range(half)

    def vc_allocate(self, r: int, now: int) -> None:
        """Separable VC allocation: each branch asks for the lowest free output VC it may use,
        each output VC grants one request, round robin over input index p * V + v."""
        requests: dict[tuple[int, int], list[int]] = {}
        for p, port in enumerate(self.inputs[r]):
            for v, vc in enumerate(port):
                for o in vc.live_branches():
                    if o in vc.ovc or vc.sent[o] > 0:
                        continue
                    w = self.free_output_vc(r, p, v, o, now)
                    if w is not None:
                        requests.setdefault((o, w), []).append(p * self.V + v)
        for (o, w), requesters in requests.items():
            i = min(requesters, key=lambda i: (i - self.rr_va[r, o, w]) % (self.P * self.V))
            self.rr_va[r, o, w] = (i + 1) % (self.P * self.V)
            self.count(r, "vc_arbitrations")
            self.outputs[r][o][w].owner = i
            self.inputs[r][i // self.V][i % self.V].ovc[o] = w

    def free_output_vc(self, r: int, p: int, v: int, o: int, now: int) -> int | None:
        if o >= DIRECTIONS:
            free = self.outputs[r][o][0].owner is None
            return 0 if free and now >= self.eject_ready[r, o - DIRECTIONS] else None
        for w in self.allowed_vcs(r, p, v, o):
            if self.outputs[r][o][w].owner is None:
                return w
        return None

    def wanting(self, r: int, now: int) -> set[tuple[int, int]]:
        """Input VCs holding a ready flit that some live, unfinished branch wants to send."""
        return {
            (p, v)
            for p, port in enumerate(self.inputs[r])
            for v, vc in enumerate(port)
            if any(vc.sent[o] < self.F and vc.flit(vc.sent[o], now) for o in vc.live_branches())
        }

    def ready_branches(self, r: int, vc: InputVC, now: int) -> list[int]:
        return [
            o
            for o in vc.live_branches()
            if o in vc.ovc
            and vc.sent[o] < self.F
            and vc.flit(vc.sent[o], now) is not None
            and (o >= DIRECTIONS or self.outputs[r][o][vc.ovc[o]].has_credit(now))
        ]

    def switch_allocate(self, r: int, now: int) -> list[tuple[int, int, int]]:
        """Separable input-first switch allocation; returns grants (input port, VC, output)."""
        asks: dict[int, tuple[int, list[int]]] = {}
        for p, port in enumerate(self.inputs[r]):
            ready = {v: self.ready_branches(r, vc, now) for v, vc in enumerate(port)}
            ready = {v: b for v, b in ready.items() if b}
            if ready:
                v = min(ready, key=lambda v: (v - self.rr_in[r, p]) % len(port))
                asks[p] = (v, ready[v])
                self.count(r, "switch_input_arbitrations")
        grants = []
        for o in range(self.P):
            ports = [p for p, (_, outs) in asks.items() if o in outs]
            if ports:
                p = min(ports, key=lambda p: (p - self.rr_out[r, o]) % self.P)
                self.rr_out[r, o] = (p + 1) % self.P
                self.count(r, "switch_output_arbitrations")
                grants.append((p, asks[p][0], o))
        for p in {p for p, _, _ in grants}:
            self.rr_in[r, p] = (asks[p][0] + 1) % len(self.inputs[r][p])
        return grants

    def switch_traverse(self, r: int, now: int, grants: list) -> set[tuple[int, int]]:
        """Move each granted flit through the crossbar onto its link or local port."""
        for p, v, o in grants:
            vc = self.inputs[r][p][v]
            k, w = vc.sent[o], vc.ovc[o]
            flit = vc.flit(k, now)
            self.count(r, "crossbar_traversals")
            if o < DIRECTIONS:
                self.link_traverse(r, o, w, k, flit, now)
            else:
                self.eject(r, o - DIRECTIONS, k, flit, now)
            vc.sent[o] = k + 1
            if k + 1 == self.F:
                self.outputs[r][o][w].owner = None
                del vc.ovc[o]
        return {(p, v) for p, v, _ in grants}

    def link_traverse(self, r: int, o: int, w: int, k: int, flit: Flit, now: int) -> None:
        n = int(self.mesh.neighbours[r, o])
        self.link_flits[r, o] += 1
        arrival = now + self.Lk + 1
        if n < 0:
            self.leave_chip(int(self.mesh.chip_link_ids[r, o]), k, flit, arrival)
            return
        self.outputs[r][o][w].credits -= 1
        self.inputs[n][opposite(o)][w].flits.append(
            Flit(flit.packet, arrival + self.R - 1, flit.hops + 1)
        )
        self.count(n, "buffer_writes")
        self.buf_flits[n] += 1

    def eject(self, r: int, port: int, k: int, flit: Flit, now: int) -> None:
        endpoint = r * self.L + port
        self.endpoint_counters[endpoint, EJECTED] += 1
        if k == 0:
            self.eject_ready[r, port] = now + self.E
        if k == self.F - 1:
            pk = flit.packet
            self.output.append((now + 1, endpoint, pk.key, pk.src, pk.cycle, flit.hops, pk.tag))
            self.finish_copy(pk)

    def leave_chip(self, link: int, k: int, flit: Flit, arrival: int) -> None:
        """Flit k crossed chip link ``link`` (no credit spent: the neighbouring chip takes a
        flit per cycle); the tail completes the delivery record, arrival when it reaches the
        far end."""
        endpoint = self.mesh.endpoints + link
        self.endpoint_counters[endpoint, EJECTED] += 1
        if k == self.F - 1:
            pk = flit.packet
            hops = flit.hops + 1
            self.output.append((arrival, endpoint, pk.key, pk.src, pk.cycle, hops, pk.tag))
            self.finish_copy(pk)

    def pop_flits(self, r: int, now: int) -> None:
        """Free buffer slots whose flit every live branch has sent; credits go upstream."""
        for p, port in enumerate(self.inputs[r]):
            for v, vc in enumerate(port):
                while vc.route is not None and vc.flit(vc.popped, now) is not None:
                    if any(vc.sent[o] <= vc.popped for o in vc.live_branches()):
                        break
                    vc.flits.popleft()
                    if vc.live_branches():
                        self.count(r, "buffer_reads")
                    if p < DIRECTIONS:
                        self.buf_flits[r] -= 1
                        u = int(self.mesh.neighbours[r, p])
                        if u >= 0:  # no credit goes back over a chip link
                            self.outputs[u][opposite(p)][v].returns.append(now + self.Lk)
                    vc.popped += 1
                    if vc.popped == self.F:
                        vc.route, vc.popped, vc.sent, vc.ovc, vc.dropped = None, 0, {}, {}, 0
                        break

    def finish_copy(self, packet: Packet) -> None:
        packet.live -= 1
        if packet.live == 0:
            self.unfinished -= 1

    def count(self, r: int, name: str, amount: int = 1) -> None:
        self.router_counters[r, C[name]] += amount


class ReferenceEngine(NocEngine):
    """:class:`NocEngine` with the pure-Python core: same API, same results, slow."""

    _core_class = ReferenceCore


def _bits(mask: int) -> list[int]:
    return [o for o in range(mask.bit_length()) if mask >> o & 1]


def _wraps(mesh: Mesh, r: int, o: int) -> bool:
    """Whether the link out of router r through direction o is a torus wrap-around link."""
    x, y = mesh.coords(r)
    edge = {0: y == mesh.height - 1, 1: x == mesh.width - 1, 2: y == 0, 3: x == 0}
    return mesh.torus and edge[o]
