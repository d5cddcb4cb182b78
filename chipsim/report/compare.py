"""`chipsim compare DIR_A DIR_B`: two runs' configs, workloads and summary figures side by side.

Rows are (section, dotted key); a row *differs* when the two values are not equal (NaN equals
NaN; a key present in one run only differs). Wall-time figures change from one execution to
the next, so they are listed as ``timing`` and never count as a difference: a run compared
with itself, or with a rerun of the same command, has no difference.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from rich.table import Table

from chipsim.report import plots
from chipsim.report.energy import SKIPPED, run_energy
from chipsim.report.rundata import RunData, flatten

SECTIONS = ("config", "workload", "summary")
TIMING = frozenset(
    {"wall_time_s", "ticks_per_s", "real_time_factor", "wall_time_by_part_s", "simulation_cpu_s"}
)
"""Summary figures that measure the machine, not the simulated chip."""
STATUS_ORDER = {"differs": 0, "only in A": 0, "only in B": 0, "timing": 1, "equal": 2}
MISSING = object()


def _sections(run: RunData) -> dict[str, dict[str, object]]:
    return {
        "config": flatten(run.config_dict),
        "workload": flatten(run.workload),
        "summary": dict(run.summary),
    }


def _same(x: object, y: object) -> bool:
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return x == y


def _status(section: str, key: str, x: object, y: object) -> str:
    if x is MISSING:
        return "only in B"
    if y is MISSING:
        return "only in A"
    if section == "summary" and key in TIMING:
        return "timing"
    return "equal" if _same(x, y) else "differs"


def _change(x: object, y: object) -> float:
    """Relative change (B - A) / |A| of two numbers, NaN otherwise."""
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y))
    if not numbers or x == 0:
        return float("nan")
    return (y - x) / abs(x)


def compare_runs(a: RunData, b: RunData) -> pd.DataFrame:
    """One row per (section, key): A, B (as text), status, relative change; differences first,
    then timing, then equal rows, each in section order and the order of A's files."""
    rows = []
    for section, (one, two) in zip(SECTIONS, zip(_sections(a).values(), _sections(b).values(),
                                                 strict=True), strict=True):  # fmt: skip
        for key in list(one) + [k for k in two if k not in one]:
            x, y = one.get(key, MISSING), two.get(key, MISSING)
            rows.append({
                "section": section, "key": key,
                "a": "" if x is MISSING else str(x), "b": "" if y is MISSING else str(y),
                "status": _status(section, key, x, y), "change": _change(x, y),
            })  # fmt: skip
    frame = pd.DataFrame(rows)
    rank = frame["status"].map(STATUS_ORDER)
    return frame.iloc[rank.argsort(kind="stable")].reset_index(drop=True)


def differences(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"].map(STATUS_ORDER) == 0]


def comparison_table(frame: pd.DataFrame, name_a: str, name_b: str, show_all: bool) -> Table:
    """A rich table: differences (and timing), or every row with ``show_all``."""
    n = len(differences(frame))
    title = f"{name_a} (A) vs {name_b} (B): " + (f"{n} difference(s)" if n else "no difference")
    table = Table(title=title)
    for column in ("section", "key", "A", "B", "change"):
        table.add_column(column, justify="right" if column == "change" else "left")
    shown = frame if show_all else frame[frame["status"] != "equal"]
    for row in shown.itertuples():
        style = "bold yellow" if STATUS_ORDER[row.status] == 0 else "dim"
        change = "" if math.isnan(row.change) else f"{row.change:+.1%}"
        key = row.key if row.status in ("differs", "equal") else f"{row.key} ({row.status})"
        table.add_row(row.section, key, _short(row.a), _short(row.b), change, style=style)
    return table


def _short(text: str) -> str:
    """A float's text to 6 significant digits (the tables keep every digit)."""
    if "." not in text and "e" not in text:
        return text
    try:
        return f"{float(text):.6g}"
    except ValueError:
        return text


def write_comparison(frame: pd.DataFrame, a: RunData, b: RunData, out: Path) -> list[str]:
    """compare.parquet, compare.csv and (with the energy model) the two energy breakdowns
    side by side in compare_energy.png; returns the paths written and notes."""
    out.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(out / "compare.parquet", index=False)
    frame.to_csv(out / "compare.csv", index=False)
    written = [str(out / "compare.parquet"), str(out / "compare.csv")]
    energies = [run_energy(a), run_energy(b)]
    if None in energies:
        return [*written, SKIPPED]
    both = pd.concat(
        [e.breakdown.assign(run=f"{label}: {r.path.name}")
         for label, r, e in zip("AB", (a, b), energies, strict=True)],
        ignore_index=True,
    )  # fmt: skip
    fig = plots.energy_breakdown_figure(both, "energy by component: A vs B")
    return [*written, str(plots.save(fig, out / "compare_energy.png"))]
