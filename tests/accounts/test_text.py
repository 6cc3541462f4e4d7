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


def test_resident_file_columns_in_vietnamese_or_english():
    from accounts.verification import parse_resident_file

    rows, refused = parse_resident_file(
        "Họ và tên,Năm sinh,Thôn,SĐT\nLê Thị Hoa,1980,Thôn 1,0912345678\n".encode(), "x.csv"
    )
    assert rows[0].full_name == "Lê Thị Hoa" and rows[0].phone == "+84912345678" and not refused
    rows, refused = parse_resident_file(b"full_name,birth_year\nA B,19x0\n", "x.csv")
    assert not rows and refused == [(2, "The year of birth is not a year.")]


def test_as_int_reads_ascii_integers_within_bounds_only():
    from accounts.text import MAX_DB_INT, as_int

    assert as_int(" 42 ") == 42 and as_int("-7") == -7
    assert as_int("5", low=1, high=5) == 5 and as_int("6", low=1, high=5) is None
    # Digits str.isdigit() accepts but a form never means: superscripts, other scripts, overflow.
    for text in ("²", "-²", "٣", "1e3", "", None, "--1", str(MAX_DB_INT + 1), "1" + "0" * 30):
        assert as_int(text) is None, text
