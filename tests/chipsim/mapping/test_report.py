"""Mapping report tables: a hand-checked case and consistency with the mapper and placers."""

from pathlib import Path

import numpy as np
import pytest

from chipsim.config import load_config
from chipsim.mapping.mapper import map_network, slice_traffic
from chipsim.mapping.placement import hop_weighted_traffic
from chipsim.mapping.report import SRAM_STRUCTURES, mapping_report
from chipsim.network import Network, generate

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def _one_synapse_network() -> Network:
    """Five populations of one neuron each; only a -> e is connected."""
    populations = [{"name": "a", "size": 1, "model": "spike_array", "spikes": [(0, 0)]}]
    populations += [{"name": n, "size": 1, "model": "lif_fixed"} for n in "bcde"]
    projection = {"pre": "a", "post": "e", "connector": {"kind": "all_to_all"}, "weight": 1.0}
    return Network.model_validate(
        {"name": "one", "populations": populations, "projections": [projection]}
    )


def test_hand_checked_one_synapse_on_tiny() -> None:
    """Slice a on PE 0 at (0, 0), slice e on PE 4 at (0, 1): figures worked out by hand."""
    report = mapping_report(map_network(load_config(CONFIGS / "tiny.yaml"), _one_synapse_network()))
    pes = report.pes.set_index("pe")
    assert pes.used.tolist() == [True] * 5 + [False] * 3
    assert pes.population[:5].tolist() == list("abcde")
    assert pes.loc[4, ["x", "y", "synapses"]].tolist() == [0, 1, 1]
    # tiny: 32 B state + 2 types x 16 slots x 2 B ring, one 16-B table entry, and one row of
    # a 3-word header and 1 synaptic word (16 B) in SRAM
    assert pes.loc[4, [f"sram_{s}_bytes" for s in SRAM_STRUCTURES]].tolist() == [32, 64, 16, 16]
    assert pes.loc[4, "sram_bytes"] == 128 and pes.loc[4, "dram_bytes"] == 0
    assert pes.loc[1, "sram_bytes"] == 32 + 64  # a neuron with no input: no table, no rows
    assert pes.loc[0, "sram_bytes"] == 0  # a spike source: the mapper allocates no SRAM
    assert pes.loc[0, ["dest_pes", "dest_pe_hops", "tree_links", "synapse_hops"]].tolist() == [
        1, 1, 1, 1
    ]  # fmt: skip
    assert pes.loc[4, "sram_util"] == pytest.approx(128 / 65536)
    routers = report.routers.set_index("router")
    # an entry where a's packet is injected (router 0, going north) and where it is delivered
    assert routers.entries.tolist() == [1, 0, 1, 0]
    assert routers.trees.tolist() == [1, 0, 1, 0]
    summary = report.summary()
    assert (summary["pes_used"], summary["neurons"], summary["synapses"]) == (5, 5, 1)
    assert (summary["synapse_hops"], summary["packet_hops"]) == (1.0, 1.0)
    assert summary["routing_entries_total"] == 2 and summary["routing_entries_max"] == 1


@pytest.mark.parametrize("placer", ["sequential", "random", "locality"])
def test_synapse_hops_equal_the_placer_cost(placer: str) -> None:
    """The report's synapse-hops are the placers' hop-weighted traffic of the same placement."""
    config = load_config(CONFIGS / "spinnaker2.yaml", ["pe.max_neurons=64"])
    net = generate("random_balanced", {"n_neurons": 2000, "fanin": 20, "inputs": 50})
    mapping = map_network(config, net, seed=3, placer=placer)
    report = mapping_report(mapping)
    traffic = slice_traffic(mapping.program.net, mapping.program.slices)
    cost = hop_weighted_traffic(traffic, mapping.program.pe_of_slice, mapping.pes.xy)
    assert report.summary()["synapse_hops"] == pytest.approx(cost)
    assert report.traffic.synapse_hops.sum() == report.pes.synapse_hops.sum()


def test_sram_columns_add_up_to_what_the_mapper_allocated() -> None:
    """Per PE, the structure columns sum to the SRAM the mapper's allocator used."""
    mapping = map_network(
        load_config(CONFIGS / "tiny.yaml"),
        generate("random_balanced", {"n_neurons": 300, "fanin": 40, "inputs": 20}),
    )
    pes = mapping_report(mapping).pes
    neuron_slices = np.flatnonzero(mapping.program.net.is_neuron()[mapping.program.slices.group])
    used = [memory.used_bytes for memory in mapping.program.sram]
    rows = pes.set_index("slice").loc[neuron_slices]
    assert rows.sram_bytes.tolist() == used
    assert (rows.sram_bytes <= rows.sram_capacity_bytes).all()


def test_router_table_marks_unpopulated_routers() -> None:
    """spinnaker2's two centre routers have no PEs and are marked unpopulated."""
    mapping = map_network(load_config(CONFIGS / "spinnaker2.yaml"), _one_synapse_network())
    routers = mapping_report(mapping).routers
    empty = routers[~routers.populated]
    assert sorted(zip(empty.x, empty.y, strict=True)) == [(3, 2), (4, 2)]
    assert (empty.pes_used == 0).all() and len(routers) == 40


def test_floorplan_images_put_each_pe_in_its_router_sub_cell() -> None:
    """tiny (2 PEs per router: 2 x 1 sub-cells): PE 4 (router (0, 1), port 0) is pixel
    (row 1, column 0); unused PEs 5-7 are NaN; routers count their entries."""
    from chipsim.mapping.floorplan_plot import pe_image, router_image, sub_grid

    report = mapping_report(map_network(load_config(CONFIGS / "tiny.yaml"), _one_synapse_network()))
    assert sub_grid(2) == (2, 1) and sub_grid(4) == (2, 2) and sub_grid(1) == (1, 1)
    image = pe_image(report, "neuron_util")
    assert image.shape == (2, 4)
    assert np.isnan(image[1, 1:]).all() and (image[0] == 1 / 64).all() and image[1, 0] == 1 / 64
    assert np.array_equal(router_image(report), [[1, np.nan], [1, np.nan]], equal_nan=True)


def test_unicast_xy_chip_counts_one_packet_per_destination_pe() -> None:
    """Synfire of 3 x 50 on tiny, XY routing (no tables): stimulus and g0 share router (0, 0),
    g1 and g2 router (1, 0); only g0 -> g1 crosses a link: 2500 synapse-hops, 50 packet-hops."""
    config = load_config(CONFIGS / "tiny.yaml", ["noc.routing=xy"])
    mapping = map_network(config, generate("synfire", {"groups": 3, "group_size": 50}))
    summary = mapping_report(mapping).summary()
    assert mapping.tables is None
    assert (summary["synapse_hops"], summary["packet_hops"]) == (2500.0, 50.0)
    assert summary["routing_entries_total"] == summary["routing_entries_capacity"] == 0
