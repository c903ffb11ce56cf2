"""`geo train recognizer`: fit the place-or-not model, cross-validate it, write it.

1. Read the annotated documents (`geo.training.examples`), k folds per corpus.
2. Add name-substituted copies and generated negatives (`geo.training.augment`); a copy stays
   in its original's fold, so no fold is scored on a document it has seen under other names.
3. Turn every candidate span into a feature row (`geo.recognize.features`, the same code
   that recognition runs) labelled by the gold spans.
4. Train on k-1 folds, score the fold left out end to end (recognize, then resolve, with
   `geo.evaluation`'s metrics); then train on everything and write the model, with both
   sets of figures inside it.

Deterministic: seeded folds, seeded substitutes, LightGBM's deterministic mode on CPU.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo.evaluation.evaluate import EvalReport, evaluate, write_errors
from geo.evaluation.metrics import match_spans, span_scores
from geo.gazetteer.index import Gazetteer
from geo.gazetteer.normalize import normalize
from geo.outputs.atomic import atomic_write
from geo.recognize.model import SECOND_PASS, RecognizerModel, TwoPass, payload, same_name_evidence
from geo.recognize.features import Featurizer
from geo.recognize.kinds import split_kind
from geo.recognize.recognizer import Recognizer
from geo.resolve.resolver import Resolver
from geo.training.augment import NEGATIVE_TEMPLATES, NamePool, negatives, substitute
from geo.training.boosting import fit
from geo.training.examples import Example, read_examples
from geo.types import Document, ParseResult

log = logging.getLogger(__name__)

PROJECTION_DIMS = 12  # word-vector dimensions kept per context word
ROUNDS = 150  # per pass; 300 at half the learning rate: within half a point in CV, predicting at half the speed
INNER_FOLDS = 5  # groups of training documents for the second pass's out-of-fold first-pass scores
COPY_WEIGHT = 0.5  # a substituted copy counts half an original
NEGATIVES_PER_TEMPLATE = 40
THRESHOLD = 0.4  # chosen among 0.4, 0.5 and 0.6 by 5-fold cross-validated F1 (README)


@dataclass
class Rows:
    """Feature rows of all candidates, with the example each came from."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    example: np.ndarray  # index into the examples list, per row
    spans: list  # per example: its candidates
    names: np.ndarray  # per row: the candidate's text
    group: np.ndarray  # per row: its document's inner fold (`INNER_FOLDS`; a copy goes with its original)


def train(paths: Sequence[Path], output: Path, *, folds: int = 5, copies: int = 2, seed: int = 13,
          gazetteer: Gazetteer | None = None, errors: Path | None = None, progress=print) -> dict:
    """Train, cross-validate (when folds > 1) and write the model; returns its figures.
    `errors`: where to write the cross-validated misses (`geo eval --errors` records)."""
    gazetteer = gazetteer or Gazetteer.load()
    originals = read_examples(list(paths), folds, seed)
    pool = NamePool(gazetteer)
    examples = list(originals)
    for e in originals:
        for c in range(copies):
            copy = substitute(e, gazetteer, pool, random.Random(f"{seed}:{e.id}:{c}"), c)
            if copy is not None:
                examples.append(copy)
    examples += negatives(pool, random.Random(seed), NEGATIVES_PER_TEMPLATE * len(NEGATIVE_TEMPLATES))
    progress(f"{len(originals)} documents, {len(examples) - len(originals)} generated; reading them")

    recognizer = Recognizer(gazetteer)
    projection = _projection(recognizer.nlp)
    recognizer.__dict__["featurizer"] = featurizer = Featurizer(projection)
    rows = _rows(recognizer, examples)
    covered = sum(_covered(e, rows.spans[i], rows.y[rows.example == i]) for i, e in enumerate(examples) if e.gold)
    gold = sum(len(e.spans) for e in examples if e.gold)
    progress(f"{len(rows.y)} candidate spans, {int(rows.y.sum())} places; candidates cover {covered} of the "
             f"{gold} gold spans ({covered / max(1, gold):.3f}), the recall the model can reach")

    figures: dict = {}
    if folds > 1:
        predicted: dict[str, list] = {}
        renamed: dict[str, list[int]] = {}
        for f in range(folds):
            train_mask = np.array([examples[i].fold != f for i in rows.example])
            passes = fit_two_pass(rows, train_mask, seed)
            _predict_into(predicted, passes, rows, examples, f, recognizer)
            _count_renamed(renamed, passes, rows, examples, f, recognizer)
        figures["cross_validated"] = score(originals, predicted, gazetteer, misses := [])
        if errors is not None:
            write_errors(errors, misses)
        progress("cross-validated (each fold scored by a model that did not see it):")
        progress(table(figures["cross_validated"]))
        if renamed:
            figures["cross_validated_renamed"] = {
                corpus: {"precision": round(sc.precision or 0.0, 3), "recall": round(sc.recall or 0.0, 3),
                         "f1": round(sc.f1 or 0.0, 3)}
                for corpus, (tp, n_gold, n_pred) in renamed.items()
                for sc in [span_scores(tp, n_gold, n_pred)]}
            progress("cross-validated on the left-out folds' renamed copies (names the model never saw there):")
            progress(table(figures["cross_validated_renamed"]))
    passes = fit_two_pass(rows, np.ones(len(rows.y), dtype=bool), seed)
    predicted = {}
    for f in sorted({e.fold for e in originals}):
        _predict_into(predicted, passes, rows, examples, f, recognizer)
    figures["training_set"] = score(originals, predicted, gazetteer)
    progress("training set (the model scored on what it learnt from):")
    progress(table(figures["training_set"]))

    info = {"data": [p.name for p in paths], "folds": folds, "copies": copies, "seed": seed,
            "documents": len(originals), "generated": len(examples) - len(originals), **figures}
    model = RecognizerModel(passes, projection, featurizer.names, THRESHOLD, info)
    with atomic_write(output, "wb") as handle:
        handle.write(payload(model))
    progress(f"wrote {output}")
    return figures


