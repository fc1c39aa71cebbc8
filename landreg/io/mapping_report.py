"""The report of an import through a mapping: columns used and left, values not understood, problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from landreg.errors import Problem


@dataclass
class MappingReport:
    """What a mapping made of a file: the columns used and left, values not understood, record problems.

    Attributes
    ----------
    source : str
        The file name.
    mapping : str
        The mapping name.
    n_records : int
    mapped : dict
        Source column -> the landreg fields it fills.
    templates : dict
        Landreg field -> template (fields built from several source columns).
    unmapped : list of str
        Source columns the mapping does not use (not imported).
    not_understood : dict
        ``"column -> field"`` -> {source value: number of records}.
    problems : list of Problem
        Per-record problems found by validation (filled by the caller).
    """

    source: str
    mapping: str
    n_records: int = 0
    mapped: dict[str, tuple[str, ...]] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    not_understood: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every value was understood and no record has a problem."""
        return not self.not_understood and not self.problems

    def not_understood_text(self) -> list[str]:
        """One line per column with the values not understood and how many records hold each."""
        lines = []
        for where, counts in self.not_understood.items():
            shown = ", ".join(f"{v!r} ({n})" for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(f"  - {where}: {shown}")
        return lines

    def to_text(self) -> str:
        """The report as the command line prints it."""
        lines = [f"{self.source}: {self.n_records} records, mapping {self.mapping!r}", "columns mapped:"]
        lines += [f"  {src} -> {', '.join(dst)}" for src, dst in self.mapped.items()] or ["  (none)"]
        lines += [f"  {{template}} -> {dst} = {tpl}" for dst, tpl in self.templates.items()]
        lines.append("columns not mapped (not imported): " + (", ".join(self.unmapped) or "none"))
        if self.not_understood:
            lines.append("values not understood (records):")
            lines += self.not_understood_text()
        else:
            lines.append("values not understood: none")
        if self.problems:
            lines.append(f"problems in records ({len(self.problems)}):")
            lines += [f"  - {p}" for p in self.problems[:50]]
            if len(self.problems) > 50:
                lines.append(f"  ... and {len(self.problems) - 50} more")
        else:
            lines.append("problems in records: none")
        return "\n".join(lines)
