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


def _force_layout(n: int, pairs: list[tuple[int, int, float]], iterations: int = 300,
                  gravity: float = 0.6) -> np.ndarray:
    """Fruchterman-Reingold over the whole graph, centred, in [-0.5, 0.5]².

    `gravity` pulls every node towards the centre, so that groups with no
    call between them still sit in one picture, near each other, instead of
    drifting to the edges. A pair's weight scales its pull (1 for a call).
    """
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
        for a, b, weight in pairs:  # attraction along edges
            d = pos[a] - pos[b]
            pull = d * np.linalg.norm(d) / k * weight
            disp[a] -= pull
            disp[b] += pull
        disp -= gravity * pos * np.linalg.norm(pos, axis=1)[:, None] / k
        length = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature *= 0.985
    pos -= pos.mean(axis=0)
    return pos / (2 * (np.abs(pos).max() or 1.0))


def spring_layout(nodes: list[str], edges: list[tuple[str, str, float]]) -> dict[str, tuple[float, float]]:
    """Node positions in [-1, 1]², one force-directed layout of all the nodes, deterministic for the same input.

    `edges` are (source, target, weight); a weight of 1 pulls as one call does.
    """
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[a], index[b], w) for a, b, w in edges if a in index and b in index and a != b]
    pos = _force_layout(len(nodes), pairs)
    for axis in (0, 1):  # stretch to [-1, 1] on both axes
        low, high = pos[:, axis].min(), pos[:, axis].max()
        pos[:, axis] = 0.0 if high - low < 1e-9 else (pos[:, axis] - low) / (high - low) * 2 - 1
    return {node: (float(px), float(py)) for node, (px, py) in zip(nodes, pos, strict=True)}


def same_country_links(nodes: pd.DataFrame) -> pd.DataFrame:
    """Between people of one country, a link that is not a call: it keeps a country's people together."""
    rows = []
    for country, group in nodes.sort_values("node").groupby("country_iso3", sort=True):
        members = list(group["node"])
        rows += [(a, b, country) for i, a in enumerate(members) for b in members[i + 1:]]
    return pd.DataFrame(rows, columns=["source", "target", "country_iso3"])


def network(nodes: pd.DataFrame, edges: pd.DataFrame, color_field: str = "country_iso3",
            link_same_country: bool = False) -> alt.LayerChart:
    """All the nodes in one graph, sized by calls and coloured by country, edges as wide as the calls between them.

    With `link_same_country` (people), thin dashed lines join people of one
    country: a country's officials sit together, and countries that spoke sit
    between them.
    """
    kin = same_country_links(nodes) if link_same_country else pd.DataFrame(columns=["source", "target", "country_iso3"])
    springs = [(s, t, 1.0) for s, t in edges[["source", "target"]].itertuples(index=False)]
    springs += [(s, t, 0.35) for s, t in kin[["source", "target"]].itertuples(index=False)]
    positions = spring_layout(list(nodes["node"]), springs)
    nodes = nodes.assign(x=[positions[n][0] for n in nodes["node"]], y=[positions[n][1] for n in nodes["node"]])
    edges = edges.assign(
        x=[positions[s][0] for s in edges["source"]], y=[positions[s][1] for s in edges["source"]],
        x2=[positions[t][0] for t in edges["target"]], y2=[positions[t][1] for t in edges["target"]],
        pair=[f"{a} ↔ {b}" for a, b in zip(edges["source_label"], edges["target_label"], strict=True)],
    )
    kin = kin.assign(
        x=[positions[s][0] for s in kin["source"]], y=[positions[s][1] for s in kin["source"]],
        x2=[positions[t][0] for t in kin["target"]], y2=[positions[t][1] for t in kin["target"]],
    )
    axis = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    x_scale = alt.Scale(domain=[-1.1, 1.5])  # room for the labels right of the nodes
    y_scale = alt.Scale(domain=[-1.15, 1.15])
    position = {"x": alt.X("x:Q", axis=axis, scale=x_scale), "y": alt.Y("y:Q", axis=axis, scale=y_scale)}
    kin_lines = alt.Chart(kin).mark_rule(color="#cbd5e1", strokeDash=[4, 4], strokeWidth=1.2).encode(
        **position, x2="x2:Q", y2="y2:Q", tooltip=[alt.Tooltip("country_iso3:N", title="same country")])
    lines = alt.Chart(edges).mark_rule(color="#64748b", opacity=0.85).encode(
        **position, x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("n_calls:Q", scale=alt.Scale(range=[1.5, 8]), legend=None),
        tooltip=[alt.Tooltip("pair:N", title="between"), alt.Tooltip("n_calls:Q", title="calls"),
                 alt.Tooltip("last_contact_date:T", title="last contact")],
    )
    dots = alt.Chart(nodes).mark_circle(opacity=0.95, stroke="white", strokeWidth=1).encode(
        **position,
        size=alt.Size("n_calls:Q", scale=alt.Scale(range=[150, 900], zero=False), legend=None),
        color=alt.Color(f"{color_field}:N", title="country", scale=alt.Scale(scheme="tableau20")),
        tooltip=[alt.Tooltip("label:N", title="who"), alt.Tooltip(f"{color_field}:N", title="country"),
                 alt.Tooltip("n_calls:Q", title="calls"), alt.Tooltip("last_call_date:T", title="last call")],
    )
    labels = alt.Chart(nodes).mark_text(align="left", dx=12, fontSize=12).encode(**position, text="label:N")
    return (kin_lines + lines + dots + labels).properties(height=560).interactive()


