"""The online fallback, against a fake Nominatim on 127.0.0.1: no test touches the internet."""
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.errors import GeocoderError
from geo.gazetteer.geocoders import Fallback, Geocoder, parse_options
from geo.resolve.resolver import Resolver
from geo.types import Mention

ANSWERS = {
    "Qardaha": [{
        "place_id": 1, "osm_type": "relation", "osm_id": 1234, "lat": "35.4478", "lon": "36.0597",
        "display_name": "Qardaha, Latakia Governorate, Syria", "name": "Qardaha",
        "class": "place", "type": "town", "addresstype": "town", "importance": 0.45,
        "address": {"town": "Qardaha", "country": "Syria", "country_code": "sy"},
        "extratags": {"population": "28000"},
    }],
}


class FakeNominatim(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.server.requests.append(query)
        body = json.dumps(ANSWERS.get(query.get("q", [""])[0], []) if url.path == "/search" else {})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def geocoder(port, tmp_path, **kw):
    options = {"domain": f"127.0.0.1:{port}", "scheme": "http"}
    kw.setdefault("min_delay_seconds", 0.0)
    return Geocoder("nominatim", options, cache=tmp_path / "cache.sqlite", timeout=5, **kw)


def test_hit_becomes_a_candidate(server, tmp_path):
    (c,) = geocoder(server.server_port, tmp_path).candidates("Qardaha")
    p = c.place
    assert p.id == "geopy:nominatim:relation/1234"
    assert (p.name, p.lat, p.lon, p.country_code) == ("Qardaha", 35.4478, 36.0597, "SY")
    assert (p.feature_class, p.feature_code, p.population) == ("P", "PPL", 28000)
    assert c.alias == "Qardaha" and p.source == "geopy:nominatim"
    (request,) = server.requests
    assert request["format"] == ["json"] and request["q"] == ["Qardaha"]


def test_answers_are_cached_on_disk(server, tmp_path):
    first = geocoder(server.server_port, tmp_path)
    assert first.candidates("Qardaha") and first.candidates("Nowhereville") == []
    again = geocoder(server.server_port, tmp_path)  # a new process, the same cache file
    assert again.candidates("QARDAHA")[0].place.name == "Qardaha"  # same key, normalised
    assert again.candidates("Nowhereville") == []  # "no such place" is cached too
    assert len(server.requests) == 2


def test_requests_are_rate_limited(server, tmp_path):
    from geopy.extra.rate_limiter import RateLimiter

    assert Geocoder("nominatim").geocode.min_delay_seconds == 1.0  # the default, Nominatim's policy
    g = geocoder(server.server_port, tmp_path, min_delay_seconds=0.3)
    assert isinstance(g.geocode, RateLimiter)
    started = time.monotonic()
    g.candidates("a1")
    g.candidates("a2")
    g.candidates("a3")
    assert time.monotonic() - started >= 0.6


def test_offline_is_one_clear_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nobody listens there
    with pytest.raises(GeocoderError) as err:
        geocoder(port, tmp_path).candidates("Qardaha")
    message = str(err.value)
    assert "nominatim" in message and "unreachable" in message and "Qardaha" in message
    assert "\n" not in message
    # nothing was cached, so the next run asks again
    assert geocoder(port, tmp_path)._cached("qardaha") is None


def test_unknown_service_and_bad_options():
    with pytest.raises(GeocoderError, match="unknown geocoder 'nosuch'.*nominatim"):
        Geocoder("nosuch")
    with pytest.raises(GeocoderError, match="KEY=VALUE"):
        parse_options(["domain"])
    assert parse_options(["api_key=0123", "domain=a:1"]) == {"api_key": "0123", "domain": "a:1"}


class Counting:
    def __init__(self):
        self.asked = []

    def candidates(self, name):
        self.asked.append(name)
        return []


def test_fallback_asks_only_for_names_the_gazetteer_lacks(mini_gazetteer):
    online = Counting()
    both = Fallback(mini_gazetteer, online)
    assert both.candidates("Tartous")[0].place.id == "t:tartus"
    assert both.candidates("Qardaha") == []
    assert online.asked == ["Qardaha"]
    assert both.get("t:tartus").name == "Tartus"  # the rest is the gazetteer's


def test_no_network_unless_asked(monkeypatch, mini_gazetteer, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    Geocoder("nominatim", cache=tmp_path / "c.sqlite")  # building one connects to nothing
    resolutions = Resolver(mini_gazetteer).resolve("Qardaha.", [Mention(0, 7, "Qardaha")])
    assert resolutions[0].place is None


def test_resolver_uses_the_fallback(server, tmp_path, mini_gazetteer):
    resolver = Resolver(Fallback(mini_gazetteer, geocoder(server.server_port, tmp_path)))
    text = "Shelling near Qardaha, and in Tartous."
    mentions = [Mention(14, 21, "Qardaha"), Mention(30, 37, "Tartous")]
    qardaha, tartous = resolver.resolve(text, mentions)
    assert qardaha.place is not None and qardaha.place.id == "geopy:nominatim:relation/1234"
    assert tartous.place.id == "t:tartus"
    assert [q["q"] for q in server.requests] == [["Qardaha"]]


def test_pickles_for_workers(server, tmp_path, mini_gazetteer):
    import pickle

    both = pickle.loads(pickle.dumps(Fallback(mini_gazetteer, geocoder(server.server_port, tmp_path))))
    assert both.candidates("Qardaha")[0].place.name == "Qardaha"


@pytest.fixture
def sample_index(tmp_path, monkeypatch):
    from conftest import DATA

    from geo.gazetteer.geonames import import_geonames

    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GEO_GAZETTEER", raising=False)
    out = tmp_path / "sample.sqlite"
    import_geonames(DATA / "geonames_sample.txt", out, gazetteers=(), progress=False)
    return out


def test_cli_resolve_with_geocoder(server, sample_index, capsys):
    from geo.cli import main

    base = ["resolve", "Qardaha", "--gazetteer-index", str(sample_index)]
    assert main(base) == 1 and not server.requests  # offline unless asked
    online = base + ["--geocoder", "nominatim", "--geocoder-delay", "0",
                     "--geocoder-option", f"domain=127.0.0.1:{server.server_port}",
                     "--geocoder-option", "scheme=http"]
    capsys.readouterr()
    assert main(online) == 0
    assert '"gazetteer_id": "geopy:nominatim:relation/1234"' in capsys.readouterr().out
    assert main(online) == 0 and len(server.requests) == 1  # the second run reads the cache


def test_cli_offline_geocoder(sample_index, capsys):
    from geo.cli import main

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["resolve", "Qardaha", "--gazetteer-index", str(sample_index), "--geocoder",
                 "nominatim", "--geocoder-option", f"domain=127.0.0.1:{port}",
                 "--geocoder-option", "scheme=http"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"geo: error: geocoder nominatim at http://127.0.0.1:{port}/search is unreachable")
