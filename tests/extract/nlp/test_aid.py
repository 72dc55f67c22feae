"""Each aid rule, on short sentences written for these tests."""

from datetime import date

import pytest

from extract.nlp.aid import extract_aid, is_between_two_countries
from extract.nlp.dates import PublishedDate
from extract.nlp.document import Article
from extract.nlp.sentences import split_sentences
from tests.extract.conftest import FETCHED_ON


@pytest.fixture()
def aid_in(gazetteer):
    def run(text: str):
        published = PublishedDate(date(2024, 5, 6), "day", "test")
        rows = extract_aid(Article(split_sentences([text]), FETCHED_ON, published), gazetteer)
        return [(a.donor_iso3, a.recipient_iso3, a.money.amount, a.money.currency, a.money.is_approximate,
                 a.aid_kind, a.status) for a in rows]

    return run


def test_a_grant_with_donor_and_recipient(aid_in):
    assert aid_in("Nhật Bản công bố khoản viện trợ nhân đạo 3 triệu USD cho Việt Nam sau bão.") == [
        ("JPN", "VNM", 3e6, "USD", False, "humanitarian", "announced")]


def test_a_conversion_in_brackets_is_not_a_new_row(aid_in):
    assert aid_in("Anh sẽ viện trợ quân sự 20 triệu bảng Anh (khoảng 25 triệu USD) cho Ukraine.") == [
        ("GBR", "UKR", 2e7, "GBP", False, "military", "announced")]


def test_a_conversion_after_a_comma_is_not_a_new_row(aid_in):
    assert aid_in("Hàn Quốc viện trợ 2 triệu USD cho Việt Nam, tương đương khoảng 50 tỷ đồng.") == [
        ("KOR", "VNM", 2e6, "USD", False, "unspecified", "announced")]


def test_an_amount_given_only_as_an_equivalent_is_kept(aid_in):
    assert aid_in("Chính phủ Séc trao tặng số tiền tương đương 2 tỷ đồng hỗ trợ Việt Nam khắc phục hậu quả bão.") == [
        ("CZE", "VNM", 2e9, "VND", False, "humanitarian", "delivered")]


def test_singapore_and_new_zealand_dollars(aid_in):
    rows = aid_in("New Zealand tài trợ 2 triệu NZD cho Việt Nam, còn Singapore tặng 100.000 đô la Singapore.")
    assert [(amount, currency) for _, _, amount, currency, *_ in rows] == [(2e6, "NZD"), (1e5, "SGD")]


def test_an_itemised_part_is_not_a_new_row(aid_in):
    rows = aid_in("Mỹ thông qua gói viện trợ 5 tỷ USD cho Ukraine, bao gồm 3 tỷ USD vũ khí và 2 tỷ USD hỗ trợ ngân sách.")
    assert rows == [("USA", "UKR", 5e9, "USD", False, "unspecified", "approved")]


def test_a_running_total_is_not_a_new_row(aid_in):
    assert aid_in("Khoản hỗ trợ mới nâng tổng viện trợ của Australia cho Ukraine lên 900 triệu AUD.") == []


def test_trade_and_damage_are_not_aid(aid_in):
    assert aid_in("Kim ngạch thương mại giữa Việt Nam và Hàn Quốc đạt 80 tỷ USD.") == []
    assert aid_in("Cơn bão gây thiệt hại khoảng 1 tỷ USD cho Việt Nam.") == []


def test_approximate_markers(aid_in):
    (row,) = aid_in("Liên minh châu Âu đã giải ngân hơn 1,5 tỷ euro hỗ trợ tài chính cho Ukraine.")
    assert row[2:5] == (1.5e9, "EUR", True)
    assert row[0] in ("EUU", "EU")


def test_an_amount_with_no_recipient_is_only_a_candidate(gazetteer):
    from extract.nlp.aid import CANDIDATE_CONFIDENCE

    published = PublishedDate(date(2024, 5, 6), "day", "test")
    sentences = split_sentences(["Chính phủ Nhật Bản công bố khoản viện trợ 5 triệu USD để khắc phục hậu quả bão."])
    rows = extract_aid(Article(sentences, FETCHED_ON, published), gazetteer)
    assert rows and not any(is_between_two_countries(r) for r in rows)
    assert {r.confidence for r in rows} == {CANDIDATE_CONFIDENCE}


def test_one_row_per_recipient_for_moi_nuoc(aid_in):
    rows = aid_in("Chính phủ Việt Nam quyết định hỗ trợ 5 tỷ đồng cho mỗi nước Lào và Campuchia để khắc phục bão.")
    assert sorted((d, r, a, c) for d, r, a, c, *_ in rows) == [("VNM", "KHM", 5e9, "VND"), ("VNM", "LAO", 5e9, "VND")]


