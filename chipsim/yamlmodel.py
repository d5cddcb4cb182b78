"""Load a pydantic model from a YAML file, apply dotted-path overrides, explain errors.

Chip configs, networks, workloads and sweeps are all read this way. Every failure raises the
caller's :class:`~chipsim.errors.UserError` subclass with one message naming the file, the key
path (with the YAML line where there is one, or the override that set it) and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from chipsim.errors import UserError

KeyPath = tuple[str | int, ...]
Model = TypeVar("Model", bound=BaseModel)


def load_yaml_model(
    path: str | Path,
    model: type[Model],
    overrides: Sequence[str] = (),
    error: type[UserError] = UserError,
) -> Model:
    """Read ``path``, apply ``overrides`` (``"noc.buffer_depth=8"``), validate as ``model``.

    Raises
    ------
    error
        Missing file, YAML syntax error, unknown key, wrong type or impossible value.
    """
    path = Path(path)
    text = _read_text(path, error)
    try:
        root_node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"{path}{where}: YAML syntax error: {problem}") from None
    if not isinstance(raw, dict):
        keys = ", ".join(model.model_fields)
        raise error(f"{path}: expected a mapping with keys {keys}")
    overridden = {}
    for override in overrides:
        try:
            key_path, value = parse_override(override)
            set_by_path(raw, key_path, value, source=f"override {override!r}")
        except UserError as exc:
            raise error(str(exc)) from None
        overridden[key_path] = override
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise error(explain_validation_error(exc, path, model, root_node, overridden)) from None


def parse_override(text: str) -> tuple[KeyPath, Any]:
    """Split ``"noc.buffer_depth=8"`` into (("noc", "buffer_depth"), 8); the value is YAML."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UserError(f"override {text!r}: expected KEY.PATH=VALUE, e.g. noc.buffer_depth=8")
    try:
        parsed = yaml.safe_load(value) if value.strip() else None
    except yaml.YAMLError:
        raise UserError(f"override {text!r}: the value is not valid YAML") from None
    parts = tuple(key.strip().split("."))
    if any(not part for part in parts):
        raise UserError(f"override {text!r}: empty component in key path {key!r}")
    return parts, parsed


def set_by_path(raw: dict, key_path: KeyPath, value: Any, source: str) -> None:
    """Set ``raw[a][b]... = value``, creating mappings on the way; never descend into values.

    A numeric component indexes a list (``chip.operating_points.0.frequency_hz``).
    """
    node: Any = raw
    for i, part in enumerate(key_path):
        where = ".".join(map(str, key_path[: i + 1]))
        last = i == len(key_path) - 1
        if isinstance(node, list):
            if not str(part).isdigit() or int(part) >= len(node):
                raise UserError(f"{source}: {where}: no item {part} in a list of {len(node)}")
            part = int(part)
        elif not isinstance(node, dict):
            raise UserError(
                f"{source}: {'.'.join(map(str, key_path[:i]))} is a value, not a section"
            )
        if last:
            node[part] = value
        else:
            if isinstance(node, dict):
                node.setdefault(part, {})
            node = node[part]


def explain_validation_error(
    exc: ValidationError,
    path: Path,
    model: type[BaseModel],
    root_node: yaml.Node | None,
    overridden: dict[KeyPath, str],
) -> str:
    """One message, a line per problem: file, key path, line or override, what was expected."""
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        key = ".".join(map(str, loc)) or "(top level)"
        origin = _origin(loc, root_node, overridden)
        if error["type"] == "extra_forbidden":
            known = ", ".join(_known_keys(model, loc[:-1])) or "none"
            what = f"unknown key; expected one of: {known}"
        elif error["type"] == "missing":
            what = "missing required key"
        else:
            message = error["msg"].removeprefix("Value error, ")
            what = f"{message} (got {error['input']!r})" if _is_scalar(error["input"]) else message
        lines.append(f"{path}: {key}{origin}: {what}")
    return "\n".join(lines)


def _read_text(path: Path, error: type[UserError]) -> str:
    try:
        return path.read_text()
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the file ({exc.__class__.__name__})") from None


def _origin(loc: KeyPath, root_node: yaml.Node | None, overridden: dict[KeyPath, str]) -> str:
    for key_path, text in overridden.items():
        if loc[: len(key_path)] == key_path:
            return f" (set by -s {text})"
    line = _line_of(root_node, loc)
    return f" (line {line})" if line else ""


def _line_of(node: yaml.Node | None, loc: Iterable[str | int]) -> int | None:
    """1-based line of the deepest YAML node on ``loc`` that exists in the file."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _known_keys(model: type[BaseModel], loc: KeyPath) -> list[str]:
    """Field names of the model found at ``loc`` (skipping list indices), for error messages."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(current.model_fields) if _is_model(current) else []


def _model_in(annotation: Any) -> Any:
    """The BaseModel class inside an annotation such as ``X``, ``list[X]`` or ``X | None``."""
    if _is_model(annotation):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool)) or value is None
