"""A sweep on a Dask distributed cluster gives the table of the local runner."""

import pandas as pd
import pytest

from chipsim.sweep import SweepError, run_sweep

distributed = pytest.importorskip("distributed")

MACHINE_DEPENDENT = ["wall_time_s", "ticks_per_s", "real_time_factor", "simulation_cpu_s"]


def test_dask_local_cluster_gives_the_local_table(write_sweep, tmp_path) -> None:
    """Same rows, same figures (wall time aside) on a Dask LocalCluster as in-process."""
    path = write_sweep(grid={"noc.buffer_depth": [1, 4], "placer": ["sequential", "random"]},
                       seeds=[0, 1])  # fmt: skip
    local = run_sweep(path, tmp_path / "local", workers=1).table
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:  # fmt: skip
        result = run_sweep(path, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert result.ran == 8 and set(result.table["status"]) == {"ok"}
    pd.testing.assert_frame_equal(local.drop(columns=MACHINE_DEPENDENT),
                                  result.table.drop(columns=MACHINE_DEPENDENT))  # fmt: skip


def test_unreachable_scheduler_is_a_clear_error(write_sweep, tmp_path, monkeypatch) -> None:
    """A scheduler address nobody answers fails with a message naming it."""
    monkeypatch.setattr("chipsim.sweep.executors.DASK_CONNECT_TIMEOUT_S", 1)
    path = write_sweep(grid={"noc.buffer_depth": [4]})
    with pytest.raises(SweepError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_sweep(path, tmp_path / "out", scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "out").exists()
