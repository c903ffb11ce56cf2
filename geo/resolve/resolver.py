"""Mentions -> places: retrieve each mention's gazetteer candidates, let the trained ranker
choose among them, and keep one sense per name in a story.

All of a story's mentions are resolved together: each is context for the others (the
countries and regions they point at, how close their places lie, "X, Y" parents). What the
ranker reads is in `geo.resolve.features`; how it was trained, in `geo.training.resolver`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from geo.gazetteer.normalize import normalize
from geo.resolve.excerpts import Sentences
from geo.resolve.features import CONTEXT, OWN, Context, own_rows
from geo.resolve.ranker import RankerModel, load_ranker
from geo.resolve.retrieve import Option, Retriever
from geo.resolve.source_locale import Locale
from geo.resolve.stretch import follow_story
from geo.types import Candidate, Mention, Resolution

SHOWN = 10  # candidates kept on each resolution, for `geo resolve` and exports


@dataclass
class Prepared:
    """One story's candidates and their features, before any model has scored them."""

    text: str
    mentions: list[Mention]
    options: list[list[Option]]
    own: np.ndarray  # OWN features, one row per option, mentions in order
    context: Context


class Resolver:
    def __init__(self, gazetteer, *, model: RankerModel | Path | str | None = None, max_candidates: int = 50):
        self.gazetteer = gazetteer
        self.retriever = Retriever(gazetteer, max_candidates)
        self._model = model

    @cached_property
    def model(self) -> RankerModel:
        return self._model if isinstance(self._model, RankerModel) else load_ranker(self._model)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("model", None)  # workers load their own (`geo.parallel`)
        return state

    def candidates(self, mention: Mention) -> list[Candidate]:
        return [o.candidate for o in self.retriever.options(mention)]

    def resolve(
        self, text: str, mentions: Sequence[Mention], *, locale: Locale | None = None
    ) -> list[Resolution]:
        """`locale` (see `geo.resolve.source_locale`): what the source's earlier articles and
        its domain say of where its stories happen."""
        prepared = self.prepare(text, mentions, locale)
        return self.decide(prepared, self.model.scores(prepared.own, prepared.context)[1], self.model.threshold)

    def prepare(self, text: str, mentions: Sequence[Mention], locale: Locale | None = None) -> Prepared:
        known: dict[tuple[str, bool], list[Option]] = {}
        options = []
        for m in mentions:
            key = (m.text, m.demonym)
            if key not in known:
                known[key] = self.retriever.options(m)
            options.append(list(known[key]))
        self.retriever.add_fuzzy(mentions, options)
        rows = [own_rows(text, m, o) for m, o in zip(mentions, options)]
        own = np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
        return Prepared(text, list(mentions), options, own, Context(text, mentions, options, locale))

    def explain(self, text: str, mentions: Sequence[Mention], index: int = 0, top: int = 5
                ) -> list[tuple[Candidate, dict[str, float]]]:
        """The candidates of `mentions[index]`, best first, each with the features that
        moved its score most (log-odds contributions, `RankerModel.explain`), for `geo resolve`."""
        prepared = self.prepare(text, mentions)
        resolution = self.decide(prepared, self.model.scores(prepared.own, prepared.context)[1],
                                 self.model.threshold)[index]
        at = sum(len(o) for o in prepared.options[:index])
        options = prepared.options[index]
        if not options:
            return []
        contributions = self.model.explain(prepared.own, prepared.context)[at: at + len(options)]
        names = OWN + CONTEXT
        why = {o.candidate.place.id: row for o, row in zip(options, contributions)}
        out = []
        for c in resolution.candidates:
            row = why[c.place.id]
            strongest = sorted(range(len(names)), key=lambda k: -abs(row[k]))[:top]
            out.append((c, {names[k]: round(float(row[k]), 2) for k in strongest}))
        return out

    @staticmethod
    def decide(prepared: Prepared, scores: np.ndarray, threshold: float) -> list[Resolution]:
        """The likeliest candidate of each mention, if it reaches `threshold`."""
        sentences = Sentences(prepared.text)
        out, at = [], 0
        for mention, options in zip(prepared.mentions, prepared.options):
            own = _seat_over_region(options, scores[at: at + len(options)].copy())
            at += len(options)
            order = np.argsort(-own, kind="stable")
            best = order[0] if len(order) and own[order[0]] >= threshold else None
            out.append(Resolution(
                mention=mention,
                place=options[best].candidate.place if best is not None else None,
                score=round(float(own[best]), 3) if best is not None else 0.0,
                candidates=tuple(replace(options[i].candidate, score=round(float(own[i]), 3)) for i in order[:SHOWN]),
                excerpt=sentences.excerpt(mention.start, mention.end),
            ))
        return follow_story(_one_sense_per_name(out))


def _seat_over_region(options: list[Option], scores: np.ndarray) -> np.ndarray:
    """A bare name shared by a first-level region and its seat ("Hama", "Dohuk") is the city:
    the seat takes the region's score (the two swap). A rule, not learnt: both lie within
    161 km of each other, so LGL, TR-News and GeoVirus cannot tell them apart (their gold
    splits 41 to 41), while the conflict set, which can (25 km for a town), says the city
    20 times to 2. "Hama province" names the region and keeps it (`Option.of_kind`)."""
    if not len(scores):
        return scores
    best = int(np.argmax(scores))
    region = options[best].candidate.place
    if region.feature_code != "ADM1" or options[best].of_kind:
        return scores
    for k, o in enumerate(options):
        p = o.candidate.place
        if p.feature_code in ("PPLA", "PPLC") and (p.country_code, p.admin1) == (region.country_code, region.admin1):
            scores[best], scores[k] = scores[k], scores[best]
            break
    return scores


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
