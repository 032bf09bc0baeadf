"""Scoring assessments with a ruleset: the one entry the API, the analyses and the commands share."""

from __future__ import annotations

import decimal
import importlib
import importlib.util
from collections.abc import Iterable, Mapping
from types import ModuleType

from cqdt_rules.engine.compiler import CompiledRuleset, compile_ruleset
from cqdt_rules.engine.evaluator import evaluate
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.engine.results import Results
from cqdt_rules.errors import RulesetError, UsageError
from cqdt_rules.language.checker import check
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.units import Assessment


ENGINES = ("scalar", "batch", "auto")
AUTO_BATCH_UNITS = 2000  # below this many units the scalar engine is as fast and imports nothing


def score(ruleset: m.Ruleset | CheckedRuleset, assessments: Iterable[Assessment], *, run_at: str | None = None,
          any_year: bool = False, engine: str = "scalar", unit_list: Mapping[str, str] | None = None) -> Results:
    """Score assessments; values are checked against the ruleset first (DataError lists every problem).

    Assessments of a year outside the ruleset's declared years are refused unless ``any_year``.
    ``engine``: "scalar" (unit by unit), "batch" (whole cohorts over numpy columns, exactly the same results;
    needs the ``batch`` extra) or "auto" (batch for large inputs when numpy is installed). A unit's ``parent``
    must be a unit of the input (same year and source) or of ``unit_list`` (code → tier, the province's unit list);
    the result names in ``warnings`` the parents nothing could check."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine '{engine}': use 'scalar', 'batch' or 'auto'")
    compiled = compiled_ruleset(ruleset)
    if engine == "auto":
        assessments = list(assessments)
        engine = "batch" if len(assessments) >= AUTO_BATCH_UNITS and numpy_available() else "scalar"
    if engine == "batch":
        with decimal.localcontext(ARITHMETIC):  # the arithmetic of docs/language.md, whatever the caller's
            results: Results = batch_module().evaluate_batch(compiled, assessments, run_at, any_year, unit_list)
        return results
    return evaluate(compiled, assessments, run_at, any_year, unit_list)


def compiled_ruleset(ruleset: m.Ruleset | CheckedRuleset) -> CompiledRuleset:
    """The compiled form of a ruleset (checked and compiled once per ruleset object)."""
    return ruleset.compiled if isinstance(ruleset, CheckedRuleset) else _compiled(ruleset)


def numpy_available() -> bool:
    return importlib.util.find_spec("numpy") is not None


def batch_module() -> ModuleType:
    if not numpy_available():
        raise UsageError("the batch engine needs numpy (pip install 'cqdt-rules[batch]')")
    return importlib.import_module("cqdt_rules.engine.batch")


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
