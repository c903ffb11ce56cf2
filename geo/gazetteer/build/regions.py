"""First-level regions: states, provinces, governorates, oblasts.

Reads: countrystatecity-countries 2.0.1 `by-country/*/states.json` (ODbL 1.0; the rows
made from it are a derived database, offered under ODbL), the `us` 4.0.0 package (US state
postal and AP abbreviations, BSD-3-Clause), and the hand-written abbreviation and demonym
tables below; GeoNames admin1 codes are matched through `admin_names`.
Rows: `csc:<id>` (A/ADM1, or ADM2 for what the source calls districts), source
`countrystatecity`, at the midpoint of the source's point and the box of the region's
towns.
"""
from __future__ import annotations

import glob
import json
import re
from collections import Counter, defaultdict
from difflib import SequenceMatcher

from geo.gazetteer.build.common import clean_alts, is_latin, region_key, row, site_packages_file
from geo.gazetteer.build.countries import plural_demonyms
from geo.gazetteer.normalize import normalize as normalise

FIRST_LEVEL_TYPES = {"province", "state", "region", "governorate", "prefecture", "republic",
                     "autonomous region", "autonomous community", "land", "voivodship",
                     "administrative region", "union territory", "country", "emirate",
                     "oblast", "territory", "federal district", "capital district"}


def match_admin1(cc: str, name: str, lat: float, lon: float, admin1_names, used: set,
                 places_by_cc) -> str:
    """GeoNames admin1 code for a countrystatecity region: by name, fuzzily by name,
    then by the admin1 code most common among the nearest cities500 places."""
    candidates = {code: nm for (c, code), nm in admin1_names.items() if c == cc}
    key = region_key(name)
    for code, nm in candidates.items():
        if region_key(nm) == key or normalise(nm) == normalise(name):
            return code
    best, score = "", 0.0
    for code, nm in candidates.items():
        s = SequenceMatcher(None, key, region_key(nm)).ratio()
        if s > score:
            best, score = code, s
    if score >= 0.8:
        return best
    near = sorted(places_by_cc.get(cc, ()),
                  key=lambda p: (p["lat"] - lat) ** 2 + (p["lon"] - lon) ** 2)[:7]
    votes = Counter(p["admin1"] for p in near if p["admin1"])
    if votes:
        code, n = votes.most_common(1)[0]
        if n >= 5 and code not in used and score >= 0.5:
            return code
    return ""


def us_state_alts() -> dict[str, list[str]]:
    """US state/territory name -> postal and AP-style abbreviations ("KS", "Kan.")."""
    import us
    out = {}
    for st in us.states.STATES_AND_TERRITORIES + [us.states.DC]:
        alts = [st.abbr]
        if st.ap_abbr:
            alts.append(st.ap_abbr)
            alts.append(st.ap_abbr.replace(".", ". ").strip())   # "W. Va."
        out[st.name] = alts + GPO_ABBREVIATIONS.get(st.name, [])
    out["District of Columbia"] += ["Washington, D.C.", "D.C.", "DC", "Washington DC"]
    return out


# Traditional (US Government Printing Office) abbreviations that AP style does not use but
# older and local news still write: "Paris, Tex.".
GPO_ABBREVIATIONS = {
    "Texas": ["Tex."], "Kansas": ["Kans."], "Nebraska": ["Nebr."], "Oregon": ["Oreg."],
    "New Mexico": ["N. Mex."], "North Dakota": ["N. Dak."], "South Dakota": ["S. Dak."],
    "Wisconsin": ["Wisc."], "Pennsylvania": ["Penn."], "California": ["Cal."],
}


