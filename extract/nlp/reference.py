"""Reference data (the dbt seeds) as lookup structures for extraction.

The CSV files in `dbt_project/seeds/` are the one source of truth: dbt loads
them into the warehouse and this module reads the same files.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

FAR_FUTURE = date(9999, 12, 31)
# The country whose press this is: its outlets name their own officials by title alone and leave their own
# country out as the receiver of aid.
HOME_COUNTRY = "VNM"


@dataclass(frozen=True)
class RolePeriod:
    actor_id: str
    canonical_name: str
    name_vi: str
    country_iso3: str
    role: str
    valid_from: date
    valid_to: date | None

    def held_on(self, day: date) -> bool:
        return self.valid_from <= day <= (self.valid_to or FAR_FUTURE)


@dataclass(frozen=True)
class RoleTitle:
    title: str
    role: str
    is_principal: bool
    implied_country: str | None


@dataclass
class Reference:
    countries: dict[str, dict[str, str]]
    country_aliases: dict[str, tuple[str, str]]  # alias -> (iso3, kind)
    titles: dict[str, RoleTitle]                 # lowercase title -> RoleTitle
    role_periods: list[RolePeriod]
    actor_aliases: dict[str, list[tuple[str, str]]]  # alias -> [(actor_id, kind)]
    publishers: dict[str, str]
    fx_rates: dict[tuple[str, int], float] = field(default_factory=dict)
    events: list[tuple[str, date | None, date | None]] = field(default_factory=list)

    @cached_property
    def periods_by_actor(self) -> dict[str, list[RolePeriod]]:
        index: dict[str, list[RolePeriod]] = {}
        for period in self.role_periods:
            index.setdefault(period.actor_id, []).append(period)
        return index

    def holders_between(self, country_iso3: str, role: str, first: date, last: date) -> list[RolePeriod]:
        """Who held `role` for `country_iso3` at any time from `first` to `last`."""
        return [
            p for p in self.role_periods
            if p.country_iso3 == country_iso3 and _role_matches(p.role, role)
            and p.valid_from <= last and (p.valid_to or FAR_FUTURE) >= first
        ]

    def periods(self, actor_id: str, role: str | None = None) -> list[RolePeriod]:
        periods = self.periods_by_actor.get(actor_id, [])
        if role:
            # The press calls an elect by the office he is about to take ("Tổng thống Trump", days before it).
            matching = [p for p in periods if _role_matches(p.role, role) or p.role == f"{role}-elect"]
            if matching:
                return matching
        return periods


def _role_matches(held: str, asked: str) -> bool:
    # 'general secretary and president' holds both roles at once.
    return held == asked or asked in held.split(" and ") or held in asked.split(" and ")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(text).lower()).strip("-")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def load_reference(seeds_dir: Path) -> Reference:
    countries = {row["country_iso3"]: row for row in _read(seeds_dir / "ref_countries.csv")}
    aliases: dict[str, tuple[str, str]] = {}
    for row in countries.values():
        if row.get("name_vi"):
            aliases.setdefault(row["name_vi"], (row["country_iso3"], "name"))
    for row in _read(seeds_dir / "ref_country_aliases.csv"):
        aliases[row["alias"]] = (row["country_iso3"], row["alias_kind"])
    titles = {
        row["title_vi"].lower(): RoleTitle(
            row["title_vi"], row["role"], row["is_principal"].lower() == "true",
            row.get("implied_country_iso3") or None,
        )
        for row in _read(seeds_dir / "ref_role_titles.csv")
    }
    periods = [
        RolePeriod(
            row["actor_id"], row["canonical_name"], row["name_vi"], row["country_iso3"], row["role"],
            _date(row["valid_from"]) or date(1900, 1, 1), _date(row["valid_to"]),
        )
        for row in _read(seeds_dir / "ref_actors.csv")
    ]
    actor_aliases: dict[str, list[tuple[str, str]]] = {}

    def add_alias(alias: str, actor_id: str, kind: str) -> None:
        entries = actor_aliases.setdefault(alias, [])
        if (actor_id, kind) not in entries:
            entries.append((actor_id, kind))

    for period in periods:
        for name in (period.canonical_name, period.name_vi):
            if name:
                add_alias(name, period.actor_id, "full")
                add_alias(strip_accents(name), period.actor_id, "full")
    for row in _read(seeds_dir / "ref_actor_aliases.csv"):
        add_alias(row["alias"], row["actor_id"], row["alias_kind"])
    publishers = {row["marker"]: row["publisher"] for row in _read(seeds_dir / "ref_publishers.csv")}
    fx: dict[tuple[str, int], float] = {}
    fx_path = seeds_dir / "ref_fx_rates.csv"
    if fx_path.exists():
        for row in _read(fx_path):
            fx[(row["currency"], int(row["year"]))] = float(row["usd_per_unit"])
    events = []
    events_path = seeds_dir / "ref_events.csv"
    if events_path.exists():
        events = [
            (row["phrase"], _date(row["not_before"]), _date(row["not_after"]))
            for row in _read(events_path)
        ]
    return Reference(countries, aliases, titles, periods, actor_aliases, publishers, fx, events)
