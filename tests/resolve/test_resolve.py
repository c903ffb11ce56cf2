"""Resolver behaviour on a hand-made gazetteer: no language model needed."""
import pytest

from geo.resolve.resolver import Resolver
from geo.types import Mention


def mentions(text, *names):
    out, pos = [], 0
    for name in names:
        start = text.index(name, pos)
        out.append(Mention(start, start + len(name), name))
        pos = start + len(name)
    return out


@pytest.fixture(scope="module")
def resolver(mini_gazetteer):
    return Resolver(mini_gazetteer)


def resolve(resolver, text, *names):
    return resolver.resolve(text, mentions(text, *names))


def test_alternate_spelling_resolves(resolver):
    (r,) = resolve(resolver, "The Tartous naval facility.", "Tartous")
    assert r.place.id == "t:tartus"
    assert r.excerpt.highlight == "Tartous"


def test_bare_ambiguous_name_takes_the_prominent_sense(resolver):
    (r,) = resolve(resolver, "Talks resumed in Paris on Monday.", "Paris")
    assert r.place.id == "t:paris-fr"


def test_document_context_flips_an_ambiguous_name(resolver):
    text = "Paris police said. Paris is a small city in Texas, United States."
    rs = resolve(resolver, text, "Paris", "Paris", "Texas", "United States")
    assert [r.place.id for r in rs[:2]] == ["t:paris-tx", "t:paris-tx"]


def test_parent_pattern(resolver):
    (paris, texas) = resolve(resolver, "A storm hit Paris, Tex. on Monday.", "Paris", "Tex.")
    assert paris.place.id == "t:paris-tx" and texas.place.id == "t:texas"


def test_unknown_name_is_unresolved_not_guessed(resolver):
    (r,) = resolve(resolver, "They met in Atlantis.", "Atlantis")
    assert r.place is None and r.score == 0 and r.candidates == ()


def test_demonym_resolves_to_its_country(resolver):
    m = Mention(0, 6, "Syrian", demonym=True)
    (r,) = resolver.resolve("Syrian officials said.", [m])
    assert r.place.id == "t:sy"
    assert r.mention.demonym


def test_one_sense_per_name_within_a_document(resolver):
    text = "Latakia province is green. Later, Latakia was quiet."
    a, b = resolve(resolver, text, "Latakia", "Latakia")
    assert a.place == b.place


def test_candidates_are_ranked_with_scores(resolver):
    (r,) = resolve(resolver, "Paris.", "Paris")
    scores = [c.score for c in r.candidates]
    assert scores == sorted(scores, reverse=True) and len(scores) == 2
    assert r.score == scores[0]


def test_nearness_to_the_other_places(resolver):
    # Alexandria, Virginia is bigger; the one next to Pineville is in Louisiana.
    text = "Floods closed roads between Alexandria and Pineville."
    alexandria, _ = resolve(resolver, text, "Alexandria", "Pineville")
    assert alexandria.place.id == "t:alex-la"
    (alone,) = resolve(resolver, "Flights to Alexandria resumed.", "Alexandria")
    assert alone.place.id == "t:alex-va"


def test_the_source_locale_is_weak_context(resolver):
    from geo.resolve.source_locale import SourceLocales
    from geo.types import Document

    locales = SourceLocales()
    local = Document("1", "x", url="https://www.thetowntalk.example/news/1")
    assert locales.prior(local).regions == {}  # nothing learnt yet
    earlier = resolve(resolver, "Storms in Pineville, Louisiana, and Pineville again, La.",
                      "Pineville", "Louisiana", "Pineville", "La.")
    locales.observe(local, earlier)
    assert locales.prior(local).regions == {"US.LA": 1.0}
    assert locales.prior(Document("2", "x", url="https://other.example/")).regions == {}
    text = "Flights to Alexandria resumed."
    (r,) = resolver.resolve(text, mentions(text, "Alexandria"), locale=locales.prior(local))
    assert r.place.id == "t:alex-la"


def test_a_town_named_like_a_country_yields_to_it(resolver):
    (r,) = resolve(resolver, "Sanctions on Russia were extended.", "Russia")
    assert r.place.id == "t:russia"


def test_a_capital_named_like_its_region_is_the_city(resolver):
    (r,) = resolve(resolver, "Talks in Vienna ended.", "Vienna")
    assert r.place.id == "t:vienna"


def test_the_domain_says_the_country():
    from geo.resolve.source_locale import domain_country

    assert domain_country("https://www.thisisoxfordshire.co.uk/news/1") == "GB"
    assert domain_country("https://www.cbc.ca/news") == "CA"
    assert domain_country("https://www.cnn.com/world") == ""
    assert domain_country("https://example.io/x") == ""  # used for its letters
    assert domain_country("") == ""


def test_why_shows_what_decided(resolver):
    from geo.resolve.features import CONTEXT, OWN

    text = "A storm hit Paris, Tex. on Monday."
    (best, why), (other, _) = resolver.explain(text, mentions(text, "Paris", "Tex."))
    assert best.place.id == "t:paris-tx" and other.place.id == "t:paris-fr"
    assert len(why) == 5 and set(why) <= set(OWN + CONTEXT)
    (_, everything), _ = resolver.explain(text, mentions(text, "Paris", "Tex."), top=len(OWN + CONTEXT))
    assert everything["parent_agrees"] > 0.5  # "Paris, Tex.": the parent is part of why
