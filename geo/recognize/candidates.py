"""Candidate spans: every stretch of a text that could be a place name, from every source.

Recall first: the trained model (`geo.recognize.model`) decides which candidates are places
and which of overlapping candidates is the mention, so this module proposes generously and
never judges by context. Sources:

* the spaCy model's entities, whatever their label ("Hmeimim" comes as NORP, "Kosti" as
  PERSON, "Saraqeb overnight" as TIME);
* every capitalised run of words that the gazetteer knows as a name, exactly or through the
  transliteration key (`geo.gazetteer.normalize.translit_key`), with the articles and
  hyphens of Arabic names inside ("Maarat al-Numan", "Port-au-Prince");
* the same spans framed by a kind word ("Luhansk region", "Lake Chad", "Strait of Hormuz");
* datelines ("KHARTOUM, June 3 -").

Rules that stay rules: a place name is written with a capital (English), and no mention
crosses a line break (a title and its body, or two paragraphs, are separate phrases).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geo.gazetteer.index import Gazetteer
from geo.recognize.kinds import KIND_AFTER, KIND_BEFORE

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

# Entity labels that never name a place.
NUMERIC_LABELS = {"CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"}
MAX_TOKENS = 7  # tokens of the longest gazetteer name tried ("Rio Grande do Sul", "Port - au - Prince")
# Lower-case words that may stand inside a name between capitalised ones.
JOINERS = {"-", "al", "el", "ad", "as", "ash", "an", "ar", "at", "az", "ad", "de", "do", "da", "dos",
           "del", "of", "and", "au", "upon", "on", "la", "le", "'", "\u2019", "du", "des", "bin", "ibn"}
ARTICLES = {"al", "el", "ad", "as", "ash", "an", "ar", "at", "az"}
TRANSLIT_MIN_CHARS = 5  # shorter names fold onto too many others to be worth a loose look-up
# "HUME – ...", "KHARTOUM, June 3 - ...", "KYIV, March 12, 2024 (Reuters) - ...",
# "GOMA, Democratic Republic of Congo - ...": a dateline opens a news item with its place.
_DATELINE = re.compile(
    r"(?:^|\n|\.\s)(?P<place>[A-Z][A-Z'\.-]+(?: [A-Z][A-Z'\.-]+){0,3})"
    r"(?:,? [A-Z][A-Za-z\.]+(?: (?:of |the )?[A-Z][A-Za-z\.]+){0,3})?(?: \d{1,2}(?:, \d{4})?)?"
    r"\s*(?:\([A-Za-z ]+\)\s*)?(?:[—–-]{1,2}|:)\s"
)

# Where a candidate came from (a candidate may come from several).
ENTITY, GAZETTEER, TRANSLIT, KIND_AFTER_SRC, KIND_BEFORE_SRC, DATELINE = (
    "entity", "gazetteer", "translit", "kind_after", "kind_before", "dateline")


@dataclass(frozen=True, slots=True)
class Tokens:
    """A tokenised text's token attributes as plain lists, read once per document (with
    `Doc.to_array`). The candidates and their features look at each token many times, and
    every `doc[i]` builds a new Token object: a fifth of their time went there. The same
    rows come out; 1,000 LGL documents on one worker take 21.6 s instead of 22.4."""

    text: list[str]
    lower: list[str]
    ws: list[str]  # the whitespace after the token
    idx: list[int]  # its character offset
    punct: list[bool]
    space: list[bool]
    quote: list[bool]
    alpha: list[bool]
    stop: list[bool]

    @classmethod
    def of(cls, doc: "Doc") -> "Tokens":
        from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_QUOTE, IS_SPACE, IS_STOP, LENGTH, LOWER, SPACY

        cols = doc.to_array([IDX, LENGTH, SPACY, LOWER, IS_PUNCT, IS_SPACE, IS_QUOTE, IS_ALPHA, IS_STOP]).T.tolist()
        idx, length, space_after, lower = cols[:4]
        text, strings = doc.text, doc.vocab.strings
        return cls([text[i:i + n] for i, n in zip(idx, length)], [strings[h] for h in lower],
                   [" " if s else "" for s in space_after], idx, *([bool(v) for v in col] for col in cols[4:]))

    def __len__(self) -> int:
        return len(self.text)


@dataclass(slots=True)
class SpanCandidate:
    start: int  # character offsets into the text
    end: int
    first: int  # token indices, inclusive
    last: int
    sources: set[str] = field(default_factory=set)
    label: str = ""  # the spaCy entity label, when the span is one of its entities


def candidates(doc: "Doc", tok: Tokens, text: str, gazetteer: Gazetteer) -> list[SpanCandidate]:
    """Every candidate span of `text` (which `doc` tokenised, `tok` its tokens), each once, in text order."""
    found: dict[tuple[int, int], SpanCandidate] = {}

    def add(first: int, last: int, source: str, label: str = "") -> None:
        start, end = tok.idx[first], tok.idx[last] + len(tok.text[last])
        if "\n" in text[start:end]:
            return
        c = found.get((start, end))
        if c is None:
            c = found[(start, end)] = SpanCandidate(start, end, first, last)
        c.sources.add(source)
        c.label = c.label or label

    for first, last, label in _entity_spans(doc, tok):
        add(first, last, ENTITY, label)
    for first, last, loose in _gazetteer_runs(tok, text, gazetteer):
        add(first, last, TRANSLIT if loose else GAZETTEER)
    for first, last in _datelines(doc, text, gazetteer):
        add(first, last, DATELINE)
    for c in list(found.values()):
        for first, last, source in _kind_framed(tok, c.first, c.last):
            add(first, last, source)
    return sorted(found.values(), key=lambda c: (c.start, c.end))


def entities(doc: "Doc") -> list["Span"]:
    """spaCy's entities, each cut at line breaks: the model joins a title to the first word
    of the next paragraph ("Sfax\n\nRain"), and each piece keeps the label as evidence."""
    from spacy.tokens import Span

    out = []
    for ent in doc.ents:
        if "\n" not in ent.text:
            out.append(ent)
            continue
        start = ent.start
        for i in range(ent.start, ent.end + 1):
            if i == ent.end or "\n" in doc[i].text or "\n" in doc[i].whitespace_:
                end = i + (i < ent.end and not doc[i].is_space)
                if end > start and not doc[start:end].text.isspace():
                    out.append(Span(doc, start, end, label=ent.label_))
                start = i + 1
    return out


def _entity_spans(doc: "Doc", tok: Tokens) -> Iterator[tuple[int, int, str]]:
    """The model's entities, without a leading "the" or a trailing "'s", capitalised."""
    for ent in entities(doc):
        if ent.label_ in NUMERIC_LABELS:
            continue
        first, last = ent.start, ent.end - 1
        if tok.lower[first] == "the":
            first += 1
        while last >= first and (tok.lower[last] in ("'s", "\u2019s", "'", "\u2019") or tok.space[last]):
            last -= 1
        if last >= first and _capitalised(tok.text[first]):
            yield first, last, ent.label_


