"""cqdt_rules: score and rank administrative units against published criteria written in a small language."""

from typing import TYPE_CHECKING, Any

from cqdt_rules import api
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
from cqdt_rules.engine.results import Results, UnitResult
from cqdt_rules.errors import CqdtError, DataError, RulesetError, UsageError
from cqdt_rules.model.units import Assessment, Pair

if TYPE_CHECKING:
    from cqdt_rules.data.readers import load_assessments


def __getattr__(name: str) -> Any:
    """``load_assessments`` is imported when first used: its YAML library is not needed to load a ruleset."""
    if name == "load_assessments":
        return api.load_assessments
    raise AttributeError(f"module 'cqdt_rules' has no attribute '{name}'")


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
