"""Executors: local worker processes stop at once on Ctrl-C."""

import time

import pytest

from chipsim.sweep.executors import completed, open_executor


def test_interrupt_ends_local_workers_at_once() -> None:
    """Ctrl-C in the sweep ends the worker processes, not after their queued tasks."""
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), open_executor(workers=2) as pool:
        futures = [pool.submit(time.sleep, 30) for _ in range(4)]
        while not any(f.running() for f in futures):
            time.sleep(0.05)
        processes = list(pool._processes.values())
        raise KeyboardInterrupt
    deadline = time.monotonic() + 15
    for process in processes:  # the pool's own thread may reap a worker first: poll, not join
        while process.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not process.is_alive(), (process.pid, process.exitcode)
    assert time.monotonic() - started < 25  # the queued sleeps alone would take 60 s


def test_one_worker_runs_in_this_process() -> None:
    """`workers=1` runs each task here, in order, and yields (task, result) pairs."""
    with open_executor(workers=1) as executor:
        assert executor is None
        assert list(completed(executor, lambda x: x * x, [1, 2, 3])) == [(1, 1), (2, 4), (3, 9)]
