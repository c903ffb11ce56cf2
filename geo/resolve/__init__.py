"""Stage 4, resolution: mentions -> places, ranked by what the document and its source say."""
from geo.resolve.resolver import Resolver

__all__ = ["Resolver"]
