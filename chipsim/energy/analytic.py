"""Event counts of idealised workloads, computed by hand rather than simulated.

docs/validation.md calibrates the presets with these until full runs exist; each builder
states the counts it assumes. Counts are spread evenly over PEs and routers and rounded to
whole events per unit.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from chipsim.config import ChipConfig
from chipsim.energy.counts import LINK_DIRECTIONS, PE_COUNTS, ROUTER_COUNTS, EventCounts


def operating_point_index(config: ChipConfig, name: str | None = None) -> int:
    """Index of the operating point ``name`` (default: the chip's default point)."""
    names = [p.name for p in config.chip.operating_points]
    name = name or config.chip.default_operating_point
    if name not in names:
        raise ValueError(f"operating point {name!r} is not one of {names}")
    return names.index(name)


def uniform_counts(
    config: ChipConfig,
    duration_s: float,
    pe_rates: Mapping[str, float] | None = None,
    router_rates: Mapping[str, float] | None = None,
    operating_point: str | None = None,
    powered: bool = True,
) -> EventCounts:
    """Counts with every PE (router) seeing the same events per second.

    Parameters
    ----------
    pe_rates
        Events per second per PE, keyed by a :data:`PE_COUNTS` name.
    router_rates
        Events per second per router, keyed by a :data:`ROUTER_COUNTS` name or ``link_flits``
        (flits per second over all of a router's outgoing links, split evenly by direction).
    """
    pe_rates, router_rates = dict(pe_rates or {}), dict(router_rates or {})
    for name in pe_rates:
        if name not in PE_COUNTS:
            raise ValueError(f"pe_rates: unknown count {name!r}, expected one of {PE_COUNTS}")
    for name in router_rates:
        if name not in (*ROUTER_COUNTS, "link_flits"):
            raise ValueError(f"router_rates: unknown count {name!r}")
    topology = config.topology
    point = operating_point_index(config, operating_point)
    counts = EventCounts.zeros(topology.pes, topology.routers, operating_point=point)
    link_rate = router_rates.pop("link_flits", 0.0) / LINK_DIRECTIONS
    values = {name: round(rate * duration_s) for name, rate in (pe_rates | router_rates).items()}
    if not powered:
        values["powered"] = False
    return counts.replace(
        **values,
        link_flits=np.full((topology.routers, LINK_DIRECTIONS), round(link_rate * duration_s)),
        duration_s=duration_s,
    )


def spiking_counts(
    config: ChipConfig,
    rate_hz: float,
    synapses_per_spike: float,
    hops_per_spike: float,
    duration_s: float = 1.0,
    operating_point: str | None = None,
) -> EventCounts:
    """Every neuron of every PE updated each tick, firing at ``rate_hz``.

    Per PE and second: ``max_neurons / tick_s`` neuron updates, ``max_neurons * rate_hz``
    spikes, each one packet sent and one received, ``synapses_per_spike`` synaptic events each.
    Per packet flit: ``hops_per_spike`` link traversals and ``hops_per_spike + 1`` router
    passes (buffer write and read, crossbar, one VC, switch-input and switch-output
    arbitration each), spread evenly over the routers.
    """
    spikes_per_pe = config.pe.max_neurons * rate_hz
    flits = spikes_per_pe * config.topology.pes * config.noc.packet_flits / config.topology.routers
    passes = flits * (hops_per_spike + 1)
    pe_rates = {
        "neuron_updates": config.pe.max_neurons / config.chip.tick_s,
        "synaptic_events": spikes_per_pe * synapses_per_spike,
        "packets_sent": spikes_per_pe,
        "packets_received": spikes_per_pe,
    }
    router_rates = {name: passes for name in ROUTER_COUNTS} | {"link_flits": flits * hops_per_spike}
    return uniform_counts(config, duration_s, pe_rates, router_rates, operating_point)
