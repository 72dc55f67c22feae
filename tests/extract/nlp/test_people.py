"""People, roles and countries a sentence names (extract/nlp/people.py), on sentences written for these tests."""

from extract.nlp.people import ArticleMemory, find_people


def _named(gazetteer, sentence):
    return [(p.text, p.country_iso3, p.role, p.kind) for p in find_people(sentence, gazetteer, ArticleMemory())]


def test_an_unknown_name_takes_the_office_and_country_its_appositive_gives(gazetteer):
    named = _named(gazetteer, "Ngoại trưởng Ấn Độ Subrahmanyam Jaishankar đã nhận cuộc gọi từ ông Mahmud Karim, "
                              "Ngoại trưởng lâm thời Bangladesh, vào ngày 16/8.")
    assert ("ông Mahmud Karim", "BGD", "foreign minister", "person") in named
    assert not [n for n in named if n[3] in ("role", "country")]  # the appositive is that person, not two more


def test_an_appositive_naming_two_countries_or_no_office_does_not_make_a_person(gazetteer):
    two = _named(gazetteer, "Ông Mahmud Karim, người từng sống ở Ấn Độ và Bangladesh, đã phát biểu.")
    assert not [n for n in two if n[0].startswith("Ông Mahmud")]
