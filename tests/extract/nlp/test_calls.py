"""Each call rule, on short sentences written for these tests."""

from datetime import date

import pytest


def summary(calls):
    return [
        (sorted(c.countries), c.resolved.value.isoformat(), c.resolved.precision, c.mode,
         c.initiator.country_iso3 if c.initiator else None)
        for c in calls
    ]


def test_a_dated_phone_call_between_two_named_leaders(calls_in):
    calls = calls_in("Ngày 14/3/2023, Tổng thống Nga Vladimir Putin đã điện đàm với Tổng thống Thổ Nhĩ Kỳ Recep Tayyip Erdoğan.")
    assert summary(calls) == [(["RUS", "TUR"], "2023-03-14", "day", "phone", None)]
    assert {p.actor_id for p in calls[0].parties} == {"vladimir-putin", "recep-tayyip-erdogan"}


def test_one_call_per_counterpart(calls_in):
    calls = calls_in("Ngày 2/5/2022, Ngoại trưởng Nga Sergei Lavrov lần lượt điện đàm với người đồng cấp Pháp, Đức và Thổ Nhĩ Kỳ.")
    assert sorted(tuple(s[0]) for s in summary(calls)) == [("DEU", "RUS"), ("FRA", "RUS"), ("RUS", "TUR")]


def test_video_calls_are_marked_video(calls_in):
    calls = calls_in("Chiều 9/6/2021, Thủ tướng Phạm Minh Chính đã hội đàm trực tuyến với Thủ tướng Nhật Bản Yoshihide Suga.")
    assert summary(calls) == [(["JPN", "VNM"], "2021-06-09", "day", "video", None)]


def test_in_person_talks_cables_planned_and_refused_calls_are_not_calls(calls_in):
    assert calls_in("Ngày 2/3/2024, Bộ trưởng Quốc phòng Phan Văn Giang hội đàm với Bộ trưởng Quốc phòng Australia tại Hà Nội.") == []
    assert calls_in("Ngày 3/9/2024, Chủ tịch nước gửi điện mừng tới Tổng thống Nga Vladimir Putin.") == []
    assert calls_in("Tổng thống Mỹ Joe Biden dự kiến sẽ điện đàm với Chủ tịch Trung Quốc Tập Cận Bình vào ngày 15/11/2023.") == []
    assert calls_in("Ngày 5/4/2022, Bộ trưởng Quốc phòng Nga Sergei Shoigu từ chối điện đàm với Bộ trưởng Quốc phòng Mỹ Lloyd Austin.") == []
    assert calls_in("Ngày 5/4/2022, Điện Kremlin cho biết Tổng thống Nga Vladimir Putin sẵn sàng đối thoại với Tổng thống "
                    "Mỹ Joe Biden và đang chờ tín hiệu về việc tổ chức một cuộc điện đàm.") == []


def test_initiator_only_when_the_text_says_so(calls_in):
    stated = calls_in("Ngày 20/4/2021, Thủ tướng Phạm Minh Chính điện đàm với Thủ tướng Nhật Bản Yoshihide Suga theo đề nghị của phía Nhật Bản.")
    assert summary(stated)[0][4] == "JPN"
    by_sentence = calls_in(
        "Ngày 20/4/2021, Thủ tướng Phạm Minh Chính điện đàm với Thủ tướng Nhật Bản Yoshihide Suga.\n"
        "Theo Bộ Ngoại giao, Nhật Bản là phía đề nghị cuộc điện đàm."
    )
    assert summary(by_sentence)[0][4] == "JPN"
    silent = calls_in("Ngày 20/4/2021, Thủ tướng Phạm Minh Chính điện đàm với Thủ tướng Nhật Bản Yoshihide Suga.")
    assert summary(silent)[0][4] is None


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 20/4/2021, Thủ tướng Phạm Minh Chính điện đàm với Thủ tướng Nhật Bản Yoshihide Suga theo sáng kiến của phía Nhật Bản.",
        "Ngày 20/4/2021, Thủ tướng Phạm Minh Chính đã có cuộc điện đàm do Thủ tướng Nhật Bản Yoshihide Suga khởi xướng.",
        "Ngày 20/4/2021, Thủ tướng Phạm Minh Chính điện đàm với Thủ tướng Nhật Bản Yoshihide Suga.\nÔng Suga là người khởi xướng cuộc điện đàm.",
        "Ngày 20/4/2021, Thủ tướng Nhật Bản Yoshihide Suga đã gọi điện cho Thủ tướng Phạm Minh Chính.",
        "Ngày 20/4/2021, Thủ tướng Nhật Bản Yoshihide Suga đã tự gọi điện cho Thủ tướng Phạm Minh Chính.",
        "Ngày 20/4/2021, Thủ tướng Phạm Minh Chính đã nhận cuộc điện thoại của Thủ tướng Nhật Bản Yoshihide Suga.",
        "Ngày 20/4/2021, Thủ tướng Phạm Minh Chính hội đàm trực tuyến với Thủ tướng Nhật Bản Yoshihide Suga.\n"
        "Cuộc hội đàm được thực hiện theo đề nghị của phía Nhật Bản.",
        "Ngày 20/4/2021, Thủ tướng Phạm Minh Chính hội đàm trực tuyến với Thủ tướng Nhật Bản Yoshihide Suga.\n"
        "Thủ tướng Phạm Minh Chính cảm ơn Thủ tướng Suga đã chủ động đề xuất cuộc hội đàm.",
    ],
)
def test_each_way_of_stating_the_initiator(calls_in, text):
    assert summary(calls_in(text))[0][4] == "JPN"


