"""Validation errors at the key paths of the file, so that YAML messages name the key and line.

Pydantic puts the tag of a union member into an error's location (``populations.0.poisson.
rate_hz``, ``delay.int``), a path that names no key of the file. The network description
therefore parses its unions itself with :func:`parse_member` and reports problems that span
several keys with :func:`fail`, both raising :class:`pydantic.ValidationError` whose locations
are the keys as written (pydantic prefixes the location of the enclosing field).
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class Spec(BaseModel):
    """Base of every description model: unknown keys refused, instances immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def is_number(value: Any) -> bool:
    """True for a finite int or float (not a bool, inf or nan)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def issue(loc: Loc, message: str, value: Any, kind: str = "invalid_network") -> InitErrorDetails:
    """One error at ``loc`` (relative to the model being validated) with ``message``."""
    return {
        "type": PydanticCustomError(kind, "{message}", {"message": message}),
        "loc": loc,
        "input": value,
    }


def fail(title: str, issues: list[InitErrorDetails]) -> None:
    """Raise all ``issues`` as one ValidationError (nothing when the list is empty)."""
    if issues:
        raise ValidationError.from_exception_data(title, issues)


def parse_member(cls: type[M], value: Any, loc: Loc = ()) -> tuple[M | None, list]:
    """Validate ``value`` as ``cls``: (the instance, []) or (None, errors located under ``loc``).

    An unknown key directly in ``value`` is reported with the keys ``cls`` knows.
    """
    if isinstance(value, cls):
        return value, []
    try:
        return cls.model_validate(value), []
    except ValidationError as exc:
        return None, [_relocate(error, loc, cls) for error in exc.errors()]


def _relocate(error: Any, loc: Loc, cls: type[BaseModel]) -> InitErrorDetails:
    where = loc + tuple(error["loc"])
    if error["type"] == "extra_forbidden" and len(error["loc"]) == 1:
        known = ", ".join(cls.model_fields)
        return issue(where, f"unknown key; expected one of: {known}", error["input"], "unknown_key")
    message = error["msg"].removeprefix("Value error, ")
    return issue(where, message, error["input"], error["type"])
