"""`geo train resolver`: fit the ranker over gazetteer candidates, cross-validate it, write it.

1. Read the annotated documents (`geo.training.examples`, the recognizer's folds by
   document) and give the resolver their gold spans, as `geo eval` does in resolution mode.
2. Every candidate of every gold span becomes a row (`geo.resolve.features`), labelled 1
   when it lies within the gold point's tolerance (161 km; the conflict set's per kind).
3. The first pass learns from the rows alone; the second from the rows plus the story's
   context computed from first-pass scores of documents the first pass did not learn from
   (inner folds), which is what it will see on new text.
4. Each fold is scored by a model that did not see it, with `geo.evaluation`'s metrics;
   then the model is trained on everything and written, with both sets of figures inside.

No name substitution here: no feature names the place, so the ranker cannot learn the
dev corpora's names, only what kind of candidate a story means.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from geo.distance import great_circle_km
from geo.errors import InputError
from geo.evaluation.evaluate import evaluate, tolerance, write_errors
from geo.gazetteer.index import Gazetteer
from geo.outputs.atomic import atomic_write
from geo.resolve.ranker import RankerModel, payload
from geo.resolve.resolver import Prepared, Resolver
from geo.resolve.source_locale import Locale, SourceLocales
from geo.training.augment import respell
from geo.training.boosting import fit
from geo.training.examples import Example, read_examples
from geo.types import Document, Mention, ParseResult, Resolution

ROUNDS = 100
INNER_FOLDS = 5
COPY_WEIGHT = 0.5  # a respelled copy counts half an original
RESPELL_SHARE = 0.5  # of a story's settlements, respelled in its copy
SAME_PLACE_KM = 5.0  # two entries this close are one place (a town in two sources), both right
THRESHOLD = 0.05  # below this the resolver abstains (README: what it costs and saves)


@dataclass
class Story:
    example: Example
    prepared: Prepared
    y: np.ndarray  # per row: 1 within tolerance of the gold point, 0 not
    labelled: np.ndarray  # per row: whether its mention has a usable gold point


def train(paths: Sequence[Path], output: Path, *, folds: int = 5, seed: int = 13,
          gazetteer: Gazetteer | None = None, errors: Path | None = None, progress=print) -> dict:
    gazetteer = gazetteer or Gazetteer.load()
    examples = read_examples(list(paths), folds, seed)
    resolver = Resolver(gazetteer)
    stories = [_story(resolver, e) for e in examples]
    rows = sum(len(s.y) for s in stories)
    gold = sum(t.has_point and t.anchored for s in stories for t in s.example.gold.toponyms)
    if not gold:
        raise InputError(f"{paths[0]}: no places with coordinates to learn from (give each place lat and lon)")
    respelled = [r for s in stories if (r := _respelled(resolver, s, gazetteer, random.Random(f"{seed}:{s.example.id}")))]
    progress(f"{len(respelled)} respelled copies (names the gazetteer knows only loosely)")
    reachable = sum(_reachable(s) for s in stories)
    progress(f"{len(stories)} documents, {rows} candidates of {gold} gold spans; a right candidate exists "
             f"for {reachable}: the accuracy the ranker can reach")

    figures: dict = {}
    misses: list = []
    teacher = _gold_locales(stories)
    by_id = {s.example.id: locale for s, locale in zip(stories, teacher)}
    for copy in respelled:
        copy.prepared.context.set_locale(by_id[copy.example.source])
    if folds > 1:
        models = [_fit_two_pass([s for s in stories + respelled if s.example.fold != f], seed) for f in range(folds)]
        scores = _predict_in_order(stories, lambda s: models[s.example.fold])
        for t in (0.0, 0.02, 0.1, 0.2):
            progress(f"threshold {t}:\n" + table(_score(stories, scores, t)))
        figures["cross_validated"] = _score(stories, scores, THRESHOLD, misses)
        if errors is not None:
            write_errors(errors, misses)
        progress("cross-validated (each fold scored by a model that did not see it):")
        progress(table(figures["cross_validated"]))
    for s, locale in zip(stories, teacher):
        s.prepared.context.set_locale(locale)
    model = _fit_two_pass(stories + respelled, seed)
    figures["training_set"] = _score(stories, _predict_in_order(stories, lambda s: model), THRESHOLD)
    progress("training set (the model scored on what it learnt from):")
    progress(table(figures["training_set"]))
    model.threshold = THRESHOLD
    model.info = {"data": [p.name for p in paths], "folds": folds, "seed": seed, "documents": len(stories),
                  **figures}
    with atomic_write(output, "wb") as handle:
        handle.write(payload(model))
    progress(f"wrote {output}")
    return figures


def _story(resolver: Resolver, example: Example) -> Story:
    """The example's gold spans as mentions (all of them, as `geo eval` gives them)."""
    doc = example.gold
    mentions = [Mention(t.start, t.end, doc.text[t.start:t.end], "GIVEN") for t in doc.toponyms]
    prepared = resolver.prepare(doc.text, mentions)
    y, labelled = [], []
    for t, options in zip(doc.toponyms, prepared.options):
        usable = t.has_point and t.anchored
        km = [great_circle_km(t.lat, t.lon, o.candidate.place.lat, o.candidate.place.lon) if usable else 0.0
              for o in options]
        nearest = min(km, default=0.0)
        # Right: within tolerance, and the nearest such candidate (give or take `SAME_PLACE_KM`):
        # the city of Hama, not the governorate around it, when the gold point is the city.
        y += [usable and d <= tolerance(t) and d <= nearest + SAME_PLACE_KM for d in km]
        labelled += [usable] * len(options)
    return Story(example, prepared, np.array(y, dtype=np.float32), np.array(labelled, dtype=bool))


