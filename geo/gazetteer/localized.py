"""The gazetteer as a document in one language sees it: its names in that language first.

The resolver asks a gazetteer for `candidates(name)` with the name as written. For a Russian
story that name is inflected ("Харькове"), for an Arabic one it may carry the article; the
language's recogniser knows how to bring it to its listed forms (`variants`: lemmas, the name
without a proclitic), and the per-language name file (`geo.gazetteer.languages`) maps those
to gazetteer rows. The view answers with those rows, so the resolver, its country context
and its ranking work unchanged on French, Russian and Arabic text.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cached_property, lru_cache

from geo.gazetteer.index import Gazetteer
from geo.gazetteer.languages import LanguageNames
from geo.gazetteer.romanize import cyrillic_to_latin
from geo.gazetteer.skeleton import arabic_skeleton, latin_skeleton
from geo.types import Candidate

Variants = Callable[[str], Iterable[str]]
# Features that no registry package names in Arabic or Cyrillic script: bases, crossings,
# camps, rivers, seas (towns and divisions have their names from GeoNames and Natural Earth).
LATIN_ONLY_CLASSES = "HLSTV"


class LocalizedGazetteer:
    """`Gazetteer`'s lookups for text in `lang`; everything else is the base gazetteer's.

    French shares the Latin script with the gazetteer's own names, so its lookups add the
    base gazetteer's answers (Bamako is Bamako); Russian, Ukrainian and Arabic names come from
    their name files only (a Cyrillic or Arabic key never meets a Latin one anyway). Their
    loose lookups (`translit_candidates`) reach the places of `LATIN_ONLY_CLASSES` by Latin
    letters: Russian romanised, Arabic by its consonants.
    """

    def __init__(self, base: Gazetteer, lang: str, names: LanguageNames, variants: Variants | None = None):
        self.base = base
        self.lang = lang
        self.names = names
        self.variants = variants or (lambda name: ())
        self.together: Variants = lambda name: ()
        self._lookup = lru_cache(maxsize=50_000)(self._lookup_uncached)

    def __getattr__(self, attr: str):
        return getattr(self.base, attr)

    def candidates(self, name: str) -> list[Candidate]:
        return list(self._lookup(name))

    def _lookup_uncached(self, name: str) -> tuple[Candidate, ...]:
        """The places of the name as written; else of the forms to read together (an
        inflected form may come from several names, "Покровском" from Покровск or Покровское,
        and only the story can tell which); else of the first variant that has any."""
        out: dict[str, Candidate] = {}
        for forms in self._form_groups(name):
            for form in forms:
                for alias, place_id in self.names.lookup(form):
                    if place_id not in out:
                        place = self.base.get(place_id)
                        if place is not None:
                            out[place_id] = Candidate(place, alias)
            if out:
                break
        if self.lang == "fr":
            for form in (name, *self.variants(name)):
                found = self.base.candidates(form)
                for c in found:
                    out.setdefault(c.place.id, c)
                if found:
                    break
        return tuple(sorted(out.values(), key=lambda c: -c.place.population))

    def _form_groups(self, name: str) -> Iterator[Iterable[str]]:
        """Lazily: a name found as written needs no dictionary forms (pymorphy3 parses)."""
        yield (name,)
        yield self.together(name)
        for form in self.variants(name):
            yield (form,)

    def has_name(self, name: str) -> bool:
        return bool(self._lookup(name))

    def translit_candidates(self, name: str) -> list[Candidate]:
        if self.lang == "ar":
            for form in (name, *self.variants(name)):
                found = self._skeletons.get(arabic_skeleton(form))
                if found:
                    return list(found)
            return []
        if self.lang in ("ru", "uk"):
            for form in (name, *self.variants(name)):
                found = [c for c in self.base.translit_candidates(cyrillic_to_latin(form))
                         if c.place.feature_class in LATIN_ONLY_CLASSES]
                if found:
                    return found
            return []
        if self.lang != "fr":
            return []
        for form in (name, *self.variants(name)):
            found = self.base.translit_candidates(form)
            if found:
                return found
        return []

    @cached_property
    def _skeletons(self) -> dict[str, tuple[Candidate, ...]]:
        """Consonant skeleton -> the places of `LATIN_ONLY_CLASSES` it may be."""
        out: dict[str, dict[str, Candidate]] = {}
        for alias, place in self.base.names_of_classes(LATIN_ONLY_CLASSES):
            key = "" if alias.isupper() else latin_skeleton(alias)  # not codes: "LTN" is no "Litani"
            if key:
                out.setdefault(key, {}).setdefault(place.id, Candidate(place, alias))
        return {key: tuple(sorted(found.values(), key=lambda c: -c.place.population))
                for key, found in out.items()}

    def fuzzy_candidates(self, name: str, countries: Iterable[str], **kwargs) -> list[tuple[Candidate, float]]:
        return self.base.fuzzy_candidates(name, countries, **kwargs) if self.lang == "fr" else []
