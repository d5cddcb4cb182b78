"""Architecture sweeps: many runs of one workload over a grid or list of config overrides.

:func:`run_sweep` runs a sweep file into a folder (local processes, a Dask cluster, or this
process), resumably; :func:`plan_sweep` validates one without running it; ``chipsim sweep`` is
the command (see docs/sweeps.md).
"""

from chipsim.sweep.plan import PointTask, SweepPlan, plan_sweep
from chipsim.sweep.runner import SweepResult, run_sweep
from chipsim.sweep.spec import Point, SweepError, SweepSpec, expand_points, load_sweep

__all__ = [
    "Point",
    "PointTask",
    "SweepError",
    "SweepPlan",
    "SweepResult",
    "SweepSpec",
    "expand_points",
    "load_sweep",
    "plan_sweep",
    "run_sweep",
]
