"""Scoring assessments with a ruleset: the one entry the API, the analyses and the commands share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cqdt_rules.engine.compiler import CompiledRuleset, compile_ruleset
from cqdt_rules.engine.evaluator import evaluate
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.engine.results import Results
from cqdt_rules.errors import RulesetError
from cqdt_rules.language.checker import check
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment


def score(ruleset: m.Ruleset | CheckedRuleset, assessments: Iterable[Assessment], *, run_at: str | None = None,
          any_year: bool = False, units: Mapping[str, str] | None = None) -> Results:
    """Score assessments; values are checked against the ruleset first (DataError lists every problem).

    Assessments of a year outside the ruleset's declared years are refused unless ``any_year``. A unit's
    ``parent`` must be a unit of the input (same year and source) or of ``units`` (code → tier, the
    province's unit list: ``read_unit_list``); the result's ``warnings`` name parents nothing could check."""
    compiled = ruleset.compiled if isinstance(ruleset, CheckedRuleset) else _compiled(ruleset)
    return evaluate(compiled, assessments, run_at, any_year, units)


_COMPILED: dict[int, CompiledRuleset] = {}


def _compiled(ruleset: m.Ruleset) -> CompiledRuleset:
    key = id(ruleset)
    cached = _COMPILED.get(key)
    if cached is None or cached.ruleset is not ruleset:
        errors = [d for d in check(ruleset) if d.is_error]
        if errors:
            raise RulesetError(errors)
        cached = _COMPILED[key] = compile_ruleset(ruleset)
    return cached
