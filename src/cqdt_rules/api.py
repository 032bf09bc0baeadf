"""The public entry points: load and check a ruleset, read unit data, score."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import attrs

from cqdt_rules import model as m
from cqdt_rules.checker import check
from cqdt_rules.compiler import CompiledRuleset, compile_ruleset
from cqdt_rules.errors import Diagnostic, RulesetError, UsageError, did_you_mean
from cqdt_rules.evaluator import evaluate
from cqdt_rules.parser import parse_text
from cqdt_rules.resources import data_dir
from cqdt_rules.results import Results
from cqdt_rules.units import Assessment

RULESET_SUFFIX = ".cqdt"


@attrs.frozen
class CheckedRuleset:
    """A ruleset that passed the static checks, its warnings, and its compiled form."""

    ruleset: m.Ruleset
    warnings: tuple[Diagnostic, ...]
    compiled: CompiledRuleset = attrs.field(eq=False, repr=False)
    source: str = attrs.field(eq=False, repr=False)


def shipped_rulesets() -> dict[str, Path]:
    """The bundled rulesets by id (the id in each file's header)."""
    found: dict[str, Path] = {}
    for path in sorted(data_dir("rulesets").rglob("*" + RULESET_SUFFIX)):
        text = path.read_text(encoding="utf-8")
        try:
            found[parse_text(text, str(path)).id] = path
        except RulesetError:
            continue
    return found


def resolve_ruleset_path(path_or_id: str | Path) -> Path:
    path = Path(path_or_id)
    if path.is_file():
        return path
    if path.is_dir():
        files = sorted(path.glob("*" + RULESET_SUFFIX))
        if len(files) == 1:
            return files[0]
        raise UsageError(f"folder '{path}' holds {len(files)} ruleset files; name one")
    shipped = shipped_rulesets()
    if str(path_or_id) in shipped:
        return shipped[str(path_or_id)]
    hint = did_you_mean(str(path_or_id), shipped)
    raise UsageError(f"no ruleset file or shipped ruleset id '{path_or_id}'"
                     + (f"; {hint}" if hint else f" (shipped: {', '.join(shipped) or 'none'})"))


def load(path_or_id: str | Path) -> CheckedRuleset:
    """Parse, check and compile a ruleset; raise RulesetError listing every error."""
    path = resolve_ruleset_path(path_or_id)
    text = path.read_text(encoding="utf-8")
    return load_text(text, str(path))


def load_text(text: str, path: str = "<memory>") -> CheckedRuleset:
    ruleset = parse_text(text, path)
    ruleset = attrs.evolve(ruleset, content_hash="sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest())
    diagnostics = check(ruleset)
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        raise RulesetError(diagnostics, {path: text})
    return CheckedRuleset(ruleset, tuple(diagnostics), compile_ruleset(ruleset), text)


def load_ruleset(path_or_id: str | Path) -> m.Ruleset:
    """The checked ruleset model for a file path or a shipped ruleset id (e.g. 'egov_2020')."""
    return load(path_or_id).ruleset


def score(ruleset: m.Ruleset | CheckedRuleset, assessments: Iterable[Assessment], *, run_at: str | None = None) -> Results:
    """Score assessments; values are checked against the ruleset first (DataError lists every problem)."""
    compiled = ruleset.compiled if isinstance(ruleset, CheckedRuleset) else _compiled(ruleset)
    return evaluate(compiled, assessments, run_at)


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
