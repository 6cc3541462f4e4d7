"""The whole site as every demo role sees it: each page passes the Nu HTML Checker, axe and a phone.

For each demo role (a visitor, a verified resident, a young team lead, a judge during judging, a
commune organizer, a mentor, the city organizer and the platform administrator) the test signs in
and follows the site's own links from the role's start pages (GET only, breadth first). Every HTML
page it reaches must:

- pass the Nu HTML Checker (vnu) with no error, as served (one vnu run per role);
- pass axe-core (WCAG 2.0/2.1 A and AA) at 390 px and at 1280 px;
- not scroll sideways at 390 px, nothing sticking out except inside a labelled scroll region;
- answer 200 (or 404 for the addresses that do not exist).

Addresses that differ only by an id, an idea code or a contest's page address count as one pattern,
of which at most ``PER_PATTERN`` are opened, so the crawl stays short. Downloads, logout, the
admin and the raw API are not crawled (the API has its own conformance test). Failures are
collected per address and reported together.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest

from tests.browser.support import (
    DEMO_PASSWORD,
    axe_violations,
    format_violations,
    log_in,
    new_context,
    start_server,
    stop_server,
    with_axe,
)
from tests.support.vnu import VNU, VNU_COMMAND

pytestmark = [pytest.mark.browser, pytest.mark.long]

ROOT = Path(__file__).resolve().parents[2]
PER_PATTERN = 2
MAX_PAGES = 60
CHECKED_BEFORE: set[str] = set()  # the kinds of page the roles crawled so far have opened
MISSING = ("/no-such-page", "/schema/no-such-thing")

# role, login (None: a visitor), which server, start pages
ROLES = [
    (
        "visitor",
        None,
        "site",
        ["/", "/contests/y-tuong-sang-tao-2025/results", "/city", "/mentors/", "/workshops", "/login", "/register"],
    ),
    (
        "verified resident",
        "citizen1@example.com",
        "site",
        ["/account", "/contests/sang-kien-chuyen-doi-so-2026/vote", "/contests/y-tuong-sang-tao-2025/results"],
    ),
    ("team lead", "youth1@example.com", "site", ["/my/ideas", "/my/invitations", "/account", "/mentoring"]),
    ("judge", "judge2@example.com", "site_in_judging", ["/judge"]),
    (
        "commune organizer",
        "organizer@example.com",
        "site",
        ["/organizer/", "/organizer/mentoring", "/organizer/residents", "/organizer/sponsors"],
    ),
    ("mentor", "mentor1@example.com", "site", ["/mentoring", "/mentors/"]),
    ("city organizer", "city@example.com", "site", ["/city", "/account"]),
    ("platform admin", "admin@example.com", "site", ["/organizer/", "/account"]),
]

SKIP = re.compile(
    r"^/(logout|static/|files/|uploads/|api/|admin|schema/|healthz)"
    r"|\.(csv|xlsx|json|ics|py|pdf|png|jpe?g|webp|svg)$"
    r"|/(export|photo|logo)$"
)
IDEA_CODE = re.compile(r"^[A-Z]{2,}-\d{4}-\d+$")
SLUG_AFTER = {"contests", "communes"}

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
    const links = Array.from(document.querySelectorAll("a[href]"), (a) => a.getAttribute("href"));
    return {width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 5), links};
}"""


# Seeding the demo takes a while on a busy machine.
START_TIMEOUT = 300
JUDGING_CLOCK_OFFSET = 30 * 24 * 3600  # the open demo contest is in its judging phase


@pytest.fixture(scope="module")
def site(browser_tools):
    server = start_server(timeout=START_TIMEOUT)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def site_in_judging(browser_tools):
    """The demo 30 days on: the open contest is being judged (judge2 has signed the declaration)."""
    server = start_server(timeout=START_TIMEOUT, extra_env={"CLOCK_OFFSET": str(JUDGING_CLOCK_OFFSET)})
    yield server
    stop_server(server)


