"""Read the annotated evaluation corpora (LGL, TR-News, GeoVirus, conflict) into one plain form.

The three corpora come in two XML dialects:

* LGL and TR-News: ``<article docid=..>`` with ``<title>``, ``<url>``, ``<text>`` and
  ``<toponyms><toponym><start><end><phrase><gaztag geonameid=..><lat><lon>``; some toponyms
  have no ``<gaztag>`` (no coordinates). LGL articles carry a ``<feedid>``, TR-News ones do not.
* GeoVirus: ``<article><source>URL</source><text>`` with
  ``<locations><location><name><start><end><lat><lon><page>``, offsets counted from 1. A few
  ``<location>`` elements are (wrongly) nested inside another one; each is still a toponym.

* The conflict set (``conflict-dev.jsonl``): JSON Lines, one case a line, ``{"id", "text",
  "places": [{"name", "lat", "lon", "kind"}]}``; no offsets: the first whole-word occurrence
  of each ``name`` is the one meant. Each place carries a kind ("town", "region", "sea", ...)
  and the kind sets how far off an answer may be (`KIND_TOLERANCE_KM`): a country point 300
  km away is right, a town 30 km away is not.

The format is told from the content, never from the file name, so renamed or held-out
files read the same way.

Gold offsets are not fully trustworthy (TR-News drifts by up to ~10 characters late in some
articles, cumulatively, and one span has a wrong end), and a scorer that compares spans must
not penalise a system for the annotation's arithmetic. So every gold span is re-anchored on
its phrase near the given offset (see `anchor`); the ones that cannot be found keep their
clipped offsets and are flagged ``anchored=False``.
"""
from __future__ import annotations

import json
import logging
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from geo.errors import InputError, located

log = logging.getLogger(__name__)

LGL = "LGL"
TR_NEWS = "TR-News"
GEOVIRUS = "GeoVirus"
CONFLICT = "conflict"


@dataclass(frozen=True)
class Convention:
    """What a corpus's annotators counted as a toponym, beyond plain place names."""

    demonyms: bool  # "Turkish", "American" as toponyms of their country
    org_places: bool  # the place that opens an organisation's name: "Paris Police Department"
    places_in_orgs: bool = True  # any place word inside an organisation's name ("Alliance of Sahel States")


# LGL and TR-News annotate demonyms and places inside organisation names; GeoVirus
# annotates place names standing alone (Gritta et al. 2018).
CONVENTIONS = {
    LGL: Convention(demonyms=True, org_places=True),
    TR_NEWS: Convention(demonyms=True, org_places=True),
    GEOVIRUS: Convention(demonyms=False, org_places=False),
    # conflict-dev.md: demonyms are not annotated, nor organisations with a place word.
    CONFLICT: Convention(demonyms=False, org_places=False, places_in_orgs=False),
}

# conflict-dev.md's tolerances: a settlement must be placed on the town, a region near its
# centre, a country, sea or river anywhere reasonable (their points are conventions).
SETTLEMENT_KM, REGION_KM, LARGE_KM = 25.0, 161.0, 500.0
KIND_TOLERANCE_KM = {
    "city": SETTLEMENT_KM, "town": SETTLEMENT_KM, "village": SETTLEMENT_KM,
    "crossing": SETTLEMENT_KM, "base": SETTLEMENT_KM, "district": SETTLEMENT_KM,
    "other": SETTLEMENT_KM,
    "region": REGION_KM, "mountain": REGION_KM,
    "country": LARGE_KM, "sea": LARGE_KM, "river": LARGE_KM,
}

ANCHOR_WINDOW = 8
"""How far (characters) either side of the expected offset `anchor` looks for the phrase.

Measured on the dev halves: LGL and GeoVirus are exact; TR-News drifts cumulatively within an
article (up to -10), with at most a 6-character jump between consecutive toponyms, which the
drift-following search in `_anchor_document` covers with this window.
"""


