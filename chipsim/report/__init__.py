"""Reports of run directories: tables, figures, comparisons and timelines.

Everything here reads a run directory only (style.md, "Statistics and results"), except
:mod:`chipsim.report.timeline`, which the driver fills while it simulates the chosen ticks.
Modules: :mod:`~chipsim.report.rundata` (reading), :mod:`~chipsim.report.tables`,
:mod:`~chipsim.report.plots`, :mod:`~chipsim.report.build` (``chipsim report``),
:mod:`~chipsim.report.compare` (``chipsim compare``), :mod:`~chipsim.report.energy`.
"""
