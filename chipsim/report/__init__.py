"""Reports of run directories: tables, figures, comparisons and timelines (read-only)."""

from chipsim.report.build import write_report
from chipsim.report.compare import compare_runs
from chipsim.report.rundata import RunData, load_run

__all__ = ["RunData", "compare_runs", "load_run", "write_report"]
