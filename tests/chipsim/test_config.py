"""Chip configs: the shipped ones load; bad input gives one message naming file, key and line."""

from pathlib import Path

import pytest

from chipsim.config import load_config
from chipsim.errors import ConfigError
from noc.params import BlockedPolicy

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
SHIPPED = sorted(p for p in CONFIGS.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_config_loads(path: Path) -> None:
    """Every chip config in configs/ validates and has at least one PE."""
    config = load_config(path)
    assert config.topology.pes > 0


def test_presets_match_published_sizes() -> None:
    """The presets have the published core counts (152 PEs; 4096 cores, 1 M neurons)."""
    spinnaker2 = load_config(CONFIGS / "spinnaker2.yaml")
    truenorth = load_config(CONFIGS / "truenorth.yaml")
    assert spinnaker2.topology.pes == 152
    assert spinnaker2.noc.routing_table_entries == 16384
    assert truenorth.topology.pes == 4096
    assert truenorth.topology.pes * truenorth.pe.max_neurons == 2**20


def write_variant(tmp_path: Path, old: str, new: str) -> Path:
    """Copy tiny.yaml with one text replacement; fail loudly if the text is not there."""
    text = (CONFIGS / "tiny.yaml").read_text()
    assert old in text
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_unknown_key_names_path_line_and_known_keys(tmp_path: Path) -> None:
    """A misspelt key is refused with its dotted path, line and the keys that exist."""
    path = write_variant(tmp_path, "  buffer_depth: 4", "  buffer_dept: 4")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "noc.buffer_dept" in message
    assert f"line {line_of(path, 'buffer_dept')}" in message
    assert "buffer_depth" in message and "unknown key" in message
    assert str(path) in message


def test_wrong_type_names_key_and_value(tmp_path: Path) -> None:
    """A string where a number belongs names the key and shows the value given."""
    path = write_variant(tmp_path, "  max_neurons: 64", "  max_neurons: lots")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "pe.max_neurons" in str(err.value)
    assert "'lots'" in str(err.value)
    assert f"line {line_of(path, 'lots')}" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        (
            "  clock_hz: 1.0e6            # reference",
            "  clock_hz: 0   #",
            "chip.clock_hz",
            "greater than 0",
        ),
        ("  width: 2 ", "  width: 0 ", "topology.width", "greater than 0"),
        ("  sram_bytes: 65536", "  sram_bytes: 16", "pe", "too small to hold one neuron"),
        (
            "  default_operating_point: nominal",
            "  default_operating_point: turbo",
            "chip",
            "'turbo' is not one of",
        ),
        ("  routing: multicast_table", "  routing: random", "noc.routing", "'xy'"),
    ],
    ids=["clock", "zero-width", "sram", "operating-point", "enum"],
)
def test_impossible_value_is_refused(tmp_path, old, new, key, expected) -> None:
    """Impossible values fail with the key path and what was expected."""
    path = write_variant(tmp_path, old, new)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert f"{path}: {key}" in message
    assert expected in message


def test_missing_key_is_named(tmp_path: Path) -> None:
    """A required key that is absent is named as missing."""
    path = write_variant(tmp_path, "    synaptic_event_cycles: 4\n", "")
    with pytest.raises(ConfigError, match=r"pe\.cycle_costs\.synaptic_event_cycles.*missing"):
        load_config(path)


def test_yaml_syntax_error_gives_line(tmp_path: Path) -> None:
    """Broken YAML is reported with its line, not a parser traceback."""
    path = write_variant(tmp_path, "  width: 2 ", "  width: [2 ")
    with pytest.raises(ConfigError, match=r"line \d+.*YAML syntax error"):
        load_config(path)


def test_missing_file(tmp_path: Path) -> None:
    """A config path that does not exist says so."""
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.yaml")


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    """A YAML list instead of sections is refused."""
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(path)


def test_override_changes_value(tiny_config_path: Path) -> None:
    """A dotted-path override replaces the file's value, typed like the file."""
    config = load_config(
        tiny_config_path,
        ["noc.buffer_depth=8", "noc.blocked_policy=drop", "noc.drop_after_cycles=100"],
    )
    assert config.noc.buffer_depth == 8
    assert config.noc.blocked_policy is BlockedPolicy.DROP


def test_override_is_validated(tiny_config_path: Path) -> None:
    """An override with an impossible value names the override."""
    with pytest.raises(ConfigError, match=r"noc\.buffer_depth \(set by -s noc\.buffer_depth=-1\)"):
        load_config(tiny_config_path, ["noc.buffer_depth=-1"])


def test_override_unknown_key(tiny_config_path: Path) -> None:
    """An override of a key that does not exist is an unknown key."""
    with pytest.raises(ConfigError, match=r"noc\.depth .*unknown key"):
        load_config(tiny_config_path, ["noc.depth=3"])


@pytest.mark.parametrize("text", ["noc.buffer_depth", "=3", "noc..depth=3"])
def test_malformed_override(tiny_config_path: Path, text: str) -> None:
    """Overrides without KEY=VALUE form are refused with the expected form."""
    with pytest.raises(ConfigError, match="override"):
        load_config(tiny_config_path, [text])


def test_override_cannot_descend_into_value(tiny_config_path: Path) -> None:
    """Setting a.b where a is a number is refused, not silently replacing a."""
    with pytest.raises(ConfigError, match="is a value, not a section"):
        load_config(tiny_config_path, ["noc.buffer_depth.x=3"])


def test_override_indexes_lists(tiny_config_path: Path) -> None:
    """A numeric component of a key path picks a list item; a missing item is named."""
    config = load_config(tiny_config_path, ["chip.operating_points.0.frequency_hz=4e6"])
    assert config.chip.operating_point.frequency_hz == 4e6
    with pytest.raises(ConfigError, match=r"operating_points\.2: no item 2 in a list of 1"):
        load_config(tiny_config_path, ["chip.operating_points.2.voltage_v=1"])


def test_drop_policy_needs_timeout(tiny_config_path: Path) -> None:
    """blocked_policy drop without drop_after_cycles is refused."""
    with pytest.raises(ConfigError, match="drop_after_cycles"):
        load_config(tiny_config_path, ["noc.blocked_policy=drop"])
