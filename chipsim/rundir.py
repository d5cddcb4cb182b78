"""Run directories, written atomically, with provenance (design.md, decision 9).

Results are built in a hidden staging folder beside the final one and published with one
rename when the run completes. A crash or Ctrl-C removes the staging folder, so a directory that
exists under the final name is always complete.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import yaml

import chipsim
from chipsim.errors import UserError
from cores import simd_paths


class RunDirectory:
    """Context manager: ``with RunDirectory(out) as run: write into run.path``.

    Parameters
    ----------
    final : where the results appear on success
    overwrite : replace an existing ``final``; otherwise an existing, non-empty one is an error
    """

    def __init__(self, final: str | Path, overwrite: bool = False) -> None:
        self.final = Path(final)
        self.overwrite = overwrite
        self.path = self.final.parent / f".{self.final.name}.partial-{os.getpid()}"

    def __enter__(self) -> RunDirectory:
        if self.final.exists() and any(self.final.iterdir()) and not self.overwrite:
            raise UserError(f"{self.final}: exists and is not empty (choose another --out)")
        self.final.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        old = self.final.parent / f".{self.final.name}.old-{os.getpid()}"
        if self.final.exists():
            self.final.rename(old)
        self.path.rename(self.final)
        shutil.rmtree(old, ignore_errors=True)

    def write_json(self, name: str, data: Any) -> Path:
        target = self.path / name
        target.write_text(json.dumps(data, indent=2, sort_keys=True, default=_json_default) + "\n")
        return target

    def write_yaml(self, name: str, data: Any) -> Path:
        target = self.path / name
        target.write_text(yaml.safe_dump(data, sort_keys=False))
        return target


def provenance(seed: int | None, started: float, argv: list[str] | None = None) -> dict[str, Any]:
    """Who made a run and how: version, git commit, command line, seed, machine, the kernels'
    SIMD paths (speed only: every path gives the same results), wall time (s)."""
    return {
        "chipsim_version": chipsim.__version__,
        "git_commit": _git_commit(),
        "command": list(sys.argv if argv is None else argv),
        "seed": seed,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "host": platform.node(),
        "machine": platform.machine(),
        "simd_paths": simd_paths(),
        "started_utc": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "wall_time_s": round(time.time() - started, 3),
    }


def _git_commit() -> str:
    """HEAD of the checkout chipsim was imported from (with '-dirty'), or 'unknown'."""
    source = Path(chipsim.__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}-dirty" if dirty else head


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
