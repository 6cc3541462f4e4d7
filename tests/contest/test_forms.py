import pytest

from contest.forms import IdeaForm, clean, missing_for_submission, parse_budget

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("15.000.000", 15_000_000),
        ("15000000", 15_000_000),
        ("15,000,000", 15_000_000),
        ("15 000 000 đ", 15_000_000),
        ("15 triệu", 15_000_000),
        ("2,5 triệu", 2_500_000),
        ("", None),
        ("0", 0),
    ],
)
def test_budget_formats(text, value):
    assert parse_budget(text) == value


@pytest.mark.parametrize("text", ["15.5", "mười lăm", "1.50.000", "-3"])
def test_bad_budget(text):
    with pytest.raises(ValueError):
        parse_budget(text)


def test_summary_counts_characters_as_people_see_them():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "ệ" * 300)  # 600 code points, 300 letters
    values, errors = clean(IdeaForm(summary=decomposed), category_ids=set())
    assert "summary" not in errors and len(values["summary"]) == 300
    _, errors = clean(IdeaForm(summary="ệ" * 301), category_ids=set())
    assert "summary" in errors


def test_video_links_only_youtube_or_facebook():
    _, errors = clean(IdeaForm(video_url="https://youtu.be/abc"), category_ids=set())
    assert "video_url" not in errors
    _, errors = clean(IdeaForm(video_url="javascript:alert(1)"), category_ids=set())
    assert "video_url" in errors


def test_missing_fields_listed_in_form_order():
    values, _ = clean(IdeaForm(title="Lọc nước mưa", problem="Thiếu nước sạch"), category_ids={1})
    assert missing_for_submission(values) == ["summary", "category_id", "solution", "beneficiaries", "resources"]
