"""End-to-end latency (input spike to first response) histogram and CDF."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chipsim.report.plots.style import figure, say_empty, styled


@styled
def e2e_latency_figure(responses: pd.DataFrame, clock_hz: float, horizon: int, chip: str):
    """Histogram and CDF of end-to-end latency (µs) of the input spikes that had a response."""
    latency = responses.loc[responses["latency_cycles"] >= 0, "latency_cycles"].to_numpy()
    us = np.sort(latency / clock_hz * 1e6)
    fig, (left, right) = figure(12, 4.8, ncols=2)
    left.hist(us, bins=min(60, max(5, len(us) // 5)), color="tab:green")
    left.set_xlabel("end-to-end latency (µs)")
    left.set_ylabel("input spikes")
    left.set_title(f"histogram ({len(us):,} of {len(responses):,} input spikes had a response)")
    right.step(us, np.arange(1, len(us) + 1) / max(len(responses), 1), where="post",
               color="tab:green")  # fmt: skip
    right.set_ylim(0, 1.02)
    right.set_xlabel("end-to-end latency (µs)")
    right.set_ylabel("fraction of input spikes (CDF)")
    right.set_title("CDF (stays below 1 by the share without a response)")
    if len(us) == 0:
        for ax in (left, right):
            say_empty(ax, "no input spike had a response" if len(responses) else "no input spike")
    fig.suptitle(
        f"{chip}: input spike -> first spike of a neuron it feeds "
        f"(within {horizon} tick(s) after the first it can reach)"
    )
    return fig