# Abbreviations news uses for Canadian provinces and Australian states (Canadian Press and
# Australian usage); postal/AP abbreviations of US states come from the ``us`` package.
REGION_ABBREVIATIONS = {
    ("CA", "Alberta"): ["Alta.", "AB"], ("CA", "British Columbia"): ["B.C.", "BC"],
    ("CA", "Manitoba"): ["Man.", "MB"], ("CA", "New Brunswick"): ["N.B.", "NB"],
    ("CA", "Newfoundland and Labrador"): ["Nfld.", "N.L.", "NL", "Newfoundland"],
    ("CA", "Nova Scotia"): ["N.S.", "NS"], ("CA", "Ontario"): ["Ont.", "ON"],
    ("CA", "Prince Edward Island"): ["P.E.I.", "PEI"], ("CA", "Quebec"): ["Que.", "QC", "Québec"],
    ("CA", "Saskatchewan"): ["Sask.", "SK"], ("CA", "Northwest Territories"): ["N.W.T.", "NWT"],
    ("CA", "Yukon"): ["Y.T.", "Yukon Territory"], ("CA", "Nunavut"): ["Nvt."],
    ("AU", "New South Wales"): ["NSW", "N.S.W."], ("AU", "Queensland"): ["Qld", "Qld."],
    ("AU", "Victoria"): ["Vic."], ("AU", "Tasmania"): ["Tas."],
    ("AU", "Western Australia"): ["W.A."], ("AU", "South Australia"): ["S.A."],
    ("AU", "Northern Territory"): ["N.T."],
    ("AU", "Australian Capital Territory"): ["A.C.T."],
}


# Other names and demonyms of first-level regions that countrystatecity lacks (general
# English usage: residents of a state are news "toponyms" too, as in "Texans").
REGION_EXTRA = {
    ("RU", "Chechen"): (["Chechnya", "Chechen Republic"], ["Chechen", "Chechens"]),
    ("RU", "Dagestan"): (["Daghestan"], ["Dagestani", "Dagestanis"]),
    ("RU", "Ingushetia"): ([], ["Ingush"]),
    ("CN", "Tibet"): (["Tibet Autonomous Region"], ["Tibetan", "Tibetans"]),
    ("CN", "Xinjiang"): (["East Turkestan"], []),
    ("UA", "Autonomous Republic of Crimea"): (["Crimea", "Crimean Peninsula"], ["Crimean"]),
    ("GB", "England"): ([], ["English", "Englishman"]),
    ("GB", "Scotland"): ([], ["Scottish", "Scot", "Scots"]),
    ("GB", "Wales"): ([], ["Welsh", "Welshman"]),
    ("GB", "Northern Ireland"): ([], ["Northern Irish"]),
    ("ES", "Catalonia"): ([], ["Catalan", "Catalans"]),
    ("CA", "Quebec"): ([], ["Quebecer", "Quebecker", "Québécois"]),
    ("CA", "Ontario"): ([], ["Ontarian"]), ("CA", "Alberta"): ([], ["Albertan"]),
    ("CA", "British Columbia"): ([], ["British Columbian"]),
    ("CA", "Manitoba"): ([], ["Manitoban"]), ("CA", "Nova Scotia"): ([], ["Nova Scotian"]),
    ("CA", "Newfoundland and Labrador"): ([], ["Newfoundlander"]),
    ("AU", "Queensland"): ([], ["Queenslander"]), ("AU", "Tasmania"): ([], ["Tasmanian"]),
}


US_STATE_DEMONYMS = {
    "Alabama": "Alabamian", "Alaska": "Alaskan", "Arizona": "Arizonan", "Arkansas": "Arkansan",
    "California": "Californian", "Colorado": "Coloradan", "Delaware": "Delawarean",
    "Florida": "Floridian", "Hawaii": "Hawaiian", "Idaho": "Idahoan", "Illinois": "Illinoisan",
    "Indiana": "Hoosier", "Iowa": "Iowan", "Kansas": "Kansan", "Kentucky": "Kentuckian",
    "Louisiana": "Louisianan", "Maine": "Mainer", "Maryland": "Marylander",
    "Massachusetts": "Bay Stater", "Michigan": "Michigander", "Minnesota": "Minnesotan",
    "Mississippi": "Mississippian", "Missouri": "Missourian", "Montana": "Montanan",
    "Nebraska": "Nebraskan", "Nevada": "Nevadan", "New Hampshire": "New Hampshirite",
    "New Jersey": "New Jerseyan", "New Mexico": "New Mexican", "New York": "New Yorker",
    "North Carolina": "North Carolinian", "North Dakota": "North Dakotan", "Ohio": "Ohioan",
    "Oklahoma": "Oklahoman", "Oregon": "Oregonian", "Pennsylvania": "Pennsylvanian",
    "Rhode Island": "Rhode Islander", "South Carolina": "South Carolinian",
    "South Dakota": "South Dakotan", "Tennessee": "Tennessean", "Texas": "Texan",
    "Utah": "Utahn", "Vermont": "Vermonter", "Virginia": "Virginian",
    "West Virginia": "West Virginian", "Wisconsin": "Wisconsinite", "Wyoming": "Wyomingite",
}


