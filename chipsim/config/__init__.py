"""Chip configuration: typed models composed from cores/ and noc/ parameters, and the loader."""

from chipsim.config.loader import load_config
from chipsim.config.models import (
    ChipConfig,
    ChipParams,
    EnergyParams,
    LatePacketPolicy,
    MemoryParams,
    OperatingPoint,
    TopologyParams,
)

__all__ = [
    "ChipConfig",
    "ChipParams",
    "EnergyParams",
    "LatePacketPolicy",
    "MemoryParams",
    "OperatingPoint",
    "TopologyParams",
    "load_config",
]
