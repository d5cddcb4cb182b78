"""Layout of a mapped network: synaptic matrices hold exactly the synapses, SRAM then DRAM."""

from pathlib import Path

import numpy as np
import pytest

from chipsim.config import load_config
from chipsim.mapping.layout import KEY_INDEX_BITS
from chipsim.mapping.mapper import map_network
from chipsim.network import Network, generate

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def _matrices(mapping):
    """(slice, SynapticMatrix, Sram) of every neuron slice."""
    pairs = [
        (s, m) for g in mapping.program.groups for s, m in zip(g.layout.slices,
                                                               getattr(g, "matrices", ()),
                                                               strict=False)
    ]  # fmt: skip
    return [(s, m, sram) for (s, m), sram in zip(pairs, mapping.program.sram, strict=True)]


@pytest.mark.parametrize(
    ("config", "params"),
    [("tiny", {"n_neurons": 300, "fanin": 40, "inputs": 20, "delay_max": 5}),
     ("spinnaker2", {"n_neurons": 3000, "fanin": 100, "delay_max": 15})],
)  # fmt: skip
def test_matrices_hold_exactly_the_synapses_of_each_slice(config: str, params: dict) -> None:
    """Decoding each PE's table and rows gives back its synapses: source id, target id, delay
    and type (weights quantised, checked apart)."""
    mapping = map_network(load_config(CONFIGS / f"{config}.yaml"),
                          generate("random_balanced", params), seed=2)  # fmt: skip
    conns, slices = mapping.program.net.connections, mapping.program.slices
    post_slice = slices.of_neurons(conns.post)
    for s, matrix, _ in _matrices(mapping):
        key, post, _weight, delay, syn_type = matrix.connections()
        pre = slices.first[key >> KEY_INDEX_BITS] + (key & ((1 << KEY_INDEX_BITS) - 1))
        got = np.stack([pre, post + slices.first[s], delay, syn_type])
        mine = post_slice == s
        want = np.stack([conns.pre[mine], conns.post[mine], conns.delay[mine],
                         conns.weight[mine] < 0])  # fmt: skip
        assert got.shape == want.shape
        assert (np.unique(got, axis=1) == np.unique(want, axis=1)).all()


def test_rows_fill_sram_first_then_dram() -> None:
    """Blocks go to SRAM in table order while they fit the SRAM left; the first block in DRAM
    would not have fitted; allocations add up to at most the PE's SRAM."""
    config = load_config(CONFIGS / "spinnaker2.yaml")
    mapping = map_network(config, generate("random_balanced", {"n_neurons": 3000, "fanin": 100}))
    spilled = 0
    for _, matrix, sram in _matrices(mapping):
        rows = sram.regions["synaptic_rows"].nbytes
        budget = rows + sram.free_bytes
        blocks, in_dram = matrix.block_bytes(), matrix.in_dram
        assert rows == blocks[~in_dram].sum() and sram.used_bytes <= config.pe.sram_bytes
        assert (np.diff(in_dram.astype(int)) >= 0).all()  # SRAM blocks, then DRAM blocks
        if in_dram.any():
            spilled += 1
            assert rows + blocks[in_dram][0] > budget
    assert spilled > 0  # the case exercises DRAM


def _one_synapse() -> Network:
    return Network.model_validate({
        "name": "one",
        "populations": [{"name": "a", "size": 1, "model": "spike_array", "spikes": [(0, 0)]},
                        {"name": "b", "size": 1, "model": "lif_fixed"}],
        "projections": [{"pre": "a", "post": "b", "connector": {"kind": "one_to_one"},
                         "weight": 1.0}],
    })  # fmt: skip


@pytest.mark.parametrize(("sram_bytes", "dram_bytes"), [(128, 0), (127, 16)])
def test_a_row_that_exactly_fills_sram_stays_in_sram(sram_bytes: int, dram_bytes: int) -> None:
    """tiny PE, one neuron: 32 B state + 64 B ring buffers + 16 B table entry + one 16-B row.
    With 128 B of SRAM the row fits exactly (it was refused before the master population table
    stopped being counted twice); with 127 B it goes to DRAM."""
    config = load_config(CONFIGS / "tiny.yaml", [f"pe.sram_bytes={sram_bytes}"])
    ((_, matrix, sram),) = _matrices(map_network(config, _one_synapse()))
    assert matrix.dram_bytes() == dram_bytes
    assert sram.used_bytes == 128 - dram_bytes