def _gold_locales(stories: list[Story]) -> list[Locale]:
    """Each story's source locale as `geo eval` would build it reading the corpus in order,
    from the gold places of the source's earlier stories (set on the stories, and returned).
    The ranker learns what a locale is worth from these; it is scored with locales built
    from its own answers (`_predict_in_order`)."""
    out: list[Locale] = [Locale()] * len(stories)
    for corpus in dict.fromkeys(s.example.corpus for s in stories):
        locales = SourceLocales()
        for i in sorted((i for i, s in enumerate(stories) if s.example.corpus == corpus),
                        key=lambda i: stories[i].example.position):
            s = stories[i]
            doc = _document(s)
            out[i] = locales.prior(doc)
            s.prepared.context.set_locale(out[i])
            right, at = [], 0
            for mention, options in zip(s.prepared.mentions, s.prepared.options):
                hits = np.flatnonzero(s.y[at: at + len(options)])
                at += len(options)
                if len(hits):
                    right.append(Resolution(mention, options[hits[0]].candidate.place, 1.0))
            locales.observe(doc, right)
    return out


def _predict_in_order(stories: list[Story], model_of) -> dict[int, np.ndarray]:
    """Final scores of every story, read corpus by corpus in file order, each source's
    locale built from the answers given to its earlier stories, as `geo eval` does."""
    out: dict[int, np.ndarray] = {}
    for corpus in dict.fromkeys(s.example.corpus for s in stories):
        locales = SourceLocales()
        for i in sorted((i for i, s in enumerate(stories) if s.example.corpus == corpus),
                        key=lambda i: stories[i].example.position):
            s, doc = stories[i], _document(stories[i])
            s.prepared.context.set_locale(locales.prior(doc))
            out[i] = model_of(s).scores(s.prepared.own, s.prepared.context)[1]
            locales.observe(doc, Resolver.decide(s.prepared, out[i], THRESHOLD))
    return out


def _document(story: Story) -> Document:
    gold = story.example.gold
    return Document(gold.id, gold.text, url=gold.url)


