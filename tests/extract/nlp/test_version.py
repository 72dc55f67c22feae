"""EXTRACTOR_VERSION follows the content of the rules: any change re-parses what it affects."""

import shutil

from extract.nlp.version import DECODING_MODULE, NLP_DIR, SEEDS_DIR, content_version, extractor_version


def _copy(tmp_path):
    nlp, seeds, decoding = tmp_path / "nlp", tmp_path / "seeds", tmp_path / "inbox.py"
    shutil.copytree(NLP_DIR, nlp, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SEEDS_DIR, seeds)
    shutil.copy(DECODING_MODULE, decoding)
    return nlp, seeds, decoding


def test_the_same_content_gives_the_same_version(tmp_path):
    nlp, seeds, decoding = _copy(tmp_path)
    assert content_version(nlp, seeds, decoding) == content_version(NLP_DIR, SEEDS_DIR, DECODING_MODULE)
    assert len(extractor_version()) == 16


def test_a_changed_rule_seed_or_decoder_changes_the_version(tmp_path):
    nlp, seeds, decoding = _copy(tmp_path)
    versions = [content_version(nlp, seeds, decoding)]
    calls = nlp / "calls" / "mentions.py"
    calls.write_text(calls.read_text(encoding="utf-8") + "\n# a new trigger word\n", encoding="utf-8")
    versions.append(content_version(nlp, seeds, decoding))
    rule_file = next((nlp / "rules").glob("*.yaml"), None)
    if rule_file is not None:
        rule_file.write_text(rule_file.read_text(encoding="utf-8") + "\n# a new cue\n", encoding="utf-8")
        versions.append(content_version(nlp, seeds, decoding))
    with (seeds / "ref_countries.csv").open("a", encoding="utf-8") as seed:
        seed.write("Testland,TST,name\n")
    versions.append(content_version(nlp, seeds, decoding))
    decoding.write_text(decoding.read_text(encoding="utf-8") + "\n# another encoding\n", encoding="utf-8")
    versions.append(content_version(nlp, seeds, decoding))
    assert len(set(versions)) == len(versions)
