"""A river's, sea's or lake's marker goes to its stretch nearest the story (geo.resolve.stretch)."""
from shapely.geometry import LineString, Point

from geo.distance import great_circle_km
from geo.gazetteer import shapes
from geo.resolve.stretch import at_stretch, follow_story, stretch_point
from geo.types import Mention, Place, Resolution

# A river as a line (lon, lat): west to east along 35 N, then north along 40 E.
RIVER = LineString([(30.0, 35.0), (40.0, 35.0), (40.0, 45.0)])
river = Place(id="test:river", name="River", lat=35.0, lon=30.0, feature_class="H", feature_code="STM")


def line(place_id):
    return RIVER if place_id == "test:river" else None


def test_a_river_goes_to_the_stretch_nearest_the_story():
    # a town north of the river's middle: the marker drops onto the river below it
    assert stretch_point(river, [(36.0, 35.5)], line) == (35.0, 35.5)
    # a town east of the northern arm: the marker is on that arm, not at the far west end
    assert stretch_point(river, [(43.0, 41.0)], line) == (43.0, 40.0)


def test_the_nearest_of_the_story_places_decides():
    # one place near the river's bend, one far away: the near one places the marker
    lat, lon = stretch_point(river, [(35.2, 39.8), (60.0, 100.0)], line)
    assert great_circle_km(lat, lon, 35.2, 39.8) < 30


def test_places_without_a_shape_or_of_other_kinds_keep_their_point():
    town = Place(id="test:river", name="Town", lat=35.0, lon=30.0, feature_class="P", feature_code="PPL")
    assert stretch_point(town, [(36.0, 35.5)], line) is None  # a town is no stretch, shape or not
    no_shape = Place(id="test:other", name="Brook", lat=1.0, lon=1.0, feature_code="STM")
    assert at_stretch(no_shape, [(36.0, 35.5)], line) is no_shape
    assert stretch_point(river, [], line) is None  # nothing to be near


def test_a_sea_keeps_its_point_inside_it():
    """Annotators and readers place a sea at its middle: the shipped polygon of the Black
    Sea has a shape, yet a story in Odesa does not move it to the coast."""
    sea = Place(id="cur:black-sea", name="Black Sea", lat=43.0, lon=35.0, feature_class="H", feature_code="SEA")
    assert shapes.shape(sea.id) is not None
    assert at_stretch(sea, [(46.48, 30.73)]) is sea


def test_a_river_with_its_shape_from_the_shapes_file_follows_the_story():
    """The default shape source is the shipped shapes file (`geo.gazetteer.shapes`): a
    polygon there (here the Black Sea's, standing in for a river's line, which the file
    does not hold yet) is what the marker is moved onto."""
    as_river = Place(id="cur:black-sea", name="Dnieper", lat=43.0, lon=35.0, feature_class="H", feature_code="STM")
    odesa = (46.48, 30.73)
    moved = at_stretch(as_river, [odesa])
    assert great_circle_km(as_river.lat, as_river.lon, *odesa) > 500
    assert great_circle_km(moved.lat, moved.lon, *odesa) < 30
    assert shapes.shape("cur:black-sea").buffer(0.01).contains(Point(moved.lon, moved.lat))
    assert (moved.id, moved.name, moved.feature_code) == (as_river.id, as_river.name, "STM")


def test_follow_story_moves_every_mention_of_the_river_and_nothing_else():
    town = Place(id="test:town", name="Town", lat=43.0, lon=41.0, feature_class="P", feature_code="PPL")
    resolutions = [
        Resolution(Mention(0, 5, "River"), river, 5.0),
        Resolution(Mention(10, 14, "Town"), town, 4.0),
        Resolution(Mention(20, 25, "River"), river, 5.0),
        Resolution(Mention(30, 35, "Nowhere"), None),
    ]
    out = follow_story(resolutions, line)
    assert [r.place.point if r.place else None for r in out] == [(43.0, 40.0), town.point, (43.0, 40.0), None]
    assert out[0].place.id == "test:river" and out[0].score == 5.0
    # a story with the river alone: nothing to be near, nothing moves
    assert follow_story(resolutions[:1], line) == resolutions[:1]
