"""A river's marker goes where the story is: the stretch of the river nearest the story's
other places, not a reference point a thousand kilometres away.

A river is one gazetteer entry with one reference point, and that point can lie far from the
story ("the Euphrates" near Deir ez-Zor, "the Dnieper" at Kherson). When the entry has a line
(`geo.gazetteer.shapes`), the point of the line nearest the story's other resolved places
stands for it instead: on the river, so still the same place, and near the story.

Areas keep their reference point, a point inside them: measured on the dev corpora
(`geo eval`), moving seas and gulfs to the shore nearest the story put the Red Sea of an
Ethiopian story 1,100 km from where annotators (and readers) place it, and the Mediterranean
of a story about its countries on the French coast; so only rivers, canals and wadis follow
the story.

Distances are planar in degrees of longitude and latitude (shapely's `nearest_points`):
for choosing a stretch near the story that is close enough, and it keeps this cheap.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from geo.types import Place, Resolution

# Places too big to say where a story is: never a point for a stretch to be near.
_NOT_A_PLACE_OF_THE_STORY = frozenset({"CONT", "OCN"})

# Feature codes whose marker follows the story: rivers and other water courses.
STRETCH_CODES = frozenset({"STM", "STMS", "STMI", "STMX", "CNL", "WAD"})

Shape = Callable[[str], object]  # gazetteer id -> shapely geometry or None


def _default_shape(place_id: str):
    from geo.gazetteer.shapes import shape

    return shape(place_id)


def stretch_point(place: Place, others: Iterable[tuple[float, float]],
                  shape: Shape = _default_shape) -> tuple[float, float] | None:
    """(lat, lon) of the point of `place`'s shape nearest the story's other places
    (`others`, as (lat, lon)); None when the place has no shape, is not of a kind whose
    marker follows the story, or the story has no other place.

    The answer is always on the shape (inside it, for a shape with an area).
    """
    if place.feature_code not in STRETCH_CODES:
        return None
    points = [(lon, lat) for lat, lon in others]
    if not points:
        return None
    geometry = shape(place.id)
    if geometry is None or geometry.is_empty:
        return None
    from shapely.geometry import MultiPoint
    from shapely.ops import nearest_points

    on_shape, _ = nearest_points(geometry, MultiPoint(points))
    return round(on_shape.y, 5), round(on_shape.x, 5)


def at_stretch(place: Place, others: Iterable[tuple[float, float]],
               shape: Shape = _default_shape) -> Place:
    """`place` with its point moved to `stretch_point` (the same place otherwise); the
    place itself when there is nothing to move to."""
    point = stretch_point(place, others, shape)
    if point is None:
        return place
    return replace(place, lat=point[0], lon=point[1])


def follow_story(resolutions: list[Resolution], shape: Shape = _default_shape) -> list[Resolution]:
    """Every resolved river moved to its stretch nearest the story's other resolved places
    (all but continents, oceans and other rivers).
    One line at the end of resolving: ``return follow_story(resolutions)``."""
    others = [r.place.point for r in resolutions if r.place is not None
              and r.place.feature_code not in STRETCH_CODES | _NOT_A_PLACE_OF_THE_STORY]
    if not others:
        return resolutions
    moved: dict[str, Place] = {}
    out = []
    for r in resolutions:
        if r.place is not None and r.place.feature_code in STRETCH_CODES:
            if r.place.id not in moved:
                moved[r.place.id] = at_stretch(r.place, others, shape)
            r = replace(r, place=moved[r.place.id])
        out.append(r)
    return out


__all__ = ["STRETCH_CODES", "at_stretch", "follow_story", "stretch_point"]