def test_calls_with_both_of_two_counterparts(calls_in):
    calls = calls_in("Tối thứ Sáu (28/2/2025), Thủ tướng Anh Keir Starmer đã điện đàm với cả Tổng thống Mỹ Donald Trump "
                     "lẫn Tổng thống Ukraine Volodymyr Zelensky.")
    assert sorted(tuple(s[0]) for s in summary(calls)) == [("GBR", "UKR"), ("GBR", "USA")]


def test_a_call_dated_day_dot_month(calls_in):
    calls = calls_in("Tối 26.7.2025, Tổng thống Mỹ Donald Trump đã điện đàm với Thủ tướng Campuchia Hun Manet.")
    assert summary(calls)[0][1:3] == ("2025-07-26", "day")


def test_an_earlier_dated_call_is_a_call_of_its_own(calls_in):
    calls = calls_in(
        "Ngày 6/2/2023, Tổng thống Thổ Nhĩ Kỳ Recep Tayyip Erdoğan điện đàm với Tổng thống Nga Vladimir Putin.\n"
        "Cuộc điện đàm trước đó giữa ông Erdoğan và ông Putin diễn ra ngày 12/1/2023."
    )
    assert sorted(s[1] for s in summary(calls)) == ["2023-01-12", "2023-02-06"]


def test_letters_and_vague_mentions_are_not_calls(calls_in):
    assert calls_in("Tổng thống Nga Vladimir Putin gửi thư chúc mừng Chủ tịch Trung Quốc Tập Cận Bình ngày 1/10/2023.") == []
    assert calls_in("Tổng thống Nga Vladimir Putin và Chủ tịch Trung Quốc Tập Cận Bình từng điện đàm nhiều lần.") == []


def test_year_from_the_publication_date(calls_in):
    calls = calls_in("Ngày 28/12, Tổng thống Pháp Emmanuel Macron điện đàm với Tổng thống Nga Vladimir Putin.",
                     published=date(2023, 1, 3))
    assert summary(calls)[0][1] == "2022-12-28"
    assert calls[0].resolved.basis == "inferred-from-published"


def test_relative_dates_against_the_publication_date(calls_in):
    calls = calls_in("Hôm qua, Tổng thống Pháp Emmanuel Macron điện đàm với Tổng thống Nga Vladimir Putin.",
                     published=date(2023, 1, 3))
    assert summary(calls)[0][1] == "2023-01-02"


def test_year_from_who_held_office_when(calls_in):
    calls = calls_in("Ngày 1/6, Bộ trưởng Quốc phòng Mỹ Lloyd Austin điện đàm với Bộ trưởng Quốc phòng Nga Andrei Belousov.")
    assert summary(calls)[0][1] == "2024-06-01"
    assert calls[0].resolved.basis == "inferred-from-context"


def test_a_role_without_a_name_still_gives_the_country_and_the_holder(calls_in):
    calls = calls_in("Ngày 2/7/2024, Bộ trưởng Quốc phòng Mỹ và Nga đã điện đàm.")
    assert summary(calls)[0][0] == ["RUS", "USA"]
    assert {p.actor_id for p in calls[0].parties} == {"lloyd-austin", "andrei-belousov"}


def test_this_call_took_place_dates_the_call_before_it(calls_in):
    calls = calls_in(
        "Bộ trưởng Quốc phòng Nga Sergei Shoigu đã điện đàm với Bộ trưởng Quốc phòng Mỹ Lloyd Austin.\n"
        "Cuộc điện đàm này diễn ra vào ngày 5/10/2023."
    )
    assert summary(calls) == [(["RUS", "USA"], "2023-10-05", "day", "phone", None)]


def test_month_only_dates_keep_month_precision(calls_in):
    calls = calls_in("Hai bộ trưởng quốc phòng Mỹ Lloyd Austin và Nga Sergei Shoigu điện đàm lần cuối vào tháng 9/2022.")
    assert summary(calls)[0][1:3] == ("2022-09-01", "month")


