"""A hostile inbox: one good article, its odd-but-readable variants, and many kinds of bad input.

Every text here was written for this test. `build_hostile_inbox` writes each kind into a fresh
inbox and returns the list of kinds, so a reader (and the test) sees what each entry is and
what the run should make of it.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import socket
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.extract.sources.test_inbox import _cp1258

TITLE = "Thủ tướng Nhật Bản Kishida Fumio điện đàm với Tổng thống Hàn Quốc Yoon Suk Yeol"
DATELINE = "Thứ Năm, 15/6/2023 09:20 (GMT+7)"
BODY = [
    "Tối 14/6/2023, Thủ tướng Nhật Bản Kishida Fumio đã điện đàm với Tổng thống Hàn Quốc Yoon Suk Yeol "
    "theo đề nghị của phía Hàn Quốc, trao đổi về hợp tác kinh tế và an ninh khu vực.",
    "Hai nhà lãnh đạo nhất trí duy trì liên lạc thường xuyên, thúc đẩy trao đổi thanh niên và phối hợp "
    "chặt chẽ trong việc ứng phó với biến đổi khí hậu.",
    "Tổng thống Yoon Suk Yeol bày tỏ mong muốn sớm đón Thủ tướng Kishida Fumio sang thăm Seoul vào thời "
    "gian thích hợp.",
]
GOOD = "\n".join([TITLE, DATELINE, *BODY]) + "\n"
# The call the good article reports, as marts.fct_call holds it.
GOOD_CALL = ("2023-06-14", "JPN|KOR")

# Outside the inbox: an article with a phrase found nowhere else. It must never reach the warehouse.
SECRET_PHRASE = "Bí-mật-ngoài-hộp-thư-Q7Z"
SECRET = (f"Thủ tướng Anh điện đàm với Tổng thống Pháp về {SECRET_PHRASE}\n"
          f"Chiều 3/5/2023, Thủ tướng Anh Rishi Sunak đã điện đàm với Tổng thống Pháp Emmanuel Macron về "
          f"{SECRET_PHRASE} và hợp tác quốc phòng giữa hai nước trong thời gian tới.\n")

ENGLISH = ("Japanese Prime Minister holds phone talks with South Korean President\n"
           "On the evening of June 14, the two leaders agreed to keep in close contact on economic and security "
           "cooperation, youth exchanges and the response to climate change in the region.\n")

MENU_PAGE = ("<html><head><title>Trang chủ</title></head><body><nav><ul>"
             + "".join(f"<li><a href='/{i}'>{w}</a></li>" for i, w in enumerate(
                 ["Thời sự", "Thế giới", "Kinh doanh", "Giải trí", "Thể thao", "Pháp luật", "Giáo dục", "Sức khỏe"]))
             + "</ul></nav><footer>Liên hệ | Quảng cáo | Điều khoản</footer></body></html>")


def html_page(head: str = "", before: str = "", after: str = "", body: list[str] | None = None,
              escape: Callable[[str], str] = lambda s: s) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>\n" for p in (body or BODY))
    return (f"<!DOCTYPE html>\n<html lang='vi'><head><meta charset='utf-8'><title>{escape(TITLE)}</title>{head}</head>\n"
            f"<body>{before}<article><h1>{escape(TITLE)}</h1>\n<p class='date'>{DATELINE}</p>\n{paragraphs}</article>"
            f"{after}</body></html>\n")


def entities(text: str) -> str:
    """Every non-ASCII letter as an HTML entity, named or numeric."""
    named = {"à": "&agrave;", "á": "&aacute;", "â": "&acirc;", "ã": "&atilde;", "è": "&egrave;", "é": "&eacute;",
             "ê": "&ecirc;", "ì": "&igrave;", "í": "&iacute;", "ò": "&ograve;", "ó": "&oacute;", "ô": "&ocirc;",
             "õ": "&otilde;", "ù": "&ugrave;", "ú": "&uacute;", "ý": "&yacute;"}
    return "".join(named.get(ch, f"&#{ord(ch)};" if ord(ch) > 127 else ch) for ch in text)


def mixed_normal_forms(text: str) -> str:
    """Every other line decomposed (NFD), the rest composed: as text pasted from two editors."""
    lines = text.split("\n")
    return "\n".join(unicodedata.normalize("NFD" if i % 2 else "NFC", line) for i, line in enumerate(lines))


def as_windows_1252(data: bytes) -> str:
    """Bytes read as Windows-1252 the way browsers do: the five bytes it leaves undefined as C1 controls."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}


