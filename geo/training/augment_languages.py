"""More examples in French, Russian and Arabic from the gazetteer's names in those languages.

The same two kinds as for English (`geo.training.augment`): copies of each dev paragraph with
its towns and regions renamed after other places of the same kind, written as the language
writes them (Russian in the case the replaced word was in, by pymorphy3: "в Харькове" becomes
"в Полтаве"; Arabic after the proclitic the replaced word carried: "وحلب" becomes "وحمص"),
and short generated paragraphs where a place's name is something else (a person, a ship, an
operation, a club) next to a real place. Seeded: the same seed gives the same examples.
"""
from __future__ import annotations

import random
import re

from geo.gazetteer.index import COUNTRY_CODES
from geo.recognize.features import Convention
from geo.training.augment import NamePool
from geo.training.examples import Example

MIN_POPULATION = 2000
# Arabic has no capitals, so a country with no preposition before it ("الحدودي مع الأردن") is
# known by its context alone, which the dev paragraphs show too seldom: there, this share of
# the generated paragraphs' real places are countries. Arabic 5-fold .910 -> .920 found, .850
# -> .860 accurate; in all three languages, Russian renamed copies lost .04 found.
COUNTRY_SHARE = {"ar": 0.3}
NOTABLE_POPULATION = 100_000  # half the place-named non-places are cities ("Владимир Путин")
_CLEAN = {
    "fr": re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+(?:[ '-][A-Za-zÀ-ÿ][a-zà-ÿ]+){0,2}$"),
    "ru": re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?$"),  # one word: pymorphy3 inflects it
    "ar": re.compile(r"^[\u0621-\u064a]{3,}(?: [\u0621-\u064a]{2,}){0,2}$"),
}
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


class LanguagePool(NamePool):
    """Settlements and divisions by their names in one language (`view`: the language's
    `LocalizedGazetteer`; `morph`: pymorphy3's analyser, for Russian and Ukrainian)."""

    def __init__(self, view, lang: str, morph=None):
        self.lang = "ru" if lang == "uk" else lang
        self.morph = morph
        if self.lang == "ar":  # a proclitic may stand before a name: "وحلب"
            self.before = r"(?:(?<!\w)|(?<=(?<!\w)[وبلفك]))"
        clean = _CLEAN[self.lang]
        settlements, divisions, notable, countries = set(), set(), set(), set()
        named = [(name, view.base.get(i)) for entries in view.names.by_key.values() for name, i in entries]
        if self.lang == "fr":  # French writes most towns as the gazetteer lists them
            named += [(p.name, p) for p in view.base.places("PA", MIN_POPULATION)]
        for name, place in named:
            if place is None or not clean.match(name) or len(name) > 30:
                continue
            if place.feature_class == "P" and place.population >= MIN_POPULATION:
                settlements.add(name)
                if place.population >= NOTABLE_POPULATION:
                    notable.add(name)
            elif place.feature_code in ("ADM1", "ADM2") and (self.lang != "ru" or " " not in name):
                divisions.add(name)
            elif place.feature_code in COUNTRY_CODES:
                countries.add(name)
        self.settlements = {"all": sorted(settlements), "notable": sorted(notable or settlements)}
        self.divisions = {"all": sorted(divisions or settlements)}
        self.countries = sorted(countries or settlements)
        # Russian towns named by an adjective ("Мирный", "Новые Санжары"), in the plural: the
        # word that opens "Новые удары ..." and is no place there.
        self.adjectives = sorted({form.word.capitalize() for name in settlements if self.morph is not None
                                  for parse in self.morph.parse(name)[:1] if parse.tag.POS == "ADJF"
                                  for form in [parse.inflect({"plur", "nomn"})] if form}) or self.settlements["all"]

    def draw(self, rng: random.Random, division: bool, notable: bool = False) -> str:
        if notable:
            return rng.choice(self.settlements["notable"])
        return rng.choice((self.divisions if division else self.settlements)["all"])

    def fit(self, phrase: str, name: str) -> str | None:
        """Russian: the name in the case of the word it replaces (one word only), when
        pymorphy3 inflects it as a noun and brings the form back to the name; a foreign name
        it takes for a verb ("Парсиппанувшем") would teach nothing."""
        if self.lang != "ru":
            return name
        if " " in phrase or self.morph is None or self.morph.parse(name)[0].tag.POS not in ("NOUN", "ADJF"):
            return None
        form = self.inflect(name, self.morph.parse(phrase.split("-")[-1])[0].tag.case)
        if form != name and not any(p.normal_form == name.lower() for p in self.morph.parse(form)):
            return None
        return form

    def inflect(self, name: str, case: str | None) -> str:
        if self.lang != "ru" or not case or case == "nomn":
            return name
        form = self.morph.parse(name)[0].inflect({case})
        return form.word.capitalize() if form and "-" not in name else name


# Negatives: {X} is a place name standing for something else (a person's first name or
# surname, a ship, an operation, a club); {P} is a place ({P:gent}: in that Russian case).
TEMPLATES = {
    "fr": (
        "{First} {X}, porte-parole du ministère, a déclaré que l'aide était arrivée à {P}.",
        "Le navire {X} a accosté à {P} après une semaine en mer.",
        "L'opération {X} s'est achevée par la prise de {P}, selon l'armée.",
        "L'avocat de {First} {X} a indiqué que le procès reprendrait à {P} la semaine prochaine.",
        "Le club de {X} FC s'est imposé dimanche face à l'équipe de {P}.",
        "{X} {Surname}, le ministre de l'Intérieur, s'est rendu à {P} lundi.",
    ),
    "ru": (
        "Как заявил {First} {X}, гуманитарный конвой прибыл в {P:loct}.",
        "Судно «{X}» прибыло в порт {P:gent} после недели в море.",
        "Операция «{X}» завершилась взятием {P:gent}, сообщили военные.",
        "Адвокат {First:gent} {X:gent} сообщил, что суд в {P:loct} возобновится.",
        "Футбольный клуб «{X}» обыграл соперников в {P:loct}.",
        "Губернатор {X} {Surname} провёл совещание и доложил о ситуации в {P:loct}.",
        "Президент {X} {Surname} заявил, что обстановка в {P:loct} остаётся напряжённой.",
        "Обстрелы продолжились. {Adjective} удары пришлись по {P:datv} ночью.",
    ),
    "ar": (
        "قال {First} {X} المتحدث باسم الوزارة إن المساعدات وصلت إلى {P}.",
        "رست السفينة {X} في ميناء {P} بعد أسبوع في البحر.",
        "انتهت عملية {X} بالسيطرة على {P} بحسب الجيش.",
        "قال محامي {First} {X} إن المحاكمة في {P} ستستأنف الأسبوع المقبل.",
        "فاز نادي {X} على منافسه في {P} مساء السبت.",
        "التقى الوزير {X} {Surname} بالمسؤولين في {P} يوم الأحد.",
        # the place with no preposition before it: a subject, an object
        "قال {First} {X} المتحدث باسم الوزارة إن {P} تشهد هدوءا حذرا منذ الصباح.",
        "غادر الوفد {P} بعد زيارة التقى خلالها {First} {X}.",
    ),
}
FIRST_NAMES = {
    "fr": ("Marie", "Ahmed", "Jean", "Fatou", "Pierre", "Aminata"),
    "ru": ("Сергей", "Мария", "Алексей", "Ольга", "Иван", "Анна"),
    "ar": ("أحمد", "محمد", "فاطمة", "علي", "خالد", "مريم"),
}
SURNAMES = {
    "fr": ("Dupont", "Martin", "Diallo", "Traoré", "Lefebvre", "Haddad"),
    "ru": ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов"),
    "ar": ("الأحمد", "العلي", "الخطيب", "حداد", "المصري", "الشامي"),
}
_SLOT = re.compile(r"\{(First|Surname|Adjective|X|P)(?::(\w+))?\}")


def language_negatives(pool: LanguagePool, rng: random.Random, count: int) -> list[Example]:
    """`count` short generated paragraphs, each with one place and one place-named non-place."""
    templates = TEMPLATES[pool.lang]
    out = []
    for i in range(count):
        values = {"First": rng.choice(FIRST_NAMES[pool.lang]), "Surname": rng.choice(SURNAMES[pool.lang]),
                  "X": pool.draw(rng, False, notable=rng.random() < 0.5),
                  "P": (rng.choice(pool.countries) if pool.lang in COUNTRY_SHARE
                        and rng.random() < COUNTRY_SHARE[pool.lang] else pool.draw(rng, False)),
                  "Adjective": rng.choice(pool.adjectives)}
        pieces, last, span = [], 0, None
        template = templates[i % len(templates)]
        for m in _SLOT.finditer(template):
            pieces.append(template[last:m.start()])
            value = pool.inflect(values[m.group(1)], m.group(2))
            if m.group(1) == "P":
                start = sum(map(len, pieces))
                span = (start, start + len(value))
            pieces.append(value)
            last = m.end()
        pieces.append(template[last:])
        out.append(Example(id=f"negative-{pool.lang}:{i}", corpus=f"negatives/{pool.lang}", text="".join(pieces),
                           spans=(span,), points=(None,), convention=Convention(), lang=pool.lang))
    return out
