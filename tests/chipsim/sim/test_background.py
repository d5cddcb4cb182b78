"""The worker thread that runs the recorder's calls: order, held calls, errors."""

import threading

import pytest

from chipsim.sim.background import Background


def test_calls_run_in_order_once_released_and_waited_for():
    seen, background = [], Background()
    for k in range(50):
        background.call(seen.append, k)
        if k % 7 == 0:
            background.release()
    background.wait()
    background.close()
    assert seen == list(range(50))


def test_held_calls_do_not_run_before_release():
    ran, background = threading.Event(), Background()
    background.call(ran.set)
    assert not ran.wait(0.05)
    background.wait()
    assert ran.is_set()
    background.close()


@pytest.mark.parametrize("surfaces_at", ["wait", "a later release"])
def test_an_error_is_raised_in_the_caller(surfaces_at):
    def fail():
        raise RuntimeError("stream broke")

    background = Background()
    background.call(fail)
    if surfaces_at == "a later release":
        background.release()
        background._running[0].exception()  # (let it finish)
    with pytest.raises(RuntimeError, match="stream broke"):
        background.wait() if surfaces_at == "wait" else background.release()
    background.close()


def test_close_drops_what_was_held():
    seen, background = [], Background()
    background.call(seen.append, 1)
    background.close()
    assert seen == []
