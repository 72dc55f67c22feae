import json
from datetime import date, datetime
from pathlib import Path

import pytest

from extract.nlp.cleaning import clean_text
from extract.sources.inbox import decode_document, read_file
from extract.tasks.settings import PROJECT_ROOT

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def publishers():
    import csv

    with (PROJECT_ROOT / "dbt_project" / "seeds" / "ref_publishers.csv").open(encoding="utf-8") as handle:
        return {row["marker"]: row["publisher"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_junk_is_removed_and_body_kept(name, publishers):
    article = clean_text((PAGES / name).read_text(encoding="utf-8"), None, publishers)
    body = article.paragraphs
    for line in EXPECTED[name]["body_text"]:
        assert line in body, f"lost body line in {name}: {line[:60]}"
    source_lines = (PAGES / name).read_text(encoding="utf-8").splitlines()
    for number in EXPECTED[name]["junk_lines"]:
        junk = source_lines[number - 1].strip()
        if junk and len(junk) > 12:
            assert all(junk not in paragraph for paragraph in body), f"junk kept in {name}: {junk[:60]}"


def test_byline_gives_the_publisher(publishers):
    text = "Tiêu đề bài viết thử nghiệm\n(Dân trí) - Nội dung mở đầu của bài viết, đủ dài để là một đoạn văn.\n"
    assert clean_text(text, None, publishers).publisher == "dantri.com.vn"
    text = "Tiêu đề bài viết thử nghiệm\nTTO - Nội dung mở đầu của bài viết, đủ dài để là một đoạn văn.\n"
    assert clean_text(text, None, publishers).publisher == "tuoitre.vn"


def test_date_line_and_glued_first_sentence(publishers):
    article = clean_text(" date 2024-02-03 Ngày 2/2, hai ngoại trưởng đã điện đàm.\nĐoạn hai.", None, publishers)
    assert article.published.value == date(2024, 2, 3)
    assert article.paragraphs[0] == "Ngày 2/2, hai ngoại trưởng đã điện đàm."


def test_hard_wrapped_lines_are_joined_into_one_paragraph(publishers):
    text = (
        "Ngày 3/3 vừa qua, Bộ trưởng Ngoại giao Việt Nam và Ngoại trưởng\n"
        "Hàn Quốc đã có cuộc điện đàm về hợp tác song phương giữa hai\n"
        "nước trong năm nay và những năm tới./.\n"
    )
    article = clean_text(text, None, publishers)
    assert len(article.paragraphs) == 1
    assert "Ngoại trưởng Hàn Quốc" in article.paragraphs[0]


def test_bad_inputs_are_rejected_with_a_reason(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "nul.txt").write_bytes(b"Xin ch\x00ao")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    reasons = {p.name: read_file(p).reason for p in sorted(tmp_path.iterdir())}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["nul.txt"] == "binary content (NUL bytes)"
    assert reasons["image.png"].startswith("unsupported file type")
    ok = decode_document("x.txt", "Xin chào".encode(), "text", datetime(2024, 1, 1))
    assert ok.text == "Xin chào"


# Written for these tests: a comment form and a "MỚI NHẤT" box above the article, and one below it.
WIDGETS_ABOVE_THE_BODY = """Gửi bình luận
Bạn cần đăng nhập để bình luận
MỚI NHẤT
Giá vàng hôm nay tăng mạnh
Thời tiết cuối tuần có mưa rào
Thủ tướng Nhật Bản điện đàm với Tổng thống Hàn Quốc
Chiều 12/3/2025, Thủ tướng Nhật Bản đã có cuộc điện đàm với Tổng thống Hàn Quốc về hợp tác kinh tế và an ninh trong khu vực.
Hai nhà lãnh đạo nhất trí sẽ tiếp tục trao đổi thường xuyên và thúc đẩy hợp tác trong các lĩnh vực mà hai bên cùng quan tâm.
Tin liên quan
Tổng thống Mỹ điện đàm với Tổng thống Pháp
"""


def test_widgets_above_the_body_are_skipped_not_taken_as_its_end(publishers):
    article = clean_text(WIDGETS_ABOVE_THE_BODY, None, publishers)
    assert article.title == "Thủ tướng Nhật Bản điện đàm với Tổng thống Hàn Quốc"
    body = article.body_text
    assert "Chiều 12/3/2025" in body and "Hai nhà lãnh đạo" in body
    assert "Giá vàng" not in body and "Tổng thống Pháp" not in body  # the box above, the teaser below


def test_prose_on_the_page_is_never_lost(publishers):
    # Every line starts with a marker word, yet the page holds a paragraph of prose.
    page = ("Mới nhất\nTin liên quan: Chiều 12/3/2025, Thủ tướng Nhật Bản đã có cuộc điện đàm với Tổng thống Hàn Quốc "
            "về hợp tác kinh tế và an ninh trong khu vực, và hai bên nhất trí tăng cường trao đổi.\n")
    assert "cuộc điện đàm" in clean_text(page, None, publishers).body_text


def test_teaser_headlines_after_the_last_paragraph_are_links_not_text(publishers):
    page = ("Hai nước nhất trí mở rộng hợp tác giáo dục\n"
            "Ngày 4/3/2024, Bộ trưởng Giáo dục hai nước đã gặp nhau tại Hà Nội và nhất trí mở rộng các chương trình "
            "trao đổi sinh viên trong những năm tới.\n"
            "Phương Anh\n"
            "Các tin khác\n"
            "Thủ tướng điện đàm với Thủ tướng Ca-na-đa về thương mại\n")
    body = clean_text(page, None, publishers).body_text
    assert "trao đổi sinh viên" in body
    assert "Ca-na-đa" not in body


def test_a_last_paragraph_cut_off_by_the_scrape_stays(publishers):
    page = ("Ngày 4/3/2024, Bộ trưởng Giáo dục hai nước đã gặp nhau tại Hà Nội và nhất trí mở rộng các chương trình "
            "trao đổi sinh viên trong những năm tới.\n"
            "Trước đó, sau cuộc điện đàm với Thủ tướng Ca-na-đa ngày 2/3, ông cho biết hai bên sẽ sớm ký kết một ")
    assert "Ca-na-đa ngày 2/3" in clean_text(page, None, publishers).body_text


def test_a_link_set_between_two_paragraphs_does_not_end_the_article(publishers):
    page = ("Ngày 4/3/2024, Bộ trưởng Giáo dục hai nước đã gặp nhau tại Hà Nội và nhất trí mở rộng các chương trình "
            "trao đổi sinh viên trong những năm tới.\n"
            "Xem thêm: Thủ tướng điện đàm với Thủ tướng Ca-na-đa về thương mại\n"
            "Hai bên cũng nhất trí thành lập một nhóm công tác chung để theo dõi việc thực hiện các cam kết đã đạt "
            "được trong thời gian tới.\n"
            "Tin liên quan\n"
            "Bộ trưởng hai nước điện đàm về hợp tác đại học\n")
    body = clean_text(page, None, publishers).body_text
    assert "nhóm công tác chung" in body
    assert "Ca-na-đa" not in body and "hợp tác đại học" not in body


def test_a_date_line_run_into_the_headline_is_split_off(publishers):
    page = ("10/11/2017 11:10Hàn Quốc viện trợ Việt Nam khắc phục hậu quả bão\n"
            "Bộ Ngoại giao Hàn Quốc đã công bố khoản viện trợ nhân đạo cho Việt Nam để khắc phục hậu quả của cơn bão "
            "vừa qua tại các tỉnh miền Trung.\n")
    article = clean_text(page, None, publishers)
    assert article.published.value == date(2017, 11, 10)
    assert article.body_text.startswith("Hàn Quốc viện trợ Việt Nam")
