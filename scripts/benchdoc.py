"""Shared by the benchmark scripts: the machine's name and docs/benchmarks.md sections."""

from __future__ import annotations

import platform
import re
import subprocess
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def machine() -> str:
    """CPU model (from lscpu), Python version and OS, for the record next to a figure."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = re.search(r"Model name:\s*(.+)", out).group(1).strip()
    except (OSError, subprocess.CalledProcessError, AttributeError):
        model = platform.processor() or "unknown CPU"
    return f"{model}, Python {platform.python_version()}, {platform.system()}"


def replace_section(heading: str, body: str, stop: tuple[str, ...] = ("\n## ",)) -> None:
    """Replace the text under ``## heading`` of docs/benchmarks.md up to the first ``stop``."""
    text = DOC.read_text()
    marker = f"## {heading}\n"
    head = text.index(marker) + len(marker)
    ends = [e for e in (text.find(s, head) for s in stop) if e >= 0]
    end = min(ends) if ends else len(text)
    DOC.write_text(text[:head] + "\n" + body.strip() + "\n" + text[end:])
