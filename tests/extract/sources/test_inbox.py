"""Reading files as a person reads them: any common encoding or normal form gives the same article."""

import unicodedata
from datetime import datetime

import pytest

from extract.nlp.pipeline import process_document
from extract.sources.inbox import decode_document

# Written for this test.
ARTICLE = ("Thủ tướng Nhật Bản điện đàm với Tổng thống Hàn Quốc\n"
           "Chiều 12/3/2025, Thủ tướng Nhật Bản đã có cuộc điện đàm với Tổng thống Hàn Quốc về hợp tác kinh tế,"
           " an ninh và ứng phó với thiên tai trong khu vực.\n"
           "Hai nhà lãnh đạo nhất trí tăng cường trao đổi đoàn các cấp và phối hợp chặt chẽ tại các diễn đàn đa phương.\n")


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese is written in it: a letter with its shape mark (â, ơ, ư...)
    precomposed, and the tone mark as a combining character after it."""
    clusters: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and clusters:
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
    written = []
    for base, *marks in clusters:
        shape = "".join(m for m in marks if m not in _TONES)
        written.append(unicodedata.normalize("NFC", base + shape) + "".join(m for m in marks if m in _TONES))
    return "".join(written).encode("cp1258")


FORMS = {
    "utf-8": ARTICLE.encode("utf-8"),
    "utf-8 with BOM": b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"),
    "utf-16 with BOM": ARTICLE.encode("utf-16"),
    "utf-32 with BOM": ARTICLE.encode("utf-32"),
    "windows-1258": _cp1258(ARTICLE),
    "NFD": unicodedata.normalize("NFD", ARTICLE).encode("utf-8"),
    "UTF-8 read as Latin-1 and saved again": ARTICLE.encode("utf-8").decode("latin-1").encode("utf-8"),
    "zero-width and non-breaking spaces": ARTICLE.replace("Nhật Bản", "Nhật\u00a0Bản").replace("Hàn", "H\u200bàn").encode(),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_form_reads_as_the_same_text(form):
    document = decode_document(f"/inbox/{form}.txt", FORMS[form], "text", datetime(2025, 3, 13))
    assert document.text == ARTICLE, form


def test_every_form_gives_the_same_article_and_facts(gazetteer):
    rows = [process_document(decode_document("/inbox/a.txt", data, "text", datetime(2025, 3, 13)), gazetteer, "r").tables
            for data in FORMS.values()]
    assert {r["articles"][0]["article_id"] for r in rows} == {rows[0]["articles"][0]["article_id"]}
    assert all(r["article_calls"] == rows[0]["article_calls"] for r in rows)
    assert [c["call_date"] for c in rows[0]["article_calls"]] == ["2025-03-12"]


def test_every_entry_of_the_inbox_is_read_or_rejected_with_a_reason(tmp_path):
    import os

    from extract.sources.inbox import Rejected, read_inbox

    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    (inbox / "bai.txt").write_text(ARTICLE, encoding="utf-8")
    (outside / "secret.txt").write_text(ARTICLE, encoding="utf-8")
    (inbox / "ra-ngoai.txt").symlink_to(outside / "secret.txt")
    (inbox / "ban-sao.txt").symlink_to(inbox / "bai.txt")
    (inbox / "hong.txt").symlink_to(inbox / "khong-co.txt")
    (inbox / "thu-muc").symlink_to(outside, target_is_directory=True)
    (inbox / ".DS_Store").write_bytes(b"\x00\x01")
    os.mkfifo(inbox / "ong.txt")
    items = read_inbox(inbox)
    reasons = {os.path.basename(item.source_uri): item.reason for item in items if isinstance(item, Rejected)}
    assert reasons == {
        "ra-ngoai.txt": f"symlink to {outside / 'secret.txt'}, outside the inbox: not read",
        "hong.txt": f"broken symlink to {inbox / 'khong-co.txt'}",
        "thu-muc": f"symlink to {outside}, outside the inbox: not read",
        ".DS_Store": "hidden file (its name starts with '.'): not read",
        "ong.txt": "not a regular file (a fifo)",
    }
    readable = [item for item in items if not isinstance(item, Rejected)]
    # the symlink inside the inbox reads the file it points to, as an input of its own name
    assert sorted(item.source_uri for item in readable) == [str(inbox / "bai.txt"), str(inbox / "ban-sao.txt")]
    assert readable[0].text == readable[1].text
    assert len(items) == 7  # every entry accounted for


def test_the_sources_package_reads_and_decodes_without_the_nlp_package():
    # The dependency goes one way: extract.nlp reads documents from extract.sources, never the reverse.
    import subprocess
    import sys

    from extract.tasks.settings import PROJECT_ROOT

    script = (
        "import sys\n"
        "import extract.sources.check, extract.sources.fetch, extract.sources.inbox as inbox\n"
        f"doc = inbox.decode_document('a.txt', {FORMS['windows-1258']!r}, 'text', None)\n"
        f"assert doc.text == {ARTICLE!r}, doc\n"
        "print(sorted(m for m in sys.modules if m.startswith('extract.nlp')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("text", "share"), [("Việt Nam", 1 / 7), ("Viet Nam", 0.0), ("", 0.0), ("123 !", 0.0), ("ĐƯỜNG", 3 / 5)])
def test_vietnamese_letter_share(text, share):
    from extract.nlp.sentences import vietnamese_letter_share as seen_by_nlp
    from extract.sources.inbox import vietnamese_letter_share

    assert vietnamese_letter_share(text) == pytest.approx(share)
    assert seen_by_nlp is vietnamese_letter_share
