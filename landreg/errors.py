"""Exception hierarchy of the landreg core.

Every error raised on purpose by landreg derives from :class:`LandregError` and
also from the nearest built-in exception, so callers may catch either.  The
core never speaks HTTP: ``api/errors.py`` maps these classes to status codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class LandregError(Exception):
    """Root of every error raised by landreg."""


class ConfigurationError(LandregError, ValueError):
    """A setting, manifest entry or path is missing or malformed."""


class PlotNotFoundError(LandregError, LookupError):
    """No plot with the requested id (or code) exists in the registry."""


class EntityNotFoundError(LandregError, LookupError):
    """A business area, decision or road project was not found."""


class VersionConflictError(LandregError):
    """An update was based on a version that is no longer current.

    Attributes
    ----------
    plot_id : str
        The plot the update was for.
    expected_version : int
        The version the caller based its change on.
    current_version : int
        The version stored in the registry now.
    """

    def __init__(self, plot_id: str, expected_version: int, current_version: int) -> None:
        self.plot_id = plot_id
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"plot {plot_id!r}: the change was based on version {expected_version}, "
            f"but the registry holds version {current_version}; reload the plot and "
            "apply the change again"
        )


class UnreachablePlotError(LandregError, LookupError):
    """One or more plots cannot reach the routable road network (and so no destination).

    Attributes
    ----------
    plot_ids : list of str
        The plots that cannot be routed.
    reasons : list of str
        Why, per plot: ``"disconnected"`` (its nearest road is not connected to
        the main network) or ``"too_far"`` (no road within the snap limit).
    """

    def __init__(self, plot_ids: Sequence[str], reasons: Sequence[str], *, max_snap_distance_m: float) -> None:
        self.plot_ids = list(plot_ids)
        self.reasons = list(reasons)
        shown = ", ".join(f"{p} ({r})" for p, r in zip(self.plot_ids[:10], self.reasons[:10], strict=True))
        more = f" and {len(self.plot_ids) - 10} more" if len(self.plot_ids) > 10 else ""
        super().__init__(
            f"{len(self.plot_ids)} plot(s) cannot reach any destination by road: {shown}{more}; expected the "
            f"nearest road of each plot to lie on the main connected network and within {max_snap_distance_m:,.0f} m "
            "(pass on_unreachable='flag' to get NaN and access_status instead)"
        )


class NotEnrichedError(LandregError, LookupError):
    """The registry's plots have no derived attributes yet (run ``landreg enrich``)."""


class PlotEndedError(LandregError, ValueError):
    """A change was attempted on a plot that has already ended (has ``valid_to``)."""


class InvalidGeometryError(LandregError, ValueError):
    """A geometry is missing, invalid, empty, not polygonal or out of the region."""


class LocationMismatchError(LandregError, ValueError):
    """A plot's municipality or business area contradicts where its geometry lies."""


class CRSError(LandregError, ValueError):
    """A coordinate reference system is missing, unknown or mixed."""


class UnsupportedFormatError(LandregError, ValueError):
    """A file format that landreg cannot read or write was requested."""


class UnknownOutcomeError(LandregError, ValueError):
    """A decision was given an outcome it does not have.

    Attributes
    ----------
    decision_id : str
    outcome : str
    valid : list of str
        The outcomes the decision accepts.
    """

    def __init__(self, decision_id: str, outcome: str, valid: Sequence[str]) -> None:
        self.decision_id = decision_id
        self.outcome = outcome
        self.valid = list(valid)
        super().__init__(f"decision {decision_id!r} has no outcome {outcome!r}; expected one of {self.valid}")


class InvalidNaceCodeError(LandregError, ValueError):
    """An industry code is not a NACE Rev. 2 (SN2007) code such as ``46.72``."""


class RegistryFormatError(LandregError, ValueError):
    """A file opened as a registry is not a landreg GeoPackage registry."""


class RegistryUnavailableError(LandregError, ConnectionError):
    """The registry's database server cannot be reached or refused the connection."""


class EngineUnavailableError(LandregError, ConnectionError):
    """The distributed engine cannot be used: dask is missing or the scheduler cannot be reached."""


class UnknownLanguageError(LandregError, ValueError):
    """A language landreg has no catalog for."""


