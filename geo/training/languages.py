"""`geo train languages`: the place-or-not model of French, Russian and Arabic proposals.

The English recipe (`geo.training.recognizer`) on what the languages' recognisers propose:
1. read the annotated paragraphs (JSON Lines with `lang`, as multilingual-dev), k folds by
   document within each language;
2. add renamed copies and generated negatives in each language
   (`geo.training.augment_languages`); a copy stays in its original's fold;
3. turn every proposal into a row (`geo.recognize.languages.learned.rows`, what recognition
   runs) labelled by the gold spans;
4. train the two passes on k-1 folds and score the fold left out end to end (recognise, then
   resolve through the language's view of the gazetteer), and on its renamed copies; then
   train on everything and write the model with both sets of figures inside it.
Deterministic: seeded folds and substitutes, LightGBM's deterministic mode on CPU.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from geo.errors import InputError
from geo.evaluation.evaluate import write_errors
from geo.evaluation.metrics import match_spans, span_scores
from geo.gazetteer.index import Gazetteer
from geo.outputs.atomic import atomic_write
from geo.recognize.languages import RECOGNIZERS, language_recognizer
from geo.recognize.languages.learned import FEATURES, LanguageModel, Proposals, choose, names_of, payload, rows
from geo.resolve.resolver import Resolver
from geo.training.augment import substitute
from geo.training.augment_languages import LanguagePool, language_negatives
from geo.training.examples import Example, read_examples
from geo.training.recognizer import COPY_WEIGHT, INNER_FOLDS, Rows, _repeats, fit_two_pass, score, table

# Smaller trees than English's: a few thousand proposals, not a hundred thousand candidates.
PARAMS = {"num_leaves": 15, "min_data_in_leaf": 10}
ROUNDS = 100
THRESHOLD = 0.5
NEGATIVES_PER_LANGUAGE = 150


def default_data() -> list[Path]:
    """The multilingual dev paragraphs next to the repository (`../shared/corpora/`)."""
    return [Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "multilingual-dev.jsonl"]


def train_languages(paths: Sequence[Path], output: Path, *, folds: int = 5, copies: int = 3, seed: int = 13,
                    gazetteer: Gazetteer | None = None, errors: Path | None = None, progress=print) -> dict:
    """Train, cross-validate (when folds > 1) and write the model; returns its figures."""
    gazetteer = gazetteer or Gazetteer.load()
    originals = _by_language(read_examples(list(paths), folds, seed))
    langs = sorted({e.lang for e in originals})
    recognizers = {lang: language_recognizer(gazetteer, lang) for lang in langs}
    examples = list(originals)
    for lang in langs:
        morph = getattr(recognizers[lang], "_morph", None)
        pool = LanguagePool(recognizers[lang].gazetteer, lang, morph)
        for e in (e for e in originals if e.lang == lang):
            for c in range(copies):
                copy = substitute(e, recognizers[lang].gazetteer, pool, random.Random(f"{seed}:{e.id}:{c}"), c)
                if copy is not None:
                    examples.append(copy)
        examples += language_negatives(pool, random.Random(f"{seed}:{lang}"), NEGATIVES_PER_LANGUAGE)
    progress(f"{len(originals)} documents in {', '.join(langs)}, {len(examples) - len(originals)} generated; reading them")

    found = _proposals(recognizers, examples)
    data = _rows(examples, found)
    covered = sum(_covered(e, found[i].items, data.y[data.example == i]) for i, e in enumerate(examples) if e.gold)
    gold = sum(len(e.spans) for e in examples if e.gold)
    progress(f"{len(data.y)} proposals, {int(data.y.sum())} places; proposals cover {covered} of the {gold} gold "
             f"spans ({covered / max(1, gold):.3f}), the recall the model can reach")

    resolvers = {e.corpus: Resolver(recognizers[e.lang].gazetteer) for e in originals}
    figures: dict = {}
    if folds > 1:
        predicted: dict[str, list] = {}
        renamed: dict[str, list[int]] = {}
        for f in range(folds):
            passes = fit_two_pass(data, np.array([examples[i].fold != f for i in data.example]), seed, PARAMS, ROUNDS)
            _predict(predicted, renamed, passes, data, examples, found, f)
        figures["cross_validated"] = score(originals, predicted, gazetteer, misses := [], resolvers)
        if errors is not None:
            write_errors(errors, misses)
        progress("cross-validated (each fold scored by a model that did not see it):")
        progress(table(figures["cross_validated"]))
        figures["cross_validated_renamed"] = {
            corpus: {"precision": round(sc.precision or 0.0, 3), "recall": round(sc.recall or 0.0, 3),
                     "f1": round(sc.f1 or 0.0, 3)}
            for corpus, (tp, n_gold, n_pred) in sorted(renamed.items())
            for sc in [span_scores(tp, n_gold, n_pred)]}
        progress("cross-validated on the left-out folds' renamed copies (names the model never saw there):")
        progress(table(figures["cross_validated_renamed"]))
    passes = fit_two_pass(data, np.ones(len(data.y), dtype=bool), seed, PARAMS, ROUNDS)
    predicted = {}
    for f in sorted({e.fold for e in originals}):
        _predict(predicted, {}, passes, data, examples, found, f)
    figures["training_set"] = score(originals, predicted, gazetteer, None, resolvers)
    progress("training set (the model scored on what it learnt from):")
    progress(table(figures["training_set"]))

    info = {"data": [p.name for p in paths], "folds": folds, "copies": copies, "seed": seed,
            "documents": len(originals), "generated": len(examples) - len(originals), **figures}
    with atomic_write(output, "wb") as handle:
        handle.write(payload(LanguageModel(passes, FEATURES, THRESHOLD, info)))
    progress(f"wrote {output}")
    return figures


def _by_language(examples: list[Example]) -> list[Example]:
    """Each document's corpus named with its language ("multilingual-dev/ar"), so that each
    language is scored apart; a document in a language without a recogniser is an error."""
    out = []
    for e in examples:
        if e.lang not in RECOGNIZERS:
            raise InputError(f"{e.id.split(':')[0]}: document {e.gold.id if e.gold else e.id}: "
                             f"lang {e.lang!r} is not one of {', '.join(sorted(RECOGNIZERS))}")
        out.append(replace(e, corpus=f"{e.corpus}/{e.lang}"))
    return out


def _proposals(recognizers: dict, examples: list[Example]) -> list[Proposals]:
    out: list[Proposals | None] = [None] * len(examples)
    for lang, recognizer in recognizers.items():
        order = [i for i, e in enumerate(examples) if e.lang == lang]
        for i, found in zip(order, recognizer.proposals_many([examples[i].text for i in order])):
            out[i] = found
    return out  # type: ignore[return-value]


def _rows(examples: list[Example], found: list[Proposals]) -> Rows:
    order = {e.id: k for k, e in enumerate(examples)}
    xs, ys, ws, owner, names, groups = [], [], [], [], [], []
    for i, (e, f) in enumerate(zip(examples, found)):
        xs.append(rows(e.lang, e.text, f))
        ys.append(labels(e, f))
        ws.append(np.full(len(f.items), COPY_WEIGHT if e.source else 1.0, dtype=np.float32))
        owner.append(np.full(len(f.items), i))
        names += names_of(f)
        groups.append(np.full(len(f.items), order[e.source or e.id] % INNER_FOLDS))
    return Rows(np.vstack(xs), np.concatenate(ys), np.concatenate(ws), np.concatenate(owner), [f.items for f in found],
                np.array(names, dtype=object), np.concatenate(groups))


def labels(example: Example, found: Proposals) -> np.ndarray:
    """1 for a proposal that is a gold span, or stands for one no proposal matches exactly
    ("fleuve Niger" for "Niger"), or repeats a gold name elsewhere; else 0."""
    text, gold = example.text, set(example.spans)
    exact = {(p.start, p.end) for p in found.items} & gold
    phrases = {text[s:e] for s, e in gold}
    out = np.zeros(len(found.items), dtype=np.float32)
    for k, p in enumerate(found.items):
        overlapping = [(s, e) for s, e in gold if s < p.end and p.start < e]
        if overlapping:
            out[k] = (p.start, p.end) in gold or any(g not in exact for g in overlapping)
        else:
            out[k] = p.mention.text in phrases
    return out


def _covered(example: Example, items, y: np.ndarray) -> int:
    return sum(any(y[k] and p.start < e and s < p.end for k, p in enumerate(items)) for s, e in example.spans)


def _predict(predicted: dict, renamed: dict, passes, data: Rows, examples: list[Example], found: list[Proposals],
             fold: int) -> None:
    """Mentions of `fold`'s documents into `predicted`; span counts on its renamed copies into `renamed`."""
    for i, e in enumerate(examples):
        if e.fold != fold or (e.gold is None and not e.source):
            continue
        mask = data.example == i
        mentions = choose(found[i], passes.predict(data.x[mask], data.names[mask], threads=2), THRESHOLD)
        if e.gold is not None:
            predicted[e.gold.id + "\0" + e.corpus] = mentions
            continue
        pairs = match_spans(list(e.spans), [(m.start, m.end) for m in mentions])
        tally = renamed.setdefault(e.corpus, [0, 0, 0])
        tally[0] += len(pairs)
        tally[1] += len(e.spans)
        tally[2] += len(mentions) - _repeats(e, mentions, pairs)
