"""Stage 3, recognition: text -> place mentions (candidate spans from everywhere, decided by a trained model)."""
from geo.recognize.recognizer import Recognizer

__all__ = ["Recognizer"]
