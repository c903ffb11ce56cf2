"""More examples from the gazetteer: learn the slot, not the name.

* **Name substitution.** Copies of a training document whose towns and regions are swapped
  for other gazetteer places of the same kind, drawn mostly from where news goes and English
  models have read least (Arabic-speaking, Slavic, African, South and Southeast Asian
  countries), so that "strikes on X" teaches that X is a place whatever X is. Countries and
  demonyms stay: the model knows them, and they anchor the story.
* **Negatives.** Sentences where a place name is something else: a person, an armed group,
  a ship, an operation, a disease, each next to a real place in an ordinary slot.

Everything is drawn from seeded generators: the same seed gives the same examples.
"""
from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace

from geo.distance import great_circle_km
from geo.gazetteer.index import COUNTRY_CODES, Gazetteer
from geo.recognize.features import Convention
from geo.recognize.kinds import split_kind
from geo.training.examples import Example
from geo.types import Place

# Where news goes and English models have read least; the rest of the world gets `ELSEWHERE`.
REGIONS = {
    "arabic": "DZ BH EG IQ JO KW LB LY MA OM PS QA SA SD SY TN AE YE MR",
    "slavic": "UA RU BY PL RS BG HR BA MK SK CZ SI ME",
    "african": "NG CD ML BF NE TD SO ET KE MZ SS CF CM UG RW BI TZ SN GN ER ZW ZM MW AO GH CI LR SL",
    "asian": "IN PK AF BD MM TH ID PH VN KH LK NP LA MY",
}
ELSEWHERE = 0.2  # share of substitutes drawn from the rest of the world
_CLEAN = re.compile(r"^[A-Z][a-z]+(?:[ '-][A-Za-z][a-z]+){0,3}$")
_KEEP_CODES = COUNTRY_CODES | {"CONT", "OCN", "SEA", "RGN"}


class NamePool:
    """Substitute names by kind (settlement or division) and region. `before` is what may
    stand before a name (another language's pool lets a proclitic stand there), and `fit`
    shapes a drawn name for the phrase it replaces (None: leave the phrase)."""

    before = r"(?<!\w)"

    def __init__(self, gazetteer: Gazetteer):
        self.settlements = self._group(gazetteer.places("P", 2000))
        self.divisions = self._group([p for p in gazetteer.places("A") if p.feature_code in ("ADM1", "ADM2")])

    @staticmethod
    def _group(places: Sequence[Place]) -> dict[str, list[str]]:
        regions = {c: r for r, codes in REGIONS.items() for c in codes.split()}
        out: dict[str, list[str]] = {r: [] for r in [*REGIONS, "elsewhere"]}
        for p in places:
            if _CLEAN.match(p.name) and 3 <= len(p.name) <= 30:
                out[regions.get(p.country_code, "elsewhere")].append(p.name)
        return {r: sorted(set(names)) for r, names in out.items()}

    def fit(self, phrase: str, name: str) -> str | None:
        return name

    def draw(self, rng: random.Random, division: bool) -> str:
        groups = self.divisions if division else self.settlements
        region = "elsewhere" if rng.random() < ELSEWHERE else rng.choice(sorted(REGIONS))
        name = rng.choice(groups[region])
        if region == "arabic" and name.startswith("Al ") and rng.random() < 0.5:
            name = "al-" + name[3:]  # as English news writes it
        return name


def substitute(example: Example, gazetteer, pool: NamePool, rng: random.Random, copy: int) -> Example | None:
    """A copy of `example` with its towns and divisions renamed (None: nothing to rename)."""
    text = example.text
    plan: dict[str, str] = {}
    for (start, end), point in zip(example.spans, example.points):
        phrase = text[start:end]
        if phrase in plan or split_kind(phrase) or "\n" in phrase:
            continue
        kind = _kind(gazetteer, phrase, point)
        if kind is not None:
            name = pool.fit(phrase, pool.draw(rng, division=kind == "A"))
            if name is not None:
                plan[phrase] = name
    if not plan:
        return None
    pattern = re.compile(pool.before + r"(?:" + "|".join(re.escape(p) for p in sorted(plan, key=len, reverse=True)) + r")(?!\w)")
    pieces, shifts, last = [], [], 0
    for m in pattern.finditer(text):
        pieces += [text[last:m.start()], plan[m.group()]]
        shifts.append((m.start(), m.end(), len(plan[m.group()]) - (m.end() - m.start())))
        last = m.end()
    pieces.append(text[last:])

    def moved(offset: int) -> int | None:
        delta = 0
        for s, e, d in shifts:
            if e <= offset:
                delta += d
            elif s < offset:
                return None  # a boundary inside a renamed word: leave this copy out
        return offset + delta

    spans = []
    for start, end in example.spans:
        s, e = moved(start), moved(end)
        if s is None or e is None:
            return None
        spans.append((s, e))
    return replace(example, id=f"{example.id}~{copy}", text="".join(pieces), spans=tuple(spans), fold=example.fold,
                   source=example.id, gold=None)


