"""Related industries, read from ``industries.toml`` (NACE Rev. 2 codes and prefixes)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from landreg.errors import InvalidNaceCodeError

INDUSTRIES_FILE = Path(__file__).with_name("industries.toml")


@lru_cache(maxsize=2)
def related_groups(path: str | None = None) -> dict[str, tuple[str, ...]]:
    """Group name -> NACE codes/prefixes."""
    with open(path or INDUSTRIES_FILE, "rb") as fh:
        data = tomllib.load(fh)
    return {k: tuple(str(c) for c in v) for k, v in data["groups"].items()}


def _matches(code: str, prefix: str) -> bool:
    return code == prefix or code.startswith(prefix + ".") or (len(prefix) < len(code) and code.startswith(prefix))


#: A NACE Rev. 2 / SN2007 code: a two-digit division, then up to three more digits after a dot
#: (group ``46.7``, class ``46.72``, SN2007 subclass ``46.721``).
_NACE = re.compile(r"^(\d{2})(?:\.(\d{1,3}))?$")


def validate_nace_codes(industry_nace: Iterable[str]) -> tuple[str, ...]:
    """The codes, stripped, once each, after checking that each is a NACE code.

    Parameters
    ----------
    industry_nace : iterable of str
        Codes such as ``"46.72"`` (class), ``"46"`` (division) or ``"46.721"`` (SN2007 subclass).

    Returns
    -------
    tuple of str

    Raises
    ------
    InvalidNaceCodeError
        When a code is not of that form, or its division is not 01–99.
    """
    out: list[str] = []
    bad: list[str] = []
    for raw in industry_nace:
        code = str(raw).strip()
        match = _NACE.match(code)
        if match is None or not 1 <= int(match.group(1)) <= 99:
            bad.append(code)
        elif code not in out:
            out.append(code)
    if bad:
        raise InvalidNaceCodeError(
            f"not a NACE industry code: {', '.join(repr(b) for b in bad)}; expected a two-digit division with "
            "up to three more digits after a dot, e.g. 46.72 (wholesale of metals) or 52.10 (warehousing)"
        )
    return tuple(out)


def related_codes(industry_nace: Iterable[str]) -> tuple[str, ...]:
    """The codes related to any of ``industry_nace``: themselves and every group they fall into.

    Raises
    ------
    InvalidNaceCodeError
        When a code is not a NACE code (:func:`validate_nace_codes`).
    """
    own = list(validate_nace_codes(industry_nace))
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
