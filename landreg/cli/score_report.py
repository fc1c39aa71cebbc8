"""What ``landreg score`` prints and writes: the summary, the best plots, the table file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from landreg.cli.analysis_cmd import _table, _write


def report_scores(
    result: Any,
    *,
    output: Path | None,
    n_draws: int,
    seed: int,
    top: int,
    notice: Any,
    registry: Any,
    profile: Any,
    weights: Any,
    statuses: Any,
) -> None:
    """Print the scores' summary and best plots; write ``output``.

    A CSV is written a page at a time in rank order from ``registry`` (still open) when ``result``
    kept only the ranked columns (:data:`landreg.results.ordered.RANKED_COLUMNS`); other files,
    and a result with every column, through :func:`landreg.cli.analysis_cmd._write`.
    """
    from landreg.results.ordered import scored_rows_in_order
    from landreg.scoring import rank_stability

    plots = result.frame
    rec = result.profile.record()
    click.echo(
        f"profile {rec['profile']} version {rec['version']} ({rec['fingerprint']}); "
        f"{len(plots)} plots, {int(result.frame['excluded'].sum())} excluded by limits"
    )
    for criterion, reason in result.not_applicable.items():
        click.echo(f"{result.profile.criteria[criterion].label}: {reason}")
    frame = result.frame.sort_values(["excluded", "rank"])
    if n_draws:
        sens = rank_stability(result, n_draws=n_draws, seed=seed)
        for col in ("rank_mean", "pct_p05", "pct_p95", "top_decile_share", "stability"):
            frame[col] = sens.frame[col].reindex(frame.index)
    click.echo(
        _table(
            frame,
            [
                "code",
                "business_area_id",
                "status",
                "area_daa",
                "score",
                "rank",
                "percentile",
                "municipality_rank",
                "rank_mean",
                "pct_p05",
                "pct_p95",
                "stability",
            ],
            n=top,
        )
    )
    if output is not None and output.suffix.lower() == ".csv" and "provenance" not in frame.columns:
        from landreg.io.write import write_table_pages

        if notice.any_synthetic:
            click.echo(notice.text())
        pages = scored_rows_in_order(registry, frame, profile=profile, weights=weights)
        write_table_pages(pages, output)
        click.echo(f"wrote {output}", err=True)
        return
    _write(frame, output, payload=result.to_dict() if output is not None else None, notice=notice)
