"""The open-data API keeps the promises of its OpenAPI document: schemathesis generates requests from
/schema/openapi.json (valid and invalid ones) against the app with the demo's contests, ideas, results and
vote logs, and checks every answer: no 5xx, only documented status codes and content types, bodies
that match the documented schemas (the error body included)."""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.integration

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
POSITIVE, NEGATIVE = 10, 10  # examples per route: about 130 requests, well under a minute


def draw(strategy, count: int) -> list:
    """Up to ``count`` cases of a strategy, the same ones on every run."""
    cases = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck(check) for check in HealthCheck],  # every one (typed as members)
    )
    @given(strategy)
    def collect(case):
        cases.append(case)

    with contextlib.suppress(Unsatisfiable):  # e.g. no invalid request exists for a route without parameters
        collect()
    return cases


@pytest.fixture
async def demo_values(db, clock) -> dict[str, list[str]]:
    """The demo's communes, contests, ideas, results and vote logs; the path values that exist in it:
    every contest slug and some idea codes."""
    from contest.tables import Contest, Idea
    from tests.support.snapshots import seeded_demo

    await seeded_demo(clock())
    slugs = [row["slug"] for row in await Contest.select(Contest.slug)]
    codes = [row["code"] for row in await Idea.select(Idea.code).where(Idea.code.is_not_null()).limit(5)]
    return {"slug": slugs, "code": codes}


async def test_the_api_answers_as_its_openapi_document_says(client, demo_values):
    document = (await client.get("/schema/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    failures, calls, statuses = [], 0, set()
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # every operation of the document loads
        operations.append(result.ok())
    assert {op.path for op in operations} >= {
        "/api/contests",
        "/api/contests/{slug}",
        "/api/contests/{slug}/ideas",
        "/api/ideas/{code}",
        "/contests/{slug}/results.json",
        "/contests/{slug}/results.csv",
        "/contests/{slug}/vote-log.csv",
        "/contests/{slug}/vote-log.json",
        "/contests/{slug}/recount.py",
    }
    for operation in operations:
        cases = draw(operation.as_strategy(generation_mode=GenerationMode.POSITIVE), POSITIVE)
        if list(operation.query):  # a path segment is any text: only query values can be invalid
            cases += draw(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), NEGATIVE)
        # Generated slugs and codes exist nowhere: ask for the demo's real ones too.
        names = [p.name for p in operation.path_parameters]
        for name in names:
            for value in demo_values[name]:
                cases += [operation.Case(path_parameters={name: value})]
        for case in cases:
            kwargs = case.as_transport_kwargs(base_url="http://testserver")
            response = await client.request(
                kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=kwargs.get("headers")
            )
            calls += 1
            statuses.add((operation.path, response.status_code))
            checks = CHECKS + (
                [negative_data_rejection] if case.meta and case.meta.generation.mode == GenerationMode.NEGATIVE else []
            )
            try:
                case.validate_response(response, checks=checks)
            except FailureGroup as exc:  # every failed check of the answer
                failures.append(f"{kwargs['method']} {kwargs['url']} {kwargs.get('params')}: {exc}")
    assert not failures, "\n\n".join(failures[:5])
    # The demo reaches the answers that matter: published results and vote logs, and 404s before publication.
    assert calls > 100
    for path in (
        "/contests/{slug}/results.json",
        "/contests/{slug}/vote-log.json",
        "/contests/{slug}/vote-log.csv",
        "/api/ideas/{code}",
        "/api/contests/{slug}/ideas",
    ):
        assert (path, 200) in statuses and (path, 404) in statuses, path
    assert ("/api/contests/{slug}/ideas", 400) in statuses
