"""Russian (and Ukrainian) text: capitalised names the gazetteer knows, brought to their
dictionary form by pymorphy3.

Russian inflects its place names ("в Харькове", "под Бахмутом", "Запорожской области"); the
gazetteer lists them in the nominative ("Харьков", "Запорожская область"). `variants` brings
a written name to its dictionary forms: every word to the nominative, adjectives agreeing
with the noun they go with, so the lookup meets the listed form.

natasha's news NER was measured first (multilingual-dev, Russian: .97 found, .88 accurate,
.98 precision), but natasha needs pymorphy2, which needs docopt, which PyPI has only as a
source archive. Russian capitalises proper names only, so every capitalised run the
gazetteer knows is proposed (spaCy's stop words aside: "Из" opens a sentence), with what
pymorphy3 says of it (geographic, a first name or surname, an adjective, a function word), a
person's name beside it in the run ("Владимир Путин"), a preposition or place word before
it; the trained model (`geo.recognize.languages.learned`) decides.
"""
from __future__ import annotations

import itertools
import re
from functools import cached_property, lru_cache

from geo.recognize.languages.base import LanguageRecognizer, sentence_start
from geo.recognize.languages.learned import Proposal, Proposals
from geo.types import Mention

MAX_VARIANTS = 16
_CAPITALISED = re.compile(r"(?<![\w-])[А-ЯЁІЇЄҐ][\w-]*(?:[ \t]+[А-ЯЁІЇЄҐ][\w-]*)*")
_TOKEN = re.compile(r"[\w-]+")
MAX_WORDS = 3
# A unit word after a region's adjective, in any case: "Курской области", "Азовском море".
_UNIT_AFTER = re.compile(r"[ \t]+(\w+)")
_UNIT_FORMS = frozenset({
    "область", "области", "областью", "областей", "областями", "областях", "край", "края", "крае",
    "краем", "краями", "район", "района", "районе", "районом", "районами", "районах", "море", "моря",
    "морем", "республика", "республики", "республике", "округ",
    "округа", "округе", "озеро", "озера", "озере", "водохранилище", "водохранилища",
})
# Two names sharing one unit word: "Белгородской и Курской областями".
_SHARED_UNIT = re.compile(r"[ \t]*(?:,|и|или|та|і)[ \t]+[А-ЯЁІЇЄҐ][\w-]*[ \t]+(\w+)")
# A preposition of place just before a name: "в Купянске", "под Бахмутом", "из Рязани".
_PREPOSITION_BEFORE = re.compile(r"(?:^|\s)(?:в|во|на|под|из|у|около|возле|близ|от|до|к|через|над)\s+$", re.IGNORECASE)
# A place word just before: "город Бахмут", "в селе Крынки", "пгт Кременная", "станицы ...".
_PLACE_WORD_BEFORE = re.compile(
    r"(?:^|\s)(?:город\w*|г\.|сел[оаеу]|посел\w*|посёл\w*|пгт|деревн\w*|станиц\w*|хутор\w*|район\w*|"
    r"област\w*|регион\w*|республик\w*|столиц\w*|мист\w*|місто|селищ\w*)\s+$", re.IGNORECASE)


# A feature word just before: "реки Оскол", "авиабазе Хмеймим", "у моста Хакари". After one,
# a name the gazetteer knows only in Latin letters is looked up romanised (`translit_candidates`).
_FEATURE_WORD_BEFORE = re.compile(
    r"(?:^|\s)(?:рек[аиеуой]|річк\w*|авиабаз\w*|авіабаз\w*|баз[аеуы]|мост[ауе]?|мосту|пропуска|озер[оау]|"
    r"остров\w*|пролив\w*|залив\w*|водохранилищ\w*|хребт\w*|лагер\w*|аэропорт\w*|аеропорт\w*)\s+$",
    re.IGNORECASE)
# Parts of speech that are never a place's name: adverbs, comparatives ("Восточнее"),
# prepositions, conjunctions, particles, pronouns, verbs.
_FUNCTION_POS = frozenset({"ADVB", "COMP", "PREP", "CONJ", "PRCL", "NPRO", "PRED", "INTJ", "VERB", "INFN", "GRND"})


