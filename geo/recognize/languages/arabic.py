"""Arabic text: candidates from the gazetteer's Arabic names, accepted by simple rules.

No registry package ships an Arabic NER model that runs offline, so every run of up to four
words is looked up (longest first) in the Arabic names (`geo.gazetteer.languages`, which
folds hamza and alef forms, ta marbuta, alef maqsura, tashkeel and the article). A word may
carry one attached proclitic (و ب ل ف ك): "وحلب" is "و" + "حلب", "بالرقة" is "ب" + "الرقة",
"للاذقية" is "ل" + "اللاذقية" with the article's alef dropped. The span reported is the name
without its proclitic, as the annotators mark it.

Arabic writes no capitals, and many everyday words are also some faraway town's name
("البنك", the bank, is a town of Iran; "سيول", floods, is Seoul), so a candidate is taken:
- on its own, as a country, continent or capital, or after a place word ("مدينة", "محافظة",
  "مخيم" ...);
- as a notable place (a first-level region, a city of 50,000 or more) after a preposition
  or direction ("في", "شمال" ...) or an attached ب, or when it has several words;
- as a town of the story's countries (named, or implied by an adjective: "السوري") when so
  framed, or listed with such a place ("كفركلا ومرجعيون").
Stopwords (spaCy's Arabic list and news words) are never names. These
rules stand until the learned recogniser decides Arabic candidates by context.
"""
from __future__ import annotations

import re
from functools import cached_property

from geo.gazetteer.index import COUNTRY_CODES
from geo.gazetteer.languages import fold
from geo.recognize.languages.base import (
    NOTABLE_POPULATION, LanguageRecognizer, countries_of, in_story, non_overlapping, notable,
)
from geo.types import Mention

PROCLITICS = "وبلفك"

MAX_WORDS = 4
_WORD = re.compile(r"[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06fa-\u06ff\u064b-\u065f\u0670]+")
def _spacy_stop_words() -> frozenset[str]:
    """spaCy's Arabic stop words (prepositions, pronouns, particles): a few hundred more
    everyday words that must never be taken for a hamlet of the same spelling."""
    from spacy.lang.ar.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# Words that say the next one is a place: city, town, village, governorate, province, region,