def _gazetteer_runs(tok: Tokens, text: str, gazetteer: Gazetteer) -> Iterator[tuple[int, int, bool]]:
    """Capitalised runs (articles and joiners inside) that some gazetteer name matches."""
    known: dict[str, int] = {}  # name -> 2 exact, 1 loose, 0 unknown (news repeats its names)

    def match(name: str) -> int:
        found = known.get(name)
        if found is None:
            found = known[name] = 2 if gazetteer.candidates(name) else int(
                len(name) >= TRANSLIT_MIN_CHARS and not name.isupper() and bool(gazetteer.translit_candidates(name)))
        return found

    words, lower, ws, idx = tok.text, tok.lower, tok.ws, tok.idx
    n = len(tok)
    for i in range(n):
        article_start = lower[i] in ARTICLES and i + 2 < n and words[i + 1] == "-" and _capitalised(words[i + 2])
        if not (_capitalised(words[i]) or article_start) or tok.punct[i]:
            continue
        for j in range(i, min(n, i + MAX_TOKENS)):
            w = words[j]
            if tok.space[j] or "\n" in w or (j > i and "\n" in ws[j - 1]):
                break
            if j > i and not (_capitalised(w) or lower[j] in JOINERS):
                break
            if not _capitalised(w) or (j > i and ws[j - 1] and w == "-"):
                continue
            name = text[idx[i]:idx[j] + len(w)]
            if j + 1 < n and words[j + 1] == "." and not ws[j] and any(
                    c.alias.endswith(".") for c in gazetteer.candidates(name + ".")):
                yield i, j + 1, False  # an abbreviation ("Tex.") the tokenizer cut from its period
            found = match(name)
            if found:
                yield i, j, found == 1


def _datelines(doc: "Doc", text: str, gazetteer: Gazetteer) -> Iterator[tuple[int, int]]:
    for m in _DATELINE.finditer(text):
        span = doc.char_span(m.start("place"), m.end("place"))  # None unless on token edges
        if span is not None and gazetteer.has_name(m.group("place")):
            yield span.start, span.end - 1


def _kind_framed(tok: Tokens, first: int, last: int) -> Iterator[tuple[int, int, str]]:
    """The span with the kind word that frames it: "Luhansk region", "Lake Chad", "Gulf of Aden"."""
    lower = tok.lower
    if last + 1 < len(tok) and lower[last + 1] in KIND_AFTER and tok.ws[last] == " ":
        yield first, last + 1, KIND_AFTER_SRC
    if first > 0 and lower[first - 1] in KIND_BEFORE and _capitalised(tok.text[first - 1]) \
            and tok.ws[first - 1] == " ":
        yield first - 1, last, KIND_BEFORE_SRC
    if first > 1 and f"{lower[first - 2]} {lower[first - 1]}" in KIND_BEFORE and _capitalised(tok.text[first - 2]):
        yield first - 2, last, KIND_BEFORE_SRC


def _capitalised(word: str) -> bool:
    return word[:1].isupper()

