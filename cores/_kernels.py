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


def simd_paths() -> dict[str, str]:
    """The SIMD path each kernel that has several takes on this build and CPU: Philox draws
    (``auto``'s pick; the TrueNorth neuron lanes take AVX2 on its avx2 and avx512 paths), the
    s16.15 LIF update and the TrueNorth crossbar's deterministic synapses. A run's provenance
    records them: the results are the same on every path, the speed is not."""
    philox, lif, crossbar = load_kernel("_philox"), load_kernel("_lif"), load_kernel("_crossbar")
    return {
        "philox": philox.available_paths()[0],
        "lif_fixed": "avx512" if lif.fixed_simd_available() else "scalar",
        "crossbar": crossbar.simd_path(),
    }
