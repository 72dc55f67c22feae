"""Expectation suites of the warehouse, defined once, as data.

Every suite is named ``<asset>.<stage>`` and validates one pandas DataFrame that a
SQL query reads from the DuckDB warehouse (GX's SQL datasources do not work on
DuckDB; see the stack notes). A check that needs other tables (a foreign key, a
date from the reporting article, a count per call) is computed by that query as an
extra column, e.g. ``country_known`` or ``days_after_publication``, which the suite
then constrains.

What depends on the day or on settings (the validation's instant, the currencies with an FX
rate, the share of facts that may be held back) is a GX suite parameter (``Parameter``, saved as
``{"$PARAMETER": name}``) whose value ``suite_parameters`` gives at each validation: the suites
themselves never change from one run to the next, so the copies saved in the project's GX
context (``gx/expectations/``) stay as committed.

Each expectation carries a severity: a failed ``critical`` expectation fails the
stage, a failed ``warning`` one only marks it ``warned``. The severity is kept in the
expectation's ``meta`` (``{"severity": ..., "name": ...}``) and in GX's own
``severity`` field.

This module imports nothing heavy and reads no file at import time: ``suite_specs`` is
pure and returns plain dataclasses; only ``build_suite`` imports Great Expectations. It
knows nothing of the project's layout either: values that come from reference data (the
currencies with FX rates) are passed in by the caller.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import great_expectations as gx

logger = logging.getLogger(__name__)

Severity = Literal["critical", "warning"]
Stage = Literal["raw", "marts"]

STAGES: tuple[str, ...] = ("raw", "marts")

def currencies_with_rates(seeds_dir: Path) -> tuple[str, ...]:
    """The ISO 4217 codes an aid amount may be stated in: USD and every currency of the FX seed.

    One list for extraction, dbt and these suites. The caller says where the seeds are
    (the task layer knows the project's layout; this package does not).
    """
    with (Path(seeds_dir) / "ref_fx_rates.csv").open(encoding="utf-8") as handle:
        return tuple(sorted({row["currency"] for row in csv.DictReader(handle)} | {"USD"}))


#: No call is dated before this day (end of the Second World War era in the sources).
EARLIEST_CALL_DATE = date(1945, 1, 1)

CALL_MODES: tuple[str, ...] = ("phone", "video")
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year", "unknown")
PUBLISHED_PRECISIONS: tuple[str, ...] = ("minute", "day", "month")
AID_KINDS: tuple[str, ...] = ("military", "financial", "humanitarian", "unspecified")
AID_STATUSES: tuple[str, ...] = ("announced", "approved", "delivered", "proposed", "unknown")
# Same as ^[A-Z]{3}(\|[A-Z]{3})+$; non-capturing, or pandas warns about match groups.
PARTICIPANT_COUNTRIES_REGEX = r"^[A-Z]{3}(?:\|[A-Z]{3})+$"


@dataclass(frozen=True)
class Parameter:
    """A value an expectation leaves open, given at each validation (a GX suite parameter)."""

    name: str


#: The validation's instant (naive UTC+7): no timestamp is after it.
AS_OF = Parameter("as_of")
#: Midnight of the validation's day (UTC+7): no date is after it.
TODAY = Parameter("today")
#: The ISO 4217 codes an aid amount may be stated in.
ALLOWED_CURRENCIES = Parameter("allowed_currencies")
#: The share of calls, or of aid amounts, that row-level rules may hold back.
MAX_HELD_BACK_SHARE = Parameter("max_held_back_share")


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation, described without Great Expectations objects.

    Attributes:
        name: Stable identifier, unique within its suite; it is the ``expectation``
            value written to ``audit.validation_results``.
        gx_type: Class name in ``great_expectations.expectations``, e.g.
            ``"ExpectColumnValuesToBeBetween"``.
        column: The column checked.
        severity: ``"critical"`` or ``"warning"``.
        description: One sentence for people reading the report.
        kwargs: Further keyword arguments of the GX class (``min_value``, ``value_set``...);
            a value may be a ``Parameter``.
        when_not_null: Check only rows where this column is not null.
    """

    name: str
    gx_type: str
    column: str
    severity: Severity
    description: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    when_not_null: str | None = None

    @property
    def condition(self) -> str | None:
        """The row filter as text, for reports."""
        return f"{self.when_not_null} IS NOT NULL" if self.when_not_null else None


@dataclass(frozen=True)
class SuiteSpec:
    """One suite: the SQL producing its DataFrame and the expectations on it.

    Attributes:
        asset: Asset name, e.g. ``"fct_call"``.
        stage: ``"raw"`` or ``"marts"``.
        sql: DuckDB query whose result is validated.
        key_columns: Columns identifying a row; reports show them for failing rows.
        expectations: The expectations, in report order.
    """

    asset: str
    stage: str
    sql: str
    key_columns: tuple[str, ...]
    expectations: tuple[ExpectationSpec, ...]

    @property
    def name(self) -> str:
        """Suite name, ``<asset>.<stage>``."""
        return f"{self.asset}.{self.stage}"


def _midnight(day: date) -> datetime:
    # DuckDB DATE columns arrive in pandas as datetime64; GX compares them with
    # datetimes, not dates.
    return datetime.combine(day, time())


def _not_null(name: str, column: str, severity: Severity, description: str,
              when_not_null: str | None = None) -> ExpectationSpec:
    return ExpectationSpec(name, "ExpectColumnValuesToNotBeNull", column, severity,
                           description, when_not_null=when_not_null)


def _unique(name: str, column: str, description: str) -> ExpectationSpec:
    return ExpectationSpec(name, "ExpectColumnValuesToBeUnique", column, "critical", description)


def _in_set(name: str, column: str, values: Collection[Any] | Parameter, severity: Severity,
            description: str, when_not_null: str | None = None) -> ExpectationSpec:
    value_set = values if isinstance(values, Parameter) else list(values)
    return ExpectationSpec(name, "ExpectColumnValuesToBeInSet", column, severity, description,
                           {"value_set": value_set}, when_not_null)


def _between(name: str, column: str, severity: Severity, description: str, *,
             min_value: Any = None, max_value: Any = None, strict_min: bool = False,
             when_not_null: str | None = None) -> ExpectationSpec:
    kwargs: dict[str, Any] = {}
    if min_value is not None:
        kwargs["min_value"] = min_value
        if strict_min:
            kwargs["strict_min"] = True
    if max_value is not None:
        kwargs["max_value"] = max_value
    return ExpectationSpec(name, "ExpectColumnValuesToBeBetween", column, severity, description,
                           kwargs, when_not_null)


# --------------------------------------------------------------------------- raw


# published_on is a day in UTC+7; fetched_at is naive UTC.
RAW_ARTICLES_SQL = """
select article_id, source_uri, published_at, published_on, published_precision, fetched_at,
       date_diff('day', cast(fetched_at + interval 7 hour as date), published_on)
           as days_published_after_fetch
from raw.articles
"""

RAW_ARTICLE_CALLS_SQL = """
select article_call_id, article_id, call_date, date_precision, mode, confidence,
       (call_date is null) = (date_precision = 'unknown') as undated_exactly_when_unknown
from raw.article_calls
"""

RAW_AID_MENTIONS_SQL = """
select aid_mention_id, article_id, donor_iso3, recipient_iso3, amount, currency,
       aid_kind, status
from raw.aid_mentions
"""


def _raw_specs() -> tuple[SuiteSpec, ...]:
    earliest = _midnight(EARLIEST_CALL_DATE)
    articles = SuiteSpec(
        asset="raw_articles", stage="raw", sql=RAW_ARTICLES_SQL, key_columns=("article_id",),
        expectations=(
            _not_null("article_id_not_null", "article_id", "critical",
                      "Every article has an id."),
            _unique("article_id_unique", "article_id", "No two articles share an id."),
            _not_null("source_uri_not_null", "source_uri", "critical",
                      "Every article records where it was read from."),
            # Row-level date rules warn here: dbt holds the article and its facts back
            # (audit.quarantine, rule published_after_fetch) instead of stopping the day.
            _between("published_at_not_in_future", "published_at", "warning",
                     "No article is published after the validation time (UTC+7); dbt quarantines "
                     "an article published after its page was fetched.",
                     max_value=AS_OF),
            _between("published_on_not_in_future", "published_on", "warning",
                     "No article's publication day is after today (UTC+7); dbt quarantines "
                     "an article published after its page was fetched.",
                     max_value=TODAY),
            _between("published_not_after_fetch", "days_published_after_fetch", "warning",
                     "No article is published after the day it was fetched (UTC+7): a date "
                     "that does not depend on when the validation runs. dbt holds such an "
                     "article and its facts back (audit.quarantine, published_after_fetch).",
                     max_value=0),
            _in_set("published_precision_known", "published_precision", PUBLISHED_PRECISIONS,
                    "critical", "Publication precision is minute, day or month (or null)."),
        ),
    )
    calls = SuiteSpec(
        asset="raw_article_calls", stage="raw", sql=RAW_ARTICLE_CALLS_SQL,
        key_columns=("article_call_id",),
        expectations=(
            _in_set("undated_exactly_when_unknown", "undated_exactly_when_unknown", (True,), "critical",
                    "A call has no date exactly when its precision is 'unknown' (undated calls are kept)."),
            # dbt quarantines such a call (call_before_1945, call_after_page_fetched): it warns here.
            _between("call_date_in_range", "call_date", "warning",
                     "A call is dated between 1945-01-01 and today; dbt holds other calls back.",
                     min_value=earliest, max_value=TODAY),
            _in_set("date_precision_known", "date_precision", DATE_PRECISIONS, "critical",
                    "Date precision is day, month, year or unknown."),
            _not_null("date_precision_set_when_dated", "date_precision", "critical",
                      "A dated call states how precise its date is.",
                      when_not_null="call_date"),
            _in_set("mode_known", "mode", CALL_MODES, "critical", "A call is phone or video."),
            _between("confidence_in_unit_range", "confidence", "critical",
                     "Extraction confidence is between 0 and 1.", min_value=0, max_value=1),
        ),
    )
    aid = SuiteSpec(
        asset="raw_aid_mentions", stage="raw", sql=RAW_AID_MENTIONS_SQL,
        key_columns=("aid_mention_id",),
        expectations=(
            # dbt quarantines such an amount (amount_not_positive, currency_without_rate): they warn here.
            _between("amount_positive", "amount", "warning",
                     "An aid amount is above 0; dbt holds other amounts back.",
                     min_value=0, strict_min=True),
            _in_set("currency_allowed", "currency", ALLOWED_CURRENCIES, "warning",
                    "The currency is one of the allowed ISO 4217 codes; dbt holds other amounts back."),
            _in_set("aid_kind_known", "aid_kind", AID_KINDS, "critical",
                    "Aid kind is military, financial, humanitarian or unspecified."),
            _in_set("status_known", "status", AID_STATUSES, "critical",
                    "Aid status is announced, approved, delivered, proposed or unknown."),
            _not_null("donor_not_null", "donor_iso3", "warning", "The donor country is known."),
            _not_null("recipient_not_null", "recipient_iso3", "warning",
                      "The recipient country is known."),
        ),
    )
    return (articles, calls, aid)


# ------------------------------------------------------------------------- marts


def article_published_date_sql(dim_article_columns: Collection[str], alias: str = "a") -> str:
    """SQL expression for the latest day an article can have been published.

    Uses ``published_on`` when ``dim_article`` has it (extra column beyond the
    contract), moved to the end of the month or year when ``published_precision``
    says only that much is known; falls back to the day of ``published_at``.
    """
    cols = {c.lower() for c in dim_article_columns}
    published_at_day = f"cast({alias}.published_at as date)"
    if "published_on" not in cols:
        return published_at_day
    published_on = f"{alias}.published_on"
    if "published_precision" in cols:
        published_on = (
            f"case {alias}.published_precision"
            f" when 'month' then last_day({alias}.published_on)"
            f" when 'year' then make_date(year({alias}.published_on), 12, 31)"
            f" else {alias}.published_on end"
        )
    return f"coalesce({published_on}, {published_at_day})"


def fct_call_sql(dim_article_columns: Collection[str] = ()) -> str:
    """fct_call with, per call, its earliest reporting article and how many days the
    call is dated after that article's publication (null when no reporting article
    has a known publication date)."""
    published = article_published_date_sql(dim_article_columns)
    return f"""
with article_day as (
    select a.article_id, {published} as published_date
    from marts.dim_article a
),
first_report as (
    select m.call_id,
           min(d.published_date) as first_published_date,
           arg_min(m.article_id, d.published_date) as first_article_id
    from marts.fct_call_mention m
    join article_day d on d.article_id = m.article_id
    where d.published_date is not null
    group by m.call_id
)
select c.call_id, c.call_date, c.date_precision, c.mode, c.participant_countries,
       c.n_participants, r.first_article_id, r.first_published_date,
       (c.call_date is null) = (c.date_precision = 'unknown') as undated_exactly_when_unknown,
       date_diff('day', r.first_published_date, c.call_date) as days_after_publication
from marts.fct_call c
left join first_report r on r.call_id = c.call_id
"""


BRIDGE_CALL_PARTICIPANT_SQL = """
with call_countries as (
    select call_id, count(distinct country_iso3) as n_call_countries
    from marts.bridge_call_participant
    group by call_id
)
select b.call_id, b.actor_id, b.actor_key, b.country_iso3,
       exists (select 1 from marts.dim_country c
               where c.country_iso3 = b.country_iso3) as country_known,
       exists (select 1 from marts.dim_actor a
               where a.actor_key = b.actor_key) as actor_known,
       cc.n_call_countries
from marts.bridge_call_participant b
left join call_countries cc on cc.call_id = b.call_id
"""

FCT_AID_SQL = """
select f.aid_id, f.donor_iso3, f.recipient_iso3, f.amount, f.currency, f.amount_usd,
       f.aid_kind, f.status, f.reported_date, f.article_id,
       exists (select 1 from marts.dim_country c
               where c.country_iso3 = f.donor_iso3) as donor_known,
       exists (select 1 from marts.dim_country c
               where c.country_iso3 = f.recipient_iso3) as recipient_known,
       case when f.donor_iso3 is null or f.recipient_iso3 is null then null
            else f.donor_iso3 <> f.recipient_iso3 end as donor_differs_from_recipient
from marts.fct_aid f
"""


# One row per fact type: how many facts the run published, how many it held back (audit.quarantine),
# and how many the last published run published (audit.run_log, carried over in the build file;
# null for a run recorded before the log kept mart sizes).
QUARANTINE_SQL = """
with previous as (
    select n_calls_published, n_aid_published
    from audit.run_log order by finished_at desc nulls last limit 1
),
held_back as (
    select fact_type, count(*) as n_held_back
    from (select distinct fact_type, fact_key from audit.quarantine)
    group by fact_type
),
published as (
    select 'call' as fact_type, count(*) as n_published from marts.fct_call
    union all
    select 'aid', count(*) from marts.fct_aid
)
select p.fact_type, p.n_published, coalesce(h.n_held_back, 0) as n_held_back,
       coalesce(h.n_held_back, 0) / greatest(p.n_published + coalesce(h.n_held_back, 0), 1) as held_back_share,
       p.n_published = 0
           and coalesce(case p.fact_type when 'call' then r.n_calls_published else r.n_aid_published end, 0) > 0
           as emptied
from published p
left join held_back h using (fact_type)
left join previous r on true
"""
DEFAULT_MAX_HELD_BACK_SHARE = 0.25


def _marts_specs(dim_article_columns: Collection[str]) -> tuple[SuiteSpec, ...]:
    earliest = _midnight(EARLIEST_CALL_DATE)
    calls = SuiteSpec(
        asset="fct_call", stage="marts", sql=fct_call_sql(dim_article_columns),
        key_columns=("call_id", "first_article_id"),
        expectations=(
            _not_null("call_id_not_null", "call_id", "critical", "Every call has an id."),
            _unique("call_id_unique", "call_id", "No two calls share an id."),
            _in_set("undated_exactly_when_unknown", "undated_exactly_when_unknown", (True,), "critical",
                    "A call has no date exactly when its precision is 'unknown'."),
            _between("call_date_in_range", "call_date", "critical",
                     "A call is dated between 1945-01-01 and today (not in the future).",
                     min_value=earliest, max_value=TODAY),
            _not_null("date_precision_not_null", "date_precision", "critical",
                      "Every call states how precise its date is."),
            _in_set("date_precision_known", "date_precision", DATE_PRECISIONS, "critical",
                    "Date precision is day, month, year or unknown."),
            _in_set("mode_known", "mode", CALL_MODES, "critical", "A call is phone or video."),
            _between("at_least_two_participants", "n_participants", "critical",
                     "A call has at least two participants.", min_value=2),
            ExpectationSpec(
                "participant_countries_format", "ExpectColumnValuesToMatchRegex",
                "participant_countries", "critical",
                "participant_countries is two or more ISO3 codes joined with '|'.",
                {"regex": PARTICIPANT_COUNTRIES_REGEX},
            ),
            _between("call_not_after_reporting_article", "days_after_publication", "critical",
                     "No call is dated after the publication of an article reporting it "
                     "(days_after_publication = call_date - earliest publication day <= 0).",
                     max_value=0),
        ),
    )
    bridge = SuiteSpec(
        asset="bridge_call_participant", stage="marts", sql=BRIDGE_CALL_PARTICIPANT_SQL,
        key_columns=("call_id", "country_iso3"),
        expectations=(
            _not_null("call_id_not_null", "call_id", "critical",
                      "Every participant belongs to a call."),
            _in_set("country_known", "country_known", (True,), "critical",
                    "country_iso3 is a country of dim_country."),
            _in_set("actor_known", "actor_known", (True,), "critical",
                    "actor_key, when set, is an actor role of dim_actor.",
                    when_not_null="actor_key"),
            _between("at_least_two_countries_per_call", "n_call_countries", "critical",
                     "Each call has participants from at least two distinct countries.",
                     min_value=2),
        ),
    )
    aid = SuiteSpec(
        asset="fct_aid", stage="marts", sql=FCT_AID_SQL, key_columns=("aid_id",),
        expectations=(
            _not_null("aid_id_not_null", "aid_id", "critical", "Every aid amount has an id."),
            _unique("aid_id_unique", "aid_id", "No two aid amounts share an id."),
            _in_set("donor_known", "donor_known", (True,), "critical",
                    "donor_iso3, when set, is a country of dim_country.",
                    when_not_null="donor_iso3"),
            _in_set("recipient_known", "recipient_known", (True,), "critical",
                    "recipient_iso3, when set, is a country of dim_country.",
                    when_not_null="recipient_iso3"),
            _in_set("donor_differs_from_recipient", "donor_differs_from_recipient", (True,),
                    "warning", "A country does not give aid to itself."),
            _in_set("currency_allowed", "currency", ALLOWED_CURRENCIES, "critical",
                    "The currency is one of the allowed ISO 4217 codes."),
            _between("amount_positive", "amount", "critical", "An aid amount is above 0.",
                     min_value=0, strict_min=True),
            _between("amount_usd_positive", "amount_usd", "critical",
                     "amount_usd, when known, is above 0.", min_value=0, strict_min=True),
            _in_set("aid_kind_known", "aid_kind", AID_KINDS, "critical",
                    "Aid kind is military, financial, humanitarian or unspecified."),
            _in_set("status_known", "status", AID_STATUSES, "critical",
                    "Aid status is announced, approved, delivered, proposed or unknown."),
            _between("reported_date_not_in_future", "reported_date", "critical",
                     "No aid amount is reported after today.", max_value=TODAY),
        ),
    )
    quarantine = SuiteSpec(
        asset="quarantine", stage="marts", sql=QUARANTINE_SQL, key_columns=("fact_type",),
        expectations=(
            _between("no_fact_held_back", "n_held_back", "warning",
                     "No fact was held back by a row-level rule (see audit.quarantine).", max_value=0),
            _in_set("mart_not_emptied", "emptied", (False,), "critical",
                    "A mart is not empty when the last published run had facts of its kind: a systemic failure."),
            _between("held_back_share_below_limit", "held_back_share", "critical",
                     "At most max_held_back_share of a fact type is held back (QUARANTINE_MAX_SHARE, "
                     f"{DEFAULT_MAX_HELD_BACK_SHARE:.0%} unless set): more is a systemic failure, not a few "
                     "wrong facts.",
                     max_value=MAX_HELD_BACK_SHARE),
        ),
    )
    return (calls, bridge, aid, quarantine)


def suite_specs(stage: str, *, dim_article_columns: Collection[str] = ()) -> tuple[SuiteSpec, ...]:
    """The suites of one stage; their open values come from ``suite_parameters``.

    Args:
        stage: ``"raw"`` (after load, before dbt) or ``"marts"`` (after dbt).
        dim_article_columns: Columns of ``marts.dim_article``; only used to pick the
            publication date expression of the ``fct_call`` query (see
            ``article_published_date_sql``), never by the expectations.

    Raises:
        ValueError: for an unknown stage.
    """
    if stage == "raw":
        return _raw_specs()
    if stage == "marts":
        return _marts_specs(dim_article_columns)
    raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES}")


