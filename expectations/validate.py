"""Run one stage's expectation suites against the DuckDB warehouse.

``validate_stage`` reads each asset's DataFrame with a read-only DuckDB connection
(closed before validating), saves the stage's suites into the project's file-backed
Great Expectations context (``expectations.context``; unchanged suites are not
rewritten) and runs each suite's checkpoint on its DataFrame: GX stores the result and
updates the Data Docs site (an index across runs). It then writes a self-contained HTML
report and a JSON file with the same content (the Data Docs pages load their scripts and
styles from CDNs, so offline the index lists nothing; this report opens anywhere), and
opens the warehouse read-write once to record one row per expectation in
``audit.validation_results``.

Importing this module imports Great Expectations (several seconds): import it inside
an Airflow task, never at DAG parse time.
"""

from __future__ import annotations

import html
import json
import logging
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

# Before GX is imported: it logs hundreds of INFO lines while registering.
logging.getLogger("great_expectations").setLevel(logging.WARNING)

import duckdb
import pandas as pd
from great_expectations.core.run_identifier import RunIdentifier

from expectations.context import SAMPLE_SIZE, data_docs_index, open_context, save_suites
from expectations.suites import (
    DEFAULT_MAX_HELD_BACK_SHARE,
    STAGES,
    ExpectationSpec,
    SuiteSpec,
    suite_parameters,
    suite_specs,
)

logger = logging.getLogger(__name__)

Status = Literal["passed", "warned", "failed"]

#: Vietnam has no daylight saving time: the news' local clock is UTC+7 all year.
NEWS_TIMEZONE = timezone(timedelta(hours=7), name="UTC+07")


@dataclass(frozen=True)
class ExpectationOutcome:
    """The result of one expectation."""

    suite_name: str
    name: str
    gx_type: str
    column: str
    severity: str
    description: str
    condition: str | None
    success: bool
    element_count: int | None
    unexpected_count: int | None
    sample: tuple[Any, ...]
    error: str | None

    @property
    def blocking(self) -> bool:
        """Failed and critical, or could not be evaluated at all."""
        return not self.success and (self.severity == "critical" or self.error is not None)


@dataclass(frozen=True)
class SuiteResult:
    """The result of one suite (``<asset>.<stage>``) and its counts."""

    name: str
    n_rows: int
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def evaluated(self) -> int:
        return len(self.outcomes)

    @property
    def passed(self) -> int:
        return sum(o.success for o in self.outcomes)

    @property
    def failed_critical(self) -> int:
        """Failed critical expectations, plus any expectation that raised an error."""
        return sum(o.blocking for o in self.outcomes)

    @property
    def failed_warning(self) -> int:
        return sum(not o.success and not o.blocking for o in self.outcomes)

    @property
    def status(self) -> Status:
        return _status(self.failed_critical, self.failed_warning)

    def counts(self) -> dict[str, int]:
        """Counts of this suite's expectations."""
        return {
            "rows": self.n_rows,
            "evaluated": self.evaluated,
            "passed": self.passed,
            "failed_critical": self.failed_critical,
            "failed_warning": self.failed_warning,
        }