def test_name_variants_resolve_to_one_actor(calls_in):
    for spelling in ("Sergey Shoigu", "Sergei Shoigu"):
        calls = calls_in(f"Ngày 3/3/2023, Bộ trưởng Quốc phòng Nga {spelling} điện đàm với Bộ trưởng Quốc phòng Mỹ Lloyd Austin.")
        assert "sergei-shoigu" in {p.actor_id for p in calls[0].parties}
    calls = calls_in("Ngày 15/11/2023, Chủ tịch Trung Quốc Tập Cận Bình điện đàm với Tổng thống Mỹ Joe Biden.")
    assert "xi-jinping" in {p.actor_id for p in calls[0].parties}


def test_an_actor_the_reference_data_does_not_know_is_kept(calls_in):
    calls = calls_in("Ngày 4/4/2024, Tổng thống Pháp Emmanuel Macron điện đàm với Bộ trưởng Quốc phòng Nga Ivan Petrovsky.")
    unknown = [p for p in calls[0].parties if p.country_iso3 == "RUS"][0]
    assert unknown.is_reference is False
    assert unknown.name == "Ivan Petrovsky"


def test_one_call_in_many_sentences_is_one_call(calls_in):
    calls = calls_in(
        "Ngày 6/2/2023, Tổng thống Thổ Nhĩ Kỳ Recep Tayyip Erdoğan điện đàm với Tổng thống Nga Vladimir Putin.\n"
        "Trong cuộc điện đàm giữa ông Erdoğan và ông Putin, hai bên bàn về ngũ cốc."
    )
    assert len(calls) == 1
    assert len(calls[0].evidence_sentences) == 2


def test_video_over_a_television_link(calls_in):
    calls = calls_in("Ngày 3/5/2023, Thủ tướng Phạm Minh Chính hội đàm qua cầu truyền hình với Thủ tướng Nhật Bản Fumio Kishida.")
    assert summary(calls)[0][3] == "video"


def test_a_call_denied_in_the_same_sentence_is_not_a_call(calls_in):
    text = ("Báo Mỹ ngày 10/11/2024 đưa tin ông Donald Trump đã điện đàm với Tổng thống Nga Vladimir Putin, "
            "nhưng Điện Kremlin đã bác bỏ thông tin này.")
    assert calls_in(text) == []


def test_a_party_list_ends_where_a_new_clause_starts(calls_in):
    calls = calls_in("Ngày 2/12/2022, Thủ tướng Đức Olaf Scholz điện đàm với Tổng thống Nga Vladimir Putin, "
                     "kêu gọi Nga rút quân khỏi Ukraine.")
    assert [s[0] for s in summary(calls)] == [["DEU", "RUS"]]


def test_one_date_per_counterpart(calls_in):
    calls = calls_in("Ông Tô Lâm lần lượt điện đàm với Tổng thống Nga Vladimir Putin hôm 8/8/2024 "
                     "và Chủ tịch Trung Quốc Tập Cận Bình ngày 16/8/2024.")
    assert sorted((s[0], s[1]) for s in summary(calls)) == [(["CHN", "VNM"], "2024-08-16"), (["RUS", "VNM"], "2024-08-08")]


def test_last_week_keeps_only_the_month(calls_in):
    calls = calls_in("Tuần trước, Tổng thống Pháp Emmanuel Macron đã điện đàm với Tổng thống Nga Vladimir Putin.",
                     published=date(2025, 7, 9))
    assert summary(calls)[0][1:3] == ("2025-07-01", "month")


def test_an_eu_office_without_a_name_resolves_to_its_holder(calls_in):
    calls = calls_in("Ngày 5/3/2024, Chủ tịch Ủy ban châu Âu điện đàm với Tổng thống Ukraine Volodymyr Zelensky.")
    assert "ursula-von-der-leyen" in {p.actor_id for p in calls[0].parties}


def test_nhat_alone_is_japan(calls_in):
    calls = calls_in("Ngày 20/5/2023, Thủ tướng Nhật điện đàm với Tổng thống Hàn Quốc Yoon Suk Yeol.")
    assert summary(calls)[0][0] == ["JPN", "KOR"]


def test_a_call_stated_outright_without_a_date_is_kept_undated(calls_in):
    calls = calls_in("Tổng thống Nga Vladimir Putin đã điện đàm với Tổng thống Thổ Nhĩ Kỳ Recep Tayyip Erdoğan về tình hình khu vực.")
    assert [(sorted(c.countries), c.resolved.value, c.resolved.precision, c.resolved.basis) for c in calls] == [
        (["RUS", "TUR"], None, "unknown", "unknown")]
    assert calls[0].confidence < 0.5


def test_an_undated_back_reference_or_repeat_is_not_a_second_call(calls_in):
    text = ("Ngày 14/3/2023, Tổng thống Nga Vladimir Putin đã điện đàm với Tổng thống Thổ Nhĩ Kỳ Recep Tayyip Erdoğan.\n"
            "Putin điện đàm với Erdoğan về ngũ cốc.\n"
            "Trong cuộc điện đàm, ông Putin nói về quan hệ với Ukraine và Mỹ.")
    assert summary(calls_in(text)) == [(["RUS", "TUR"], "2023-03-14", "day", "phone", None)]


