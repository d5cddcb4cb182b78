"""The sweep file model: grid expansion, points, seeds, stable point ids, override splitting."""

import hashlib

import pytest

from chipsim.sweep.spec import (
    Point,
    SweepError,
    SweepSpec,
    expand_points,
    load_sweep,
    split_overrides,
)

BASE = {"config": "tiny.yaml", "workload": {"generator": {"name": "synfire"}}}


def spec(**keys) -> SweepSpec:
    return SweepSpec.model_validate({**BASE, **keys})


def test_grid_is_the_cartesian_product() -> None:
    """A grid of 3 x 2 values gives the 6 combinations, last key fastest."""
    points = expand_points(spec(grid={"noc.buffer_depth": [1, 2, 4], "placer": ["a", "b"]}))
    assert [dict(p.overrides) for p in points] == [
        {"noc.buffer_depth": d, "placer": pl} for d in (1, 2, 4) for pl in ("a", "b")
    ]
    assert {p.seed for p in points} == {0}


def test_points_are_crossed_with_the_grid_and_seeds() -> None:
    """Each listed point runs with every grid combination and every seed."""
    s = spec(points=[{"topology.width": 2}, {"topology.width": 3}],
             grid={"placer": ["a", "b"]}, seeds=[5, 6])  # fmt: skip
    points = expand_points(s)
    assert len(points) == 2 * 2 * 2
    assert [p.seed for p in points[:2]] == [5, 6]
    assert dict(points[-1].overrides) == {"topology.width": 3, "placer": "b"}
    assert s.parameters() == ["topology.width", "placer"]


def test_default_seed_is_the_workloads() -> None:
    """Without `seeds`, every point runs with the seed given (the workload's)."""
    assert {p.seed for p in expand_points(spec(grid={"placer": ["a"]}), default_seed=7)} == {7}


def test_point_id_is_stable() -> None:
    """The id is SHA-256 of the sorted overrides and seed as JSON: independent of key order."""
    a = Point((("noc.buffer_depth", 4), ("placer", "random")), seed=1)
    b = Point((("placer", "random"), ("noc.buffer_depth", 4)), seed=1)
    text = '[[["noc.buffer_depth", 4], ["placer", "random"]], 1]'
    assert a.id == b.id == hashlib.sha256(text.encode()).hexdigest()[:12] == "60b68c374fb0"


def test_point_id_differs_by_value_and_seed() -> None:
    """Different values or seeds give different ids (so different run folders)."""
    ids = {Point((("noc.buffer_depth", d),), seed=s).id for d in (2, 4) for s in (0, 1)}
    assert len(ids) == 4


def test_key_in_grid_and_points_is_refused(tmp_path) -> None:
    """A key both swept by the grid and set by a point is an error naming the key."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "config: tiny.yaml\nworkload: {generator: {name: synfire}}\n"
        "grid: {placer: [a]}\npoints: [{placer: b}]\n"
    )
    with pytest.raises(SweepError, match="points.0 sets placer"):
        load_sweep(path)


def test_sweep_without_grid_or_points_is_refused(tmp_path) -> None:
    """A sweep must sweep something."""
    path = tmp_path / "s.yaml"
    path.write_text("config: tiny.yaml\nworkload: {generator: {name: synfire}}\n")
    with pytest.raises(SweepError, match="give a 'grid'"):
        load_sweep(path)


def test_split_overrides_routes_placer_and_workload_keys() -> None:
    """Config keys, workload keys (params shorthand) and the placer go their own ways."""
    config, workload, placer = split_overrides(
        {"noc.buffer_depth": 8, "workload.params.rate_hz": 20.0, "workload.ticks": 5,
         "placer": "locality", "chip.default_operating_point": "low"}
    )  # fmt: skip
    assert config == ["noc.buffer_depth=8", 'chip.default_operating_point="low"']
    assert workload == ["generator.params.rate_hz=20.0", "ticks=5"]
    assert placer == "locality"
