"""Stage 3, recognition: text -> place mentions (spaCy's entities plus gazetteer passes)."""
from geo.recognize.recognizer import Recognizer

__all__ = ["Recognizer"]
