"""Validation of a batch against a registry's stored state, shared by both backends (mixed in).

A backend supplies the three lookups (stored ids, live codes, overlaps with live plots) in its
own SQL; how a batch is validated with them, whole or a chunk at a time, is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import geopandas as gpd
import numpy as np

from landreg.plot_input import PlotRecords
from landreg.validation import ValidatedPlots, validate_plot_chunks, validate_plots


class BatchValidation:
    """``_validate`` and ``_validate_chunks`` over a backend's stored-state lookups."""

    extent: tuple[float, float, float, float]
    overlap_tolerance_m2: float
    validation_chunk_rows: int

    def _existing_ids(self, ids: Sequence[str]) -> set[str]:
        raise NotImplementedError

    def _live_codes(self, codes: Sequence[str], *, exclude: Sequence[str] = ()) -> set[str]:
        raise NotImplementedError

    def _overlaps(
        self, geoms: np.ndarray, plot_ids: Sequence[str | None], *, exclude: Sequence[str] = ()
    ) -> list[tuple[int, str, float]]:
        raise NotImplementedError

    def _validate_chunks(
        self, frame: gpd.GeoDataFrame | PlotRecords, *, repair: bool, context: str
    ) -> Iterator[ValidatedPlots]:
        return validate_plot_chunks(
            frame,
            chunk_rows=self.validation_chunk_rows,
            repair=repair,
            extent=self.extent,
            overlap_tolerance_m2=self.overlap_tolerance_m2,
            overlap_lookup=self._overlaps,
            existing_ids=self._existing_ids,
            existing_codes=self._live_codes,
            context=context,
        )

    def _validate(
        self,
        frame: gpd.GeoDataFrame | PlotRecords,
        *,
        repair: bool,
        context: str,
        exclude_ids: Sequence[str] = (),
        check_ids: bool = True,
    ) -> ValidatedPlots:
        return validate_plots(
            frame,
            repair=repair,
            extent=self.extent,
            overlap_tolerance_m2=self.overlap_tolerance_m2,
            overlap_lookup=lambda g, ids: self._overlaps(g, ids, exclude=exclude_ids),
            existing_ids=self._existing_ids if check_ids else None,
            existing_codes=lambda codes: self._live_codes(codes, exclude=exclude_ids),
            context=context,
        )
