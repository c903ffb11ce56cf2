"""The index keys every name with `bulk_keys.name_keys`, lookups key the query with
`normalize` and `translit_key`: if the two ever disagree, a place cannot be found by its
own name. A change to either function must be mirrored in `geo/gazetteer/bulk_keys.py`."""
from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.gazetteer.bulk_keys import name_keys
from geo.gazetteer.index import shipped_gazetteer
from geo.gazetteer.normalize import normalize, translit_key
from geo.gazetteer.schema import read_records

# What changes keys: case, accents, apostrophes and marks, separators, articles, initials,
# abbreviations, endings, vowels, glides, doubled and paired consonants, digits, line breaks.
PIECES = [*"aeiouywkhdjqcpztsbgl&_.-`' \n1", "é", "Ü", "ß", "ʿ", "\u2019", "\u00b4", "İ", "ı",
          "the ", "The ", "al ", "Al-", "ash ", "st ", "St. ", "Mt ", "ov", "iy", "yi", "aw", "U.S."]


def one_by_one(names):
    return {n: (normalize(n), translit_key(n)) for n in names}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), max_size=40))
def test_bulk_keys_equal_the_lookup_keys(names):
    assert name_keys(names) == one_by_one(names)


@given(st.lists(st.text(max_size=15), max_size=30))
@settings(max_examples=200, deadline=None)
def test_bulk_keys_equal_the_lookup_keys_on_any_text(names):
    assert name_keys(names) == one_by_one(names)


def test_bulk_keys_of_names_that_take_the_slow_path():
    names = ["Al", "al-An", "Ma\u2018arrat an Nu\u2018m\u0101n", "Tall Abya\u1e11", "two\nlines",
             "Khmelnytskyi", "Myawaddy", "U. S.", "the Hague", "St. Louis", "", "...", "Zürich"]
    assert name_keys(names) == one_by_one(names)


def test_bulk_keys_on_a_sample_of_the_shipped_gazetteer():
    rng = random.Random(22)
    names = set()
    for place, alt_names, demonyms in read_records(shipped_gazetteer()):
        if rng.random() < 0.05:
            names.update((place[1], *alt_names, *demonyms))
    assert len(names) > 20_000
    assert name_keys(names) == one_by_one(names)
