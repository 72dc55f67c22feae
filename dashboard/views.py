"""The dashboard's pages. Every number comes from a `dashboard.queries` query,
and every list of numbers ends in a drill-down to the sentences behind it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard import charts, data, geo, highlight
from dashboard import queries as q

MAX_SENTENCES = 200


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, sql: str, params: dict, version: tuple[int, int, int] | None) -> pd.DataFrame:
    # `version` is part of the cache key: a newly published file is a cache miss.
    return data.query(Path(path), sql, params)


def run(path: Path, query: q.Query) -> pd.DataFrame:
    """The query's rows from the file now at `path` (cached per published file)."""
    try:
        return _cached(str(path), query.sql, query.params, data.file_version(path))
    except duckdb.IOException:
        # The file was swapped while it was being opened: read the new one.
        return _cached(str(path), query.sql, query.params, data.file_version(path))


def usd(value: float | None) -> str:
    return "$" + format(round(value or 0), ",")


def text(value) -> str | None:
    """A string cell, or None for null/NaN/empty."""
    return value if isinstance(value, str) and value else None


def month_label(value) -> str:
    return f"{value:%Y-%m}" if pd.notna(value) else "month unknown"


def whole(value) -> str:
    return format(int(value or 0), ",")


def _marks(path: Path, evidence: pd.DataFrame) -> dict[tuple[str, str], object]:
    """(fact_type, fact_id) -> what to mark in its sentences (names, date, amount)."""
    out: dict[tuple[str, str], object] = {}
    for fact_type, group in evidence.groupby("fact_type"):
        for row in run(path, q.fact_marks(str(fact_type), list(group["fact_id"]))).itertuples(index=False):
            out[(str(fact_type), row.fact_id)] = row
    return out


def evidence_html(text_: str, marks) -> str:
    """One sentence as HTML with the names, the date and the amount of its fact marked."""
    if marks is None:
        return highlight.to_html(text_, [])
    fact_date = marks.fact_date.date() if pd.notna(marks.fact_date) else None
    amount = float(marks.amount) if pd.notna(marks.amount) else None
    currency = marks.currency if isinstance(marks.currency, str) else None
    names = [n for n in (marks.names if marks.names is not None else []) if isinstance(n, str)]
    return highlight.to_html(text_, highlight.spans(text_, names, fact_date, amount, currency))


def show_evidence(evidence: pd.DataFrame, key: str) -> None:
    """The supporting sentences, each with its outlet, headline and link."""
    n_articles = evidence["article_id"].nunique()
    with st.container(key=f"evidence-count-{key}"):
        st.markdown(f"**{len(evidence)} sentence{'s' if len(evidence) != 1 else ''}** "
                    f"from **{n_articles} article{'s' if n_articles != 1 else ''}**")
    shown = evidence.head(MAX_SENTENCES)
    marks = _marks(data.warehouse_path(), shown) if not shown.empty else {}
    if not shown.empty:
        st.markdown(f"Marked in each sentence: {highlight.LEGEND} the fact was read from.", unsafe_allow_html=True)
    for i, row in enumerate(shown.itertuples(index=False)):
        with st.container(key=f"evidence-item-{key}-{i}", border=True):
            st.markdown(evidence_html(row.evidence_text, marks.get((row.fact_type, row.fact_id))),
                        unsafe_allow_html=True)
            link, publisher = text(row.url), text(row.publisher)
            source = f"[{publisher or 'source'}]({link})" if link else (publisher or "unknown outlet")
            published = f" · published {row.published_on:%Y-%m-%d}" if pd.notna(row.published_on) else ""
            primary = " · main sentence" if row.is_primary_sentence else ""
            st.caption(f"{row.fact_type} `{row.fact_id[:8]}` · {source}{published} · "
                       f"sentence {row.sentence_index} of *{text(row.title) or row.source_uri}*{primary}")
    if len(evidence) > MAX_SENTENCES:
        st.caption(f"First {MAX_SENTENCES} shown; narrow the filters or use the Evidence page to search.")


def drill_down(label: str, options: list[tuple[str, str, list[str]]], key: str) -> None:
    """A selectbox of (label, fact_type, fact ids); shows the sentences behind the chosen row."""
    choice = st.selectbox(label, range(len(options)), format_func=lambda i: options[i][0], key=f"drill-{key}")
    if choice is None:
        return
    _, fact_type, ids = options[choice]
    show_evidence(run(data.warehouse_path(), q.evidence_for(fact_type, ids)), key)


