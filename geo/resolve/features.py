"""Candidate -> numbers: what the ranker (`geo.resolve.ranker`) learns from.

Two groups, read by two passes. `own_rows` says what a candidate is and how it was found,
with nothing of the rest of the story: its kind of place, population, how the name matched,
what else the same name could be, and the words around the mention. `Context.rows` then
says how the candidate agrees with the story, given what the first pass thought of every
other name: the countries and first-level regions the other names point at, how close it
lies to their likely places, a parent named beside it ("Paris, Tex."), the story's first
place (a dateline or the lede), and the source's usual regions.

No weights live here: only which facts are worth telling the model. The word groups
(`CUES`) are the vocabulary news uses to say what kind of place a name is; which kind of
candidate each word favours, and by how much, is learnt.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from geo.distance import EARTH_RADIUS_KM
from geo.gazetteer.normalize import normalize
from geo.gazetteer.schema import COUNTRY_CODES
from geo.recognize.kinds import split_kind
from geo.resolve.retrieve import EXACT, FRAMED, FUZZY, LOOSE, Option
from geo.resolve.source_locale import Locale
from geo.types import Mention

# Kinds of place, by GeoNames feature code; a code not listed goes by its feature class.
KINDS: dict[str, frozenset[str]] = {
    "country": COUNTRY_CODES,
    "continent": frozenset({"CONT"}),
    "water": frozenset({"OCN", "SEA", "GULF", "BAY", "STRT", "SD", "CHN", "INLT", "LGN", "FJD"}),
    "region": frozenset({"RGN", "RGNE", "RGNH", "AREA", "ZN", "PEN", "DSRT", "PLN", "VAL", "VALS",
                         "PLAT", "UPLD", "DLTA", "CAPE", "FRST", "PRK", "GRGE", "CNYN"}),
    "adm1": frozenset({"ADM1", "ADM1H"}),
    "adm2": frozenset({"ADM2", "ADM2H"}),
    "adm3": frozenset({"ADM3", "ADM4", "ADM5", "ADMD", "ADM3H"}),
    "capital": frozenset({"PPLC", "PPLCH"}),
    "seat1": frozenset({"PPLA"}),
    "seat2": frozenset({"PPLA2"}),
    "seat3": frozenset({"PPLA3", "PPLA4", "PPLA5", "PPLG"}),
    "river": frozenset({"STM", "STMS", "STMI", "STMX", "CNL", "WAD"}),
    "lake": frozenset({"LK", "LKS", "LKI", "LKN", "RSV", "LKSI"}),
    "island": frozenset({"ISL", "ISLS", "ATOL", "ISLT"}),
    "mountain": frozenset({"MT", "MTS", "PK", "PKS", "HLL", "HLLS", "RDGE", "VLC"}),
    "base": frozenset({"AIRB", "MILB", "NVB", "INSM"}),
    "airport": frozenset({"AIRP", "AIRF", "AIRH"}),
    "crossing": frozenset({"PSTB", "BDG", "BDGQ"}),
    "works": frozenset({"DAM", "PS", "PSH", "PSN", "MFG", "MN", "OILR", "PRT"}),
}
BY_CLASS = {"P": "town", "A": "adm3", "H": "water", "T": "mountain", "L": "region", "V": "region",
            "S": "works", "R": "works", "U": "water"}
KIND_NAMES = [*KINDS, "town"]
_KIND_OF = {code: kind for kind, codes in KINDS.items() for code in codes}
# Areas whose point says little about where in them the story is: no nearness for them.
AREAS = frozenset({"country", "continent", "water", "region", "adm1"})
BIG = frozenset({"country", "continent", "water", "region", "adm1", "island", "mountain"})

# Words that say what kind of place a name is ("Idlib province", "the port of Tartus").
CUES: dict[str, tuple[str, ...]] = {
    "region": ("province", "governorate", "state", "region", "oblast", "prefecture", "department",
               "territory", "krai", "provincial", "regional"),
    "county": ("county", "parish", "district", "borough", "municipality", "raion", "township"),
    "city": ("city", "town", "village", "capital", "suburb", "neighbourhood", "neighborhood",
             "downtown", "mayor", "residents", "streets"),
    "water": ("river", "sea", "lake", "gulf", "strait", "coast", "waters", "bay", "ocean", "dam"),
    "base": ("base", "airbase", "airfield", "naval", "port", "harbour", "harbor", "military"),
    "airport": ("airport", "flight", "flights"),
    "border": ("border", "crossing", "checkpoint", "frontier"),
    "mountain": ("mountain", "mountains", "range", "hills", "valley", "island", "islands"),
    "nation": ("country", "nation", "government", "president", "ministry", "embassy", "national",
               "nationwide", "minister", "countries"),
}
_CUE_OF = {w: k for k, words in CUES.items() for w in words}
_WORD = re.compile(r"[A-Za-z]+")
CUE_WINDOW = 3  # words each side
_COUNTY_WORD = re.compile(r"\b(?:county|parish|borough|district|co)\b", re.IGNORECASE)
_PARENT = re.compile(r"^\s*(?:,|\bin\b|\bof\b|\(|,\s*in\b)\s*$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^['\u2019]s\s+$")

OWN = [
    *(f"kind_{k}" for k in KIND_NAMES),
    "log_population", "population_gap", "population_rank", "options", "option_countries",
    "match", "similarity", "similarity_gap", "of_kind", "alias_is_main_name", "demonym_alias", "demonym_mention",
    "name_is_country", "name_is_big_area", "name_is_adm1", "seat_of_named_region",
    "capital_of_named_region", "county_word_in_alias", "online", "mention_upper", "mention_line_start",
    *(f"cue_{k}" for k in CUES),
]
CONTEXT = [
    "first_pass", "first_pass_share", "first_pass_rank", "country_support", "admin1_support",
    "near", "near_wide", "parent_agrees", "has_parent", "story_opening", "locale_admin1",
    "locale_country", "domain_country", "names_in_story",
    # how far each is below the best of the same mention's candidates: pointwise scores
    # compete through these ("Paris" in a Texas story: Paris, France has no support at all)
    "country_support_gap", "admin1_support_gap", "near_gap", "near_wide_gap",
]
NEAR_KM = (50.0, 300.0)  # the two scales of closeness (exp(-d / km))
NEAR_TOP = 8  # senses of each other name considered


def kind_of(code: str, feature_class: str) -> str:
    return _KIND_OF.get(code) or BY_CLASS.get(feature_class, "town")


def own_rows(text: str, mention: Mention, options: Sequence[Option]) -> np.ndarray:
    """One row per option of `mention`: `OWN` features."""
    n = len(options)
    out = np.zeros((n, len(OWN)), dtype=np.float32)
    if not n:
        return out
    col = {name: i for i, name in enumerate(OWN)}
    places = [o.candidate.place for o in options]
    kinds = [kind_of(p.feature_code, p.feature_class) for p in places]
    pops = np.array([math.log10(p.population + 1) for p in places], dtype=np.float32)
    exact = [o.match == EXACT and not o.candidate.demonym for o in options]
    regions = {(p.country_code, p.admin1) for p, k, e in zip(places, kinds, exact) if k == "adm1" and e}
    cues = _cues(text, mention)
    shared = {
        "options": math.log1p(n),
        "option_countries": len({p.country_code for p in places}),
        "demonym_mention": float(mention.demonym),
        "name_is_country": float(any(k == "country" and e for k, e in zip(kinds, exact))),
        "name_is_big_area": float(any(k in BIG and e for k, e in zip(kinds, exact))),
        "name_is_adm1": float(bool(regions)),
        "mention_upper": float(mention.text.isupper() and len(mention.text) > 2),
        "mention_line_start": float(mention.start == 0 or text[mention.start - 1] == "\n"),
        **{f"cue_{k}": float(k in cues) for k in CUES},
    }
    for name, value in shared.items():
        out[:, col[name]] = value
    order = np.argsort(-pops, kind="stable")
    out[order, col["population_rank"]] = np.arange(n)
    out[:, col["log_population"]] = pops
    out[:, col["population_gap"]] = pops.max() - pops
    similarity = np.array([o.similarity for o in options], dtype=np.float32)
    out[:, col["similarity_gap"]] = similarity.max() - similarity
    written = normalize(mention.text)
    for i, (o, p, kind) in enumerate(zip(options, places, kinds)):
        row = out[i]
        row[col[f"kind_{kind}"]] = 1.0
        row[col["match"]] = o.match
        row[col["similarity"]] = o.similarity
        row[col["of_kind"]] = float(o.of_kind)
        alias = normalize(o.candidate.alias)
        row[col["alias_is_main_name"]] = float(alias == normalize(p.name) or (alias == written and o.match == FRAMED))
        row[col["demonym_alias"]] = float(o.candidate.demonym)
        in_region = (p.country_code, p.admin1) in regions
        row[col["seat_of_named_region"]] = float(kind in ("seat1", "capital") and in_region)
        row[col["capital_of_named_region"]] = float(kind == "capital" and any(cc == p.country_code for cc, _ in regions))
        row[col["county_word_in_alias"]] = float(bool(_COUNTY_WORD.search(o.candidate.alias)))
        row[col["online"]] = float(p.source.startswith("geopy:"))
    return out


def _cues(text: str, mention: Mention) -> set[str]:
    before = _WORD.findall(text[max(0, mention.start - 60): mention.start])[-CUE_WINDOW:]
    after = _WORD.findall(text[mention.end: mention.end + 60])[:CUE_WINDOW]
    inside = _WORD.findall(mention.text)[1:] + _WORD.findall(mention.text)[:1]  # "Idlib province"
    return {_CUE_OF[w] for w in (w.lower() for w in (*before, *after, *inside)) if w in _CUE_OF}


class Context:
    """One story's candidates, flattened, for the `CONTEXT` features of every row at once.

    Each other name votes for countries and first-level regions with the first pass's
    probabilities of its candidates (a name whose candidates are all unlikely votes little);
    the name's own candidates never vote for themselves. Names matched only loosely or by a
    near-miss spelling are no evidence: a guess at a spelling says nothing of the story.
    """

    def __init__(self, text: str, mentions: Sequence[Mention], options: Sequence[Sequence[Option]],
                 locale: Locale | None = None):
        self.n = sum(len(o) for o in options)
        owner = np.repeat(np.arange(len(mentions)), [len(o) for o in options])
        self.owner = owner
        keys = [normalize(m.text) for m in mentions]
        ids: dict[str, int] = {}
        for k in keys:
            ids.setdefault(k, len(ids))
        self.names = len(ids)
        self.name_of_row = np.array([ids[keys[i]] for i in owner], dtype=np.int64)
        # Each name votes once, through its first mention.
        first = {ids[k]: i for i, k in reversed(list(enumerate(keys)))}
        self.voter = np.array([first[ids[keys[i]]] == i for i in owner], dtype=bool)
        flat = [o for opts in options for o in opts]
        places = [o.candidate.place for o in flat]
        loose = np.array([o.match in (LOOSE, FUZZY) for o in flat], dtype=bool)
        self.voter &= ~loose
        kinds = [kind_of(p.feature_code, p.feature_class) for p in places]
        self.country = _codes([p.country_code for p in places])
        self.admin1 = _codes([f"{p.country_code}.{p.admin1}" if p.admin1 and k != "country" else ""
                              for p, k in zip(places, kinds)])
        self.pointlike = np.array([k not in AREAS for k in kinds], dtype=bool)
        self.lat = np.radians([p.lat for p in places]) if places else np.zeros(0)
        self.lon = np.radians([p.lon for p in places]) if places else np.zeros(0)
        # A framed name ("Kharkiv region") is not near the city it is named after.
        bare = [split_kind(m.text) if " " in m.text else None for m in mentions]
        self.bare_of_row = np.array([ids.get(normalize(bare[i][0]), -1) if bare[i] else -1 for i in owner],
                                    dtype=np.int64)
        self.parent_agrees, self.has_parent = self._parents(text, mentions, options, places, kinds)
        self.opening = self._opening(mentions)
        self.places = places
        self.locale = np.zeros((self.n, 3))
        if locale is not None:
            self.set_locale(locale)

    def set_locale(self, locale: Locale) -> None:
        """The source's locale (`geo.resolve.source_locale`): the regions of its earlier
        places, and its domain's country."""
        by_country: dict[str, float] = {}
        for key, share in locale.regions.items():
            by_country[key.split(".")[0]] = by_country.get(key.split(".")[0], 0.0) + share
        self.locale = np.array([(locale.regions.get(f"{p.country_code}.{p.admin1}", 0.0),
                                 by_country.get(p.country_code, 0.0),
                                 float(bool(p.country_code) and p.country_code == locale.country))
                                for p in self.places]).reshape(self.n, 3)

    def rows(self, first_pass: np.ndarray) -> np.ndarray:
        """`CONTEXT` features of every row, given the first pass's probability of each."""
        out = np.zeros((self.n, len(CONTEXT)), dtype=np.float32)
        if not self.n:
            return out
        p = np.asarray(first_pass, dtype=np.float64)
        mentions = self.owner.max() + 1
        total = np.zeros(mentions)
        np.add.at(total, self.owner, p)
        top = np.zeros(mentions)
        np.maximum.at(top, self.owner, p)
        weight = p / np.maximum(1.0, total[self.owner])  # a name's vote sums to at most 1
        rank = np.zeros(self.n)
        for m in range(mentions):
            rows = np.flatnonzero(self.owner == m)
            rank[rows[np.argsort(-p[rows], kind="stable")]] = np.arange(len(rows))
        others = max(1, self.names - 1)
        out[:, 0] = p
        out[:, 1] = p / np.maximum(top[self.owner], 1e-9)
        out[:, 2] = rank
        out[:, 3] = self._support(self.country, weight) / others
        out[:, 4] = self._support(self.admin1, weight) / others
        out[:, 5], out[:, 6] = self._near(weight)
        out[:, 7] = self.parent_agrees
        out[:, 8] = self.has_parent
        out[:, 9] = self._opening_share(weight)
        out[:, 10:13] = self.locale
        out[:, 13] = math.log1p(self.names)
        for k, column in enumerate((3, 4, 5, 6)):
            best = np.zeros(mentions)
            np.maximum.at(best, self.owner, out[:, column])
            out[:, 14 + k] = best[self.owner] - out[:, column]
        return out

    def _support(self, codes: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Per row: the other names' votes for the row's code (0 for no code)."""
        size = codes.max() + 1
        by_name = np.zeros((self.names, size))
        voting = self.voter & (codes > 0)
        np.add.at(by_name, (self.name_of_row[voting], codes[voting]), weight[voting])
        support = by_name.sum(axis=0)[codes] - by_name[self.name_of_row, codes]
        return np.where(codes > 0, support, 0.0)

    def _near(self, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row: the mean over the other names of their likeliest sense's closeness
        (weight x exp(-km / scale)), at each of the `NEAR_KM` scales. Places cluster in a
        story: "Edmonton" next to "Enfield" is the London district, not the Canadian city."""
        senses = []
        for name in range(self.names):
            rows = np.flatnonzero(self.voter & self.pointlike & (self.name_of_row == name))
            senses += sorted(rows, key=lambda r: -weight[r])[:NEAR_TOP]
        zero = np.zeros(self.n)
        if not senses:
            return zero, zero
        senses = np.array(sorted(senses, key=lambda r: (self.name_of_row[r], r)))
        sense_name = self.name_of_row[senses]
        lat, lon = self.lat[:, None], self.lon[:, None]
        a = (np.sin((self.lat[senses] - lat) / 2) ** 2
             + np.cos(lat) * np.cos(self.lat[senses]) * np.sin((self.lon[senses] - lon) / 2) ** 2)
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        excluded = (sense_name[None, :] == self.name_of_row[:, None]) | (sense_name[None, :] == self.bare_of_row[:, None])
        starts = np.flatnonzero(np.diff(sense_name, prepend=-1))
        named = len(starts)
        own = np.zeros(self.n)
        for s in starts:
            own += excluded[:, s]
        others = np.maximum(1.0, named - own)
        out = []
        for scale in NEAR_KM:
            closeness = np.where(excluded, 0.0, weight[senses][None, :] * np.exp(-km / scale))
            best = np.maximum.reduceat(closeness, starts, axis=1).sum(axis=1) / others
            out.append(np.where(self.pointlike & (named - own > 0), best, 0.0))
        return out[0], out[1]

    def _parents(self, text, mentions, options, places, kinds) -> tuple[np.ndarray, np.ndarray]:
        """"X, Y" / "X in Y" / "Y's X": the countries and regions Y may be, for X's rows."""
        keys: dict[int, set[str]] = {}
        for i in range(len(mentions) - 1):
            a, b = mentions[i], mentions[i + 1]
            between = text[a.end:b.start]
            if _POSSESSIVE.match(between):
                child, parent = i + 1, i  # "Burkina Faso's Sahel region"
            elif _PARENT.match(between):
                child, parent = i, i + 1
            else:
                continue
            found = set()
            for o in options[parent]:
                p = o.candidate.place
                kind = kind_of(p.feature_code, p.feature_class)
                if kind == "country":
                    found.add(p.country_code)
                elif kind == "adm1":
                    found.add(f"{p.country_code}.{p.admin1}")
            if found:
                keys[child] = found
        agrees = np.zeros(self.n)
        has = np.zeros(self.n)
        for r, (m, p) in enumerate(zip(self.owner, places)):
            if m in keys:
                has[r] = 1.0
                agrees[r] = float(p.country_code in keys[m] or f"{p.country_code}.{p.admin1}" in keys[m])
        return agrees, has

    def _opening(self, mentions: Sequence[Mention]) -> int:
        """The name that opens the story (a dateline, the lede's first place): -1 if none
        comes within its first 150 characters."""
        if mentions and mentions[0].start < 150:
            return int(self.name_of_row[self.owner == 0][0]) if (self.owner == 0).any() else -1
        return -1

    def _opening_share(self, weight: np.ndarray) -> np.ndarray:
        if self.opening < 0:
            return np.zeros(self.n)
        rows = self.voter & (self.name_of_row == self.opening) & (self.country > 0)
        share = np.zeros(self.country.max() + 1)
        np.add.at(share, self.country[rows], weight[rows])
        return np.where(self.name_of_row == self.opening, 0.0, share[self.country])


def _codes(values: Sequence[str]) -> np.ndarray:
    """Small integer codes of strings within one story; "" is 0."""
    ids: dict[str, int] = {"": 0}
    return np.array([ids.setdefault(v, len(ids)) for v in values], dtype=np.int64)
