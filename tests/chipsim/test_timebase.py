"""Clock conversions are exact ceilings (decision 1)."""

import numpy as np

from chipsim.timebase import ClockDomain


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
