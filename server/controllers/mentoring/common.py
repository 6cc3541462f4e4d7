"""What the mentoring pages share: the labels of profiles, needs and the pipeline, and calendar
invitations as downloads."""

from __future__ import annotations

from litestar import Response

from mentoring import common, pipeline

LABELS = {
    "expertise": common.EXPERTISE,
    "sectors": common.SECTORS,
    "org_kinds": common.ORG_KINDS,
    "stages": common.STAGE_LABELS,
    "slots": common.SLOTS,
    "gates": pipeline.GATES,
    "outcomes": pipeline.OUTCOMES,
}


def ics_response(body: bytes, name: str) -> Response:
    return Response(
        body, media_type="text/calendar", headers={"Content-Disposition": f'attachment; filename="{name}.ics"'}
    )