def test_no_call_is_dated_after_the_article_reporting_it(calls_in):
    # "15/3" in an article of 10 January cannot be 15 March of that year: the date is not used.
    calls = calls_in("Ngày 15/3, Tổng thống Pháp Emmanuel Macron đã điện đàm với Tổng thống Nga Vladimir Putin.",
                     published=date(2024, 1, 10))
    assert all(c.resolved.value is None or c.resolved.value <= date(2024, 1, 10) for c in calls)


def test_people_calling_between_countries_is_not_a_call_between_officials(calls_in):
    assert calls_in("Khách du lịch giữa Việt Nam và Lào có thể gọi điện với giá cước trong nước.") == []


def test_a_phrase_fronted_by_sau_cuoc_dien_dam_names_the_subject_after_it(calls_in):
    calls = calls_in("Sau cuộc điện đàm với Tổng thống Mỹ Donald Trump ngày 19/3/2025, "
                     "Tổng thống Ukraine Volodymyr Zelensky cho biết hai bên bàn về an ninh năng lượng.")
    assert [(sorted(c.countries), c.resolved.value.isoformat()) for c in calls] == [(["UKR", "USA"], "2025-03-19")]


def test_an_in_person_talk_is_not_a_call(calls_in):
    assert calls_in("Ngày 20/9/2024, Ngoại trưởng Nga Sergei Lavrov nói chuyện với Ngoại trưởng Thổ Nhĩ Kỳ "
                    "bên lề Đại hội đồng Liên Hợp Quốc.") == []


def test_initiator_with_an_adverb_before_goi_dien(calls_in):
    calls = calls_in("Ngày 5/4/2021, Tổng thống Pháp Emmanuel Macron đã trực tiếp gọi điện cho Tổng thống Nga Vladimir Putin.")
    assert summary(calls) == [(["FRA", "RUS"], "2021-04-05", "day", "phone", "FRA")]


@pytest.mark.parametrize("text", [
    "Tổng thống Nga Vladimir Putin và Tổng thống Mỹ Donald Trump đã bắt đầu cuộc điện đàm vào tối 13/6.",
    "Cuộc điện đàm giữa Tổng thống Nga Vladimir Putin và Tổng thống Mỹ Donald Trump đã kết thúc sau hơn một giờ, ngày 13/6.",
    "Điện Kremlin cho biết Tổng thống Nga Vladimir Putin và Tổng thống Mỹ Donald Trump đã điện đàm hôm 13/6.",
    "Tổng thống Nga Vladimir Putin điện đàm với Tổng thống Mỹ Donald Trump.\nCuộc gọi diễn ra hôm 13/6 và kéo dài 50 phút.",
    "“Tôi vừa có cuộc điện đàm rất hiệu quả với Tổng thống Nga Vladimir Putin”, Tổng thống Mỹ Donald Trump viết ngày 13/6.",
])
def test_parties_before_the_trigger_in_a_quote_or_in_another_sentence(calls_in, text):
    calls = calls_in(text, published=date(2025, 6, 14))
    assert [(sorted(c.countries), c.resolved.value.isoformat()) for c in calls] == [(["RUS", "USA"], "2025-06-13")]


def test_cung_ngay_dates_a_further_call_by_the_one_just_reported(calls_in):
    text = ("Ngày 13/6, Tổng thống Nga Vladimir Putin điện đàm với Tổng thống Mỹ Donald Trump.\n"
            "Cùng ngày, ông Putin còn điện đàm với Tổng thống Iran Masoud Pezeshkian.")
    calls = calls_in(text, published=date(2025, 6, 14))
    assert sorted((tuple(sorted(c.countries)), c.resolved.value.isoformat()) for c in calls) == [
        (("IRN", "RUS"), "2025-06-13"), (("RUS", "USA"), "2025-06-13")]


@pytest.mark.parametrize("text", [
    "Ngày 13/6, Tổng thống Mỹ Donald Trump chủ động điện đàm với Tổng thống Nga Vladimir Putin.",
    "Ngày 13/6, theo đề nghị từ phía Mỹ, Tổng thống Nga Vladimir Putin đã điện đàm với Tổng thống Mỹ Donald Trump.",
    "Ngày 13/6, Tổng thống Mỹ Donald Trump đã gọi cho Tổng thống Nga Vladimir Putin.",
    "Ngày 13/6, Tổng thống Nga Vladimir Putin nhận điện thoại từ Tổng thống Mỹ Donald Trump.",
    "Điện Kremlin xác nhận cuộc gọi của Tổng thống Mỹ Donald Trump tới Tổng thống Nga Vladimir Putin.",
])
def test_initiator_phrasings(calls_in, text):
    calls = calls_in(text, published=date(2025, 6, 14))
    assert [(sorted(c.countries), c.initiator.country_iso3 if c.initiator else None) for c in calls] == [
        (["RUS", "USA"], "USA")]


