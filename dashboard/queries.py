"""The SQL behind every number on the dashboard, with the sidebar filters applied.

Each function returns a `Query` (SQL text and named parameters) so that the
browser test can run the very same SQL the page shows. Calls are filtered by
call date, by participant country and by participant (actor); aid amounts by
reported date and by donor or recipient country (aid names no actors).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # rpt_call_participants.participant_key
    every_country: bool = False  # a call must include every selected country (aid: donor and recipient)

    @property
    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.countries or self.actors)


@dataclass(frozen=True)
class Query:
    sql: str
    params: dict[str, Any] = field(default_factory=dict)


def _placeholders(prefix: str, values: Iterable[Any], params: dict[str, Any]) -> str:
    names = []
    for i, value in enumerate(values):
        name = f"{prefix}_{i}"
        params[name] = value
        names.append(f"${name}")
    return ", ".join(names)


def calls_cte(f: Filters, params: dict[str, Any]) -> str:
    """CTE `filtered_calls`: the fct_call rows that pass the filters."""
    where = []
    if f.date_from:
        params["call_from"] = f.date_from
        where.append("calls.call_date >= $call_from")
    if f.date_to:
        params["call_to"] = f.date_to
        where.append("calls.call_date <= $call_to")
    if f.countries:
        codes = _placeholders("call_country", f.countries, params)
        if f.every_country:
            where.append(f"""(
            select count(distinct p.country_iso3) from marts.bridge_call_participant as p
            where p.call_id = calls.call_id and p.country_iso3 in ({codes})
        ) = {len(set(f.countries))}""")
        else:
            where.append(f"""exists (
            select 1 from marts.bridge_call_participant as p
            where p.call_id = calls.call_id and p.country_iso3 in ({codes})
        )""")
    if f.actors:
        keys = _placeholders("actor", f.actors, params)
        where.append(f"""exists (
            select 1 from marts.rpt_call_participants as p
            where p.call_id = calls.call_id and p.participant_key in ({keys})
        )""")
    condition = "\n        and ".join(where) if where else "true"
    return f"""filtered_calls as (
    select calls.*
    from marts.fct_call as calls
    where {condition}
)"""


def aid_cte(f: Filters, params: dict[str, Any]) -> str:
    """CTE `filtered_aid`: the fct_aid rows that pass the date and country filters."""
    where = []
    if f.date_from:
        params["aid_from"] = f.date_from
        where.append("aid.reported_date >= $aid_from")
    if f.date_to:
        params["aid_to"] = f.date_to
        where.append("aid.reported_date <= $aid_to")
    if f.countries:
        donors = _placeholders("donor", f.countries, params)
        recipients = _placeholders("recipient", f.countries, params)
        joiner = "and" if f.every_country else "or"
        where.append(f"(aid.donor_iso3 in ({donors}) {joiner} aid.recipient_iso3 in ({recipients}))")
    condition = "\n        and ".join(where) if where else "true"
    return f"""filtered_aid as (
    select aid.*
    from marts.fct_aid as aid
    where {condition}
)"""


# --------------------------------------------------------------- filter choices

def filter_bounds() -> Query:
    return Query("""
select
    least(min(call_date), (select min(reported_date) from marts.fct_aid)) as first_date,
    greatest(max(call_date), (select max(reported_date) from marts.fct_aid)) as last_date
from marts.fct_call
""")


def country_options() -> Query:
    return Query("""
select country_iso3, name_en
from marts.dim_country
where country_iso3 in (
    select country_iso3 from marts.bridge_call_participant
    union select donor_iso3 from marts.fct_aid
    union select recipient_iso3 from marts.fct_aid
)
order by name_en
""")


def actor_options() -> Query:
    return Query("""
select
    participant_key,
    arg_max(participant_name, call_date) as participant_name,
    arg_max(country_iso3, call_date) as country_iso3
