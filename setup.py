"""Declares chipsim's Cython extensions; metadata lives in pyproject.toml.

Every ``*.pyx`` under ``cores/`` and ``noc/`` becomes an extension module of the same dotted
name; the C headers (``*.h``) in its folder are its dependencies (a change rebuilds it). A
kernel that fails to compile fails the install: there is no fallback to slow Python. Set
``CHIPSIM_DEBUG_KERNELS=1`` to build with bounds and wraparound checks on.
"""

import os
from pathlib import Path

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

KERNEL_PACKAGES = ("cores", "noc")
DEBUG = os.environ.get("CHIPSIM_DEBUG_KERNELS") == "1"


# modules compiled with gcc's default inlining limit (# perf: with the higher one, the NoC's
# flight loop inlines its rare paths and spills its hot one: 150 -> 100 instructions a hop)
DEFAULT_INLINING = {"noc._flight"}
# modules whose inline functions (``cdef inline``, and Cython's own: all that Cython marks
# CYTHON_INLINE) gcc and clang must inline (# perf: the NoC's dense router cycle inlined
# into its loop over the routers due: +2-3 % flit-hops/s CPU on the 8x8 benchmark, -1.2 %
# instructions; gcc's size limits had kept it a call)
ALWAYS_INLINE = {"noc._fused"}


def kernel_extensions() -> list[Extension]:
    """One Extension per .pyx file in the kernel packages, compiled with -O3 and, except
    ``DEFAULT_INLINING``, a higher inlining limit (# perf: the NoC's link traversal inlines
    into its router cycle again: +5 % flit-hops/s CPU on the 8x8 benchmark, +5-10 % on the
    64x64 windows and the TrueNorth traffic; gcc's flag, which clang accepts and ignores)."""
    extensions = []
    for package in KERNEL_PACKAGES:
        for pyx in sorted(Path(package).rglob("*.pyx")):
            module = ".".join(pyx.with_suffix("").parts)
            extensions.append(
                Extension(
                    module,
                    [str(pyx)],
                    depends=[str(h) for h in sorted(pyx.parent.glob("*.h"))],
                    include_dirs=[numpy.get_include()],
                    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")]
                    + (
                        [("CYTHON_INLINE", "inline __attribute__((always_inline))")]
                        if module in ALWAYS_INLINE
                        else []
                    ),
                    extra_compile_args=["-O3"]
                    + ([] if module in DEFAULT_INLINING else ["-finline-limit=1000"]),
                )
            )
    return extensions


setup(
    ext_modules=cythonize(
        kernel_extensions(),
        compiler_directives={
            "language_level": 3,
            "boundscheck": DEBUG,
            "wraparound": DEBUG,
            "cdivision": True,
            "initializedcheck": DEBUG,
        },
    ),
)
