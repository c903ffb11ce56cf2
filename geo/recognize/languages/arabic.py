"""Arabic text: candidates from the gazetteer's Arabic names, accepted by simple rules.

No registry package ships an Arabic NER model that runs offline, so every run of up to four
words is looked up (longest first) in the Arabic names (`geo.gazetteer.languages`, which
folds hamza and alef forms, ta marbuta, alef maqsura, tashkeel and the article). A word may
carry one attached proclitic (و ب ل ف ك): "وحلب" is "و" + "حلب", "بالرقة" is "ب" + "الرقة",
"للاذقية" is "ل" + "اللاذقية" with the article's alef dropped. The span reported is the name
without its proclitic, as the annotators mark it.

Arabic writes no capitals, and many everyday words are also some faraway town's name
("البنك", the bank, is a town of Iran; "سيول", floods, is Seoul). Words that are never names
(stop words: spaCy's Arabic list and news words; place words; prepositions; a country's
adjective) are not proposed; every other span the gazetteer knows is, with its cues: a place
word before it ("مدينة", "محافظة", "مخيم" ...), a preposition or direction ("في", "شمال" ...)
or an attached ب, a و joining it to the proposal before ("كفركلا ومرجعيون"), the article. The
trained model (`geo.recognize.languages.learned`, `geo train languages`) weighs them with
what the gazetteer knows of the name and the countries the story names (by a place, or by an
adjective: "السوري").
"""
from __future__ import annotations

import re
from functools import cached_property

from geo.gazetteer.languages import AR_ARTICLE, fold
from geo.recognize.languages.base import LanguageRecognizer, sentence_start
from geo.recognize.languages.learned import Proposal, Proposals
from geo.types import Mention

PROCLITICS = "وبلفك"

MAX_WORDS = 4
_WORD = re.compile(r"[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06fa-\u06ff\u064b-\u065f\u0670]+")
OPENING = "«\"“‘'("  # quotes and brackets that may open a name
_GAP = re.compile(r"[ \t\u00a0\u200c-\u200f-]+")  # what may stand between a name's words


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
# Words that are never inside a name: prepositions, pronouns, particles.
FUNCTION_WORDS = _spacy_stop_words() | LOCATIVE_WORDS


class ArabicRecognizer(LanguageRecognizer):
    lang = "ar"

    def proposals(self, text: str) -> Proposals:
        words = _words(text)
        items: list[Proposal] = []
        i = 0
        while i < len(words):
            hit = self._longest(text, words, i)
            if hit is None:
                i += 1
                continue
            mention, candidates, used = hit
            attached = text[words[i][0]:mention.start].rstrip(OPENING)
            items.append(Proposal(mention, candidates, {
                "variant_only": float(not self.gazetteer.has_name(mention.text)),
                "proclitic": float(bool(attached)),
                "locative_before": float(attached == "ب" or any(w in LOCATIVE_WORDS for w in _previous_word(text, words, i))),
                "place_word_before": float(_after_place_word(text, words, i)),
                "listed_after": float(_listed_after(text, words, i, mention, items[-1].mention if items else None)),
                "article": float(mention.text.startswith(AR_ARTICLE)),
                "sentence_start": float(sentence_start(text, words[i][0])),
            }))
            i += used
        return Proposals(items, self._demonym_countries(text, words))

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
        """The longest span from word `i` that the gazetteer knows by its Arabic names, else,
        right after a place word ("قاعدة حميميم", "معبر نصيب", "نهر الليطاني"), by its
        consonants (`translit_candidates`: a base, crossing or river the gazetteer knows only
        in Latin letters; the cue "variant_only" says so). Without the place word, consonants
        alone take everyday words for places: 5-fold precision fell from .988 to .944."""
        hit = self._longest_by(text, words, i, self.gazetteer.candidates)
        if hit is None and _after_place_word(text, words, i):
            hit = self._longest_by(text, words, i, self.gazetteer.translit_candidates, loose=True)
        return hit

    def _longest_by(self, text: str, words: list[tuple[int, int]], i: int, lookup, loose: bool = False):
        """`loose`: no word of the span may be a function word, nor its last word any word
        that is never a name ("قاعدة جوية في": the consonants of "جوية في" are some place's;
        "باب المندب" keeps its "باب")."""
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            if any(not _GAP.fullmatch(text[words[k][1]:words[k + 1][0]]) for k in range(i, i + n - 1)):
                continue  # a name's words stand apart by spaces only: not "و«دمشق»", "حلب، إدلب"
            if loose and (any(text[s:e] in FUNCTION_WORDS for s, e in words[i:i + n])
                          or text[words[i + n - 1][0]:end] in NOT_NAMES):
                continue
            readings = list(_readings(text[start:end]))
            if n == 1 and (len(readings[0][1]) < 3 or any(name in NOT_NAMES for _, name in readings)
                           or (readings[0][1][0] in PROCLITICS and readings[0][1][1:] in STOPWORDS)
                           or any(fold(name, "ar") in self._demonyms for _, name in readings)):
                continue  # "وفي" is "و" + "في", not a town; "السوري" is Syrian, not a place
            for offset, name in readings:
                candidates = lookup(name)
                if candidates:
                    s = start + offset
                    return Mention(s, end, text[s:end], "GAZ"), candidates, n
        return None


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
    """"حلب وإدلب", "كفركلا ومرجعيون": joined by و (attached or alone) to the proposal just before."""
    attached = text[words[index][0]:mention.start].rstrip(OPENING)
    joined = attached in ("و", "ف") or (index > 0 and text[words[index - 1][0]:words[index - 1][1]] in ("و", "أو"))
    first = index - 1 if attached else index - 2  # the word of the place before ("X" in "X وY")
    return joined and first >= 0 and previous is not None and previous.end >= words[first][0]


def _words(text: str) -> list[tuple[int, int]]:
    """Where the words are; a proclitic before an opening quote goes with the word it opens
    ("و«دمشق»" is one word, read "دمشق")."""
    out: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        if out and out[-1][1] - out[-1][0] == 1 and text[out[-1][0]] in PROCLITICS \
                and 0 < m.start() - out[-1][1] <= 2 and all(c in OPENING for c in text[out[-1][1]:m.start()]):
            out[-1] = (out[-1][0], m.end())
        else:
            out.append(m.span())
    return out


def _readings(span: str):
    """(offset, name): the span as written, then without a one-letter proclitic (and the
    quote it may open). The article needs no care: "للاذقية" (ل + اللاذقية, the article's alef
    dropped) and "اللاذقية" fold to one key, since the key leaves the article out."""
    yield 0, span
    if len(span) > 3 and span[0] in PROCLITICS:
        rest = span[1:].lstrip(OPENING)
        yield len(span) - len(rest), rest
