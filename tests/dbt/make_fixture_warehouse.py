"""Build a tiny fixture warehouse and run the dbt project over it.

Used by ``test_dbt_build.py``; also runnable by hand::

    .venv/bin/python tests/dbt/make_fixture_warehouse.py /tmp/fixture.duckdb

The raw rows are chosen to exercise the marts' business rules:

* two articles (different publishers) report the same RUS-USA call on
  2024-06-25, listing the participants in different orders; one names both
  people, the other names the Russian person and only the US role;
* the first article also reports a second, earlier dated call (USA-JPN,
  video) with a Japanese participant the reference data does not know;
* the second article also dates a GBR-JPN call after its own publication
  (held back in ``audit.quarantine``);
* a third article without a publisher reports an undated call (a call of
  its own in ``fct_call``, date null, precision ``unknown``) and an aid amount
  in GBP; the first reports one in USD.

Reference actors are taken from the real seeds at run time (whoever holds a
role in the right country on the call dates), so the fixture does not
depend on particular slugs in ``ref_actors.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

REPO_DIR = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_DIR / "dbt_project"
SCHEMA_SQL = REPO_DIR / "extract" / "warehouse" / "schema.sql"

CALL_DATE = dt.date(2024, 6, 25)
SECOND_CALL_DATE = dt.date(2024, 5, 30)
LATE_CALL_DATE = dt.date(2024, 8, 1)  # after every fixture article was published
NON_REFERENCE_ACTOR_ID = "fixture-kenji-yamada"
FIXTURE_COUNTRIES = ("RUS", "USA", "UKR", "GBR", "JPN")
PREFERRED_ROLES = ("defence minister", "president", "foreign minister", "prime minister")

QUIET_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
}


@dataclass
class ReferenceActor:
    actor_id: str
    name: str
    role: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass
class Fixture:
    """What the fixture loaded, for the assertions."""

    russian: ReferenceActor | None
    american: ReferenceActor | None
    gbp_rate_2024: float | None
    article_ids: dict[str, str] = field(default_factory=dict)


def _parse_date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    return dt.date.fromisoformat(value) if value else None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def missing_countries(seeds_dir: Path) -> list[str]:
    known = {
        row["country_iso3"].strip().upper() for row in _read_csv(seeds_dir / "ref_countries.csv")
    }
    return [iso3 for iso3 in FIXTURE_COUNTRIES if iso3 not in known]


def choose_reference_actor(
    seeds_dir: Path, country_iso3: str, on_dates: tuple[dt.date, ...]
) -> ReferenceActor | None:
    """A reference actor of the country holding one role on all the dates."""
    candidates = []
    for row in _read_csv(seeds_dir / "ref_actors.csv"):
        if row["country_iso3"].strip().upper() != country_iso3:
            continue
        valid_from, valid_to = _parse_date(row["valid_from"]), _parse_date(row["valid_to"])
        if all(
            (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)
            for day in on_dates
        ):
            role = row["role"].strip().lower()
            rank = PREFERRED_ROLES.index(role) if role in PREFERRED_ROLES else len(PREFERRED_ROLES)
            candidates.append(
                (
                    rank,
                    row["actor_id"].strip(),
                    ReferenceActor(
                        actor_id=row["actor_id"].strip(),
                        name=(row.get("name_vi") or row["canonical_name"]).strip(),
                        role=role,
                        valid_from=valid_from,
                        valid_to=valid_to,
                    ),
                )
            )
    if not candidates:
        return None
    return min(candidates, key=lambda item: item[:2])[2]


def fx_rate(seeds_dir: Path, currency: str, year: int) -> float | None:
    for row in _read_csv(seeds_dir / "ref_fx_rates.csv"):
        if row["currency"].strip().upper() == currency and int(row["year"]) == year:
            return float(row["usd_per_unit"])
    return None


def _participant(
    call_id,
    index,
    country,
    actor=None,
    role=None,
    name=None,
    canonical=None,
    actor_id=None,
    is_reference=None,
):
    if actor is not None:
        return (call_id, index, actor.actor_id, country, actor.role, actor.name, None, True)
    return (call_id, index, actor_id, country, role, name, canonical, bool(is_reference))


def build_fixture_warehouse(db_path: Path, seeds_dir: Path = DBT_PROJECT_DIR / "seeds") -> Fixture:
    """Create the warehouse file with the raw schema and a handful of raw rows."""
    russian = choose_reference_actor(seeds_dir, "RUS", (CALL_DATE,))
    american = choose_reference_actor(seeds_dir, "USA", (CALL_DATE, SECOND_CALL_DATE))
    fixture = Fixture(
        russian=russian,
        american=american,
        gbp_rate_2024=fx_rate(seeds_dir, "GBP", 2024),
        article_ids={
            "a1": "fixture-article-1",
            "a2": "fixture-article-2",
            "a3": "fixture-article-3",
        },
    )
    a1, a2, a3 = (fixture.article_ids[key] for key in ("a1", "a2", "a3"))
    fetched = dt.datetime(2024, 6, 27, 9, 0)

    articles = [
        (
            a1,
            "inbox/a1.txt",
            "https://vnexpress.net/a1",
            "VnExpress",
            "Mỹ - Nga điện đàm",
            dt.datetime(2024, 6, 26, 8, 15),
            dt.date(2024, 6, 26),
            "minute",
            "byline",
            fetched,
            "body 1",
            "hash-1",
            3,
            "test",
            "run-1",
        ),
        (
            a2,
            "inbox/a2.txt",
            None,
            "Tuổi Trẻ",
            "Bộ trưởng Quốc phòng Nga, Mỹ điện đàm",
            dt.datetime(2024, 6, 26, 0, 0),
            dt.date(2024, 6, 26),
            "day",
            "dateline",
            fetched,
            "body 2",
            "hash-2",
            2,
            "test",
            "run-1",
        ),
        (
            a3,
            "inbox/a3.txt",
            None,
            None,
            "Anh viện trợ Ukraine",
            None,
            dt.date(2024, 2, 1),
            "month",
            "url",
            fetched,
            "body 3",
            "hash-3",
            2,
            "test",
            "run-1",
        ),
    ]
    sentences = [
        (a1, 0, "Ngày 25/6, hai bộ trưởng quốc phòng Mỹ và Nga đã điện đàm."),
        (a1, 1, "Cuộc điện đàm do phía Mỹ đề nghị."),
        (
            a1,
            2,
            "Ngày 30/5, hai bộ trưởng Mỹ và Nhật Bản đã hội đàm trực tuyến; Mỹ viện trợ 61 tỷ USD.",
        ),
        (a2, 0, "Bộ trưởng Quốc phòng Nga đã điện đàm với người đồng cấp Mỹ ngày 25/6."),
        (a2, 1, "Không có thêm chi tiết."),
        (a3, 0, "Anh cam kết viện trợ khoảng 3 tỷ bảng cho Ukraine."),
        (a3, 1, "Hai bên từng điện đàm."),
    ]
    article_calls = [
        (
            "ac-1",
            a1,
            0,
            sentences[0][2],
            CALL_DATE,
            "day",
            "explicit",
            "phone",
            "USA",
            american.actor_id if american else None,
            "do phía Mỹ đề nghị",
            0.9,
        ),
        (
            "ac-2",
            a2,
            0,
            sentences[3][2],
            CALL_DATE,
            "day",
            "explicit",
            "phone",
            None,
            None,
            None,
            0.8,
        ),
        (
            "ac-3",
            a1,
            2,
            sentences[2][2],
            SECOND_CALL_DATE,
            "day",
            "explicit",
            "video",
            None,
            None,
            None,
            0.7,
        ),
        ("ac-4", a3, 1, sentences[6][2], None, "unknown", "unknown", "phone", None, None, None, 0.4),
        # dated after the article reporting it: held back in audit.quarantine, the rest publishes
        ("ac-5", a2, 1, sentences[4][2], LATE_CALL_DATE, "day", "explicit", "phone", None, None, None, 0.9),
    ]
    participants = [
        # article 1 names both people, US first
        _participant(
            "ac-1",
            0,
            "USA",
            actor=american,
            role="defence minister",
            name="Bộ trưởng Quốc phòng Mỹ",
        ),
        _participant(
            "ac-1",
            1,
            "RUS",
            actor=russian,
            role="defence minister",
            name="Bộ trưởng Quốc phòng Nga",
        ),
        # article 2 names the Russian person and only the US role, Russia first
        _participant(
            "ac-2",
            0,
            "RUS",
            actor=russian,
            role="defence minister",
            name="Bộ trưởng Quốc phòng Nga",
        ),
        _participant("ac-2", 1, "USA", role="defence minister", name="người đồng cấp Mỹ"),
        # the earlier video call, with a person the reference data does not know
        _participant(
            "ac-3",
            0,
            "USA",
            actor=american,
            role="defence minister",
            name="Bộ trưởng Quốc phòng Mỹ",
        ),
        _participant(
            "ac-3",
            1,
            "JPN",
            role="defence minister",
            name="Kenji Yamada",
            canonical="Kenji Yamada",
            actor_id=NON_REFERENCE_ACTOR_ID,
            is_reference=False,
        ),
        # the undated call
        _participant("ac-4", 0, "GBR", role="prime minister", name="Thủ tướng Anh"),
        _participant("ac-4", 1, "UKR", role="president", name="Tổng thống Ukraine"),
        _participant("ac-5", 0, "GBR", role="prime minister", name="Thủ tướng Anh"),
        _participant("ac-5", 1, "JPN", role="prime minister", name="Thủ tướng Nhật Bản"),
    ]
    evidence = [
        ("ac-1", a1, 0, sentences[0][2]),
        ("ac-1", a1, 1, sentences[1][2]),
        ("ac-2", a2, 0, sentences[3][2]),
        ("ac-3", a1, 2, sentences[2][2]),
        ("ac-4", a3, 1, sentences[6][2]),
        ("ac-5", a2, 1, sentences[4][2]),
    ]
    aid_mentions = [
        (
            "aid-usd",
            a1,
            2,
            sentences[2][2],
            "USA",
            "UKR",
            61_000_000_000.0,
            "USD",
            False,
            "military",
            "approved",
            dt.date(2024, 4, 24),
            0.9,
        ),
        (
            "aid-gbp",
            a3,
            0,
            sentences[5][2],
            "GBR",
            "UKR",
            3_000_000_000.0,
            "GBP",
            True,
            "military",
            "announced",
            dt.date(2024, 2, 23),
            0.8,
        ),
    ]

    db_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path)) as con:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        # loaded_at: every fixture article was loaded by this one load
        con.executemany("insert into raw.articles values (" + ", ".join("?" * 15) + ", current_timestamp)", articles)
        con.executemany("insert into raw.sentences values (?, ?, ?)", sentences)
        con.executemany(
            "insert into raw.article_calls values (" + ", ".join("?" * 12) + ")", article_calls
        )
        con.executemany(
            "insert into raw.article_call_participants values (" + ", ".join("?" * 8) + ")",
            participants,
        )
        con.executemany("insert into raw.article_call_evidence values (?, ?, ?, ?)", evidence)
        con.executemany(
            "insert into raw.aid_mentions values (" + ", ".join("?" * 13) + ")", aid_mentions
        )
    return fixture


def release_dbt_connection() -> None:
    """Close the DuckDB handle dbt-duckdb keeps in-process after a run (its public call, as the DAG does)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()


