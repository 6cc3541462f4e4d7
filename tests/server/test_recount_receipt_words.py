"""The recount page's receipt lookup names the action of each line in the reader's language ("Bỏ phiếu",
"Vote cast"), while the downloaded vote log keeps its own words (cast / withdraw / void)."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_from

pytestmark = pytest.mark.integration


async def _found_table(client, slug: str, receipt: str, lang: str) -> str:
    page = await client.get(f"/contests/{slug}/recount?lang={lang}")
    found = await client.post(
        f"/contests/{slug}/recount?lang={lang}", data={"_csrf_token": csrf_from(page.text), "receipt": receipt}
    )
    assert found.status_code == 200 and 'id="receipt-lines"' in found.text
    return found.text.split('id="receipt-lines"')[1].split("</table>")[0]


async def test_the_receipt_line_names_the_action_in_the_readers_language(client, closed_vote, clock):
    slug, receipt = closed_vote["slug"], closed_vote["receipts"][0]
    clock.advance(days=8)  # the vote is closed and the log is published
    vietnamese = await _found_table(client, slug, receipt, "vi")
    assert "<td>Bỏ phiếu</td>" in vietnamese and ">cast<" not in vietnamese
    english = await _found_table(client, slug, receipt, "en")
    assert "<td>Vote cast</td>" in english and ">cast<" not in english
    log = await client.get(f"/contests/{slug}/vote-log.csv")
    assert log.status_code == 200 and ",cast," in log.text and "Bỏ phiếu" not in log.text