def suite_parameters(*, as_of: datetime, allowed_currencies: Collection[str],
                     max_held_back_share: float = DEFAULT_MAX_HELD_BACK_SHARE) -> dict[str, Any]:
    """The values of the suites' parameters for one validation.

    Args:
        as_of: Naive local (UTC+7) time of the validation; "in the future" means after
            it (timestamps) or after its day (dates).
        allowed_currencies: The ISO 4217 codes an aid amount may be stated in
            (``currencies_with_rates(seeds_dir)``).
        max_held_back_share: The share of calls or of aid amounts that row-level rules may
            hold back (audit.quarantine) before the stage fails as a systemic problem.
    """
    return {
        AS_OF.name: as_of,
        TODAY.name: _midnight(as_of.date()),
        ALLOWED_CURRENCIES.name: sorted(allowed_currencies),
        MAX_HELD_BACK_SHARE.name: max_held_back_share,
    }


def build_suite(spec: SuiteSpec) -> gx.ExpectationSuite:
    """Turn a ``SuiteSpec`` into a Great Expectations suite named ``spec.name``, saved nowhere.

    Open values become suite parameters (``{"$PARAMETER": name}``).
    """
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    expectations = []
    for exp in spec.expectations:
        kwargs: dict[str, Any] = {
            key: {"$PARAMETER": value.name} if isinstance(value, Parameter) else value
            for key, value in exp.kwargs.items()}
        if exp.when_not_null:
            kwargs["row_condition"] = Column(exp.when_not_null).is_not_null()
        expectation_cls = getattr(gx.expectations, exp.gx_type)
        expectations.append(expectation_cls(
            column=exp.column,
            severity=exp.severity,
            description=exp.description,
            meta={"severity": exp.severity, "name": exp.name},
            **kwargs,
        ))
    # Given to the constructor, not added one by one: `add_expectation` writes straight into the
    # current Data Context's suite of the same name when there is one, with new ids each time.
    return gx.ExpectationSuite(name=spec.name, expectations=expectations)
