"""Score a parser against annotated corpora, in the two settings of evaluation.md.

The runner takes the parser as a plain function ``Document -> ParseResult`` so that it is
decoupled from the pipeline: it can score the real geoparser, a baseline, or a fake one in
the tests, and the pipeline can change without touching how it is measured.

* **resolution** (gold spans given): each document goes in with ``mentions`` set to its gold
  spans; the parser must return one `Resolution` per mention, in the same order. Every gold
  toponym with coordinates gets an error in km (unresolved: `UNRESOLVED_KM`).
* **e2e** (end to end): the document goes in without mentions; predicted spans are paired
  with gold spans by overlap (`geo.evaluation.metrics.match_spans`), giving span P/R/F1 over all gold
  spans, and E2E Acc@161 over all gold toponyms with coordinates.

A corpus whose toponyms carry their own tolerance (the conflict set: 25 km for a town, 500 km
for a country) is judged by it wherever the others use 161 km ("within tolerance"), and
`format_summary` prints its three headline figures: found (span recall), accurate (found and
within tolerance, over all gold places) and precision (of the predicted spans).

Counts are summed over the corpus before dividing (micro-averaging), so long articles weigh
more, as in the literature the figures are compared with.
"""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geo.distance import great_circle_km
from geo.evaluation.corpora import GoldDocument, GoldToponym
from geo.evaluation.metrics import (
    ACC_KM,
    UNRESOLVED_KM,
    ResolutionScores,
    SpanScores,
    e2e_accuracy,
    match_spans,
    resolution_scores,
    span_scores,
)
from geo.outputs.atomic import atomic_write
from geo.types import Document, ParseResult, Place, Resolution

Parser = Callable[[Document], ParseResult]

MODES = ("resolution", "e2e", "both")
CONTEXT_CHARS = 60

# Error record kinds.
RESOLUTION_MISS = "resolution_miss"  # a gold span resolved > 161 km away, or not at all
E2E_MISSED = "e2e_missed"  # a gold span no prediction overlaps
E2E_FALSE = "e2e_false"  # a predicted span that overlaps no (unpaired) gold span
E2E_WRONG = "e2e_wrong"  # a found gold span placed beyond its tolerance (per-kind corpora)
PARSE_ERROR = "parse_error"  # the parser reported an error for the document


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """One thing to look at when improving the parser (a line of ``--errors FILE``)."""

    kind: str
    mode: str
    doc_id: str
    start: int
    end: int
    phrase: str
    context: str  # ~60 characters either side, the span in [[ ]], newlines as spaces
    gold_lat: float | None = None
    gold_lon: float | None = None
    gold_id: str = ""
    gold_kind: str = ""  # the gold place's kind ("town", "sea"), where the corpus gives one
    pred_name: str | None = None
    pred_id: str | None = None
    pred_lat: float | None = None
    pred_lon: float | None = None
    distance_km: float | None = None
    message: str = ""  # the parser's error, for PARSE_ERROR records

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class EvalReport:
    """The figures of one corpus; a setting that was not run leaves its fields None."""

    n_docs: int = 0
    n_gold: int = 0  # all gold toponyms
    n_gold_with_point: int = 0  # those with coordinates: the denominator of the distance scores
    resolution: ResolutionScores | None = None
    spans: SpanScores | None = None
    e2e_acc161: float | None = None
    e2e_correct: int = 0  # golds found and placed within 161 km (or their own tolerance)
    resolution_correct: int = 0  # golds placed within 161 km (or their tolerance), spans given
    tolerances: bool = False  # the golds carry per-kind tolerances (the conflict set)
    repeats: int = 0  # predictions left unscored: later occurrences of an annotated name, placed right
    n_failed: int = 0  # parse results that carried an error (counted per call)
    seconds: float = 0.0  # time spent inside the parser
    errors: list[ErrorRecord] = field(default_factory=list)


def evaluate(
    docs: Sequence[GoldDocument],
    parse: Parser,
    *,
    mode: str = "both",
    reset: Callable[[], None] | None = None,
) -> EvalReport:
    """Run `parse` over `docs` in `mode` ("resolution", "e2e" or "both") and score it.

    `reset` is called before each setting, so that a parser that learns as it reads (geo's
    source locales) starts each setting afresh instead of re-reading documents it has seen.

    An exception from `parse` propagates (a crash is a bug to fix, not a score), with a note
    naming the document; a `ParseResult.error` is counted, recorded and scored as "found
    nothing" for what is missing.
    """
    if mode not in MODES:
        raise ValueError(f"unknown evaluation mode {mode!r}; expected one of {', '.join(MODES)}")
    golds = [t for d in docs for t in d.toponyms]
    report = EvalReport(
        n_docs=len(docs),
        n_gold=len(golds),
        n_gold_with_point=sum(t.has_point for t in golds),
        tolerances=any(t.tolerance_km is not None for t in golds),
    )
    for setting, run in (("resolution", _run_resolution), ("e2e", _run_e2e)):
        if mode in (setting, "both"):
            if reset is not None:
                reset()
            run(docs, parse, report)
    return report


# --------------------------------------------------------------------------- resolution


