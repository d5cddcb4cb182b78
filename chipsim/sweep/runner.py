"""Run a sweep: plan and validate every point, skip finished ones, run the rest, keep the table.

Output folder::

    DIR/sweep.json          parameters swept and the fingerprint of the base config and workload
    DIR/results.parquet     one row per (point, seed), rewritten atomically after every point
    DIR/points/<id>/        each point's run folder (chipsim run's layout), written atomically

A point whose folder holds ``summary.json`` is finished; rerunning the sweep skips it, so a
sweep stopped by Ctrl-C (or a crash) resumes where it stopped. A failing point is recorded with
its error; the others go on, and a rerun tries it again.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from chipsim.sweep.executors import completed, open_executor
from chipsim.sweep.plan import PointTask, SweepPlan, plan_sweep
from chipsim.sweep.point import is_done, point_figures, run_point
from chipsim.sweep.spec import SweepError

RESULTS = "results.parquet"
META = "sweep.json"
PARTIAL = ".partial-"
"""Marks the staging folder of a run in progress (see :class:`chipsim.rundir.RunDirectory`)."""


@dataclass(frozen=True)
class SweepResult:
    table: pd.DataFrame
    ran: int
    """Points run now (ok or failed)."""
    skipped: int
    """Points found finished by an earlier run of the sweep."""


def run_sweep(
    sweep_file: str | Path,
    out: str | Path,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = False,
) -> SweepResult:
    """Run every point of ``sweep_file`` not yet finished in ``out``; return the results table.

    Parameters
    ----------
    scheduler : Dask scheduler address (``tcp://HOST:PORT``); ``out`` must then be a folder the
        Dask workers can write (a shared file system) for resuming to find their points
    workers : local worker processes (default: one per CPU; 1 runs points in this process)
    progress : show a progress bar (points done, time left)

    Raises
    ------
    SweepError
        Invalid sweep file or point (before any point runs), or ``out`` holds another sweep.
    """
    out = Path(out)
    plan = plan_sweep(sweep_file, out)
    with open_executor(scheduler, workers) as executor:  # an unreachable cluster fails here
        _claim_folder(out, plan)
        table = ResultsTable(out / RESULTS, plan.tasks)
        todo = _record_finished(plan.tasks, table)
        skipped = len(plan.tasks) - len(todo)
        bar = tqdm(total=len(plan.tasks), initial=skipped, unit="point", disable=not progress)
        with bar:
            for task, outcome in completed(executor, run_point, todo):
                if isinstance(outcome, BaseException):
                    outcome = {"status": "failed", "error": f"{type(outcome).__name__}: {outcome}"}
                table.add(task, outcome)
                table.write()
                bar.update()
                bar.set_postfix(failed=table.failed)
    return SweepResult(table.frame(), ran=len(todo), skipped=skipped)


def _record_finished(tasks: list[PointTask], table: ResultsTable) -> list[PointTask]:
    """Add the points finished by an earlier run to ``table``; return the others."""
    todo = []
    for task in tasks:
        if is_done(task.folder):
            table.add(task, {"status": "ok", "error": None, **point_figures(task.folder)})
        else:
            todo.append(task)
    table.write()
    return todo


class ResultsTable:
    """Rows of finished points, in plan order, written to Parquet atomically."""

    def __init__(self, path: Path, tasks: list[PointTask]) -> None:
        self.path = path
        self._order = {task.point.id: i for i, task in enumerate(tasks)}
        self._parameters = list(tasks[0].values) if tasks else []
        self._rows: dict[str, dict[str, Any]] = {}

    @property
    def failed(self) -> int:
        return sum(row["status"] != "ok" for row in self._rows.values())

    def add(self, task: PointTask, outcome: dict[str, Any]) -> None:
        """Record a point: its id, seed, swept values, then status, error and figures."""
        values = {k: json.dumps(v) if isinstance(v, list | dict) else v
                  for k, v in task.values.items()}  # fmt: skip
        self._rows[task.point.id] = {"point_id": task.point.id, "seed": task.point.seed,
                                     **values, **outcome}  # fmt: skip

    def frame(self) -> pd.DataFrame:
        ids = sorted(self._rows, key=self._order.__getitem__)
        frame = pd.DataFrame([self._rows[i] for i in ids])
        for column in self._parameters if ids else ():
            values = [v for v in frame[column] if v is not None]
            if len({float if isinstance(v, int | float) else type(v) for v in values}) > 1:
                # e.g. 150e6 given as a string in one point, a number in another: Parquet needs
                # one type per column
                frame[column] = frame[column].map(lambda v: None if v is None else str(v))
        return frame

    def write(self) -> None:
        """Replace the Parquet file in one step (temporary file, then os.replace)."""
        temporary = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        self.frame().to_parquet(temporary, index=False)
        os.replace(temporary, self.path)


def _claim_folder(out: Path, plan: SweepPlan) -> None:
    """Create ``out`` or check it holds this sweep (same base), and record what is swept.

    Staging folders of points cut short (a killed worker) are removed: one sweep at a time
    may run in a folder.
    """
    meta = out / META
    if meta.is_file():
        previous = json.loads(meta.read_text()).get("fingerprint")
        if previous != plan.fingerprint:
            raise SweepError(
                f"{out}: holds a sweep of another base config or workload (see {meta}); "
                "choose another --out, or delete the folder to start over"
            )
    out.mkdir(parents=True, exist_ok=True)
    for staging in (out / "points").glob(f".*{PARTIAL}*"):  # left by points cut short
        shutil.rmtree(staging, ignore_errors=True)
    record = {"sweep_file": str(plan.sweep_file), "parameters": plan.parameters,
              "fingerprint": plan.fingerprint, "points": len(plan.tasks)}  # fmt: skip
    meta.write_text(json.dumps(record, indent=2) + "\n")
