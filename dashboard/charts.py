"""Altair charts for the dashboard, and a small deterministic network layout.

Altair renders through the Vega-Lite bundled with Streamlit: nothing is
fetched from the network at run time.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

MODE_COLORS = alt.Scale(domain=["phone", "video"], range=["#1f77b4", "#ff7f0e"])
AID_KIND_COLORS = alt.Scale(
    domain=["military", "financial", "humanitarian", "unspecified"],
    range=["#d62728", "#1f77b4", "#2ca02c", "#7f7f7f"],
)


def call_timeline(calls: pd.DataFrame) -> alt.Chart:
    """One dot per call: when, between which countries, phone or video, how many articles."""
    return (
        alt.Chart(calls)
        .mark_circle(opacity=0.85)
        .encode(
            x=alt.X("call_date:T", title="call date", scale=alt.Scale(padding=24)),
            y=alt.Y("participant_countries:N", title="countries", sort="ascending"),
            color=alt.Color("mode:N", scale=MODE_COLORS, title="mode"),
            size=alt.Size("n_articles:Q", title="articles", scale=alt.Scale(range=[90, 500], zero=False),
                          legend=alt.Legend(format="d", tickMinStep=1)),
            tooltip=[
                alt.Tooltip("call_date:T", title="date"),
                alt.Tooltip("date_precision:N", title="precision"),
                alt.Tooltip("participants:N", title="who"),
                alt.Tooltip("mode:N"),
                alt.Tooltip("initiator:N", title="initiated by"),
                alt.Tooltip("n_articles:Q", title="articles"),
            ],
        )
        .properties(height=max(160, 38 * calls["participant_countries"].nunique()))
        .interactive(bind_y=False)
    )


def calls_per_month(by_month: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(by_month)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(call_month):T", title="month"),
            y=alt.Y("sum(n_calls):Q", title="calls", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color("mode:N", scale=MODE_COLORS, title="mode"),
            tooltip=[alt.Tooltip("yearmonth(call_month):T", title="month"), "mode:N",
                     alt.Tooltip("sum(n_calls):Q", title="calls")],
        )
        .properties(height=220)
    )


def _components(nodes: list[str], pairs: list[tuple[int, int, float]]) -> list[list[int]]:
    parent = list(range(len(nodes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b, _ in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _force_layout(n: int, pairs: list[tuple[int, int, float]], iterations: int = 250) -> np.ndarray:
    """Fruchterman-Reingold for one connected component, centred, in [-0.5, 0.5]²."""
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[0.0, 0.5], [0.0, -0.5]])  # one above the other: the labels stay apart
    angles = np.array([2 * math.pi * i / n for i in range(n)])
    pos = np.column_stack([np.cos(angles), np.sin(angles)])
    k = 1.0 / math.sqrt(n)
    temperature = 0.2
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        np.fill_diagonal(dist, 1.0)
        disp = (delta * (k * k / dist**2)[..., None]).sum(axis=1)  # repulsion between all nodes
        for a, b, _ in pairs:  # attraction along edges
            d = pos[a] - pos[b]
            pull = d * np.linalg.norm(d) / k
            disp[a] -= pull
            disp[b] += pull
        length = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature *= 0.985
    pos -= pos.mean(axis=0)
    return pos / (2 * (np.abs(pos).max() or 1.0))


def spring_layout(nodes: list[str], edges: list[tuple[str, str, float]], aspect: float = 1.6) -> dict[str, tuple[float, float]]:
    """Node positions in [-1, 1]², deterministic for the same input.

    Each connected component gets a force-directed layout in a box as wide
    as the square root of its size; the boxes are packed in rows (largest
    first) to fill a chart `aspect` times wider than high.
    """
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[a], index[b], w) for a, b, w in edges if a in index and b in index and a != b]
    groups = _components(nodes, pairs)
    sides = [math.sqrt(len(g)) for g in groups]
    row_width = max(max(sides), math.sqrt(sum(s * s for s in sides) * aspect))
    pos = np.zeros((len(nodes), 2))
    x = y = row_height = 0.0
    for group, side in zip(groups, sides, strict=True):
        if x > 0 and x + side > row_width + 1e-9:
            x, y, row_height = 0.0, y + row_height, 0.0
        local_index = {g: i for i, g in enumerate(group)}
        local_pairs = [(local_index[a], local_index[b], w) for a, b, w in pairs if a in local_index and b in local_index]
        local = _force_layout(len(group), local_pairs) * side * 0.8
        pos[group] = local + np.array([x + side / 2, -(y + side / 2)])
        x += side
        row_height = max(row_height, side)
    for axis in (0, 1):  # stretch to [-1, 1] on both axes
        low, high = pos[:, axis].min(), pos[:, axis].max()
        pos[:, axis] = 0.0 if high - low < 1e-9 else (pos[:, axis] - low) / (high - low) * 2 - 1
    return {node: (float(px), float(py)) for node, (px, py) in zip(nodes, pos, strict=True)}


def network(nodes: pd.DataFrame, edges: pd.DataFrame, color_field: str = "country_iso3") -> alt.LayerChart:
    """Nodes sized by calls and coloured by country, edges as wide as the calls between them."""
    positions = spring_layout(
        list(nodes["node"]), [(s, t, float(n)) for s, t, n in edges[["source", "target", "n_calls"]].itertuples(index=False)]
    )
    nodes = nodes.assign(x=[positions[n][0] for n in nodes["node"]], y=[positions[n][1] for n in nodes["node"]])
    edges = edges.assign(
        x=[positions[s][0] for s in edges["source"]], y=[positions[s][1] for s in edges["source"]],
        x2=[positions[t][0] for t in edges["target"]], y2=[positions[t][1] for t in edges["target"]],
        pair=[f"{a} ↔ {b}" for a, b in zip(edges["source_label"], edges["target_label"], strict=True)],
    )
    axis = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    x_scale = alt.Scale(domain=[-1.1, 1.5])  # room for the labels right of the nodes
    y_scale = alt.Scale(domain=[-1.15, 1.15])
    lines = alt.Chart(edges).mark_rule(color="#9aa5b1", opacity=0.8).encode(
        x=alt.X("x:Q", axis=axis, scale=x_scale), y=alt.Y("y:Q", axis=axis, scale=y_scale), x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("n_calls:Q", scale=alt.Scale(range=[1.5, 8]), legend=None),
        tooltip=[alt.Tooltip("pair:N", title="between"), alt.Tooltip("n_calls:Q", title="calls"),
                 alt.Tooltip("last_contact_date:T", title="last contact")],
    )
    dots = alt.Chart(nodes).mark_circle(opacity=0.95, stroke="white", strokeWidth=1).encode(
        x=alt.X("x:Q", axis=axis, scale=x_scale), y=alt.Y("y:Q", axis=axis, scale=y_scale),
        size=alt.Size("n_calls:Q", scale=alt.Scale(range=[150, 900], zero=False), legend=None),
        color=alt.Color(f"{color_field}:N", title="country", scale=alt.Scale(scheme="tableau20")),
        tooltip=[alt.Tooltip("label:N", title="who"), alt.Tooltip(f"{color_field}:N", title="country"),
                 alt.Tooltip("n_calls:Q", title="calls"), alt.Tooltip("last_call_date:T", title="last call")],
    )
    labels = alt.Chart(nodes).mark_text(align="left", dx=12, fontSize=12).encode(
        x=alt.X("x:Q", axis=axis, scale=x_scale), y=alt.Y("y:Q", axis=axis, scale=y_scale), text="label:N",
    )
    return (lines + dots + labels).properties(height=560).interactive()


def aid_by_flow(flows: pd.DataFrame) -> alt.Chart:
    data = flows.assign(flow=flows["donor"] + " → " + flows["recipient"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("flow:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(total_usd):Q", title="USD"),
            color=alt.Color("aid_kind:N", scale=AID_KIND_COLORS, title="kind"),
            tooltip=["flow:N", "aid_kind:N", alt.Tooltip("sum(total_usd):Q", title="USD", format=",.0f"),
                     alt.Tooltip("sum(n_aid):Q", title="amounts reported")],
        )
        .properties(height=max(140, 34 * data["flow"].nunique()))
    )


def aid_by_month(flows: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(flows.dropna(subset=["reported_month"]))
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(reported_month):T", title="month reported"),
            y=alt.Y("sum(total_usd):Q", title="USD"),
            color=alt.Color("aid_kind:N", scale=AID_KIND_COLORS, title="kind"),
            tooltip=[alt.Tooltip("yearmonth(reported_month):T", title="month"), "aid_kind:N",
                     alt.Tooltip("sum(total_usd):Q", title="USD", format=",.0f")],
        )
        .properties(height=220)
    )
