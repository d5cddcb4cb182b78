"""End-to-end latency: input spike to the first spike of a neuron it feeds."""

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from chipsim.network import load_network
from chipsim.network.expand import expand
from chipsim.report.e2e import InputSynapses, end_to_end, first_responses
from chipsim.report.rundata import load_run


def spikes(rows):
    return pd.DataFrame(rows, columns=["tick", "neuron", "cycle"])


def test_first_response_by_hand():
    """Source 0 feeds neuron 2 (delay 1) and 3 (delay 2); horizon 1 tick.

    Input at tick 5: neuron 2 may answer in ticks 6-7, neuron 3 in 7-8. Neuron 2 spiked at
    tick 5 (too early) and 7 (cycle 750); neuron 3 at tick 7 (cycle 720): 3 answers first.
    Input at tick 10: only neuron 2's spike at tick 13 is past the horizon: no response.
    """
    synapses = InputSynapses(
        is_source=np.array([True, True, False, False]),
        post=np.array([2, 3]), delay=np.array([1, 2]), ptr=np.array([0, 2, 2, 2, 2]),
    )  # fmt: skip
    inputs = spikes([(5, 0, 510), (10, 0, 1010)])
    outputs = spikes([(5, 2, 505), (7, 2, 750), (7, 3, 720), (13, 2, 1305)])
    got = first_responses(inputs, synapses, outputs, horizon=1)
    assert got["response_neuron"].tolist() == [3, -1]
    assert got["response_cycle"].tolist() == [720, -1]
    assert got["latency_cycles"].tolist() == [210, -1]


def brute_force(run_dir, horizon):
    """Per input spike, the earliest qualifying spike, by a Python loop over the network's
    synapses as :func:`chipsim.network.expand.expand` builds them."""
    workload = load_run(run_dir).workload
    net = expand(load_network(run_dir / "network.yaml"), int(workload["seed"]))
    source = np.concatenate([net.ids(g.name) for g, neuron in
                             zip(net.network.populations, net.is_neuron(), strict=True)
                             if not neuron])  # fmt: skip
    c = net.connections
    all_spikes = pd.read_parquet(run_dir / "spikes.parquet")
    by_neuron = {n: g for n, g in all_spikes.groupby("neuron")}
    latencies = []
    for tick, neuron, cycle in all_spikes[all_spikes["neuron"].isin(source)].itertuples(
        index=False
    ):
        best = None
        for post, delay in zip(c.post[c.pre == neuron], c.delay[c.pre == neuron], strict=True):
            s = by_neuron.get(post)
            if s is None:
                continue
            ok = s[(s["tick"] >= tick + delay) & (s["tick"] <= tick + delay + horizon)]
            if len(ok):
                first = int(ok["cycle"].min())
                best = first if best is None else min(best, first)
        latencies.append(-1 if best is None else best - cycle)
    return latencies


def test_end_to_end_matches_brute_force(run_dir, copy_run, tmp_path):
    """The vectorised search over a run equals a loop over every input spike and synapse,
    also when spikes.parquet is read in many small row groups."""
    expected = brute_force(run_dir, horizon=2)
    assert sum(x >= 0 for x in expected) > 10
    got = end_to_end(load_run(run_dir), horizon=2)
    assert got["latency_cycles"].tolist() == expected
    split = copy_run(run_dir, tmp_path / "split")
    pq.write_table(pq.read_table(run_dir / "spikes.parquet"), split / "spikes.parquet",
                   row_group_size=37)  # fmt: skip
    assert pq.ParquetFile(split / "spikes.parquet").num_row_groups > 10
    got = end_to_end(load_run(split), horizon=2)
    assert got["latency_cycles"].tolist() == expected


def test_end_to_end_samples_inputs(run_dir):
    """With more input spikes than ``max_inputs``, a uniform sample of them is analysed."""
    every = end_to_end(load_run(run_dir), horizon=2)
    some = end_to_end(load_run(run_dir), horizon=2, max_inputs=20)
    assert 5 < len(some) < 40 < len(every)
    merged = some.merge(every, on=["tick", "neuron", "cycle"], suffixes=("", "_all"))
    assert len(merged) == len(some)
    assert (merged["latency_cycles"] == merged["latency_cycles_all"]).all()
