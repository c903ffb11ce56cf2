import pytest

from geo.gazetteer.normalize import normalize


@pytest.mark.parametrize(
    "a, b",
    [
        ("U.S.", "US"),
        ("U. S.", "us"),
        ("W. Va.", "W.Va."),
        ("St. Louis", "Saint Louis"),
        ("Saint-Louis", "saint louis"),
        ("Mt. Hood", "Mount Hood"),
        ("Ft. Worth", "Fort Worth"),
        ("São Paulo", "Sao Paulo"),
        ("Sana'a", "Sanaa"),
        ("Sana\u2019a", "Sanaa"),
        ("the Hague", "Hague"),
        ("ZÜRICH", "zurich"),
    ],
)
def test_spellings_share_a_key(a, b):
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize("a, b", [("Paris", "Parish"), ("Georgia", "Georgian"), ("W. Va.", "Va.")])
def test_different_names_differ(a, b):
    assert normalize(a) != normalize(b)


def test_the_alone_is_kept():
    assert normalize("The") == "the"
    assert normalize("...") == ""