# district, camp, crossing, capital, port.
PLACE_WORDS = frozenset({
    "مدينة", "مدينه", "بلدة", "بلده", "قرية", "قريه", "محافظة", "محافظه", "ولاية", "ولايه", "منطقة",
    "منطقه", "إقليم", "اقليم", "مخيم", "معبر", "العاصمة", "العاصمه", "ميناء", "مديرية", "مديريه",
    "بلدات", "قرى", "مدن", "ريف", "جزيرة", "جزيره", "نهر", "بحر", "مطار", "قاعدة",
    "ميناءي", "موانئ", "محافظتي", "مخيمي", "بلدية", "ضاحية", "حي",
    "صعيد", "مشعر", "سهل", "هضبة", "جبل", "وادي", "سد", "بحيرة", "خليج", "مضيق", "شبه",
})
# Prepositions and directions before a place: in, from, to, on, near, towards, between, until,
# inside, outside, north/south/east/west (of), centre, outskirts, around, border.
LOCATIVE_WORDS = frozenset({
    "في", "من", "إلى", "الى", "على", "عن", "قرب", "نحو", "بين", "حتى", "داخل", "خارج", "شمال", "جنوب",
    "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط", "أطراف", "اطراف", "ضواحي", "محيط", "حول",
    "تجاه", "باتجاه", "أنحاء", "قبالة", "مشارف", "بلدتي", "مدينتي", "قريتي", "مضيق", "سواحل", "ساحل",
    "فوق", "عند", "لدى", "أمام", "بمحاذاة", "محافظات", "مدن", "بلدات", "قرى", "مناطق", "ولايات", "مخيمات",
})
SOVEREIGN_CODES = COUNTRY_CODES | {"CONT", "PPLC"}
# Frequent words of news Arabic that GeoNames also lists as some hamlet's name.
STOPWORDS = frozenset({
    "في", "من", "على", "إلى", "الى", "عن", "مع", "بين", "بعد", "قبل", "حتى", "منذ", "خلال", "أن", "إن",
    "قال", "قالت", "وقال", "أمس", "اليوم", "يوم", "عام", "سنة", "الذي", "التي", "الذين", "هذا", "هذه",
    "ذلك", "تلك", "كما", "كان", "كانت", "وكان", "لم", "لن", "ما", "لا", "نحو", "حيث", "عند", "أكثر",
    "أول", "ثاني", "جديد", "جديدة", "الأمن", "الجيش", "القوات", "قوات", "الحكومة", "الشرطة", "مصادر",
    "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "شمال", "جنوب", "شرق",
    "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط", "الشمال", "الجنوب", "الشرق", "الغرب", "مدينة",
    "المدينة", "منطقة", "المنطقة", "أكد", "وزارة", "وزير", "رئيس", "الرئيس", "مجلس", "الأمم", "المتحدة",
    "النور", "الأمل", "السلام", "الحرية", "النصر", "الفتح", "الخير", "البلد", "الدولة", "دولة", "بلاد",
    "مركز", "المركز", "الوطني", "الوطنية", "العربية", "الشعب", "الناس", "أهالي", "سكان", "السكان",
    # directions and administrative words that translate some region's name ("Northern", "Unity")
    "الشمالي", "الشمالية", "الجنوبي", "الجنوبية", "الشرقي", "الشرقية", "الغربي", "الغربية", "الوسطى",
    "الأوسط", "الداخلية", "الخارجية", "البحرية", "البحري", "الوحدة", "العاصمة", "عاصمة", "جزيرة",
    "الجزيرة", "السلطات", "سلطات", "الساحل", "ساحل", "الحدود", "حدود", "الوادي", "وادي", "الجبل", "جبل",
    # everyday words that are also some town's name (morning, night, floods, his saying ...)
    "صباح", "صباحا", "مساء", "ليل", "ليلة", "سيول", "أمطار", "قوله", "كالة", "وكالة", "الأنباء",
    "الصحة", "الأمم", "المتحدة", "الحرب", "السلام", "مياه", "المياه", "نهار", "حرارة", "الحرارة",
    "وقف", "إطلاق", "النار", "هدنة", "الهدنة", "اتفاق", "قصف", "غارة", "غارات", "هجوم", "معارك",
    "الأشهر", "أشهر", "شهر", "الشهر", "الأسبوع", "أسبوع", "الأيام", "أيام", "الساعات", "ساعات",
    "سنوات", "السنوات", "العام", "الماضي", "الماضية", "المقبل", "المقبلة", "الحالي", "الحالية",
    "البلاد", "بلاد", "باب", "لجنة", "اللجنة", "الفارين", "النازحين", "اللاجئين",
    "المالي", "المالية", "ماليا", "البورصة", "بورصة", "البنك", "بنك", "المركزي", "الاقتصاد",  # financial, not Mali (the article never goes with the country)
    "عبر", "ضد", "لدى", "دون", "حول", "أمام", "خلف", "فوق", "تحت", "داخل", "خارج", "قرب", "أنحاء",
}) | _spacy_stop_words()


# Words that are never a place's name on their own: stop words, place words, prepositions.
NOT_NAMES = STOPWORDS | PLACE_WORDS | LOCATIVE_WORDS