def _kind(gazetteer: Gazetteer, phrase: str, point: tuple[float, float] | None) -> str | None:
    """"P" (a settlement) or "A" (a division) when the phrase is one and may be renamed."""
    found = [c for c in gazetteer.candidates(phrase) if not c.demonym]
    if not found or any(c.demonym for c in gazetteer.candidates(phrase)):
        return None
    if point is not None:
        best = min(found, key=lambda c: great_circle_km(*point, *c.place.point))
    else:
        best = max(found, key=lambda c: c.place.population)
    if best.place.feature_code in _KEEP_CODES:
        return None
    if best.place.feature_class == "A":
        return "A"
    return "P" if best.place.feature_class == "P" else None


# Negatives: {X} is a place name standing for something else; {P} is a place.
NEGATIVE_TEMPLATES = (
    ("Fighters of the {X} Liberation Front said they had seized a checkpoint outside {P}.", True),
    ("The {X} Defence Forces moved reinforcements towards {P} on Tuesday.", True),
    ("Commanders of the {X} Brigade denied shelling {P}.", True),
    ("A spokesman for the {X} People's Army said talks in {P} had failed.", True),
    ("The {X} Independence Army said it controlled all roads into {P}.", True),
    ("Leaders of the Alliance of {X} States met in {P} on Wednesday.", True),
    ("The {X} Liberation Movement claimed the attack near {P}.", True),
    ("{X} Revolutionary Front fighters withdrew from {P} overnight.", True),
    ("Members of the {X} People's Party rallied in {P} on Saturday.", True),
    ("{X} said on Tuesday that the convoy had reached {P}.", False),
    ("The striker {First} {X} scored twice as the visitors won in {P}.", False),
    ("{First} {X}, a spokeswoman for the ministry, said aid had reached {P}.", False),
    ("Mr {X} told reporters in {P} that the ceasefire would hold.", False),
    ("The lawyer representing {First} {X} said the trial in {P} would resume next week.", False),
    ("The frigate {X} docked in {P} after a week at sea.", False),
    ("Sailors aboard the USS {X} were flown to {P} for treatment.", False),
    ("Operation {X} ended with the capture of {P}, the army said.", False),
    ("Health officials in {P} confirmed three cases of {X} fever.", False),
    ("The {X} virus has spread to {P}, the ministry said.", False),
)
FIRST_NAMES = ("Maria", "Ahmed", "Olena", "Fatima", "John", "Amina", "Sergei", "Grace", "Ali", "Nadia")


def negatives(pool: NamePool, rng: random.Random, count: int) -> list[Example]:
    """`count` short generated documents, each with one place and one place-named non-place."""
    out = []
    for i in range(count):
        template, org = NEGATIVE_TEMPLATES[i % len(NEGATIVE_TEMPLATES)]
        x, p = pool.draw(rng, division=False), pool.draw(rng, division=False)
        first = rng.choice(FIRST_NAMES)
        text = template.replace("{First}", first).replace("{X}", x)
        start = text.index("{P}")
        text = text.replace("{P}", p)
        # Armed groups are organisations only to readers who leave places in names out.
        convention = Convention(org_places=False, places_in_orgs=False, demonyms=False) if org else Convention()
        out.append(Example(id=f"negative:{i}", corpus="negatives", text=text, spans=((start, start + len(p)),),
                           points=(None,), convention=convention))
    return out


# Spellings of one sound across romanisations, each way round ("Qamishli", "Kamishli").
_RESPELLINGS = (("kh", "h"), ("h", "kh"), ("q", "k"), ("k", "q"), ("dj", "j"), ("j", "dj"), ("gh", "g"),
                ("ou", "u"), ("u", "ou"), ("e", "i"), ("i", "e"), ("o", "u"), ("a", "e"), ("y", "i"),
                ("iy", "y"), ("ey", "ay"), ("ay", "ey"), ("ss", "s"), ("s", "ss"), ("al-", "el-"), ("al-", "al "))


def respell(name: str, gazetteer: Gazetteer, rng: random.Random, tries: int = 12) -> str | None:
    """Another romanisation of `name` that the gazetteer knows only through its
    transliteration key ("Hmelnytskyi" for Khmelnytskyi), or None: the resolver's loose
    matches, which the annotated corpora hold too few of to learn from."""
    from geo.gazetteer.normalize import translit_key

    key = translit_key(name)
    if not key:
        return None
    for _ in range(tries):
        variant = name
        for _ in range(rng.randint(1, 2)):
            old, new = rng.choice(_RESPELLINGS)
            spots = [m.start() for m in re.finditer(re.escape(old), variant.lower())]
            if spots:
                at = rng.choice(spots)
                piece = new if not variant[at].isupper() else new[:1].upper() + new[1:]
                variant = variant[:at] + piece + variant[at + len(old):]
        if variant != name and translit_key(variant) == key and not gazetteer.has_name(variant):
            return variant
    return None