def _projection(nlp) -> np.ndarray:
    """The word vectors' main directions (SVD of the centred table), signs fixed."""
    data = np.asarray(nlp.vocab.vectors.data, dtype=np.float64)
    data = data - data.mean(axis=0)
    _, _, vt = np.linalg.svd(data[:: max(1, len(data) // 20000)], full_matrices=False)
    comps = vt[:PROJECTION_DIMS]
    signs = np.sign(comps[np.arange(len(comps)), np.abs(comps).argmax(axis=1)])
    return (comps * signs[:, None]).T.astype(np.float32)


def _rows(recognizer: Recognizer, examples: list[Example]) -> Rows:
    xs, ys, ws, owner, spans_of, names, groups = [], [], [], [], [], [], []
    order = {e.id: k for k, e in enumerate(examples)}
    texts = [e.text for e in examples]
    for i, (e, doc) in enumerate(zip(examples, recognizer.nlp.pipe(texts, batch_size=32))):
        _follow(recognizer, e)
        spans, x = recognizer.evidence(doc, e.text)
        spans_of.append(spans)
        xs.append(x)
        ys.append(labels(e, spans))
        ws.append(np.full(len(spans), COPY_WEIGHT if e.source else 1.0, dtype=np.float32))
        owner.append(np.full(len(spans), i))
        names += [e.text[s.start:s.end] for s in spans]
        groups.append(np.full(len(spans), order[e.source or e.id] % INNER_FOLDS))
    return Rows(np.vstack(xs), np.concatenate(ys), np.concatenate(ws), np.concatenate(owner), spans_of,
                np.array(names, dtype=object), np.concatenate(groups))


def _follow(recognizer: Recognizer, example: Example) -> None:
    """Recognize as the example's annotators counted places."""
    c = example.convention
    recognizer.org_places, recognizer.places_in_orgs, recognizer.demonyms = c.org_places, c.places_in_orgs, c.demonyms


def labels(example: Example, spans) -> np.ndarray:
    """1 for a candidate that is a gold span, the gold name framed by (or stripped of) its
    kind word ("Idlib province" for gold "Idlib"), or a later occurrence of a gold name
    (the conflict set annotates only the first); 0 otherwise."""
    text = example.text
    gold = set(example.spans)
    phrases = {text[s:e] for s, e in gold}
    out = np.zeros(len(spans), dtype=np.float32)
    for k, c in enumerate(spans):
        name = text[c.start:c.end]
        if (c.start, c.end) in gold:
            out[k] = 1
            continue
        overlapping = [(s, e) for s, e in gold if s < c.end and c.start < e]
        if overlapping:
            out[k] = any(_bare(name) == _bare(text[s:e]) for s, e in overlapping)
        else:
            out[k] = name in phrases
    return out


def _covered(example: Example, spans, y: np.ndarray) -> int:
    return sum(any(y[k] and c.start < e and s < c.end for k, c in enumerate(spans)) for s, e in example.spans)


def _bare(name: str) -> str:
    """The name without its kind word, case, "the" or punctuation ("Kan." = "Kan")."""
    framed = split_kind(name)
    return normalize(framed[0] if framed else name)


def _fit(x: np.ndarray, rows: Rows, mask: np.ndarray, seed: int, params: dict | None = None, rounds: int = ROUNDS):
    return fit(x[mask], rows.y[mask], rows.weight[mask], seed=seed, rounds=rounds, **(params or {}))


def fit_two_pass(rows: Rows, mask: np.ndarray, seed: int, params: dict | None = None, rounds: int = ROUNDS) -> TwoPass:
    """Both passes on the rows of `mask`. The second pass learns from first-pass scores of
    the same kind it will see: scores of documents the first pass did not learn from (out of
    fold, `INNER_FOLDS` groups of documents, a copy with its original)."""
    first = _fit(rows.x, rows, mask, seed, params, rounds)
    scores = np.zeros(len(rows.y))
    for g in range(INNER_FOLDS):
        held = mask & (rows.group == g)
        if held.any():
            inner = _fit(rows.x, rows, mask & (rows.group != g), seed, params, rounds)
            scores[held] = inner.predict(rows.x[held], num_threads=2)
    evidence = np.zeros((len(rows.y), len(SECOND_PASS)), dtype=np.float32)
    for i in np.unique(rows.example[mask]):
        own = np.flatnonzero(rows.example == i)
        evidence[own] = same_name_evidence(rows.names[own], scores[own])
    second = _fit(np.hstack([rows.x, evidence]), rows, mask, seed, params, rounds)
    return TwoPass(first, second)


def _predict_into(predicted: dict, passes: TwoPass, rows: Rows, examples: list[Example], fold: int,
                  recognizer: Recognizer) -> None:
    """Mentions for the original documents of `fold`, by `passes`."""
    for i, e in enumerate(examples):
        if e.fold != fold or e.source or e.gold is None:
            continue
        mask = rows.example == i
        scores = passes.predict(rows.x[mask], rows.names[mask], threads=2)
        _follow(recognizer, e)
        predicted[e.gold.id + "\0" + e.corpus] = recognizer.decide(e.text, rows.spans[i], scores, THRESHOLD)


def _count_renamed(counts: dict, passes: TwoPass, rows: Rows, examples: list[Example], fold: int,
                   recognizer: Recognizer) -> None:
    """Span counts (true positives, gold, predicted) on the renamed copies of `fold`'s documents."""
    for i, e in enumerate(examples):
        if e.fold != fold or not e.source:
            continue
        mask = rows.example == i
        _follow(recognizer, e)
        found = recognizer.decide(e.text, rows.spans[i], passes.predict(rows.x[mask], rows.names[mask], threads=2),
                                  THRESHOLD)
        pairs = match_spans(list(e.spans), [(m.start, m.end) for m in found])
        tally = counts.setdefault(e.corpus, [0, 0, 0])
        tally[0] += len(pairs)
        tally[1] += len(e.spans)
        tally[2] += len(found) - _repeats(e, found, pairs)


def _repeats(example: Example, found, pairs: dict[int, int]) -> int:
    """Unpaired predictions that repeat a gold name (annotated once in first-occurrence corpora)."""
    names = {example.text[s:e] for s, e in example.spans}
    paired = set(pairs.values())
    return sum(1 for k, m in enumerate(found) if k not in paired and m.text in names)


def score(originals: list[Example], predicted: dict, gazetteer: Gazetteer, misses: list | None = None,
          resolvers: dict[str, Resolver] | None = None) -> dict:
    """End-to-end figures per corpus: found (recall), precision, F1, and places right.
    `resolvers`: a corpus's own resolver (another language's view of the gazetteer)."""
    out = {}
    resolvers = resolvers or {}
    default = None if all(e.corpus in resolvers for e in originals) else Resolver(gazetteer)
    for corpus in dict.fromkeys(e.corpus for e in originals):
        resolver = resolvers.get(corpus, default)
        docs = [e.gold for e in originals if e.corpus == corpus and e.gold is not None]

        def parse(doc: Document, corpus=corpus) -> ParseResult:
            mentions = predicted[doc.id + "\0" + corpus]
            return ParseResult(doc, tuple(resolver.resolve(doc.text, mentions)))

        report: EvalReport = evaluate(docs, parse, mode="e2e")
        if misses is not None:
            misses += report.errors
        s = report.spans
        out[corpus] = {"precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3),
                       "e2e_accuracy": round(report.e2e_acc161 or 0.0, 3)}
    return out


def table(figures: dict) -> str:
    width = max([14, *(len(c) + 2 for c in figures)])
    lines = [f"  {'corpus':<{width}}{'precision':>10}{'found':>8}{'F1':>8}{'accurate':>10}"]
    for corpus, f in figures.items():
        accurate = f"{f['e2e_accuracy']:>10.3f}" if "e2e_accuracy" in f else f"{'-':>10}"
        lines.append(f"  {corpus:<{width}}{f['precision']:>10.3f}{f['recall']:>8.3f}{f['f1']:>8.3f}{accurate}")
    return "\n".join(lines)
