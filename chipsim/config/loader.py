"""Load a chip config from YAML with dotted-path overrides (see :mod:`chipsim.yamlmodel`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from chipsim.config.models import ChipConfig
from chipsim.errors import ConfigError
from chipsim.yamlmodel import load_yaml_model


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> ChipConfig:
    """Read a chip config from ``path``, apply ``overrides`` (``"noc.buffer_depth=8"``), validate.

    Raises
    ------
    ConfigError
        Missing file, YAML syntax error, unknown key, wrong type or impossible value.
    """
    return load_yaml_model(path, ChipConfig, overrides, ConfigError)