def test_kieu_goi_is_not_a_call(calls_in):
    assert calls_in("Ngày 13/6, Tổng thống Pháp kêu gọi cho Ukraine thêm viện trợ.", published=date(2025, 6, 14)) == []


def test_a_date_in_the_reporting_clause_is_not_the_call_date(calls_in):
    calls = calls_in("Trả lời phỏng vấn hôm 2/3, Thủ tướng Anh Keir Starmer kể rằng ông đã nhấc máy gọi cho "
                     "Tổng thống Mỹ Donald Trump.", published=date(2025, 3, 3))
    assert [(sorted(c.countries), c.resolved.value.isoformat() if c.resolved.value else None, c.initiator.country_iso3)
            for c in calls] in ([(["GBR", "USA"], "2025-03-01", "GBR")], [(["GBR", "USA"], None, "GBR")])


def test_an_inferred_year_falls_in_a_term_each_party_held_not_between_terms(calls_in):
    # Putin was prime minister, not president, in 2008-2012; Netanyahu was out of office 1999-2009.
    calls = calls_in("Hôm 16/10, Tổng thống Nga Vladimir Putin đã điện đàm với Thủ tướng Israel Benjamin Netanyahu.")
    [call] = calls
    year = call.resolved.value.year
    assert call.resolved.basis == "inferred-from-context"
    assert 2012 <= year <= 2020 or year >= 2023, year


def test_two_calls_in_one_sentence_and_whom_the_initiator_called(calls_in):
    text = ("Ngày 19/5/2025, ngay sau khi kết thúc cuộc gọi với Tổng thống Nga Vladimir Putin, "
            "Tổng thống Mỹ Donald Trump đã gọi cho Tổng thống Ukraine Volodymyr Zelensky.")
    calls = {tuple(sorted(c.countries)): c for c in calls_in(text)}
    assert set(calls) == {("RUS", "USA"), ("UKR", "USA")}
    assert calls[("UKR", "USA")].initiator.country_iso3 == "USA"
    assert calls[("RUS", "USA")].initiator is None  # "gọi cho Zelensky" says nothing of who placed the Putin call


def test_a_received_call_gives_its_initiator_only_to_the_call_with_the_receiver(calls_in):
    text = ("Ngày 23/10/2022, Bộ trưởng Quốc phòng Nga Sergei Shoigu điện đàm với Bộ trưởng Quốc phòng Anh Ben Wallace.\n"
            "Cùng ngày, Bộ trưởng Quốc phòng Mỹ Lloyd Austin đã nhận cuộc gọi từ ông Shoigu.")
    calls = {tuple(sorted(c.countries)): c for c in calls_in(text)}
    assert calls[("GBR", "RUS")].initiator is None
    assert calls[("RUS", "USA")].initiator.country_iso3 == "RUS"


@pytest.mark.parametrize(("words", "day"), [("Hai ngày sau", "2022-02-26"), ("Hôm sau", "2022-02-25")])
def test_days_later_count_from_the_call_just_reported(calls_in, words, day):
    text = ("Tối 24/2/2022, Thủ tướng Ấn Độ Narendra Modi điện đàm với Tổng thống Nga Vladimir Putin.\n"
            f"{words}, ông Modi điện đàm với Tổng thống Ukraine Volodymyr Zelensky.")
    calls = {tuple(sorted(c.countries)): c.resolved.value.isoformat() for c in calls_in(text)}
    assert calls == {("IND", "RUS"): "2022-02-24", ("IND", "UKR"): day}


@pytest.mark.parametrize(("words", "day"), [("Một ngày trước đó", "2021-03-09"), ("Ba ngày trước đó", "2021-03-07"),
                                           ("Hôm trước đó", "2021-03-09")])
def test_days_earlier_count_back_from_the_call_just_reported(calls_in, words, day):
    text = ("Chiều 10/3/2021, Thủ tướng Australia Scott Morrison điện đàm với Thủ tướng Ấn Độ Narendra Modi.\n"
            f"{words}, ông Morrison đã điện đàm với Thủ tướng Nhật Bản Suga Yoshihide.")
    calls = {tuple(sorted(c.countries)): c.resolved.value.isoformat() for c in calls_in(text)}
    assert calls == {("AUS", "IND"): "2021-03-10", ("AUS", "JPN"): day}


def test_two_days_ago_is_not_counted_from_the_last_call(calls_in):
    text = ("Chiều 10/3/2021, Thủ tướng Australia Scott Morrison điện đàm với Thủ tướng Ấn Độ Narendra Modi.\n"
            "Hai ngày trước, ông Morrison đã điện đàm với Thủ tướng Nhật Bản Suga Yoshihide.")
    calls = {tuple(sorted(c.countries)): c.resolved for c in calls_in(text)}
    assert calls[("AUS", "JPN")].value != date(2021, 3, 8)


