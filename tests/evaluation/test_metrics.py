"""geo.evaluation.metrics on hand-computed cases."""
from __future__ import annotations

import math

import pytest
from geopy.distance import great_circle

from geo.distance import EARTH_RADIUS_KM, great_circle_km
from geo.evaluation.metrics import (
    UNRESOLVED_KM,
    accuracy_at,
    auc,
    e2e_accuracy,
    match_spans,
    overlaps,
    resolution_scores,
    span_scores,
)

# ---------------------------------------------------------------- distance


def test_one_degree_on_the_equator():
    assert great_circle_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360)
    assert great_circle_km(0, 0, 0, 1) == pytest.approx(111.195, abs=1e-3)


def test_zero_antipodes_and_symmetry():
    assert great_circle_km(48.85, 2.35, 48.85, 2.35) == 0
    assert great_circle_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert great_circle_km(90, 0, -90, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert great_circle_km(0, 0, 0, 180) < UNRESOLVED_KM  # a wrong answer never beats none
    assert great_circle_km(10, 20, -30, 40) == great_circle_km(-30, 40, 10, 20)


@pytest.mark.parametrize(
    ("a", "b"),
    [((51.5, -0.12), (40.71, -74.01)), ((-33.87, 151.21), (35.68, 139.69)), ((1, 179.5), (-1, -179.5))],
)
def test_agrees_with_geopy(a, b):
    expected = great_circle(a, b, radius=EARTH_RADIUS_KM).km
    assert great_circle_km(*a, *b) == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------- resolution


def test_acc161_is_inclusive():
    assert accuracy_at([0, 161, 162, 20039]) == 0.5
    assert accuracy_at([]) is None


def test_auc_hand_computed():
    top = math.exp(math.log(UNRESOLVED_KM)) - 1  # ln(1 + top) / ln(20039) == 1
    half = math.sqrt(UNRESOLVED_KM) - 1  # ... == 0.5
    # y = [0, 0, 1]: trapezoids 0 + 0.5, over n - 1 = 2
    assert auc([0, 0, top]) == pytest.approx(0.25)
    assert auc([top, 0, 0]) == pytest.approx(0.25)  # sorted first
    # y = [0, 0.5, 1]: 0.25 + 0.75 = 1, over 2
    assert auc([0, half, top]) == pytest.approx(0.5)
    assert auc([0, top]) == pytest.approx(0.5)
    assert auc([0, 0, 0]) == 0.0  # perfect
    assert auc([UNRESOLVED_KM] * 3) == pytest.approx(math.log(20040) / math.log(20039))


def test_auc_single_and_empty():
    assert auc([0]) == 0.0
    assert auc([half := math.sqrt(UNRESOLVED_KM) - 1]) == pytest.approx(0.5)
    assert half > 0
    assert auc([]) is None


def test_resolution_scores():
    s = resolution_scores([0, 161, 162, 20039])
    assert s.n == 4
    assert s.acc161 == 0.5
    assert s.mean_km == pytest.approx((0 + 161 + 162 + 20039) / 4)
    assert s.median_km == pytest.approx(161.5)
    assert s.auc == pytest.approx(auc([0, 161, 162, 20039]))


def test_resolution_scores_empty_and_invalid():
    s = resolution_scores([])
    assert (s.n, s.acc161, s.auc, s.mean_km, s.median_km) == (0, None, None, None, None)
    with pytest.raises(ValueError):
        resolution_scores([1.0, -1.0])
    with pytest.raises(ValueError):
        resolution_scores([float("nan")])


# ---------------------------------------------------------------- spans


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 5), (0, 5), True),
        ((0, 5), (4, 9), True),
        ((0, 10), (3, 4), True),
        ((0, 5), (5, 9), False),  # touching is not overlapping (half-open spans)
        ((6, 9), (0, 5), False),
    ],
)
def test_overlaps(a, b, expected):
    assert overlaps(a, b) is expected
    assert overlaps(b, a) is expected


def test_match_exact_partial_and_none():
    gold = [(0, 5), (10, 15), (20, 25)]
    pred = [(0, 5), (12, 18), (30, 35)]
    assert match_spans(gold, pred) == {0: 0, 1: 1}


def test_a_prediction_over_two_golds_pairs_with_one():
    gold = [(0, 5), (6, 12)]
    pred = [(2, 10)]
    assert match_spans(gold, pred) == {1: 0}  # the larger overlap (4 vs 3)
    assert match_spans(gold, [(0, 12)]) in ({0: 0}, {1: 0})
    assert len(match_spans(gold, [(0, 12)])) == 1


def test_two_predictions_on_one_gold_pair_once():
    assert match_spans([(0, 10)], [(0, 6), (6, 10)]) == {0: 0}  # the larger overlap
    assert match_spans([(0, 10)], [(0, 5), (5, 10)]) == {0: 0}  # a tie: the first


def test_matching_is_maximum_not_greedy():
    # Gold 0 prefers pred 0 (larger overlap), but pred 0 is gold 1's only option: a greedy
    # pass would pair 1 of 2; the maximum matching pairs both.
    gold = [(0, 5), (6, 10)]
    pred = [(0, 10), (0, 3)]
    assert match_spans(gold, pred) == {0: 1, 1: 0}


def test_match_empty():
    assert match_spans([], []) == {}
    assert match_spans([(0, 1)], []) == {}
    assert match_spans([], [(0, 1)]) == {}


def test_span_scores():
    s = span_scores(true_positives=2, n_gold=4, n_pred=3)
    assert (s.precision, s.recall) == pytest.approx((2 / 3, 0.5))
    assert s.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_span_scores_edges():
    nothing_found = span_scores(0, 5, 0)
    assert (nothing_found.precision, nothing_found.recall, nothing_found.f1) == (None, 0.0, 0.0)
    no_gold = span_scores(0, 0, 3)
    assert (no_gold.precision, no_gold.recall, no_gold.f1) == (0.0, None, 0.0)
    empty = span_scores(0, 0, 0)
    assert (empty.precision, empty.recall, empty.f1) == (None, None, None)
    with pytest.raises(ValueError):
        span_scores(3, 2, 5)


def test_e2e_accuracy():
    assert e2e_accuracy(3, 4) == 0.75
    assert e2e_accuracy(0, 0) is None
