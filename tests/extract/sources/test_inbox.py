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


def _reasons(inbox):
    import os

    from extract.sources.inbox import Rejected, read_inbox

    return {os.path.relpath(item.source_uri, inbox): item.reason if isinstance(item, Rejected) else "read"
            for item in read_inbox(inbox)}


def test_links_that_loop_folders_and_hidden_folders_each_get_a_row(tmp_path):
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    (tmp_path / "self.txt").symlink_to("self.txt")
    (tmp_path / "empty").mkdir()
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "bai.txt").write_text(ARTICLE, encoding="utf-8")
    loop = "symlink loop: the link never reaches a file"
    assert _reasons(tmp_path) == {
        "a.txt": loop, "b.txt": loop, "self.txt": loop,
        "empty": "empty folder: nothing to read",
        ".git/HEAD": "inside a hidden folder (.git): not read",
        ".git/objects": "inside a hidden folder (.git): not read",
        "deep/er/bai.txt": "read",
    }


def test_a_folder_that_cannot_be_listed_gets_a_row(tmp_path, monkeypatch):
    import os

    (tmp_path / "khoa").mkdir()
    (tmp_path / "khoa" / "bai.txt").write_text(ARTICLE, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        # As root chmod 000 does not stop listing, so the refusal is made here.
        if str(path).endswith("khoa"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _reasons(tmp_path) == {"khoa": "unreadable folder: Permission denied"}


def test_a_file_that_vanishes_or_cannot_be_opened_gets_a_row(tmp_path, monkeypatch):
    import os

    import extract.sources.inbox as inbox

    for name in ("bai.txt", "mat.txt", "khoa.txt"):
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    listed = inbox._entries

    def entries_then_vanish(folder):
        found = listed(folder)
        (tmp_path / "mat.txt").unlink()  # gone between the listing and the reading
        return found

    real_open = os.open

    def open_refusing(path, flags, *args):
        # As root chmod 000 does not stop reading, so the refusal is made here.
        if str(path).endswith("khoa.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(inbox, "_entries", entries_then_vanish)
    monkeypatch.setattr(os, "open", open_refusing)
    assert _reasons(tmp_path) == {
        "bai.txt": "read",
        "mat.txt": "the file vanished while the run was reading the inbox",
        "khoa.txt": "unreadable: Permission denied",
    }


def test_a_file_over_the_size_cap_is_rejected_without_being_read(tmp_path):
    from extract.sources.inbox import MAX_BYTES, content_hash, read_inbox

    with (tmp_path / "lon.txt").open("wb") as handle:
        handle.truncate(MAX_BYTES * 20)  # sparse: made at once, and no memory if it were read
    (item,) = read_inbox(tmp_path)
    assert item.reason == f"file too large ({MAX_BYTES * 20} bytes > {MAX_BYTES}): not read"
    assert item.content_hash == content_hash(b"")


def test_a_fifo_in_place_of_a_file_does_not_block(tmp_path):
    import os

    from extract.sources.inbox import read_file

    os.mkfifo(tmp_path / "ong.txt")
    # read_file opens without blocking and checks what it opened, even when the caller's check was raced.
    assert read_file(tmp_path / "ong.txt").reason == "not a regular file (a fifo)"


def test_a_name_that_is_not_utf8_is_kept_readable(tmp_path):
    import os

    name = os.fsdecode(b"b\xe0i-vi\xeat.txt")
    (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    from extract.sources.inbox import read_inbox

    (item,) = read_inbox(tmp_path)
    assert item.source_uri == str(tmp_path / "b\\xe0i-vi\\xeat.txt")
    item.source_uri.encode("utf-8")  # storable as text


def test_utf8_with_a_stray_byte_reads_as_utf8():
    document = decode_document("/inbox/a.txt", ARTICLE.encode("utf-8") + b"\xff", "text", datetime(2025, 3, 13))
    assert document.text == ARTICLE + "\ufffd"


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", " \u00a0\u200b\n\t".encode(), "\ufeff\u2060".encode("utf-16")])
def test_nothing_but_a_bom_or_invisible_spaces_is_empty(data):
    assert decode_document("/inbox/a.txt", data, "text", datetime(2025, 3, 13)).reason == "empty file"


# Written for this test: the article's first sentence as the VNI and TCVN3 (ABC) font encodings store it.
VNI = "Chieàu 12/3/2025, Thuû töôùng Nhaät Baûn ñaõ coù cuoäc ñieän ñaøm vôùi Toång thoáng Haøn Quoác veà hôïp taùc kinh teá."
TCVN3 = "ChiÒu 12/3/2025, Thñ t\u00adíng NhËt B¶n ®· cã cuéc ®iÖn ®µm víi Tæng thèng Hµn Quèc vÒ hîp t¸c kinh tÕ."


@pytest.mark.parametrize("text", [VNI, TCVN3], ids=["VNI", "TCVN3"])
def test_legacy_font_encodings_are_rejected_with_the_reason(text):
    document = decode_document("/inbox/a.txt", text.encode("cp1252"), "text", datetime(2025, 3, 13))
    assert document.reason.startswith("a legacy Vietnamese font encoding (VNI or TCVN3)")


def test_french_in_a_legacy_code_page_is_not_taken_for_a_font_encoding():
    text = ("Le président a eu un entretien téléphonique avec le Premier ministre, où ils ont évoqué la sécurité "
            "régionale et la coopération économique, prêts à travailler davantage ensemble.")
    assert decode_document("/inbox/a.txt", text.encode("cp1252"), "text", datetime(2025, 3, 13)).text == text