@dataclass(frozen=True)
class StageResult:
    """The result of ``validate_stage``.

    Attributes:
        stage: ``"raw"`` or ``"marts"``.
        run_id: The pipeline run validated.
        status: ``"failed"`` if a critical expectation failed (or errored),
            ``"warned"`` if only warning-level ones failed, else ``"passed"``.
        suites: One result per suite, in definition order.
        report_path: The HTML report.
        json_path: The same report as JSON.
        validated_at: When the validation ran (naive UTC).
        data_docs_path: The index page of the Great Expectations Data Docs site.
    """

    stage: str
    run_id: str
    status: Status
    suites: tuple[SuiteResult, ...]
    report_path: Path
    json_path: Path
    validated_at: datetime
    data_docs_path: Path

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Per-suite counts: ``{suite_name: {"rows", "evaluated", "passed",
        "failed_critical", "failed_warning"}}``."""
        return {s.name: s.counts() for s in self.suites}

    @property
    def failures(self) -> list[ExpectationOutcome]:
        """Every failed expectation, critical first."""
        failed = [o for s in self.suites for o in s.outcomes if not o.success]
        return sorted(failed, key=lambda o: not o.blocking)


def validate_stage(warehouse_path: str | Path, stage: str, run_id: str,
                   report_dir: Path, *, context_dir: Path, as_of: datetime, allowed_currencies: Collection[str],
                   max_held_back_share: float = DEFAULT_MAX_HELD_BACK_SHARE) -> StageResult:
    """Validate one stage of the warehouse and record the results.

    Args:
        warehouse_path: The DuckDB file; it must exist and hold the tables of the
            stage (``raw.*`` for ``"raw"``, ``marts.*`` for ``"marts"``) and
            ``audit.validation_results``.
        stage: ``"raw"`` (after load, before dbt) or ``"marts"`` (after dbt).
        run_id: Pipeline run id. Rows of an earlier validation with the same run id
            and suite are replaced, so a re-run never duplicates them.
        report_dir: Folder for ``validation_<stage>.html`` and ``validation_<stage>.json``
            (created if missing).
        context_dir: The Great Expectations context folder (the project's ``gx/``), created
            if missing; its suites and checkpoints are brought in line with the code, its
            ``uncommitted/`` folder receives the results and the Data Docs site.
        as_of: The instant of the validation (aware, or naive UTC), given by the caller so that
            the result never depends on when the code happens to run: "in the future" means after
            it, and the audit rows are stamped with it.
        allowed_currencies: See ``suite_parameters`` (``expectations.suites.currencies_with_rates``).
        max_held_back_share: See ``suite_parameters``.

    Returns:
        The stage status, per-suite counts and report paths. A failing validation is a
        result, not an exception: the caller decides whether ``"failed"`` stops the run.

    Raises:
        ValueError: unknown stage. FileNotFoundError: no warehouse file.
        duckdb.Error: a table or column is missing, or the file is locked by a writer.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES}")
    path = Path(warehouse_path)
    if not path.is_file():
        raise FileNotFoundError(f"warehouse file not found: {path}")
    instant = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    validated_at = instant.astimezone(UTC).replace(tzinfo=None)
    as_of = instant.astimezone(NEWS_TIMEZONE).replace(tzinfo=None)

    specs, frames = _read_frames(path, stage)
    parameters = suite_parameters(as_of=as_of, allowed_currencies=allowed_currencies,
                                  max_held_back_share=max_held_back_share)
    # GX stamps each result with this run time; given, so that it is the task's instant too.
    gx_run = RunIdentifier(run_name=run_id, run_time=instant.astimezone(UTC))
    suites, data_docs = _run_checkpoints(Path(context_dir), specs, frames, parameters, gx_run)
    status = _status(sum(s.failed_critical for s in suites),
                     sum(s.failed_warning for s in suites))

    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    report_path = report_dir / f"validation_{stage}.html"
    json_path = report_dir / f"validation_{stage}.json"
    result = StageResult(stage, run_id, status, suites, report_path, json_path, validated_at, data_docs)
    report = _report_dict(result, as_of)
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    report_path.write_text(_render_html(report), encoding="utf-8")

    _write_audit(path, run_id, suites, validated_at)

    log = logger.error if status == "failed" else (
        logger.warning if status == "warned" else logger.info)
    log("validation %s of run %s: %s (%s); report %s", stage, run_id, status,
        ", ".join(f"{s.name} {s.passed}/{s.evaluated}" for s in suites), report_path)
    logger.info("Great Expectations Data Docs: %s", data_docs)
    for outcome in result.failures:
        logger.warning("  %s %s %s: %s unexpected%s", outcome.severity, outcome.suite_name,
                       outcome.name, outcome.unexpected_count,
                       f" (error: {outcome.error})" if outcome.error else "")
    return result


# ----------------------------------------------------------------- reading data


