"""A long or wide place's marker goes where the story is: the stretch of the river, the
shore of the sea or lake, that lies nearest the story's other places.

A river, sea, strait or lake is one gazetteer entry with one reference point, and that point
can lie a thousand kilometres from the story ("the Euphrates" near Deir ez-Zor, "the Black
Sea" off Odesa). When the entry has a shape (`geo.gazetteer.shapes`: a polygon, or a line
for a river), the point of the shape nearest the story's other resolved places stands for
it instead: on the shape, so still the same place, and near the story. Areas whose
reference point is what is meant (countries, first-level regions, islands) keep it.

Distances are planar in degrees of longitude and latitude (shapely's `nearest_points`):
for choosing a stretch near the story that is close enough, and it keeps this cheap.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from geo.types import Place, Resolution

# Places too big to say where a story is: never a point for a stretch to be near.
_NOT_A_PLACE_OF_THE_STORY = frozenset({"CONT", "OCN"})

# Feature codes whose marker follows the story: rivers and other water courses, seas, gulfs,
# bays, straits, lakes and reservoirs, and mountain ranges (long, and named as a whole).
STRETCH_CODES = frozenset({
    "STM", "STMS", "STMI", "STMX", "CNL", "WAD", "SEA", "GULF", "BAY", "BAYS", "STRT", "SD",
    "CHN", "LK", "LKS", "LKI", "LKN", "LGN", "RSV", "INLT", "FJD", "MTS",
})

Shape = Callable[[str], object]  # gazetteer id -> shapely geometry or None


def _default_shape(place_id: str):
    from geo.gazetteer import shapes

    return shapes.shape(place_id)


def stretch_point(place: Place, others: Iterable[tuple[float, float]],
                  shape: Shape = _default_shape) -> tuple[float, float] | None:
    """(lat, lon) of the point of `place`'s shape nearest the story's other places
    (`others`, as (lat, lon)); None when the place has no shape, is not of a kind whose
    marker follows the story, or the story has no other place.

    A point of the story that lies inside the shape (a town on a lake's island, a ship in a
    strait) is its own nearest point: the answer is always on or inside the shape.
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
    """Every resolved river, sea, strait, lake or range moved to its stretch nearest the
    story's other resolved places (all but continents, oceans and other such stretches).
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
