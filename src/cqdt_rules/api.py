"""The public entry points: load and check a ruleset, read unit data, score.

A facade for other systems: the stages below (``engine``, ``data``) hold the code; modules inside
the package import those stages, not this module."""

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from cqdt_rules.data.frames import assessments_from_frame, score
    from cqdt_rules.data.readers import load_assessments
    from cqdt_rules.data.records import assessments_from_records
    from cqdt_rules.engine.results import results_schema

LAZY = {
    "load_assessments": "cqdt_rules.data.readers",
    "assessments_from_records": "cqdt_rules.data.records",
    "results_schema": "cqdt_rules.engine.results",
    "score": "cqdt_rules.data.frames",  # engine.scoring.score that also takes a data frame
    "assessments_from_frame": "cqdt_rules.data.frames",
}
"""Entry points imported when first used, so that loading a ruleset imports neither the YAML library nor the
scoring and results modules (``import cqdt_rules`` stays short)."""


def __getattr__(name: str) -> Any:
    if name not in LAZY:
        raise AttributeError(f"module 'cqdt_rules.api' has no attribute '{name}'")
    value = getattr(importlib.import_module(LAZY[name]), name)
    globals()[name] = value
    return value


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
