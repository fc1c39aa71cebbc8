"""Reading Norwegian zoning plans from the national plan GML (SOSI Plan 4.x and 5.0).

What is read (see ``landreg/plans/README.md`` for the full list):

- the plan: ``Arealplan`` (5.0) or ``RpOmråde``/``KpOmråde`` (4.x) with ``nasjonalArealplanId`` /
  ``arealplanId`` (kommunenummer + planidentifikasjon/planId), ``plannavn``, ``plantype``,
  ``planstatus``, ``vedtakEndeligPlanDato`` and ``ikrafttredelsesdato``;
- land-use areas: ``RpArealformålOmråde`` and ``KpArealformålOmråde`` with ``arealformål``,
  ``feltnavn`` and ``område``, linked to their plan by ``xlink:href`` (``arealplan``) or by
  ``nasjonalArealplanId``;
- hensynssoner: ``Rp``/``Kp`` + ``HensynSone``, ``BåndleggingSone`` or ``FareSone`` with the zone
  code (``båndlegging``, ``fare``, ``faresone``, ``hensynSoneType``) and ``hensynSonenavn``.

Geometry: ``gml:Polygon``, ``gml:Surface`` (``PolygonPatch``) and ``gml:MultiSurface`` with holes;
rings as ``gml:LinearRing`` or ``gml:Ring`` of straight ``LineStringSegment``/``LineString``
curves, coordinates in ``posList`` or ``pos``, 2-D or 3-D, in the ``srsName`` of the geometry (or
of an enclosing element or the collection's envelope), any projected EPSG CRS, transformed to
EPSG:25832.  Arcs and shared (xlinked) geometry are refused with the feature and line named.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from lxml import etree
from pyproj import CRS, Transformer

from landreg.crs import STORAGE_CRS
from landreg.errors import PlanGmlError

GML_NAMESPACES = ("http://www.opengis.net/gml/3.2", "http://www.opengis.net/gml")
XLINK = "http://www.w3.org/1999/xlink"
_APP_NS = re.compile(r"^https?://skjema\.geonorge\.no/SOSI/produktspesifikasjon/([^/]+)/(\d+)\.(\d+)")
_EPSG = re.compile(r"EPSG(?:/\d+/|::|:)(\d+)\s*$", re.IGNORECASE)
_AREA_TYPES = {"RpArealformålOmråde", "KpArealformålOmråde"}
_ZONE_TYPE = re.compile(r"^(Rp|Kp)(HensynSone|Hensynsone|BåndleggingSone|FareSone)$")
_ZONE_CODE_CHILDREN = ("båndlegging", "fare", "faresone", "hensynSoneType")
_PLAN_ID_CHILDREN = ("planidentifikasjon", "planId")


@dataclass(frozen=True)
class PlanInfo:
    """One plan (arealplan) as the file describes it."""

    gml_id: str | None
    municipality_no: str
    local_id: str
    name: str | None
    plan_type: str | None
    status_code: int | None
    adopted_on: dt.date | None
    in_force_from: dt.date | None
    kind: str  # "reguleringsplan" or "kommuneplan"

    @property
    def plan_id(self) -> str:
        """The national plan id: kommunenummer and the municipality's plan id."""
        return f"{self.municipality_no}_{self.local_id}"


@dataclass(frozen=True)
class PlanFeature:
    """A land-use area or a hensynssone, with its plan and its polygon in EPSG:25832."""

    gml_id: str
    feature_type: str
    code: int
    name: str | None
    plan: PlanInfo
    geometry: Any
    line: int


@dataclass
class PlanDocument:
    """What a plan GML file holds, as far as landreg reads it."""

    source: str
    specification: str  # e.g. "Reguleringsplanforslag 5.0"
    plans: list[PlanInfo] = field(default_factory=list)
    areas: list[PlanFeature] = field(default_factory=list)
    zones: list[PlanFeature] = field(default_factory=list)
    not_read: Counter[str] = field(default_factory=Counter)


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _child_text(el: Any, *names: str) -> str | None:
    for name in names:
        for c in _children(el, name):
            if c.text and c.text.strip():
                return c.text.strip()
    return None


