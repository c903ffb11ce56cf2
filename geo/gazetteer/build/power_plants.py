"""Power stations and hydroelectric dams: the infrastructure war and disaster news names.

Reads: `awesome_panel/assets/csv/global_power_plant_database.csv` from the PyPI wheel
`awesome-panel` 20221019.3 (package MIT), downloaded, never installed: the World Resources
Institute's Global Power Plant Database 1.3.0 (29,910 plants with name, fuel, capacity and
coordinates; data CC BY 4.0, attribution required).
Rows: `gppd:<gppd_idnr>`, source `wri-gppd`, for every nuclear plant and every other plant of
`MIN_MW` or more: S/PSN nuclear, S/DAM hydro (a hydro plant that big is its dam: "Mosul
Dam", "Kakhovka dam"), S/PS the rest.

Many plants are named after their town ("Kursk", "Bushehr", "Zaporozhye"): a row never
carries such a bare name, only the name with its kind ("Kursk Nuclear Power Plant",
"Kakhovka Dam"), so that it can never take a mention of the town.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from geo.gazetteer.build.common import clean_alts, is_latin, row
from geo.gazetteer.normalize import normalize as normalise

GPPD_PYPI = "awesome-panel==20221019.3"
GPPD_MEMBER = "awesome_panel/assets/csv/global_power_plant_database.csv"
MIN_MW = 250.0  # big enough for news, small enough for the gazetteer's 30 MB

# What a plant's name says about its kind, dropped to find the core name ("Kajaki").
_KIND_WORDS = re.compile(
    r"\b(nuclear|hydro(?:electric|power)?|hydel|thermal|combined cycle|ccgt|ocgt|chpp|chp|"
    r"power|plant|station|stations|generating|generation|energy|centre|center|facility|project|"
    r"complex|dam|hpp|npp|tpp|gres|tec|tes|ges|aes|pltu|pltg|pltgu|plta|kraftwerk|centrale|"
    r"central|termoel[eé]ctrica|usina|santrali|llc|inc|ltd|co|company|corporation|units?)\b\.?",
    re.I)
_SUFFIX_TAGS = re.compile(r"\s*(\*|[-,]|\b(?:I{1,3}|IV|V|VI|[0-9]+)\b)\s*$")
_PARENS = re.compile(r"\s*\(([^)]*)\)")
_KIND_IN_NAME = re.compile(r"\b(power|plant|station|dam|hydro\w*|nuclear|energy|farm|"
                           r"park|project|facility|complex|centre|center)\b", re.I)

_PHRASES = {
    "PSN": ("Nuclear Power Plant", "Nuclear Power Station", "nuclear plant", "NPP"),
    "DAM": ("Dam", "Hydroelectric Power Plant", "hydroelectric dam", "HPP"),
    "PS": ("Power Plant", "Power Station"),
}


def _strip_country(text: str, countries: tuple[str, ...]) -> str:
    for country in countries:
        if country and text.endswith(" " + country):
            return text[: -len(country) - 1]
    return text


def core_names(name: str, countries: tuple[str, ...] = ()) -> list[str]:
    """The name without its kind words, country and unit tags, and the name in brackets:
    "Kajaki Hydroelectric Power Plant Afghanistan" -> ["Kajaki"], "Teshreen (Tishrin)
    Hydroelectric Power Project Syria" -> ["Teshreen", "Tishrin"], "Hoover Dam (AZ)" ->
    ["Hoover"] (a bracketed code is no name)."""
    text = name.strip()
    if text.isupper():
        text = text.title()
    bracketed = [b.strip() for b in _PARENS.findall(text)]
    out = []
    for part in [_PARENS.sub(" ", text), *bracketed]:
        part = _KIND_WORDS.sub(" ", _strip_country(part.strip(), countries))
        part = _strip_country(" ".join(part.split()), countries)
        while True:
            shorter = _SUFFIX_TAGS.sub("", part).strip()
            if shorter == part:
                break
            part = shorter
        part = " ".join(part.split()).strip(" -,")
        if len(part) >= 3 and sum(ch.isalpha() for ch in part) >= 3 and part not in out:
            out.append(part)
    return out


def plant_code(fuel: str) -> str:
    return {"Nuclear": "PSN", "Hydro": "DAM"}.get(fuel, "PS")


def plant_names(name: str, countries: tuple[str, ...], code: str) -> tuple[str, list[str]]:
    """(main name, aliases): each core name with each way news names that kind of plant,
    and the source's own name when it already says what it is."""
    phrases = [f"{core} {p}" for core in core_names(name, countries) for p in _PHRASES[code]]
    own = _strip_country(_PARENS.sub("", name).strip().rstrip("*").strip(), countries)
    if own.isupper():
        own = own.title()
    if _KIND_IN_NAME.search(own):
        phrases.append(own)
    if not phrases:
        return "", []
    return phrases[0], phrases[1:]


def load_plants(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def plant_rows(plants: list[dict], blocked: set[str]) -> list[dict]:
    """A row per nuclear plant and per plant of `MIN_MW` or more whose name says what it is
    once its kind is added; names shared by plants of one country go to the biggest."""
    iso2, countries = country_names()
    taken: set[tuple[str, str]] = set()
    rows = []
    for p in sorted(plants, key=lambda p: (-float(p["capacity_mw"] or 0), p["gppd_idnr"])):
        mw = float(p["capacity_mw"] or 0)
        if p["primary_fuel"] != "Nuclear" and mw < MIN_MW:
            continue
        cc = iso2.get(p["country"], "")
        names = (p["country_long"], *countries.get(p["country"], ()))
        if not cc or not is_latin(p["name"]):
            continue
        code = plant_code(p["primary_fuel"])
        main, alts = plant_names(p["name"], names, code)
        if not main or normalise(main) in blocked or (cc, normalise(main)) in taken:
            continue
        alts = [a for a in clean_alts(main, alts, keep_codes=True)
                if normalise(a) not in blocked and (cc, normalise(a)) not in taken]
        taken.update((cc, normalise(n)) for n in [main, *alts])
        rows.append(row(id=f"gppd:{p['gppd_idnr']}", name=main, alt_names=alts,
                        lat=p["latitude"], lon=p["longitude"], feature_class="S",
                        feature_code=code, country_code=cc, source="wri-gppd"))
    return rows


def country_names() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """ISO alpha-3 -> alpha-2, and alpha-3 -> the country's names (pycountry), to strip
    "... Power Project Syria" down to the plant's own name."""
    import pycountry
    iso2, names = {}, {}
    for c in pycountry.countries:
        iso2[c.alpha_3] = c.alpha_2
        forms = [getattr(c, a, "") for a in ("common_name", "name", "official_name")]
        names[c.alpha_3] = tuple(dict.fromkeys(f.split(",")[0] for f in forms if f))
    return iso2, names
