"""chipsim: a cycle-level simulator of many-core neuromorphic chips.

Composition layer: chip configs, networks, mapping, the simulation driver, traces, energy and
latency accounting, reports, sweeps and the CLI. Builds on :mod:`cores` and :mod:`noc`.
"""

from chipsim.config import ChipConfig, load_config
from chipsim.sim.ideal import simulate_ideal

__version__ = "0.1.0"
__all__ = ["ChipConfig", "__version__", "load_config", "simulate_ideal"]
