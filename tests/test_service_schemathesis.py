"""Schemathesis against the service's own OpenAPI description: generated requests to every operation
(valid by the description, and invalid ones) never get a 5xx, every response matches the description
(status code, media type, body schema), and every request the description calls valid is accepted.
Bounded: a few dozen examples per operation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from cqdt_rules.service.app import create_app
from cqdt_rules.service.settings import load_settings

APP = create_app(load_settings())
# Valid requests are accepted: answered 2xx, or 404 for what the server does not have (a ruleset, a tier, a form
# for a year its ruleset does not apply to). The operations that read a ruleset's text or a tier's unit data may
# also answer 422: JSON Schema cannot say what the ruleset language is, which indicators a tier reads, or that a
# pair's a is at most its b; that refusal lists every error with its position. A 400, 413 or 415 for a request
# the description calls valid fails the run: the description then promises more than the service accepts.
CONFIG = SchemathesisConfig.from_dict({"operations": [{
    "include-operation-id": ["score", "scorePosted", "check"],
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "422"]}},
}]})
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@pytest.mark.slow  # thirty generated requests per operation: the full run
@SCHEMA.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_description(case: schemathesis.Case) -> None:
    case.call_and_validate()
