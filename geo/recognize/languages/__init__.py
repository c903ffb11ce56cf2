"""Recognition for the languages geo reads besides English, one module each, chosen by the
document's language (`detect`). Each recogniser and its model load on the first document of
its language: an English-only run imports none of them."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from geo.recognize.languages.detect import ENGLISH, SUPPORTED, detect

RECOGNIZERS = {
    "fr": ("geo.recognize.languages.french", "FrenchRecognizer"),
    "ru": ("geo.recognize.languages.russian", "RussianRecognizer"),
    "uk": ("geo.recognize.languages.russian", "UkrainianRecognizer"),
    "ar": ("geo.recognize.languages.arabic", "ArabicRecognizer"),
}



def language_recognizer(gazetteer, lang: str, model: Path | str | None = None):
    """The recogniser of `lang` over that language's view of `gazetteer` (its `gazetteer`
    attribute, which the language's resolver reads too); `model`: a `geo train languages` file."""
    from geo.gazetteer.languages import LanguageNames
    from geo.gazetteer.localized import LocalizedGazetteer

    module, name = RECOGNIZERS[lang]
    view = LocalizedGazetteer(gazetteer, lang, LanguageNames(lang))
    recognizer = getattr(import_module(module), name)(view, model)
    view.variants = recognizer.variants
    view.together = recognizer.together
    return recognizer


__all__ = ["ENGLISH", "RECOGNIZERS", "SUPPORTED", "detect", "language_recognizer"]
