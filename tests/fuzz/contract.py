"""The contract every fuzz target asserts: bad input ends in a positioned ``CqdtError`` (and the CLI in
exit 1 or 2 with no traceback), input that is wrong by construction is refused, and what is accepted
scores exactly as the reference evaluator (tests/reference.py) scores it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

from cqdt_rules import api
from cqdt_rules.errors import CqdtError, DiagnosticsError
from cqdt_rules.model.units import Assessment

import reference

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def fuzz_settings() -> settings:
    """The loaded profile's case count (10,000 with --hypothesis-profile=fuzz), else the fast default."""
    fast = settings.get_profile("default").max_examples == settings().max_examples
    cases = int(os.environ.get("CQDT_FUZZ_CASES", "10")) if fast else settings().max_examples
    return settings(max_examples=cases, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def outcome(action: Callable[[], T]) -> T | CqdtError:
    """What ``action`` returns, or the CqdtError it raises, which must be positioned. Any other exception
    propagates and fails the test: it would be a traceback for the person running cqdt."""
    try:
        return action()
    except DiagnosticsError as error:
        assert error.diagnostics, "a diagnostics error with no diagnostic"
        for found in error.diagnostics:
            assert found.span.path and found.message, found
        rendered = error.render()
        assert "\x1b" not in rendered
        return error
    except CqdtError as error:
        assert str(error), "an error with no message"
        return error


def scores_as_reference(checked: api.CheckedRuleset, assessments: Iterable[Assessment]) -> None:
    """Score; a data error is a fine answer, an accepted input must agree with the reference evaluator."""
    units = list(assessments)
    results = outcome(lambda: api.score(checked, units, any_year=True))
    if isinstance(results, CqdtError):
        return
    expected = reference.reference_scores(checked.ruleset, units)
    assert len(results) == len(expected)
    for unit in results:
        ref = expected[unit.assessment.key]
        assert {node_id: r.points for node_id, r in unit.nodes.items()} == ref.points, unit.explain()
        assert unit.total == ref.total
        assert unit.outputs == ref.outputs
        assert {name: level.id for name, level in unit.levels.items()} == ref.levels
        assert {name: rank.rank for name, rank in unit.ranks.items()} == ref.ranks


def refused(result: Any) -> bool:
    return isinstance(result, CqdtError)
