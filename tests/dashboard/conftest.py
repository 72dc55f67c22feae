from __future__ import annotations

import pytest

from tests.docs.pipeline_warehouse import build_pipeline_warehouse


@pytest.fixture(scope="session")
def pipeline_warehouse(tmp_path_factory):
    """A warehouse published by the real DAG over sample_inbox/ (shared with tests/dashboard)."""
    return build_pipeline_warehouse(tmp_path_factory)
