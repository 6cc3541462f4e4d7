"""What the mentoring pages share: the labels of profiles, needs and the pipeline, times typed in the
commune's time zone, and calendar invitations as downloads."""

from __future__ import annotations

import datetime as dt

from litestar import Response

from mentoring import common, pipeline
from server.i18n import TIMEZONE

LABELS = {
    "expertise": common.EXPERTISE,
    "sectors": common.SECTORS,
    "org_kinds": common.ORG_KINDS,
    "stages": common.STAGE_LABELS,
    "slots": common.SLOTS,
    "gates": pipeline.GATES,
    "outcomes": pipeline.OUTCOMES,
}


def local_time(text: str) -> dt.datetime:
    """A date and time typed in the commune's time zone (``2026-12-03T14:00``), in UTC."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TIMEZONE).astimezone(dt.UTC)


def ics_response(body: bytes, name: str) -> Response:
    return Response(
        body, media_type="text/calendar", headers={"Content-Disposition": f'attachment; filename="{name}.ics"'}
    )
