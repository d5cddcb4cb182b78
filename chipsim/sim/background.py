"""Calls held, then run in order in one worker thread while the caller goes on.

The chip simulation hands the run recorder's bookkeeping to one (:mod:`chipsim.sim.driver`):
those calls hold the GIL, but the NoC engine releases it for its whole cycle loop, so the
driver releases the calls of a tick just before it advances the NoC, and they run beside
the NoC on the other core (not beside the kernels, whose threads take both cores).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class Background:
    """Calls given to :meth:`call` are held until :meth:`release`, then run in their order in
    one worker thread. An error in one is raised here, at a later ``release`` or at
    :meth:`wait` (the calls released with it that come after it do not run)."""

    def __init__(self) -> None:
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="chipsim-background")
        self._held: list[tuple[Callable[..., object], tuple]] = []
        self._running: deque[Future] = deque()

    def call(self, fn: Callable[..., object], *args: object) -> None:
        """Hold ``fn(*args)`` (``args`` must not change until it has run)."""
        self._held.append((fn, args))

    def release(self) -> None:
        """Start the held calls in the worker, after those released before."""
        while self._running and self._running[0].done():
            self._running.popleft().result()
        if self._held:
            calls, self._held = self._held, []
            self._running.append(self._worker.submit(_run_all, calls))

    def wait(self) -> None:
        """Release the held calls and return when every call has run (raising the first
        error)."""
        self.release()
        while self._running:
            self._running.popleft().result()

    def close(self) -> None:
        """Drop the calls not started, wait for the ones running, stop the thread."""
        self._held.clear()
        self._running.clear()
        self._worker.shutdown(wait=True, cancel_futures=True)


def _run_all(calls: list[tuple[Callable[..., object], tuple]]) -> None:
    for fn, args in calls:
        fn(*args)
