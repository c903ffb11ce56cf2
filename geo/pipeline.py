"""The whole path of a document: recognize -> resolve, as one reusable object.

`Geoparser` holds the loaded gazetteer and the (lazily loaded) language model, so that many
documents share one load. Documents that carry their own mention spans skip recognition
(resolution mode) and never load the model.

Each document goes by its language: its own `lang`, else the Geoparser's `lang` (`--lang`),
else the detected one. English takes the path above; French, Russian, Ukrainian and Arabic
take their language's recogniser and a resolver over that language's view of the gazetteer
(`geo.gazetteer.localized`), both made on the first document of the language. A language
geo does not read gets no places, and a notice with `-v`.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from pathlib import Path

from geo.errors import ModelError, described
from geo.gazetteer.index import Gazetteer
from geo.recognize.languages import ENGLISH, RECOGNIZERS, detect, language_recognizer
from geo.recognize.recognizer import Recognizer
from geo.resolve.resolver import Resolver
from geo.resolve.source_locale import SourceLocales
from geo.types import Candidate, Document, Mention, ParseResult


logger = logging.getLogger("geo")


class Geoparser:
    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        gazetteers: Sequence[str | Path] = (),
        recognizer: Recognizer | None = None,
        resolver: Resolver | None = None,
        demonyms: bool = True,
        lang: str | None = None,
        language_model: str | Path | None = None,
    ):
        self.gazetteer = gazetteer or Gazetteer.load(gazetteers)
        self.recognizer = recognizer or Recognizer(self.gazetteer, demonyms=demonyms)
        self.resolver = resolver or Resolver(self.gazetteer)
        self.locales = SourceLocales()
        self.lang = lang  # every document's language, when the caller knows it (--lang)
        self.language_model = language_model  # French, Russian, Arabic: a `geo train languages` file
        self._languages: dict[str, tuple[object, Resolver]] = {}

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
        batch = [self._with_language(d) for d in batch]
        readable = [d for d in batch if not getattr(d, "error", None)]
        found: dict[int, list[Mention]] = {}
        by_lang: dict[str, list[Document]] = {}
        for d in readable:
            if d.mentions is None:
                by_lang.setdefault(d.lang, []).append(d)
        for lang, docs in by_lang.items():
            recognizer = self._language(lang)[0]
            if recognizer is None:
                for d in docs:
                    logger.info("%s: language %r is not one geo reads (English, French, Russian, "
                                "Ukrainian, Arabic): no places", d.id, d.lang)
                    found[id(d)] = []
                continue
            for d, mentions in zip(docs, recognizer.recognize_many([d.text for d in docs])):
                found[id(d)] = mentions
        for doc in batch:
            if getattr(doc, "error", None):
                yield ParseResult(doc, error=doc.error)  # type: ignore[attr-defined]
                continue
            if doc.mentions is not None:
                mentions = given_mentions(doc)
            else:
                recognizer = self._language(doc.lang)[0]
                mentions = within_paragraphs(doc.text, found[id(doc)],
                                             lambda text: next(iter(recognizer.recognize_many([text]))))
            resolver = self._language(doc.lang)[1] or self.resolver
            resolutions = resolver.resolve(doc.text, mentions, locale=self.locales.prior(doc))
            self.locales.observe(doc, resolutions)
            yield ParseResult(doc, tuple(resolutions))

    def _with_language(self, doc: Document) -> Document:
        if getattr(doc, "error", None):
            return doc
        lang = (self.lang or doc.lang or detect(doc.text) or "?").lower()
        if lang == doc.lang or (lang == ENGLISH and not doc.lang):
            return doc  # an English document comes back as it came ("" reads as English)
        return replace(doc, lang=lang)

    def _language(self, lang: str) -> tuple[object | None, Resolver | None]:
        """(recogniser, resolver) for a language; (None, None) for one geo does not read."""
        if lang in ("", ENGLISH):
            return self.recognizer, self.resolver
        if lang not in RECOGNIZERS:
            return None, None
        if lang not in self._languages:
            recognizer = language_recognizer(self.gazetteer, lang, self.language_model)
            self._languages[lang] = (recognizer, Resolver(recognizer.gazetteer, model=self.resolver.model))
        return self._languages[lang]

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
        return [c for c, _ in self.explain(name, context)]

    def explain(self, name: str, context: str = "") -> list[tuple[Candidate, dict[str, float]]]:
        """`rank`, with the features that decided each candidate's score (`Resolver.explain`)."""
        text = f"{name}\n{context}" if context else name
        lang = (self.lang or detect(text) or "?").lower()
        recognizer, resolver = self._language(lang)
        if recognizer is None or resolver is None:
            return []
        mentions = [Mention(0, len(name), name, "GIVEN")]
        if context:
            mentions += [m for m in recognizer.recognize(text) if m.start > len(name)]
        return resolver.explain(text, mentions)


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
