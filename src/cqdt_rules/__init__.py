"""cqdt_rules: score and rank administrative units against published criteria written in a small language."""

from cqdt_rules.api import (
    CheckedRuleset,
    assessments_from_records,
    declared_years,
    load,
    load_ruleset,
    load_text,
    results_schema,
    ruleset_for_year,
    score,
    shipped_rulesets,
)
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.engine.results import Results, UnitResult
from cqdt_rules.errors import CqdtError, DataError, RulesetError, UsageError
from cqdt_rules.model.units import Assessment, Pair

__all__ = [
    "Assessment",
    "CheckedRuleset",
    "CqdtError",
    "DataError",
    "Pair",
    "Results",
    "RulesetError",
    "UnitResult",
    "UsageError",
    "assessments_from_records",
    "declared_years",
    "load",
    "load_assessments",
    "load_ruleset",
    "load_text",
    "results_schema",
    "ruleset_for_year",
    "score",
    "shipped_rulesets",
]
