"""Clock conversions are exact ceilings (decision 1)."""

import math
from fractions import Fraction

import numpy as np
import pytest

from chipsim.timebase import ClockDomain, UnitClocks, scaled_up


def test_pe_at_150mhz_on_1200mhz_reference() -> None:
    """A 150 MHz cycle is 8 reference cycles at 1.2 GHz."""
    clock = ClockDomain(1.2e9, 150e6)
    assert clock.to_reference(3) == 24
    assert clock.from_reference(17) == 3  # ceil(17 / 8)


def test_ceiling_for_non_integer_ratio() -> None:
    """3 cycles of a 400 MHz unit on a 1 GHz reference take ceil(7.5) = 8 cycles."""
    clock = ClockDomain(1e9, 400e6)
    assert clock.to_reference(3) == 8
    np.testing.assert_array_equal(clock.to_reference(np.array([0, 1, 2])), [0, 3, 5])


def test_round_trip_never_goes_back_in_time() -> None:
    """Converting to a unit clock and back lands at or after the starting instant."""
    clock = ClockDomain(1.2e9, 400e6)
    r = np.arange(0, 1000, dtype=np.int64)
    assert np.all(clock.to_reference(clock.from_reference(r)) >= r)


@pytest.mark.parametrize("mul, div", [(1, 1), (3, 1), (1, 4), (5, 8), (2, 3), (7, 12)])
def test_scaled_up_is_the_exact_ceiling(mul: int, div: int) -> None:
    """ceil(x * mul / div), negative x too, as exact fractions give it; shifts for powers of
    two and the division otherwise agree; the result is a new array."""
    x = np.arange(-50, 50, dtype=np.int64)
    want = [math.ceil(Fraction(int(v) * mul, div)) for v in x]
    out = scaled_up(x, mul, div)
    np.testing.assert_array_equal(out, want)
    assert out is not x and not np.shares_memory(out, x)


def test_scaled_up_with_a_ratio_per_value() -> None:
    x, mul, div = np.array([7, 7, -7]), np.array([1, 3, 2]), np.array([4, 2, 3])
    np.testing.assert_array_equal(scaled_up(x, mul, div), [2, 11, -4])


def test_every_unit_from_one_reference_instant() -> None:
    """``all_from_reference`` gives each unit's ``from_reference`` of one instant (units at
    400, 250 and 1000 MHz on a 1 GHz reference: ceilings of 17 * 2/5, 17/4, 17)."""
    clocks = UnitClocks(1e9, np.array([400e6, 250e6, 1e9]))
    units = np.arange(3)
    np.testing.assert_array_equal(clocks.all_from_reference(17), [7, 5, 17])
    np.testing.assert_array_equal(
        clocks.all_from_reference(17), clocks.from_reference(np.full(3, 17), units)
    )
