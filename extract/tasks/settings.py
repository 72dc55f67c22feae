"""Where things live: every path the pipeline uses, from the environment with defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    inbox: Path
    warehouse_path: Path
    work_dir: Path
    seeds_dir: Path
    dbt_project_dir: Path
    sources_config: Path | None = None  # feeds to fetch; None: the inbox is the only source
    page_store: Path = PROJECT_ROOT / "var" / "pages"
    # Share of calls or of aid amounts that row-level rules may hold back before a run fails as systemic.
    max_held_back_share: float = 0.25
    # CPU seconds one article may take before it is rejected as pathological (extract.tasks.budget); 0: no limit.
    article_time_budget: float = 60.0
    # The Great Expectations context: suites and checkpoints (committed), results and Data Docs (uncommitted/).
    # A test run names its own, so that runs in parallel never share results or a Data Docs site.
    gx_context_dir: Path = PROJECT_ROOT / "gx"
    # Processes that parse articles (extract.tasks.parse); 0: one per core.
    extract_workers: int = 0

    @property
    def build_path(self) -> Path:
        """The file a run writes; it replaces `warehouse_path` only when the run succeeds."""
        return self.warehouse_path.with_name(self.warehouse_path.name + ".building")

    @property
    def lock_path(self) -> Path:
        """Held by the one run building the warehouse (see extract/warehouse/lock.py)."""
        return self.warehouse_path.with_name(self.warehouse_path.name + ".lock")

    @property
    def reports_dir(self) -> Path:
        return self.warehouse_path.parent / "reports"

    @property
    def data_docs_index(self) -> Path:
        """The Data Docs site's index, where the context's configuration puts it (expectations/context.py)."""
        return self.gx_context_dir / "uncommitted" / "data_docs" / "local_site" / "index.html"


def load_settings() -> Settings:
    var = PROJECT_ROOT / "var"
    return Settings(
        inbox=Path(os.environ.get("NEWS_INBOX", PROJECT_ROOT / "sample_inbox")).resolve(),
        warehouse_path=Path(os.environ.get("WAREHOUSE_PATH", var / "warehouse.duckdb")).resolve(),
        work_dir=Path(os.environ.get("PIPELINE_WORK_DIR", var / "runs")).resolve(),
        seeds_dir=PROJECT_ROOT / "dbt_project" / "seeds",
        dbt_project_dir=PROJECT_ROOT / "dbt_project",
        sources_config=Path(os.environ["NEWS_SOURCES"]).resolve() if os.environ.get("NEWS_SOURCES") else None,
        page_store=Path(os.environ.get("PAGE_STORE", var / "pages")).resolve(),
        max_held_back_share=float(os.environ.get("QUARANTINE_MAX_SHARE", "0.25")),
        article_time_budget=float(os.environ.get("ARTICLE_TIME_BUDGET", "60")),
        gx_context_dir=Path(os.environ.get("GX_CONTEXT_DIR", PROJECT_ROOT / "gx")).resolve(),
        extract_workers=int(os.environ.get("EXTRACT_WORKERS", "0")),
    )