from marts.rpt_call_participants
group by participant_key
order by participant_name, participant_key
""")


# ------------------------------------------------------------------------ calls

def call_summary(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {calls_cte(f, params)},
participants as (
    select p.*
    from marts.rpt_call_participants as p
    inner join filtered_calls as c on p.call_id = c.call_id
)
select
    (select count(*) from filtered_calls) as n_calls,
    (select count(distinct country_iso3) from participants) as n_countries,
    (select count(distinct actor_id) from participants) as n_people,
    (select count(distinct e.article_id)
     from marts.rpt_fact_evidence as e
     inner join filtered_calls as c on e.fact_type = 'call' and e.fact_id = c.call_id) as n_articles
""", params)


def call_list(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {calls_cte(f, params)},
who as (
    select
        p.call_id,
        string_agg(p.participant_name || ' (' || p.country_iso3 || ')', ' ↔ '
                   order by p.country_iso3, p.participant_name) as participants
    from marts.rpt_call_participants as p
    inner join filtered_calls as c on p.call_id = c.call_id
    group by p.call_id
)
select
    c.call_id,
    c.call_date,
    c.date_precision,
    c.mode,
    c.participant_countries,
    who.participants,
    coalesce(initiator.name_en, c.initiator_country_iso3) as initiator,
    c.n_articles,
    c.n_publishers,
    c.primary_evidence_text
from filtered_calls as c
left join who on c.call_id = who.call_id
left join marts.dim_country as initiator on c.initiator_country_iso3 = initiator.country_iso3
order by c.call_date desc, c.call_id
""", params)


def calls_by_month(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {calls_cte(f, params)}
select
    cast(date_trunc('month', call_date) as date) as call_month,
    mode,
    count(*) as n_calls
from filtered_calls
where date_precision in ('day', 'month')
group by all
order by call_month, mode
""", params)


# ---------------------------------------------------------------------- network

def actor_nodes(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {calls_cte(f, params)}
select
    p.participant_key as node,
    arg_max(p.participant_name, p.call_date) as label,
    arg_max(p.country_iso3, p.call_date) as country_iso3,
    arg_max(p.role_at_call, p.call_date) as role,
    count(distinct p.call_id) as n_calls,
    max(p.call_date) as last_call_date
from marts.rpt_call_participants as p
inner join filtered_calls as c on p.call_id = c.call_id
group by p.participant_key
order by n_calls desc, label
""", params)


def actor_edges(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {calls_cte(f, params)},
participants as (
    select p.*
    from marts.rpt_call_participants as p
    inner join filtered_calls as c on p.call_id = c.call_id
)
select
    a.participant_key as source,
    b.participant_key as target,
    any_value(a.participant_name) as source_label,
    any_value(b.participant_name) as target_label,
    count(distinct a.call_id) as n_calls,
    max(a.call_date) as last_contact_date,
    string_agg(distinct a.call_id, ',' order by a.call_id) as call_ids
from participants as a
inner join participants as b
    on a.call_id = b.call_id and a.participant_key < b.participant_key
group by a.participant_key, b.participant_key
order by n_calls desc, last_contact_date desc, source, target
""", params)


def country_nodes(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {calls_cte(f, params)}
select
    p.country_iso3 as node,
    coalesce(any_value(country.name_en), p.country_iso3) as label,
    p.country_iso3,
    count(distinct p.call_id) as n_calls,
    max(c.call_date) as last_call_date
from marts.bridge_call_participant as p
inner join filtered_calls as c on p.call_id = c.call_id
left join marts.dim_country as country on p.country_iso3 = country.country_iso3
group by p.country_iso3
order by n_calls desc, label
""", params)


def country_edges(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {calls_cte(f, params)},
call_countries as (
    select distinct p.call_id, p.country_iso3, c.call_date
    from marts.bridge_call_participant as p
    inner join filtered_calls as c on p.call_id = c.call_id
)
select
    a.country_iso3 as source,
    b.country_iso3 as target,
    coalesce(any_value(ca.name_en), a.country_iso3) as source_label,
    coalesce(any_value(cb.name_en), b.country_iso3) as target_label,
    count(distinct a.call_id) as n_calls,
    max(a.call_date) as last_contact_date,
    string_agg(distinct a.call_id, ',' order by a.call_id) as call_ids
from call_countries as a
inner join call_countries as b
    on a.call_id = b.call_id and a.country_iso3 < b.country_iso3
left join marts.dim_country as ca on a.country_iso3 = ca.country_iso3
left join marts.dim_country as cb on b.country_iso3 = cb.country_iso3
group by a.country_iso3, b.country_iso3
order by n_calls desc, last_contact_date desc, source, target
""", params)


