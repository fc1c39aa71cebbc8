"""The find-a-site form: query parameters -> :class:`~landreg.search.SiteRequirements`, or messages per field.

Every problem is reported at once, in the reader's language, naming the field, what was given
and what is expected; the page then shows the form again with the values as they were typed.
Numbers may be written the Norwegian way (``20,5``) or the English way (``20.5``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from landreg.i18n import translator
from landreg.model.enums import Zoning
from landreg.municipalities import known_municipalities_text, municipality_no_from_ref
from landreg.search import SiteRequirements
from maps.business.words import TARGETS

#: Access targets the form asks a longest drive for (query parameter ``<target>_min``), in this order.
FORM_TARGETS: tuple[str, ...] = ("port", "airport", "freight_terminal", "trondheim_s", "motorway_junction")
HAZARDS_TO_AVOID: tuple[str, ...] = ("quick_clay", "flood")
PROFILES: tuple[str, ...] = ("general", "logistics", "manufacturing", "office")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass
class SiteForm:
    """The form as filled in: the values to show again, the requirements when valid, else the errors.

    Attributes
    ----------
    values : dict
        Field -> the text (or list of texts) as given.
    submitted : bool
        True when any search field was given (a search is run).
    requirements : SiteRequirements or None
    profiles : dict or None
        Custom profile definitions when own weights were given.
    limit : int
        How many sites to list.
    errors : dict
        Field -> message in the reader's language.
    """

    values: dict[str, Any]
    submitted: bool = False
    requirements: SiteRequirements | None = None
    profiles: dict[str, Any] | None = None
    limit: int = DEFAULT_LIMIT
    errors: dict[str, str] = field(default_factory=dict)


def _number(text: str) -> float:
    value = float(text.strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _numbers(values: dict[str, Any], errors: dict[str, str], *, lang: str) -> dict[str, float | None]:
    """The numeric fields as numbers (None when empty); a message in ``errors`` for each that is not one."""
    _ = translator(lang, "business").gettext
    numbers: dict[str, float | None] = {}
    for name, label in (
        ("min_daa", _("Size from (daa)")),
        ("max_daa", _("Size up to (daa)")),
        ("max_price", _("Highest price (NOK/m²)")),
        *[(f"{t}_min", _("Longest drive to {target} (minutes)").format(target=_(TARGETS[t]))) for t in FORM_TARGETS],
    ):
        text = values[name]
        numbers[name] = None
        if not text:
            continue
        try:
            number = _number(text)
        except ValueError:
            errors[name] = _("{label}: “{value}” is not a number; write a number such as 20 or 20,5").format(
                label=label, value=text
            )
            continue
        if number < 0 or (name in ("max_daa", "max_price") and number == 0):
            errors[name] = _("{label}: {value} is too small; write a number above zero").format(label=label, value=text)
            continue
        numbers[name] = number
    lo, hi = numbers["min_daa"], numbers["max_daa"]
    if lo is not None and hi is not None and hi < lo:
        errors["max_daa"] = _("Size up to ({high} daa) is below size from ({low} daa)").format(
            high=values["max_daa"], low=values["min_daa"]
        )
    return numbers


def parse_site_form(params: Mapping[str, str | Sequence[str]], *, lang: str) -> SiteForm:
    """Read the form's query parameters.

    Parameters
    ----------
    params : mapping
        Field -> text, or list of texts for the repeatable fields (``zoning``, ``avoid``).
    lang : str
        Language of the messages (``nb`` or ``en``).

    Returns
    -------
    SiteForm
        With ``requirements`` when the search can run, else ``errors``.
    """
    _ = translator(lang, "business").gettext

    def one(name: str) -> str:
        value = params.get(name, "")
        return (value[-1] if value else "") if isinstance(value, (list, tuple)) else str(value)

    def many(name: str) -> list[str]:
        value = params.get(name, [])
        return [str(v) for v in ([value] if isinstance(value, str) else value) if str(v)]

    names = ["min_daa", "max_daa", "max_price", "profile", "weights", "municipality", "combine", "limit"]
    values: dict[str, Any] = {n: one(n).strip() for n in names + [f"{t}_min" for t in FORM_TARGETS]}
    values["zoning"], values["avoid"] = many("zoning"), many("avoid")
    values["checked_only"] = one("checked_only")
    form = SiteForm(values=values, submitted=bool(one("search") or any(v for v in values.values())))
    if not form.submitted:
        return form
    numbers = _numbers(values, form.errors, lang=lang)
    errors = form.errors
    known_zoning = [z.value for z in Zoning]
    unknown = [z for z in values["zoning"] if z not in known_zoning]
    if unknown:
        errors["zoning"] = _("Unknown zoning {codes}; tick among the ones listed").format(codes=", ".join(unknown))
    bad_avoid = [h for h in values["avoid"] if h not in HAZARDS_TO_AVOID]
    if bad_avoid:
        errors["avoid"] = _("Unknown hazard {codes}; tick among the ones listed").format(codes=", ".join(bad_avoid))
    if values["municipality"] and municipality_no_from_ref(values["municipality"]) is None:
        errors["municipality"] = _("Unknown municipality “{value}”; choose one of: {choices}").format(
            value=values["municipality"], choices=known_municipalities_text()
        )
    profile = values["profile"] or "general"
    if profile not in PROFILES:
        errors["profile"] = _("Unknown profile “{value}”; choose one of: {choices}").format(
            value=profile, choices=", ".join(PROFILES)
        )
    if values["limit"]:
        try:
            form.limit = int(values["limit"])
            if not 1 <= form.limit <= MAX_LIMIT:
                raise ValueError(values["limit"])
        except ValueError:
            errors["limit"] = _("Number of sites: write a whole number from 1 to {most}").format(most=MAX_LIMIT)
    if values["weights"] and "profile" not in errors:
        form.profiles = _own_weights(values["weights"], base=profile, errors=errors, lang=lang)
    if errors:
        return form
    return _requirements(form, numbers, profile=profile, lang=lang)


def _own_weights(text: str, *, base: str, errors: dict[str, str], lang: str) -> dict[str, Any] | None:
    """Definitions of a profile ``own``: ``base`` with the weights of ``text`` (``price=30,size=10``)."""
    from landreg.errors import LandregError
    from landreg.scoring import load_profile, parse_weights
    from landreg.scoring.profile_file import check_profile_definitions

    _ = translator(lang, "business").gettext
    try:
        base_profile = load_profile(base, weights=parse_weights(text))
        spec = {
            "description": f"{base} with own weights",
            "weights": dict(base_profile.weights),
            "industry_nace": list(base_profile.industry_nace),
        }
        return check_profile_definitions({"profiles": {"own": spec}}, where="form")
    except LandregError as exc:
        errors["weights"] = _("Own weights: {problem}; write criterion=number, e.g. price=30,size=10").format(
            problem=str(exc)
        )
        return None


def _requirements(form: SiteForm, numbers: dict[str, float | None], *, profile: str, lang: str) -> SiteForm:
    """Build the requirements; what the core still refuses (e.g. an unknown municipality) goes to that field."""
    import pydantic

    values = form.values
    avoid = set(values["avoid"])
    try:
        form.requirements = SiteRequirements(
            min_daa=numbers.get("min_daa"),
            max_daa=numbers.get("max_daa"),
            zoning=values["zoning"],
            max_minutes={t: m for t in FORM_TARGETS if (m := numbers.get(f"{t}_min")) is not None},
            max_price_nok_m2=numbers.get("max_price"),
            max_quick_clay_share=0.0 if "quick_clay" in avoid else None,
            max_flood_share=0.0 if "flood" in avoid else None,
            allow_unchecked_hazards=not values["checked_only"],
            profile="own" if form.profiles else profile,
            municipality_no=[values["municipality"]] if values["municipality"] else [],
            combine_adjacent=values["combine"] != "0",
        )
    except pydantic.ValidationError as exc:
        fields = {"municipality_no": "municipality", "max_minutes": "port_min", "zoning": "zoning"}
        for err in exc.errors():
            where = fields.get(str(err["loc"][0]) if err["loc"] else "", "search")
            form.errors[where] = str(err["msg"]).removeprefix("Value error, ")
    return form


def saved_search_criteria(form: SiteForm) -> dict[str, Any] | None:
    """The criteria of the search a page shows, as a saved search takes them (``POST /alerts``).

    The requirements' fields that differ from their defaults, in JSON form. Own weights are not
    part of a saved search: it ranks by the profile they were based on (the same sites match).

    Parameters
    ----------
    form : SiteForm
        From :func:`parse_site_form`.

    Returns
    -------
    dict or None
        :class:`~landreg.search.SiteRequirements` fields; None when the form holds no runnable search.
    """
    if form.requirements is None or form.errors:
        return None
    criteria = form.requirements.model_dump(mode="json", exclude_defaults=True)
    if form.profiles:  # the profile "own" exists only for this page's search
        criteria.pop("profile", None)
        base = form.values.get("profile") or "general"
        if base != "general":
            criteria["profile"] = base
    return criteria
