"""chipsim.heap: the C heap kept for a run (glibc's mallopt)."""

from __future__ import annotations

import ctypes.util
import platform

import pytest

from chipsim import heap


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_glibc_takes_the_settings():
    """On glibc every setting is accepted (mallopt returns 1 for each), and again."""
    assert heap.keep_heap()
    assert heap.keep_heap()


def test_no_c_library_changes_nothing(monkeypatch):
    """Without a C library to load, nothing is tuned and the run goes on."""
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert heap.keep_heap() is False


def test_a_c_library_without_mallopt_changes_nothing(monkeypatch):
    """A C library that has no mallopt (musl, macOS) is left alone."""

    class NoMallopt:
        def __init__(self, name):
            pass

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: "libc.so")
    monkeypatch.setattr(ctypes, "CDLL", NoMallopt)
    assert heap.keep_heap() is False
