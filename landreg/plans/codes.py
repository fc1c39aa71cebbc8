"""SOSI plan code lists that the plan import uses (plan status, hensynssone codes).

Source: the SOSI Plan 5.0 UML model (Geonorge objektkatalog, SOSI Produktspesifikasjoner ›
Kommunal- og distriktsdepartementet › Plandata), packages ``Arealplan`` (enumeration
``Planstatus``) and ``Plankart felles::Pbl2008`` (``BåndleggingSoneType``, ``FareSoneType``):
https://objektkatalog.geonorge.no/ .  The arealformål codes are in
``landreg/io/mappings/sosi-arealformal.toml`` with their own citation.
"""

from __future__ import annotations

from landreg.model.enums import PlanStatus

#: planstatus code -> (name, landreg plan status); None: the plan is not in force and is not imported.
PLAN_STATUS: dict[int, tuple[str, PlanStatus | None]] = {
    0: ("Planinitiativ", PlanStatus.IN_PROGRESS),
    1: ("Planlegging igangsatt", PlanStatus.IN_PROGRESS),
    2: ("Planforslag", PlanStatus.IN_PROGRESS),
    3: ("Endelig vedtatt arealplan", PlanStatus.ADOPTED),
    4: ("Opphevet", None),
    5: ("Utgått/erstattet", None),
    6: ("Vedtatt plan med utsatt rettsvirkning", PlanStatus.ADOPTED),
    8: ("Overstyrt", None),
    9: ("Avvist", None),
    10: ("Trukket/uaktuelt", None),
}

#: Båndlegging codes (hensynssone, pbl. § 11-8 tredje ledd bokstav d).
BANDLEGGING: dict[int, str] = {
    700: "Båndlegging - generalisert (utgått)",
    710: "Båndlegging for regulering etter pbl.",
    720: "Båndlegging etter naturvernloven",
    730: "Båndlegging etter kulturminneloven",
    735: "Båndlegging etter markaloven",
    740: "Båndlegging etter andre lover",
    750: "Båndlegging etter vegloven",
}

#: Faresone codes (hensynssone for fare, pbl. § 11-8 tredje ledd bokstav a).
FARESONE: dict[int, str] = {
    310: "Ras- og skredfare",
    320: "Flomfare",
    330: "Radon",
    350: "Brann-/eksplosjonsfare",
    360: "Skytebane",
    370: "Høyspenningsanlegg (inkl høyspentkabler)",
    380: "Sone for militær virksomhet",
    390: "Annen fare",
}
