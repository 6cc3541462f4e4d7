"""Phone layouts (390 px) of the organizer's pages and the results, and the printed certificate.

On a 390 px phone: axe finds nothing; no element sticks out of the screen unless it sits inside a
labelled, focusable scroll region (wide tables scroll there, nothing is cut); the organizer's charts
show their text at 12 px or more. A certificate prints on exactly one A4 page.
"""

from __future__ import annotations

import re

from tests.browser.support import DEMO_PASSWORD, assert_accessible, click_and_wait, log_in, visit

OPEN_SLUG = "y-tuong-sang-tao-2026"
FINISHED_SLUG = "y-tuong-sang-tao-2025"

OVERFLOW_JS = """() => {
    const width = document.documentElement.clientWidth;
    const inRegion = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const style = getComputedStyle(p);
            if (["auto", "scroll"].includes(style.overflowX)) {
                return p.getAttribute("role") === "region" && p.tabIndex === 0
                    && (p.getAttribute("aria-label") || p.getAttribute("aria-labelledby")) ? "ok" : "unlabelled";
            }
        }
        return "";
    };
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
        if (el.closest(".visually-hidden, .skip-link, svg title, svg desc")) continue;
        const box = el.getBoundingClientRect();
        if (!box.width && !box.height) continue;
        if (box.right <= width + 0.5 && box.left >= -0.5) continue;
        const region = inRegion(el);
        if (region !== "ok") out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.left)}–`
                                      + `${Math.round(box.right)} px ${region}`);
    }
    return {width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 20)};
}"""

CHART_TEXT_JS = """() => Array.from(document.querySelectorAll("figure.chart svg text")).map((t) => {
    const scale = t.ownerSVGElement.getScreenCTM().a;
    return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale};
})"""


def assert_fits_the_phone(page) -> None:
    found = page.evaluate(OVERFLOW_JS)
    assert found["scrollWidth"] <= found["width"], f"{page.url} scrolls sideways: {found}"
    assert not found["out"], f"{page.url}: cut off or outside a labelled scroll region: {found['out']}"


def test_organizer_pages_fit_a_phone_with_readable_charts(page, live_server):
    base = live_server.url
    log_in(page, base, "organizer@example.com", DEMO_PASSWORD)
    visit(page, f"{base}/organizer/")
    assert_fits_the_phone(page)
    visit(page, f"{base}/organizer/contests/{OPEN_SLUG}")
    assert_fits_the_phone(page)
    texts = page.evaluate(CHART_TEXT_JS)
    assert len(texts) > 8, texts  # four charts, their titles, labels and values
    small = [t for t in texts if t["px"] < 12]
    assert not small, f"chart text under 12 px: {small[:5]}"
    # The text equivalents are kept: every chart is an image named by its title and data.
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() == 4
    desc = charts.first.locator("desc").text_content()
    assert re.search(r": \d+", desc), desc
    # The ideas table scrolls inside its labelled region, whose label is the section's heading.
    region = page.locator("[role=region][aria-labelledby=ideas-heading]")
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-labelledby')") == "ideas-heading"


def test_results_fit_a_phone_and_the_certificate_prints_on_one_a4_page(page, live_server):
    base = live_server.url
    visit(page, f"{base}/contests/{FINISHED_SLUG}/results")
    assert_fits_the_phone(page)
    for region in page.locator(".table-wrap").all():  # every wide table scrolls in a labelled region
        assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    visit(page, f"{base}/contests/{FINISHED_SLUG}/results?lang=en")
    assert_fits_the_phone(page)

    visit(page, f"{base}/contests/{FINISHED_SLUG}/results?lang=vi")
    click_and_wait(page, page.locator("a[href$='/certificate']").first)
    assert_accessible(page)
    assert_fits_the_phone(page)
    assert re.search(r", ngày \d\d tháng \d\d năm \d{4}", page.locator("#issued").inner_text())
    assert "TM. BAN TỔ CHỨC" in page.locator(".certificate-signer").inner_text()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": round(180 / 25.4 * 96), "height": 1123})  # A4's width less its margins
    box = page.locator(".certificate").bounding_box()
    assert box and box["height"] <= 267 / 25.4 * 96, box  # A4 less its 15 mm margins, in CSS px
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages == 1, f"the certificate prints on {pages} pages"