def top_actors(f: Filters, limit: int = 15) -> Query:
    params: dict[str, Any] = {"limit": limit}
    return Query(f"""
with {calls_cte(f, params)},
participants as (
    select p.*
    from marts.rpt_call_participants as p
    inner join filtered_calls as c on p.call_id = c.call_id
)
select
    people.actor_id,
    arg_max(people.participant_name, people.call_date) as name,
    arg_max(people.country_iso3, people.call_date) as country_iso3,
    arg_max(people.role_at_call, people.call_date) as role,
    count(distinct people.call_id) as n_calls,
    count(distinct people.call_id) filter (where people.is_initiator) as n_initiated,
    count(distinct others.participant_key) as n_counterparts,
    max(people.call_date) as last_call_date,
    string_agg(distinct people.call_id, ',' order by people.call_id) as call_ids
from participants as people
left join participants as others
    on people.call_id = others.call_id and people.participant_key <> others.participant_key
where people.actor_id is not null
group by people.actor_id
order by n_calls desc, last_call_date desc, name
limit $limit
""", params)


# -------------------------------------------------------------------------- aid

def aid_summary(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {aid_cte(f, params)}
select
    coalesce(sum(amount_usd), 0) as total_usd,
    count(*) as n_aid,
    count(*) - count(amount_usd) as n_without_usd,
    count(distinct donor_iso3) as n_donors,
    count(distinct recipient_iso3) as n_recipients
from filtered_aid
""", params)


def aid_flows(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {aid_cte(f, params)}
select
    coalesce(donor.name_en, aid.donor_iso3, '(not stated)') as donor,
    coalesce(recipient.name_en, aid.recipient_iso3, '(not stated)') as recipient,
    aid.aid_kind,
    cast(date_trunc('month', aid.reported_date) as date) as reported_month,
    coalesce(sum(aid.amount_usd), 0) as total_usd,
    count(*) as n_aid,
    count(*) - count(aid.amount_usd) as n_without_usd,
    string_agg(distinct aid.currency, '|' order by aid.currency) as currencies,
    string_agg(aid.aid_id, ',' order by aid.aid_id) as aid_ids
from filtered_aid as aid
left join marts.dim_country as donor on aid.donor_iso3 = donor.country_iso3
left join marts.dim_country as recipient on aid.recipient_iso3 = recipient.country_iso3
group by all
order by total_usd desc, donor, recipient, aid.aid_kind, reported_month
""", params)


def aid_rows(f: Filters) -> Query:
    params: dict[str, Any] = {}
    return Query(f"""
with {aid_cte(f, params)}
select
    aid_id, reported_date, donor_iso3, recipient_iso3, amount, currency, amount_usd,
    is_approximate, aid_kind, status, evidence_text
from filtered_aid
order by reported_date desc nulls last, aid_id
""", params)


# --------------------------------------------------------------------- evidence

def evidence_for(fact_type: str, fact_ids: Iterable[str]) -> Query:
    """The sentences behind the given facts (`call` ids or `aid` ids)."""
    params: dict[str, Any] = {"fact_type": fact_type}
    ids = list(dict.fromkeys(fact_ids))
    if not ids:
        return Query("select * from marts.rpt_fact_evidence where false", {})
    placeholders = _placeholders("fact", ids, params)
    return Query(f"""
select fact_type, fact_id, fact_date, publisher, title, url, source_uri, published_on,
       article_id, sentence_index, evidence_text, is_primary_sentence
from marts.rpt_fact_evidence
where fact_type = $fact_type and fact_id in ({placeholders})
order by fact_date desc nulls last, fact_id, published_on nulls last, article_id, sentence_index
""", params)


