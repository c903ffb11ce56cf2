"""Properties that hold for any input: the reader, the recogniser's helpers, the resolver,
excerpts and normalize(). Examples are few and deadlines off, so the file runs in seconds."""
import io
import math
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from geo.gazetteer.normalize import normalize
from geo.inputs.read import MAX_DOC_CHARS, UnreadableDocument, decode, read_inputs
from geo.recognize.candidates import SpanCandidate
from geo.recognize.recognizer import Recognizer, select
from geo.resolve.excerpts import excerpt
from geo.resolve.resolver import Resolver
from geo.types import Document, Mention

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text that looks like news now and then: place names, "the", possessives, every kind of space,
# combining marks, right-to-left and emoji, markup, among arbitrary characters.
WORDS = st.sampled_from([
    "Damascus", "Aleppo", "Paris", "Syria", "Syrian", "the", "The", "'s", "\u2019s", "St.", "New York",
    "U.S.", "Georgia", " ", "  ", "\n", "\n\n\n", "\t", "\u00a0", "\u3000", ",", ".", " in ", "e\u0301",
    "\u0627\u0644\u0642\u062f\u0633", "\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd", "\u6771\u4eac",
    "\U0001f600", "\U0001f469\u200d\U0001f4bb", "\u202e", "<b>", "</p>", "&amp;", "\x00", "\ufeff", "\r\n",
])
NEWSY = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map("".join)


@st.composite
def text_and_spans(draw, max_spans=6):
    text = draw(NEWSY)
    assume(text)
    spans = []
    for _ in range(draw(st.integers(0, max_spans))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, min(len(text), start + 30)))
        spans.append((start, end))
    return text, spans


# -- the reader -------------------------------------------------------------------------------

BYTES = st.one_of(
    st.binary(max_size=300),
    NEWSY.map(lambda s: s.encode("utf-8")),
    NEWSY.map(lambda s: s.encode("utf-16")),
    NEWSY.map(lambda s: s.encode("cp1252", "replace")),
    st.tuples(NEWSY, st.binary(max_size=8)).map(lambda t: t[0].encode() + t[1] + t[0].encode()),
)


@FAST
@given(data=BYTES, suffix=st.sampled_from([".txt", ".html", ".md", ".jsonl"]), skip=st.booleans())
def test_any_bytes_give_documents_or_input_error(tmp_path_factory, data, suffix, skip):
    path = tmp_path_factory.mktemp("in") / f"doc{suffix}"
    path.write_bytes(data)
    try:
        docs = list(read_inputs([path], on_error="skip" if skip else "fail"))
    except InputError as exc:
        assert not skip and str(exc).startswith(str(path)) and "\n" not in str(exc)
        return
    assert docs
    for doc in docs:
        assert isinstance(doc, Document) and doc.source == str(path)
        if isinstance(doc, UnreadableDocument):
            assert skip and doc.error.startswith(str(path)) and doc.text == ""
            continue
        doc.text.encode("utf-8")  # no lone surrogates: every output can write it
        doc.title.encode("utf-8")
        if suffix != ".jsonl":
            assert doc.text.strip() and "\x00" not in doc.text and len(doc.text) <= MAX_DOC_CHARS
        for start, end in doc.mentions or ():
            assert 0 <= start < end <= len(doc.text)


@FAST
@given(data=st.binary(max_size=2000))
def test_decode_never_raises_anything_but_input_error(data):
    try:
        text, encoding = decode(data, "f")
    except InputError:
        return
    assert encoding and "\x00" not in text
    text.encode("utf-8")


@FAST
@given(text=NEWSY.map(lambda s: re.sub(r"[\x00-\x08\x0e-\x1f]", "", s)))
def test_stdin_text_round_trips_apart_from_layout(text):
    """What the reader hands on is the input's words, in order: nothing is lost but the BOM
    and the whitespace at article and chunk edges."""
    try:
        docs = list(read_inputs(["-"], stdin=io.BytesIO(text.encode("utf-8")), input_format="text"))
    except InputError:
        assert not text.removeprefix("\ufeff").strip()
        return
    assert [w for d in docs for w in d.text.split()] == text.removeprefix("\ufeff").split()