def metrics(values: list[tuple[str, str, str | None]], widths: list[int] | None = None) -> None:
    for column, (label, value, help_text) in zip(st.columns(widths or len(values)), values, strict=True):
        column.metric(label, value, help=help_text, border=True)


def pairs_table(edges: pd.DataFrame) -> None:
    """Pairs that spoke (network or country edges): who, how many calls, last contact."""
    st.dataframe(
        edges.assign(pair=edges["source_label"] + " ↔ " + edges["target_label"])[
            ["pair", "n_calls", "last_contact_date"]],
        hide_index=True, width="stretch",
        column_config={"n_calls": st.column_config.NumberColumn("calls"),
                       "last_contact_date": st.column_config.DateColumn("last contact")},
    )


# ------------------------------------------------------------------------ pages

def calls_page(path: Path, f: q.Filters) -> None:
    st.title("Calls between officials")
    summary = run(path, q.call_summary(f)).iloc[0]
    metrics([
        ("Calls", whole(summary.n_calls), "Distinct real-world calls (marts.fct_call)"),
        ("Countries", whole(summary.n_countries), "Countries taking part"),
        ("People", whole(summary.n_people), "Named participants"),
        ("Reporting articles", whole(summary.n_articles), "Articles with a sentence supporting a call"),
    ])
    calls = run(path, q.call_list(f))
    if calls.empty:
        st.info("No call matches the filters.")
        return
    st.subheader("Timeline")
    st.altair_chart(charts.call_timeline(calls), width="stretch")
    by_month = run(path, q.calls_by_month(f))
    if not by_month.empty:
        st.subheader("Calls per month")
        st.altair_chart(charts.calls_per_month(by_month), width="stretch")
    st.subheader("Calls")
    st.dataframe(
        calls[["call_date", "date_precision", "participants", "mode", "initiator", "n_articles", "n_publishers",
               "primary_evidence_text"]],
        hide_index=True, width="stretch",
        column_config={
            "call_date": st.column_config.DateColumn("date"),
            "date_precision": "precision", "participants": "who", "initiator": "initiated by",
            "n_articles": st.column_config.NumberColumn("articles"),
            "n_publishers": st.column_config.NumberColumn("outlets"),
            "primary_evidence_text": st.column_config.TextColumn("main sentence", width="large"),
        },
    )
    st.subheader("The sentences behind the numbers")
    options = [(f"All {len(calls)} calls shown", "call", list(calls["call_id"]))]
    options += [
        (f"{_day(r.call_date)} · {r.participants} · {r.mode} · {r.n_articles} article(s)", "call", [r.call_id])
        for r in calls.itertuples(index=False)
    ]
    drill_down("Calls", options, "calls")


def network_page(path: Path, f: q.Filters) -> None:
    st.title("Who talks to whom")
    level = st.radio("Network of", ["people", "countries"], horizontal=True, key="network_level",
                     format_func=str.capitalize)
    if level == "people":
        nodes, edges = run(path, q.actor_nodes(f)), run(path, q.actor_edges(f))
    else:
        nodes, edges = run(path, q.country_nodes(f)), run(path, q.country_edges(f))
    summary = run(path, q.call_summary(f)).iloc[0]
    metrics([
        ("People" if level == "people" else "Countries", whole(len(nodes)),
         "Participants (unnamed participants count by country and role)" if level == "people" else None),
        ("Pairs in contact", whole(len(edges)), "Pairs that spoke in at least one call"),
        ("Calls", whole(summary.n_calls), None),
    ])
    if nodes.empty:
        st.info("No call matches the filters.")
        return
    st.altair_chart(charts.network(nodes, edges, link_same_country=level == "people"), width="stretch")
    st.caption("Drag to pan, scroll to zoom, hover for counts. Line width: number of calls."
               + (" Dashed: people of one country (not a call)." if level == "people" else ""))
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Pairs")
        pairs_table(edges)
    with right:
        st.subheader("Top actors")
        top = run(path, q.top_actors(f))
        st.dataframe(
            top[["name", "country_iso3", "role", "n_calls", "n_initiated", "n_counterparts", "last_call_date"]],
            hide_index=True, width="stretch",
            column_config={"country_iso3": "country", "n_calls": st.column_config.NumberColumn("calls"),
                           "n_initiated": st.column_config.NumberColumn("placed"),
                           "n_counterparts": st.column_config.NumberColumn("counterparts"),
                           "last_call_date": st.column_config.DateColumn("last call")},
        )
    st.subheader("The sentences behind the numbers")
    all_calls = sorted({c for ids in edges["call_ids"] for c in ids.split(",")})
    options = [(f"All {len(edges)} pairs ({len(all_calls)} calls)", "call", all_calls)]
    options += [
        (f"{r.source_label} ↔ {r.target_label} · {r.n_calls} call(s) · last {_day(r.last_contact_date)}",
         "call", r.call_ids.split(","))
        for r in edges.itertuples(index=False)
    ]
    options += [
        (f"{r.name} · {r.n_calls} call(s)", "call", r.call_ids.split(","))
        for r in top.itertuples(index=False)
    ]
    drill_down("Pair or actor", options, "network")


