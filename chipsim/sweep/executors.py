"""Where sweep points run: local processes, a Dask distributed cluster, or this process.

All three look the same to the runner (design.md, "Scaling out"): a concurrent.futures
``Executor`` (a spawn-context ``ProcessPoolExecutor``, or a Dask ``Client``'s executor), or None
for this process (``--workers 1``, handy under a debugger).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, TypeVar

from chipsim.sweep.spec import SweepError

Task = TypeVar("Task")
DASK_CONNECT_TIMEOUT_S = 20
"""How long to wait for a Dask scheduler to answer, s."""


@contextmanager
def open_executor(
    scheduler: str | None = None, workers: int | None = None
) -> Iterator[Executor | None]:
    """An executor for ``scheduler`` (``tcp://HOST:PORT``), else ``workers`` local processes.

    ``workers=1`` runs points in this process (yields None); ``workers=None`` uses one process
    per CPU. On an exception (Ctrl-C included), points not yet started are cancelled.
    """
    if scheduler is not None:
        if workers is not None:
            raise SweepError("give --workers (local processes) or --scheduler (Dask), not both")
        with _dask_executor(scheduler) as executor:
            yield executor
        return
    if workers == 1:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers or os.cpu_count(), mp_context=context)
    try:
        yield pool
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the worker processes now (Ctrl-C).

    A worker survives a KeyboardInterrupt in its task (the pool reports it as the task's result)
    and would go on with the tasks already queued to it, so the workers are terminated. A point
    cut short leaves only its hidden staging folder, which the next sweep removes.
    """
    processes = list((pool._processes or {}).values())  # public only from Python 3.14 on
    pool.shutdown(wait=False, cancel_futures=True)  # (this forgets the processes)
    for process in processes:
        process.terminate()
    for process in processes:  # one still starting up may miss SIGTERM's handler: kill it
        process.join(timeout=2)
        if process.is_alive():
            process.kill()


@contextmanager
def _dask_executor(scheduler: str) -> Iterator[Executor]:
    try:
        from distributed import Client
    except ImportError:
        raise SweepError(
            "--scheduler needs Dask distributed: pip install 'chipsim[dask]'"
        ) from None
    try:
        client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SweepError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    executor = client.get_executor(pure=False)
    try:
        yield executor
    except BaseException:
        executor.shutdown(wait=False)
        raise
    finally:
        client.close()


def completed(
    executor: Executor | None, fn: Callable[[Task], Any], tasks: Iterable[Task]
) -> Iterator[tuple[Task, Any]]:
    """Run ``fn`` on every task; yield ``(task, result)`` as each finishes (any order).

    A task whose execution itself failed (a worker died, a task could not be sent) yields the
    exception as its result, so one lost point does not end the sweep.
    """
    if executor is None:
        for task in tasks:
            yield task, fn(task)
        return
    futures = {executor.submit(fn, task): task for task in tasks}
    for future in as_completed(futures):
        exc = future.exception()
        yield futures[future], exc if exc is not None else future.result()
