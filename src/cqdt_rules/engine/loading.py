"""Finding and loading rulesets: a path, a folder, a shipped id or an assessment year, parsed, checked
(amendments applied to their base first) and compiled into a ``CheckedRuleset``."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from cqdt_rules.engine.compiler import CompiledRuleset, compile_ruleset
from cqdt_rules.errors import Diagnostic, RulesetError, UsageError, did_you_mean
from cqdt_rules.language.amend import apply_amendment
from cqdt_rules.language.checker import check
from cqdt_rules.language.parser import parse_source
from cqdt_rules.language.resources import data_dir
from cqdt_rules.model import ruleset as m

RULESET_SUFFIX = ".cqdt"


@attrs.frozen
class CheckedRuleset:
    """A ruleset that passed the static checks, its warnings, and its compiled form."""

    ruleset: m.Ruleset
    warnings: tuple[Diagnostic, ...]
    compiled: CompiledRuleset = attrs.field(eq=False, repr=False)
    source: str = attrs.field(eq=False, repr=False)
    sources: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)
    """The text of every file the ruleset was read from, by path (an amendment and the rulesets it amends)."""


def shipped_rulesets() -> dict[str, Path]:
    """The bundled rulesets by id (the id in each file's header)."""
    found: dict[str, Path] = {}
    for path in sorted(data_dir("rulesets").rglob("*" + RULESET_SUFFIX)):
        text = path.read_text(encoding="utf-8")
        try:
            found[parse_source(text, str(path)).id] = path
        except RulesetError:
            continue
    return found


def resolve_ruleset_path(path_or_id: str | Path) -> Path:
    """The file for a ruleset path, a folder holding one ruleset, a shipped ruleset id, or an
    assessment year (``2022``: the shipped ruleset that declares that year)."""
    path = Path(path_or_id)
    if path.is_file():
        return path
    if path.is_dir():
        files = sorted(path.glob("*" + RULESET_SUFFIX))
        if len(files) == 1:
            return files[0]
        raise UsageError(f"folder '{path}' holds {len(files)} ruleset files; name one")
    if _YEAR.fullmatch(str(path_or_id)):
        return _path_for_year(int(str(path_or_id)), ())
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


def load_text(text: str, path: str = "<memory>", *, bases: Mapping[str, CheckedRuleset] | None = None) -> CheckedRuleset:
    """Parse, check and compile ruleset text; an amendment is applied to its base first (a path
    in ``amends "..."`` is relative to ``path``).

    With ``bases``, an amendment may amend only one of these rulesets, by id: no file is read (text
    from an untrusted sender never names a path on this machine)."""
    return _load_text(text, path, (), bases)


def _load_text(text: str, path: str, seen: tuple[Path, ...],
               bases: Mapping[str, CheckedRuleset] | None = None) -> CheckedRuleset:
    parsed = parse_source(text, path)
    digest = hashlib.sha256(text.encode("utf-8"))
    sources = {path: text}
    found: list[Diagnostic] = []
    inherited: set[Diagnostic] = set()
    if isinstance(parsed, m.Amendment):
        base = _load_base(parsed, text, path, seen) if bases is None else _given_base(parsed, text, path, bases)
        sources = {**base.sources, path: text}
        applied = apply_amendment(base.ruleset, parsed)
        if any(d.is_error for d in applied.diagnostics):
            raise RulesetError(applied.diagnostics, sources)
        ruleset = applied.ruleset
        found.extend(applied.diagnostics)
        inherited = set(base.warnings)  # reported with the base already; what is left is the amendment's doing
        digest.update(b"\0amends\0" + base.ruleset.content_hash.encode("ascii"))
    else:
        ruleset = parsed
    ruleset = attrs.evolve(ruleset, content_hash="sha256:" + digest.hexdigest())
    checked = [d for d in check(ruleset) if d not in inherited]
    if isinstance(parsed, m.Amendment):
        checked = applied.relocate(checked)
    diagnostics = sorted(found + checked, key=lambda d: (d.span.path, d.span.line, d.span.column, d.message))
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        raise RulesetError(diagnostics, sources)
    return CheckedRuleset(ruleset, tuple(diagnostics), compile_ruleset(ruleset), text, sources)


def _load_base(amendment: m.Amendment, text: str, path: str, seen: tuple[Path, ...]) -> CheckedRuleset:
    """The checked ruleset an amendment changes (itself perhaps an amendment)."""
    here = Path(path).resolve() if path != "<memory>" else None
    base_path = _base_path(amendment, text, path)
    chain = seen + ((here,) if here is not None else ())
    if base_path.resolve() in chain:
        names = " → ".join(str(p) for p in chain + (base_path.resolve(),))
        raise RulesetError([Diagnostic(amendment.base.span, f"amendments form a cycle: {names}")], {path: text})
    base_text = base_path.read_text(encoding="utf-8")
    return _load_text(base_text, str(base_path), chain)


def _given_base(amendment: m.Amendment, text: str, path: str, bases: Mapping[str, CheckedRuleset]) -> CheckedRuleset:
    ref = amendment.base
    if not ref.is_path and ref.ref in bases:
        return bases[ref.ref]
    known = ", ".join(sorted(bases)) or "none"
    message = (f"'amends' may name only a ruleset id here, not a path ('{ref.ref}')" if ref.is_path
               else f"no ruleset with id '{ref.ref}' to amend here")
    hint = did_you_mean(ref.ref, bases) or f"rulesets that may be amended: {known}"
    raise RulesetError([Diagnostic(ref.span, message, hint=hint)], {path: text})


def _base_path(amendment: m.Amendment, text: str, path: str) -> Path:
    ref = amendment.base
    folder = Path(path).parent if path != "<memory>" else Path(".")
    if ref.is_path:
        candidate = folder / ref.ref
        if candidate.is_file():
            return candidate
        raise RulesetError([Diagnostic(ref.span, f"no ruleset file '{ref.ref}' (looked for {candidate})",
                                       hint="a path after 'amends' is relative to the amendment's own folder")],
                           {path: text})
    known = dict(shipped_rulesets())
    if ref.ref in known:
        return known[ref.ref]
    for sibling in sorted(folder.glob("*" + RULESET_SUFFIX)):
        if path != "<memory>" and sibling.resolve() == Path(path).resolve():
            continue
        try:
            sibling_id = parse_source(sibling.read_text(encoding="utf-8"), str(sibling)).id
        except RulesetError:
            continue
        known.setdefault(sibling_id, sibling)
        if sibling_id == ref.ref:
            return sibling
    raise RulesetError([Diagnostic(ref.span, f"no shipped ruleset and no ruleset beside this file has id '{ref.ref}'",
                                   hint=did_you_mean(ref.ref, known) or "known ids: " + (", ".join(sorted(known)) or "none")
                                   + "; or give a path: amends \"../base.cqdt\"")],
                       {path: text})


# ---------------------------------------------------------------- assessment years
_YEAR = re.compile(r"\d{4}")


@attrs.frozen
class RulesetYears:
    """What a ruleset file declares about the years it applies to (read without checking it)."""

    id: str
    path: Path
    years: tuple[int, int | None] | None
    effective: dt.date | None = None
    amends: tuple[str, ...] = ()

    def covers(self, year: int) -> bool:
        if self.years is None:
            return False
        first, last = self.years
        return first <= year and (last is None or year <= last)

    @property
    def years_text(self) -> str:
        if self.years is None:
            return "no years declared"
        first, last = self.years
        return f"{first} onwards" if last is None else (str(first) if first == last else f"{first}–{last}")


def declared_years(paths: Iterable[str | Path] = ()) -> list[RulesetYears]:
    """The assessment years of every shipped ruleset and of the given ruleset files."""
    files = list(shipped_rulesets().values()) + [resolve_ruleset_path(p) for p in paths]
    found: dict[Path, RulesetYears] = {}
    for path in files:
        key = path.resolve()
        if key not in found:
            parsed = parse_source(path.read_text(encoding="utf-8"), str(path))
            found[key] = RulesetYears(parsed.id, path, parsed.header.years, parsed.header.effective, _lineage(parsed, path))
    return list(found.values())


def _lineage(parsed: m.Ruleset | m.Amendment, path: Path) -> tuple[str, ...]:
    """The ids of the rulesets an amendment amends, nearest first (empty for a complete ruleset)."""
    chain: list[str] = []
    seen: set[Path] = {path.resolve()}
    while isinstance(parsed, m.Amendment):
        try:
            base_path = _base_path(parsed, "", str(path))
        except RulesetError:
            chain.append(parsed.base.ref)
            break
        if base_path.resolve() in seen:
            break
        seen.add(base_path.resolve())
        path = base_path
        parsed = parse_source(path.read_text(encoding="utf-8"), str(path))
        chain.append(parsed.id)
    return tuple(chain)


def _path_for_year(year: int, paths: Iterable[str | Path]) -> Path:
    candidates = declared_years(paths)
    covering = [c for c in candidates if c.covers(year)]
    # An amendment covering the year takes the place of the ruleset it amends.
    amended = {base for c in covering for base in c.amends}
    chosen = [c for c in covering if c.id not in amended]
    if len(chosen) == 1:
        return chosen[0].path
    listing = "; ".join(f"{c.id}: {c.years_text}" for c in sorted(candidates, key=lambda c: (c.years or (0, 0))[0]))
    if not chosen:
        raise UsageError(f"no ruleset declares assessment year {year} (covered: {listing or 'nothing'}); "
                         "name the ruleset to use instead of the year")
    raise UsageError(f"several rulesets declare assessment year {year}: "
                     + ", ".join(f"{c.id} ({c.path})" for c in chosen) + "; name the one to use")


def ruleset_for_year(year: int, paths: Iterable[str | Path] = (), *, force: str | Path | None = None) -> CheckedRuleset:
    """The ruleset that declares assessment ``year`` (``years`` in its header), among the shipped
    rulesets and ``paths``; an amendment that declares the year is preferred to the ruleset it amends.

    Raises UsageError naming the years each ruleset covers when none declares ``year`` (or when
    several do). ``force`` names a ruleset (path or id) to use for ``year`` whatever it declares."""
    if force is not None:
        return load(force)
    return load(_path_for_year(year, paths))


def load_ruleset(path_or_id: str | Path) -> m.Ruleset:
    """The checked ruleset model for a file path or a shipped ruleset id (e.g. 'egov_2020')."""
    return load(path_or_id).ruleset
