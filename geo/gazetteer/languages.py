"""Place names in the languages geo reads besides English: French, Russian, Ukrainian, Arabic.

gazetteer.csv keeps its Latin-script names only (it is near its size limit, and an English
run must not pay for other scripts). The names in each language live in a compressed file of
their own, `data/names-LANG.tsv.gz` (`key<TAB>name<TAB>id|id...`: the folded lookup key, the
name as listed, ids of gazetteer rows; keys are folded at build time so that reading a file
is a split per line), built by
`geo.gazetteer.language_build`, and they are read only when a document in that language
arrives.

Each language folds what its writers vary and a lookup must not: Arabic drops short vowels
(tashkeel) and the tatweel, writes every alef with hamza or madda as a bare alef, ta marbuta as
ha, alef maqsura as ya, and leaves out the article (ال) at the start of a word, so that
"اللاذقية", "لاذقية" and "اللاذقيّة" meet, and joins the first word of a compound name
written apart or joined ("كفر كلا", "كفركلا"); Russian and Ukrainian fold case and ё to е;
French folds case and accents (`normalize`).
"""
from __future__ import annotations

import gzip
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from geo.errors import GazetteerError
from geo.gazetteer.normalize import normalize

LANGUAGES = ("fr", "ru", "uk", "ar")
REBUILD = "reinstall geo, or rebuild with: python -m geo.gazetteer.language_build"
DATA = Path(__file__).resolve().parent / "data"

_AR_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # tashkeel, tatweel
_AR_LETTERS = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
    "ی": "ي", "ې": "ي", "ک": "ك", "ڪ": "ك", "ھ": "ه", "ۀ": "ه", "ە": "ه",
})
_NON_WORD = re.compile(r"[^\w]+")
AR_ARTICLE = "ال"
# First words of compound names that Arabic writes joined or apart ("كفركلا" / "كفر كلا",
# "البوكمال" / "البو كمال", "خانيونس" / "خان يونس"), folded: the key joins them to the next word.
AR_JOINED = frozenset({"كفر", "ابو", "بو", "ام", "عين", "بيت", "دير", "تل", "راس", "بير", "خان", "مرج", "جسر", "قصر"})


def names_file(lang: str) -> Path:
    return DATA / f"names-{lang}.tsv.gz"


@lru_cache(maxsize=200_000)
def fold(name: str, lang: str) -> str:
    """The lookup key of a name written in `lang` (see the module docstring)."""
    if lang == "ar":
        return fold_arabic(name)
    if lang in ("ru", "uk"):
        text = unicodedata.normalize("NFC", name).casefold().replace("ё", "е").replace("ʼ", "").replace("'", "")
        return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())
    return normalize(name)


def fold_arabic(name: str) -> str:
    text = _AR_MARKS.sub("", unicodedata.normalize("NFC", name)).translate(_AR_LETTERS)
    words = _NON_WORD.sub(" ", text).replace("_", " ").split()
    out: list[str] = []
    for word in words:
        if word.startswith(AR_ARTICLE) and len(word) > len(AR_ARTICLE) + 1:
            word = word[len(AR_ARTICLE):]
        if out and out[-1] in AR_JOINED:
            out[-1] += word
        else:
            out.append(word)
    return " ".join(out)


class LanguageNames:
    """Folded name -> [(name as listed, gazetteer id)] for one language, read once."""

    def __init__(self, lang: str, path: Path | None = None):
        self.lang = lang
        self.path = path or names_file(lang)
        self._by_key: dict[str, list[tuple[str, str]]] | None = None

    @property
    def by_key(self) -> dict[str, list[tuple[str, str]]]:
        if self._by_key is None:
            self._by_key = self._read()
        return self._by_key

    def _read(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        try:
            with gzip.open(self.path, "rt", encoding="utf-8") as fh:
                for line_no, line in enumerate(fh, start=1):
                    fields = line.rstrip("\n").split("\t")
                    if len(fields) != 3:
                        raise GazetteerError(f"{self.path}: line {line_no}: not key, name and ids; "
                                             f"{REBUILD}")
                    key, name, ids = fields
                    out.setdefault(key, []).extend((name, i) for i in ids.split("|"))
        except FileNotFoundError:
            raise GazetteerError(f"{self.path}: {self.lang} place names missing; {REBUILD}") from None
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise GazetteerError(f"{self.path}: cannot read {self.lang} place names ({exc}); {REBUILD}") from None
        return out

    def lookup(self, name: str) -> list[tuple[str, str]]:
        key = fold(name, self.lang)
        return self.by_key.get(key, []) if key else []

    def has(self, name: str) -> bool:
        key = fold(name, self.lang)
        return bool(key) and key in self.by_key

    def __len__(self) -> int:
        return len(self.by_key)
