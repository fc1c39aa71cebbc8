"""The named business areas of the demonstration dataset and how each is anchored.

Positions are real where the bundled place-name layers have the name (``anchor``
says which layer and name); otherwise an approximate position is given and
labelled as such.  Outlines are real OpenStreetMap business land where the rule of
:mod:`landreg.demo.osm_landuse` finds some near the anchor, else generated around it;
plots, prices and firms are synthetic.
Notes citing "context 000" paraphrase facts from the Hell meeting notes in
``/work/shared/context/000_26ee28355e1c9e63.txt``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AreaSpec:
    """How one business area is generated.

    Attributes
    ----------
    area_id, name, municipality_no, area_type, strategic_note, nuisance_class
        As in :class:`landreg.model.BusinessArea`.
    code_prefix : str
        Prefix of its plots' codes (``TOR-001``).
    place : tuple of (dataset, name) or None
        Place name in the ``placenames`` layer (``N50``/``N1000``) or ``("stations", name)``.
    approx_xy : tuple of float or None
        Approximate position (EPSG:25832) used when ``place`` is None.
    approx_note : str
        Why the position is approximate.
    target_daa : float
        Size in decares of a generated outline; with ``mean_plot_daa`` it sets how many plots
        the area is cut into, whatever its outline.
    mean_plot_daa : float
        Typical plot size when an outline of ``target_daa`` is cut into plots.
    large_plot_daa : float
        One plot of up to this size is left whole (0: none).
    """

    area_id: str
    name: str
    municipality_no: str
    area_type: str
    code_prefix: str
    place: tuple[str, str] | None
    target_daa: float
    mean_plot_daa: float
    strategic_note: str
    nuisance_class: str
    approx_xy: tuple[float, float] | None = None
    approx_note: str = ""
    large_plot_daa: float = 0.0


AREA_SPECS: tuple[AreaSpec, ...] = (
    AreaSpec(
        "torgard",
        "Torgård",
        "5001",
        "logistics",
        "TOR",
        ("N50", "Torgarden"),
        1000,
        22,
        "The region's most important business area (context 000); locked until the rail freight "
        "terminal is decided, and a terminal here raises the need for more land south of Trondheim.",
        "D",
        large_plot_daa=320,
    ),
    AreaSpec(
        "heggstadmoen",
        "Heggstadmoen",
        "5001",
        "industry",
        "HEG",
        ("N50", "Heggstadmoen"),
        420,
        8,
        "Established industry and trade area at E6 south of Heimdal.",
        "D",
    ),
    AreaSpec(
        "tiller_sandmoen",
        "Tiller/Sandmoen",
        "5001",
        "mixed",
        "TIL",
        ("N50", "Sandmoen"),
        520,
        9,
        "Retail, trade and light industry along E6 at Tiller.",
        "C",
    ),
    AreaSpec(
        "sluppen",
        "Sluppen",
        "5001",
        "office",
        "SLU",
        ("N50", "Sluppen"),
        240,
        5,
        "Office and technology area by Nidelva, close to NTNU and the city.",
        "B",
    ),
    AreaSpec(
        "nyhavna",
        "Nyhavna",
        "5001",
        "port",
        "NYH",
        ("N50", "Nyhavna"),
        360,
        9,
        "Port and port-related industry; context 000 asks whether Norsk Stål could move from here to "
        "new land in Skaun.",
        "E",
    ),
    AreaSpec(
        "tunga",
        "Tunga",
        "5001",
        "industry",
        "TUN",
        ("N50", "Tunga"),
        520,
        8,
        "Central industry and trade area east of the city centre.",
        "D",
    ),
    AreaSpec(
        "rosten",
        "Rosten",
        "5001",
        "mixed",
        "ROS",
        ("N50", "Rosten industriområde"),
        240,
        6,
        "Mixed trade and light industry north of Heimdal.",
        "C",
    ),
    AreaSpec(
        "ranheim",
        "Ranheim",
        "5001",
        "industry",
        "RAN",
        ("N50", "Ranheim"),
        280,
        8,
        "Industry on the fjord east of Lade.",
        "D",
    ),
    AreaSpec(
        "marienborg",
        "Marienborg",
        "5001",
        "office",
        "MAR",
        ("N50", "Marienborg"),
        140,
        4,
        "Offices and workshops by the railway west of Sluppen.",
        "B",
    ),
    AreaSpec(
        "tulluan",
        "Tulluan",
        "5001",
        "industry",
        "TUL",
        ("N50", "Tulluan"),
        380,
        11,
        "Industry area at Klæbu (Trondheim since 2020; the N50 name lies in Trondheim).",
        "D",
    ),
    AreaSpec(
        "sveberg",
        "Sveberg",
        "5031",
        "logistics",
        "SVE",
        None,
        620,
        16,
        "Large new area at E6 in Malvik; context 000 fears it may become too expensive; "
        "the eastern part needs a new access road.",
        "D",
        approx_xy=(587600.0, 7031400.0),
        approx_note="approximate: no 'Sveberg' name in the bundled layers; placed near E6 south-west of "
        "Hommelvik (about 63.40 N, 10.76 E)",
        large_plot_daa=180,
    ),
    AreaSpec(
        "melhus",
        "Melhus nord",
        "5028",
        "mixed",
        "MEL",
        ("N1000", "Melhus"),
        260,
        8,
        "Trade and light industry at E6 north of Melhus centre.",
        "C",
    ),
    AreaSpec(
        "gronora",
        "Grønøra (Orkanger)",
        "5059",
        "industry",
        "GRO",
        ("N1000", "Orkanger"),
        860,
        18,
        "Port and heavy industry at Orkanger with quay and rail siding.",
        "E",
        large_plot_daa=240,
    ),
    AreaSpec(
        "buvika",
        "Buvika",
        "5029",
        "industry",
        "BUV",
        ("N1000", "Buvika"),
        240,
        9,
        "Industry at E39 in Skaun; candidate for firms moving out of Trondheim (context 000).",
        "D",
    ),
    AreaSpec("borsa", "Børsa", "5029", "industry", "BOR", ("N1000", "Børsa"), 200, 9, "Industry at E39 in Skaun.", "D"),
    AreaSpec(
        "hell_vaernes",
        "Hell/Værnes",
        "5035",
        "logistics",
        "HEL",
        ("stations", "Hell"),
        480,
        11,
        "Logistics by the airport, E6/E14 and the Meråker line.",
        "C",
    ),
    AreaSpec(
        "storen",
        "Støren",
        "5027",
        "industry",
        "STO",
        ("N1000", "Støren"),
        150,
        6,
        "Local industry at E6/Rv3 in Midtre Gauldal.",
        "D",
    ),
    AreaSpec(
        "selbu",
        "Mebonden (Selbu)",
        "5032",
        "mixed",
        "SEL",
        ("N1000", "Mebonden"),
        120,
        6,
        "Local trade and industry in Selbu.",
        "C",
    ),
    AreaSpec(
        "frosta",
        "Frosta",
        "5036",
        "mixed",
        "FRO",
        ("N1000", "Frosta kirke"),
        90,
        5,
        "Small local business area; anchored at the N1000 name 'Frosta kirke'.",
        "C",
    ),
    AreaSpec(
        "rissa", "Rissa", "5054", "industry", "RIS", ("N1000", "Rissa"), 160, 6, "Local industry in Indre Fosen.", "D"
    ),
)

#: Firm sectors by area type: (word used in the invented name, NACE code).
SECTORS: dict[str, tuple[tuple[str, str], ...]] = {
    "logistics": (("Lager", "52.10"), ("Transport", "49.41"), ("Spedisjon", "52.29"), ("Engros", "46.90")),
    "industry": (
        ("Mekaniske", "25.62"),
        ("Betongvarer", "23.61"),
        ("Trelast", "16.10"),
        ("Elektro", "43.21"),
        ("Maskinutleie", "77.32"),
    ),
    "port": (("Havnelogistikk", "52.24"), ("Fiskeeksport", "46.38"), ("Bulkhandel", "46.73")),
    "office": (("IT-konsult", "62.02"), ("Ingeniør", "71.12"), ("Programvare", "62.01")),
    "mixed": (("Bilforhandler", "45.11"), ("Byggevare", "47.52"), ("Verksted", "45.20"), ("Rørlegger", "43.22")),
}
#: A firm named in the context documents (context 000), placed at Nyhavna; its plot is synthetic.
NAMED_FIRMS: dict[str, tuple[str, str]] = {"nyhavna": ("Norsk Stål", "46.72")}