def aid_page(path: Path, f: q.Filters) -> None:
    st.title("Aid flows")
    if f.actors:
        st.caption("The actor filter applies to calls only; aid amounts name no actors.")
    summary = run(path, q.aid_summary(f)).iloc[0]
    metrics([
        ("Aid reported (USD)", usd(summary.total_usd), "Sum of fct_aid.amount_usd"),
        ("Amounts reported", whole(summary.n_aid), "Rows in fct_aid: one per amount an article reports"),
        ("Donors", whole(summary.n_donors), None),
        ("Recipients", whole(summary.n_recipients), None),
    ], widths=[2, 1, 1, 1])
    if summary.n_without_usd:
        st.warning(f"{whole(summary.n_without_usd)} amount(s) have no exchange rate and are not in the USD total.")
    flows = run(path, q.aid_flows(f))
    if flows.empty:
        st.info("No aid amount matches the filters.")
        return
    st.caption("An aid package that several articles report is counted once per report.")
    st.subheader("Donor → recipient")
    st.caption("Log scale: each step on the axis is ten times the last, so that a $2M gift shows beside a "
               "$100M package. Every bar states its amount.")
    st.altair_chart(charts.aid_by_flow(flows), width="stretch")
    st.subheader("By month reported")
    st.altair_chart(charts.aid_by_month(flows), width="stretch")
    st.subheader("Flows")
    st.dataframe(
        flows[["donor", "recipient", "aid_kind", "reported_month", "total_usd", "n_aid", "currencies"]],
        hide_index=True, width="stretch",
        column_config={"aid_kind": "kind", "reported_month": st.column_config.DateColumn("month", format="YYYY-MM"),
                       "total_usd": st.column_config.NumberColumn("USD", format="dollar"),
                       "n_aid": st.column_config.NumberColumn("amounts")},
    )
    st.subheader("The sentences behind the numbers")
    all_ids = [i for ids in flows["aid_ids"] for i in ids.split(",")]
    options = [(f"All {len(all_ids)} amounts · {usd(summary.total_usd)}", "aid", all_ids)]
    options += [
        (f"{r.donor} → {r.recipient} · {r.aid_kind} · {month_label(r.reported_month)} · {usd(r.total_usd)}",
         "aid", r.aid_ids.split(","))
        for r in flows.itertuples(index=False)
    ]
    drill_down("Flow", options, "aid")


def evidence_page(path: Path, f: q.Filters) -> None:
    st.title("Evidence")
    st.caption("Every sentence behind the calls and aid amounts that pass the filters.")
    left, right = st.columns([1, 2])
    kinds = left.segmented_control("Facts", ["call", "aid"], selection_mode="multi", default=["call", "aid"],
                                   key="evidence_kinds", format_func=lambda k: {"call": "Calls", "aid": "Aid"}[k])
    search = right.text_input("Search the sentences and headlines", key="evidence_search")
    evidence = run(path, q.evidence_filtered(f, kinds or [], search or ""))
    metrics([
        ("Sentences", whole(len(evidence)), None),
        ("Articles", whole(evidence["article_id"].nunique()), None),
        ("Facts", whole(evidence[["fact_type", "fact_id"]].drop_duplicates().shape[0]), None),
    ])
    show_evidence(evidence, "all")


def _day(value) -> str:
    """A date as YYYY-MM-DD, or "undated" for a call the text gives no date (call_date null)."""
    return "undated" if value is None or pd.isna(value) else f"{value:%Y-%m-%d}"


