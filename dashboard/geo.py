"""The map: calls and aid between countries, drawn with pydeck from country centroids.

Nothing is fetched: there is no tile layer and no basemap (`map_provider=None`).
The world is sketched by a graticule (a GeoJSON layer built here) and a faint
dot at every country's centroid; the countries in the data are drawn over it.
Centroids come from `dashboard/country_centroids.csv`: one row per country of
the reference seed `ref_countries.csv`, an approximate geographic centre in
degrees (the European Union, `EUU`, at Brussels). `tests/dashboard` checks that
every seeded country has one.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pandas as pd
import pydeck as pdk

CENTROIDS_CSV = Path(__file__).with_name("country_centroids.csv")

CALL_COLOR = [29, 78, 216, 210]       # blue: a call between two countries (no direction)
DONOR_COLOR = [21, 128, 61, 230]      # green at the donor end of an aid arc ...
RECIPIENT_COLOR = [234, 88, 12, 230]  # ... orange at the recipient end
LAND_DOT_COLOR = [148, 163, 184, 90]
COUNTRY_COLOR = [15, 23, 42, 230]


@cache
def centroids() -> pd.DataFrame:
    """country_iso3, latitude, longitude (one row per country)."""
    return pd.read_csv(CENTROIDS_CSV, dtype={"country_iso3": str, "latitude": float, "longitude": float})


def graticule(step: int = 30) -> dict:
    """Meridians and parallels every `step` degrees, as GeoJSON lines."""
    lines = [[[lon, lat] for lat in range(-80, 81, 5)] for lon in range(-180, 181, step)]
    lines += [[[lon, lat] for lon in range(-180, 181, 5)] for lat in range(-60, 61, step)]
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": c}}
                         for c in lines]}


def _positions(links: pd.DataFrame, where: pd.DataFrame) -> pd.DataFrame:
    """Links with the centroid of both ends; links with an end that has no centroid are dropped."""
    at = where.set_index("country_iso3")[["longitude", "latitude"]]
    out = links.copy()
    out["source_position"] = [[float(at.at[c, "longitude"]), float(at.at[c, "latitude"])] if c in at.index else None
                              for c in out["source"]]
    out["target_position"] = [[float(at.at[c, "longitude"]), float(at.at[c, "latitude"])] if c in at.index else None
                              for c in out["target"]]
    return out.dropna(subset=["source_position", "target_position"])


def unplaced(call_links: pd.DataFrame, aid_links: pd.DataFrame) -> list[str]:
    """Countries in the links that the centroid file does not know (they cannot be drawn)."""
    known = set(centroids()["country_iso3"])
    used = set(call_links["source"]) | set(call_links["target"]) | set(aid_links["source"]) | set(aid_links["target"])
    return sorted(used - known)


def link_map(call_links: pd.DataFrame, aid_links: pd.DataFrame, show_calls: bool = True,
             show_aid: bool = True) -> pdk.Deck:
    """Calls as straight blue lines, aid as curved arcs from donor (green) to recipient (orange)."""
    where = centroids()
    calls = _positions(call_links, where) if show_calls else _positions(call_links.iloc[0:0], where)
    aid = _positions(aid_links, where) if show_aid else _positions(aid_links.iloc[0:0], where)
    calls = calls.assign(
        width=[2 + 2 * math.log2(1 + n) for n in calls["n_calls"]],
        tooltip=[f"{a} ↔ {b}: {n} call(s)" for a, b, n in
                 zip(calls["source_label"], calls["target_label"], calls["n_calls"], strict=True)])
    aid = aid.assign(
        width=[2 + math.log10(1 + max(v, 0.0)) / 2 for v in aid["total_usd"]],
        tooltip=[f"{a} → {b}: ${v:,.0f} in {n} amount(s)" for a, b, v, n in
                 zip(aid["source_label"], aid["target_label"], aid["total_usd"], aid["n_aid"], strict=True)])

    names = {}
    for frame in (calls, aid):
        names.update(zip(frame["source"], frame["source_label"], strict=True))
        names.update(zip(frame["target"], frame["target_label"], strict=True))
    involved = where[where["country_iso3"].isin(names)].assign(
        name=lambda d: [names[c] for c in d["country_iso3"]])
    involved = involved.assign(tooltip=involved["name"] + " (" + involved["country_iso3"] + ")")

    layers = [
        pdk.Layer("GeoJsonLayer", data=graticule(), id="graticule", stroked=True, filled=False,
                  get_line_color=[203, 213, 225, 160], line_width_min_pixels=1),
        pdk.Layer("ScatterplotLayer", data=where, id="countries", get_position=["longitude", "latitude"],
                  get_fill_color=LAND_DOT_COLOR, get_radius=60_000, radius_min_pixels=2, radius_max_pixels=5),
        pdk.Layer("LineLayer", data=calls, id="calls", get_source_position="source_position",
                  get_target_position="target_position", get_color=CALL_COLOR, get_width="width", pickable=True),
        # tilt 90°: the arc lies on the map, so it shows as a curve when the map is seen from above
        pdk.Layer("ArcLayer", data=aid, id="aid", get_source_position="source_position",
                  get_target_position="target_position", get_source_color=DONOR_COLOR,
                  get_target_color=RECIPIENT_COLOR, get_width="width", get_tilt=90, get_height=0.5, pickable=True),
        pdk.Layer("ScatterplotLayer", data=involved, id="involved", get_position=["longitude", "latitude"],
                  get_fill_color=COUNTRY_COLOR, get_radius=120_000, radius_min_pixels=4, radius_max_pixels=9,
                  pickable=True),
        pdk.Layer("TextLayer", data=involved, id="labels", get_position=["longitude", "latitude"], get_text="name",
                  get_size=14, get_color=[15, 23, 42, 255], get_pixel_offset=[0, -16],
                  font_weight=600),
    ]
    if len(involved):
        # the middle of the box around the countries, so that the outermost stay in view
        latitude = float(involved["latitude"].max() + involved["latitude"].min()) / 2
        longitude = float(involved["longitude"].max() + involved["longitude"].min()) / 2
        span = max(float(involved["longitude"].max() - involved["longitude"].min()),
                   2 * float(involved["latitude"].max() - involved["latitude"].min()), 20.0)
        zoom = max(0.5, min(4.0, math.log2(360 / span * 1.4)))  # the map is about 1.6 world-widths of 512 px, less a margin
    else:
        latitude, longitude, zoom = 20.0, 60.0, 0.8
    return pdk.Deck(
        layers=layers, map_provider=None, map_style=None,
        initial_view_state=pdk.ViewState(latitude=latitude, longitude=longitude, zoom=zoom),
        tooltip={"text": "{tooltip}"},
    )
