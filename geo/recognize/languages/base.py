"""What every language's recogniser shares: the contract.

A language recogniser proposes spans of the text as written with the cues of their context
(`proposals`), leaves the decision to the trained model (`geo.recognize.languages.learned`), and knows
how a written name maps to its listed forms (`variants`: the Russian dictionary form, the
Arabic name without its proclitic). The pipeline hands `variants` to the language's view of
the gazetteer (`geo.gazetteer.localized`), so the resolver finds the same rows the
recogniser found.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from geo.types import Mention

if TYPE_CHECKING:  # pragma: no cover
    from geo.recognize.languages.learned import Proposals


class LanguageRecognizer:
    """Base class: a language proposes (`proposals_many`), the trained model decides
    (`geo.recognize.languages.learned`). `model`: a model file from `geo train languages`
    (default: the one in the package), read on the first document."""

    lang = ""

    def __init__(self, gazetteer, model: Path | str | None = None):
        self.gazetteer = gazetteer  # a LocalizedGazetteer for `lang`, set up by the pipeline
        self.model_path = Path(model) if model is not None else None

    @property
    def model(self):
        from geo.recognize.languages.learned import load_language_model

        return load_language_model(self.model_path)

    def variants(self, name: str) -> Iterable[str]:
        """Listed forms of a written name, tried one by one (`LocalizedGazetteer`)."""
        return ()

    def together(self, name: str) -> Iterable[str]:
        """Listed forms of a written name that are all looked up, before `variants`."""
        return ()

    def proposals(self, text: str) -> "Proposals":
        raise NotImplementedError

    def proposals_many(self, texts: Sequence[str]) -> Iterator["Proposals"]:
        for text in texts:
            yield self.proposals(text)

    def recognize(self, text: str) -> list[Mention]:
        return next(self.recognize_many([text]))

    def recognize_many(self, texts: Iterable[str]) -> Iterator[list[Mention]]:
        texts = list(texts)
        model = self.model  # a broken model file fails before any document is read
        for text, found in zip(texts, self.proposals_many(texts)):
            yield model.decide(self.lang, text, found)


def sentence_start(text: str, start: int) -> bool:
    """Whether a word at `start` opens a sentence (or the text, or a paragraph)."""
    window = text[max(0, start - 6):start]
    stripped = window.rstrip(' \t\r\n"«“')
    return not stripped or stripped[-1] in '.!?…»”"'
