"""Mentions -> places: rank each mention's gazetteer candidates by what the document says.

Retrieve, then rank, in two passes. The first pass scores candidates on priors alone
(feature type, population, whether the alias is the entry's main name, the words around the
mention: "airbase", "province"); the second adds the document's context: how much of the
rest of the document points at each country and first-level region, how close the candidate
lies to the other names' likely places, parent patterns ("Alexandria, La.", "Aleppo in
Syria"), and the source's usual regions (`geo.resolve.source_locale`). A mention whose best candidate stays
implausible gets no place: a missing marker is better than a wrong one.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz.fuzz import ratio

from geo.distance import EARTH_RADIUS_KM
from geo.gazetteer.index import COUNTRY_CODES, Gazetteer
from geo.gazetteer.normalize import normalize
from geo.recognize.kinds import split_kind
from geo.resolve.excerpts import Sentences
from geo.resolve.stretch import follow_story
from geo.types import Candidate, Mention, Place, Resolution

# Prior weight of a feature code: how readily news means this kind of place by a bare name.
TYPE_PRIOR = {
    **{code: 4.0 for code in COUNTRY_CODES},
    "CONT": 4.0, "OCN": 3.5, "SEA": 3.0, "GULF": 2.0, "RGN": 2.5, "ADM1": 3.0,
    "PPLC": 2.5, "PPLA": 1.5, "PPLA2": 0.8, "PPLA3": 0.3, "ADM2": 1.5,
    "MTS": 1.5, "DSRT": 1.5, "STM": 1.0, "PEN": 1.5, "ISL": 1.0, "ISLS": 1.5,
    "AIRB": 1.5, "NVB": 1.5, "PSTB": 1.0, "AIRP": 0.5,
}
# Words near a mention that say what kind of place it is.
CUE_WORDS = {
    "AIRB": ("airbase", "air base", "airfield", "air field", "base"),
    "AIRP": ("airport",),
    "NVB": ("naval", "port", "base"),
    "ADM1": ("province", "governorate", "state", "region", "oblast"),
    "ADM2": ("county", "parish", "district", "borough"),
    "STM": ("river",),
    "MTS": ("mountains", "mountain", "range"),
    "PSTB": ("crossing", "border"),
}
_PARENT = re.compile(r"^\s*(?:,|\bin\b|\bof\b|\(|,\s*in\b)\s*$", re.IGNORECASE)
_MAY_NAME_KIND = re.compile(r"\s")  # a kind word needs a second word: skip the rest fast
_POSSESSIVE = re.compile(r"^['\u2019]s\s+$")
_COUNTY_WORD = re.compile(r"\b(?:county|parish|borough|district|co)\b", re.IGNORECASE)
# Places whose point says little about where the story is: no nearness for them.
_AREAS = frozenset({"CONT", "RGN", "OCN", "SEA", "ADM1"})

# Weights, tuned on the dev halves of LGL, TR-News and GeoVirus (`geo eval`, README).
MIN_SCORE = 1.0  # below this the resolver abstains
POP_WEIGHT = 0.5  # per decade of population
MAIN_NAME_BONUS = 0.75  # the alias is the entry's main name
DEMONYM_BONUS = 1.0  # "Syrian" matched as a demonym of Syria
CUE_BONUS = 3.0  # the words around say this kind of place ("Hmeimim airbase")
ONLINE_PRIOR = 1.0  # an online geocoder's answer, asked for by the user
BARE_COUNTY_PENALTY = 2.0  # "Monroe" for Monroe County
CITY_OVER_REGION = 2.0  # "Vienna" the city over Vienna the state
TOWN_NAMED_LIKE_COUNTRY = 3.0  # Russia, New York, when a country "Russia" exists
SMALL_TOWN_VS_AREA = 1.5  # Luzon the village, when the island Luzon exists
SMALL_TOWN = 5000
BIG_AREAS = frozenset({"ISL", "ISLS", "RGN", "ADM1", "PEN", "MTS", "SEA", "OCN", "CONT", "GULF", "DSRT"})
COUNTRY_WEIGHT = 6.0  # x share of the other names pointing at the country
ADMIN1_WEIGHT = 16.0  # x share pointing at the first-level region
PARENT_WEIGHT = 6.0  # "X, Y" / "X in Y" where Y may contain X
LOCALE_WEIGHT = 0.3  # the source's usual regions, as a share of a name's vote
NEAR_WEIGHT = 32.0  # x mean closeness to the other names' likeliest senses
NEAR_KM = 50.0  # closeness halves every ~35 km (exp(-d / NEAR_KM))
NEAR_TOP = 8  # senses of each other name considered
CAPITAL_BONUS = 3.0
CAPITAL_MIN_SUPPORT = 0.05
KIND_BONUS = 6.0  # "Luhansk region": the oblast, not the city (the mention names the kind)
TRANSLIT_PENALTY = 2.5  # matched only through the transliteration key ("Tel Abyad" ~ "Tall Abyaḑ")
LOOSE_SPELLING = 10.0  # and a point less per 10 points of spelling dissimilarity (rapidfuzz ratio)
# A loose key collides across the world ("Ras al-Ain" folds like Rasina, Serbia): a loose match
# counts only in a country that some of the story's other names point at.
LOOSE_MIN_SUPPORT = 0.1
FUZZY_PENALTY = 3.0  # a near-miss spelling (`_add_fuzzy`), on top of 0.25 per point of dissimilarity
FUZZY_MIN_LETTERS = 6
FUZZY_MIN_SUPPORT = 0.2  # share of the other names behind a country before its towns are searched
FUZZY_COUNTRIES = 2
MAX_LOOSE = 200  # loose matches kept per name: all of them, in practice, small towns included
UNSUPPORTED_LOOSE = 100.0


@dataclass
class _Scored:
    candidate: Candidate
    prior: float
    score: float = 0.0
    loose: bool = False  # matched only through the transliteration key


class Resolver:
    def __init__(self, gazetteer: Gazetteer, *, min_score: float = MIN_SCORE, max_candidates: int = 50):
        self.gazetteer = gazetteer
        self.min_score = min_score
        self.max_candidates = max_candidates

    def candidates(self, mention: Mention) -> list[Candidate]:
        return [c for c, _, _ in self._retrieve(mention)]

    def _retrieve(self, mention: Mention) -> list[tuple[Candidate, bool, bool]]:
        """(candidate, matched only loosely, of the kind the mention names), best-known first.

        1. The exact name. 2. Failing that, a name framed by its kind ("Luhansk region",
        "River Tay", `geo.recognize.kinds`): the bare name, only places of that kind for a
        strict kind (a river is never a town), places of that kind preferred otherwise.
        3. Failing that, the transliteration key: news spells Arabic and Cyrillic names its
        own way ("Tel Abyad", GeoNames "Tall Abyaḑ"). Loose matches are scored
        `TRANSLIT_PENALTY` lower and count only in a country the story points at. They are
        never mixed with exact ones: measured on LGL, TR-News and GeoVirus, loose matches
        next to exact ones turn "Iraq" into Eureka and "China" into Chaiwan. A demonym is
        never looked up loosely.
        """
        found = self.gazetteer.candidates(mention.text)
        if mention.demonym:
            found = [c for c in found if c.demonym] or found
        skip = mention.demonym or (found and not _MAY_NAME_KIND.search(mention.text))
        framed = None if skip else split_kind(mention.text)
        if mention.demonym or (found and framed is None):
            return [(c, False, False) for c in found[: self.max_candidates]]
        name, kind = framed if framed else (mention.text, None)
        out: list[tuple[Candidate, bool, bool]] = []
        if kind is not None:
            # "Sahel region" may itself be a name (of the wide Sahel): the bare name's places
            # of that kind (Burkina Faso's Sahel region) compete with it on equal terms.
            # When the full name is known ("San Fernando Valley"), the bare name adds only
            # places of the kind, never the town the valley is named after.
            seen: set[str] = set()
            for c in found:
                if c.place.id not in seen and not c.demonym:
                    seen.add(c.place.id)
                    out.append((c, False, c.place.feature_code in kind.codes))
            for c in self.gazetteer.candidates(name):
                of_kind = c.place.feature_code in kind.codes
                if c.place.id not in seen and not c.demonym and (of_kind or not found):
                    seen.add(c.place.id)
                    out.append((c, False, of_kind))
        if not out:
            out = [(c, True, kind is not None and c.place.feature_code in kind.codes)
                   for c in self.gazetteer.translit_candidates(name) if not c.demonym][:MAX_LOOSE]
        if kind is not None and kind.strict:
            exact = {c.place.id for c in found}  # "Mount Sheridan" the suburb is its own name
            out = [o for o in out if o[2] or o[0].place.id in exact]
        return out[:MAX_LOOSE]

    def resolve(
        self, text: str, mentions: Sequence[Mention], *, locale: dict[str, float] | None = None
    ) -> list[Resolution]:
        """Resolve a document's mentions together: each is context for the others.

        `locale` (see `geo.resolve.source_locale`) is the share of the source's earlier places in each
        first-level region; it counts as weak extra context.
        """
        scored = [self._score_priors(m, text) for m in mentions]
        by_name = {normalize(m.text): options for m, options in zip(mentions, scored)}
        evidence = _evidence(list(by_name.values()))
        self._add_fuzzy(mentions, scored, evidence, max(1, len(by_name) - 1))
        others = max(1, len(by_name) - 1)
        parents = self._parents(text, mentions, scored)
        nearness = _Nearness(by_name)
        near_by_name: dict[str, list[float]] = {}
        support_by_name: dict[str, dict[str, float]] = {}
        sentences = Sentences(text)
        out = []
        for i, (mention, options) in enumerate(zip(mentions, scored)):
            key = normalize(mention.text)
            if key not in near_by_name:
                framed = split_kind(mention.text) if " " in mention.text else None
                # "Kharkiv region" is not near the city "Kharkiv" for being named after it.
                bare = normalize(framed[0]) if framed else None
                near_by_name[key] = nearness.of(key, options, bare)
                support_by_name[key] = _support(evidence, _evidence([options]), others, locale)
            near, support = near_by_name[key], support_by_name[key]
            for s, closeness in zip(options, near):
                s.score = (s.prior + self._context(s.candidate.place, support, parents.get(i))
                           + NEAR_WEIGHT * closeness)
                place = s.candidate.place
                if s.loose and support.get(place.country_code, 0.0) < LOOSE_MIN_SUPPORT:
                    s.score -= UNSUPPORTED_LOOSE  # a loose match the story does not point at
                elif (place.feature_code == "PPLC" and support.get(place.country_code, 0.0) >= CAPITAL_MIN_SUPPORT
                      and normalize(s.candidate.alias) == normalize(place.name)):
                    # A capital named in a story about its country is the capital (its
                    # government), not a town of another province that shares the name.
                    s.score += CAPITAL_BONUS
            options.sort(key=lambda s: -s.score)
            best = options[0] if options and options[0].score >= self.min_score else None
            out.append(
                Resolution(
                    mention=mention,
                    place=best.candidate.place if best else None,
                    score=round(best.score, 3) if best else 0.0,
                    candidates=tuple(replace(s.candidate, score=round(s.score, 3)) for s in options[:10]),
                    excerpt=sentences.excerpt(mention.start, mention.end),
                )
            )
        return follow_story(_one_sense_per_name(out))  # a river at its stretch nearest the story (geo.resolve.stretch)

    # -- scoring -------------------------------------------------------------------------

    def _score_priors(self, mention: Mention, text: str) -> list[_Scored]:
        cues = _cues(text, mention)
        retrieved = self._retrieve(mention)
        written = normalize(mention.text)
        candidates = [c for c, _, _ in retrieved]
        # Regions named after their capital: a bare "Vienna", "Tulcea" or "Damascus" is the city.
        regions = {(c.place.country_code, c.place.admin1) for c in candidates
                   if c.place.feature_code == "ADM1"}
        # A town named after a country ("Russia", New York) almost never is what news means.
        country_named = any(c.place.feature_code in COUNTRY_CODES and not c.demonym for c in candidates)
        # An island, region or sea of the name: a hamlet named after it is rarely what news means.
        area_named = any(c.place.feature_code in BIG_AREAS and not c.demonym for c in candidates)
        out = []
        for c, loose, of_kind in retrieved:
            p = c.place
            prior = TYPE_PRIOR.get(p.feature_code, 0.0)
            if loose:  # the nearer spelling first among a key's many: Myawaddy ~ Myawadi, not Myaydo
                prior -= TRANSLIT_PENALTY + (100.0 - ratio(written, normalize(c.alias))) / LOOSE_SPELLING
            if of_kind:
                prior += KIND_BONUS
            prior += POP_WEIGHT * math.log10(p.population + 1)
            seat = p.feature_code == "PPLA" and (p.country_code, p.admin1) in regions
            if normalize(c.alias) == normalize(p.name) or seat:
                # A seat shares its region's name even where GeoNames spells the city its own
                # way ("Basra" is the main name of the governorate, an alias of Basrah).
                prior += MAIN_NAME_BONUS
            if c.demonym:
                prior += DEMONYM_BONUS
            if p.source.startswith("geopy:"):
                prior += ONLINE_PRIOR  # the user asked the online geocoder for this name
            if p.feature_code in cues:
                prior += CUE_BONUS
            if country_named and p.feature_class == "P":
                prior -= TOWN_NAMED_LIKE_COUNTRY
            elif area_named and p.feature_class == "P" and p.population < SMALL_TOWN:
                prior -= SMALL_TOWN_VS_AREA
            if p.feature_code == "ADM2" and not _COUNTY_WORD.search(c.alias):
                prior -= BARE_COUNTY_PENALTY  # "Monroe" is a town more often than Monroe County
            if seat or (
                p.feature_code == "PPLC" and p.country_code in {cc for cc, _ in regions}
            ):
                prior += CITY_OVER_REGION
            out.append(_Scored(c, prior, loose=loose))
        return out

    def _add_fuzzy(self, mentions: Sequence[Mention], scored: list[list[_Scored]],
                   evidence: dict[str, float], others: int) -> None:
        """Near-miss spellings ("Harrisburk"), for names that matched nothing at all, among
        the settlements and divisions of the countries the story's other names point at
        (never the world: every misspelling is some real town's name somewhere), scored
        `FUZZY_PENALTY` below an exact match and more the less similar. Never for short
        names, where one letter is a different name."""
        if all(options for options in scored):
            return
        countries = sorted(
            (k for k, v in evidence.items() if "." not in k and v / others >= FUZZY_MIN_SUPPORT),
            key=lambda k: -evidence[k],
        )[:FUZZY_COUNTRIES]
        if not countries:
            return
        done: dict[str, list[_Scored]] = {}
        for mention, options in zip(mentions, scored):
            letters = sum(ch.isalpha() for ch in mention.text)
            if options or mention.demonym or letters < FUZZY_MIN_LETTERS:
                continue
            key = normalize(mention.text)
            if key not in done:
                done[key] = []
                for c, similarity in self.gazetteer.fuzzy_candidates(mention.text, countries):
                    prior = (TYPE_PRIOR.get(c.place.feature_code, 0.0)
                             + POP_WEIGHT * math.log10(c.place.population + 1)
                             - FUZZY_PENALTY - (100.0 - similarity) / 4)
                    done[key].append(_Scored(c, prior, loose=True))
            options.extend(_Scored(s.candidate, s.prior, loose=True) for s in done[key])

    def _context(self, place: Place, support: dict[str, float], parent: set[str] | None) -> float:
        """Bonus for agreeing with the rest of the document (`support`: share of the other
        names that point at each country / admin1) and with a parent mention."""
        bonus = 0.0
        country = place.country_code
        if country:
            bonus += COUNTRY_WEIGHT * support.get(country, 0.0)
            if place.admin1:
                bonus += ADMIN1_WEIGHT * support.get(f"{country}.{place.admin1}", 0.0)
        if parent and (country in parent or f"{country}.{place.admin1}" in parent):
            bonus += PARENT_WEIGHT
        return bonus

    def _parents(self, text: str, mentions: Sequence[Mention], scored: list[list[_Scored]]) -> dict[int, set[str]]:
        """"X, Y" / "X in Y": the countries and regions Y may be constrain X."""
        out: dict[int, set[str]] = {}
        for i in range(len(mentions) - 1):
            a, b = mentions[i], mentions[i + 1]
            if _POSSESSIVE.match(text[a.end:b.start]):
                child, parent = i + 1, i  # "Burkina Faso's Sahel region", "Iran's Sistan"
            elif _PARENT.match(text[a.end:b.start]):
                child, parent = i, i + 1
            else:
                continue
            keys = set()
            for s in scored[parent]:
                p = s.candidate.place
                if p.feature_code in COUNTRY_CODES:
                    keys.add(p.country_code)
                elif p.feature_code == "ADM1":
                    keys.add(f"{p.country_code}.{p.admin1}")
            if keys:
                out[child] = keys
        return out


_CUE_PATTERNS = {
    code: re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b") for code, words in CUE_WORDS.items()
}


def _cues(text: str, mention: Mention) -> set[str]:
    window = text[max(0, mention.start - 25): mention.start].lower() + " " + text[mention.end: mention.end + 25].lower()
    return {code for code, pattern in _CUE_PATTERNS.items() if pattern.search(window)}


def _support(evidence: dict[str, float], own: dict[str, float], others: int,
             locale: dict[str, float] | None) -> dict[str, float]:
    """Share of the document's other names (plus the source's locale) behind each key."""
    support = {k: (v - own.get(k, 0.0)) / others for k, v in evidence.items()}
    for key, share in (locale or {}).items():
        support[key] = support.get(key, 0.0) + LOCALE_WEIGHT * share
    return support


def _evidence(scored: list[list[_Scored]]) -> dict[str, float]:
    """How strongly the mentions point at each country and admin1.

    Each mention spreads one vote over its candidates' countries (and admin1s) by the
    softmax of their priors, so "Syria" votes almost wholly for SY and an ambiguous "Paris"
    splits its vote.
    """
    totals: dict[str, float] = defaultdict(float)
    for options in scored:
        if not options or options[0].loose:
            continue  # a guess at a spelling is no evidence (loose options come alone)
        top = max(s.prior for s in options)
        weights = [math.exp(s.prior - top) for s in options]
        norm = sum(weights)
        for s, w in zip(options, weights):
            p = s.candidate.place
            if p.country_code:
                totals[p.country_code] += w / norm
                if p.admin1 and p.feature_code not in COUNTRY_CODES:
                    totals[f"{p.country_code}.{p.admin1}"] += w / norm
    return totals


class _Nearness:
    """How close each candidate lies to the places the document's other names may be.

    Places in one story cluster: "Edmonton" next to "Enfield" is the London district, not
    the Canadian city. For each other name, take its likeliest nearby sense (prior
    probability times exp(-distance / NEAR_KM)); a candidate's nearness is the mean of that
    over the other names. Countries, continents and seas have no meaningful point here and
    neither give nor get nearness.
    """

    def __init__(self, by_name: dict[str, list[_Scored]]):
        self.names: list[str] = []
        rows: list[tuple[int, float, float, float]] = []
        for name, options in by_name.items():
            if options and options[0].loose:
                continue  # nor a point to be near
            located = [s for s in options if _pointlike(s.candidate.place)]
            if not located:
                continue
            top = max(s.prior for s in options)
            norm = sum(math.exp(s.prior - top) for s in options)
            index = len(self.names)
            self.names.append(name)
            for s in sorted(located, key=lambda s: -s.prior)[:NEAR_TOP]:
                p = s.candidate.place
                rows.append((index, math.exp(s.prior - top) / norm, p.lat, p.lon))
        table = np.array(rows, dtype=float).reshape(-1, 4)
        self.owner = table[:, 0].astype(int)
        self.starts = np.flatnonzero(np.diff(self.owner, prepend=-1))
        self.weight = table[:, 1]
        self.lat, self.lon = np.radians(table[:, 2]), np.radians(table[:, 3])

    def of(self, name: str, options: list[_Scored], bare: str | None = None) -> list[float]:
        skip = [n for n in (name, bare) if n is not None and n in self.names]
        others = len(self.names) - len(set(skip))
        if others <= 0 or not options:
            return [0.0] * len(options)
        pointlike = [_pointlike(s.candidate.place) for s in options]
        lat = np.radians([s.candidate.place.lat for s in options])[:, None]
        lon = np.radians([s.candidate.place.lon for s in options])[:, None]
        a = np.sin((self.lat - lat) / 2) ** 2 + np.cos(lat) * np.cos(self.lat) * np.sin((self.lon - lon) / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        closeness = self.weight * np.exp(-km / NEAR_KM)
        for n in skip:
            closeness[:, self.owner == self.names.index(n)] = 0.0
        # Rows are grouped by name: the best sense of each other name, summed over names.
        best = np.maximum.reduceat(closeness, self.starts, axis=1).sum(axis=1) / others
        return [float(b) if ok else 0.0 for b, ok in zip(best, pointlike)]


def _pointlike(place: Place) -> bool:
    return place.feature_code not in COUNTRY_CODES and place.feature_code not in _AREAS


def _one_sense_per_name(resolutions: list[Resolution]) -> list[Resolution]:
    """The same name means the same place throughout a document: its best-scored sense."""
    best: dict[str, Resolution] = {}
    for r in resolutions:
        key = normalize(r.mention.text)
        if r.place is not None and (key not in best or r.score > best[key].score):
            best[key] = r
    out = []
    for r in resolutions:
        chosen = best.get(normalize(r.mention.text))
        if chosen is not None and chosen.place != r.place:
            r = replace(r, place=chosen.place, score=chosen.score)
        out.append(r)
    return out
