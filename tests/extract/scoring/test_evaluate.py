"""Scoring: misses are grouped by class so the next weakness shows at a glance."""

from extract.scoring.evaluate import classify_misses


def test_misses_pair_up_into_classes():
    misses = [
        "a.txt: missed call RUS|USA 2025-10-16", "a.txt: extra call RUS|USA 2025-10",   # wrong date
        "b.txt: missed call GBR|UKR 2022-04-30", "b.txt: extra call UKR|USA 2022-04-30",  # wrong parties
        "c.txt: missed call FRA|DEU 2021-01-02",                                          # dropped
        "c.txt: extra call CHN|VNM None",                                                 # spurious
        "d.txt: missed aid VNM->LAO 7,000,000,000 VND", "d.txt: extra aid KHM->LAO 7,000,000,000 VND",
        "e.txt: missed aid AUS->VNM 800,000 AUD", "e.txt: extra aid AUS->VNM 800,000 USD",
        "f.txt: participant Ann Lee (USA) given as []",
        "g.txt: initiator of FRA|USA 2025-09 is FRA, got None",
        "h.txt: missed call LAO|VNM 2025-07-28",
    ]
    counts = classify_misses(misses, rejected_files={"h.txt"})
    assert {k: v for k, v in counts.items() if v} == {
        "call date": 1, "call parties": 1, "dropped call": 1, "spurious call": 1, "aid donor": 1,
        "aid amount": 1, "participant name": 1, "initiator": 1, "rejected article": 1}