class ClusterError(LandregError, RuntimeError):
    """A local PostgreSQL cluster could not be created, started or stopped."""


class CopyError(LandregError, RuntimeError):
    """A registry copy that could not be made or did not verify (nothing was written)."""


class BackupError(LandregError, RuntimeError):
    """A backup that could not be taken, or one that failed its checks on restore (nothing was restored)."""


class FilterError(LandregError, ValueError):
    """A CQL2 filter that cannot be parsed or uses what the collection does not have."""


class MappingError(LandregError, ValueError):
    """A mapping file is malformed, or does not fit the file it is applied to."""


class EncodingError(LandregError, ValueError):
    """A file's character encoding is unknown or its bytes do not fit the declared encoding."""


class PlanGmlError(LandregError, ValueError):
    """A plan GML file cannot be read: not XML, not a supported plan specification, or bad geometry."""


class AuthenticationError(LandregError, PermissionError):
    """No token, or a token that is unknown or revoked."""


class AuthorizationError(LandregError, PermissionError):
    """A valid token whose role or municipalities do not allow the action."""


# -- scoring, clusters, supply, scenarios and site search ------------------------------------


class UnknownProfileError(LandregError, LookupError):
    """No scoring profile (or criterion) with the requested name."""


class InvalidWeightsError(LandregError, ValueError):
    """User weights name unknown criteria, are negative, or sum to zero."""


class MissingColumnError(LandregError, KeyError):
    """A frame lacks a column an analysis needs (e.g. not enriched)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownScenarioError(LandregError, LookupError):
    """A scenario name does not match a decision outcome, road project or preset."""


class FirmNotFoundError(LandregError, LookupError):
    """No plot has an occupant with the requested firm name."""


# -- prices --------------------------------------------------------------------------------


class MixedPriceBasisError(LandregError, ValueError):
    """Prices of different bases would be pooled; pass ``mix=True`` to allow it, or pick one basis."""


class InsufficientPriceDataError(LandregError, ValueError):
    """Too few price observations for the requested statistic or model."""


class UnknownBenchmarkError(LandregError, LookupError):
    """A benchmark region that is not in the benchmark table was requested."""


class LandregWarning(UserWarning):
    """Root of the warnings landreg emits on purpose."""


class MixedPriceBasisWarning(LandregWarning):
    """Prices of different bases (raw/serviced, connection fees in/out) were pooled because ``mix=True``."""


@dataclass(frozen=True)
class Problem:
    """One problem found in one record.

    Attributes
    ----------
    record : str
        Which record: its id or code when known, else ``"row N"`` (1 = the first record).
    field : str
        The field (attribute) the problem is in; ``"geometry"`` for geometry.
    message : str
        What was wrong and what was expected.
    whole_input : bool
        The problem is in the input as a whole (a column, the file, the query), not in one
        record; it is not counted as a record.
    """

    record: str
    field: str
    message: str
    whole_input: bool = False

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.message}"


class ValidationError(LandregError, ValueError):
    """One or more records failed validation; nothing was written.

    Attributes
    ----------
    problems : list of Problem
        Every problem found, not only the first.

    Parameters
    ----------
    problems : list of Problem
    context : str
        What was being checked (a file name, ``"update"``, ``"query"``), shown first.
    wrote_nothing : bool
        Say that nothing was written (False for reads such as queries).
    """

    def __init__(self, problems: list[Problem], *, context: str = "", wrote_nothing: bool = True) -> None:
        self.problems = list(problems)
        head = f"{context}: " if context else ""
        n_problems = len(self.problems)
        n_records = len({p.record for p in self.problems if not p.whole_input})
        summary = f"{n_problems} {'problem' if n_problems == 1 else 'problems'}"
        if n_records:
            summary += f" in {n_records} {'record' if n_records == 1 else 'records'}"
        lines = [f"{head}{summary}" + ("; nothing was written" if wrote_nothing else "")]
        lines += [f"  - {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        super().__init__("\n".join(lines))


@dataclass
class _ProblemList:
    """Collects problems while validating a batch (internal helper)."""

    items: list[Problem] = field(default_factory=list)

    def add(self, record: str, field_name: str, message: str, *, whole_input: bool = False) -> None:
        self.items.append(Problem(record, field_name, message, whole_input=whole_input))

    def __bool__(self) -> bool:
        return bool(self.items)
