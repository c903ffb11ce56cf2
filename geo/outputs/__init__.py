"""Stage 5, outputs: results -> JSONL, GeoJSON or CSV, always written whole or not at all."""
from geo.outputs.export import FORMATS, WRITERS

__all__ = ["FORMATS", "WRITERS"]
