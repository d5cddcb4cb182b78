"""Clock-domain conversions (design.md, decision 1).

Simulated time is an integer count of reference-clock cycles. ``c`` cycles of a unit running at
``f`` Hz take ``ceil(c * clock_hz / f)`` reference cycles; a reference-cycle instant seen from a
unit's clock is the first unit cycle at or after it.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np


class ClockDomain:
    """A unit's clock (PE at its operating point, or the NoC) against the reference clock.

    The ratio ``clock_hz / f`` is kept as an exact fraction ``num / den`` so that conversions
    are exact integer arithmetic for the round frequencies chips use.
    """

    def __init__(self, reference_hz: float, unit_hz: float) -> None:
        ratio = Fraction(reference_hz).limit_denominator(10**9) / Fraction(
            unit_hz
        ).limit_denominator(10**9)
        self.num = ratio.numerator
        self.den = ratio.denominator

    def to_reference(self, unit_cycles: np.ndarray | int) -> np.ndarray | int:
        """Reference cycles that ``unit_cycles`` of this unit take: ceil(c * num / den)."""
        out = scaled_up(np.asarray(unit_cycles, dtype=np.int64), self.num, self.den)
        return int(out) if out.ndim == 0 else out

    def from_reference(self, reference_cycles: np.ndarray | int) -> np.ndarray | int:
        """First unit cycle at or after a reference-cycle instant: ceil(r * den / num)."""
        out = scaled_up(np.asarray(reference_cycles, dtype=np.int64), self.den, self.num)
        return int(out) if out.ndim == 0 else out


class UnitClocks:
    """One clock per unit (a PE at its DVFS operating point) against the reference clock.

    The vector form of :class:`ClockDomain`: unit ``u`` runs at ``unit_hz[u]``; conversions take
    the unit of each value (values and units: arrays of one shape).
    """

    def __init__(self, reference_hz: float, unit_hz: np.ndarray) -> None:
        domains = {f: ClockDomain(reference_hz, f) for f in np.unique(unit_hz).tolist()}
        self.num = np.array([domains[f].num for f in np.asarray(unit_hz).tolist()], np.int64)
        self.den = np.array([domains[f].den for f in np.asarray(unit_hz).tolist()], np.int64)
        self.uniform = len(domains) == 1
        """Every unit runs at one frequency (# perf: conversions skip two gathers per value)."""

    def to_reference(self, unit_cycles: np.ndarray, unit: np.ndarray) -> np.ndarray:
        """Reference cycles of ``unit_cycles`` of each ``unit``: ceil(c * num / den)."""
        num, den = self._ratio(unit)
        return scaled_up(np.asarray(unit_cycles, dtype=np.int64), num, den)

    def from_reference(self, reference_cycles: np.ndarray, unit: np.ndarray) -> np.ndarray:
        """First cycle of each ``unit`` at or after each reference instant."""
        num, den = self._ratio(unit)
        return scaled_up(np.asarray(reference_cycles, dtype=np.int64), den, num)

    def _ratio(self, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(num, den) of each ``unit``, or the one shared (scalars) when all units share one."""
        if self.uniform:
            return self.num[0], self.den[0]
        return self.num[unit], self.den[unit]

    def all_from_reference(self, reference_cycle: int) -> np.ndarray:
        """The first cycle of every unit at or after one reference instant."""
        return scaled_up(np.int64(reference_cycle), self.den, self.num)


def scaled_up(x: np.ndarray, mul: np.ndarray | int, div: np.ndarray | int) -> np.ndarray:
    """ceil(x * mul / div) of int64 ``x`` (a new array) for positive integer ``mul`` and ``div``,
    scalars or arrays of x's shape.

    # perf: for a scalar ``div`` that is a power of two, a shift; for 1, none: NumPy's int64
    floor division costs ~1.7 ns a value, 0.1 ms for the ~60,000 arrivals of a SpiNNaker2-like
    tick, whose PE clock is a quarter of the reference clock. In place on the one new array:
    a temporary of 4 MiB or more (a burst's half million arrivals) is a fresh allocation
    whose pages fault in, 3.7 -> 0.2 ms for 500,000 values.
    """
    y = np.asarray(x * mul)  # (an array also for a 0-d x, for the in-place steps)
    if np.ndim(div) == 0 and int(div) & (int(div) - 1) == 0:  # 1, 2, 4, ...
        shift = int(div).bit_length() - 1
        if shift:
            y += int(div) - 1
            y >>= shift
        return y
    np.negative(y, out=y)
    y //= div
    return np.negative(y, out=y)
