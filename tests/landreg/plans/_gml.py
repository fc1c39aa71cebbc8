"""Plan GML fixtures, written by hand after the SOSI plan specifications (5.0 and 4.x).

Structure after the 5.0 schema (``Arealplan`` with ``arealplanId``, ``RpArealformålOmråde`` with
``område``/``arealformål``/``feltnavn`` and an ``arealplan`` xlink) as in the public examples of the
plan validator (Arkitektum/DiBK.RuleValidator.Rules.Gml, TestData); 4.x features carry
``nasjonalArealplanId`` instead of the xlink and the plan data sits on ``KpOmråde``/``RpOmråde``.
The plans, names and coordinates are invented (Trondheim, EPSG:25832/25833).
"""

from __future__ import annotations

import itertools

from pyproj import Transformer

_IDS = itertools.count(1)

GML = "http://www.opengis.net/gml/3.2"
NS50 = "http://skjema.geonorge.no/SOSI/produktspesifikasjon/Reguleringsplanforslag/5.0"
NS45 = "http://skjema.geonorge.no/SOSI/produktspesifikasjon/Kommuneplaner/4.5"


def ring(coords, *, dim=2):
    pts = " ".join(" ".join(f"{v:.3f}" for v in (*c, 12.5)[:dim]) for c in coords)
    return f"<gml:LinearRing><gml:posList>{pts}</gml:posList></gml:LinearRing>"


def rect(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]


def polygon(shell, *holes, tag="gml:Polygon", srs="EPSG:25832"):
    inner = "".join(f"<gml:interior>{ring(h)}</gml:interior>" for h in holes)
    return f'<{tag} gml:id="g{next(_IDS)}" srsName="{srs}"><gml:exterior>{ring(shell)}</gml:exterior>{inner}</{tag}>'


def surface(shell, *holes, srs="http://www.opengis.net/def/crs/EPSG/0/25832"):
    inner = "".join(f"<gml:interior>{ring(h)}</gml:interior>" for h in holes)
    return (
        f'<gml:Surface gml:id="s{next(_IDS)}" srsName="{srs}"><gml:patches><gml:PolygonPatch>'
        f"<gml:exterior>{ring(shell)}</gml:exterior>{inner}</gml:PolygonPatch></gml:patches></gml:Surface>"
    )


def multisurface(*shells, srs="urn:ogc:def:crs:EPSG::25832"):
    members = "".join(f"<gml:surfaceMember>{polygon(s, srs=srs)}</gml:surfaceMember>" for s in shells)
    return f'<gml:MultiSurface gml:id="m{next(_IDS)}" srsName="{srs}">{members}</gml:MultiSurface>'


def to_25833(coords):
    tr = Transformer.from_crs(25832, 25833, always_xy=True)
    return [tr.transform(x, y) for x, y in coords]


def arealplan(gid, *, kommune, planid, navn, status, vedtatt=None):
    date = f"<app:vedtakEndeligPlanDato>{vedtatt}</app:vedtakEndeligPlanDato>" if vedtatt else ""
    return f"""
  <gml:featureMember>
    <app:Arealplan gml:id="{gid}">
      <app:arealplanId><app:NasjonalArealplanId>
        <app:administrativEnhet><app:AdministrativEnhetskode><app:kommunenummer>{kommune}</app:kommunenummer></app:AdministrativEnhetskode></app:administrativEnhet>
        <app:planidentifikasjon>{planid}</app:planidentifikasjon>
      </app:NasjonalArealplanId></app:arealplanId>
      <app:plantype>35</app:plantype>
      <app:plannavn>{navn}</app:plannavn>
      <app:planstatus>{status}</app:planstatus>
      <app:lovreferanse>6</app:lovreferanse>{date}
    </app:Arealplan>
  </gml:featureMember>"""


def rp_area(gid, *, plan, code, felt, geometry):
    return f"""
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="{gid}">
      <app:område>{geometry}</app:område>
      <app:arealformål>{code}</app:arealformål>
      <app:feltnavn>{felt}</app:feltnavn>
      <app:eierform>3</app:eierform>
      <app:arealplan xlink:type="simple" xlink:href="#{plan}" />
    </app:RpArealformålOmråde>
  </gml:featureMember>"""


def rp_zone(gid, *, plan, kind, child, code, name, geometry):
    return f"""
  <gml:featureMember>
    <app:{kind} gml:id="{gid}">
      <app:område>{geometry}</app:område>
      <app:{child}>{code}</app:{child}>
      <app:hensynSonenavn>{name}</app:hensynSonenavn>
      <app:arealplan xlink:type="simple" xlink:href="#{plan}" />
    </app:{kind}>
  </gml:featureMember>"""


def collection(ns, members, *, srs="http://www.opengis.net/def/crs/EPSG/0/25832"):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<gml:FeatureCollection xmlns:gml="{GML}" xmlns:app="{ns}" xmlns:xlink="http://www.w3.org/1999/xlink" gml:id="_samling">
  <gml:boundedBy><gml:Envelope srsName="{srs}" srsDimension="2">
    <gml:lowerCorner>564000 7029000</gml:lowerCorner><gml:upperCorner>567000 7031000</gml:upperCorner>
  </gml:Envelope></gml:boundedBy>{"".join(members)}