def test_a_pronoun_subject_is_the_person_the_article_keeps_naming(calls_in):
    text = ("Thủ tướng Australia Scott Morrison điện đàm với Thủ tướng Ấn Độ Narendra Modi ngày 10/3/2021.\n"
            "Ông Morrison cho biết hai bên bàn về chuỗi cung ứng.\n"
            "Ông Morrison sau đó có cuộc điện đàm với Tổng thống Mỹ Joe Biden vào ngày 11/3/2021.\n"
            "Cùng ngày, ông cũng điện đàm với Thủ tướng Nhật Bản Suga Yoshihide.")
    calls = {tuple(sorted(c.countries)) for c in calls_in(text)}
    assert ("AUS", "JPN") in calls and ("JPN", "USA") not in calls


def test_a_short_name_before_a_lowercase_word_is_still_a_name(calls_in):
    calls = calls_in("Tổng thống Nga Vladimir Putin.\nTổng thống Putin điện đàm với Chủ tịch Tập Cận Bình ngày 3/5.",
                     published=date(2024, 5, 4))
    assert [sorted(c.countries) for c in calls] == [["CHN", "RUS"]]


def test_days_after_another_event_are_not_counted_from_the_last_call(calls_in):
    text = ("Ngày 10/1/2025, Tổng thống Nga Vladimir Putin điện đàm với Tổng thống Thổ Nhĩ Kỳ Recep Tayyip Erdoğan.\n"
            "Hai ngày sau khi nhậm chức, Tổng thống Mỹ Donald Trump điện đàm với Tổng thống Nga Vladimir Putin.")
    calls = {tuple(sorted(c.countries)): c.resolved.value for c in calls_in(text, published=date(2025, 2, 1))}
    assert calls[("RUS", "USA")] != date(2025, 1, 12)


def test_a_known_publication_day_bounds_the_call_date_not_an_older_file_time(calls_in):
    calls = calls_in("Ngày 3/5/2024, Tổng thống Mỹ Joe Biden đã điện đàm với Thủ tướng Nhật Bản Kishida Fumio.",
                     published=date(2024, 5, 4), as_of=date(2020, 1, 1))
    assert [c.resolved.value for c in calls] == [date(2024, 5, 3)]


def test_the_office_of_both_sides_is_held_by_someone_in_each_country(calls_in):
    text = ("Tổng thống Mỹ Joe Biden điện đàm với Thủ tướng Nhật Bản Kishida Fumio ngày 4/1/2022.\n"
            "Hai ngày sau, Ngoại trưởng hai nước đã điện đàm về an ninh khu vực.")
    calls = {c.resolved.value.isoformat(): c for c in calls_in(text)}
    assert sorted(p.actor_id for p in calls["2022-01-04"].parties) == ["fumio-kishida", "joe-biden"]
    ministers = calls["2022-01-06"].parties
    assert sorted((p.country_iso3, p.role, p.actor_id) for p in ministers) == [
        ("JPN", "foreign minister", "yoshimasa-hayashi"), ("USA", "foreign minister", "antony-blinken")]


def test_the_possessor_of_a_call_is_its_first_party(calls_in):
    text = "Cuộc điện đàm đầu tiên của Tổng thống Nga Vladimir Putin với Thủ tướng Ấn Độ Narendra Modi diễn ra tối 24/2/2022."
    assert [sorted(c.countries) for c in calls_in(text)] == [["IND", "RUS"]]


def test_a_bare_title_as_subject_is_the_holder_the_article_named(calls_in):
    text = ("Thủ tướng Phạm Minh Chính đã có cuộc điện đàm với Thủ tướng Thái Lan Srettha Thavisin ngày 3/4/2024.\n"
            "Cùng ngày, Thủ tướng cũng điện đàm với Thủ tướng Campuchia Hun Manet và Thủ tướng Lào Sonexay Siphandone.")
    assert sorted(tuple(sorted(c.countries)) for c in calls_in(text)) == [("KHM", "VNM"), ("LAO", "VNM"), ("THA", "VNM")]


def test_after_a_fronted_call_phrase_only_the_subject_and_its_counterparts_are_parties(calls_in):
    text = ("Ngày 2/12/2022, Thủ tướng Đức Olaf Scholz đã điện đàm với Tổng thống Nga Vladimir Putin.\n"
            "Trong cuộc trao đổi hôm thứ Sáu, Thủ tướng Scholz lên án các cuộc tấn công của Nga vào hạ tầng của Ukraine.")
    assert [sorted(c.countries) for c in calls_in(text, published=date(2022, 12, 3))] == [["DEU", "RUS"]]


def test_a_name_given_again_keeps_the_office_the_article_gave_it(calls_in):
    # Iwaya was Japan's defence minister in October 2018 and its foreign minister from October 2024.
    text = ("Ngoại trưởng Nhật Bản Iwaya Takeshi đã tới Seoul ngày 13/1.\n"
            "Hồi tháng 10, ngay sau khi ông Iwaya nhậm chức, Ngoại trưởng Hàn Quốc đã điện đàm với ông Iwaya.")
    calls = calls_in(text, as_of=date(2025, 2, 1))
    assert [(sorted(c.countries), c.resolved.value.year) for c in calls] == [(["JPN", "KOR"], 2024)]