@dataclass(frozen=True, slots=True)
class GoldToponym:
    """One annotated toponym. `lat`/`lon` are None when the annotators gave no point.

    When `anchored` is true, ``document.text[start:end] == phrase``.
    """

    start: int
    end: int
    phrase: str
    lat: float | None
    lon: float | None
    gold_id: str = ""  # GeoNames id (LGL, TR-News) or Wikipedia page (GeoVirus), for error reports
    anchored: bool = True
    kind: str = ""  # the conflict set's kind of place ("town", "region", ...); "" elsewhere
    tolerance_km: float | None = None  # how far off is still right; None: Acc@161's 161 km

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One annotated article; `toponyms` are sorted by (start, end)."""

    id: str
    text: str
    title: str
    url: str
    toponyms: tuple[GoldToponym, ...]
    lang: str = ""  # the multilingual set's language ("fr", "ru", "ar"); "" for English corpora


@dataclass(slots=True)
class AnchorStats:
    """How the gold spans of a corpus lined up with its text (reported, since it is data quality)."""

    exact: int = 0  # phrase found at the given offsets
    reanchored: int = 0  # phrase found nearby (exact case)
    reanchored_nocase: int = 0  # phrase found nearby only ignoring case
    unanchorable: int = 0  # not found: given offsets kept (clipped to the text)
    examples: list[str] = field(default_factory=list)  # a few "doc: phrase start->new" notes

    @property
    def total(self) -> int:
        return self.exact + self.reanchored + self.reanchored_nocase + self.unanchorable

    def __str__(self) -> str:
        return (
            f"{self.total} gold spans: {self.exact} exact, {self.reanchored} re-anchored, "
            f"{self.reanchored_nocase} re-anchored ignoring case, {self.unanchorable} unanchorable"
        )


@dataclass(frozen=True, slots=True)
class _RawToponym:
    """A toponym as written in the file, before anchoring (offsets already 0-based)."""

    start: int
    end: int
    phrase: str
    lat: float | None
    lon: float | None
    gold_id: str


_Article = tuple[str, str, str, str, list[_RawToponym]]  # id, text, title, url, toponyms

# --------------------------------------------------------------------------- public API


def read_corpus(path: str | os.PathLike[str]) -> list[GoldDocument]:
    """All documents of an annotated corpus file, with re-anchored gold spans.

    Raises `InputError` (one line, naming the file) on unreadable or malformed XML or an
    unknown format. The anchoring figures are logged at INFO; use `read_corpus_with_stats`
    to get them.
    """
    docs, stats = read_corpus_with_stats(path)
    log.info("%s: %s", path, stats)
    return docs


def read_corpus_with_stats(path: str | os.PathLike[str]) -> tuple[list[GoldDocument], AnchorStats]:
    """`read_corpus`, plus how many gold spans had to be re-anchored."""
    if _is_jsonl(path):
        return _read_conflict(path)
    root = _parse(path)
    fmt = _detect(root, path)
    read = _read_geovirus_article if fmt == GEOVIRUS else _read_toponyms_article
    stats = AnchorStats()
    docs = []
    for index, article in enumerate(root.iter("article"), start=1):
        doc_id, text, title, url, raw = read(article, index, path)
        docs.append(GoldDocument(doc_id, text, title, url, _anchor_document(doc_id, text, raw, stats)))
    return docs, stats


def corpus_name(path: str | os.PathLike[str]) -> str:
    """"LGL", "TR-News", "GeoVirus" or "conflict", from the file's content."""
    if _is_jsonl(path):
        return CONFLICT
    return _detect(_parse(path), path)


def by_language(name: str, docs: list[GoldDocument]) -> list[tuple[str, list[GoldDocument]]]:
    """A corpus whose cases carry `lang` (multilingual-dev) as one part per language, named
    "conflict/fr", ... so that each language is scored apart; any other corpus whole."""
    langs = sorted({d.lang for d in docs})
    if langs == [""]:
        return [(name, docs)]
    return [(f"{name}/{lang or 'en'}", [d for d in docs if d.lang == lang]) for lang in langs]