def test_loans_are_not_aid(aid_in):
    rows = aid_in("Hàn Quốc cung cấp khoản vay ưu đãi 300 triệu USD cho Việt Nam để xây dựng cầu.")
    assert rows == []


def test_a_headline_total_of_two_packages_is_not_a_third(aid_in):
    rows = aid_in("Đức viện trợ 3 tỷ euro cho Ukraine. Đức còn viện trợ 5 tỷ euro cho Ukraine. "
                  "Tổng cộng Đức viện trợ 8 tỷ euro cho Ukraine.")
    assert sorted(a for _, _, a, *_ in rows) == [3e9, 5e9]


def test_the_receiving_country_is_the_recipient(aid_in):
    rows = aid_in("Lào nhận khoản hỗ trợ 20 triệu nhân dân tệ từ Trung Quốc để khắc phục lũ lụt.")
    assert [(d, r, a, c) for d, r, a, c, *_ in rows] == [("CHN", "LAO", 2e7, "CNY")]


def test_a_company_or_association_of_a_country_is_not_that_country(aid_in):
    rows = aid_in("Một tập đoàn ô tô Hàn Quốc ủng hộ 3 tỷ đồng, còn hiệp hội doanh nghiệp Đức tại Việt Nam quyên góp 2 tỷ đồng.")
    assert rows == []


def test_the_headline_and_the_lead_tell_one_package_even_if_it_is_additional(gazetteer):
    published = PublishedDate(date(2024, 5, 6), "day", "test")
    sentences = ["Mỹ công bố gói viện trợ 300 triệu USD cho Ukraine",
                 "Ngày 5/5, Mỹ công bố gói hỗ trợ an ninh bổ sung trị giá 300 triệu USD cho Ukraine."]
    rows = extract_aid(Article(sentences, FETCHED_ON, published), gazetteer)
    assert [(r.donor_iso3, r.recipient_iso3, r.money.amount) for r in rows] == [("USA", "UKR", 3e8)]


def test_payments_told_one_after_another_are_not_a_total(gazetteer):
    published = PublishedDate(date(2024, 5, 6), "day", "test")
    sentences = ["Mỹ viện trợ 100 triệu USD cho Ukraine vào tháng 1.", "Mỹ viện trợ 200 triệu USD cho Ukraine vào tháng 2.",
                 "Mỹ viện trợ 300 triệu USD cho Ukraine vào tháng 3."]
    assert sorted(r.money.amount for r in extract_aid(Article(sentences, FETCHED_ON, published), gazetteer)) == [1e8, 2e8, 3e8]


def test_thua_nhan_is_not_receiving(aid_in):
    rows = aid_in("Đức thừa nhận đã cung cấp 5 tỷ euro viện trợ quân sự cho Ukraine.")
    assert [(d, r) for d, r, *_ in rows] == [("DEU", "UKR")]


def _facts(gazetteer, sentences):
    published = PublishedDate(date(2024, 5, 6), "day", "test")
    rows = extract_aid(Article(sentences, FETCHED_ON, published), gazetteer)
    return [(r.donor_iso3, r.recipient_iso3, r.money.amount) for r in rows if is_between_two_countries(r)]


def test_a_sum_from_the_international_community_does_not_take_the_donor_before_it(gazetteer):
    sentences = ["Chính phủ Hàn Quốc viện trợ 500.000 USD cho Lào để khắc phục hậu quả lũ lụt.",
                 "Tính đến nay, cộng đồng quốc tế đã cam kết khoảng 4 triệu USD giúp Lào."]
    assert _facts(gazetteer, sentences) == [("KOR", "LAO", 5e5)]


def test_a_grant_to_a_programme_does_not_take_the_recipient_around_it(gazetteer):
    sentences = ["Tokyo sẽ cấp cho Philippines 600 triệu yên để mua radar giám sát bờ biển.",
                 "Chính phủ Nhật Bản dành khoảng 3 tỷ yên trong ngân sách năm nay cho chương trình hỗ trợ an ninh này."]
    assert _facts(gazetteer, sentences) == [("JPN", "PHL", 6e8)]


def test_the_first_instalment_is_the_package_the_headline_announces(gazetteer):
    sentences = ["Tin tức quốc tế",
                 "Việt Nam trao tặng nhân dân Lào 20 tỷ đồng",
                 "Tại buổi lễ, phía Việt Nam trao đợt một số tiền 20 tỷ đồng mà Nhà nước Việt Nam gửi tặng nhân dân Lào.",
                 "Đợt hai gồm 20 tỷ đồng sẽ được trao tặng Lào vào tháng sau."]
    assert _facts(gazetteer, sentences) == [("VNM", "LAO", 2e10), ("VNM", "LAO", 2e10)]


