"""SRAM of one PE: capacity and banks from :class:`cores.params.CoreParams`, named allocations,
byte counters for energy.

Structures are placed one after the other from address 0, each aligned to a 32-bit word; a
structure may span banks (bank ``b`` holds bytes ``[b * bank_bytes, (b + 1) * bank_bytes)``,
the last bank taking any remainder). What the PE reads and writes is counted per structure in
bytes (``record_read``/``record_write``); energy is computed from these counts by chipsim.

Typical structures of a SpiNNaker-style PE and their sizes: neuron state and parameters
(``n * CoreParams.neuron_state_bytes``), ring buffers (``cores.ring_buffer.ring_buffer_bytes``),
master population table and SRAM-resident rows (``SynapticMatrix.sram_bytes()``), routing and
lookup data.
"""

from __future__ import annotations

from dataclasses import dataclass

from cores.params import CoreParams

WORD_BYTES = 4


class SramOverflowError(ValueError):
    """A structure does not fit the SRAM that is left on a core (a mapping error)."""


@dataclass(frozen=True)
class SramRegion:
    """One allocated structure: byte offset, size (word aligned) and the banks it spans."""

    name: str
    offset: int
    nbytes: int
    first_bank: int
    last_bank: int


class Sram:
    """The data SRAM of one PE.

    Parameters
    ----------
    core : core id or name, used in error messages.
    capacity_bytes : bytes of data SRAM.
    banks : number of banks (equal size, the last takes the remainder).
    """

    def __init__(self, core: int | str, capacity_bytes: int, banks: int = 1) -> None:
        if capacity_bytes < 1 or banks < 1 or banks > capacity_bytes:
            raise ValueError(
                f"core {core}: need capacity_bytes >= banks >= 1, got {capacity_bytes}, {banks}"
            )
        self.core = core
        self.capacity_bytes = capacity_bytes
        self.banks = banks
        self.bank_bytes = capacity_bytes // banks
        self.regions: dict[str, SramRegion] = {}
        self.read_bytes: dict[str, int] = {}
        self.write_bytes: dict[str, int] = {}
        self._used = 0

    @classmethod
    def from_params(cls, core: int | str, params: CoreParams) -> Sram:
        """The SRAM of a PE as its config describes it."""
        return cls(core, params.sram_bytes, params.sram_banks)

    @property
    def used_bytes(self) -> int:
        """Bytes allocated so far (word aligned)."""
        return self._used

    @property
    def free_bytes(self) -> int:
        """Bytes still free."""
        return self.capacity_bytes - self._used

    def _bank(self, address: int) -> int:
        return min(address // self.bank_bytes, self.banks - 1)

    def allocate(self, name: str, nbytes: int) -> SramRegion:
        """Place structure ``name`` of ``nbytes`` bytes; SramOverflowError if it does not fit."""
        if name in self.regions:
            raise ValueError(f"core {self.core}: structure {name!r} is already allocated")
        if nbytes < 0:
            raise ValueError(f"core {self.core}: {name!r} needs a size >= 0, got {nbytes}")
        aligned = -(-nbytes // WORD_BYTES) * WORD_BYTES
        if aligned > self.free_bytes:
            held = ", ".join(f"{r.name} {r.nbytes}" for r in self.regions.values()) or "nothing"
            raise SramOverflowError(
                f"core {self.core}: {name} needs {nbytes} bytes but only {self.free_bytes} of "
                f"{self.capacity_bytes} SRAM bytes are free (allocated: {held})"
            )
        last = self._used + max(aligned, 1) - 1
        region = SramRegion(name, self._used, aligned, self._bank(self._used), self._bank(last))
        self.regions[name] = region
        self.read_bytes[name] = 0
        self.write_bytes[name] = 0
        self._used += aligned
        return region

    def _check(self, name: str, nbytes: int) -> None:
        if name not in self.regions:
            known = ", ".join(self.regions) or "none"
            raise ValueError(f"core {self.core}: no structure {name!r} (allocated: {known})")
        if nbytes < 0:
            raise ValueError(f"core {self.core}: byte count must be >= 0, got {nbytes}")

    def record_read(self, name: str, nbytes: int) -> None:
        """Count ``nbytes`` read from structure ``name``."""
        self._check(name, nbytes)
        self.read_bytes[name] += int(nbytes)

    def record_write(self, name: str, nbytes: int) -> None:
        """Count ``nbytes`` written to structure ``name``."""
        self._check(name, nbytes)
        self.write_bytes[name] += int(nbytes)

    @property
    def total_read_bytes(self) -> int:
        """Bytes read, all structures."""
        return sum(self.read_bytes.values())

    @property
    def total_write_bytes(self) -> int:
        """Bytes written, all structures."""
        return sum(self.write_bytes.values())
