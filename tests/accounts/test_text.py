import pytest

from accounts.text import clean_line, fold, search_terms

pytestmark = pytest.mark.unit


def test_fold_strips_marks_and_maps_d():
    assert fold("Nước sạch cho Thôn Đoài") == "nuoc sach cho thon doai"
    assert fold("ĐỔI MỚI sáng tạo!") == "doi moi sang tao"


def test_fold_is_the_same_for_nfc_and_nfd_input():
    import unicodedata

    text = "Chuyển đổi số"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == "chuyen doi so"


def test_search_terms_any_order_no_duplicates():
    assert search_terms("  sạch NƯỚC nuoc ") == ["sach", "nuoc"]


def test_clean_line_collapses_spaces_and_normalises():
    assert clean_line("  Nông   nghiệp\n sạch ") == "Nông nghiệp sạch"
