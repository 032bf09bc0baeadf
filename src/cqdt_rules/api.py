"""The public entry points: load and check a ruleset, read unit data, score.

A facade for other systems: the stages below (``engine``, ``data``) hold the code; modules inside
the package import those stages, not this module."""

from typing import TYPE_CHECKING, Any

from cqdt_rules.data.frames import assessments_from_frame, score
from cqdt_rules.data.records import assessments_from_records
from cqdt_rules.engine.loading import (
    CheckedRuleset,
    RulesetYears,
    declared_years,
    load,
    load_ruleset,
    load_text,
    resolve_ruleset_path,
    ruleset_for_year,
    shipped_rulesets,
)
from cqdt_rules.engine.results import results_schema

if TYPE_CHECKING:
    from cqdt_rules.data.readers import load_assessments


def __getattr__(name: str) -> Any:
    """``load_assessments`` is imported when first used: its YAML library is not needed to load a ruleset."""
    if name == "load_assessments":
        from cqdt_rules.data.readers import load_assessments

        return load_assessments
    raise AttributeError(f"module 'cqdt_rules.api' has no attribute '{name}'")


__all__ = [
    "CheckedRuleset",
    "RulesetYears",
    "assessments_from_frame",
    "assessments_from_records",
    "declared_years",
    "load",
    "load_assessments",
    "load_ruleset",
    "load_text",
    "resolve_ruleset_path",
    "results_schema",
    "ruleset_for_year",
    "score",
    "shipped_rulesets",
]
