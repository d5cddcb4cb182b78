"""End-to-end latency: from an input spike to the first spike of a neuron it feeds.

Definition (docs/reports.md): an *input spike* is a spike of a spike source (a population with
no neuron dynamics, e.g. Poisson), emitted at reference cycle ``c_in`` in tick ``T``. Its
*response* is the earliest spike, over every neuron ``j`` that the source reaches through one
synapse of delay ``d`` (ticks), that ``j`` emits in a tick ``T + d .. T + d + H`` (``T + d`` is
the first tick whose update can integrate the input; ``H`` is the horizon). The end-to-end
latency is ``c_out - c_in`` reference cycles; an input spike with no such spike has no response.
The response is the first spike the input *can* have contributed to, not one it is proven to
have caused: at high rates some responses are coincidences (read the fraction responded and the
spread with that in mind).

The synapses are rebuilt from the run directory's ``network.yaml`` and ``workload.yaml`` seed
(the connectors draw from counter-based streams keyed by seed and projection, so they are the
synapses the run used); only projections from spike sources are expanded. Input spikes are
sampled uniformly when there are more than ``max_inputs``; spikes are read one row group at a
time and only the spikes of the last ``max delay + horizon`` ticks are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chipsim.network.description import NeuronPopulation
from chipsim.network.expand import connect, draw_delays
from chipsim.report.rundata import RunData

HORIZON_TICKS = 2
"""Ticks after the first one an input can reach in which a response still counts."""
MAX_INPUTS = 20_000
PAIRS_PER_CHUNK = 1 << 21
"""(input spike, synapse) pairs matched at once, to bound memory."""


@dataclass(frozen=True)
class InputSynapses:
    """Synapses from spike sources, sorted by pre; ``ptr[i]:ptr[i+1]`` are neuron i's."""

    is_source: np.ndarray  # bool (n_neurons,)
    post: np.ndarray  # int64
    delay: np.ndarray  # int64, ticks
    ptr: np.ndarray  # int64 (n_neurons + 1,)


def input_synapses(run: RunData) -> InputSynapses:
    """The synapses leaving the run's spike sources (see the module docstring)."""
    network = run.network
    seed = int(run.workload.get("seed", 0))
    sizes = np.array([g.size for g in network.populations], dtype=np.int64)
    offsets = np.r_[0, np.cumsum(sizes)[:-1]]
    index = {g.name: i for i, g in enumerate(network.populations)}
    is_source = np.zeros(int(sizes.sum()), dtype=bool)
    pre, post, delay = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for i, group in enumerate(network.populations):
        is_source[offsets[i] : offsets[i] + sizes[i]] = not isinstance(group, NeuronPopulation)
    for k, proj in enumerate(network.projections):
        a, b = index[proj.pre], index[proj.post]
        if not is_source[offsets[a]] or sizes[a] == 0:
            continue
        p, q = connect(proj, int(sizes[a]), int(sizes[b]), a == b, seed, k)
        pre.append(p + offsets[a])
        post.append(q + offsets[b])
        delay.append(draw_delays(proj, len(p), seed, k).astype(np.int64))
    pre, post, delay = (np.concatenate(x) for x in (pre, post, delay))
    order = np.argsort(pre, kind="stable")
    ptr = np.r_[0, np.cumsum(np.bincount(pre, minlength=len(is_source)))]
    return InputSynapses(is_source, post[order], delay[order], ptr)


def _chunks(counts: np.ndarray, per_chunk: int) -> list[tuple[int, int]]:
    """Runs ``lo:hi`` of input spikes with about ``per_chunk`` synapses each."""
    cum = np.cumsum(counts)
    cuts = np.searchsorted(cum, np.arange(per_chunk, cum[-1] if len(cum) else 0, per_chunk))
    edges = np.unique(np.r_[0, cuts, len(counts)])
    return list(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True))