</gml:FeatureCollection>
"""


def reguleringsplan_50(**overrides):
    """Two reguleringsplaner (5.0): an adopted one with industry, storage, housing, a båndlegging and a
    faresone, and a proposal with offices given in EPSG:25833."""
    parts = {
        "plan1": arealplan(
            "_plan1",
            kommune="5001",
            planid="r20230012",
            navn="Ørneløkka næringsområde, Tulluan",
            status=3,
            vedtatt="2024-02-15",
        ),
        "plan2": arealplan("_plan2", kommune="5001", planid="r20240007", navn="Kontorpark på Søberg", status=2),
        "bi1": rp_area(
            "_bi1",
            plan="_plan1",
            code=1340,
            felt="BI1",
            geometry=surface(rect(565000, 7030000, 565200, 7030150), rect(565080, 7030060, 565120, 7030090)),
        ),
        "bl1": rp_area(
            "_bl1",
            plan="_plan1",
            code=1350,
            felt="BL1",
            geometry=multisurface(rect(565250, 7030000, 565350, 7030100), rect(565250, 7030120, 565350, 7030180)),
        ),
        "bolig": rp_area(
            "_bfs1", plan="_plan1", code=1111, felt="BFS1", geometry=polygon(rect(565000, 7030200, 565100, 7030300))
        ),
        "bandlegging": rp_zone(
            "_h710",
            plan="_plan1",
            kind="RpBåndleggingSone",
            child="båndlegging",
            code=710,
            name="H710_1 Båndlegging for ny jernbane",
            geometry=polygon(rect(565240, 7029990, 565400, 7030200)),
        ),
        "fare": rp_zone(
            "_h310",
            plan="_plan1",
            kind="RpFareSone",
            child="fare",
            code=310,
            name="H310_1 Kvikkleire",
            geometry=polygon(rect(565000, 7030000, 565050, 7030150)),
        ),
        "grense": """
  <gml:featureMember><app:RpFormålGrense gml:id="_grense1"><app:grense><gml:LineString srsName="EPSG:25832">
    <gml:posList>565000 7030000 565200 7030000</gml:posList></gml:LineString></app:grense>
  </app:RpFormålGrense></gml:featureMember>""",
        "bk1": rp_area(
            "_bk1",
            plan="_plan2",
            code=1310,
            felt="BK1",
            geometry=polygon(to_25833(rect(565500, 7030000, 565600, 7030100)), srs="EPSG:25833"),
        ),
    }
    parts.update(overrides)
    return collection(NS50, [p for p in parts.values() if p])


def _kp_ident(planid):
    return (
        "<app:nasjonalArealplanId><app:NasjonalArealplanId><app:kommunenummer>5001</app:kommunenummer>"
        f"<app:planidentifikasjon>{planid}</app:planidentifikasjon></app:NasjonalArealplanId></app:nasjonalArealplanId>"
    )


def kommuneplan_45(**overrides):
    """A kommuneplan (4.5): plan data on KpOmråde, features linked by nasjonalArealplanId; a business area
    with a hole drawn as a gml:Ring of line segments in 3-D, LNFR land, and a båndlegging."""
    shell = " ".join(f"{x} {y} 12.5" for x, y in rect(566000, 7030000, 566400, 7030300))
    hole = rect(566100, 7030100, 566150, 7030150)
    parts = {
        "plan": f"""
  <gml:featureMember>
    <app:KpOmråde gml:id="_kpa">
      {_kp_ident("kpa2022")}
      <app:plannavn>Kommuneplanens arealdel 2022–2034, Trondheim (Tiller–Søråsen)</app:plannavn>
      <app:plantype>20</app:plantype>
      <app:planstatus>3</app:planstatus>
      <app:vedtakEndeligPlanDato>2023-03-23</app:vedtakEndeligPlanDato>
    </app:KpOmråde>
  </gml:featureMember>""",
        "naering": f"""
  <gml:featureMember>
    <app:KpArealformålOmråde gml:id="_kp_n1">
      {_kp_ident("kpa2022")}
      <app:område><gml:Polygon gml:id="p_n1" srsName="EPSG:25832" srsDimension="3">
        <gml:exterior><gml:Ring><gml:curveMember><gml:Curve gml:id="c_n1"><gml:segments>
          <gml:LineStringSegment><gml:posList>{shell}</gml:posList></gml:LineStringSegment>
        </gml:segments></gml:Curve></gml:curveMember></gml:Ring></gml:exterior>
        <gml:interior>{ring(hole, dim=3)}</gml:interior>
      </gml:Polygon></app:område>
      <app:arealformål>1300</app:arealformål>
      <app:områdenavn>N12 Søråsen næring</app:områdenavn>
    </app:KpArealformålOmråde>
  </gml:featureMember>""",
        "lnfr": f"""
  <gml:featureMember>
    <app:KpArealformålOmråde gml:id="_kp_l1">
      {_kp_ident("kpa2022")}
      <app:område>{polygon(rect(566500, 7030000, 566700, 7030200))}</app:område>
      <app:arealformål>5100</app:arealformål>
    </app:KpArealformålOmråde>
  </gml:featureMember>""",
        "bandlegging": f"""
  <gml:featureMember>
    <app:KpBåndleggingSone gml:id="_kp_h740">
      {_kp_ident("kpa2022")}
      <app:område>{polygon(rect(566300, 7029900, 566500, 7030400))}</app:område>
      <app:båndlegging>740</app:båndlegging>
      <app:hensynSonenavn>H740_3 Båndlegging for høyspentlinje, Ås–Søråsen</app:hensynSonenavn>
    </app:KpBåndleggingSone>
  </gml:featureMember>""",
    }
    parts.update(overrides)
    return collection(NS45, [p for p in parts.values() if p])