def pattern(url: str) -> str:
    """``/ideas/AK-2026-004?page=2`` → ``/ideas/{code}?page``: the page's kind, not the page."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for i, segment in enumerate(segments):
        if segment.isdigit():
            segments[i] = "{id}"
        elif IDEA_CODE.match(segment):
            segments[i] = "{code}"
        elif i and segments[i - 1] in SLUG_AFTER and segment:
            segments[i] = "{slug}"
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def same_site(base: str, href: str, here: str) -> str | None:
    """The address to crawl for a link, or None for another site, a download, logout, the admin…"""
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url = urljoin(here, href)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base or SKIP.search(parts.path):
        return None
    # The language links set a cookie for what follows: the crawl stays in Vietnamese, and the
    # English pages are checked at the end.
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def vnu_errors(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """The Nu HTML Checker's errors per address, for all the pages in one run."""
    names = {}
    for i, (url, html) in enumerate(pages.items()):
        path = folder / f"page-{i:03d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = url
    run = subprocess.run(
        [*VNU_COMMAND, "--format", "json", "--stdout", *[str(folder / name) for name in names]],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert '"messages"' in run.stdout, f"the Nu HTML Checker did not run: {run.stderr[-2000:]}"
    found: dict[str, list[str]] = {}
    for message in json.loads(run.stdout or "{}").get("messages", []):
        if message.get("type") == "error":
            url = names.get(Path(message.get("url", "")).name, message.get("url", "?"))
            found.setdefault(url, []).append(f"vnu line {message.get('lastLine')}: {message.get('message')}")
    return found


def check_page(page, url: str) -> tuple[list[str], list[str]]:
    """axe at 390 px and 1280 px, and nothing wider than a 390 px phone (the page is open at 390 px);
    the problems found and the page's links."""
    problems = []
    found = page.evaluate(OVERFLOW_JS)
    if found["scrollWidth"] > found["width"]:
        problems.append(f"scrolls sideways at 390 px: {found['scrollWidth']} px wide")
    if found["out"]:
        problems.append(f"sticks out at 390 px: {found['out']}")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        violations = axe_violations(page)
        if violations:
            problems.append(f"axe at {width} px: " + format_violations(url, violations))
    page.set_viewport_size({"width": 390, "height": 844})
    return problems, found["links"]


class Crawl:
    """Breadth-first over same-site links: the HTML served per address, and the problems found."""

    def __init__(self, page, base: str) -> None:
        self.page, self.base = page, base
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()
        self.per_pattern: dict[str, int] = {}
        self.served: dict[str, str] = {}
        self.problems: dict[str, list[str]] = {}
        self.current = base
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
        # No page asks another origin for anything (fonts, scripts, images, analytics).
        page.on("request", lambda r: self._watch(r.url, origin))

    def _watch(self, address: str, origin: str) -> None:
        if address.startswith(("http://", "https://")) and not address.startswith(origin + "/"):
            self.fail(self.current, f"asks another origin: {address}")

    def run(self, starts: list[str]) -> None:
        self.enqueue([self.base + path for path in [*starts, "/"]])
        while self.queue and len(self.served) < MAX_PAGES:
            url = self.queue.popleft()
            kind = pattern(url.removeprefix(self.base))
            # A kind of page that an earlier role's crawl checked is opened once more, not twice.
            if self.per_pattern.get(kind, 0) < (1 if kind in CHECKED_BEFORE else PER_PATTERN):
                self.per_pattern[kind] = self.per_pattern.get(kind, 0) + 1
                self.visit(url)
        CHECKED_BEFORE.update(self.per_pattern)
        for path in MISSING:
            self.visit(self.base + path, expected=404)
        # A few pages in English, then back to Vietnamese.
        for path in starts[:2]:
            self.visit(self.base + path + ("&" if "?" in path else "?") + "lang=en")
        self.page.goto(self.base + "/?lang=vi")

    def enqueue(self, urls: list[str]) -> None:
        for url in urls:
            if url not in self.seen:
                self.seen.add(url)
                self.queue.append(url)

    def fail(self, url: str, *problems: str) -> None:
        self.problems.setdefault(url, []).extend(problems)

    def visit(self, url: str, expected: int = 200) -> None:
        page = self.page
        self.current = url
        try:
            response = page.goto(url)
        except Exception as error:  # noqa: BLE001 — Playwright's error when the address is a download
            if "Download is starting" not in str(error):
                self.fail(url, f"could not be opened: {error}")
            return
        if response is None:
            return
        if response.status != expected:
            self.fail(url, f"answered {response.status}, expected {expected}")
        if response.status >= 500 or not response.headers.get("content-type", "").startswith("text/html"):
            return
        self.served[url] = response.text()
        problems, hrefs = check_page(page, url)
        self.fail(url, *problems)
        if SKIP.search(urlsplit(page.url).path):  # sent on to somewhere not crawled
            return
        self.enqueue([link for href in hrefs if (link := same_site(self.base, href, page.url))])


@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed: the Nu HTML Checker needs it")
@pytest.mark.skipif(not VNU.exists(), reason="vnu.jar is not installed (npm install brings node_modules/vnu-jar)")
@pytest.mark.parametrize(("role", "login", "server", "starts"), ROLES, ids=[r[0] for r in ROLES])
def test_every_page_a_role_reaches_is_valid_accessible_and_fits_a_phone(
    request, browser, tmp_path, role, login, server, starts
):
    base = request.getfixturevalue(server).url
    started = time.monotonic()
    context = with_axe(new_context(browser))  # a few dozen pages: axe is compiled once, not per page
    try:
        page = context.new_page()
        if login:
            log_in(page, base, login, DEMO_PASSWORD)
            assert "/login" not in page.url, f"{login} could not sign in"
        crawl = Crawl(page, base)
        crawl.run(starts)
    finally:
        context.close()
    served, problems = crawl.served, {url: issues for url, issues in crawl.problems.items() if issues}
    for url, errors in vnu_errors(served, tmp_path).items():
        problems.setdefault(url, []).extend(errors)
    report = [
        f"{role}: {len(served)} pages checked in {time.monotonic() - started:.0f} s",
        "kinds of page: " + ", ".join(sorted(crawl.per_pattern)),
    ]
    for url, issues in problems.items():
        report.append(f"\n{url.removeprefix(base)}")
        report.extend(f"  - {issue}" for issue in issues)
    print("\n".join(report))
    assert len(served) >= len(starts), "\n".join(report)
    assert not problems, "\n".join(report)
