"""Related industries, read from ``industries.toml`` (NACE Rev. 2 codes and prefixes)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

INDUSTRIES_FILE = Path(__file__).with_name("industries.toml")


@lru_cache(maxsize=2)
def related_groups(path: str | None = None) -> dict[str, tuple[str, ...]]:
    """Group name -> NACE codes/prefixes."""
    with open(path or INDUSTRIES_FILE, "rb") as fh:
        data = tomllib.load(fh)
    return {k: tuple(str(c) for c in v) for k, v in data["groups"].items()}


def _matches(code: str, prefix: str) -> bool:
    return code == prefix or code.startswith(prefix + ".") or (len(prefix) < len(code) and code.startswith(prefix))


def related_codes(industry_nace: Iterable[str]) -> tuple[str, ...]:
    """The codes related to any of ``industry_nace``: themselves and every group they fall into."""
    own = [str(c) for c in industry_nace]
    out = set(own)
    for codes in related_groups().values():
        if any(_matches(c, p) or _matches(p, c) for c in own for p in codes):
            out.update(codes)
    return tuple(sorted(out))


def is_related(nace: np.ndarray | list[str], codes: Iterable[str]) -> np.ndarray:
    """Boolean mask: the NACE code starts with one of ``codes`` (on the dot-separated levels)."""
    codes = tuple(codes)
    return np.array([any(_matches(str(n), p) for p in codes) for n in nace], dtype=bool)


def nace_division(nace: str) -> str:
    """The two-digit division of a NACE code (``'46.72'`` -> ``'46'``)."""
    return str(nace).split(".")[0][:2]
