from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = SHARED / "examples" / "000_5e5f6934d1b2f3ea.txt"


@pytest.fixture(scope="session")
def mini_gazetteer(tmp_path_factory):
    """A hand-made gazetteer of a dozen places: resolver tests need no model and no big index."""
    import os

    from geo.gazetteer.index import Gazetteer

    os.environ.setdefault("GEO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return Gazetteer.load(base=DATA / "mini_gazetteer.csv", use_env=False)


@pytest.fixture(scope="session")
def geoparser():
    """The real pipeline: shipped gazetteer and the spaCy model (loaded once per session)."""
    from geo.pipeline import Geoparser

    return Geoparser()