def short_usd(value: float) -> str:
    """$124.4M, $2.0M, $980K: the label at the end of a bar."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"${value / size:,.1f}{suffix}"
    return f"${value:,.0f}"


def log_domain(values: pd.Series) -> list[float]:
    """Whole powers of ten around the positive values, with room right of the largest for its label."""
    positive = values[values > 0]
    if positive.empty:
        return [1.0, 10.0]
    low = 10.0 ** math.floor(math.log10(positive.min()))
    high = 10.0 ** math.ceil(math.log10(positive.max()) + 0.5)
    return [low, high]


# $1K, $10M, $1B: Vega's SI format would write a billion as "G"
USD_AXIS_LABEL = ("datum.value >= 1e9 ? '$' + format(datum.value / 1e9, ',') + 'B' : datum.value >= 1e6 ? "
                  "'$' + format(datum.value / 1e6, ',') + 'M' : datum.value >= 1e3 ? "
                  "'$' + format(datum.value / 1e3, ',') + 'K' : '$' + format(datum.value, ',')")


def _powers_of_ten(domain: list[float]) -> list[float]:
    low, high = (round(math.log10(v)) for v in domain)
    return [10.0 ** e for e in range(low, high + 1)]


def aid_flow_rows(flows: pd.DataFrame) -> pd.DataFrame:
    """One bar per donor → recipient and aid kind, each with its own label: nothing is stacked,
    since stacked bars on a log scale would misstate the parts."""
    data = flows.assign(flow=flows["donor"] + " → " + flows["recipient"])
    rows = data.groupby(["flow", "aid_kind"], as_index=False).agg(
        total_usd=("total_usd", "sum"), n_aid=("n_aid", "sum"), n_without_usd=("n_without_usd", "sum"))
    several_kinds = rows.groupby("flow")["aid_kind"].transform("nunique") > 1
    rows["bar"] = rows["flow"].where(~several_kinds, rows["flow"] + " · " + rows["aid_kind"])
    rows["label"] = [short_usd(v) if v > 0 else "no USD rate" for v in rows["total_usd"]]
    return rows.sort_values(["total_usd", "bar"], ascending=[False, True]).reset_index(drop=True)


def aid_by_flow(flows: pd.DataFrame) -> alt.LayerChart:
    """Bars on a log scale, so that $2M shows beside $124M; every bar names its flow and states its amount."""
    rows = aid_flow_rows(flows)
    shown = rows[rows["total_usd"] > 0]  # a log axis has no zero: amounts without a rate are named in the text
    order = list(rows["bar"])
    y = alt.Y("bar:N", title=None, sort=order, axis=alt.Axis(labelLimit=360, labelOverlap=False))
    domain = log_domain(shown["total_usd"])
    x = alt.X("total_usd:Q", title="USD (log scale)", scale=alt.Scale(type="log", domain=domain, nice=False),
              axis=alt.Axis(values=_powers_of_ten(domain), labelExpr=USD_AXIS_LABEL))
    tooltip = [alt.Tooltip("bar:N", title="flow"), alt.Tooltip("aid_kind:N", title="kind"),
               alt.Tooltip("total_usd:Q", title="USD", format=",.0f"),
               alt.Tooltip("n_aid:Q", title="amounts reported")]
    # a log scale has no zero: each bar starts at the left end of the axis
    bars = alt.Chart(shown).mark_bar().encode(
        y=y, x=x, x2=alt.datum(domain[0]), color=alt.Color("aid_kind:N", scale=AID_KIND_COLORS, title="kind"), tooltip=tooltip)
    labels = alt.Chart(shown).mark_text(align="left", baseline="middle", dx=4, fontSize=12, color="#111827").encode(
        y=y, x=x, text="label:N")
    return (bars + labels).properties(height=alt.Step(32))


def aid_by_month(flows: pd.DataFrame) -> alt.Chart:
    """USD per month reported and aid kind, side by side (not stacked) on a log scale."""
    data = (flows.dropna(subset=["reported_month"])
            .groupby(["reported_month", "aid_kind"], as_index=False)["total_usd"].sum())
    data = data[data["total_usd"] > 0].assign(month=lambda d: d["reported_month"].map(lambda m: f"{m:%Y-%m}"))
    domain = log_domain(data["total_usd"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title="month reported", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("aid_kind:N"),
            y=alt.Y("total_usd:Q", title="USD (log scale)", axis=alt.Axis(values=_powers_of_ten(domain), labelExpr=USD_AXIS_LABEL),
                    scale=alt.Scale(type="log", domain=domain, nice=False)),
            y2=alt.datum(domain[0]),
            color=alt.Color("aid_kind:N", scale=AID_KIND_COLORS, title="kind"),
            tooltip=[alt.Tooltip("month:O", title="month"), "aid_kind:N",
                     alt.Tooltip("total_usd:Q", title="USD", format=",.0f")],
        )
        .properties(height=260)
    )
