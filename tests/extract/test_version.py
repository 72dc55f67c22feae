"""EXTRACTOR_VERSION follows the content of the rules: any change re-parses what it affects."""

import shutil

from extract.version import NLP_MODULES, PACKAGE_DIR, SEEDS_DIR, content_version, extractor_version


def _copy(tmp_path):
    package, seeds = tmp_path / "extract", tmp_path / "seeds"
    package.mkdir()
    for name in NLP_MODULES:
        shutil.copy(PACKAGE_DIR / f"{name}.py", package)
    shutil.copytree(SEEDS_DIR, seeds)
    return package, seeds


def test_the_same_content_gives_the_same_version(tmp_path):
    package, seeds = _copy(tmp_path)
    assert content_version(package, seeds) == content_version(PACKAGE_DIR, SEEDS_DIR)
    assert len(extractor_version()) == 16


def test_a_changed_rule_or_seed_changes_the_version(tmp_path):
    package, seeds = _copy(tmp_path)
    before = content_version(package, seeds)
    calls = package / "calls.py"
    calls.write_text(calls.read_text(encoding="utf-8") + "\n# a new trigger word\n", encoding="utf-8")
    after_rule = content_version(package, seeds)
    with (seeds / "ref_countries.csv").open("a", encoding="utf-8") as seed:
        seed.write("Testland,TST,name\n")
    after_seed = content_version(package, seeds)
    assert len({before, after_rule, after_seed}) == 3
