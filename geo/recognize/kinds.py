"""Kind words: "Luhansk region", "Borno State", "Lake Chad", "River Severn", "Tabqa Dam".

News names a feature together with its kind, and the kind says which of a name's places is
meant: "Luhansk region" is the oblast, not the city of Luhansk; "Tay" alone may be anything,
"River Tay" is a river. The recogniser keeps name and kind together as one span, and the
resolver (a later stage, which imports this table) looks the bare name up and prefers
places of that kind. One table, so that both stages agree on what a kind word is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

# GeoNames feature codes of first- to third-level divisions and regions.
_ADMIN = frozenset({"ADM1", "ADM2", "ADM3", "ADM1H", "ADM2H", "ADMD", "RGN", "TERR", "ZN"})


@dataclass(frozen=True, slots=True)
class Kind:
    codes: frozenset[str]  # feature codes of this kind of place
    strict: bool  # only places of this kind (a river is never a town); else a preference
    # Whether a place of another kind listed under the very same name keeps its chance ("Mount
    # Sheridan" the suburb). Not in Arabic: a region named after a sea is written with its
    # unit word ("ولاية البحر الأحمر"), so a bare "البحر الأحمر" is the sea.
    exact_names_stay: bool = True


_WATER = Kind(frozenset({"STM", "STMS", "STMI", "STMX", "CNL", "WAD"}), True)
_LAKE = Kind(frozenset({"LK", "LKS", "LKI", "LKN", "LGN", "RSV", "LKSI"}), True)
_MOUNT = Kind(frozenset({"MT", "MTS", "VLC", "PK", "PKS", "HLL", "HLLS", "RDGE", "UPLD", "PLAT"}), True)
_REGION = Kind(_ADMIN, False)

# The word after the name ("Kursk region") ...
KIND_AFTER: dict[str, Kind] = {
    **{w: _REGION for w in ("region", "province", "governorate", "oblast", "state", "prefecture",
                            "department", "krai", "raion", "county", "division", "territory")},
    **{w: _WATER for w in ("river", "wadi", "canal")},
    "valley": Kind(frozenset({"VAL", "VALS", "RGN", "PLN"}), True),
    "lake": _LAKE,
    "lagoon": _LAKE,
    "reservoir": _LAKE,
    "dam": Kind(frozenset({"DAM", "RSV", "LK"}), True),
    "crossing": Kind(frozenset({"PSTB", "BDG", "PPL", "PPLA", "PPLA2", "PPLA3", "PPLL"}), False),
    "strait": Kind(frozenset({"STRT"}), True),
    "gulf": Kind(frozenset({"GULF", "BAY"}), True),
    "sea": Kind(frozenset({"SEA"}), True),
    "camp": Kind(frozenset({"CMP", "CMPRF", "PPL", "PPLX"}), False),
    "camps": Kind(frozenset({"CMP", "CMPRF", "PPL", "PPLX"}), False),
    "mountains": _MOUNT,
    "mountain": _MOUNT,
    "hills": _MOUNT,
    "range": _MOUNT,
    "forest": Kind(frozenset({"FRST", "RESF", "RGN", "PRK"}), False),
    "island": Kind(frozenset({"ISL", "ISLS", "ATOL"}), True),
}
# ... or before it ("Lake Chad", "River Tay", "Mount Merapi", "Strait of Hormuz").
KIND_BEFORE: dict[str, Kind] = {
    "lake": _LAKE,
    "river": _WATER,
    "mount": _MOUNT,
    "mt": _MOUNT,
    "strait of": KIND_AFTER["strait"],
    "gulf of": KIND_AFTER["gulf"],
    "sea of": KIND_AFTER["sea"],
    "lake of": _LAKE,
}
# French feature words before the name ("le lac Tchad", "le fleuve Niger", "le golfe de
# Guinée"): only the resolver reads them (the English recogniser's spans never start so).
FRENCH_KIND_BEFORE: dict[str, Kind] = {
    "lac": _LAKE, "fleuve": _WATER, "rivière": _WATER, "golfe": KIND_AFTER["gulf"],
    "détroit": KIND_AFTER["strait"], "mer": KIND_AFTER["sea"],
}
# Arabic feature words that open a name ("البحر الأحمر", "نهر الفرات", "جزيرة كمران"): only
# the resolver reads them; Arabic has no capitals, so any Arabic word may follow.
ARABIC_KIND_BEFORE: dict[str, Kind] = {
    word: replace(kind, exact_names_stay=False) for words, kind in (
        (("البحر", "بحر"), KIND_AFTER["sea"]), (("بحيرة",), _LAKE), (("نهر",), _WATER),
        (("جبل", "جبال"), _MOUNT), (("خليج", "الخليج"), KIND_AFTER["gulf"]),
        (("مضيق",), KIND_AFTER["strait"]), (("جزيرة",), KIND_AFTER["island"]))
    for word in words
}
_AFTER = re.compile(r"^(?P<name>.+?)[\s-]+(?P<kind>" + "|".join(KIND_AFTER) + r")$", re.IGNORECASE)
_BEFORE = re.compile(r"^(?:the\s+)?(?P<kind>" + "|".join(KIND_BEFORE) + r")\s+(?P<name>.+)$", re.IGNORECASE)
_FRENCH_BEFORE = re.compile(r"^(?P<kind>" + "|".join(FRENCH_KIND_BEFORE) + r")\s+"
                            r"(?:(?:de\s+la|de|du|des)\s+|d['\u2019]|l['\u2019])?(?P<name>.+)$", re.IGNORECASE)
_ARABIC_BEFORE = re.compile(r"^(?P<kind>" + "|".join(ARABIC_KIND_BEFORE) + r")\s+(?P<name>[\u0621-\u064a].*)$")


@lru_cache(maxsize=65536)
def split_kind(text: str) -> tuple[str, Kind] | None:
    """("Luhansk", region kind) for "Luhansk region"; None when no kind word frames the name.

    The name must keep a capital letter ("the Valley" is no kind-framed name). Cached: the
    resolver asks for every mention.
    """
    for pattern, table in ((_AFTER, KIND_AFTER), (_BEFORE, KIND_BEFORE), (_FRENCH_BEFORE, FRENCH_KIND_BEFORE)):
        m = pattern.match(text.strip())
        if m and m.group("name")[:1].isupper():
            return m.group("name"), table[" ".join(m.group("kind").lower().split())]
    m = _ARABIC_BEFORE.match(text.strip())
    return (m.group("name"), ARABIC_KIND_BEFORE[m.group("kind")]) if m else None


__all__ = ["ARABIC_KIND_BEFORE", "FRENCH_KIND_BEFORE", "KIND_AFTER", "KIND_BEFORE", "Kind", "split_kind"]