def _synapse_rows(first: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, row): for each owner k, rows ``first[k] .. first[k] + counts[k] - 1``."""
    owner = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, first[owner] + offset


def first_responses(
    inputs: pd.DataFrame, synapses: InputSynapses, outputs: pd.DataFrame, horizon: int
) -> pd.DataFrame:
    """For each input spike (``tick``, ``neuron``, ``cycle``), its response among ``outputs``
    (spikes: ``tick``, ``neuron``, ``cycle``): ``response_neuron``, ``response_cycle`` and
    ``latency_cycles`` (all -1 where there is none)."""
    out = outputs.sort_values(["neuron", "tick", "cycle"], kind="stable")
    neuron, tick, cycle = (out[c].to_numpy(np.int64) for c in ("neuron", "tick", "cycle"))
    in_neuron, in_tick = inputs["neuron"].to_numpy(np.int64), inputs["tick"].to_numpy(np.int64)
    stride = int(max(tick.max(initial=0), in_tick.max(initial=0))) + 2 * (
        horizon + int(synapses.delay.max(initial=0)) + 1
    )
    key = neuron * stride + tick  # sorted: first spike of j at tick >= E is at key j*stride+E
    counts = np.diff(synapses.ptr)[in_neuron]
    result = np.full((len(inputs), 2), -1, dtype=np.int64)
    for lo, hi in _chunks(counts, PAIRS_PER_CHUNK):
        owner, syn = _synapse_rows(synapses.ptr[in_neuron[lo:hi]], counts[lo:hi])
        spike = owner + lo
        target, earliest = synapses.post[syn], in_tick[spike] + synapses.delay[syn]
        at = np.searchsorted(key, target * stride + earliest)
        ok = at < len(key)
        spike, target, earliest, at = spike[ok], target[ok], earliest[ok], at[ok]
        found = (neuron[at] == target) & (tick[at] <= earliest + horizon)
        spike, at = spike[found], at[found]
        best = np.lexsort((cycle[at], spike))  # per input spike, the earliest response first
        first = best[np.r_[True, spike[best][1:] != spike[best][:-1]]] if len(best) else best
        result[spike[first]] = np.stack([neuron[at[first]], cycle[at[first]]], axis=1)
    frame = inputs[["tick", "neuron", "cycle"]].reset_index(drop=True)
    frame["response_neuron"], frame["response_cycle"] = result[:, 0], result[:, 1]
    frame["latency_cycles"] = np.where(result[:, 0] >= 0, result[:, 1] - frame["cycle"], -1)
    return frame


def end_to_end(
    run: RunData, horizon: int = HORIZON_TICKS, max_inputs: int = MAX_INPUTS, seed: int = 0
) -> pd.DataFrame | None:
    """Responses of (a uniform sample of at most ``max_inputs``) input spikes of ``run``
    (:func:`first_responses`); None when the network has no projection from a spike source.

    ``spikes.parquet`` is in tick order; it is read one row group at a time, keeping only the
    spikes of the last ``max delay + horizon`` ticks, so memory does not grow with the run.
    """
    synapses = input_synapses(run)
    if len(synapses.post) == 0:
        return None
    n_inputs = sum(int(synapses.is_source[p["neuron"]].sum())
                   for p in run.row_groups("spikes", ["neuron"]))  # fmt: skip
    fraction = min(1.0, max_inputs / n_inputs) if n_inputs else 1.0
    rng = np.random.default_rng(seed)
    is_target = np.zeros(len(synapses.is_source), dtype=bool)
    is_target[synapses.post] = True
    reach = int(synapses.delay.max()) + horizon  # an input of tick T is answered by T + reach
    pending, kept, done = spikes_frame(), spikes_frame(), []
    for part in run.row_groups("spikes", ["tick", "neuron", "cycle"]):
        inputs = part[synapses.is_source[part["neuron"]]]
        if fraction < 1:
            inputs = inputs[rng.random(len(inputs)) < fraction]
        pending = pd.concat([pending, inputs], ignore_index=True)
        kept = pd.concat([kept, part[is_target[part["neuron"]]]], ignore_index=True)
        complete = int(part["tick"].max()) - 1  # the last tick may go on in the next group
        ready = pending["tick"] + reach <= complete
        done.append(first_responses(pending[ready], synapses, kept, horizon))
        pending = pending[~ready]
        kept = kept[kept["tick"] > complete - reach]
    done.append(first_responses(pending, synapses, kept, horizon))
    return pd.concat(done, ignore_index=True)


def spikes_frame() -> pd.DataFrame:
    """An empty spike table (``tick``, ``neuron``, ``cycle``)."""
    return pd.DataFrame({c: np.zeros(0, np.int64) for c in ("tick", "neuron", "cycle")})


def e2e_summary(responses: pd.DataFrame, clock_hz: float) -> pd.DataFrame:
    """Summary rows (figure, value, unit): input spikes analysed, fraction with a response,
    and the latency's mean, p50, p99 and max (inverted-CDF quantiles) in µs."""
    latency = responses.loc[responses["latency_cycles"] >= 0, "latency_cycles"].to_numpy()
    us = latency / clock_hz * 1e6
    rows = [
        ("end-to-end: input spikes analysed", len(responses), "spike"),
        ("end-to-end: fraction with a response", len(latency) / max(len(responses), 1),
         "fraction"),
    ]  # fmt: skip
    if len(us):
        rows += [
            ("end-to-end latency mean", float(us.mean()), "µs"),
            ("end-to-end latency p50", float(np.quantile(us, 0.5, method="inverted_cdf")), "µs"),
            ("end-to-end latency p99", float(np.quantile(us, 0.99, method="inverted_cdf")), "µs"),
            ("end-to-end latency max", float(us.max()), "µs"),
        ]
    return pd.DataFrame(rows, columns=["figure", "value", "unit"]).astype({"value": float})
