"""Arabic and Cyrillic names met with romanised ones: by consonants, by romanisation."""
from geo.gazetteer.skeleton import arabic_skeleton, latin_skeleton


def test_an_arabic_name_and_its_romanisations_share_a_skeleton():
    assert arabic_skeleton("حميميم") == latin_skeleton("Hmeimim")
    assert arabic_skeleton("نصيب") == latin_skeleton("Nasib")
    assert arabic_skeleton("الليطاني") == latin_skeleton("Litani")  # the article left out
    assert arabic_skeleton("باب المندب") == latin_skeleton("Bab el-Mandeb")
    assert arabic_skeleton("مزدلفة") == latin_skeleton("Muzdalifah")  # ta marbuta, "-ah"


def test_different_consonants_differ_and_one_consonant_matches_nothing():
    assert arabic_skeleton("حلب") != latin_skeleton("Homs")
    assert arabic_skeleton("البداوي") == latin_skeleton("Beddawi")  # dd is one letter in Arabic
    assert arabic_skeleton("منى") == latin_skeleton("Mina")
    assert arabic_skeleton("ماء") == "" and latin_skeleton("Ua") == ""


def test_russian_romanised_as_english_news_writes_it():
    from geo.gazetteer.romanize import cyrillic_to_latin

    assert cyrillic_to_latin("Хмеймим") == "Khmeymim"
    assert cyrillic_to_latin("Оскол") == "Oskol"
    assert cyrillic_to_latin("Щёлково") == "Shchelkovo"
