"""Unit conversions: areas are stored in m² and shown in decares (daa)."""

from __future__ import annotations

M2_PER_DAA = 1_000.0


def daa_from_m2(area_m2: float) -> float:
    """Convert square metres to decares (1 daa = 1,000 m²)."""
    return area_m2 / M2_PER_DAA


def m2_from_daa(area_daa: float) -> float:
    """Convert decares to square metres (1 daa = 1,000 m²)."""
    return area_daa * M2_PER_DAA