def anchor(text: str, phrase: str, start: int, window: int = ANCHOR_WINDOW) -> tuple[int, bool] | None:
    """Where `phrase` really is in `text`, expected at `start`: (offset, case_matched) or None.

    Searches outward (start, start-1, start+1, ...) up to `window` characters, for the exact
    phrase first and then ignoring case; the nearest hit wins because drift is small and a
    phrase repeated within a few characters is rare.
    """
    if not phrase:
        return None
    for folded in (False, True):
        hay = text.casefold() if folded else text
        needle = phrase.casefold() if folded else phrase
        if folded and (len(hay) != len(text) or len(needle) != len(phrase)):
            continue  # casefold changed lengths (e.g. "ß"): offsets would not map back
        for delta in _outward(window):
            pos = start + delta
            if 0 <= pos and hay.startswith(needle, pos):
                return pos, not folded
    return None


# --------------------------------------------------------------------------- conflict JSONL


def _is_jsonl(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts like JSON (a "{"), not XML (a "<")."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot read corpus: {exc.strerror or exc}") from None
    return head.startswith(b"{")


def _read_conflict(path: str | os.PathLike[str]) -> tuple[list[GoldDocument], AnchorStats]:
    """The conflict set: each place is the first whole-word occurrence of its name.

    A name that does not occur as a whole word, or an unknown kind, is a broken line of the
    corpus and stops the reading with the file and line: a silently dropped gold place would
    flatter every figure.
    """
    stats = AnchorStats()
    docs = []
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = located(path, line_no)
            try:
                case = json.loads(line)
                text, places = case["text"], case["places"]
                doc_id = str(case.get("id") or line_no)
                if not isinstance(text, str) or not isinstance(places, list):
                    raise TypeError("text must be a string and places a list")
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"{where}: not a conflict-set case ({type(exc).__name__}: {exc})") from None
            toponyms = [_conflict_place(place, text, where, case.get("lang")) for place in places]
            stats.exact += len(toponyms)
            toponyms.sort(key=lambda t: (t.start, t.end))
            docs.append(GoldDocument(doc_id, text, str(case.get("region", "")), "", tuple(toponyms),
                                     lang=str(case.get("lang") or "")))
    return docs, stats


def _conflict_place(place: object, text: str, where: str, lang: object = None) -> GoldToponym:
    """One annotated place of a JSONL case: its name's first whole-word occurrence, or the
    span its `start` and `end` give (a user's own annotations); `kind` (optional) sets the
    tolerance, `lat`/`lon` (optional) the point."""
    if not isinstance(place, dict):
        raise InputError(f"{where}: a place must be an object, not {place!r}")
    name, kind = str(place.get("name", "")), place.get("kind", "")
    if kind and kind not in KIND_TOLERANCE_KM:
        raise InputError(f"{where}: {name!r} has unknown kind {kind!r}")
    try:
        if "start" in place or "end" in place:
            start, end = int(place["start"]), int(place["end"])
            if not 0 <= start < end <= len(text):
                raise InputError(f"{where}: span {start}-{end} lies outside the text ({len(text)} characters)")
            if name and text[start:end] != name:
                raise InputError(f"{where}: span {start}-{end} is {text[start:end]!r}, not {name!r}")
            name = text[start:end]
        else:
            found = first_word_occurrence(text, name, proclitics=ARABIC_PROCLITICS if lang == "ar" else "")
            if found is None:
                raise InputError(f"{where}: {name!r} does not occur as a whole word in the text")
            start, end = found, found + len(name)
        lat, lon = place.get("lat"), place.get("lon")
        point = (float(lat), float(lon)) if lat is not None and lon is not None else (None, None)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: a place is not of the form {{name, start, end, lat, lon, kind}} "
                         f"({type(exc).__name__}: {exc})") from None
    return GoldToponym(start, end, name, *point, kind=kind, tolerance_km=KIND_TOLERANCE_KM.get(kind))


