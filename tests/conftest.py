"""Shared fixtures: paths of the shipped configs."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"


@pytest.fixture
def tiny_config_path() -> Path:
    return CONFIGS / "tiny.yaml"
