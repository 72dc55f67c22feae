"""dbt inside Airflow through astronomer-cosmos: dbt runs once, every model is a task.

The DAG file calls `dbt_task_group()` at parse time, so nothing here runs dbt or opens
DuckDB: Cosmos renders the group from `dbt_project/target/manifest.json` (written by
`make manifest`, i.e. `dbt parse`; parsing the DAG file takes ~0.4 s).

Execution is Cosmos's watcher mode (`ExecutionMode.WATCHER`, dbt's Python runner):

- `dbt.dbt_producer_watcher` runs one `dbt build` (seeds, models, unit and data tests,
  in dbt's order) on the build file and pushes each node's result to XCom;
- `dbt.<model>.run` and `dbt.<model>.test` (one pair per model) turn those results into
  task states, so a failing model or test fails a task named after its model.

A red `<model>.test` task logs which of the model's tests failed, and why: the producer
keeps dbt's `run_results.json` in the run's work folder, and each consumer's failure
callback reads its own nodes' results from it.

One DuckDB writer: the producer is the only task that writes the build file. The
consumers only read XCom and run after the producer (never beside it); that order also
lets `airflow dags test`, which runs one task at a time, finish without a triggerer.

Cosmos and dbt are configured only through their public settings:

- the build file: `profiles.yml` reads `env_var('DBT_DUCKDB_PATH')` when dbt runs, and the
  producer's `env` (a templated field) is the path `prepare_build` returned for this run;
- Cosmos's own options come from `AIRFLOW__COSMOS__*` (the Makefile, tests/airflow_runner.py,
  scripts/airflow_stack.py): `ENABLE_WATCHER_RELIABLE_RETRY=False`, because the producer never
  retries, so Cosmos need not back every XCom push up to an Airflow Variable;
- dbt-duckdb's in-process DuckDB handle is released with its public
  `DuckDBConnectionManager.close_all_connections()` after each dbt command.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from extract.tasks.pause import pause_point
from extract.tasks.settings import load_settings

log = logging.getLogger(__name__)

PROFILE_NAME = "news_warehouse"
TARGET_NAME = "dev"
# The files `dbt parse` reads (the Makefile's DBT_PROJECT_FILES): a manifest older than one of them is stale.
DBT_SOURCE_SUFFIXES = (".sql", ".yml", ".csv")
DBT_OUTPUT_DIRS = ("target", "logs", "dbt_packages")


class StaleManifest(RuntimeError):
    """The manifest Cosmos renders the group from is older than the dbt project."""


def manifest_path(dbt_project_dir: Path) -> Path:
    return dbt_project_dir / "target" / "manifest.json"


def check_manifest(dbt_project_dir: Path) -> Path:
    """The manifest's path, once it exists and is newer than every dbt source file.

    A stale manifest renders per-model tasks for nodes the producer's `dbt build` (which parses
    the project itself) no longer reports, and such a task waits for its result forever.
    """
    manifest = manifest_path(dbt_project_dir)
    if not manifest.exists():
        raise FileNotFoundError(f"{manifest} is missing: run `make manifest` (dbt parse) first")
    built = manifest.stat().st_mtime
    for path in _dbt_source_files(dbt_project_dir):
        if path.stat().st_mtime > built:
            raise StaleManifest(f"{manifest} is older than {path}: run `make manifest` (dbt parse), "
                                "or the dbt tasks would wait for nodes dbt no longer builds")
    return manifest


def _dbt_source_files(dbt_project_dir: Path):
    for folder, dirs, files in os.walk(dbt_project_dir):
        if Path(folder) == dbt_project_dir:
            dirs[:] = [d for d in dirs if d not in DBT_OUTPUT_DIRS]
        for name in files:
            if name.endswith(DBT_SOURCE_SUFFIXES):
                yield Path(folder) / name


def dbt_results_path(run_id: str) -> Path:
    from extract.tasks.steps import run_work_dir

    return run_work_dir(load_settings(), run_id) / "dbt_run_results.json"


def after_dbt_command(tmp_project_dir: str, context: Any = None, **_kwargs: Any) -> None:
    """A Cosmos `callback`, run after each dbt command (also a failed one): keep its results, free DuckDB."""
    close_dbt_connection()
    results = Path(tmp_project_dir) / "target" / "run_results.json"
    if context is not None and results.is_file():
        kept = dbt_results_path(context["run_id"])
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results, kept)


def failed_nodes(run_results: dict[str, Any], node_ids: Collection[str]) -> list[tuple[str, str, str]]:
    """(node name, status, dbt's message) for each of `node_ids` that failed, errored or was skipped."""
    failed = []
    for result in run_results.get("results", []):
        if result.get("unique_id") in node_ids and result.get("status") in ("fail", "error", "skipped"):
            name = result["unique_id"].split(".")[2] if result["unique_id"].count(".") >= 2 else result["unique_id"]
            failed.append((name, result["status"], (result.get("message") or "").strip()))
    return sorted(failed)


def report_failed_nodes(node_ids: Collection[str]) -> Callable[[Any], None]:
    """A task failure callback that logs which of `node_ids` failed in the producer's dbt build."""
    watched = frozenset(node_ids)

    def report(context: Any) -> None:
        path = dbt_results_path(context["run_id"])
        if not path.is_file():
            log.error("no dbt run results at %s: see the producer task's log", path)
            return
        for name, status, message in failed_nodes(json.loads(path.read_text(encoding="utf-8")), watched):
            log.error("dbt %s: %s: %s", status, name, message or "(no message)")

    return report


# The producer never ran dbt: nothing will ever report to the per-model tasks.
_PRODUCER_DID_NOT_RUN = frozenset({"upstream_failed", "skipped", "removed"})


def skip_when_dbt_did_not_run(context: Any) -> None:
    """`pre_execute` of every task in the group: a per-model task skips when the producer never ran.

    When validate_raw stops a run, the producer is upstream_failed. Its consumers still start
    (trigger rule all_done, so that a failed build reports per model), and Cosmos would have them
    poll for a result that never comes; they are skipped instead, and the run fails at validate_raw.
    """
    from airflow.sdk.exceptions import AirflowSkipException
    from cosmos.constants import PRODUCER_WATCHER_TASK_ID

    task, ti = context["task"], context["ti"]
    producer_id = getattr(task, "producer_task_id", None)  # set on Cosmos's per-model tasks only
    if producer_id is None or task.task_id == producer_id:
        if task.task_id.rpartition(".")[2] == PRODUCER_WATCHER_TASK_ID:
            pause_point("dbt")  # about to run `dbt build` (a test-only hook, off by default)
        return
    states = ti.get_task_states(dag_id=ti.dag_id, task_ids=[producer_id], run_ids=[context["run_id"]])
    state = states.get(context["run_id"], {}).get(producer_id)
    if state in _PRODUCER_DID_NOT_RUN:
        raise AirflowSkipException(f"dbt did not run in this run ({producer_id} is {state})")


def close_dbt_connection() -> None:
    """Release dbt-duckdb's in-process DuckDB handle.

    Under the scheduler every task is its own process, but `airflow dags test` runs all
    tasks in one: without this, `validate_marts` could not open the build file.
    `close_all_connections()` drops dbt-duckdb's shared environment, and with it the last
    reference to its DuckDB connection, which closes it (the public call a dbt-duckdb
    maintainer gives in https://github.com/duckdb/dbt-duckdb/issues/616). The profile's
    other public switch, `keep_open: false`, also frees it but made `dbt build` ~40% slower here.
    """
    import sys

    if "dbt.adapters.duckdb.connections" not in sys.modules:
        return  # dbt never ran in this process
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()


def dbt_task_group(group_id: str = "dbt", *, build_path: str, **task_group_kwargs: Any):
    """The Cosmos task group that seeds, builds and tests the dbt project on the build file.

    `build_path` is the DuckDB file dbt writes, rendered when the producer runs (a Jinja
    template such as "{{ ti.xcom_pull(task_ids='prepare_build') }}"), never at parse time.
    """
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import (
        PRODUCER_WATCHER_TASK_ID,
        ExecutionMode,
        InvocationMode,
        LoadMode,
        SeedRenderingBehavior,
        TestBehavior,
    )

    project_dir = load_settings().dbt_project_dir
    manifest = check_manifest(project_dir)

    group = DbtTaskGroup(
        group_id=group_id,
        project_config=ProjectConfig(
            dbt_project_path=project_dir,
            manifest_path=manifest,
            install_dbt_deps=False,  # no packages; dbt deps cannot reach the hub anyway
        ),
        profile_config=ProfileConfig(
            profile_name=PROFILE_NAME,
            target_name=TARGET_NAME,
            profiles_yml_filepath=project_dir / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER,
            invocation_mode=InvocationMode.DBT_RUNNER,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            # The producer's `dbt build` runs the tests; `<model>.test` reports them per model. A test on
            # two models (relationships) counts under both, as Cosmos renders it.
            test_behavior=TestBehavior.AFTER_EACH,
            # Seeds are loaded by the producer's `dbt build` (before the models that read them).
            seed_rendering_behavior=SeedRenderingBehavior.NONE,
            emit_datasets=False,
            # Exposures (the dashboard, the analyst queries) are documentation, not work: without this
            # Cosmos warns on every parse that it has no task for them.
            exclude=["resource_type:exposure"],
        ),
        operator_args={
            # profiles.yml reads the build file's path from DBT_DUCKDB_PATH; `env` is templated.
            "env": {"DBT_DUCKDB_PATH": build_path},
            "append_env": True,
            "callback": after_dbt_command,
            "pre_execute": skip_when_dbt_did_not_run,
            # A failed build is a data or code problem, and the watcher producer refuses
            # Airflow retries anyway (a retried consumer would run dbt for its model alone).
            "retries": 0,
            # Consumers start after the producer: their first poke finds the result.
            "deferrable": False,
            "poke_interval": 1,
        },
        **task_group_kwargs,
    )

    producer = next(t for t in group if t.task_id == f"{group.group_id}.{PRODUCER_WATCHER_TASK_ID}")
    # Every consumer waits for the producer, whatever its outcome, so that each one reports
    # its own model's result: a failed model fails its own task, by name.
    roots = set(group.get_roots())
    for task in group:
        if task is producer:
            continue
        if task in roots:
            producer >> task
            task.trigger_rule = "all_done"
        model = getattr(task, "model_unique_id", None)
        if model is not None:
            nodes = producer.tests_per_model.get(model, []) if task.task_id.endswith(".test") else [model]
            task.on_failure_callback = [report_failed_nodes(nodes)]  # a list, as BaseOperator stores it
    return group
