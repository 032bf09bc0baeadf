"""cqdt_rules: score and rank administrative units against published criteria written in a small language."""

import gc
import importlib
from typing import TYPE_CHECKING, Any

# Importing makes tens of thousands of objects (attrs builds every model class) and next to no garbage: the cyclic
# collector would scan them again some fifty times, about a tenth of the import. It is paused while the package
# is imported and left as it was found. Resumed, it would first scan the young objects the import made, all
# fifteen thousand of them (2-3 ms): they are handed to the oldest generation instead, unscanned (``gc.freeze``
# then ``gc.unfreeze``, which moves every tracked object there), unless some objects are kept frozen already
# (a program that froze them before forking: unfreezing them is not ours to do).
_COLLECTING = gc.isenabled()
gc.disable()
try:
    from cqdt_rules import api
    from cqdt_rules.api import (
        CheckedRuleset,
        declared_years,
        load,
        load_ruleset,
        load_text,
        ruleset_for_year,
        shipped_rulesets,
    )
    from cqdt_rules.errors import CqdtError, DataError, RulesetError, UsageError
finally:
    if _COLLECTING:
        if not gc.get_freeze_count():
            gc.freeze()
            gc.unfreeze()
        gc.enable()

if TYPE_CHECKING:
    from cqdt_rules.analysis.sensitivity import Sensitivity, ValueSpread, Vary
    from cqdt_rules.analysis.data_uncertainty import run as sensitivity
    from cqdt_rules.api import assessments_from_records, load_assessments, results_schema, score
    from cqdt_rules.engine.results import Results, UnitResult
    from cqdt_rules.model.units import Assessment, Pair

_LAZY = {"Results": ("cqdt_rules.engine.results", "Results"), "UnitResult": ("cqdt_rules.engine.results", "UnitResult"),
         "Assessment": ("cqdt_rules.model.units", "Assessment"), "Pair": ("cqdt_rules.model.units", "Pair"),
         # how robust levels and ranks are (numpy, the 'batch' extra)
         "sensitivity": ("cqdt_rules.analysis.data_uncertainty", "run"),
         "Sensitivity": ("cqdt_rules.analysis.sensitivity", "Sensitivity"),
         "Vary": ("cqdt_rules.analysis.sensitivity", "Vary"),
         "ValueSpread": ("cqdt_rules.analysis.sensitivity", "ValueSpread")}


def __getattr__(name: str) -> Any:
    """Scoring, results and data reading are imported when first used (``api.LAZY``)."""
    if name in api.LAZY:
        value = getattr(api, name)
    elif name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
    else:
        raise AttributeError(f"module 'cqdt_rules' has no attribute '{name}'")
    globals()[name] = value
    return value


__all__ = [
    "Assessment",
    "CheckedRuleset",
    "CqdtError",
    "DataError",
    "Pair",
    "Results",
    "RulesetError",
    "Sensitivity",
    "UnitResult",
    "UsageError",
    "ValueSpread",
    "Vary",
    "assessments_from_records",
    "declared_years",
    "load",
    "load_assessments",
    "load_ruleset",
    "load_text",
    "results_schema",
    "ruleset_for_year",
    "score",
    "sensitivity",
    "shipped_rulesets",
]
