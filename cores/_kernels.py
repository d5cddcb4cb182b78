"""Imports the compiled kernels, with an ImportError that says how to build them."""

from __future__ import annotations

import importlib
from types import ModuleType


def load_kernel(name: str) -> ModuleType:
    """Import ``cores.<name>`` (a compiled Cython module) or explain how to build it."""
    try:
        return importlib.import_module(f"cores.{name}")
    except ImportError as err:
        raise ImportError(
            f"the compiled kernel cores.{name} is missing: build the extensions with "
            "`pip install -e .` (or `python setup.py build_ext --inplace`)"
        ) from err