def evidence_filtered(f: Filters, fact_types: Iterable[str] = ("call", "aid"), search: str = "") -> Query:
    """Every sentence behind the calls and aid amounts that pass the filters."""
    params: dict[str, Any] = {}
    ctes = f"{calls_cte(f, params)},\n{aid_cte(f, params)}"
    kinds = _placeholders("kind", list(fact_types) or ["none"], params)
    search_clause = ""
    if search.strip():
        params["search"] = f"%{search.strip()}%"
        search_clause = "and (e.evidence_text ilike $search or coalesce(e.title, '') ilike $search)"
    return Query(f"""
with {ctes}
select e.fact_type, e.fact_id, e.fact_date, e.publisher, e.title, e.url, e.source_uri, e.published_on,
       e.article_id, e.sentence_index, e.evidence_text, e.is_primary_sentence
from marts.rpt_fact_evidence as e
where e.fact_type in ({kinds})
    and (
        (e.fact_type = 'call' and e.fact_id in (select call_id from filtered_calls))
        or (e.fact_type = 'aid' and e.fact_id in (select aid_id from filtered_aid))
    )
    {search_clause}
order by e.fact_date desc nulls last, e.fact_type, e.fact_id, e.article_id, e.sentence_index
""", params)


# ------------------------------------------------------------------------ map

def country_aid_links(f: Filters) -> Query:
    """Aid between two named countries, donor → recipient, summed in USD (the map's arcs)."""
    params: dict[str, Any] = {}
    return Query(f"""
with {aid_cte(f, params)}
select
    aid.donor_iso3 as source,
    aid.recipient_iso3 as target,
    coalesce(any_value(donor.name_en), aid.donor_iso3) as source_label,
    coalesce(any_value(recipient.name_en), aid.recipient_iso3) as target_label,
    coalesce(sum(aid.amount_usd), 0) as total_usd,
    count(*) as n_aid,
    string_agg(aid.aid_id, ',' order by aid.aid_id) as aid_ids
from filtered_aid as aid
left join marts.dim_country as donor on aid.donor_iso3 = donor.country_iso3
left join marts.dim_country as recipient on aid.recipient_iso3 = recipient.country_iso3
where aid.donor_iso3 is not null and aid.recipient_iso3 is not null and aid.donor_iso3 <> aid.recipient_iso3
group by aid.donor_iso3, aid.recipient_iso3
order by total_usd desc, source, target
""", params)


# ----------------------------------------------------------------- runs & quality
# The audit tables, not the marts: they are not filtered by the sidebar.

RUN_LOG_COLUMNS = (
    "run_id", "logical_date", "started_at", "finished_at", "status", "reason", "validation_status",
    "n_inputs", "n_loaded", "n_duplicates", "n_rejected", "n_quarantined", "n_calls_published", "n_aid_published",
)


def run_history(columns: Iterable[str], limit: int = 30) -> Query:
    """The last runs, newest first. `columns`: those audit.run_log has (an older file lacks a few)."""
    have = set(columns)
    defaults = {"status": "'published'"}  # a row written before runs had a status was a publish
    select = []
    for name in RUN_LOG_COLUMNS:
        if name in have:
            select.append(f"coalesce({name}, {defaults[name]}) as {name}" if name in defaults else name)
        else:
            select.append(f"{defaults.get(name, 'null')} as {name}")
    return Query(f"""
select {', '.join(select)}
from audit.run_log
order by finished_at desc nulls last, started_at desc, run_id
limit $limit
""", {"limit": limit})


def run_counts() -> Query:
    return Query("""
select count(*) as n_runs, count(*) filter (where status = 'failed') as n_failed
from audit.run_log
""")


