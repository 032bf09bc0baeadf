"""The public entry points: load and check a ruleset, read unit data, score.

A facade for other systems: the stages below (``engine``, ``data``) hold the code; modules inside
the package import those stages, not this module."""

from cqdt_rules.data.readers import load_assessments
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
from cqdt_rules.engine.scoring import score

__all__ = [
    "CheckedRuleset",
    "RulesetYears",
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
