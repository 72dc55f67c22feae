"""Streamlit entry point: `make dashboard`, or
`streamlit run dashboard/app.py` with WAREHOUSE_PATH set.

The warehouse is opened read-only, one connection per query (see
`dashboard.data`), so the dashboard keeps working while a pipeline run
publishes a new file over WAREHOUSE_PATH.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script by `streamlit run`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from dashboard import data, views  # noqa: E402
from dashboard import queries as q  # noqa: E402


def sidebar_filters(path: Path) -> q.Filters:
    st.sidebar.header("Filters")
    bounds = views.run(path, q.filter_bounds()).iloc[0]
    date_from = date_to = None
    if bounds.first_date is not None and not _isna(bounds.first_date):
        first, last = bounds.first_date.date(), bounds.last_date.date()
        chosen = st.sidebar.date_input("Date range", value=(first, last), min_value=first, max_value=last,
                                       key="dates", bind="query-params", format="YYYY-MM-DD")
        if isinstance(chosen, tuple | list) and len(chosen) == 2:
            date_from = chosen[0] if chosen[0] > first else None
            date_to = chosen[1] if chosen[1] < last else None
        elif isinstance(chosen, tuple | list) and len(chosen) == 1:
            date_from = chosen[0] if chosen[0] > first else None
    countries = views.run(path, q.country_options())
    names = dict(zip(countries["country_iso3"], countries["name_en"], strict=True))
    chosen_countries = url_multiselect(
        "Country", {c: f"{names[c]} ({c})" for c in names}, "country",
        help_text="Calls with a participant from, and aid given or received by, any selected country.")
    every = st.sidebar.checkbox("Only calls between all selected countries", key="every_country",
                                bind="query-params", disabled=len(chosen_countries) < 2)
    actors = views.run(path, q.actor_options())
    labels = {r.participant_key: f"{r.participant_name} ({r.country_iso3})" for r in actors.itertuples(index=False)}
    chosen_actors = url_multiselect("Actor", labels, "actor",
                                    help_text="Calls in which any selected person (or unnamed role) took part.")
    return q.Filters(date_from=date_from, date_to=date_to, countries=tuple(chosen_countries),
                     actors=tuple(chosen_actors), every_country=bool(every and len(chosen_countries) > 1))


def url_multiselect(label: str, options: dict[str, str], key: str, help_text: str) -> list[str]:
    """A sidebar multiselect whose choice lives in the URL as codes (`?country=USA&country=RUS`), not labels.

    Streamlit's `bind="query-params"` would write the label shown ("United States (USA)"), so a
    hand-written `?country=USA` would be ignored. The URL seeds the widget on the first run of a
    browser session (a bookmark or a shared link); from then on the widget decides and the URL follows,
    also after a page switch, which clears the query string.
    """
    by_fold = {code.casefold(): code for code in options}
    if key not in st.session_state:
        wanted = [by_fold.get(v.strip().casefold()) for v in st.query_params.get_all(key)]
        st.session_state[key] = list(dict.fromkeys(c for c in wanted if c))
    else:  # a newly published warehouse may lack an option chosen earlier
        st.session_state[key] = [c for c in st.session_state[key] if c in options]
    chosen = st.sidebar.multiselect(label, list(options), format_func=lambda c: options[c], key=key, help=help_text)
    if chosen:
        st.query_params[key] = chosen
    elif key in st.query_params:
        del st.query_params[key]
    return chosen


def _isna(value) -> bool:
    try:
        return value != value  # NaT / NaN
    except TypeError:
        return False


def sidebar_footer(path: Path) -> None:
    status = data.last_run_status(path)  # None for an older warehouse without audit tables: it still shows its marts
    st.sidebar.divider()
    st.sidebar.caption(f"Warehouse: `{path.name}` (read-only)", help=str(path))
    if status and "FAILED" in status:
        st.sidebar.error(status)
    elif status:
        st.sidebar.caption(status)
    if data.has_table(path, "audit", "quarantine"):
        held_back = data.query(path, "select fact_type, rule, count(*) as n from audit.quarantine "
                                     "group by all order by n desc, fact_type, rule")
        if not held_back.empty:
            st.sidebar.caption(
                f"Held back by row-level rules (audit.quarantine): {int(held_back.n.sum())} — "
                + "; ".join(f"{r.fact_type} {r.rule} ({r.n})" for r in held_back.itertuples()))


def main() -> None:
    st.set_page_config(page_title="Calls and aid", page_icon=":material/call:", layout="wide")
    path = data.warehouse_path()
    problem = data.problem(path)
    if problem:
        st.error(problem)
        st.stop()
    filters = sidebar_filters(path)
    sidebar_footer(path)

    def page(function, title: str, url_path: str, icon: str) -> st.Page:
        def render() -> None:
            function(path, filters)
        return st.Page(render, title=title, url_path=url_path, icon=icon)

    calls = page(views.calls_page, "Calls", "calls", ":material/call:")

    def start() -> None:
        # Every page has one path (/calls, /network, ...); the bare address opens the Calls page there,
        # keeping the filters of a shared link.
        st.switch_page(calls, query_params=[(k, v) for k in st.query_params for v in st.query_params.get_all(k)])

    navigation = st.navigation([
        st.Page(start, title="Calls", url_path="start", default=True, visibility="hidden"),
        calls,
        page(views.network_page, "Network", "network", ":material/hub:"),
        page(views.aid_page, "Aid", "aid", ":material/payments:"),
        page(views.map_page, "Map", "map", ":material/public:"),
        page(views.evidence_page, "Evidence", "evidence", ":material/article:"),
        page(views.runs_page, "Runs & quality", "runs", ":material/fact_check:"),
    ])
    navigation.run()

main()