class ArabicRecognizer(LanguageRecognizer):
    lang = "ar"

    def recognize(self, text: str) -> list[Mention]:
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        proposals: list[tuple[Mention, list]] = []
        i = 0
        while i < len(words):
            hit = self._longest(text, words, i)
            if hit is None:
                i += 1
                continue
            mention, candidates, used = hit
            proposals.append((mention, candidates, i))
            i += used
        # Pass 1: what stands on its own. Pass 2: towns of the countries pass 1 and the
        # demonyms name. A single word needs more than a namesake: news Arabic has no capitals,
        # and "البنك" (the bank), "المركزي" (central) are also towns of Iran.
        countries = self._demonym_countries(text, words)
        strong: set[int] = set()
        for k, (mention, candidates, index) in enumerate(proposals):
            single = " " not in mention.text
            cue = _after_place_word(text, words, index)
            locative = cue or _locative(text, words, index, mention)
            if _sovereign(candidates) or cue or (notable(candidates) and (locative or not single)):
                strong.add(k)
                countries |= countries_of([c for c in candidates if c.place.feature_class == "A"
                                           or c.place.population >= NOTABLE_POPULATION])
        kept: list[Mention] = []
        for k, (mention, candidates, index) in enumerate(proposals):
            if k in strong:
                kept.append(mention)
                continue
            framed = (" " in mention.text or _locative(text, words, index, mention)
                      or _listed_after(text, words, index, mention, kept[-1] if kept else None))
            if framed and (notable(candidates) or in_story(candidates, countries)):
                kept.append(mention)
        return non_overlapping(kept)

    def _demonym_countries(self, text: str, words: list[tuple[int, int]]) -> set[str]:
        """Countries the story names by their adjective ("السوري", "اللبنانية", "ومصري"):
        context for its towns, not mentions (the corpus does not annotate them)."""
        demonyms = self._demonyms
        out = set()
        for s, e in words:
            word = text[s:e]
            for _, reading in _readings(word):
                code = demonyms.get(fold(reading, "ar"))
                if code:
                    out.add(code)
        return out

    @cached_property
    def _demonyms(self) -> dict[str, str]:
        """Folded Arabic adjective of each country -> its code, made from the country's Arabic
        names by the nisba rule: سوريا -> سوري, لبنان -> لبناني, مصر -> مصري (and -ية)."""
        out: dict[str, str] = {}
        for key, entries in self.gazetteer.names.by_key.items():
            codes = {i[3:] for _, i in entries if i.startswith("ci:")}
            if len(codes) != 1 or " " in key:
                continue
            code = codes.pop()
            stem = key[:-1] if key.endswith("يا") else key[:-1] + "ي" if key.endswith(("ا", "ه")) else key + "ي"
            for form in (stem, stem + "ه"):
                out.setdefault(form, code)
        return out

    def _longest(self, text: str, words: list[tuple[int, int]], i: int):
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            if "\n" in text[start:end] or any(ch in ".,،؛:!?()\"" for ch in text[start:end]):
                continue
            readings = list(_readings(text[start:end]))
            if n == 1 and (len(readings[0][1]) < 3 or any(name in NOT_NAMES for _, name in readings)
                           or (readings[0][1][0] in PROCLITICS and readings[0][1][1:] in STOPWORDS)
                           or any(fold(name, "ar") in self._demonyms for _, name in readings)):
                continue  # "وفي" is "و" + "في", not a town; "السوري" is Syrian, not a place
            for offset, name in readings:
                candidates = self.gazetteer.candidates(name)
                if candidates:
                    s = start + offset
                    return Mention(s, end, text[s:end], "GAZ"), candidates, n
        return None


def _sovereign(candidates) -> bool:
    """A country, a continent or a capital: taken wherever it stands."""
    return any(c.place.feature_code in SOVEREIGN_CODES for c in candidates if not c.demonym)


def _previous_word(text: str, words: list[tuple[int, int]], index: int) -> tuple[str, ...]:
    """The word before, as written and without a proclitic."""
    if index == 0:
        return ()
    before = text[words[index - 1][0]:words[index - 1][1]]
    return (before, before[1:]) if before[:1] in PROCLITICS else (before,)


def _after_place_word(text: str, words: list[tuple[int, int]], index: int) -> bool:
    """"مدينة X", "بلدة X", "محافظة X": the word before says X is a place."""
    return any(w in PLACE_WORDS for w in _previous_word(text, words, index))


def _listed_after(text: str, words: list[tuple[int, int]], index: int, mention: Mention,
                  previous: Mention | None) -> bool:
    """"حلب وإدلب", "كفركلا ومرجعيون": joined by و (attached or alone) to the place just before."""
    attached = text[words[index][0]:mention.start]
    joined = attached in ("و", "ف") or (index > 0 and text[words[index - 1][0]:words[index - 1][1]] in ("و", "أو"))
    if not joined or index == 0:
        return False
    first = index - 1 if attached else index - 2  # the word of the place before ("X" in "X وY")
    if first < 0:
        return False
    if previous is not None and previous.end >= words[first][0]:
        return True
    # a place the gazetteer lacks, framed as one: "بين بلدتي كفركلا ومرجعيون"
    return _after_place_word(text, words, first) or any(w in LOCATIVE_WORDS for w in _previous_word(text, words, first))


def _locative(text: str, words: list[tuple[int, int]], index: int, mention: Mention) -> bool:
    """A preposition or direction before ("في", "شمال"), or an attached ب ("بحلب")."""
    if text[words[index][0]:mention.start] == "ب":
        return True
    return any(w in LOCATIVE_WORDS for w in _previous_word(text, words, index))


def _readings(span: str):
    """(offset, name): the span as written, then without a one-letter proclitic. The article
    needs no care: "للاذقية" (ل + اللاذقية, the article's alef dropped) and "اللاذقية" fold to
    one key, since the key leaves the article out."""
    yield 0, span
    if len(span) > 3 and span[0] in PROCLITICS:
        yield 1, span[1:]