# -- the recogniser's helpers ---------------------------------------------------------------------


SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12), st.floats(0, 1), st.booleans()), max_size=8)


@FAST
@given(spans=SPANS)
def test_select_keeps_likely_spans_that_overlap_nothing_likelier(spans):
    """No two chosen spans overlap; each is likely enough; every likely span left out
    overlaps a chosen one that is at least as likely or frames it with a kind word."""
    cands = [SpanCandidate(s, s + n, 0, 0, {"kind_after"} if framed else {"entity"}) for s, n, _, framed in spans]
    scores = [p for _, _, p, _ in spans]
    out = select(cands, scores, 0.5)
    assert out == sorted(out, key=lambda c: (c.start, c.end))
    assert all(a.end <= b.start for a, b in zip(out, out[1:]))
    for c, p in zip(cands, scores):
        if p < 0.5:
            assert not any(o is c for o in out)
        elif not any(o is c for o in out):
            assert any(o.start < c.end and c.start < o.end for o in out)


@pytest.fixture(scope="module")
def gazetteer():
    from geo.gazetteer.index import Gazetteer

    return Gazetteer.load()


@pytest.fixture(scope="module")
def tokenizing_recognizer(gazetteer):
    """The recogniser with spaCy's bare English tokenizer: gazetteer candidates, no entities."""
    import spacy

    return Recognizer(gazetteer, nlp=spacy.blank("en"))


@FAST
@given(text=NEWSY)
def test_recognized_mentions_are_true_slices(tokenizing_recognizer, text):
    mentions = tokenizing_recognizer.recognize(text)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.text
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


# -- the resolver ------------------------------------------------------------------------------


@FAST
@given(case=text_and_spans())
def test_resolver_on_any_text_and_spans(gazetteer, case):
    text, spans = case
    mentions = [Mention(s, e, text[s:e], "GIVEN") for s, e in spans]
    resolver = Resolver(gazetteer)
    out = resolver.resolve(text, mentions)
    assert [r.mention for r in out] == mentions
    for r in out:
        assert r.excerpt is not None and r.excerpt.highlight == squash(r.mention.text)
        assert math.isfinite(r.score)
        scores = [c.score for c in r.candidates]
        assert scores == sorted(scores, reverse=True)
        if r.place is not None:
            assert -90 <= r.place.lat <= 90 and -180 <= r.place.lon <= 180 and r.score >= resolver.model.threshold
        else:
            assert r.score == 0.0


def test_resolver_finds_places_among_noise(gazetteer):
    text = "\U0001f600 \u202eShelling\u202c near Ale\u0301ppo; \u0627\u0644\u0642\u062f\u0633 and Damascus."
    names = ["Damascus"]
    mentions = [Mention(text.index(n), text.index(n) + len(n), n, "GIVEN") for n in names]
    (r,) = Resolver(gazetteer).resolve(text, mentions)
    assert r.place is not None and r.place.country_code == "SY"


# -- excerpts and normalize -------------------------------------------------------------------


def squash(s):
    return re.sub(r"\s+", " ", s)


@FAST
@given(case=text_and_spans(max_spans=1))
def test_excerpt_highlights_exactly_the_mention(case):
    text, spans = case
    assume(spans)
    start, end = spans[0]
    e = excerpt(text, start, end)
    assert e.highlight == squash(text[start:end])
    assert e.before + e.highlight + e.after == e.text
    assert "\n" not in e.text
    assert len(e.text) <= len(e.highlight) + 2 * 240 + 2


@FAST
@given(name=st.one_of(NEWSY, st.text()))
def test_normalize_is_a_tidy_key(name):
    key = normalize(name)
    assert key == key.strip() and "  " not in key and key == key.casefold()
    if not key.startswith("the "):  # "the the Hague" -> "the hague" -> "hague": harmless
        assert normalize(key) == key


@FAST
@given(name=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30))
def test_normalize_ignores_case_and_accents(name):
    assert normalize(name.upper()) == normalize(name.lower()) == normalize(name)
    accented = name.replace("e", "\u00e9").replace("a", "a\u0300")
    assert normalize(accented) == normalize(name)
