"""The report's figures, one module per family; each function returns a matplotlib Figure."""

from chipsim.report.plots.activity import busy_per_tick_figure, raster_figure, sample_spikes
from chipsim.report.plots.e2e import e2e_latency_figure
from chipsim.report.plots.energy import energy_breakdown_figure
from chipsim.report.plots.floorplan import floorplan_image, pe_energy_figure, pe_heatmaps_figure
from chipsim.report.plots.noc import latency_figure, link_load_figure
from chipsim.report.plots.style import save

__all__ = [
    "busy_per_tick_figure",
    "e2e_latency_figure",
    "energy_breakdown_figure",
    "floorplan_image",
    "latency_figure",
    "link_load_figure",
    "pe_energy_figure",
    "pe_heatmaps_figure",
    "raster_figure",
    "sample_spikes",
    "save",
]