def run_dbt(args: list[str], db_path: Path, work_dir: Path, project_dir: Path = DBT_PROJECT_DIR):
    """Invoke dbt in-process on the fixture warehouse; artefacts go under work_dir."""
    from dbt.cli.main import dbtRunner

    env = {**QUIET_ENV, "DBT_DUCKDB_PATH": str(db_path)}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        result = dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(project_dir),
                "--target-path",
                str(work_dir / "target"),
                "--log-path",
                str(work_dir / "logs"),
            ]
        )
    finally:
        release_dbt_connection()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return result


def summarise(result) -> dict[str, int]:
    """Counts of node statuses in a dbtRunner result (pass, warn, error, fail, ...)."""
    counts: dict[str, int] = {}
    for node_result in getattr(result.result, "results", None) or []:
        status = str(node_result.status).lower().split(".")[-1]
        counts[status] = counts.get(status, 0) + 1
    return counts


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    db_path = Path(argv[1]).resolve()
    project_dir = Path(argv[2]).resolve() if len(argv) > 2 else DBT_PROJECT_DIR
    if db_path.exists():
        db_path.unlink()
    build_fixture_warehouse(db_path, project_dir / "seeds")
    work_dir = db_path.parent / (db_path.stem + "_dbt")
    for args in (["seed"], ["build"]):
        result = run_dbt(args, db_path, work_dir, project_dir)
        print(" ".join(args), "success" if result.success else "FAILED", summarise(result))
        if not result.success:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