def map_page(path: Path, f: q.Filters) -> None:
    st.title("Map of calls and aid")
    call_links, aid_links = run(path, q.country_edges(f)), run(path, q.country_aid_links(f))
    countries = set(call_links["source"]) | set(call_links["target"]) | set(aid_links["source"]) | set(aid_links["target"])
    metrics([
        ("Countries on the map", whole(len(countries)), "Countries in a call or an aid amount between two countries"),
        ("Call links", whole(len(call_links)), "Pairs of countries that spoke in at least one call"),
        ("Aid links", whole(len(aid_links)), "Donor → recipient pairs with at least one aid amount"),
        ("Aid on the map (USD)", usd(aid_links["total_usd"].sum()), "Aid between two named countries"),
    ], widths=[1, 1, 1, 2])
    if call_links.empty and aid_links.empty:
        st.info("No call or aid amount matches the filters.")
        return
    shown = st.segmented_control("Show", ["calls", "aid"], selection_mode="multi", default=["calls", "aid"],
                                 key="map_layers", format_func=lambda k: {"calls": "Calls", "aid": "Aid"}[k])
    shown = shown or []
    missing = geo.unplaced(call_links, aid_links)
    if missing:
        st.warning(f"No map position for {', '.join(missing)}: their links are in the tables, not on the map.")
    with st.container(key="link-map"):
        st.pydeck_chart(geo.link_map(call_links, aid_links, "calls" in shown, "aid" in shown), height=560)
    st.caption("Blue lines: calls between two countries (wider: more calls). Arcs: aid from the donor (green end) "
               "to the recipient (orange end). Points are approximate country centres; no map tiles are loaded.")
    left, right = st.columns(2)
    with left:
        st.subheader("Calls")
        pairs_table(call_links)
    with right:
        st.subheader("Aid")
        st.dataframe(
            aid_links.assign(flow=aid_links["source_label"] + " → " + aid_links["target_label"])[
                ["flow", "total_usd", "n_aid"]],
            hide_index=True, width="stretch",
            column_config={"total_usd": st.column_config.NumberColumn("USD", format="dollar"),
                           "n_aid": st.column_config.NumberColumn("amounts")})
    st.subheader("The sentences behind the links")
    options = [(f"{r.source_label} ↔ {r.target_label} · {r.n_calls} call(s)", "call", r.call_ids.split(","))
               for r in call_links.itertuples(index=False)]
    options += [(f"{r.source_label} → {r.target_label} · {usd(r.total_usd)}", "aid", r.aid_ids.split(","))
                for r in aid_links.itertuples(index=False)]
    drill_down("Link", options, "map")


# Long lists are cut here on the page (st.table draws every row); the counts above them are complete.
MAX_TABLE_ROWS = 100


def table(frame: pd.DataFrame, key: str, what: str) -> None:
    """A plain HTML table (readable, selectable, and what a browser test can read), cut at MAX_TABLE_ROWS."""
    with st.container(key=key):
        st.table(frame.head(MAX_TABLE_ROWS).fillna(""), hide_index=True)
    if len(frame) > MAX_TABLE_ROWS:
        st.caption(f"First {MAX_TABLE_ROWS} of {whole(len(frame))} {what}.")


def _stamp(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value:%Y-%m-%d %H:%M}"


def _count(value) -> str:
    return "" if value is None or pd.isna(value) else whole(value)