ARABIC_PROCLITICS = "وبلفك"  # multilingual-dev.md: "وحلب" is annotated "حلب"


def first_word_occurrence(text: str, name: str, proclitics: str = "") -> int | None:
    """Offset of the first occurrence of `name` not inside a longer word, or None; in Arabic
    text, one attached proclitic letter may precede it."""
    if not name:
        return None
    before = f"(?<!\\w)(?:[{proclitics}])?" if proclitics else r"(?<!\w)"
    found = re.search(before + "(" + re.escape(name) + r")(?!\w)", text)
    return found.start(1) if found else None


# --------------------------------------------------------------------------- XML reading


def _parse(path: str | os.PathLike[str]) -> ET.Element:
    """The root element, or an `InputError` that says which file (and where) is wrong."""
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        line, column = exc.position
        reason = expat.ErrorString(exc.code) or str(exc)  # str(exc) repeats the position
        raise InputError(f"{located(path, line, column)}: not well-formed XML: {reason}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read corpus: {exc.strerror or exc}") from None


def _detect(root: ET.Element, path: str | os.PathLike[str]) -> str:
    """The corpus format, judged from the first article's children."""
    article = root if root.tag == "article" else root.find("article")
    if article is None:
        raise InputError(f"{path}: unknown corpus format: no <article> element")
    if article.find("locations") is not None or article.find("source") is not None:
        return GEOVIRUS
    if article.find("toponyms") is not None:
        return LGL if article.find("feedid") is not None else TR_NEWS
    raise InputError(
        f"{path}: unknown corpus format: <article> has neither <toponyms> (LGL, TR-News) "
        f"nor <locations> (GeoVirus)"
    )


def _read_toponyms_article(article: ET.Element, index: int, path: str | os.PathLike[str]) -> _Article:
    """LGL / TR-News article -> (id, text, title, url, raw toponyms)."""
    doc_id = article.get("docid") or str(index)
    where = f"{path}: article {doc_id}"
    raw = []
    for toponym in article.iterfind("toponyms/toponym"):
        gaztag = toponym.find("gaztag")
        lat, lon = _point(gaztag, where) if gaztag is not None else (None, None)
        start, end = _offsets(toponym, where, base=0)
        gold_id = gaztag.get("geonameid", "") if gaztag is not None else ""
        raw.append(_RawToponym(start, end, toponym.findtext("phrase") or "", lat, lon, gold_id))
    text = article.findtext("text") or ""
    return doc_id, text, _clean(article.findtext("title")), _clean(article.findtext("url")), raw


def _read_geovirus_article(article: ET.Element, index: int, path: str | os.PathLike[str]) -> _Article:
    """GeoVirus article -> (id, text, title, url, raw toponyms); id and title come from the URL."""
    url = _clean(article.findtext("source"))
    slug = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) if url else ""
    doc_id = slug or str(index)
    where = f"{path}: article {doc_id}"
    raw = []
    locations = article.find("locations")
    for location in locations.iter("location") if locations is not None else ():
        start, end = _offsets(location, where, base=1)
        lat, lon = _point(location, where)
        name = location.findtext("name") or ""
        raw.append(_RawToponym(start, end, name, lat, lon, _clean(location.findtext("page"))))
    return doc_id, article.findtext("text") or "", slug.replace("_", " "), url, raw


def _offsets(element: ET.Element, where: str, base: int) -> tuple[int, int]:
    """0-based [start, end) from <start>/<end> counted from `base`."""
    try:
        return int(element.findtext("start", "")) - base, int(element.findtext("end", "")) - base
    except ValueError:
        raise InputError(
            f"{where}: toponym {element.findtext('phrase') or element.findtext('name')!r} "
            f"has no integer <start>/<end>"
        ) from None