def _find_text(el: Any, *names: str) -> str | None:
    """The text of the first descendant with one of ``names``."""
    for d in el.iter():
        if isinstance(d.tag, str) and _local(d) in names and d.text and d.text.strip():
            return d.text.strip()
    return None


def _gml_id(el: Any) -> str | None:
    for ns in GML_NAMESPACES:
        value = el.get(f"{{{ns}}}id")
        if value:
            return str(value)
    return None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name

    def fail(self, el: Any, message: str) -> PlanGmlError:
        fid = _gml_id(el) if el is not None else None
        where = f"{self.name}, line {el.sourceline}" if el is not None else self.name
        return PlanGmlError(f"{where}" + (f", feature {fid}" if fid else "") + f": {message}")

    # -- coordinates -------------------------------------------------------------------------
    def srs_of(self, el: Any, default: str | None) -> str | None:
        for anc in [el, *el.iterancestors()]:
            srs = anc.get("srsName")
            if srs:
                return str(srs)
        return default

    def transformer(self, el: Any, srs: str | None) -> Transformer | None:
        if srs is None:
            raise self.fail(el, "geometry has no srsName (nor has the collection); expected e.g. EPSG:25832")
        match = _EPSG.search(srs)
        if match is None:
            raise self.fail(el, f"srsName {srs!r} is not an EPSG code; expected e.g. EPSG:25832 or EPSG:25833")
        crs = CRS.from_epsg(int(match.group(1)))
        if not crs.is_projected:
            raise self.fail(el, f"srsName {srs!r} is not a projected CRS; expected EPSG:25832, 25833 or 25835")
        if crs == STORAGE_CRS:
            return None
        return Transformer.from_crs(crs, STORAGE_CRS, always_xy=True)

    def coords(self, el: Any) -> list[tuple[float, float]]:
        dim = 2
        for anc in [el, *el.iterancestors()]:
            if anc.get("srsDimension"):
                dim = int(anc.get("srsDimension"))
                break
        pos_list = _children(el, "posList")
        try:
            if pos_list:
                values = [float(v) for v in (pos_list[0].text or "").split()]
                if len(values) % dim:
                    raise self.fail(pos_list[0], f"posList has {len(values)} numbers, not a multiple of {dim}")
                return [(values[i], values[i + 1]) for i in range(0, len(values), dim)]
            points = [[float(v) for v in (p.text or "").split()] for p in _children(el, "pos")]
        except ValueError as exc:
            raise self.fail(el, f"coordinates are not numbers ({exc})") from None
        return [(p[0], p[1]) for p in points]

    def ring(self, ring_el: Any) -> list[tuple[float, float]]:
        kind = _local(ring_el)
        if kind == "LinearRing":
            return self.coords(ring_el)
        if kind != "Ring":
            raise self.fail(ring_el, f"unsupported ring gml:{kind}; expected LinearRing or Ring")
        points: list[tuple[float, float]] = []
        for member in _children(ring_el, "curveMember"):
            if member.get(f"{{{XLINK}}}href"):
                raise self.fail(member, "shared (xlinked) ring curves are not read; export the plan without topology")
            for curve in member:
                points += self.curve(curve)
        return points

    def curve(self, curve: Any) -> list[tuple[float, float]]:
        kind = _local(curve)
        if kind == "LineString":
            return self.coords(curve)
        if kind != "Curve":
            raise self.fail(curve, f"unsupported curve gml:{kind}")
        points: list[tuple[float, float]] = []
        for segments in _children(curve, "segments"):
            for seg in segments:
                if _local(seg) != "LineStringSegment":
                    raise self.fail(seg, f"curved segment gml:{_local(seg)} is not read; expected straight segments")
                pts = self.coords(seg)
                points += pts if not points or pts[:1] != points[-1:] else pts[1:]
        return points

    def polygon(self, el: Any) -> shapely.Polygon:
        shell_el = _children(el, "exterior")
        if not shell_el or not len(shell_el[0]):
            raise self.fail(el, "polygon without an exterior ring")
        shell = self.ring(shell_el[0][0])
        holes = [self.ring(i[0]) for i in _children(el, "interior") if len(i)]
        for r in [shell, *holes]:
            if len(r) < 4:
                raise self.fail(el, f"a ring has {len(r)} positions; expected at least 4 (closed)")
        return shapely.Polygon(shell, holes)

    def surface(self, el: Any) -> list[shapely.Polygon]:
        kind = _local(el)
        if kind == "Polygon":
            return [self.polygon(el)]
        if kind == "Surface":
            return [self.polygon(p) for patches in _children(el, "patches") for p in patches]
        if kind in ("MultiSurface", "CompositeSurface"):
            out: list[shapely.Polygon] = []
            for member in [*_children(el, "surfaceMember"), *_children(el, "surfaceMembers")]:
                if member.get(f"{{{XLINK}}}href"):
                    raise self.fail(member, "shared (xlinked) surfaces are not read")
                for s in member:
                    out += self.surface(s)
            return out
        raise self.fail(el, f"unsupported geometry gml:{kind}; expected Polygon, Surface or MultiSurface")

    def geometry(self, feature: Any, default_srs: str | None) -> Any:
        prop = _children(feature, "område")
        if not prop or not len(prop[0]):
            raise self.fail(feature, "no område (polygon) given")
        geom_el = prop[0][0]
        polys = self.surface(geom_el)
        geom = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
        tr = self.transformer(geom_el, self.srs_of(geom_el, default_srs))
        if tr is not None:
            geom = shapely.transform(geom, lambda xy: _apply(tr, xy))
        return geom