def runs_page(path: Path, f: q.Filters) -> None:
    st.title("Runs & quality")
    st.caption("From the audit tables (`audit.run_log`, `audit.input_ledger`, `audit.quarantine`, "
               "`audit.validation_results`); the sidebar filters do not apply here.")
    if not data.has_table(path, "audit", "run_log"):
        st.info("This warehouse has no run log: it was built before the audit tables.")
        return
    counts = run(path, q.run_counts()).iloc[0]
    ledger = run(path, q.input_counts()) if data.has_table(path, "audit", "input_ledger") else pd.DataFrame(
        {"status": [], "n": []})
    by_status = dict(zip(ledger["status"], ledger["n"], strict=True))
    has_quarantine = data.has_table(path, "audit", "quarantine")
    held_back = run(path, q.quarantined_facts(data.has_table(path, "raw", "articles"))) if has_quarantine \
        else pd.DataFrame()
    has_validation = data.has_table(path, "audit", "validation_results")
    validated = run(path, q.validation_runs()) if has_validation else pd.DataFrame()
    metrics([
        ("Runs", whole(counts.n_runs), "Rows of audit.run_log"),
        ("Failed runs", whole(counts.n_failed), "Runs that published nothing; the last good warehouse stayed"),
        ("Inputs loaded", whole(by_status.get("loaded", 0)), "Input versions read into the warehouse"),
        ("Rejected inputs", whole(by_status.get("rejected", 0)), "Inputs not read, each with its reason"),
        ("Held back", whole(len(held_back)), "Facts held back from the marts by a row-level rule"),
    ])

    st.subheader("Last runs")
    runs = run(path, q.run_history(data.columns(path, "audit", "run_log")))
    last = runs.iloc[0] if not runs.empty else None
    if last is not None and last.status == "failed":
        st.error(f"The last run ({last.run_id}) failed: {last.reason}")
    table(pd.DataFrame({
        "run": runs["run_id"],
        "finished (UTC)": [_stamp(v) for v in runs["finished_at"]],
        "status": runs["status"],
        "why it failed": runs["reason"],
        "validation": runs["validation_status"],
        "inputs": [_count(v) for v in runs["n_inputs"]],
        "loaded": [_count(v) for v in runs["n_loaded"]],
        "rejected": [_count(v) for v in runs["n_rejected"]],
        "held back": [_count(v) for v in runs["n_quarantined"]],
        "calls published": [_count(v) for v in runs["n_calls_published"]],
        "aid published": [_count(v) for v in runs["n_aid_published"]],
    }), "runs-table", "runs")
    st.caption("A failed run publishes nothing: the counts published are those of the last good warehouse, "
               "which is what every page shows.")

    st.subheader("Rejected inputs")
    rejected = run(path, q.rejected_inputs()) if by_status.get("rejected") else pd.DataFrame()
    if rejected.empty:
        st.caption("No input was rejected.")
    else:
        table(pd.DataFrame({"file or URL": rejected["source_uri"], "why": rejected["reason"],
                            "first seen (UTC)": [_stamp(v) for v in rejected["first_seen_at"]],
                            "run": rejected["run_id"]}), "rejected-table", "rejected inputs")

    st.subheader("Facts held back (quarantine)")
    if held_back.empty:
        st.caption("No fact is held back." if has_quarantine else "This warehouse has no quarantine table.")
    else:
        table(pd.DataFrame({
            "fact": held_back["fact_type"] + " " + held_back["fact_key"].str[:8],
            "rule": held_back["rule"],
            "article": held_back["title"],
            "outlet": held_back["publisher"],
            "file or URL": held_back["url"].where(held_back["url"].notna(), held_back["source_uri"]),
            "sentence": held_back["evidence_text"],
            "run": held_back["run_id"],
        }), "quarantine-table", "held-back facts")

    st.subheader("Validation results")
    if validated.empty:
        st.caption("No validation results.")
        return
    st.caption("A failed run's results stay in its unpublished build; its reason above names the expectations "
               "that failed.")
    choice = st.selectbox(
        "Run", range(len(validated)), key="validation_run",
        format_func=lambda i: (f"{validated.run_id.iloc[i]} · {_stamp(validated.validated_at.iloc[i])} · "
                               f"{validated.n_failed.iloc[i]} of {validated.n_expectations.iloc[i]} failed"))
    chosen = validated.iloc[choice or 0]
    results = run(path, q.validation_results(str(chosen.run_id)))
    with st.container(key="validation-summary"):
        metrics([
            ("Expectations", whole(chosen.n_expectations), None),
            ("Passed", whole(chosen.n_expectations - chosen.n_failed), None),
            ("Failed", whole(chosen.n_failed), "Failed expectations, critical or warning"),
            ("Failed critical", whole(chosen.n_failed_critical), "A failed critical expectation fails the run"),
        ])
    st.dataframe(
        results[["success", "severity", "suite_name", "expectation", "column_name", "unexpected_count", "details"]],
        hide_index=True, width="stretch",
        column_config={"success": st.column_config.CheckboxColumn("passed"), "suite_name": "suite",
                       "column_name": "column", "unexpected_count": st.column_config.NumberColumn("rows failing"),
                       "details": st.column_config.TextColumn("details", width="large")})
