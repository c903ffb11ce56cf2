"""Annotated documents -> training examples, and the folds that keep cross-validation honest.

Training reads exactly what `geo eval` reads (LGL, TR-News and GeoVirus XML, and JSON Lines
in the conflict set's format), so a user's own annotated file teaches the recognizer their
beat the same way. Each corpus keeps its annotators' convention (`CONVENTIONS`): LGL counts
"Paris" in "Paris Police Department", the conflict set does not, and the model learns both,
told which one applies.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import InputError
from geo.evaluation.corpora import CONVENTIONS, GoldDocument, corpus_name, read_corpus
from geo.recognize.features import Convention

DEV_CORPORA = ("lgl.xml", "trnews.xml", "geovirus.xml", "conflict-dev.jsonl")


@dataclass(frozen=True)
class Example:
    id: str
    corpus: str
    text: str
    spans: tuple[tuple[int, int], ...]  # gold spans
    points: tuple[tuple[float, float] | None, ...]  # their gold points, for choosing substitutes
    convention: Convention
    fold: int = -1  # -1: never scored (generated)
    position: int = 0  # the document's place in its file: the order `geo eval` reads them in
    source: str = ""  # the original example's id, for copies
    gold: GoldDocument | None = field(default=None, compare=False, repr=False)  # originals, for scoring
    lang: str = ""  # the document's language ("fr", "ru", "ar"; "" for English)


def default_data() -> list[Path]:
    """The dev halves next to the repository (`../shared/corpora/`)."""
    root = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
    return [root / name for name in DEV_CORPORA]


def read_examples(paths: list[Path], folds: int, seed: int) -> list[Example]:
    """Examples from every file, each corpus split into `folds` folds by document."""
    out: list[Example] = []
    for path in paths:
        try:
            empty = not path.read_bytes().strip()
        except OSError as exc:
            raise InputError(f"{path}: cannot read training file: {exc.strerror or exc}") from None
        if empty:
            raise InputError(f"{path}: empty training file")
        name = corpus_name(path)
        docs = read_corpus(path)
        if not any(doc.toponyms for doc in docs):
            raise InputError(f"{path}: no annotated places to learn from")
        convention = CONVENTIONS[name]
        label = name if path.name.split(".")[0] in ("lgl", "trnews", "geovirus", "conflict-dev") else path.stem
        order = list(range(len(docs)))
        random.Random(f"{seed}:{label}").shuffle(order)
        for rank, i in enumerate(order):
            out.append(_example(docs[i], label, convention, rank % folds if folds > 1 else 0, i))
    return out


def _example(doc: GoldDocument, corpus: str, convention, fold: int, position: int) -> Example:
    anchored = [t for t in doc.toponyms if t.anchored and doc.text[t.start:t.end].strip()]
    return Example(
        id=f"{corpus}:{doc.id}", corpus=corpus, text=doc.text,
        spans=tuple((t.start, t.end) for t in anchored),
        points=tuple((t.lat, t.lon) if t.has_point else None for t in anchored),
        convention=Convention(org_places=convention.org_places, places_in_orgs=convention.places_in_orgs,
                              demonyms=convention.demonyms),
        fold=fold, position=position, gold=doc, lang=doc.lang,
    )


def by_fold(examples: list[Example]) -> dict[int, list[Example]]:
    out: dict[int, list[Example]] = defaultdict(list)
    for e in examples:
        out[e.fold].append(e)
    return out
