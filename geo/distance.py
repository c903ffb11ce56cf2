"""Distances on the Earth, shared by resolution (nearness of candidates) and evaluation (errors).

One radius for both, so that "within 161 km" means the same when geo ranks and when it is scored.
"""
from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), the one geopy's great_circle uses to 3 decimals."""


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km on a sphere of radius `EARTH_RADIUS_KM`.

    Haversine rather than geopy's spherical law of cosines: same figures, numerically stable
    for tiny distances, and no object construction per pair.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