def _respelled(resolver: Resolver, story: Story, gazetteer: Gazetteer, rng: random.Random) -> Story | None:
    """A copy of the story with some of its settlements' names respelled (`respell`), for
    training only: it stays in its original's fold and is never scored."""
    doc = story.example.gold
    variants: dict[str, str] = {}
    at = 0
    for t, options in zip(doc.toponyms, story.prepared.options):
        hits = np.flatnonzero(story.y[at: at + len(options)])
        at += len(options)
        name = doc.text[t.start:t.end]
        if len(hits) and name not in variants and options[hits[0]].candidate.place.feature_class == "P" \
                and rng.random() < RESPELL_SHARE:
            variant = respell(name, gazetteer, rng)
            if variant:
                variants[name] = variant
    if not variants:
        return None
    text, shift, toponyms = [], 0, []
    last = 0
    for t in doc.toponyms:
        name = doc.text[t.start:t.end]
        new = variants.get(name, name)
        text.append(doc.text[last:t.start] + new)
        start = t.start + shift
        shift += len(new) - len(name)
        toponyms.append(replace(t, start=start, end=start + len(new), phrase=new))
        last = t.end
    text.append(doc.text[last:])
    copy = replace(story.example, gold=replace(doc, text="".join(text), toponyms=tuple(toponyms)),
                   source=story.example.id)
    return _story(resolver, copy)


def _reachable(story: Story) -> int:
    at, count = 0, 0
    for options in story.prepared.options:
        count += bool(story.y[at: at + len(options)].any())
        at += len(options)
    return count


def _fit_two_pass(stories: list[Story], seed: int) -> RankerModel:
    """Both passes. The context the second pass learns from comes from first-pass scores of
    documents the first pass did not learn from (inner folds; a copy goes with its
    original, whose other names it shares): what it will see on new text."""
    own, y, weight = _rows(stories)
    first = fit(own, y, weight, seed=seed, rounds=ROUNDS)
    originals = {s.example.id: k for k, s in enumerate(stories) if not s.example.source}
    groups = np.array([originals.get(s.example.source or s.example.id, k) % INNER_FOLDS
                       for k, s in enumerate(stories)])
    first_scores = [np.zeros(0)] * len(stories)
    for g in range(INNER_FOLDS):
        held = np.flatnonzero(groups == g)
        if len(held):
            inner = fit(*_rows([s for k, s in enumerate(stories) if groups[k] != g]), seed=seed, rounds=ROUNDS)
            for k in held:
                if len(stories[k].prepared.own):
                    first_scores[k] = inner.predict(stories[k].prepared.own, num_threads=2)
    context = np.vstack([s.prepared.context.rows(p) for s, p in zip(stories, first_scores)])
    second = fit(np.hstack([own, context]), y, weight, seed=seed, rounds=ROUNDS)
    return RankerModel(first, second)


def _rows(stories: list[Story]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and weights (0 for a mention without a gold point)."""
    weight = [s.labelled * (COPY_WEIGHT if s.example.source else 1.0) for s in stories]
    return (np.vstack([s.prepared.own for s in stories]), np.concatenate([s.y for s in stories]),
            np.concatenate(weight).astype(np.float32))


def _score(stories: list[Story], scores: dict[int, np.ndarray], threshold: float, misses: list | None = None) -> dict:
    """Resolution with gold spans, per corpus: Acc@161 (or within each kind's tolerance), AUC."""
    out = {}
    for corpus in dict.fromkeys(s.example.corpus for s in stories):
        chosen = {s.example.gold.id: Resolver.decide(s.prepared, scores[i], threshold)
                  for i, s in enumerate(stories) if s.example.corpus == corpus and i in scores}

        def parse(doc: Document) -> ParseResult:
            return ParseResult(doc, tuple(chosen[doc.id]))

        docs = [s.example.gold for s in stories if s.example.corpus == corpus and s.example.gold.id in chosen]
        report = evaluate(docs, parse, mode="resolution")
        if misses is not None:
            misses += report.errors
        r = report.resolution
        n = max(1, report.n_gold_with_point)
        out[corpus] = {"accuracy": round(report.resolution_correct / n, 3),
                       "acc161": round(r.acc161, 3), "auc": round(r.auc, 3), "median_km": round(r.median_km, 1),
                       "wrong": round(sum(e.pred_id is not None for e in report.errors) / n, 3)}
    return out


def table(figures: dict) -> str:
    lines = [f"  {'corpus':<14}{'accurate':>10}{'wrong':>7}{'Acc@161':>9}{'AUC':>7}{'median km':>11}"]
    for corpus, f in figures.items():
        lines.append(f"  {corpus:<14}{f['accuracy']:>10.3f}{f['wrong']:>7.3f}{f['acc161']:>9.3f}{f['auc']:>7.3f}"
                     f"{f['median_km']:>11.1f}")
    return "\n".join(lines)