def _apply(tr: Transformer, xy: Any) -> Any:
    import numpy as np

    x, y = tr.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def read_plan_gml(path: str | Path) -> PlanDocument:
    """Read the plans, land-use areas and hensynssoner of a plan GML file (SOSI Plan 4.x or 5.0).

    Parameters
    ----------
    path : str or Path
        The plan GML file.

    Returns
    -------
    PlanDocument
        Geometries in EPSG:25832.

    Raises
    ------
    FileNotFoundError
    PlanGmlError
        Naming the file, line and feature id of what could not be read.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    reader = _Reader(path)
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise PlanGmlError(f"{path.name}, line {exc.lineno}: not well-formed XML ({exc.msg})") from None
    root = tree.getroot()
    envelope_srs = next((e.get("srsName") for e in root.iter() if _local(e) == "Envelope" and e.get("srsName")), None)
    features = [
        f
        for m in root
        if _local(m) in ("featureMember", "member", "featureMembers")
        for f in m
        if isinstance(f.tag, str)
    ]
    versions = {_APP_NS.match(etree.QName(f).namespace or "") for f in features}
    specs = sorted({f"{m.group(1)} {m.group(2)}.{m.group(3)}" for m in versions if m})
    if not features or None in versions or not specs:
        raise PlanGmlError(
            f"{path.name}: not a plan GML file of the SOSI plan specifications; expected features in a "
            "http://skjema.geonorge.no/SOSI/produktspesifikasjon/<Reguleringsplan…|Kommuneplan…>/<4.x|5.0> namespace"
        )
    majors = {int(m.group(2)) for m in versions if m}
    if not majors <= {4, 5}:
        raise PlanGmlError(f"{path.name}: plan specification {specs} is not read; expected version 4.x or 5.0")
    doc = PlanDocument(source=path.name, specification=", ".join(specs))
    plan_types = {"Arealplan"} if 5 in majors else {"RpOmråde", "KpOmråde"}
    by_id: dict[str, PlanInfo] = {}
    by_key: dict[tuple[str, str], PlanInfo] = {}
    for f in features:
        if _local(f) in plan_types:
            plan = _plan_info(reader, f)
            doc.plans.append(plan)
            if plan.gml_id:
                by_id[plan.gml_id] = plan
            by_key[(plan.municipality_no, plan.local_id)] = plan
    if not doc.plans:
        raise PlanGmlError(
            f"{path.name}: no plan ({' or '.join(sorted(plan_types))}) in the file; cannot tell plan ids"
        )
    for f in features:
        kind = _local(f)
        if kind in plan_types:
            continue
        zone = _ZONE_TYPE.match(kind)
        if kind not in _AREA_TYPES and zone is None:
            doc.not_read[kind] += 1
            continue
        code_text = _child_text(f, "arealformål") if zone is None else _child_text(f, *_ZONE_CODE_CHILDREN)
        if code_text is None or not code_text.isdigit():
            what = "arealformål" if zone is None else "zone code (båndlegging, fare, …)"
            raise reader.fail(f, f"{kind} without a numeric {what}; got {code_text!r}")
        feature = PlanFeature(
            gml_id=_gml_id(f) or f"line-{f.sourceline}",
            feature_type=kind,
            code=int(code_text),
            name=_child_text(f, "feltnavn", "hensynSonenavn", "områdenavn", "navn"),
            plan=_link(reader, f, by_id, by_key, doc.plans),
            geometry=reader.geometry(f, envelope_srs),
            line=int(f.sourceline or 0),
        )
        (doc.zones if zone else doc.areas).append(feature)
    return doc


def _plan_info(reader: _Reader, el: Any) -> PlanInfo:
    ident = next(iter(_children(el, "arealplanId") + _children(el, "nasjonalArealplanId")), None)
    if ident is None:
        raise reader.fail(el, "plan without nasjonalArealplanId/arealplanId")
    municipality = _find_text(ident, "kommunenummer")
    local_id = _find_text(ident, *_PLAN_ID_CHILDREN)
    if not municipality or not local_id:
        raise reader.fail(el, "plan id needs kommunenummer and planidentifikasjon (or planId)")
    status = _child_text(el, "planstatus")
    match = _APP_NS.match(etree.QName(el).namespace or "")
    product = match.group(1) if match else ""
    plan_type = _child_text(el, "plantype") or _find_text(el, "rpPlantype", "kpPlantype")
    return PlanInfo(
        gml_id=_gml_id(el),
        municipality_no=municipality.zfill(4),
        local_id=local_id,
        name=_child_text(el, "plannavn"),
        plan_type=plan_type,
        status_code=int(status) if status and status.isdigit() else None,
        adopted_on=_date(_child_text(el, "vedtakEndeligPlanDato")),
        in_force_from=_date(_child_text(el, "ikrafttredelsesdato")),
        kind="kommuneplan" if _local(el).startswith("Kp") or "kommuneplan" in product.lower() else "reguleringsplan",
    )


def _link(
    reader: _Reader,
    el: Any,
    by_id: dict[str, PlanInfo],
    by_key: dict[tuple[str, str], PlanInfo],
    plans: list[PlanInfo],
) -> PlanInfo:
    for prop in _children(el, "arealplan"):
        href = prop.get(f"{{{XLINK}}}href")
        if href:
            target = href.rsplit("#", 1)[-1]
            if target not in by_id:
                raise reader.fail(prop, f"xlink:href {href!r} names no Arealplan in the file")
            return by_id[target]
    ident = next(iter(_children(el, "nasjonalArealplanId") + _children(el, "arealplanId")), None)
    if ident is not None:
        key = ((_find_text(ident, "kommunenummer") or "").zfill(4), _find_text(ident, *_PLAN_ID_CHILDREN) or "")
        if key not in by_key:
            raise reader.fail(el, f"nasjonalArealplanId {key[0]}_{key[1]} names no plan in the file")
        return by_key[key]
    if len(plans) == 1:
        return plans[0]
    raise reader.fail(el, "cannot tell which plan the feature belongs to (no arealplan xlink, no nasjonalArealplanId)")
