"""Recognition with the real model and the shipped gazetteer: what the gazetteer passes add
to spaCy's entities, and what the filters keep out."""
import pytest

from geo.recognize.recognizer import Span, merge, trim


def found(geoparser, text):
    return {m.text: m for m in geoparser.recognizer.recognize(text)}


def test_names_the_model_mislabels(geoparser):
    mentions = found(geoparser, "Jets took off from the Hmeimim base on Monday.")
    assert "Hmeimim" in mentions and not mentions["Hmeimim"].demonym


def test_demonyms_are_marked_and_can_be_left_out(geoparser):
    assert found(geoparser, "Syrian officials met in Damascus.")["Syrian"].demonym
    geoparser.recognizer.demonyms = False
    try:
        assert "Syrian" not in found(geoparser, "Syrian officials met in Damascus.")
    finally:
        geoparser.recognizer.demonyms = True


@pytest.mark.parametrize(
    "text, name",
    [
        ("AMHERST - Irvin Rhodes was the big winner in the School Committee race.", "AMHERST"),
        ("Officers of the Mansfield Police Department arrived.", "Mansfield"),
        ("Dead birds were found near the town of Esperance last week.", "Esperance"),
        ("A storm hit Paris, Tex. on Monday.", "Tex"),
    ],
)
def test_gazetteer_passes(geoparser, text, name):
    assert any(m.startswith(name) for m in found(geoparser, text)), found(geoparser, text)


@pytest.mark.parametrize(
    "text, word",
    [
        ("Cases of West Nile virus were reported in Rhode Island.", "West Nile"),
        ("The plan is due back on campus, Ms. Rhodes said.", "Ms."),
        ("The West was calling for him to be toppled.", "West"),
    ],
)
def test_filters(geoparser, text, word):
    assert word not in found(geoparser, text)


def test_offsets_point_into_the_text_even_after_symbol_runs(geoparser):
    text = "!" * 500 + " Flooding hit Bavaria. " + "\U0001F600" * 300 + " Then Vienna."
    for m in geoparser.recognizer.recognize(text):
        assert text[m.start:m.end] == m.text
    assert {"Bavaria", "Vienna"} <= set(found(geoparser, text))


def test_trim_and_merge():
    text = "the Hague's court"
    assert trim(text, 0, 11) == (4, 9)
    model = [Span(0, 5, "GPE")]
    gazetteer = [Span(3, 9, "GAZ"), Span(10, 14, "GAZ"), Span(10, 12, "GAZ")]
    assert merge(model, gazetteer) == [Span(0, 5, "GPE"), Span(10, 14, "GAZ")]
