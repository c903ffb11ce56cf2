"""Where a map opens: the smallest view that holds most of the mention weight (the story), and
the view that holds every place (a control zooms out to it).

Both the Leaflet map and the static map use it, so they frame the same story.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STORY_SHARE = 0.6  # the opening view holds at least this share of the mentions
MAX_ANCHORS = 64  # the heaviest places tried as the story's centre
MAX_AREA_SPAN = 25.0  # degrees: an area wider than this adds its point, not its outline, to a view

Bounds = tuple[float, float, float, float]  # south, west, north, east


@dataclass(frozen=True)
class Spot:
    """A place as the view sees it: its point, its weight (mentions) and, for an area, its bounds."""

    lat: float
    lon: float
    weight: float
    bounds: Bounds | None = None


def _box(spots: list[Spot]) -> Bounds:
    south, west, north, east = 90.0, 180.0, -90.0, -180.0
    for s in spots:
        b = s.bounds
        if b is None or b[2] - b[0] > MAX_AREA_SPAN or b[3] - b[1] > MAX_AREA_SPAN:
            b = (s.lat, s.lon, s.lat, s.lon)
        south, west, north, east = min(south, b[0]), min(west, b[1]), max(north, b[2]), max(east, b[3])
    return south, west, north, east


def all_bounds(spots: list[Spot]) -> Bounds | None:
    """The box around every place (areas by their outline unless they span half a continent)."""
    return _box(spots) if spots else None


def story_bounds(spots: list[Spot], share: float = STORY_SHARE) -> Bounds | None:
    """The box around the tightest group of places that carries `share` of the weight.

    Each of the heaviest places is tried as a centre: the places nearest to it are taken, nearest
    first, until they carry `share` of the weight; the centre needing the smallest radius wins
    (ties: the heavier centre). Areas framing those places are shown whole (`_frames`). For
    the worked example that is Syria with Lebanon, Jordan and the Syrian towns, not Russia's
    point in Siberia.
    """
    if not spots:
        return None
    lat = np.radians([s.lat for s in spots])
    lon = np.radians([s.lon for s in spots])
    weight = np.array([max(s.weight, 0.0) for s in spots])
    total = weight.sum()
    if total <= 0:
        return _box(spots)
    anchors = np.argsort(-weight, kind="stable")[:MAX_ANCHORS]
    # haversine distances, anchors x places
    dlat = lat[None, :] - lat[anchors, None]
    dlon = lon[None, :] - lon[anchors, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[anchors, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    dist = 2 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    order = np.argsort(dist, axis=1, kind="stable")
    cum = np.cumsum(weight[order], axis=1)
    need = share * total - 1e-9
    k = np.argmax(cum >= need, axis=1)  # how many nearest places each anchor needs (index)
    radius = dist[np.arange(len(anchors)), order[np.arange(len(anchors)), k]]
    best = int(np.argmin(radius))  # argmin keeps the first (heaviest) of equal radii
    picked = order[best, : k[best] + 1]
    chosen = [spots[i] for i in picked]
    return _box(chosen + _frames(picked, spots, lat, lon, weight))


def _frames(picked, spots: list[Spot], lat, lon, weight) -> list[Spot]:
    """Areas that frame the story: mentioned areas (not too wide) whose box holds at least half
    the chosen weight, e.g. Syria around Damascus, Deraa and Tartous. The view shows them whole."""
    taken = set(picked.tolist())
    plat, plon, pw = np.degrees(lat[picked]), np.degrees(lon[picked]), weight[picked]
    half = pw.sum() / 2
    frames = []
    for i, area in enumerate(spots):
        b = area.bounds
        if b is None or i in taken or b[2] - b[0] > MAX_AREA_SPAN or b[3] - b[1] > MAX_AREA_SPAN:
            continue
        inside = pw[(plat >= b[0]) & (plat <= b[2]) & (plon >= b[1]) & (plon <= b[3])].sum()
        if inside > 0 and inside >= half:
            frames.append(area)
    return frames
