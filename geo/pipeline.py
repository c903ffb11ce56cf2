"""The whole path of a document: recognize -> resolve, as one reusable object.

`Geoparser` holds the loaded gazetteer and the (lazily loaded) language model, so that many
documents share one load. Documents that carry their own mention spans skip recognition
(resolution mode) and never load the model.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from .gazetteer import Gazetteer
from .recognize import Recognizer
from .resolve import Resolver
from .types import Candidate, Document, Mention, ParseResult


class Geoparser:
    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        gazetteers: Sequence[str | Path] = (),
        recognizer: Recognizer | None = None,
        resolver: Resolver | None = None,
    ):
        self.gazetteer = gazetteer or Gazetteer.load(gazetteers)
        self.recognizer = recognizer or Recognizer(self.gazetteer)
        self.resolver = resolver or Resolver(self.gazetteer)

    def parse(self, document: Document | str) -> ParseResult:
        if isinstance(document, str):
            document = Document(id="1", text=document)
        return next(self.parse_many([document]))

    def parse_many(self, documents: Iterable[Document], *, batch_size: int = 16) -> Iterator[ParseResult]:
        """Results in input order; model inference is batched across documents."""
        it = iter(documents)
        while batch := list(islice(it, batch_size)):
            needs_model = [d for d in batch if d.mentions is None]
            found = iter(self.recognizer.recognize_many([d.text for d in needs_model])) if needs_model else iter(())
            for doc in batch:
                mentions = given_mentions(doc) if doc.mentions is not None else next(found)
                yield ParseResult(doc, tuple(self.resolver.resolve(doc.text, mentions)))

    def rank(self, name: str, context: str = "") -> list[Candidate]:
        """Candidates for one name, best first, scored as if it stood in `context`."""
        text = f"{name}\n{context}" if context else name
        mentions = [Mention(0, len(name), name, "GIVEN")]
        if context:
            mentions += [m for m in self.recognizer.recognize(text) if m.start > len(name)]
        return list(self.resolver.resolve(text, mentions)[0].candidates)


def given_mentions(document: Document) -> list[Mention]:
    return [
        Mention(start, end, document.text[start:end], "GIVEN")
        for start, end in document.mentions or ()
    ]
