"""Stage 2, the gazetteer: the names and points that recognition and resolution both read.

`schema` (the CSV and index formats), `index` (the cached SQLite index and its lookups),
`compile` and `bulk_keys` (CSV -> that index, at install and when a source changes),
`geonames` (full GeoNames dumps), `geocoders` (optional online fallbacks), `build` (how the
shipped gazetteer.csv is made from registry packages) and `normalize` (the name key).
"""
from geo.gazetteer.index import Gazetteer, shipped_gazetteer
from geo.gazetteer.schema import COUNTRY_CODES

__all__ = ["COUNTRY_CODES", "Gazetteer", "shipped_gazetteer"]