def vni(text: str) -> bytes:
    """Text as the VNI-Windows font encoding writes it (a close approximation: the base letter, then
    Latin-1 letters standing for its shape and tone marks), saved as Windows-1252 bytes."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if ch in _VNI_TONES:
            out.append(_VNI_TONES[ch])
        elif ch == "\u0302":
            out.append("â")
        elif ch == "\u0306":
            out.append("ê")
        elif ch == "\u031b":
            out[-1] = {"o": "ô", "u": "ö", "O": "Ô", "U": "Ö"}.get(out[-1], out[-1])
        elif ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
        else:
            out.append(ch)
    return "".join(out).encode("cp1252")


@dataclass(frozen=True)
class Kind:
    """One kind of input: its entry in the inbox and what the run must make of it.

    expect: 'good' (the good article: loaded or a duplicate of it, with its article_id),
    'same-facts' (the good article with something around it, a web page or a damaged byte: loaded or
    a duplicate, and its call), 'rejected' (a ledger row saying why, `reason` a part of it).
    """

    name: str
    entry: str
    expect: str
    reason: str = ""


def build_hostile_inbox(inbox: Path, outside: Path) -> tuple[list[Kind], list[str]]:
    """Write every kind into `inbox` (outside files into `outside`); returns the kinds, and those skipped with why."""
    inbox.mkdir(parents=True)
    outside.mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "secret-too.txt").write_text(SECRET, encoding="utf-8")
    kinds: list[Kind] = []
    skipped: list[str] = []

    def add(name: str, entry: str, data: bytes | str | None, expect: str, reason: str = "") -> Path:
        path = inbox / entry
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is not None:
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        kinds.append(Kind(name, entry, expect, reason))
        return path

    good_utf8 = GOOD.encode("utf-8")
    # The good article and the forms a person reads as the same text.
    add("the good article, UTF-8", "good.txt", good_utf8, "good")
    add("UTF-8 with a BOM", "v-utf8-bom.txt", codecs.BOM_UTF8 + good_utf8, "good")
    add("UTF-16 LE with a BOM", "v-utf16le.txt", codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"), "good")
    add("UTF-16 BE with a BOM", "v-utf16be.txt", codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be"), "good")
    add("UTF-32 with a BOM", "v-utf32.txt", GOOD.encode("utf-32"), "good")
    add("Windows-1258 (tone marks combining)", "v-cp1258.txt", _cp1258(GOOD), "good")
    add("UTF-8 read as Latin-1 and saved again (mojibake)", "v-mojibake.txt",
        good_utf8.decode("latin-1").encode("utf-8"), "good")
    add("UTF-8 read as Windows-1252 and saved again", "v-mojibake-1252.txt", as_windows_1252(good_utf8).encode(),
        "good")
    add("decomposed letters (NFD)", "v-nfd.txt", unicodedata.normalize("NFD", GOOD), "good")
    add("NFC and NFD mixed line by line", "v-mixed-nf.txt", mixed_normal_forms(GOOD), "good")
    add("zero-width spaces and joiners inside words", "v-zero-width.txt",
        GOOD.replace("Kishida", "Ki\u200bshida").replace("Hàn", "H\u200dàn").replace("điện", "\u2060điện"), "good")
    add("non-breaking spaces", "v-nbsp.txt", GOOD.replace("Nhật Bản", "Nhật\u00a0Bản").replace(" với ", "\u00a0với\u202f"),
        "good")
    add("Windows line ends (CRLF)", "v-crlf.txt", GOOD.replace("\n", "\r\n"), "good")
    add("old Mac line ends (CR only)", "v-cr.txt", GOOD.replace("\n", "\r"), "good")
    add("tabs and runs of spaces between words", "v-tabs.txt",
        GOOD.replace("Tối 14/6/2023, ", "Tối 14/6/2023,\t").replace("nhất trí", "nhất  \t trí"), "good")
    add("an upper-case extension (.TXT)", "V-UPPER.TXT", good_utf8, "good")
    add("a .text extension", "v-ext.text", good_utf8, "good")
    # The damaged byte stays in the text (as U+FFFD), so the article is a different one with the same call.
    add("a UTF-8 file with a stray invalid byte at the end", "v-stray-byte.txt", good_utf8 + b"\xff", "same-facts")
    add("an article in a folder two levels down", "nested/deeper/good-copy.txt", good_utf8, "good")
    link = add("a symlink inside the inbox to the good article", "link-to-good.txt", None, "good")
    link.symlink_to(inbox / "good.txt")
    link = add("a chain of symlinks inside the inbox", "link-to-link.txt", None, "good")
    link.symlink_to("link-to-good.txt")

    # The good article as web pages.
    add("HTML page", "h-plain.html", html_page(), "same-facts")
    add("HTML with scripts, styles and a tracking pixel", "h-scripts.html",
        html_page(head="<script>var tin = 'Tổng thống Pháp điện đàm với Thủ tướng Đức';</script>"
                       "<style>p { color: red }</style>",
                  after="<script>document.write('<p>quảng cáo</p>')</script><img src='x.gif' width=1>"), "same-facts")
    add("HTML with comments, one hiding another call", "h-comments.html",
        html_page(before="<!-- Tổng thống Mỹ điện đàm với Chủ tịch Trung Quốc ngày 1/4/2023 -->",
                  after="<!-- hết bài -->"), "same-facts")
    add("HTML with every Vietnamese letter as an entity", "h-entities.htm", html_page(escape=entities), "same-facts")
    add("HTML with broken tags (unclosed, stray closing, bad nesting)", "h-broken.html",
        html_page().replace("</p>", "", 2).replace("<article>", "<article><div><b><i>").replace("</article>",
                                                                                                  "</b></div></span>"),
        "same-facts")
    add("HTML in Windows-1258 declaring its charset", "h-cp1258.html",
        _cp1258(html_page().replace("charset='utf-8'", "charset='windows-1258'")), "same-facts")
    add("HTML in UTF-16 with a BOM", "h-utf16.html", html_page().encode("utf-16"), "same-facts")

    # Legacy Vietnamese font encodings: not read (no decoder for them), rejected with the reason.
    add("VNI-Windows legacy font encoding", "legacy-vni.txt", vni(GOOD), "rejected")

    # Not text, or not an article.
    add("a gzip file", "good.txt.gz", gzip.compress(good_utf8, mtime=0), "rejected", "unsupported file type")
    add("gzip bytes named .txt", "gzipped.txt", gzip.compress(good_utf8, mtime=0), "rejected")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bai.txt", GOOD)
    add("a zip archive", "articles.zip", buffer.getvalue(), "rejected", "unsupported file type")
    add("zip bytes named .html", "zipped.html", buffer.getvalue(), "rejected")
    pdf = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstream\n"
           + bytes(range(256)) * 8 + b"\nendstream\n%%EOF\n")
    add("a PDF-like binary named .txt", "report.txt", pdf, "rejected")
    add("a PNG-like binary named .html", "image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "rejected")
    add("an empty .txt (0 bytes)", "empty.txt", b"", "rejected", "empty")
    add("an empty .html (0 bytes)", "empty.html", b"", "rejected", "empty")
    add("whitespace only (spaces, tabs, line ends, NBSP)", "blank.txt", " \t\r\n\n  \u00a0\u200b\n", "rejected", "empty")
    add("a BOM and nothing else", "bom-only.txt", codecs.BOM_UTF8, "rejected", "empty")
    huge = add("a file over the size cap (sparse)", "huge.txt", None, "rejected", "too large")
    with huge.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)
    # Well under the size cap, and far longer than any news story: it takes more than the run's time
    # budget per article (the test sets it), so it is given up with the reason.
    add("an article far longer than any news story (4.5 MB of sentences)", "endless.txt",
        GOOD + "\n".join(BODY[1:] * 14_000), "rejected", "took longer than")
    add("one very long line (no line end, no full stop)", "long-line.txt",
        (" ".join(["Hai nhà lãnh đạo trao đổi về hợp tác"] * 30_000)), "rejected")
    add("deeply nested HTML (100 000 levels)", "deep.html",
        "<html><body>" + "<div>" * 100_000 + "Thủ tướng" + "</div>" * 100_000 + "</body></html>", "rejected")
    add("an XML entity bomb in .html", "bomb.html",
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
                  for i in range(1, 10))
        + "]>\n<html><body><p>&lol9;</p></body></html>\n", "rejected")
    add("Vietnamese text with NUL bytes in it", "nul.txt", GOOD.replace("\n", "\x00\n", 2), "rejected", "binary")
    add("UTF-16 LE without a BOM", "v-utf16-no-bom.txt", GOOD.encode("utf-16-le"), "good")
    add("an English article", "english.txt", ENGLISH, "rejected", "not Vietnamese")
    add("a page of menus and links only", "menu.html", MENU_PAGE, "rejected", "no article text")
    add("a script-only page (text rendered by JavaScript)", "spa.html",
        "<html><body><div id='app'></div><script>render(" + repr(GOOD) + ")</script></body></html>", "rejected",
        "no article text")

    # Names and types that are not articles.
    add("a hidden file (dotfile)", ".hidden.txt", good_utf8, "rejected", "hidden")
    add("a file in a hidden folder", ".cache/bai.txt", good_utf8, "rejected", "hidden")
    add("a file without extension", "README", good_utf8, "rejected", "unsupported file type")
    add("an unusual extension (.docx)", "bai.docx", good_utf8, "rejected", "unsupported file type")
    add("an unusual extension (.md)", "bai.md", good_utf8, "rejected", "unsupported file type")
    add("a name with spaces, quotes and a line end", "bài 'viết'\n\"mới\".txt", ENGLISH, "rejected", "not Vietnamese")
    add("a name that is not valid UTF-8", os.fsdecode(b"t\xeat-l\xe0-latin1.txt"), ENGLISH, "rejected",
        "not Vietnamese")
    add("an empty folder", "empty-folder", None, "rejected", "folder")
    (inbox / "empty-folder").mkdir()

    # Links, and things that are not files.
    link = add("a symlink to a file outside the inbox", "secret-link.txt", None, "rejected", "outside the inbox")
    link.symlink_to(outside / "secret.txt")
    link = add("a relative symlink climbing out of the inbox", "climb.txt", None, "rejected", "outside the inbox")
    link.symlink_to(os.path.relpath(outside / "secret.txt", inbox))
    link = add("a symlink to a folder outside the inbox", "outside-folder", None, "rejected", "outside the inbox")
    link.symlink_to(outside / "folder", target_is_directory=True)
    link = add("a symlink inside the inbox to a link that leaves it", "via-inside.txt", None, "rejected",
               "outside the inbox")
    link.symlink_to("secret-link.txt")
    link = add("a symlink to a folder inside the inbox", "nested-link", None, "rejected", "folder")
    link.symlink_to(inbox / "nested", target_is_directory=True)
    link = add("a broken symlink", "broken.txt", None, "rejected", "broken")
    link.symlink_to(inbox / "no-such-file.txt")
    loop_a = add("a loop of two symlinks", "loop-a.txt", None, "rejected", "loop")
    add("a loop of two symlinks (its other end)", "loop-b.txt", None, "rejected", "loop")
    loop_a.symlink_to("loop-b.txt")
    (inbox / "loop-b.txt").symlink_to("loop-a.txt")
    link = add("a symlink to itself", "self.txt", None, "rejected", "loop")
    link.symlink_to("self.txt")
    fifo = add("a fifo (reading it would block)", "pipe.txt", None, "rejected", "fifo")
    os.mkfifo(fifo)
    sock = add("a unix socket", "sock.txt", None, "rejected", "socket")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(sock))
    finally:
        server.close()
    unreadable = inbox / "unreadable.txt"
    unreadable.write_bytes(good_utf8)
    unreadable.chmod(0)
    if os.access(unreadable, os.R_OK):
        # As root (containers, CI) permissions do not stop reading: the kind cannot be made here.
        unreadable.unlink()
        skipped.append("an unreadable file (chmod 000): running as root, which reads it anyway")
    else:
        kinds.append(Kind("an unreadable file (chmod 000)", "unreadable.txt", "rejected", "unreadable"))
    return kinds, skipped