def test_an_elect_is_called_by_the_office_he_is_about_to_take(calls_in):
    text = "Hôm 17/1, ba ngày trước lễ nhậm chức, Tổng thống Mỹ Donald Trump đã điện đàm với Chủ tịch Trung Quốc Tập Cận Bình."
    calls = calls_in(text, not_before=date(2024, 12, 1), as_of=date(2025, 2, 1))
    assert [c.resolved.value for c in calls] == [date(2025, 1, 17)]


def test_a_call_the_article_reports_as_denied_is_not_a_call(calls_in):
    text = ("Điện Kremlin bác tin Tổng thống Mỹ Donald Trump điện đàm với Tổng thống Nga Vladimir Putin.\n"
            "Trước đó, một tờ báo Mỹ đưa tin ông Trump đã gọi điện cho ông Putin hôm 7/11.\n"
            "\"Không có cuộc trò chuyện nào cả\", người phát ngôn Điện Kremlin nói.")
    assert calls_in(text, published=date(2024, 11, 12)) == []


def test_a_denial_after_the_call_words_denies_something_else(calls_in):
    text = ("Ngày 28/1/2017, Tổng thống Mỹ Donald Trump nói chuyện điện thoại với Thủ tướng Australia Malcolm Turnbull, "
            "bác bỏ thỏa thuận về người tị nạn.")
    assert [sorted(c.countries) for c in calls_in(text)] == [["AUS", "USA"]]


def test_a_date_before_a_call_referred_back_to_is_another_events(calls_in):
    text = ("Ngày 15/6, Thủ tướng Thái Lan Paetongtarn Shinawatra đã điện đàm với Chủ tịch Thượng viện Campuchia Hun Sen.\n"
            "Tổng thống Mỹ Donald Trump cũng đã gọi điện cho bà Paetongtarn.\n"
            "Ngày 1/7, Tòa án Hiến pháp Thái Lan đình chỉ chức vụ của bà Paetongtarn vì cuộc điện đàm này.")
    calls = {tuple(sorted(c.countries)): c.resolved for c in calls_in(text, published=date(2025, 7, 27))}
    assert calls[("KHM", "THA")].value == date(2025, 6, 15)
    assert calls[("THA", "USA")].precision == "month"  # the publication month, not the ruling's day


def test_a_call_happening_as_it_is_reported_takes_the_day_of_the_report(calls_in):
    text = ("Tối 26/7, Tổng thống Mỹ Donald Trump viết trên mạng xã hội rằng ông vừa nói chuyện điện thoại với "
            "Thủ tướng Campuchia Hun Manet.\n"
            "Ông Trump cho biết thêm ông đang gọi điện cho Thủ tướng Thái Lan Paetongtarn Shinawatra.")
    calls = {tuple(sorted(c.countries)): c.resolved.value for c in calls_in(text, published=date(2025, 7, 27))}
    assert calls == {("KHM", "USA"): date(2025, 7, 26), ("THA", "USA"): date(2025, 7, 26)}


def test_assigning_someone_to_talk_is_not_a_call(calls_in):
    text = ("Ngày 26/7, Tổng thống Mỹ Donald Trump đã điện đàm với Thủ tướng Campuchia Hun Manet.\n"
            "Ngày 27/7, ông Hun Manet cho biết ông đã giao Phó Thủ tướng Prak Sokhonn trao đổi với "
            "Ngoại trưởng Mỹ Marco Rubio.")
    calls = calls_in(text, published=date(2025, 7, 27))
    assert [c.resolved.value for c in calls] == [date(2025, 7, 26)]


def test_two_leaders_named_only_later_in_the_article_are_the_parties(calls_in):
    text = ("Hãng tin xác nhận hai nhà lãnh đạo đã điện đàm vào ngày 19/9.\n"
            "Sau đó, ông Donald Trump đánh giá cuộc gọi với ông Tập Cận Bình là hiệu quả.\n"
            "Ông Tập Cận Bình nhấn mạnh quan hệ hai nước rất quan trọng, theo ông Donald Trump.")
    calls = calls_in(text, published=date(2025, 9, 20))
    assert [(sorted(c.countries), c.resolved.value) for c in calls] == [(["CHN", "USA"], date(2025, 9, 19))]


def test_a_call_that_begins_as_it_is_announced_takes_the_announcements_day(calls_in):
    text = ("Tối 19/5, Nhà Trắng thông báo Tổng thống Nga Vladimir Putin và Tổng thống Mỹ Donald Trump "
            "đã bắt đầu cuộc điện đàm.")
    assert [c.resolved.value for c in calls_in(text, published=date(2025, 5, 20))] == [date(2025, 5, 19)]


