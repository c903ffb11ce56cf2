"""Opt-in online fallback: ask a geopy geocoder (Nominatim, ...) about names the gazetteer lacks.

geo is offline by design, so nothing here runs unless the user asks (`--geocoder nominatim`).
A `Geocoder` has the gazetteer's lookup shape, `candidates(name) -> list[Candidate]`, and
`Fallback(gazetteer, geocoder)` tries the gazetteer first and the geocoder only when the
gazetteer has no entry at all; the resolver, which only ever calls `.candidates(name)`, takes
a `Fallback` in place of the gazetteer and ranks online places like any other.

Public geocoders are shared and slow: requests go through geopy's `RateLimiter` (Nominatim's
usage policy asks for at most one request a second), time out, and every answer, an empty
one included, is cached on disk so that a name is asked once per machine, not once per run.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from geo.errors import GeocoderError
from geo.gazetteer.index import cache_dir
from geo.gazetteer.normalize import normalize
from geo.types import Candidate, Place

USER_AGENT = "geo-news-geoparser/0.1 (+https://pypi.org/project/geopy/)"
DEFAULT_TIMEOUT = 10.0
DEFAULT_LIMIT = 5

# Nominatim's place types (`addresstype`, else `type`) as the GeoNames feature codes the
# resolver's priors know, and the GeoNames class of each code.
_NOMINATIM_CODES = {
    "country": "PCLI", "state": "ADM1", "province": "ADM1", "region": "RGN",
    "state_district": "ADM2", "county": "ADM2", "district": "ADM2",
    "city": "PPL", "town": "PPL", "village": "PPL", "hamlet": "PPL", "municipality": "PPL",
    "suburb": "PPLX", "quarter": "PPLX", "neighbourhood": "PPLX",
    "continent": "CONT", "ocean": "OCN", "sea": "SEA", "bay": "BAY", "strait": "STRT",
    "river": "STM", "island": "ISL", "archipelago": "ISLS", "peak": "MT",
    "mountain_range": "MTS", "desert": "DSRT", "aerodrome": "AIRP", "military": "MILB",
}
_CLASS = {
    "PCLI": "A", "ADM1": "A", "ADM2": "A", "RGN": "L", "CONT": "L", "OCN": "H", "SEA": "H",
    "BAY": "H", "STRT": "H", "STM": "H", "ISL": "T", "ISLS": "T", "MT": "T", "MTS": "T",
    "DSRT": "T", "AIRP": "S", "MILB": "S",
}


class Geocoder:
    """A geopy geocoder behind the gazetteer's interface, rate-limited, with a disk cache.

    `options` go to the geopy class (api_key, domain, scheme, ...). Building one opens no
    connection; only `candidates()` of a name not in the cache does.
    """

    def __init__(
        self,
        service: str = "nominatim",
        options: Mapping[str, Any] | None = None,
        *,
        min_delay_seconds: float = 1.0,
        timeout: float = DEFAULT_TIMEOUT,
        limit: int = DEFAULT_LIMIT,
        cache: str | Path | None = None,
    ):
        from geopy.exc import ConfigurationError, GeocoderNotFound
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import get_geocoder_for_service

        self._args = (service, dict(options or {}), min_delay_seconds, timeout, limit, cache)
        self.service = service.lower()
        self.options = dict(options or {})
        self.limit = limit
        try:
            cls = get_geocoder_for_service(self.service)
        except GeocoderNotFound:
            raise GeocoderError(f"unknown geocoder {service!r}; geopy knows: "
                                f"{', '.join(sorted(_services()))}") from None
        try:
            self.geopy = cls(**{"user_agent": USER_AGENT, "timeout": timeout, **self.options})
        except (TypeError, ConfigurationError) as exc:
            raise GeocoderError(f"geocoder {self.service}: {exc} (pass options with "
                                f"--geocoder-option KEY=VALUE)") from None
        # max_retries=0: a geocoder that fails once is reported at once, not after minutes
        # of back-off; swallow_exceptions=False: a failure is an error, never "no such place".
        self.geocode = RateLimiter(self.geopy.geocode, min_delay_seconds=min_delay_seconds,
                                   max_retries=0, swallow_exceptions=False)
        self.params: dict[str, Any] = {"exactly_one": False}
        if self.service == "nominatim":
            self.params.update(limit=limit, addressdetails=True, extratags=True, language="en")
        self.cache_path = Path(cache) if cache else cache_dir() / f"geocoder-{self.service}-{self._options_key()}.sqlite"
        self._db: sqlite3.Connection | None = None

    def __getstate__(self) -> tuple:
        return self._args  # workers rebuild the client and reopen the shared cache

    def __setstate__(self, args: tuple) -> None:
        service, options, delay, timeout, limit, cache = args
        self.__init__(service, options, min_delay_seconds=delay, timeout=timeout, limit=limit, cache=cache)

    @property
    def endpoint(self) -> str:
        return getattr(self.geopy, "api", "") or getattr(self.geopy, "domain", "") or self.service

    def candidates(self, name: str) -> list[Candidate]:
        """Places the geocoder gives for `name`, its best first (cached; may go online)."""
        key = normalize(name)
        if not key:
            return []
        results = self._cached(key)
        if results is None:
            results = self._ask(name)
            self._store(key, results)
        return [self._candidate(name, r) for r in results]

    # -- the service ---------------------------------------------------------------------

    def _ask(self, name: str) -> list[dict[str, Any]]:
        from geopy.exc import GeocoderServiceError, GeocoderUnavailable, GeopyError

        try:
            found = self.geocode(name, **self.params) or []
        except (GeocoderUnavailable, GeocoderServiceError) as exc:
            unreachable = isinstance(exc, GeocoderUnavailable) or "timed out" in str(exc).lower()
            what = "is unreachable (offline?)" if unreachable else "failed"
            raise GeocoderError(f"geocoder {self.service} at {self.endpoint} {what} on "
                                f"{name!r}: {_one_line(exc)}") from None
        except GeopyError as exc:
            raise GeocoderError(f"geocoder {self.service} refused {name!r}: {_one_line(exc)}") from None
        if not isinstance(found, list):
            found = [found]
        return [{"lat": loc.latitude, "lon": loc.longitude, "address": loc.address,
                 "raw": loc.raw if isinstance(loc.raw, dict) else {}}
                for loc in found[: self.limit]]

    def _candidate(self, name: str, result: dict[str, Any]) -> Candidate:
        raw = result["raw"]
        address = result.get("address") or ""
        code = _nominatim_code(raw) if self.service == "nominatim" else ""
        if raw.get("osm_type") and raw.get("osm_id"):
            ref = f"{raw['osm_type']}/{raw['osm_id']}"
        else:
            ref = f"{result['lat']:.5f},{result['lon']:.5f}"
        place = Place(
            id=f"geopy:{self.service}:{ref}",
            name=str(raw.get("name") or address.split(",")[0].strip() or name),
            lat=float(result["lat"]),
            lon=float(result["lon"]),
            feature_class=_CLASS.get(code, "P" if code.startswith("PPL") else ""),
            feature_code=code,
            country_code=str((raw.get("address") or {}).get("country_code", "")).upper(),
            population=_population(raw),
            source=f"geopy:{self.service}",
        )
        return Candidate(place, name)

    # -- the cache -----------------------------------------------------------------------

    def _options_key(self) -> str:
        """Answers depend on the server (domain, key): one cache file per configuration."""
        text = json.dumps(self.options, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.cache_path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.cache_path, timeout=30, check_same_thread=False)
                db.execute("CREATE TABLE IF NOT EXISTS answers"
                           " (key TEXT PRIMARY KEY, results TEXT, fetched TEXT)")
            except (OSError, sqlite3.Error) as exc:
                raise GeocoderError(f"{self.cache_path}: cannot open the geocoder cache: {exc}") from None
            self._db = db
        return self._db

    def _cached(self, key: str) -> list[dict[str, Any]] | None:
        row = self._connect().execute("SELECT results FROM answers WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def _store(self, key: str, results: list[dict[str, Any]]) -> None:
        db = self._connect()
        db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                   (key, json.dumps(results, ensure_ascii=False),
                    datetime.now(timezone.utc).isoformat(timespec="seconds")))
        db.commit()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class Fallback:
    """The gazetteer, and the geocoder for names the gazetteer has no entry for.

    Pass it to `Resolver(...)` in place of the gazetteer. Anything else is the gazetteer's.
    """

    def __init__(self, gazetteer, geocoder: Geocoder):
        self.gazetteer = gazetteer
        self.geocoder = geocoder

    def candidates(self, name: str) -> list[Candidate]:
        return self.gazetteer.candidates(name) or self.geocoder.candidates(name)

    def __getattr__(self, attr: str):
        if attr.startswith("__") or attr in ("gazetteer", "geocoder"):
            raise AttributeError(attr)  # no recursion while unpickling
        return getattr(self.gazetteer, attr)


def parse_options(pairs: list[str]) -> dict[str, Any]:
    """["domain=localhost:8080", "api_key=0123"] -> options, as strings (an API key of digits
    stays a string); geopy's only common numeric option, the timeout, has its own flag."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise GeocoderError(f"--geocoder-option {pair!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def _nominatim_code(raw: dict[str, Any]) -> str:
    kind = raw.get("addresstype") or raw.get("type") or ""
    code = _NOMINATIM_CODES.get(kind, "")
    if raw.get("type") == "administrative" and not code:
        code = "ADM2"
    if code == "PPL" and (raw.get("extratags") or {}).get("capital") == "yes":
        code = "PPLC"
    return code


def _population(raw: dict[str, Any]) -> int:
    value = str((raw.get("extratags") or {}).get("population", "")).replace(",", "").replace(" ", "")
    try:
        return max(0, min(int(float(value)), 10**10))
    except ValueError:
        return 0


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


def _services() -> list[str]:
    from geopy.geocoders import SERVICE_TO_GEOCODER

    return list(SERVICE_TO_GEOCODER)
