"""Effective supply of business land per municipality, business area and region."""

from __future__ import annotations

from landreg.supply.effective import DEFAULT_READINESS_FACTORS, SupplyParams, SupplyResult, effective_supply

__all__ = ["DEFAULT_READINESS_FACTORS", "SupplyParams", "SupplyResult", "effective_supply"]