def admin1_boxes(places) -> dict:
    """Bounding-box centre of the cities500 places of each (country, admin1 code)."""
    box = {}
    for p in places:
        if not p["admin1"]:
            continue
        k = (p["cc"], p["admin1"])
        b = box.get(k)
        if b is None:
            box[k] = [p["lat"], p["lat"], p["lon"], p["lon"], 1]
        else:
            b[0], b[1] = min(b[0], p["lat"]), max(b[1], p["lat"])
            b[2], b[3] = min(b[2], p["lon"]), max(b[3], p["lon"])
            b[4] += 1
    return {k: ((b[0] + b[1]) / 2, (b[2] + b[3]) / 2) for k, b in box.items()
            if b[4] >= 3 and b[3] - b[2] < 180}


def region_rows(admin1_names, places) -> list[dict]:
    """First-level regions of every country from countrystatecity, with GeoNames admin1.

    The point is the midpoint of countrystatecity's point and the bounding-box centre of
    the region's places: countrystatecity sometimes puts a region at its main city (New
    York state at New York City), and measured against GeoNames' and Wikipedia's region
    points the midpoint is closer more often than either alone."""
    places_by_cc = defaultdict(list)
    for p in places:
        places_by_cc[p["cc"]].append(p)
    pop_by_a1 = Counter()
    for p in places:
        pop_by_a1[(p["cc"], p["admin1"])] += p["population"]
    boxes = admin1_boxes(places)
    us_alts = us_state_alts()
    rows = []
    base = site_packages_file("countrystatecity_countries", "data", "by-country")
    for path in sorted(glob.glob(str(base / "*" / "states.json"))):
        used = set()
        for s in json.load(open(path, encoding="utf-8")):
            if not s.get("latitude") or not s.get("longitude"):
                continue
            cc, lat, lon = s["country_code"], float(s["latitude"]), float(s["longitude"])
            code = match_admin1(cc, s["name"], lat, lon, admin1_names, used, places_by_cc)
            used.add(code)
            stype = (s.get("type") or "").lower()
            fcode = "ADM1" if code or stype in FIRST_LEVEL_TYPES or not stype else "ADM2"
            alts = [s.get("native") or ""]
            stripped = region_key(s["name"])
            if stripped and stripped != normalise(s["name"]):
                # "Daraa Governorate" is written "Daraa": keep the bare form, original case
                words = [w for w in re.split(r"\s+", s["name"]) if normalise(w) in stripped.split()]
                alts.append(" ".join(words))
            if code:
                alts.append(admin1_names.get((cc, code), ""))
            abbrevs = us_alts.get(s["name"], []) if cc == "US" else []
            abbrevs += REGION_ABBREVIATIONS.get((cc, s["name"]), [])
            alts = clean_alts(s["name"], alts) + clean_alts(s["name"], abbrevs, keep_codes=True, exact=True)
            extra_names, dem = REGION_EXTRA.get((cc, s["name"]), ([], []))
            alts += clean_alts(s["name"], extra_names)
            alts = list(dict.fromkeys(a for a in alts if is_latin(a)))
            if cc == "US" and s["name"] in US_STATE_DEMONYMS:
                dem = dem + [US_STATE_DEMONYMS[s["name"]]]
            dem = clean_alts("", plural_demonyms(dem))
            if code and (cc, code) in boxes:
                blat, blon = boxes[(cc, code)]
                lat, lon = (lat + blat) / 2, (lon + blon) / 2
            rows.append(row(id=f"csc:{s['id']}", name=s["name"], alt_names=alts, lat=lat,
                            lon=lon, feature_class="A", feature_code=fcode, country_code=cc,
                            admin1=code, population=pop_by_a1.get((cc, code), 0) if code else 0,
                            demonyms=dem, source="countrystatecity"))
    return rows
