import pytest

from contest.markdown import render

pytestmark = pytest.mark.unit


def test_markdown_is_rendered():
    html = render("# Nước sạch\n\n**Giải pháp**: lọc *nước* mưa\n\n- một\n- hai")
    assert "<h2>Nước sạch</h2>" in html and "<strong>Giải pháp</strong>" in html and "<li>một</li>" in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[bấm vào](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<svg onload="alert(1)"></svg>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<div onclick=alert(1)>x</div>",
    ],
)
def test_dangerous_markup_is_removed(payload):
    html = str(render(payload)).lower()
    assert "<script" not in html and "onerror" not in html and "onload" not in html and "onclick" not in html
    assert "javascript:" not in html and "<iframe" not in html and "style=" not in html


def test_images_only_from_our_uploads():
    html = str(render("![ảnh](/files/0123abcd.jpg) ![ngoài](https://evil.example/x.png)"))
    assert 'src="/files/0123abcd.jpg"' in html
    assert "evil.example" not in html


def test_links_are_safe():
    html = str(render("[Sở KH&CN](https://example.vn)"))
    assert 'href="https://example.vn"' in html and 'rel="nofollow noopener noreferrer"' in html
