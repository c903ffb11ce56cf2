"""The scores of /work/shared/docs/evaluation.md, as pure functions (no model, no files).

Kept apart from the runner (`geo.evaluation.evaluate`) so that each formula can be checked by hand on
three numbers, and so that nothing here can depend on how the pipeline works.

Undefined figures (a mean of nothing, a precision with no predictions) are ``None`` rather
than 0 or NaN: a table then shows "-" instead of a number that looks like a result.
"""
from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

UNRESOLVED_KM = 20039.0
"""The error charged for a toponym left unresolved: half the equator, as in the literature."""

ACC_KM = 161.0
"""Acc@161: an answer within 100 miles counts as right."""

Span = tuple[int, int]


# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True, slots=True)
class ResolutionScores:
    """Scores over a list of error distances (one per gold toponym with coordinates)."""

    n: int
    acc161: float | None  # share of errors <= 161 km; higher is better
    auc: float | None  # normalised area under the sorted log-error curve; lower is better
    mean_km: float | None
    median_km: float | None


def accuracy_at(errors: Sequence[float], km: float = ACC_KM) -> float | None:
    """Share of errors <= `km` (inclusive, as "within 161 km"); None for no errors."""
    return sum(e <= km for e in errors) / len(errors) if errors else None


def auc(errors: Sequence[float]) -> float | None:
    """Area under the curve of sorted ln(1 + error) / ln(20039), trapezoid rule, over (n - 1).

    This is Gritta et al.'s (2018) AUC: 0 when every error is 0, about 1 when every toponym is
    unresolved. With unit spacing between the n points the x-range is n - 1, hence the
    division. For a single error the "curve" is one point, so its height is returned (the
    limit of a flat curve), which keeps 0 perfect and 1 worst.
    """
    if not errors:
        return None
    scale = math.log(UNRESOLVED_KM)
    ys = [math.log1p(e) / scale for e in sorted(errors)]
    if len(ys) == 1:
        return ys[0]
    area = sum((a + b) / 2 for a, b in zip(ys, ys[1:]))
    return area / (len(ys) - 1)


def resolution_scores(errors: Sequence[float]) -> ResolutionScores:
    """Acc@161, AUC, mean and median of error distances in km."""
    if any(e < 0 or math.isnan(e) for e in errors):
        raise ValueError("error distances must be non-negative numbers")
    return ResolutionScores(
        n=len(errors),
        acc161=accuracy_at(errors),
        auc=auc(errors),
        mean_km=statistics.fmean(errors) if errors else None,
        median_km=statistics.median(errors) if errors else None,
    )


# --------------------------------------------------------------------------- spans


def overlaps(a: Span, b: Span) -> bool:
    """Whether two half-open spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def match_spans(gold: Sequence[Span], pred: Sequence[Span]) -> dict[int, int]:
    """A maximum one-to-one pairing of overlapping spans: {gold index: pred index}.

    A maximum bipartite matching (augmenting paths, Kuhn's algorithm), not a greedy one: a
    greedy pass can pair a long prediction with the first of two golds it covers while the
    only prediction that could take that first gold goes unpaired, costing a true positive
    the system earned. Which maximum pairing is returned matters for E2E Acc@161 (the paired
    prediction's point is scored), so it is made to prefer natural partners: golds are
    visited in order of their largest overlap (then text order) and each tries the
    predictions it overlaps most first. Deterministic; documents hold tens of spans, so the
    O(V*E) cost is nil.
    """
    options = [
        sorted(
            (j for j, p in enumerate(pred) if overlaps(g, p)),
            key=lambda j: (-_overlap(g, pred[j]), j),
        )
        for g in gold
    ]
    owner: dict[int, int] = {}  # pred index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    best = [_overlap(g, pred[o[0]]) if o else 0 for g, o in zip(gold, options)]
    for i in sorted(range(len(gold)), key=lambda i: (-best[i], i)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


@dataclass(frozen=True, slots=True)
class SpanScores:
    """Span recognition counts and scores (micro-averaged when counts are summed over documents)."""

    n_gold: int
    n_pred: int
    true_positives: int
    precision: float | None  # None when nothing was predicted
    recall: float | None  # None when there is no gold
    f1: float | None  # 2TP / (gold + pred): 0 when nothing matched, None when both are empty


def span_scores(true_positives: int, n_gold: int, n_pred: int) -> SpanScores:
    """Precision, recall and F1 from counts.

    F1 is written as 2TP / (n_gold + n_pred), which equals the harmonic mean of P and R
    whenever both are defined and still gives 0 (not "undefined") to a system that found
    nothing in a text that has places.
    """
    if not 0 <= true_positives <= min(n_gold, n_pred):
        raise ValueError(f"impossible counts: tp={true_positives}, gold={n_gold}, pred={n_pred}")
    total = n_gold + n_pred
    return SpanScores(
        n_gold=n_gold,
        n_pred=n_pred,
        true_positives=true_positives,
        precision=true_positives / n_pred if n_pred else None,
        recall=true_positives / n_gold if n_gold else None,
        f1=2 * true_positives / total if total else None,
    )


def e2e_accuracy(n_correct: int, n_gold_with_point: int) -> float | None:
    """E2E Acc@161: golds both found and placed within 161 km, over ALL golds with a point."""
    return n_correct / n_gold_with_point if n_gold_with_point else None


__all__ = [
    "ACC_KM",
    "UNRESOLVED_KM",
    "ResolutionScores",
    "SpanScores",
    "accuracy_at",
    "auc",
    "e2e_accuracy",
    "match_spans",
    "overlaps",
    "resolution_scores",
    "span_scores",
]
