"""Recognition for the languages geo reads besides English, one module each, chosen by the
document's language (`detect`). Each recogniser and its model load on the first document of
its language: an English-only run imports none of them."""
from __future__ import annotations

from geo.recognize.languages.detect import ENGLISH, SUPPORTED, detect

RECOGNIZERS = {
    "fr": ("geo.recognize.languages.french", "FrenchRecognizer"),
    "ru": ("geo.recognize.languages.russian", "RussianRecognizer"),
    "uk": ("geo.recognize.languages.russian", "UkrainianRecognizer"),
    "ar": ("geo.recognize.languages.arabic", "ArabicRecognizer"),
}

__all__ = ["ENGLISH", "RECOGNIZERS", "SUPPORTED", "detect"]
