"""geo.evaluation.evaluate with fake parsers on hand-made gold documents, figures checked exactly."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from geo.distance import great_circle_km
from geo.errors import OutputError
from geo.evaluation.corpora import GoldDocument, GoldToponym, read_corpus
from geo.evaluation.evaluate import (
    E2E_FALSE,
    E2E_MISSED,
    PARSE_ERROR,
    RESOLUTION_MISS,
    EvalReport,
    context,
    evaluate,
    format_table,
    write_errors,
)
from geo.evaluation.metrics import UNRESOLVED_KM
from geo.types import Document, Mention, ParseResult, Place, Resolution

PARIS = Place("2988507", "Paris", 48.8566, 2.3522)
LYON = Place("2996944", "Lyon", 45.76, 4.84)
OSLO = Place("3143244", "Oslo", 59.91, 10.75)

TEXT_A = "Flights from Paris to Lyon and Springfield."
TEXT_B = "Nothing in Oslo today."
DOC_A = GoldDocument(
    "a",
    TEXT_A,
    "A",
    "http://a",
    (
        GoldToponym(13, 18, "Paris", PARIS.lat, PARIS.lon),
        GoldToponym(22, 26, "Lyon", LYON.lat, LYON.lon),
        GoldToponym(31, 42, "Springfield", None, None),  # a span without coordinates
    ),
)
DOC_B = GoldDocument("b", TEXT_B, "B", "http://b", (GoldToponym(11, 15, "Oslo", OSLO.lat, OSLO.lon),))
DOCS = [DOC_A, DOC_B]

PARIS_LYON = great_circle_km(PARIS.lat, PARIS.lon, LYON.lat, LYON.lon)
PARIS_OSLO = great_circle_km(PARIS.lat, PARIS.lon, OSLO.lat, OSLO.lon)


def resolve_all_to(place: Place | None):
    """A parser that gives every given mention the same answer (and finds nothing itself)."""

    def parse(doc: Document) -> ParseResult:
        mentions = doc.mentions or ()
        return ParseResult(doc, tuple(_resolution(doc, s, e, place) for s, e in mentions))

    return parse


def gold_oracle(docs: list[GoldDocument]):
    """A parser that knows the answers: gold spans and gold points, in both settings."""
    gold = {d.id: d for d in docs}

    def parse(doc: Document) -> ParseResult:
        toponyms = gold[doc.id].toponyms
        answers = {(t.start, t.end): _point_place(t) for t in toponyms}
        spans = doc.mentions if doc.mentions is not None else tuple(answers)
        return ParseResult(doc, tuple(_resolution(doc, s, e, answers[(s, e)]) for s, e in spans))

    return parse


E2E_OUTPUT = {
    # doc A: a false "Flights", Paris right, Lyon placed in Paris (392 km off), Springfield missed
    "a": [(0, 7, PARIS), (13, 18, PARIS), (22, 26, PARIS)],
    # doc B: a longer span over Oslo, placed right
    "b": [(11, 21, OSLO)],
}


def e2e_parser(doc: Document) -> ParseResult:
    """Finds the spans of `E2E_OUTPUT` when left alone; resolves given mentions to Paris."""
    if doc.mentions is not None:
        return resolve_all_to(PARIS)(doc)
    return ParseResult(doc, tuple(_resolution(doc, s, e, p) for s, e, p in E2E_OUTPUT[doc.id]))


def _resolution(doc: Document, start: int, end: int, place: Place | None) -> Resolution:
    return Resolution(Mention(start, end, doc.text[start:end]), place)


def _point_place(t: GoldToponym) -> Place | None:
    return Place(f"gold:{t.phrase}", t.phrase, t.lat, t.lon) if t.has_point else None


# ---------------------------------------------------------------- resolution


def test_resolution_with_the_gold_points_is_perfect():
    report = evaluate(DOCS, gold_oracle(DOCS), mode="resolution")
    r = report.resolution
    assert (report.n_docs, report.n_gold, report.n_gold_with_point) == (2, 4, 3)
    assert (r.n, r.acc161, r.auc, r.mean_km, r.median_km) == (3, 1.0, 0.0, 0.0, 0.0)
    assert report.spans is None and report.e2e_acc161 is None
    assert report.errors == []


def test_resolution_everything_in_paris():
    report = evaluate(DOCS, resolve_all_to(PARIS), mode="resolution")
    r = report.resolution
    errors = sorted([0.0, PARIS_LYON, PARIS_OSLO])
    assert 161 < PARIS_LYON < PARIS_OSLO
    assert r.n == 3
    assert r.acc161 == pytest.approx(1 / 3)
    assert r.mean_km == pytest.approx(sum(errors) / 3)
    assert r.median_km == pytest.approx(PARIS_LYON)
    ys = [math.log(1 + e) / math.log(20039) for e in errors]
    assert r.auc == pytest.approx(((ys[0] + ys[1]) / 2 + (ys[1] + ys[2]) / 2) / 2)
    misses = [(e.kind, e.doc_id, e.phrase, e.pred_name, e.distance_km) for e in report.errors]
    assert misses == [
        (RESOLUTION_MISS, "a", "Lyon", "Paris", round(PARIS_LYON, 1)),
        (RESOLUTION_MISS, "b", "Oslo", "Paris", round(PARIS_OSLO, 1)),
    ]
    lyon = report.errors[0]
    assert (lyon.gold_lat, lyon.gold_lon, lyon.pred_id, lyon.pred_lat) == (LYON.lat, LYON.lon, PARIS.id, PARIS.lat)
    assert lyon.context == "Flights from Paris to [[Lyon]] and Springfield."


def test_resolution_unresolved_costs_half_the_equator():
    report = evaluate(DOCS, resolve_all_to(None), mode="resolution")
    r = report.resolution
    assert (r.acc161, r.mean_km, r.median_km) == (0.0, UNRESOLVED_KM, UNRESOLVED_KM)
    assert r.auc == pytest.approx(math.log(20040) / math.log(20039))
    assert [e.distance_km for e in report.errors] == [UNRESOLVED_KM] * 3
    assert all(e.pred_name is None for e in report.errors)


def test_resolution_gives_exactly_the_gold_spans():
    seen = []

    def spy(doc: Document) -> ParseResult:
        seen.append((doc.id, doc.text, doc.title, doc.url, doc.mentions))
        return resolve_all_to(None)(doc)

    evaluate(DOCS, spy, mode="resolution")
    assert seen == [
        ("a", TEXT_A, "A", "http://a", ((13, 18), (22, 26), (31, 42))),
        ("b", TEXT_B, "B", "http://b", ((11, 15),)),
    ]


def test_resolution_contract_broken_raises():
    def drops_one(doc: Document) -> ParseResult:
        result = resolve_all_to(PARIS)(doc)
        return ParseResult(doc, result.resolutions[1:])

    with pytest.raises(ValueError, match="document a"):
        evaluate(DOCS, drops_one, mode="resolution")


def test_reported_parse_error_counts_as_unresolved():
    def fails_on_a(doc: Document) -> ParseResult:
        if doc.id == "a":  # resolved Paris before failing
            return ParseResult(doc, (_resolution(doc, 13, 18, PARIS),), error="boom")
        return resolve_all_to(OSLO)(doc)

    report = evaluate(DOCS, fails_on_a, mode="resolution")
    assert report.n_failed == 1
    assert report.resolution.acc161 == pytest.approx(2 / 3)  # Paris and Oslo right, Lyon unresolved
    kinds = [(e.kind, e.doc_id, e.message) for e in report.errors]
    assert kinds == [(PARSE_ERROR, "a", "boom"), (RESOLUTION_MISS, "a", "")]


def test_parser_exception_propagates_with_the_document():
    def crashes(doc: Document) -> ParseResult:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError) as info:
        evaluate(DOCS, crashes)
    assert any("'a'" in note for note in info.value.__notes__)


def test_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        evaluate(DOCS, resolve_all_to(None), mode="fast")


# ---------------------------------------------------------------- end to end


def test_e2e_figures():
    seen_mentions = []

    def spy(doc: Document) -> ParseResult:
        seen_mentions.append(doc.mentions)
        return e2e_parser(doc)

    report = evaluate(DOCS, spy, mode="e2e")
    assert seen_mentions == [None, None]
    s = report.spans
    assert (s.n_gold, s.n_pred, s.true_positives) == (4, 4, 3)
    assert (s.precision, s.recall, s.f1) == (0.75, 0.75, 0.75)
    assert report.e2e_correct == 2  # Paris and Oslo; Lyon found but placed in Paris
    assert report.e2e_acc161 == pytest.approx(2 / 3)
    assert report.resolution is None
    got = [(e.kind, e.doc_id, e.start, e.end, e.phrase) for e in report.errors]
    assert got == [(E2E_MISSED, "a", 31, 42, "Springfield"), (E2E_FALSE, "a", 0, 7, "Flights")]
    false = report.errors[1]
    assert (false.gold_lat, false.pred_name, false.pred_lat) == (None, "Paris", PARIS.lat)


def test_e2e_nothing_found():
    report = evaluate(DOCS, resolve_all_to(PARIS), mode="e2e")
    s = report.spans
    assert (s.precision, s.recall, s.f1, report.e2e_acc161) == (None, 0.0, 0.0, 0.0)
    assert [e.kind for e in report.errors] == [E2E_MISSED] * 4


def test_both_modes():
    report = evaluate(DOCS, e2e_parser)
    assert report.resolution.acc161 == pytest.approx(1 / 3)
    assert report.spans.f1 == 0.75
    assert report.e2e_acc161 == pytest.approx(2 / 3)
    assert {e.kind for e in report.errors} == {RESOLUTION_MISS, E2E_MISSED, E2E_FALSE}
    assert {e.mode for e in report.errors} == {"resolution", "e2e"}


def test_empty_corpus():
    report = evaluate([], resolve_all_to(None))
    assert (report.n_docs, report.n_gold, report.resolution.acc161, report.spans.f1, report.e2e_acc161) == (
        0, 0, None, None, None,
    )


# ---------------------------------------------------------------- output


def test_format_table():
    reports = {
        "LGL": evaluate(DOCS, e2e_parser),
        "GeoVirus": evaluate(DOCS, gold_oracle(DOCS), mode="resolution"),
    }
    table = format_table(reports)
    lines = table.splitlines()
    assert len(lines) == 4 and table.endswith("\n")
    assert lines[0].split()[:4] == ["corpus", "docs", "gold", "w/pt"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split() == ["LGL", "2", "4", "3", "0.333", f"{reports['LGL'].resolution.auc:.3f}",
                                f"{(PARIS_LYON + PARIS_OSLO) / 3:.0f}", f"{PARIS_LYON:.0f}",
                                "0.750", "0.750", "0.750", "0.667"]
    assert lines[3].split() == ["GeoVirus", "2", "4", "3", "1.000", "0.000", "0", "0", "-", "-", "-", "-"]
    assert len({len(line) for line in lines[:2]}) == 1  # header and rule line up


def test_format_table_empty():
    assert format_table({}).splitlines()[0].startswith("corpus")


def test_write_errors_jsonl(tmp_path):
    report = evaluate(DOCS, e2e_parser)
    path = tmp_path / "errors.jsonl"
    assert write_errors(path, report.errors) == len(report.errors)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(report.errors) == 4
    assert rows[0]["kind"] == RESOLUTION_MISS and rows[0]["phrase"] == "Lyon"
    assert set(rows[0]) >= {
        "doc_id", "phrase", "context", "gold_lat", "gold_lon", "pred_name", "pred_id", "pred_lat",
        "pred_lon", "distance_km",
    }


def test_write_errors_unwritable(tmp_path):
    (tmp_path / "afile").write_text("not a directory")
    with pytest.raises(OutputError, match="afile"):
        write_errors(tmp_path / "afile" / "e.jsonl", [])


def test_context_is_one_line_and_clipped():
    text = "a" * 100 + "\nRome\n" + "b" * 100
    got = context(text, 101, 105)
    assert got == "a" * 59 + " [[Rome]] " + "b" * 59
    assert context("Rome", 0, 4) == "[[Rome]]"


# ---------------------------------------------------------------- the real dev corpora


@pytest.mark.parametrize("file", ["lgl.xml", "trnews.xml", "geovirus.xml"])
def test_oracle_on_real_corpora_is_perfect(file):
    path = Path("/work/shared/corpora") / file
    if not path.exists():
        pytest.skip(f"{path} not available")
    docs = read_corpus(path)
    report = evaluate(docs, gold_oracle(docs))
    assert report.resolution.acc161 == 1.0 and report.resolution.auc == 0.0
    assert report.spans.f1 == 1.0 and report.e2e_acc161 == 1.0
    assert report.errors == []
    assert isinstance(report, EvalReport)


# ---------------------------------------------------------------- per-kind tolerances


def test_per_kind_tolerance_judges_e2e_and_resolution():
    """A town 30 km off is wrong at 25 km; a country 300 km off is right at 500 km."""
    from geo.evaluation.evaluate import E2E_WRONG, format_summary

    text = "Shelling in Lyon, France."
    gold = GoldDocument("c", text, "", "", (
        GoldToponym(12, 16, "Lyon", 45.76, 4.84, kind="city", tolerance_km=25.0),
        GoldToponym(18, 24, "France", 46.0, 2.0, kind="country", tolerance_km=500.0),
    ))
    near_lyon = Place("x", "Vienne", 45.52, 4.87)  # ~27 km south of Lyon
    off_centre = Place("y", "France", 47.5, 5.0)  # ~280 km from the gold centre
    answers = {(12, 16): near_lyon, (18, 24): off_centre}

    def parse(doc: Document) -> ParseResult:
        spans = doc.mentions if doc.mentions is not None else [(12, 16), (18, 24), (0, 8)]
        return ParseResult(doc, tuple(_resolution(doc, s, e, answers.get((s, e))) for s, e in spans))

    report = evaluate([gold], parse)
    assert report.tolerances
    assert report.resolution_correct == 1 and report.e2e_correct == 1
    assert report.spans.recall == 1.0 and report.spans.precision == pytest.approx(2 / 3)
    wrong = [e for e in report.errors if e.kind == E2E_WRONG]
    assert [(e.phrase, e.gold_kind, e.pred_name) for e in wrong] == [("Lyon", "city", "Vienne")]
    summary = format_summary({"conflict": report}).splitlines()
    assert summary[0].split() == ["corpus", "gold", "found", "accurate", "precision", "repeats",
                                  "resolution"]
    assert summary[2].split() == ["conflict", "2", "1.000", "0.500", "0.667", "0", "0.500"]
    assert format_summary({"LGL": evaluate(DOCS, e2e_parser)}) == ""


def test_repeats_of_an_annotated_name_are_unscored_only_when_placed_right():
    """The conflict set annotates the first "Lyon" only: a later "Lyon" on Lyon is no false
    positive, a later "Lyon" placed in Paris is one."""
    text = "Lyon, then Lyon again, and Lyon once more."
    gold = GoldDocument("r", text, "", "", (
        GoldToponym(0, 4, "Lyon", LYON.lat, LYON.lon, kind="city", tolerance_km=25.0),))
    answers = {0: LYON, 11: LYON, 27: PARIS}

    def parse(doc: Document) -> ParseResult:
        return ParseResult(doc, tuple(_resolution(doc, s, s + 4, answers[s]) for s in answers))

    report = evaluate([gold], parse, mode="e2e")
    assert report.repeats == 1
    assert (report.spans.n_pred, report.spans.precision) == (2, 0.5)
    assert [(e.kind, e.start) for e in report.errors] == [(E2E_FALSE, 27)]
