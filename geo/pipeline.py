"""The whole path of a document: recognize -> resolve, as one reusable object.

`Geoparser` holds the loaded gazetteer and the (lazily loaded) language model, so that many
documents share one load. Documents that carry their own mention spans skip recognition
(resolution mode) and never load the model.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from geo.errors import ModelError, described
from geo.gazetteer.index import Gazetteer
from geo.recognize.recognizer import Recognizer
from geo.resolve.resolver import Resolver
from geo.resolve.source_locale import SourceLocales
from geo.types import Candidate, Document, Mention, ParseResult


class Geoparser:
    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        gazetteers: Sequence[str | Path] = (),
        recognizer: Recognizer | None = None,
        resolver: Resolver | None = None,
        demonyms: bool = True,
    ):
        self.gazetteer = gazetteer or Gazetteer.load(gazetteers)
        self.recognizer = recognizer or Recognizer(self.gazetteer, demonyms=demonyms)
        self.resolver = resolver or Resolver(self.gazetteer)
        self.locales = SourceLocales()

    def parse(self, document: Document | str) -> ParseResult:
        if isinstance(document, str):
            document = Document(id="1", text=document)
        return next(self.parse_many([document]))

    def parse_many(
        self, documents: Iterable[Document], *, batch_size: int = 16, on_error: str = "fail",
    ) -> Iterator[ParseResult]:
        """Results in input order; model inference is batched across documents.

        A document that arrives with an `error` (an input the reader could not read, see
        `geo.inputs.read.UnreadableDocument`) passes through as a result with that error. With
        `on_error="skip"`, a document whose processing raises gets a result with `error` set
        instead of ending the run: one bad document never costs the others their results.
        """
        it = iter(documents)
        while batch := list(islice(it, batch_size)):
            if on_error != "skip":
                yield from self._parse_batch(batch)
                continue
            try:
                results = list(self._parse_batch(batch))
            except ModelError:
                raise
            except Exception:  # find the culprit: parse the batch again one document at a time
                results = [self._parse_alone(doc) for doc in batch]
            yield from results

    def _parse_batch(self, batch: list[Document]) -> Iterator[ParseResult]:
        readable = [d for d in batch if not getattr(d, "error", None)]
        needs_model = [d for d in readable if d.mentions is None]
        found = iter(self.recognizer.recognize_many([d.text for d in needs_model])) if needs_model else iter(())
        for doc in batch:
            if getattr(doc, "error", None):
                yield ParseResult(doc, error=doc.error)  # type: ignore[attr-defined]
                continue
            if doc.mentions is not None:
                mentions = given_mentions(doc)
            else:
                mentions = within_paragraphs(doc.text, next(found), self._recognize_one)
            resolutions = self.resolver.resolve(doc.text, mentions, locale=self.locales.prior(doc))
            self.locales.observe(doc, resolutions)
            yield ParseResult(doc, tuple(resolutions))

    def _recognize_one(self, text: str) -> list[Mention]:
        return next(iter(self.recognizer.recognize_many([text])))

    def _parse_alone(self, doc: Document) -> ParseResult:
        try:
            return next(self._parse_batch([doc]))
        except ModelError:
            raise
        except Exception as exc:
            where = f"{doc.source}: " if doc.source else ""
            return ParseResult(doc, error=f"{where}document {doc.id}: {described(exc)}")

    def forget_sources(self) -> None:
        """Drop what was learnt about the sources' locales (see `geo.resolve.source_locale`)."""
        self.locales = SourceLocales()

    def rank(self, name: str, context: str = "") -> list[Candidate]:
        """Candidates for one name, best first, scored as if it stood in `context`."""
        text = f"{name}\n{context}" if context else name
        mentions = [Mention(0, len(name), name, "GIVEN")]
        if context:
            mentions += [m for m in self.recognizer.recognize(text) if m.start > len(name)]
        return list(self.resolver.resolve(text, mentions)[0].candidates)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def within_paragraphs(text: str, mentions: list[Mention], recognize: Callable[[str], list[Mention]]) -> list[Mention]:
    """No mention crosses a paragraph break. The model may join a feed entry's title to the
    first word of its summary ("Sfax\n\nRain"); each paragraph such a mention touches is
    recognised again on its own, and its mentions replace those found in it before."""
    crossing = [m for m in mentions if _PARAGRAPH_BREAK.search(text, m.start, m.end)]
    if not crossing:
        return mentions
    starts = [0] + [b.end() for b in _PARAGRAPH_BREAK.finditer(text)]
    bounds = [(start, nxt.start() if nxt else len(text))
              for start, nxt in zip(starts, [*_PARAGRAPH_BREAK.finditer(text), None])]
    redo = [(a, b) for a, b in bounds if any(m.start < b and m.end > a for m in crossing)]
    kept = [m for m in mentions if m not in crossing and not any(a <= m.start < b for a, b in redo)]
    for a, b in redo:
        kept += [Mention(m.start + a, m.end + a, m.text, m.label, m.demonym) for m in recognize(text[a:b])]
    return sorted(kept, key=lambda m: (m.start, m.end))


def given_mentions(document: Document) -> list[Mention]:
    return [
        Mention(start, end, document.text[start:end], "GIVEN")
        for start, end in document.mentions or ()
    ]
