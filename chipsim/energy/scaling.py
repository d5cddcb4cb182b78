"""Scaling rules: how a per-event energy or a static power measured at a reference design changes
with voltage, buffer size, port count, flit width and SRAM size (design.md, decision 8).

Each rule returns a dimensionless factor that is exactly 1 at the reference design, so the
config's figures hold unchanged there. Each docstring states the rule and its source.
"""

from __future__ import annotations

import numpy as np


def dynamic_voltage_scale(voltage_v: np.ndarray | float, reference_v: float) -> np.ndarray:
    """Switching energy factor ``(V / V_ref)**2``.

    CMOS dynamic energy per event is ``alpha C V**2`` (switched capacitance C, activity alpha),
    independent of the clock frequency (Rabaey, Chandrakasan, Nikolic, *Digital Integrated
    Circuits*, 2nd ed., 2003, sec. 5.5; Weste and Harris, *CMOS VLSI Design*, 4th ed., sec. 5.1).
    """
    return (np.asarray(voltage_v, dtype=np.float64) / reference_v) ** 2


def static_voltage_scale(
    voltage_v: np.ndarray | float, reference_v: float, efold_v: float
) -> np.ndarray:
    """Leakage power factor ``(V / V_ref) * exp((V - V_ref) / V_e)``.

    Static power is ``V * I_leak`` (Butts and Sohi, "A static power model for architects",
    MICRO 2000, eq. 1). Subthreshold leakage, the dominant part, grows exponentially with the
    supply through drain-induced barrier lowering: ``I_sub ~ exp(eta V_DD / (n v_T))`` (Roy,
    Mukhopadhyay, Mahmoodi-Meimand, "Leakage current mechanisms and leakage reduction
    techniques in deep-submicrometer CMOS circuits", Proc. IEEE 91(2), 2003, eq. 2), so
    ``V_e = n v_T / eta`` is the supply rise that multiplies the leakage current by e.
    """
    v = np.asarray(voltage_v, dtype=np.float64)
    return (v / reference_v) * np.exp((v - reference_v) / efold_v)


def buffer_access_scale(
    flit_bits: int,
    entries: int,
    reference_flit_bits: int,
    reference_entries: int,
    bitline_share: float,
) -> float:
    """Buffer read or write energy factor ``(F / F_ref) * ((1 - b) + b * B / B_ref)``.

    ORION models an input buffer as an SRAM FIFO of B entries (buffer depth x VCs) of F bits:
    a write or read drives F bitlines (and their cells, sense amps), each as long as the B
    rows, plus a wordline across F cells, so the energy per flit is ``F * (c0 + c1 * B)``
    (Wang, Zhu, Peh, Malik, "Orion: a power-performance simulator for interconnection
    networks", MICRO 2002, sec. 3.1; kept in ORION 2.0, Kahng et al., DATE 2009). ``b`` is the
    share of the access that grows with B at the reference design (the bitlines).
    """
    width = flit_bits / reference_flit_bits
    return width * ((1.0 - bitline_share) + bitline_share * entries / reference_entries)


def crossbar_scale(
    ports: int, flit_bits: int, reference_ports: int, reference_flit_bits: int
) -> float:
    """Crossbar traversal energy factor ``(P / P_ref) * (F / F_ref)**2``.

    In a P x P matrix crossbar of F-bit ports, each input line crosses P output buses of F
    wires, so its length is ~ P F wire pitches; a traversal drives F such input bits and F
    output bits of length ~ P F: energy per flit ~ P F**2 (Wang et al., MICRO 2002, sec. 3.2,
    matrix crossbar; ORION 2.0). The crossbar's area, and so its leakage, grows as (P F)**2.
    """
    return (ports / reference_ports) * (flit_bits / reference_flit_bits) ** 2


def arbiter_scale(requesters: int, reference_requesters: int) -> float:
    """Arbitration energy factor ``R / R_ref`` for a round-robin arbiter of R requesters.

    A round-robin arbiter's request, grant and priority logic grows linearly with its
    requesters (ORION 2.0 round-robin arbiter model, Kahng et al., DATE 2009). Requesters: P x V
    for the VC allocator (input VCs bidding for an output VC), V for a switch-input arbiter
    (VCs of one port), P for a switch-output arbiter (input ports).
    """
    return requesters / reference_requesters


def link_scale(flit_bits: int, reference_flit_bits: int) -> float:
    """Link energy per flit factor ``F / F_ref``: one wire per bit, same length (Wang et al.)."""
    return flit_bits / reference_flit_bits


def router_static_scale(
    ports: int, entries: int, flit_bits: int, reference: tuple[int, int, int]
) -> float:
    """Router leakage factor ``(P B F) / (P B F)_ref``: leakage follows buffer bits.

    Leakage is proportional to transistor count (Butts and Sohi, MICRO 2000); input buffers
    (P ports x B entries x F bits) dominate a router's transistors and leakage (ORION 2.0,
    Kahng et al., DATE 2009, leakage breakdown). Assumption: the rest follows buffer bits.
    """
    ref_ports, ref_entries, ref_flit_bits = reference
    return (ports * entries * flit_bits) / (ref_ports * ref_entries * ref_flit_bits)


def sram_access_scale(bank_bytes: float, reference_bank_bytes: float) -> float:
    """SRAM access energy per byte factor ``sqrt(S / S_ref)`` for banks of S bytes.

    In a square array of S bits the wordlines and bitlines an access drives are ~ sqrt(S) long
    (CACTI: Wilton and Jouppi, IEEE JSSC 31(5), 1996). Published 45 nm figures follow it:
    64-bit reads of 8 KB, 32 KB and 1 MB SRAMs cost 10, 20 and 100 pJ (Horowitz, "Computing's
    energy problem", ISSCC 2014): 4x the size, 2x the energy; 32x the size, 5x the energy.
    """
    return float(np.sqrt(bank_bytes / reference_bank_bytes))


def sram_leakage_scale(sram_bytes: int, reference_sram_bytes: int) -> float:
    """SRAM leakage factor ``S / S_ref``: every cell leaks (Butts and Sohi, MICRO 2000)."""
    return sram_bytes / reference_sram_bytes