def _read_frames(path: Path, stage: str) -> tuple[tuple[SuiteSpec, ...], dict[str, pd.DataFrame]]:
    """Read every asset's DataFrame through one read-only connection, then close it."""
    with duckdb.connect(str(path), read_only=True) as con:
        article_columns: list[str] = []
        if stage == "marts":
            article_columns = [row[0] for row in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'dim_article'").fetchall()]
        specs = suite_specs(stage, dim_article_columns=article_columns)
        frames = {spec.name: con.execute(spec.sql).df() for spec in specs}
    for name, frame in frames.items():
        logger.debug("read %s: %d rows", name, len(frame))
    return specs, frames


# ------------------------------------------------------------------ validating


def _run_checkpoints(context_dir: Path, specs: Sequence[SuiteSpec], frames: Mapping[str, pd.DataFrame],
                     parameters: Mapping[str, Any], gx_run: RunIdentifier) -> tuple[tuple[SuiteResult, ...], Path]:
    """Run each suite's checkpoint on its DataFrame; the results and the Data Docs index."""
    context = open_context(context_dir)
    checkpoints = save_suites(context, specs)
    results = []
    for spec in specs:
        frame = frames[spec.name]
        run = checkpoints[spec.name].run(batch_parameters={"dataframe": frame},
                                         expectation_parameters=dict(parameters), run_id=gx_run)
        (validation,) = run.run_results.values()
        by_name = {r.expectation_config.meta.get("name"): r for r in validation.results}
        outcomes = tuple(_outcome(spec, exp, by_name.get(exp.name)) for exp in spec.expectations)
        results.append(SuiteResult(spec.name, len(frame), outcomes))
    return tuple(results), data_docs_index(context)


def _outcome(spec: SuiteSpec, exp: ExpectationSpec, result: Any) -> ExpectationOutcome:
    if result is None:
        raise RuntimeError(f"Great Expectations returned no result for {spec.name}.{exp.name}")
    detail = result.result or {}
    error = _error_message(result.exception_info)
    sample = detail.get("partial_unexpected_index_list") or detail.get(
        "partial_unexpected_list") or []
    return ExpectationOutcome(
        suite_name=spec.name,
        name=exp.name,
        gx_type=result.expectation_config.type,
        column=exp.column,
        severity=exp.severity,
        description=exp.description,
        condition=exp.condition,
        success=bool(result.success) and error is None,
        element_count=_opt_int(detail.get("element_count")),
        unexpected_count=_opt_int(detail.get("unexpected_count")),
        sample=tuple(_jsonable(v) for v in sample[:SAMPLE_SIZE]),
        error=error,
    )


def _error_message(info: Mapping[str, Any] | None) -> str | None:
    """GX reports an exception either flat or keyed by the metric that raised it."""
    if not info:
        return None
    if "raised_exception" in info:
        return str(info.get("exception_message")) if info.get("raised_exception") else None
    messages = [str(v.get("exception_message")) for v in info.values()
                if isinstance(v, Mapping) and v.get("raised_exception")]
    return "; ".join(messages) or None


def _status(failed_critical: int, failed_warning: int) -> Status:
    if failed_critical:
        return "failed"
    return "warned" if failed_warning else "passed"


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _jsonable(value: Any) -> Any:
    """Plain JSON values from what pandas and GX hand back (Timestamps, NaN, numpy)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "item") and not isinstance(value, (datetime, date)):
        value = value.item()  # numpy scalars
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (int, bool)):
        return value
    if value is pd.NaT:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


# ------------------------------------------------------------------- recording


_INSERT_SQL = """
insert into audit.validation_results
    (run_id, suite_name, expectation, column_name, severity, success,
     unexpected_count, details, validated_at)
values (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _details(outcome: ExpectationOutcome, n_rows: int) -> str:
    return json.dumps({
        "type": outcome.gx_type,
        "description": outcome.description,
        "condition": outcome.condition,
        "rows": n_rows,
        "element_count": outcome.element_count,
        "sample": list(outcome.sample),
        "error": outcome.error,
    }, ensure_ascii=False)


def _write_audit(path: Path, run_id: str, suites: Sequence[SuiteResult],
                 validated_at: datetime) -> None:
    """Replace this run's rows for these suites in one transaction."""
    rows = [
        (run_id, suite.name, o.name, o.column, o.severity, o.success, o.unexpected_count,
         _details(o, suite.n_rows), validated_at)
        for suite in suites for o in suite.outcomes
    ]
    names = [s.name for s in suites]
    with duckdb.connect(str(path)) as con:
        con.begin()
        try:
            con.execute(
                "delete from audit.validation_results where run_id = ? and suite_name in "
                f"({', '.join('?' for _ in names)})", [run_id, *names])
            con.executemany(_INSERT_SQL, rows)
            con.commit()
        except duckdb.Error:
            con.rollback()
            raise
    logger.debug("recorded %d rows in audit.validation_results for run %s", len(rows), run_id)


# --------------------------------------------------------------------- reports


def _report_dict(result: StageResult, as_of: datetime) -> dict[str, Any]:
    return {
        "stage": result.stage,
        "run_id": result.run_id,
        "status": result.status,
        "validated_at_utc": result.validated_at.isoformat(timespec="seconds"),
        "as_of_local": as_of.isoformat(timespec="seconds"),
        "suites": [
            {
                "name": s.name,
                "status": s.status,
                "counts": s.counts(),
                "expectations": [
                    {
                        "name": o.name,
                        "type": o.gx_type,
                        "column": o.column,
                        "condition": o.condition,
                        "severity": o.severity,
                        "description": o.description,
                        "success": o.success,
                        "element_count": o.element_count,
                        "unexpected_count": o.unexpected_count,
                        "sample": list(o.sample),
                        "error": o.error,
                    }
                    for o in s.outcomes
                ],
            }
            for s in result.suites
        ],
    }


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1f2933;
background:#f7f8fa}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin-top:2rem}
.meta{color:#52606d;font-size:.9rem}
table{border-collapse:collapse;width:100%;background:#fff;margin-top:.5rem;font-size:.88rem}
th,td{border:1px solid #d9e2ec;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f7}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:.8rem;font-weight:600;
font-size:.8rem;color:#fff}
.passed{background:#2f855a}.warned{background:#b7791f}.failed{background:#c53030}
tr.fail-critical td{background:#fff5f5}tr.fail-warning td{background:#fffaf0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem;word-break:break-all}
"""


def _badge(status: str) -> str:
    return f'<span class="badge {html.escape(status)}">{html.escape(status)}</span>'


def _render_html(report: Mapping[str, Any]) -> str:
    """A self-contained page: inline CSS, no scripts, no external resources."""
    esc = html.escape
    title = f"Validation {report['stage']} - run {report['run_id']}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        (f"<h1>Validation of stage <code>{esc(report['stage'])}</code> "
         f"{_badge(report['status'])}</h1>"),
        (f'<p class="meta">Run <code>{esc(report["run_id"])}</code> - validated at '
         f"{esc(report['validated_at_utc'])} UTC (dates checked against "
         f"{esc(report['as_of_local'])} UTC+7)</p>"),
        ("<table><tr><th>suite</th><th>status</th><th>rows</th><th>expectations</th>"
         "<th>passed</th><th>failed critical</th><th>failed warning</th></tr>"),
    ]
    for suite in report["suites"]:
        c = suite["counts"]
        parts.append(
            f"<tr><td><code>{esc(suite['name'])}</code></td><td>{_badge(suite['status'])}</td>"
            f"<td>{c['rows']}</td><td>{c['evaluated']}</td><td>{c['passed']}</td>"
            f"<td>{c['failed_critical']}</td><td>{c['failed_warning']}</td></tr>")
    parts.append("</table>")
    for suite in report["suites"]:
        parts.append(f"<h2><code>{esc(suite['name'])}</code> {_badge(suite['status'])}</h2>")
        parts.append("<table><tr><th>expectation</th><th>severity</th><th>column</th>"
                     "<th>result</th><th>unexpected</th><th>description</th>"
                     "<th>failing rows (sample)</th></tr>")
        for exp in suite["expectations"]:
            row_class = "" if exp["success"] else f' class="fail-{esc(exp["severity"])}"'
            outcome = "error" if exp["error"] else ("pass" if exp["success"] else "FAIL")
            column = esc(exp["column"])
            if exp["condition"]:
                column += f"<br><small>where {esc(exp['condition'])}</small>"
            sample = "<br>".join(
                f"<code>{esc(json.dumps(v, ensure_ascii=False))}</code>" for v in exp["sample"])
            if exp["error"]:
                sample = f"<code>{esc(exp['error'])}</code>"
            unexpected = "" if exp["unexpected_count"] is None else str(exp["unexpected_count"])
            parts.append(
                f"<tr{row_class}><td><code>{esc(exp['name'])}</code><br>"
                f"<small>{esc(exp['type'])}</small></td><td>{esc(exp['severity'])}</td>"
                f"<td>{column}</td><td>{outcome}</td><td>{unexpected}</td>"
                f"<td>{esc(exp['description'])}</td><td>{sample}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