def test_a_fundraising_total_from_the_public_does_not_take_the_donor_around_it(gazetteer):
    sentences = ["Nhà nước Việt Nam trao tặng nhân dân Lào 50 tỷ đồng để khắc phục hậu quả bão.",
                 "Chương trình đã nhận được gần 70 tỷ đồng từ hàng trăm nghìn lượt ủng hộ của cán bộ, đảng viên và doanh nghiệp.",
                 "Khoản hỗ trợ này giúp người dân bị ảnh hưởng sớm ổn định cuộc sống."]
    assert _facts(gazetteer, sentences) == [("VNM", "LAO", 5e10)]


def test_an_amount_for_vietnam_left_unsaid_in_a_report_on_aid_to_vietnam(aid_in):
    text = ("Sau các cơn bão tại Việt Nam, nhiều nước đã hỗ trợ người dân miền Trung Việt Nam. "
            "Ngày 21/11, Chính phủ Hàn Quốc đã công bố khoản viện trợ khẩn cấp trị giá 1 triệu USD.")
    assert [row[:4] for row in aid_in(text)] == [("KOR", "VNM", 1e6, "USD")]


def test_no_receiver_is_guessed_when_the_article_is_about_another_country(aid_in):
    text = ("Sau trận động đất tại Thổ Nhĩ Kỳ, nhiều nước đã gửi đội cứu hộ tới Thổ Nhĩ Kỳ. "
            "Chính phủ Hàn Quốc đã công bố khoản viện trợ khẩn cấp trị giá 1 triệu USD.")
    assert [row[:2] for row in aid_in(text)] == [("KOR", None)]


def test_about_a_sum_is_not_an_amount_given(aid_in):
    text = "Xuất khẩu của Việt Nam sang Trung Quốc đạt 61 tỷ USD, giảm khoảng 100 triệu USD so với năm trước."
    assert aid_in(text) == []


def test_weapons_handed_over_are_aid(aid_in):
    text = "Thủ tướng Đức công bố Đức sẽ chuyển giao các lô vũ khí mới trị giá 650 triệu euro cho Ukraine."
    assert [row[:4] for row in aid_in(text)] == [("DEU", "UKR", 6.5e8, "EUR")]


def test_aid_that_may_come_is_a_guess_not_a_package(aid_in):
    text = ("Mỹ đã công bố gói viện trợ quân sự cho Ukraine trị giá 375 triệu USD. Một quan chức cho biết Mỹ có thể "
            "sẽ công bố thêm nhiều gói viện trợ khác lên tới 5 tỷ USD cho Ukraine.")
    assert [row[:4] for row in aid_in(text)] == [("USA", "UKR", 3.75e8, "USD")]


def test_a_country_giving_to_a_country_by_verb(aid_in):
    assert [row[:4] for row in aid_in("Hàn Quốc viện trợ Việt Nam một triệu USD khắc phục hậu quả bão.")] == [
        ("KOR", "VNM", 1e6, "USD")]


def test_the_donor_after_the_amount_through_its_ministry(aid_in):
    text = "Tuyên bố viện trợ nhân đạo 2 triệu USD cho Lào của Bộ Ngoại giao Hàn Quốc được đưa ra hôm qua."
    assert [row[:4] for row in aid_in(text)] == [("KOR", "LAO", 2e6, "USD")]


def test_a_wave_of_storms_is_no_second_tranche(aid_in):
    text = ("New Zealand viện trợ 3 triệu NZD cho Việt Nam khắc phục hậu quả bão lũ. "
            "Bộ trưởng Ngoại giao New Zealand đã thông báo khoản viện trợ trị giá 3 triệu NZD của Chính phủ New Zealand "
            "cho Việt Nam để khắc phục hậu quả đợt bão lũ vừa qua.")
    assert [row[:4] for row in aid_in(text)] == [("NZL", "VNM", 3e6, "NZD")]


def test_a_packages_horizon_year_is_not_the_day_it_was_reported(gazetteer):
    text = "Bộ Ngoại giao Đức công bố dành 8 tỷ euro viện trợ quân sự cho Ukraine đến năm 2029."
    published = PublishedDate(date(2025, 4, 2), "day", "test")
    rows = extract_aid(Article(split_sentences([text]), FETCHED_ON, published), gazetteer)
    assert [(a.donor_iso3, a.recipient_iso3, a.reported_date) for a in rows] == [("DEU", "UKR", date(2025, 4, 2))]
