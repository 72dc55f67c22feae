"""The project's Great Expectations Data Context: suites, validation definitions, checkpoints, Data Docs.

A file-backed context (``gx/`` at the repository root unless the caller names another
folder) holds what a GX user looks for:

- ``expectations/<asset>/<stage>.json``: the suites, saved from ``expectations.suites``
  (the one definition) with their open values as suite parameters;
- ``validation_definitions/<asset>.<stage>.json``: each suite on its DataFrame asset
  (a pandas datasource ``warehouse_<stage>``, one dataframe asset per query);
- ``checkpoints/<asset>.<stage>.json``: one checkpoint per suite, with the suite's result
  format (failing rows named by its key columns) and an ``UpdateDataDocsAction``.
  GX 1.x passes one set of batch parameters to every validation definition of a
  checkpoint, and a dataframe asset takes its DataFrame from them: one checkpoint per
  suite is how each suite gets its own DataFrame. Running a checkpoint stores its
  validation result (GX 1.x has no separate store action);
- ``uncommitted/``: the validation results and the Data Docs site (git-ignored).

``save_suites`` brings the committed part in line with the code and writes a file only
when its content changes (GX gives every object a random id; the ids already saved are
kept), so a run leaves ``gx/`` as committed. ``python -m expectations.context [DIR]``
saves every suite of every stage without validating anything (after editing
``expectations/suites.py``, commit what it writes).

Importing this module imports Great Expectations (several seconds): import it inside a
task, never at DAG parse time.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

# Before GX is imported: it logs hundreds of INFO lines while registering.
logging.getLogger("great_expectations").setLevel(logging.WARNING)

import great_expectations as gx
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.data_context import FileDataContext
from great_expectations.exceptions import DataContextError

from expectations.suites import STAGES, SuiteSpec, build_suite, suite_specs

logger = logging.getLogger(__name__)

#: The Data Docs site every checkpoint updates.
SITE_NAME = "local_site"
#: Failing rows shown per expectation in results and reports.
SAMPLE_SIZE = 5
#: Where ``uncommitted/`` puts the site, relative to the context folder.
DATA_DOCS_INDEX = Path("uncommitted") / "data_docs" / SITE_NAME / "index.html"

# The context's configuration, written only into a folder that has none. Our own text rather
# than GX's scaffold: the same stores and site as GX's defaults, with progress bars off (they
# would fill the task logs) and no how-to buttons (the site is a report, not a tutorial).
# GX adds the datasources, its config version and a context id when it first saves.
CONFIG_YML = f"""\
# The Great Expectations Data Context of the news warehouse, written by expectations/context.py.
# Suites, validation definitions and checkpoints are saved from expectations/suites.py:
# edit the suites there, not here. uncommitted/ holds the results and the Data Docs site.
config_version: 4
plugins_directory:
progress_bars:
  globally: false
stores:
  expectations_store:
    class_name: ExpectationsStore
    store_backend:
      class_name: TupleFilesystemStoreBackend
      base_directory: expectations/
  validation_results_store:
    class_name: ValidationResultsStore
    store_backend:
      class_name: TupleFilesystemStoreBackend
      base_directory: uncommitted/validations/
  checkpoint_store:
    class_name: CheckpointStore
    store_backend:
      class_name: TupleFilesystemStoreBackend
      suppress_store_backend_id: true
      base_directory: checkpoints/
  validation_definition_store:
    class_name: ValidationDefinitionStore
    store_backend:
      class_name: TupleFilesystemStoreBackend
      base_directory: validation_definitions/
expectations_store_name: expectations_store
validation_results_store_name: validation_results_store
checkpoint_store_name: checkpoint_store
data_docs_sites:
  {SITE_NAME}:
    class_name: SiteBuilder
    show_how_to_buttons: false
    store_backend:
      class_name: TupleFilesystemStoreBackend
      base_directory: uncommitted/data_docs/{SITE_NAME}/
    site_index_builder:
      class_name: DefaultSiteIndexBuilder