def input_counts() -> Query:
    return Query("""
select status, count(*) as n
from audit.input_ledger
group by status
order by status
""")


def rejected_inputs() -> Query:
    return Query("""
select source_uri, reason, first_seen_at, run_id
from audit.input_ledger
where status = 'rejected'
order by first_seen_at desc, source_uri
""")


def quarantined_facts(with_raw_articles: bool = True) -> Query:
    """Every held-back fact with its rule and the article it was read from.

    A held-back article is not in marts.dim_article, so the article also comes
    from raw.articles (the one version of each input the run loaded), and last
    from what the quarantine row itself holds.
    """
    article_id = """json_extract_string(q."values", '$.article_id')"""
    raw = "r" if with_raw_articles else "a"
    raw_join = (f"left join raw.articles as r on {article_id} = r.article_id" if with_raw_articles else "")
    return Query(f"""
select
    q.fact_type,
    q.rule,
    q.fact_key,
    {article_id} as article_id,
    coalesce(a.title, {raw}.title, json_extract_string(q."values", '$.title')) as title,
    coalesce(a.publisher, {raw}.publisher) as publisher,
    coalesce(a.url, {raw}.url) as url,
    coalesce(a.source_uri, {raw}.source_uri, json_extract_string(q."values", '$.source_uri')) as source_uri,
    json_extract_string(q."values", '$.evidence_text') as evidence_text,
    q."values" as fact_values,
    q.run_id,
    q.quarantined_at
from audit.quarantine as q
left join marts.dim_article as a on {article_id} = a.article_id
{raw_join}
order by q.quarantined_at desc nulls last, q.fact_type, q.rule, q.fact_key
""")


def validation_runs() -> Query:
    """Runs with validation results, newest first, with their pass and fail counts."""
    return Query("""
select
    run_id,
    max(validated_at) as validated_at,
    count(*) as n_expectations,
    count(*) filter (where not success) as n_failed,
    count(*) filter (where not success and severity = 'critical') as n_failed_critical
from audit.validation_results
group by run_id
order by validated_at desc, run_id
""")


def validation_results(run_id: str) -> Query:
    """One run's expectations, failures first."""
    return Query("""
select suite_name, expectation, column_name, severity, success, unexpected_count, details
from audit.validation_results
where run_id = $run_id
order by success, severity, suite_name, expectation, column_name
""", {"run_id": run_id})


def fact_marks(fact_type: str, fact_ids: Iterable[str]) -> Query:
    """What to mark in the facts' sentences: participants' and countries' names, the call's date, the amount."""
    ids = list(dict.fromkeys(fact_ids))
    params: dict[str, Any] = {}
    placeholders = _placeholders("fact", ids or [""], params)
    if fact_type == "call":
        return Query(f"""
with names as (
    select p.call_id, unnest([p.name_as_reported, actor.name_vi, actor.canonical_name]) as name
    from marts.bridge_call_participant as p
    left join marts.dim_actor as actor on p.actor_key = actor.actor_key
    where p.call_id in ({placeholders})
)
select
    c.call_id as fact_id,
    case when c.date_precision in ('day', 'month') then c.call_date end as fact_date,
    cast(null as double) as amount,
    cast(null as varchar) as currency,
    coalesce((select list(distinct n.name) from names as n where n.call_id = c.call_id and n.name is not null),
             []) as names
from marts.fct_call as c
where c.call_id in ({placeholders})
""", params)
    return Query(f"""
select
    aid.aid_id as fact_id,
    cast(null as date) as fact_date,  -- an aid row's date is when it was reported, not read from the sentence
    aid.amount,
    aid.currency,
    list_filter([donor.name_vi, recipient.name_vi, donor.name_en, recipient.name_en], lambda n: n is not null) as names
from marts.fct_aid as aid
left join marts.dim_country as donor on aid.donor_iso3 = donor.country_iso3
left join marts.dim_country as recipient on aid.recipient_iso3 = recipient.country_iso3
where aid.aid_id in ({placeholders})
""", params)