def _point(element: ET.Element, where: str) -> tuple[float | None, float | None]:
    """(lat, lon) from <lat>/<lon>, or (None, None) when either is missing or empty."""
    lat, lon = _clean(element.findtext("lat")), _clean(element.findtext("lon"))
    if not lat or not lon:
        return None, None
    try:
        return float(lat), float(lon)
    except ValueError:
        raise InputError(f"{where}: bad coordinates {lat!r}, {lon!r}") from None


def _clean(value: str | None) -> str:
    return (value or "").strip()


# --------------------------------------------------------------------------- anchoring


def _anchor_document(
    doc_id: str, text: str, raw: list[_RawToponym], stats: AnchorStats
) -> tuple[GoldToponym, ...]:
    """Re-anchor a document's toponyms in text order, following the drift seen so far.

    A phrase found exactly at its given offsets is taken as is. Otherwise, since TR-News drift
    accumulates along an article, after a toponym moved by d the next one is looked for
    around its offset + d first, then around its own offset.
    """
    drift = 0
    out = []
    for t in sorted(raw, key=lambda t: (t.start, t.end)):
        hit = anchor(text, t.phrase, t.start, window=0)  # right where it says: no guessing
        hit = hit or (anchor(text, t.phrase, t.start + drift) if drift else None)
        hit = hit or anchor(text, t.phrase, t.start)
        if hit is None:
            out.append(_unanchored(t, len(text)))
            stats.unanchorable += 1
            _note(stats, f"{doc_id}: {t.phrase!r} at {t.start} not found")
            continue
        pos, case_matched = hit
        end = pos + len(t.phrase)
        drift = pos - t.start
        if (pos, end) == (t.start, t.end):
            stats.exact += 1
        else:
            if case_matched:
                stats.reanchored += 1
            else:
                stats.reanchored_nocase += 1
            _note(stats, f"{doc_id}: {t.phrase!r} {t.start}-{t.end} -> {pos}-{end}")
        # The text's own spelling, so text[start:end] == phrase also after a case-blind match.
        out.append(GoldToponym(pos, end, text[pos:end], t.lat, t.lon, t.gold_id))
    return tuple(sorted(out, key=lambda t: (t.start, t.end)))


def _unanchored(t: _RawToponym, length: int) -> GoldToponym:
    """The given offsets clipped to the text, flagged so that no one trusts the phrase there."""
    start = min(max(t.start, 0), length)
    end = min(max(t.end, start), length)
    return GoldToponym(start, end, t.phrase, t.lat, t.lon, t.gold_id, anchored=False)


def _outward(window: int):
    """0, -1, +1, -2, +2, ... up to +-window (drift is more often backwards, so minus first)."""
    yield 0
    for d in range(1, window + 1):
        yield -d
        yield d


def _note(stats: AnchorStats, message: str, limit: int = 20) -> None:
    if len(stats.examples) < limit:
        stats.examples.append(message)


__all__ = [
    "CONFLICT",
    "GEOVIRUS",
    "KIND_TOLERANCE_KM",
    "LGL",
    "TR_NEWS",
    "AnchorStats",
    "GoldDocument",
    "GoldToponym",
    "anchor",
    "corpus_name",
    "first_word_occurrence",
    "read_corpus",
    "read_corpus_with_stats",
]

if __name__ == "__main__":  # quick look: python -m geo.evaluation.corpora FILE...
    import sys

    for arg in sys.argv[1:]:
        docs, stats = read_corpus_with_stats(Path(arg))
        golds = [t for d in docs for t in d.toponyms]
        with_point = sum(t.has_point for t in golds)
        print(f"{arg}: {corpus_name(arg)}, {len(docs)} docs, {len(golds)} toponyms "
              f"({with_point} with coordinates, {len(golds) - with_point} without); {stats}")