"""


def open_context(context_dir: str | Path) -> FileDataContext:
    """The file-backed context in ``context_dir``, created there (configuration only) if missing."""
    root = Path(context_dir)
    config = root / "great_expectations.yml"
    if not config.exists():
        root.mkdir(parents=True, exist_ok=True)
        config.write_text(CONFIG_YML, encoding="utf-8")
        logger.info("created the Great Expectations context in %s", root)
    return gx.get_context(mode="file", context_root_dir=str(root))


def datasource_name(stage: str) -> str:
    return f"warehouse_{stage}"


def result_format(spec: SuiteSpec) -> dict[str, Any]:
    """SUMMARY results whose sample of failing rows is named by the suite's key columns."""
    return {
        "result_format": "SUMMARY",
        "unexpected_index_column_names": list(spec.key_columns),
        "partial_unexpected_count": SAMPLE_SIZE,
    }


def save_suites(context: FileDataContext, specs: Sequence[SuiteSpec]) -> dict[str, gx.Checkpoint]:
    """Save each suite, its validation definition and its checkpoint; the checkpoints by suite name.

    Idempotent: what already matches the code is read, not written again.
    """
    return {spec.name: _checkpoint(context, spec) for spec in specs}


def _batch_definition(context: FileDataContext, spec: SuiteSpec) -> Any:
    name = datasource_name(spec.stage)
    try:
        source = context.data_sources.get(name)
    except KeyError:
        source = context.data_sources.add_pandas(name=name)
    try:
        asset = source.get_asset(spec.asset)
    except LookupError:
        asset = source.add_dataframe_asset(name=spec.asset)
    try:
        return asset.get_batch_definition(spec.asset)
    except KeyError:
        return asset.add_batch_definition_whole_dataframe(spec.asset)


def _suite(context: FileDataContext, spec: SuiteSpec) -> gx.ExpectationSuite:
    """The saved suite, updated when the code's differs (unchanged expectations keep their ids)."""
    suite = build_suite(spec)
    try:
        saved = context.suites.get(spec.name)
    except DataContextError:
        logger.info("saving suite %s", spec.name)
        return context.suites.add(suite)
    # GX compares expectations with their ids, which a suite built from code lacks: give each
    # expectation the id of its saved twin, so that an unchanged suite compares equal.
    saved_ids = {_without_id(e): e.id for e in saved.expectations}
    for expectation in suite.expectations:
        expectation.id = saved_ids.get(_without_id(expectation))
    if suite == saved:
        return saved
    logger.info("updating suite %s", spec.name)
    return context.suites.add_or_update(suite)


def _without_id(expectation: Any) -> str:
    config = expectation.configuration.to_json_dict()
    config.pop("id", None)
    return json.dumps(config, sort_keys=True, default=str)


def _validation_definition(context: FileDataContext, spec: SuiteSpec) -> gx.ValidationDefinition:
    batch_definition = _batch_definition(context, spec)
    suite = _suite(context, spec)
    try:
        saved = context.validation_definitions.get(spec.name)
    except DataContextError:
        saved = None
    if saved is not None and saved.suite.id == suite.id and saved.batch_definition.id == batch_definition.id:
        return saved
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=spec.name, data=batch_definition, suite=suite))


def _checkpoint(context: FileDataContext, spec: SuiteSpec) -> gx.Checkpoint:
    validation = _validation_definition(context, spec)
    wanted = gx.Checkpoint(
        name=spec.name, validation_definitions=[validation],
        actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[SITE_NAME])],
        result_format=result_format(spec))
    try:
        saved = context.checkpoints.get(spec.name)
    except DataContextError:
        saved = None
    if saved is not None and _same_checkpoint(saved, wanted):
        return saved
    logger.info("saving checkpoint %s", spec.name)
    return context.checkpoints.add_or_update(wanted)


def _same_checkpoint(saved: gx.Checkpoint, wanted: gx.Checkpoint) -> bool:
    return (
        [(v.name, v.id) for v in saved.validation_definitions]
        == [(v.name, v.id) for v in wanted.validation_definitions]
        and [a.dict() for a in saved.actions] == [a.dict() for a in wanted.actions]
        and saved.result_format == wanted.result_format
    )


def data_docs_index(context: FileDataContext) -> Path:
    """The index page of the Data Docs site (it lists every stored validation result)."""
    sites = context.get_docs_sites_urls(site_name=SITE_NAME, only_if_exists=False)
    return Path(unquote(urlparse(sites[0]["site_url"]).path))


def save_all(context_dir: str | Path) -> FileDataContext:
    """Save every suite of every stage into the context in ``context_dir``."""
    context = open_context(context_dir)
    for stage in STAGES:
        save_suites(context, suite_specs(stage))
    return context


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    save_all(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "gx")