def _run_resolution(docs: Sequence[GoldDocument], parse: Parser, report: EvalReport) -> None:
    errors: list[float] = []
    for gold in docs:
        spans = tuple((t.start, t.end) for t in gold.toponyms)
        result = _call(parse, _document(gold, spans), report)
        places = _aligned_places(gold, spans, result, report, "resolution")
        for t, place in zip(gold.toponyms, places):
            if not t.has_point:
                continue
            km = _error_km(t, place)
            errors.append(km)
            report.resolution_correct += km <= tolerance(t)
            if km > tolerance(t):
                report.errors.append(_record(RESOLUTION_MISS, "resolution", gold, t.start, t.end, t, place, km))
    report.resolution = resolution_scores(errors)


def _aligned_places(
    gold: GoldDocument, spans: tuple[tuple[int, int], ...], result: ParseResult, report: EvalReport, mode: str
) -> list[Place | None]:
    """The place given to each gold span, in order (None: unresolved).

    The contract is one resolution per given mention, same order and span; breaking it is a
    pipeline bug, so it raises, unless the parser owned up with `ParseResult.error`, in which
    case whatever spans it did resolve are used and the rest count as unresolved.
    """
    got = [(r.mention.start, r.mention.end) for r in result.resolutions]
    if result.error is not None:
        _record_failure(gold, result, report, mode)
        by_span = {(r.mention.start, r.mention.end): r.place for r in result.resolutions}
        return [by_span.get(s) for s in spans]
    if got != list(spans):
        raise ValueError(
            f"document {gold.id}: the parser returned {len(got)} resolutions for {len(spans)} given "
            f"mentions, or changed their spans; expected exactly {list(spans)[:5]}..., got {got[:5]}..."
        )
    return [r.place for r in result.resolutions]


def tolerance(t: GoldToponym) -> float:
    """How far off an answer for `t` may be and still count: its own tolerance, else 161 km."""
    return ACC_KM if t.tolerance_km is None else t.tolerance_km


def _error_km(t: GoldToponym, place: Place | None) -> float:
    """Distance from the gold point to the predicted one; `UNRESOLVED_KM` for no answer."""
    if place is None:
        return UNRESOLVED_KM
    assert t.lat is not None and t.lon is not None
    return great_circle_km(t.lat, t.lon, place.lat, place.lon)


# --------------------------------------------------------------------------- end to end


def _run_e2e(docs: Sequence[GoldDocument], parse: Parser, report: EvalReport) -> None:
    tp = n_pred = correct = 0
    for gold in docs:
        result = _call(parse, _document(gold, None), report)
        if result.error is not None:
            _record_failure(gold, result, report, "e2e")
        doc_tp, doc_correct, repeats = _score_e2e_document(gold, result.resolutions, report)
        tp += doc_tp
        correct += doc_correct
        n_pred += len(result.resolutions) - repeats
        report.repeats += repeats
    report.spans = span_scores(tp, report.n_gold, n_pred)
    report.e2e_correct = correct
    report.e2e_acc161 = e2e_accuracy(correct, report.n_gold_with_point)


def _score_e2e_document(
    gold: GoldDocument, predicted: Sequence[Resolution], report: EvalReport
) -> tuple[int, int, int]:
    """(true positive spans, golds found and placed right, unscored repeats); records misses
    and false spans.

    A corpus that annotates only the first occurrence of each name (the conflict set: its
    golds carry tolerances) says nothing about later ones, so a prediction that repeats an
    annotated name word for word AND puts it where the gold puts that name is neither a true
    nor a false positive (an "unscored repeat"); a repeat placed elsewhere is a false positive.
    """
    pairs = match_spans(
        [(t.start, t.end) for t in gold.toponyms],
        [(r.mention.start, r.mention.end) for r in predicted],
    )
    correct = 0
    for i, t in enumerate(gold.toponyms):
        if i not in pairs:
            report.errors.append(_record(E2E_MISSED, "e2e", gold, t.start, t.end, t, None, None))
        elif t.has_point:
            km = _error_km(t, predicted[pairs[i]].place)
            if km <= tolerance(t):
                correct += 1
            elif t.tolerance_km is not None:
                # A found span placed too far: what the conflict set's --errors must show.
                report.errors.append(_record(E2E_WRONG, "e2e", gold, t.start, t.end, t,
                                             predicted[pairs[i]].place, km))
    paired = set(pairs.values())
    first_only = {t.phrase: t for t in gold.toponyms if t.tolerance_km is not None}
    repeats = 0
    for j, r in enumerate(predicted):
        if j not in paired:
            m = r.mention
            named = first_only.get(gold.text[m.start:m.end])
            if named is not None and named.has_point and _error_km(named, r.place) <= tolerance(named):
                repeats += 1
                continue
            report.errors.append(_record(E2E_FALSE, "e2e", gold, m.start, m.end, None, r.place, None))
    return len(pairs), correct, repeats


# --------------------------------------------------------------------------- shared


def _document(gold: GoldDocument, mentions: tuple[tuple[int, int], ...] | None) -> Document:
    return Document(id=gold.id, text=gold.text, title=gold.title, url=gold.url, mentions=mentions,
                    lang=gold.lang)


