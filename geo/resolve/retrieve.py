"""Mention -> the gazetteer entries it may mean: the candidates the ranker chooses among.

Retrieval decides nothing; it only says how each candidate was found (`Option.match`), which
the ranker reads as evidence: an exact name, a name framed by its kind word, a
transliteration key, or a near-miss spelling.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.fuzz import ratio

from geo.gazetteer.normalize import normalize
from geo.recognize.kinds import split_kind
from geo.types import Candidate, Mention

EXACT, FRAMED, LOOSE, FUZZY = 0, 1, 2, 3  # how an option was found, best first
MAX_LOOSE = 200  # loose matches kept per name: all of them, in practice, small towns included
FUZZY_MIN_LETTERS = 6  # shorter names are one letter from a different name
FUZZY_MIN_SHARE = 0.2  # share of the other names behind a country before its towns are searched
FUZZY_COUNTRIES = 2
_MAY_NAME_KIND = re.compile(r"\s")  # a kind word needs a second word: skip the rest fast


@dataclass(slots=True)
class Option:
    candidate: Candidate
    match: int  # EXACT, FRAMED, LOOSE or FUZZY
    similarity: float = 100.0  # spelling similarity of alias and mention (rapidfuzz ratio, 0-100)
    of_kind: bool = False  # of the kind the mention names ("Luhansk region": an ADM1)


class Retriever:
    def __init__(self, gazetteer, max_candidates: int = 50):
        self.gazetteer = gazetteer
        self.max_candidates = max_candidates

    def options(self, mention: Mention) -> list[Option]:
        """Candidates for one mention, best-known first.

        1. The exact name. 2. Failing that, a name framed by its kind ("Luhansk region",
        "River Tay", `geo.recognize.kinds`): the bare name, only places of that kind for a
        strict kind (a river is never a town), any place of the name otherwise. 3. Failing
        that, the transliteration key: news spells Arabic and Cyrillic names its own way
        ("Tel Abyad", GeoNames "Tall Abyaḑ"). Loose matches are never mixed with exact ones:
        measured on LGL, TR-News and GeoVirus, loose matches next to exact ones turn "Iraq"
        into Eureka and "China" into Chaiwan. A demonym is never looked up loosely.
        """
        found = self.gazetteer.candidates(mention.text)
        if mention.demonym:
            found = [c for c in found if c.demonym] or found
        skip = mention.demonym or (found and not _MAY_NAME_KIND.search(mention.text))
        framed = None if skip else split_kind(mention.text)
        if mention.demonym or (found and framed is None):
            return [Option(c, EXACT) for c in found[: self.max_candidates]]
        name, kind = framed if framed else (mention.text, None)
        out: list[Option] = []
        if kind is not None:
            # "Sahel region" may itself be a name (of the wide Sahel): the bare name's places
            # of that kind compete with it. When the full name is known ("San Fernando
            # Valley"), the bare name adds only places of the kind, never the town the
            # valley is named after.
            seen: set[str] = set()
            for c in found:
                if c.place.id not in seen and not c.demonym:
                    seen.add(c.place.id)
                    out.append(Option(c, EXACT, of_kind=c.place.feature_code in kind.codes))
            for c in self.gazetteer.candidates(name):
                of_kind = c.place.feature_code in kind.codes
                if c.place.id not in seen and not c.demonym and (of_kind or not found):
                    seen.add(c.place.id)
                    out.append(Option(c, FRAMED, of_kind=of_kind))
        if not out:
            written = normalize(name)
            out = [Option(c, LOOSE, ratio(written, normalize(c.alias)),
                          kind is not None and c.place.feature_code in kind.codes)
                   for c in self.gazetteer.translit_candidates(name) if not c.demonym][:MAX_LOOSE]
        if kind is not None and any(o.of_kind for o in out):
            # The kind word says which places: of the dev corpora's 273 kind-framed names, 268
            # mean a place of that kind. "Mount Sheridan" the suburb keeps its own name.
            exact = {c.place.id for c in found} if kind.strict and kind.exact_names_stay else set()
            out = [o for o in out if o.of_kind or o.candidate.place.id in exact]
        elif kind is not None and kind.strict:
            out = [o for o in out if o.candidate.place.id in {c.place.id for c in found}]
        return out[:MAX_LOOSE]

    def add_fuzzy(self, mentions: Sequence[Mention], options: list[list[Option]]) -> None:
        """Near-miss spellings ("Harrisburk"), for names that matched nothing at all, among the
        settlements and divisions of the countries the story's other names point at (never
        the world: every misspelling is some real town's name somewhere). Never for short
        names. The countries come from a plain count of the other names' candidates, each
        name splitting one vote evenly over its candidates' countries: retrieval stays
        independent of the ranker that scores what it finds."""
        if all(options):
            return
        votes: dict[str, float] = defaultdict(float)
        names = {normalize(m.text): opts for m, opts in zip(mentions, options)}
        for opts in names.values():
            countries = {o.candidate.place.country_code for o in opts if o.match != LOOSE}
            for cc in countries - {""}:
                votes[cc] += 1.0 / len(countries)
        others = max(1, len(names) - 1)
        countries = sorted((cc for cc, v in votes.items() if v / others >= FUZZY_MIN_SHARE),
                           key=lambda cc: -votes[cc])[:FUZZY_COUNTRIES]
        if not countries:
            return
        done: dict[str, list[Option]] = {}
        for mention, opts in zip(mentions, options):
            letters = sum(ch.isalpha() for ch in mention.text)
            if opts or mention.demonym or letters < FUZZY_MIN_LETTERS:
                continue
            key = normalize(mention.text)
            if key not in done:
                done[key] = [Option(c, FUZZY, similarity)
                             for c, similarity in self.gazetteer.fuzzy_candidates(mention.text, countries)]
            opts.extend(Option(o.candidate, FUZZY, o.similarity) for o in done[key])
