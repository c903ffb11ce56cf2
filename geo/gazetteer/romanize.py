"""Russian and Ukrainian names in Latin letters, to meet the gazetteer's own names.

The Cyrillic name files (`geo.gazetteer.languages`) cover towns, countries and regions; the
gazetteer's bases, rivers and crossings have Latin names only ("Hmeimim", "Oskil River").
Written the way English news romanises Russian (BGN/PCGN, simplified: х kh, ш sh, ж zh,
no soft or hard signs), "Хмеймим" becomes "Khmeymim", and the gazetteer's transliteration
key (`geo.gazetteer.normalize.translit_key`) takes it the rest of the way to Hmeimim.
"""
from __future__ import annotations

_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}
_TABLE = str.maketrans({**_LETTERS, **{k.upper(): v.capitalize() for k, v in _LETTERS.items()}})


def cyrillic_to_latin(name: str) -> str:
    """"Хмеймим" -> "Khmeymim", "Оскол" -> "Oskol"."""
    return name.translate(_TABLE)