@lru_cache(maxsize=2)
def _stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words of the language (prepositions, pronouns, conjunctions)."""
    if lang == "uk":
        from spacy.lang.uk.stop_words import STOP_WORDS
    else:
        from spacy.lang.ru.stop_words import STOP_WORDS
    return frozenset(STOP_WORDS)


class RussianRecognizer(LanguageRecognizer):
    lang = "ru"

    @cached_property
    def _morph(self):
        import pymorphy3

        return pymorphy3.MorphAnalyzer()

    def proposals(self, text: str) -> Proposals:
        items: list[Proposal] = []
        for match in _CAPITALISED.finditer(text):
            for mention, candidates in self._known_names(text, match.start(), match.end()):
                others = (text[match.start():mention.start] + " " + text[mention.end:match.end()]).split()
                cues = self._cues(text, mention, items[-1] if items else None)
                cues["person_run"] = float(any(self._person(w) for w in others))
                items.append(Proposal(mention, candidates, cues))
        return Proposals(items)

    def _cues(self, text: str, mention: Mention, previous: Proposal | None) -> dict[str, float]:
        # Grammemes as plain sets: `"Geox" in tag` checks the name against the dictionary
        # loaded last, and the Ukrainian one has no Geox.
        grammemes = set(self._morph.parse(mention.text.split()[-1].split("-")[-1])[0].tag.grammemes)
        between = text[previous.end:mention.start] if previous else ""
        return {
            "capitalised": 1.0,
            "sentence_start": float(sentence_start(text, mention.start)),
            "locative_before": float(_PREPOSITION_BEFORE.search(text, max(0, mention.start - 12), mention.start) is not None),
            "place_word_before": float(_PLACE_WORD_BEFORE.search(text, max(0, mention.start - 16), mention.start) is not None),
            "unit_word": float(mention.text.split()[-1].lower() in _UNIT_FORMS or _shares_unit(text, mention.end)),
            "listed_after": float(previous is not None and between.strip() in (",", "и", "та", "і", "або", "или")),
            "person": float(bool({"Name", "Surn", "Patr"} & grammemes) and "Geox" not in grammemes),
            "geographic": float("Geox" in grammemes),
            "adjective": float("ADJF" in grammemes and " " not in mention.text),
            "stop_word": float(" " not in mention.text and self._morph.parse(mention.text)[0].tag.POS in _FUNCTION_POS),
            "variant_only": float(not self.gazetteer.names.has(mention.text)),
        }

    def _known_names(self, text: str, start: int, end: int):
        """Known places in a run of capitalised words (with a unit word after it: "Курской
        области"), longest first."""
        words = [(start + m.start(), start + m.end()) for m in _TOKEN.finditer(text[start:end])]
        capitalised = len(words)
        after = _UNIT_AFTER.match(text, end)
        if after and after.group(1).lower() in _UNIT_FORMS:
            words.append((after.start(1), after.end(1)))
        i = 0
        while i < capitalised:  # a name starts with a capital: "море" alone is no place
            lookups = [self.gazetteer.candidates]
            if _FEATURE_WORD_BEFORE.search(text, max(0, words[i][0] - 16), words[i][0]):
                lookups.append(self.gazetteer.translit_candidates)
            for lookup, j in ((lookup, j) for lookup in lookups
                              for j in range(min(len(words), i + MAX_WORDS), i, -1)):
                s, e = words[i][0], words[j - 1][1]
                if j == i + 1 and text[s:e].lower() in _stop_words(self.lang):
                    continue  # "Из", "После": capitalised at a sentence's start
                candidates = lookup(text[s:e])
                if candidates:
                    yield Mention(s, e, text[s:e], "GAZ"), candidates
                    i = j
                    break
            else:
                i += 1

    def _person(self, word: str) -> bool:
        """A first name, surname or patronymic in pymorphy3's dictionary, and no place."""
        grammemes = set(self._morph.parse(word)[0].tag.grammemes)
        return bool({"Name", "Surn", "Patr"} & grammemes) and "Geox" not in grammemes

    def variants(self, name: str) -> list[str]:
        return list(_variants(self, name))

    def together(self, name: str) -> list[str]:
        """A one-word name's readings that pymorphy3 tags geographic, all of them: "Покровском"
        is Покровск or Покровское, and only the story can tell which. A bare feminine adjective
        is its oblast ("Курской" of "Белгородской и Курской областями"), when there is one."""
        if " " in name or "-" in name:
            return []
        parses = self._morph.parse(name)
        out = [p.normal_form for p in parses if "Geox" in p.tag.grammemes and p.tag.POS == "NOUN"]
        if self.lang == "ru" and parses[0].tag.POS == "ADJF" and parses[0].tag.gender == "femn":
            form = parses[0].inflect({"nomn", "femn", "sing"})
            if form:
                out.append(f"{form.word} область")
        return list(dict.fromkeys(out))


def _shares_unit(text: str, end: int) -> bool:
    shared = _SHARED_UNIT.match(text, end)
    return shared is not None and shared.group(1).lower() in _UNIT_FORMS


def _variants(recognizer: RussianRecognizer, name: str):
    words = name.split()
    if not words or len(words) > 4:
        return
    forms = [recognizer_forms(recognizer, w, words[-1]) for w in words]
    seen = {name}
    for combo in itertools.islice(itertools.product(*forms), MAX_VARIANTS):
        out = " ".join(combo)
        if out not in seen:
            seen.add(out)
            yield out


@lru_cache(maxsize=50_000)
def _word_forms(morph, word: str, head: str) -> tuple[str, ...]:
    """Nominative forms of `word`; an adjective agrees with the gender of `head`."""
    if "-" in word:  # "Хан-Юнисе": only the last part inflects
        first, _, last = word.rpartition("-")
        return tuple(f"{first}-{f}" for f in _word_forms(morph, last, last))
    head_parse = morph.parse(head)[0]
    gender = head_parse.tag.gender
    number = head_parse.tag.number
    out: list[str] = []
    for p in morph.parse(word)[:3]:
        wanted = {"nomn"}
        if p.tag.POS == "ADJF" and word != head:
            wanted |= {g for g in (gender, number) if g}
        form = p.inflect(wanted) or p.inflect({"nomn"})
        for w in (form.word if form else None, p.normal_form):
            if w and w not in out:
                out.append(w)
    return tuple(out) or (word,)


def recognizer_forms(recognizer: RussianRecognizer, word: str, head: str) -> tuple[str, ...]:
    return _word_forms(recognizer._morph, word, head)


class UkrainianRecognizer(RussianRecognizer):
    """Ukrainian: the same rules, with pymorphy3's Ukrainian dictionary when it is installed
    (pymorphy3-dicts-uk), else the Russian one."""

    lang = "uk"

    @cached_property
    def _morph(self):
        import pymorphy3

        try:
            return pymorphy3.MorphAnalyzer(lang="uk")
        except (ValueError, ImportError, OSError):
            return pymorphy3.MorphAnalyzer(lang="ru")
