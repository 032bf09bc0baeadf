"""Finding and loading rulesets: a path, a folder, a shipped id or an assessment year, parsed, checked
(amendments applied to their base first) and compiled into a ``CheckedRuleset``."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import attrs

from cqdt_rules.errors import Diagnostic, RulesetError, Span, UsageError, did_you_mean
from cqdt_rules.language.header import HeaderFacts, header_facts, read_header
from cqdt_rules.language.resources import data_dir
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.text import NotDecodable, decode, normal_newlines

if TYPE_CHECKING:
    from cqdt_rules.engine.compiler import CompiledRuleset
    from cqdt_rules.model import amendment as am

RULESET_SUFFIX = ".cqdt"
MAX_RULESET_BYTES = 1024 * 1024
"""The largest ruleset file read, as the service's largest ruleset text (the largest shipped one has some 80 kB): a
file is refused before it is read, for parsing and checking take up to some 200 times its size in memory (a title of
a million characters) or 6 seconds (formulas nested 41,000 times in 1 MiB, until refused at the 100th level)."""


@attrs.frozen
class CheckedRuleset:
    """A ruleset that passed the static checks, its warnings, and its compiled form."""

    ruleset: m.Ruleset
    warnings: tuple[Diagnostic, ...]
    source: str = attrs.field(eq=False, repr=False)
    sources: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)
    """The text of every file the ruleset was read from, by path (an amendment and the rulesets it amends)."""

    @functools.cached_property
    def compiled(self) -> CompiledRuleset:
        """The closures (and generated functions) that score it, made when first asked for: checking a ruleset, or
        loading one to read it, neither imports the compiler nor compiles (the compiler raises no error a
        checked ruleset could meet)."""
        from cqdt_rules.engine.compiler import compile_ruleset

        with decimal.localcontext(ARITHMETIC):
            return compile_ruleset(self.ruleset)


def read_ruleset(path: Path) -> str:
    """A ruleset file's text (UTF-8, a byte-order mark dropped, ``\n`` line ends); a RulesetError at the
    first byte that is not UTF-8, naming the encoding the file seems to be in; a RulesetError, before it is read,
    for a file larger than ``MAX_RULESET_BYTES``."""
    try:
        _check_ruleset_size(path)
        return decode(path.read_bytes())
    except NotDecodable as error:
        raise RulesetError([Diagnostic(Span(str(path), error.line, error.column, error.line, error.column + 1), str(error),
                                       hint="save the ruleset as UTF-8 (in a text editor: Save As, encoding UTF-8)")]) from None
    except OSError as error:
        raise UsageError(f"cannot read ruleset '{path}': {error.strerror or error}") from None


def _check_ruleset_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_RULESET_BYTES:
        # about the whole file, which no message quotes (its empty source keeps the file unread)
        raise RulesetError([Diagnostic(Span(str(path), 0, 0, 0, 0), f"the file has {size:,} bytes, more than the "
                                       f"{MAX_RULESET_BYTES:,} a ruleset file may have",
                                       hint="the largest shipped ruleset has some 80 kB: check that this is the "
                                            "ruleset file meant")], {str(path): ""})


def parse_source(text: str, path: str = "<memory>") -> m.Ruleset | am.Amendment:
    """Parse ruleset text (Lark is imported here, when a ruleset is first parsed, not with the package)."""
    from cqdt_rules.language import parser

    return parser.parse_source(text, path)


def header_of(path: Path) -> HeaderFacts:
    """What a ruleset file's header says (id, years, base): read from the header alone when it is plain,
    else from the parsed file (whose syntax errors are raised)."""
    facts = read_header(path)
    if facts is not None:
        return facts
    parsed = parse_source(read_ruleset(path), str(path))
    base = None if isinstance(parsed, m.Ruleset) else parsed.base
    return HeaderFacts(parsed.id, parsed.header.years, parsed.header.effective,
                       base.ref if base else None, base.is_path if base else False,
                       parsed.header.version, parsed.header.status)


def shipped_rulesets() -> dict[str, Path]:
    """The bundled rulesets by id (the id in each file's header)."""
    found: dict[str, Path] = {}
    for path in sorted(data_dir("rulesets").rglob("*" + RULESET_SUFFIX)):
        try:
            found[header_of(path).id] = path
        except RulesetError:
            continue
    return found


def resolve_ruleset_path(path_or_id: str | Path | int) -> Path:
    """The file for a ruleset path, a folder holding one ruleset, a shipped ruleset id, or an
    assessment year (``2022`` or ``"2022"``: the shipped ruleset that declares that year)."""
    if isinstance(path_or_id, int) and not isinstance(path_or_id, bool):
        return _path_for_year(path_or_id, ())
    if not isinstance(path_or_id, (str, os.PathLike)):
        raise UsageError(f"a ruleset is a path, a shipped ruleset id or an assessment year, such as 'egov_2020' "
                         f"or 2022, not {type(path_or_id).__name__}")
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


def load(path_or_id: str | Path | int, *, cached: bool = True) -> CheckedRuleset:
    """Parse, check and compile a ruleset; raise RulesetError listing every error.

    With ``cached`` (the default) a ruleset already checked in this process, or by this user before (the
    private cache of ``engine.ruleset_cache``, keyed by the text and the package's code), is not parsed
    again; ``cqdt check`` passes ``cached=False`` and always parses the text."""
    path = resolve_ruleset_path(path_or_id)
    text = read_ruleset(path)
    return load_text(text, str(path), cached=cached)


def load_text(text: str, path: str = "<memory>", *, cached: bool = True,
              bases: Mapping[str, CheckedRuleset] | None = None) -> CheckedRuleset:
    """Parse, check and compile ruleset text; an amendment is applied to its base first (a path
    in ``amends "..."`` is relative to ``path``). The checks compute in the engine's own decimal context.

    With ``bases``, an amendment may amend only one of these rulesets, by id: no file is read (text
    from an untrusted sender never names a path on this machine). Text from an untrusted sender is
    loaded with ``cached=False``, so that it is not kept in the cache on disk."""
    with decimal.localcontext(ARITHMETIC):
        facts = header_facts(text) if cached else None
        if facts is None or facts.amends is not None:  # an amendment depends on other files: not kept
            return _load_text(text, path, (), bases)
        from cqdt_rules.engine import ruleset_cache  # imported only to keep or recall (`cqdt check` does neither)

        kept = ruleset_cache.recall(text, path)
        if kept is None:
            checked = _load_text(text, path, ())
            ruleset_cache.keep(text, path, checked.ruleset, checked.warnings)
            return checked
        ruleset, warnings = kept
        return CheckedRuleset(ruleset, warnings, text, {path: text})


def _load_text(text: str, path: str, seen: tuple[Path, ...],
               bases: Mapping[str, CheckedRuleset] | None = None) -> CheckedRuleset:
    import hashlib  # only when parsing: a kept ruleset has its content hash

    from cqdt_rules.language.checker import check  # only when parsing: a kept ruleset needs no check
    from cqdt_rules.model import amendment as am  # the parser has made its classes

    text = normal_newlines(text.removeprefix("\ufeff"))  # as a file is read: positions count lines as an editor does
    parsed = parse_source(text, path)
    digest = hashlib.sha256(text.encode("utf-8"))
    sources = {path: text}
    found: list[Diagnostic] = []
    inherited: set[Diagnostic] = set()
    if isinstance(parsed, am.Amendment):
        from cqdt_rules.language.amend import apply_amendment  # only for an amendment

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
    if isinstance(parsed, am.Amendment):
        checked = applied.relocate(checked)
    diagnostics = sorted(found + checked, key=lambda d: (d.span.path, d.span.line, d.span.column, d.message))
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        raise RulesetError(diagnostics, sources)
    return CheckedRuleset(ruleset, tuple(diagnostics), text, sources)


def _load_base(amendment: am.Amendment, text: str, path: str, seen: tuple[Path, ...]) -> CheckedRuleset:
    """The checked ruleset an amendment changes (itself perhaps an amendment)."""
    here = Path(path).resolve() if path != "<memory>" else None
    base_path = _base_path(amendment.base, text, path)
    chain = seen + ((here,) if here is not None else ())
    if base_path.resolve() in chain:
        names = " → ".join(str(p) for p in chain + (base_path.resolve(),))
        raise RulesetError([Diagnostic(amendment.base.span, f"amendments form a cycle: {names}")], {path: text})
    base_text = read_ruleset(base_path)
    return _load_text(base_text, str(base_path), chain)


def _given_base(amendment: am.Amendment, text: str, path: str, bases: Mapping[str, CheckedRuleset]) -> CheckedRuleset:
    ref = amendment.base
    if not ref.is_path and ref.ref in bases:
        return bases[ref.ref]
    known = ", ".join(sorted(bases)) or "none"
    message = (f"'amends' may name only a ruleset id here, not a path ('{ref.ref}')" if ref.is_path
               else f"no ruleset with id '{ref.ref}' to amend here")
    hint = did_you_mean(ref.ref, bases) or f"rulesets that may be amended: {known}"
    raise RulesetError([Diagnostic(ref.span, message, hint=hint)], {path: text})


def _base_path(ref: am.BaseRef, text: str, path: str) -> Path:
    if not ref.ref.strip():
        raise RulesetError([Diagnostic(ref.span, "'amends' names no base",
                                       hint="write the base between the quotes (amends \"base.cqdt\"), or a shipped "
                                            "ruleset's id (amends egov_2020)")], {path: text})
    folder = Path(path).parent if path != "<memory>" else Path(".")
    if ref.is_path:
        candidate = folder / ref.ref
        refused = _outside(candidate, folder)
        if refused:
            raise RulesetError([Diagnostic(ref.span, f"'amends \"{ref.ref}\"' is refused: {refused}",
                                           hint="an amendment amends a shipped ruleset (by id) or a .cqdt file in its "
                                                "own folder or below it")], {path: text})
        if candidate.is_file():
            return candidate
        raise RulesetError([Diagnostic(ref.span, f"no ruleset file '{ref.ref}' (looked for {candidate})",
                                       hint="a path after 'amends' is relative to the amendment's own folder")],
                           {path: text})
    known = dict(shipped_rulesets())
    if ref.ref in known:
        return known[ref.ref]
    for sibling in sorted(folder.glob("*" + RULESET_SUFFIX)):
        if (path != "<memory>" and sibling.resolve() == Path(path).resolve()) or _outside(sibling, folder):
            continue
        try:
            sibling_id = header_of(sibling).id
        except RulesetError:
            continue
        known.setdefault(sibling_id, sibling)
        if sibling_id == ref.ref:
            return sibling
    raise RulesetError([Diagnostic(ref.span, f"no shipped ruleset and no ruleset beside this file has id '{ref.ref}'",
                                   hint=did_you_mean(ref.ref, known) or "known ids: " + (", ".join(sorted(known)) or "none")
                                   + "; or give the path of a .cqdt file in this folder or below: amends \"base.cqdt\"")],
                       {path: text})


def _outside(candidate: Path, folder: Path) -> str | None:
    """Why an amendment may not read ``candidate`` (None when it may): the base must be a ruleset file in
    the amendment's folder or below it, symbolic links resolved, so that no ``amends`` line reads (and no
    error message prints) a file the person did not give as a ruleset."""
    if candidate.suffix != RULESET_SUFFIX:
        return f"the base of an amendment is a {RULESET_SUFFIX} file"
    try:
        candidate.resolve().relative_to(folder.resolve())
    except ValueError:
        return "the file is not in the amendment's folder or below it"
    except (OSError, RuntimeError):  # a symbolic link loop
        return "the path cannot be resolved"
    return None


# ---------------------------------------------------------------- assessment years
_YEAR = re.compile(r"\d{4}")


class RulesetYears(NamedTuple):
    """What a ruleset file declares about the years it applies to (read without checking it); a named tuple,
    which costs a tenth of an attrs class to make, on the way of every command."""

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
            facts = header_of(path)
            found[key] = RulesetYears(facts.id, path, facts.years, facts.effective, _lineage(facts, path))
    return list(found.values())


def _lineage(facts: HeaderFacts, path: Path) -> tuple[str, ...]:
    """The ids of the rulesets an amendment amends, nearest first (empty for a complete ruleset)."""
    from cqdt_rules.model.amendment import BaseRef  # only for an amendment's base

    chain: list[str] = []
    seen: set[Path] = {path.resolve()}
    while facts.amends is not None:
        try:
            base_path = _base_path(BaseRef(facts.amends, is_path=facts.amends_path), "", str(path))
        except RulesetError:
            chain.append(facts.amends)
            break
        if base_path.resolve() in seen:
            break
        seen.add(base_path.resolve())
        path = base_path
        facts = header_of(path)
        chain.append(facts.id)
    return tuple(chain)


def _path_for_year(year: int, paths: Iterable[str | Path]) -> Path:
    candidates = declared_years(paths)
    covering = [c for c in candidates if c.covers(year)]
    # An amendment covering the year takes the place of the ruleset it amends.
    amended = {base for c in covering for base in c.amends}
    chosen = [c for c in covering if c.id not in amended]
    if len(chosen) == 1:
        return chosen[0].path
    from cqdt_rules.language.formatter import years_text  # only on this error path

    # the years as a header declares them (``2023..``): the same in every language
    listing = ", ".join(f"{c.id} {years_text(c.years)}"
                        for c in sorted(candidates, key=lambda c: (c.years or (0, 0))[0]) if c.years is not None)
    if not chosen:
        raise UsageError(f"no ruleset declares assessment year {year} (covered: {listing or 'nothing'}); "
                         "name the ruleset to use instead of the year")
    raise UsageError(f"several rulesets declare assessment year {year}: "
                     + ", ".join(f"{c.id} ({c.path})" for c in chosen) + "; name the one to use")


def ruleset_for_year(year: int | str, paths: Iterable[str | Path] = (), *, force: str | Path | None = None) -> CheckedRuleset:
    """The ruleset that declares assessment ``year`` (``years`` in its header), among the shipped
    rulesets and ``paths``; an amendment that declares the year is preferred to the ruleset it amends.

    Raises UsageError naming the years each ruleset covers when none declares ``year`` (or when
    several do). ``force`` names a ruleset (path or id) to use for ``year`` whatever it declares."""
    if force is not None:
        return load(force)
    return load(_path_for_year(_year_number(year), paths))


def _year_number(year: object) -> int:
    """An assessment year given as a number or as its four digits (``"2022"``, as ``load`` takes it)."""
    if isinstance(year, str) and _YEAR.fullmatch(year.strip()):
        return int(year)
    if not isinstance(year, int) or isinstance(year, bool):
        raise UsageError(f"an assessment year is a whole number, such as 2022, not {type(year).__name__}")
    return year


def load_ruleset(path_or_id: str | Path) -> m.Ruleset:
    """The checked ruleset model for a file path or a shipped ruleset id (e.g. 'egov_2020')."""
    return load(path_or_id).ruleset
