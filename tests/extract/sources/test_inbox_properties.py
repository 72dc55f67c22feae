"""Properties of decoding (extract/sources/inbox.py), checked on generated text and bytes (hypothesis).

Deterministic: every test derandomizes and keeps no example database, so CI never sees a new example.
"""

from __future__ import annotations

import codecs
import unicodedata
from datetime import datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract.sources.inbox import RawDocument, Rejected, decode_document, read_file

PROPERTIES = settings(derandomize=True, database=None, max_examples=150, deadline=5000,
                      suppress_health_check=[HealthCheck.too_slow])
FETCHED = datetime(2025, 3, 13)

_LOWER = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
VIETNAMESE_ALPHABET = _LOWER + _LOWER.upper() + "fjwz0123456789" + " \n\t.,;:!?-–()/%\"'“”…"
VIETNAMESE_TEXT = st.text(alphabet=VIETNAMESE_ALPHABET, min_size=1, max_size=400).filter(lambda t: t.strip())

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 with BOM": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16 with BOM": lambda text: text.encode("utf-16"),
    "utf-16-be with BOM": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-32 with BOM": lambda text: text.encode("utf-32"),
    "NFD in utf-8": lambda text: unicodedata.normalize("NFD", text).encode("utf-8"),
    "NFD in utf-16": lambda text: unicodedata.normalize("NFD", text).encode("utf-16"),
}


@PROPERTIES
@given(VIETNAMESE_TEXT, st.sampled_from(sorted(ENCODINGS)))
@example("Thủ tướng Nhật Bản điện đàm với Tổng thống Hàn Quốc.", "utf-16 with BOM")
def test_vietnamese_text_in_any_unicode_form_decodes_to_the_same_nfc_text(text, form):
    document = decode_document("/inbox/a.txt", ENCODINGS[form](text), "text", FETCHED)
    assert isinstance(document, RawDocument), document
    assert document.text == unicodedata.normalize("NFC", text)


def _check(result: RawDocument | Rejected, data: bytes) -> None:
    if isinstance(result, Rejected):
        assert result.reason
        assert len(result.content_hash) == 64
        return
    assert isinstance(result, RawDocument)
    assert "\x00" not in result.text
    assert result.text == unicodedata.normalize("NFC", result.text)
    result.text.encode("utf-8")  # no lone surrogates: every later step writes the text as UTF-8


@PROPERTIES
@given(st.binary(max_size=2000))
@example(b"")
@example(b"   \n\t")
@example(codecs.BOM_UTF32_LE + b"\xff\xff\xff\xff")
@example(codecs.BOM_UTF16_LE + b"\x00\xd8a\x00")  # a lone surrogate after a UTF-16 BOM
@example(b"+2D3-")  # UTF-7 for a lone surrogate
@example(b"\x00" * 10)
def test_any_bytes_give_a_document_or_a_reason(data):
    _check(decode_document("/inbox/a.txt", data, "text", FETCHED), data)


@PROPERTIES
@given(st.lists(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\xc3", b"\xa1", b"\x80",
                                 "Việt Nam ".encode(), "Đà ".encode("cp1258"), "Hà Nội".encode("utf-16-le"),
                                 b"\x00", b"\r\n", "đ".encode("latin-1", "replace"), "Ä‘".encode()]),
                max_size=40).map(b"".join))
def test_mixed_encodings_give_a_document_or_a_reason(data):
    _check(decode_document("/inbox/a.txt", data, "text", FETCHED), data)


@settings(derandomize=True, database=None, max_examples=30, deadline=5000)
@given(st.binary(max_size=600), st.sampled_from([".txt", ".html", ".htm", ".TXT", ".pdf", ""]))
def test_reading_a_file_of_any_bytes_gives_a_document_or_a_reason(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("inbox") / f"bai{suffix}"
    path.write_bytes(data)
    _check(read_file(path), data)