def test_who_comes_after_another_event_was_met_not_called(calls_in):
    text = ("Ngày 18/8, Tổng thống Mỹ Donald Trump và Tổng thống Nga Vladimir Putin đã điện đàm sau cuộc gặp của ông "
            "với Tổng thống Ukraine Volodymyr Zelensky.")
    assert [sorted(c.countries) for c in calls_in(text, published=date(2025, 8, 19))] == [["RUS", "USA"]]


def test_a_call_as_the_time_of_something_else_is_not_a_new_call(calls_in):
    text = ("Ngày 18/8, Tổng thống Mỹ Donald Trump đã điện đàm với Tổng thống Nga Vladimir Putin.\n"
            "Tổng thống Ukraine Volodymyr Zelensky bước vào phòng họp với ông Trump sau khi cuộc gọi kết thúc.")
    assert [sorted(c.countries) for c in calls_in(text, published=date(2025, 8, 19))] == [["RUS", "USA"]]


def test_countries_joined_by_a_dash_name_what_a_noun_is_about(calls_in):
    text = ("Ngày 18/8, giữa hội nghị thượng đỉnh Mỹ-Ukraine-châu Âu, Tổng thống Mỹ Donald Trump đã điện đàm với "
            "Tổng thống Nga Vladimir Putin.")
    assert [sorted(c.countries) for c in calls_in(text, published=date(2025, 8, 19))] == [["RUS", "USA"]]


def test_an_undated_call_with_unnamed_counterparts_is_vague(calls_in):
    text = "Trước đó, Bộ trưởng Quốc phòng Nga Sergei Shoigu cũng điện đàm với những người đồng cấp Pháp và Anh."
    assert calls_in(text) == []
    named = "Trước đó, Bộ trưởng Quốc phòng Nga Sergei Shoigu cũng điện đàm với Bộ trưởng Quốc phòng Mỹ Lloyd Austin."
    assert [sorted(c.countries) for c in calls_in(named)] == [["RUS", "USA"]]


def test_one_call_told_with_two_ways_of_writing_its_day_is_one_call(calls_in):
    text = ("Chiều nay, Thủ tướng Phạm Minh Chính điện đàm với Thủ tướng Campuchia Hun Manet.\n"
            "Thủ tướng Phạm Minh Chính trong cuộc điện đàm với Thủ tướng Hun Manet chiều 15/8.")
    calls = calls_in(text, published=date(2025, 8, 15))
    assert [(sorted(c.countries), c.resolved.value, len(c.evidence_sentences)) for c in calls] == [
        (["KHM", "VNM"], date(2025, 8, 15), 2)]


def test_a_scene_setting_phrase_names_no_party(calls_in):
    text = ("Trong khuôn khổ chuyến thăm của Tổng thống Pháp Emmanuel Macron, sáng 1/11/2022, "
            "Thủ tướng Phạm Minh Chính đã điện đàm với Thủ tướng Lào Phankham Viphavanh.")
    assert [sorted(c.countries) for c in calls_in(text)] == [["LAO", "VNM"]]


def test_a_party_official_unknown_to_the_reference_named_with_his_office(calls_in):
    text = ("Sáng 1/11/2022, Thủ tướng Phạm Minh Chính đã có cuộc hội đàm trực tuyến với đồng chí Lý Minh Khải, "
            "Ủy viên Bộ Chính trị, Bí thư Ban Bí thư Trung ương Đảng Cộng sản Trung Quốc.")
    calls = calls_in(text)
    assert [sorted(c.countries) for c in calls] == [["CHN", "VNM"]]
    assert sorted(p.name for p in calls[0].parties if p.country_iso3 == "CHN") == ["Lý Minh Khải"]


def test_someone_met_or_received_in_a_list_of_activities_is_not_called(calls_in):
    text = ("Ngày 20/2/2026, Tổng Bí thư Tô Lâm đã có cuộc gặp Tổng thống Mỹ Donald Trump, "
            "điện đàm với Thủ tướng Lào Sonexay Siphandone và gặp gỡ cộng đồng người Việt.")
    assert [sorted(c.countries) for c in calls_in(text)] == [["LAO", "VNM"]]


def test_a_plural_group_named_by_office_is_nobody_in_particular(calls_in):
    text = "Ngày 20/10/2022, Bộ trưởng Quốc phòng Nga Sergei Shoigu đã điện đàm với những người đồng cấp Pháp và Anh."
    assert calls_in(text) == []


def test_a_country_in_a_region_named_before_the_call_is_a_place(calls_in):
    text = ("Trước nguy cơ về một cuộc xung đột ở miền Đông Ukraine, Tổng thống Pháp Emmanuel Macron hôm qua đã có "
            "cuộc điện đàm khẩn cấp với Tổng thống Nga.")
    calls = calls_in(text, published=date(2022, 2, 21))
    assert [(sorted(c.countries), c.resolved.value) for c in calls] == [(["FRA", "RUS"], date(2022, 2, 20))]