def _call(parse: Parser, doc: Document, report: EvalReport) -> ParseResult:
    """`parse(doc)`, timed; an exception gets a note naming the document, then propagates."""
    began = time.perf_counter()
    try:
        return parse(doc)
    except Exception as exc:
        exc.add_note(f"while evaluating document {doc.id!r}")
        raise
    finally:
        report.seconds += time.perf_counter() - began


def _record_failure(gold: GoldDocument, result: ParseResult, report: EvalReport, mode: str) -> None:
    report.n_failed += 1
    report.errors.append(
        ErrorRecord(PARSE_ERROR, mode, gold.id, 0, 0, "", "", message=str(result.error))
    )


def _record(
    kind: str,
    mode: str,
    gold: GoldDocument,
    start: int,
    end: int,
    t: GoldToponym | None,
    place: Place | None,
    km: float | None,
) -> ErrorRecord:
    return ErrorRecord(
        kind=kind,
        mode=mode,
        doc_id=gold.id,
        start=start,
        end=end,
        phrase=gold.text[start:end] if t is None else t.phrase,
        context=context(gold.text, start, end),
        gold_lat=t.lat if t else None,
        gold_lon=t.lon if t else None,
        gold_id=t.gold_id if t else "",
        gold_kind=t.kind if t else "",
        pred_name=place.name if place else None,
        pred_id=place.id if place else None,
        pred_lat=place.lat if place else None,
        pred_lon=place.lon if place else None,
        distance_km=None if km is None else round(km, 1),
    )


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """`width` characters either side of the span, the span in [[ ]], on one line."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    return " ".join(f"{left}[[{text[start:end]}]]{right}".split())


# --------------------------------------------------------------------------- output

_COLUMNS = (
    # header, getter, format
    ("corpus", None, ""),
    ("docs", lambda r: r.n_docs, "d"),
    ("gold", lambda r: r.n_gold, "d"),
    ("w/pt", lambda r: r.n_gold_with_point, "d"),
    ("Acc@161", lambda r: r.resolution and r.resolution.acc161, ".3f"),
    ("AUC", lambda r: r.resolution and r.resolution.auc, ".3f"),
    ("mean km", lambda r: r.resolution and r.resolution.mean_km, ".0f"),
    ("median km", lambda r: r.resolution and r.resolution.median_km, ".0f"),
    ("span P", lambda r: r.spans and r.spans.precision, ".3f"),
    ("span R", lambda r: r.spans and r.spans.recall, ".3f"),
    ("span F1", lambda r: r.spans and r.spans.f1, ".3f"),
    ("E2E Acc@161", lambda r: r.e2e_acc161, ".3f"),
)


def format_table(reports: Mapping[str, EvalReport]) -> str:
    """A plain-text table, one row per corpus; "-" for a figure that was not computed."""
    rows = [[header for header, _, _ in _COLUMNS]]
    for name, report in reports.items():
        row = [name]
        for _, get, fmt in _COLUMNS[1:]:
            value = get(report)
            row.append("-" if value is None else format(value, fmt))
        rows.append(row)
    widths = [max(len(row[k]) for row in rows) for k in range(len(_COLUMNS))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def format_summary(reports: Mapping[str, EvalReport]) -> str:
    """The headline figures of corpora judged by per-kind tolerances ("" when there is none).

    found: share of gold places whose span geo found (overlap); accurate: share of ALL gold
    places found and placed within their kind's tolerance; precision: share of geo's spans
    that overlap a gold span (later occurrences of an annotated name, placed right, are not
    scored: the corpus annotates first occurrences only; the "repeats" column counts them); resolution: share placed within tolerance when the gold spans
    are given (resolution mode).
    """
    rows = [("corpus", "gold", "found", "accurate", "precision", "repeats", "resolution")]
    for name, r in reports.items():
        if not r.tolerances:
            continue
        spans = r.spans
        rows.append((
            name,
            str(r.n_gold),
            _fmt(spans and spans.recall),
            _fmt(r.e2e_acc161),
            _fmt(spans and spans.precision),
            str(r.repeats),
            _fmt(r.resolution_correct / r.n_gold_with_point
                 if r.resolution is not None and r.n_gold_with_point else None),
        ))
    if len(rows) == 1:
        return ""
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = ["  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])])
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def write_errors(path: str | Path, records: Iterable[ErrorRecord]) -> int:
    """Write `records` as JSON Lines to `path` ("-": stdout); returns how many were written."""
    lines = [json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records]
    if str(path) == "-":
        sys.stdout.writelines(lines)
        return len(lines)
    with atomic_write(path) as out:
        out.writelines(lines)
    return len(lines)


__all__ = [
    "E2E_FALSE",
    "E2E_MISSED",
    "E2E_WRONG",
    "MODES",
    "PARSE_ERROR",
    "RESOLUTION_MISS",
    "ErrorRecord",
    "EvalReport",
    "Parser",
    "context",
    "evaluate",
    "format_summary",
    "format_table",
    "tolerance",
    "write_errors",
]
