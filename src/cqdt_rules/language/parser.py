"""Parse ruleset text into the unchecked model (Lark stops here: nothing else sees a lark.Tree)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Any

import lark
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from cqdt_rules.errors import Diagnostic, RulesetError, Span, did_you_mean
from cqdt_rules.language import lalr
from cqdt_rules.language.header import unquote
from cqdt_rules.model import amendment as am
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC, MAX_DECIMALS, MAX_TEXT, NumberError, read_number
from cqdt_rules.tables import control_character

_FRIENDLY = {
    "NAME": "a name",
    "NODE_ID": "a criterion id (like A1.2)",
    "NUMBER": "a number",
    "INT": "a whole number",
    "YEAR": "a year",
    "DATE": "a date (YYYY-MM-DD)",
    "STRING": 'a "quoted text"',
    "$END": "end of file",
}


@functools.cache
def _lark() -> Lark:
    return lalr.build(**lalr.MODEL_OPTIONS)


def parse_text(text: str, path: str = "<memory>") -> m.Ruleset:
    """Parse ruleset text; syntax errors become a positioned :class:`RulesetError`.

    An amendment (a header saying ``amends BASE``) is refused here: ``api.load`` applies it to its base."""
    parsed = parse_source(text, path)
    if isinstance(parsed, am.Amendment):
        raise RulesetError([Diagnostic(parsed.base.span, f"ruleset '{parsed.id}' amends '{parsed.base.ref}' and "
                                       "cannot be read on its own",
                                       hint="load it with cqdt_rules.load() (or any cqdt command), which applies "
                                            "it to its base")], {path: text})
    return parsed


def parse_source(text: str, path: str = "<memory>") -> m.Ruleset | am.Amendment:
    """Parse a ruleset file: a complete ruleset, or an amendment of another (not yet applied)."""
    try:
        tree = lalr.parse(_lark(), text)
    except UnexpectedInput as exc:
        raise RulesetError([_syntax_diagnostic(exc, text, path)], {path: text}) from None
    deep = _too_deep(tree)
    if deep is not None:
        raise RulesetError([Diagnostic(_tree_span(path, deep), f"the ruleset nests more than {MAX_NESTING} levels deep here",
                                       hint="groups within groups, best_of, if … then … else, parentheses and the terms "
                                            "of one formula all nest; write it flatter")], {path: text})
    try:
        return _ToModel(path).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, _SemanticError):
            raise RulesetError([exc.orig_exc.diagnostic], {path: text}) from None
        raise


_MAX_INT_DIGITS = 6


MAX_NESTING = 100
"""The deepest a ruleset's syntax tree may be (the shipped rulesets reach 8). Every later stage (checking,
compiling, evaluating, formatting) walks the tree recursively; this keeps them all far from Python's limit."""


def _too_deep(tree: lark.Tree[Token]) -> lark.Tree[Token] | None:
    """The first subtree deeper than MAX_NESTING, found without recursion; None when there is none."""
    pending = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_NESTING:
            return node
        pending.extend((child, depth + 1) for child in node.children if isinstance(child, lark.Tree))
    return None


def _tree_span(path: str, tree: lark.Tree[Token]) -> Span:
    meta = tree.meta
    if getattr(meta, "empty", True):
        return Span(path, 1, 1, 1, 2)
    return Span(path, meta.line, meta.column, meta.line, meta.column + 1)


class _SemanticError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


_WORDS = re.compile(r"\(\?:((?:[^()|\\]|\\.)+(?:\|(?:[^()|\\]|\\.)+)*)\)")
"""A terminal that is one of several words or signs (``GROUPING: "tier" | "district"``), as Lark writes its pattern:
``(?:district|tier)``, signs escaped (``(?:\\+|\\-)``)."""


def _describe_terminal(name: str) -> list[str]:
    """What a person writes for the terminal ``name``: its word or sign in quotes, each of its words or signs when it
    is one of several, or a description (never the grammar's own name for it)."""
    if name in _FRIENDLY:
        return [_FRIENDLY[name]]
    try:
        pattern = _lark().get_terminal(name).pattern
    except KeyError:
        return [name]
    if isinstance(pattern, lark.lexer.PatternStr):
        return [f"'{pattern.value}'"]
    words = _WORDS.fullmatch(pattern.value)
    if words is None:
        return [name.lower()]
    return ["'" + re.sub(r"\\(.)", r"\1", word) + "'" for word in re.split(r"(?<!\\)\|", words.group(1))]


def _expected_text(expected: set[str] | frozenset[str]) -> str:
    names = sorted({word for n in expected if not n.startswith("__") for word in _describe_terminal(n)})
    if not names:
        return ""
    if len(names) > 14:
        names = names[:14] + ["..."]
    return "expected " + ", ".join(names)


def _valid_next(exc: UnexpectedInput, expected: set[str] | frozenset[str]) -> set[str] | frozenset[str]:
    """The tokens that can really come next. An LALR state shared by several contexts lists what may
    follow in any of them (after a rule inside a criterion, the statements of an amendment); the
    interactive parser tries each token on the actual stack."""
    interactive = getattr(exc, "interactive_parser", None)
    if interactive is None:
        return expected
    try:
        accepted: set[str] = set(interactive.accepts())
    except Exception:  # the error text must not depend on this refinement
        return expected
    return (accepted & set(expected)) or accepted or expected


def _syntax_diagnostic(exc: UnexpectedInput, text: str, path: str) -> Diagnostic:
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        lines = text.rstrip().split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        expected = exc.expected if isinstance(exc, UnexpectedEOF) else exc.expected
        span = Span(path, line, column, line, column + 1)
        return Diagnostic(span, "unexpected end of file", hint=_expected_text(_valid_next(exc, set(expected))) or None)
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        span = Span(path, token.line, token.column, token.end_line or token.line,
                    token.end_column or token.column + len(str(token)))
        return Diagnostic(span, f"unexpected '{token}'", hint=_expected_text(_valid_next(exc, exc.expected)) or None)
    assert isinstance(exc, UnexpectedCharacters)
    position: int = exc.pos_in_stream or 0  # always set by the lexer; typed Optional by lark
    char = text[position] if position < len(text) else ""
    span = Span(path, exc.line, exc.column, exc.line, exc.column + 1)
    hint = _expected_text(_valid_next(exc, exc.allowed or set()))
    return Diagnostic(span, f"unexpected character '{char}'", hint=hint or None)


def _span(path: str, meta_or_token: Any) -> Span:
    return Span(path, meta_or_token.line, meta_or_token.column,
                meta_or_token.end_line, meta_or_token.end_column)


def _string(token: Token) -> str:
    return unquote(str(token))


@v_args(meta=True)
class _ToModel(Transformer[Token, m.Ruleset]):
    """One method per grammar rule; each returns a model object or a tagged tuple."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def _sp(self, meta: Any) -> Span:
        return _span(self.path, meta)

    def _token_span(self, token: Token) -> Span:
        return Span(self.path, token.line or 0, token.column or 0, token.end_line or token.line or 0,
                    token.end_column or (token.column or 0) + 1)

    def _string(self, token: Token) -> str:
        """A quoted text, which holds no control character: a label reaches terminals, spreadsheets and documents."""
        found = control_character(str(token))
        if found:
            raise _SemanticError(Diagnostic(self._token_span(token), f"a quoted text holds a control character ({found})",
                                            hint="remove it: labels are plain text on one line"))
        return _string(token)

    def _points(self, token: Token) -> m.PointsSpec:
        return "full" if str(token) == "full" else self._number(token)

    def _number(self, token: Token) -> Decimal:
        """A NUMBER token within the limits every number read must meet (model.numbers), or a positioned error."""
        try:
            return read_number(str(token))
        except NumberError as error:
            raise _SemanticError(Diagnostic(self._token_span(token), str(error),
                                            hint=f"numbers in a ruleset lie between -10^15 and 10^15, with at most "
                                                 f"{MAX_DECIMALS} decimals and {MAX_TEXT} characters")) from None

    def _int(self, token: Token) -> int:
        """A whole-number token (decimals to round to, a year) short enough to mean something, or a positioned error."""
        text = str(token)
        if len(text) > _MAX_INT_DIGITS:
            raise _SemanticError(Diagnostic(self._token_span(token), f"a whole number of {len(text)} digits is too large here",
                                            hint=f"decimals to round to go up to {m.MAX_DIGITS}"))
        return int(text)

    # ------------------------------------------------------------ header
    def start(self, meta: Any, children: list[Any]) -> m.Ruleset | am.Amendment:
        header, base = children[0]
        items = children[1:]
        if base is not None:
            return am.Amendment(header, base, tuple(_as_amendment_change(x) for x in items), path=self.path)
        for item in items:
            if isinstance(item, (am.AmendTier, am.RemoveTier, am.ChangeLevel, am.ChangeBelow)):
                raise _SemanticError(Diagnostic(item.span, "only an amendment can change another ruleset",
                                                hint="add 'amends RULESET_ID' (or 'amends \"path/to/base.cqdt\"') "
                                                     "to the ruleset header"))
        shared = [c for c in items if not isinstance(c, (m.Tier, m.Statistic))]
        tiers = tuple(_with_shared(t, shared) for t in items if isinstance(t, m.Tier))
        statistics = tuple(s for s in items if isinstance(s, m.Statistic))
        return m.Ruleset(header, tiers, statistics, path=self.path)

    def ruleset_block(self, meta: Any, children: list[Any]) -> tuple[m.Header, am.BaseRef | None]:
        fields: dict[str, Any] = {}
        where: dict[str, Span] = {}
        for key, value, span in children[1:]:
            if key in fields and key == "amends":
                raise _SemanticError(Diagnostic(span, "the header names more than one base ruleset",
                                                hint="an amendment amends one ruleset; amend an amendment to chain them"))
            if key in fields:
                raise _SemanticError(Diagnostic(span, f"'{key}' is given twice in the header",
                                                hint=f"the first is at line {where[key].line}; keep the one that applies"))
            fields[key] = value
            where[key] = span
        if "title" not in fields:
            raise _SemanticError(Diagnostic(self._sp(meta), "the ruleset header has no title",
                                            hint='add a line: title "Bộ tiêu chí ..."'))
        title, title_en = fields.pop("title")
        base = fields.pop("amends", None)
        header = m.Header(id=str(children[0]), title=title, title_en=title_en, span=self._sp(meta), **fields)
        return header, base

    def _header_item(self, meta: Any, key: str, value: Any) -> tuple[str, Any, Span]:
        return (key, value, self._sp(meta))

    def h_amends(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "amends", c[0])

    def base_ref(self, meta: Any, c: list[Any]) -> am.BaseRef:
        token = c[0]
        if token.type == "STRING":
            return am.BaseRef(self._string(token), is_path=True, span=self._sp(meta))
        return am.BaseRef(str(token), span=self._sp(meta))

    def h_title(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "title", (self._string(c[0]), c[1] if len(c) > 1 else None))

    def en_title(self, meta: Any, c: list[Any]) -> str:
        return self._string(c[0])

    def h_legal_source(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "legal_source", self._string(c[0]))

    def h_version(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "version", self._string(c[0]))

    def h_status(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "status", str(c[0]))

    def _date(self, token: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            raise _SemanticError(Diagnostic(_span(self.path, token), f"'{token}' is not a date",
                                            hint="write dates as YYYY-MM-DD")) from None

    def h_issued(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "issued", self._date(c[0]))

    def h_effective(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "effective", self._date(c[0]))

    def h_years(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        last = self._int(c[2]) if len(c) > 2 else None
        return self._header_item(meta, "years", (self._int(c[0]), last))

    def h_note(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "note", self._string(c[0]))

    def h_rounding(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "rounding", self._rounding(c, meta))

    def h_zero(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "on_zero_denominator", c[0])

    def h_evidence(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return self._header_item(meta, "on_missing_evidence", str(c[0]))

    def zero_result(self, meta: Any, c: list[Any]) -> m.PointsSpec:
        return self._points(c[0])

    def _rounding(self, c: list[Any], meta: Any) -> m.Rounding:
        return m.Rounding(self._int(c[0]), str(c[1]) if len(c) > 1 else "half_up", span=self._sp(meta))

    # ------------------------------------------------------------ tiers and nodes
    def tier_block(self, meta: Any, c: list[Any]) -> m.Tier:
        tier_id, title = str(c[0]), self._string(c[1])
        rest = c[2:]
        title_en = rest.pop(0) if isinstance(rest[0], str) and not isinstance(rest[0], Token) else None
        maximum = self._number(rest.pop(0))
        nodes = tuple(x for x in rest if isinstance(x, m.Node))
        total_rounding = next((x[1] for x in rest if isinstance(x, tuple) and x[0] == "total_round"), None)
        headline, headline_span = next(((x[1], x[2]) for x in rest if isinstance(x, tuple) and x[0] == "headline"),
                                       (None, m.NO_SPAN))
        return m.Tier(
            id=tier_id, title=title, title_en=title_en, max=maximum, nodes=nodes,
            levels=tuple(x for x in rest if isinstance(x, m.LevelScale)),
            rankings=tuple(x for x in rest if isinstance(x, m.Ranking)),
            outputs=tuple(x for x in rest if isinstance(x, m.Output)),
            total_rounding=total_rounding, headline=headline, headline_span=headline_span, span=Span(self.path, meta.line, meta.column, c[0].end_line, c[0].end_column),
        )

    def total_round(self, meta: Any, c: list[Any]) -> tuple[str, m.Rounding, Span]:
        return ("total_round", self._rounding(c, meta), self._sp(meta))

    def headline(self, meta: Any, c: list[Any]) -> tuple[str, str, Span]:
        return ("headline", str(c[0]), self._sp(meta))

    def _node(self, meta: Any, c: list[Any], is_group: bool) -> m.Node:
        node_id, title = str(c[0]), self._string(c[1])
        rest = list(c[2:])
        title_en = rest.pop(0) if not isinstance(rest[0], Token) else None
        maximum = self._number(rest.pop(0))
        capped = False
        if rest and isinstance(rest[0], Token) and rest[0].type == "CAPPED":
            capped = True
            rest.pop(0)
        fields: dict[str, Any] = {}
        children: list[m.Node] = []
        inputs: list[m.Indicator] = []
        rules: list[Any] = []
        for item in rest:
            if isinstance(item, m.Node):
                children.append(item)
            elif isinstance(item, _PendingIndicator):
                inputs.append(item.build(node_id))
            elif isinstance(item, tuple):
                fields[item[0]] = item[1]
            else:
                rules.append(item)
        if not is_group:
            if not rules:
                raise _SemanticError(Diagnostic(self._sp(meta), f"criterion {node_id} has no scoring rule",
                                                hint="add a rule such as 'yes x', 'ratio x', 'bands x { ... }' or 'informational'"))
            if len(rules) > 1:
                raise _SemanticError(Diagnostic(rules[1].span, f"criterion {node_id} has more than one scoring rule",
                                                hint="keep one rule; use 'best_of { ... }' for alternatives or sub-criteria for sums"))
        head = Span(self.path, meta.line, meta.column, c[0].end_line, c[0].end_column)
        return m.Node(
            id=node_id, title=title, title_en=title_en, max=maximum, children=tuple(children),
            inputs=tuple(inputs), rule=rules[0] if rules else None, capped=capped,
            span=head, **fields,
        )

    def group(self, meta: Any, c: list[Any]) -> m.Node:
        return self._node(meta, c, is_group=True)

    def criterion(self, meta: Any, c: list[Any]) -> m.Node:
        return self._node(meta, c, is_group=False)

    def provenance(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("provenance", m.Provenance(str(c[0]), self._string(c[1])))

    def node_round(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("rounding", self._rounding(c, meta))

    def node_share(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("share_digits", self._int(c[0]))

    def node_note(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("note", self._string(c[0]))

    # ------------------------------------------------------------ indicators
    def input_decl(self, meta: Any, c: list[Any]) -> _PendingIndicator:
        kind, categories = c[1]
        fields: dict[str, Any] = {}
        for key, value in c[3:]:
            fields[key] = value
        return _PendingIndicator(str(c[0]), kind, self._string(c[2]), categories, fields, self._sp(meta))

    def t_yesno(self, meta: Any, c: list[Any]) -> tuple[str, tuple[m.Category, ...]]:
        return ("yesno", ())

    def t_count(self, meta: Any, c: list[Any]) -> tuple[str, tuple[m.Category, ...]]:
        return ("count", ())

    def t_number(self, meta: Any, c: list[Any]) -> tuple[str, tuple[m.Category, ...]]:
        return ("number", ())

    def t_percent(self, meta: Any, c: list[Any]) -> tuple[str, tuple[m.Category, ...]]:
        return ("percent", ())

    def t_pair(self, meta: Any, c: list[Any]) -> tuple[str, tuple[m.Category, ...]]:
        return ("pair", ())

    def t_score(self, meta: Any, c: list[Any]) -> tuple[str, tuple[m.Category, ...]]:
        return ("score", ())

    def t_category(self, meta: Any, c: list[Any]) -> tuple[str, tuple[m.Category, ...]]:
        return ("category", tuple(c))

    def category_value(self, meta: Any, c: list[Any]) -> m.Category:
        return m.Category(str(c[0]), self._string(c[1]) if len(c) > 1 else None)

    def o_unit(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("unit", self._string(c[0]))

    def o_range(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("range", (c[0], c[2]))

    def o_exceed(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("a_may_exceed_b", True)

    def o_evidence(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("evidence", self._string(c[0]))

    def o_audit_only(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("audit_only", True)

    def o_default(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("default", c[0])

    def literal(self, meta: Any, c: list[Any]) -> Any:
        value = c[0]
        return str(value) if isinstance(value, Token) else value

    def pair_literal(self, meta: Any, c: list[Any]) -> tuple[Decimal, Decimal]:
        return (c[0], c[1])

    def signed(self, meta: Any, c: list[Any]) -> Decimal:
        value = self._number(c[-1])
        return -value if len(c) > 1 else value

    # ------------------------------------------------------------ rules
    def yes_rule(self, meta: Any, c: list[Any]) -> m.YesRule:
        return m.YesRule(str(c[0]), span=self._sp(meta))

    def category_rule(self, meta: Any, c: list[Any]) -> m.CategoryRule:
        arms = tuple(x for x in c[1:] if isinstance(x, m.CategoryArm))
        otherwise = next((x[1] for x in c[1:] if isinstance(x, tuple)), None)
        return m.CategoryRule(str(c[0]), arms, otherwise, span=self._sp(meta))

    def category_arm(self, meta: Any, c: list[Any]) -> m.CategoryArm:
        return m.CategoryArm(str(c[0]), c[1], span=self._sp(meta))

    def points(self, meta: Any, c: list[Any]) -> m.PointsSpec:
        return self._points(c[0])

    def else_arm(self, meta: Any, c: list[Any]) -> tuple[str, m.PointsSpec]:
        return ("else", c[0])

    def ratio_rule(self, meta: Any, c: list[Any]) -> m.RatioRule:
        return m.RatioRule(str(c[0]), c[1] if len(c) > 1 else None, span=self._sp(meta))

    def bands_rule(self, meta: Any, c: list[Any]) -> m.BandsRule:
        bands = tuple(x for x in c[1:] if isinstance(x, m.Band))
        otherwise = next((x[1] for x in c[1:] if isinstance(x, tuple)), None)
        return m.BandsRule(str(c[0]), bands, otherwise, span=self._sp(meta))

    def band(self, meta: Any, c: list[Any]) -> m.Band:
        return m.Band(str(c[0]), c[1], c[2], span=self._sp(meta))

    def threshold(self, meta: Any, c: list[Any]) -> m.Threshold:
        return m.Threshold(self._number(c[0]), percent=len(c) > 1)

    def per_item_rule(self, meta: Any, c: list[Any]) -> m.PerItemRule:
        return m.PerItemRule(str(c[0]), self._number(c[1]), span=self._sp(meta))

    def best_rule(self, meta: Any, c: list[Any]) -> m.BestOfRule:
        return m.BestOfRule(tuple(c), span=self._sp(meta))

    def normalised_rule(self, meta: Any, c: list[Any]) -> m.NormalisedRule:
        return m.NormalisedRule(str(c[0]), str(c[1]), span=self._sp(meta))  # type: ignore[arg-type]

    def direct_rule(self, meta: Any, c: list[Any]) -> m.DirectRule:
        return m.DirectRule(str(c[0]), span=self._sp(meta))

    def informational_rule(self, meta: Any, c: list[Any]) -> m.InformationalRule:
        return m.InformationalRule(span=self._sp(meta))

    def formula_rule(self, meta: Any, c: list[Any]) -> m.FormulaRule:
        return m.FormulaRule(c[0], span=self._sp(meta))

    # ------------------------------------------------------------ levels, rankings, outputs
    def levels_block(self, meta: Any, c: list[Any]) -> m.LevelScale:
        name, label = str(c[0]), self._string(c[1])
        rest = c[2:]
        on: Any = m.TotalRef(span=self._sp(meta))
        if rest and not isinstance(rest[0], m.Level):
            on = rest.pop(0)
        levels = tuple(x for x in rest if isinstance(x, m.Level))
        below = rest[-1]
        return m.LevelScale(name, label, on, levels, below, span=self._sp(meta))

    def level(self, meta: Any, c: list[Any]) -> m.Level:
        return m.Level(str(c[0]), self._string(c[1]), c[2], tuple(c[3:]), span=self._sp(meta))

    def requirement(self, meta: Any, c: list[Any]) -> m.Requirement:
        return m.Requirement(c[0], c[1], span=self._sp(meta))

    def below(self, meta: Any, c: list[Any]) -> str:
        return self._string(c[0])

    def ranking_decl(self, meta: Any, c: list[Any]) -> m.Ranking:
        fields: dict[str, Any] = {}
        tiebreaks = []
        for item in c[3:]:
            if isinstance(item, m.TieBreak):
                tiebreaks.append(item)
            elif item.type == "DIRECTION":
                fields["direction"] = str(item)
            elif item.type == "GROUPING":
                fields["within"] = str(item)
            elif item.type == "TIES":
                fields["ties"] = str(item)
        return m.Ranking(str(c[0]), self._string(c[1]), _ranked_value(c[2]), tiebreaks=tuple(tiebreaks),
                         span=self._sp(meta), **fields)

    def tiebreak(self, meta: Any, c: list[Any]) -> m.TieBreak:
        return m.TieBreak(_ranked_value(c[0]), str(c[1]) if len(c) > 1 else "descending")

    def output_decl(self, meta: Any, c: list[Any]) -> m.Output:
        rounding = self._rounding(c[3:], meta) if len(c) > 3 else None
        return m.Output(str(c[0]), self._string(c[1]), c[2], rounding, span=self._sp(meta))

    def statistic_decl(self, meta: Any, c: list[Any]) -> m.Statistic:
        fields: dict[str, Any] = {}
        for key, value, span in c[3:]:
            if key in fields:
                raise _SemanticError(Diagnostic(span, f"'{key}' is given twice for statistic '{c[0]}'",
                                                hint="keep the one that applies"))
            fields[key] = value
        return m.Statistic(str(c[0]), _string(c[1]), c[2], span=self._sp(meta), **fields)

    def stat_over(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return ("tiers", tuple(str(x) for x in c), self._sp(meta))

    def stat_percent(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return ("percent", True, self._sp(meta))

    def stat_round(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return ("rounding", self._rounding(c, meta), self._sp(meta))

    def stat_unit(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return ("unit", _string(c[0]), self._sp(meta))

    def stat_heading(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return ("heading", _string(c[0]), self._sp(meta))

    def stat_text(self, meta: Any, c: list[Any]) -> tuple[str, Any, Span]:
        return ("text", _string(c[0]), self._sp(meta))

    def total_ref(self, meta: Any, c: list[Any]) -> m.TotalRef:
        return m.TotalRef(span=self._sp(meta))

    def points_ref(self, meta: Any, c: list[Any]) -> m.PointsRef:
        return m.PointsRef(str(c[0]), span=self._sp(meta))

    def share_ref(self, meta: Any, c: list[Any]) -> m.ShareRef:
        return m.ShareRef(str(c[0]), span=self._sp(meta))

    def output_ref(self, meta: Any, c: list[Any]) -> m.OutputRef:
        return m.OutputRef(str(c[0]), span=self._sp(meta))

    # ------------------------------------------------------------ amendments
    def amend_block(self, meta: Any, c: list[Any]) -> am.AmendTier:
        changes: list[am.TierChange] = []
        for item in c[1:]:
            if isinstance(item, tuple) and item[0] == "total_round":
                changes.append(am.SetTotalRounding(item[1], span=item[2]))
            elif isinstance(item, tuple) and item[0] == "headline":
                changes.append(am.SetHeadline(item[1], span=item[2]))
            elif isinstance(item, (m.LevelScale, m.Ranking, m.Output)):
                changes.append(am.SetDeclaration(item, span=item.span))
            else:
                changes.append(item)
        head = Span(self.path, meta.line, meta.column, c[0].end_line, c[0].end_column)
        return am.AmendTier(str(c[0]), tuple(changes), span=head)

    def remove_tier(self, meta: Any, c: list[Any]) -> am.RemoveTier:
        return am.RemoveTier(str(c[0]), span=self._sp(meta))

    def remove_node(self, meta: Any, c: list[Any]) -> am.RemoveNode:
        return am.RemoveNode(str(c[0]), span=self._sp(meta))

    def remove_input(self, meta: Any, c: list[Any]) -> am.RemoveInput:
        return am.RemoveInput(str(c[0]), span=self._sp(meta))

    def replace_node(self, meta: Any, c: list[Any]) -> am.ReplaceNode:
        return am.ReplaceNode(str(c[0]), c[1], span=self._statement_span(meta, c[1]))

    def add_node(self, meta: Any, c: list[Any]) -> am.AddNode:
        node = c[-1]
        under = place = sibling = None
        tokens = list(c[:-1])
        if tokens and tokens[0].type == "NODE_ID":
            under = str(tokens.pop(0))
        if tokens:
            place, sibling = str(tokens[0]), str(tokens[1])
        return am.AddNode(node, under, place, sibling, span=self._statement_span(meta, node))

    def _statement_span(self, meta: Any, node: m.Node) -> Span:
        """From the statement's first word to the end of the added node's id."""
        return Span(self.path, meta.line, meta.column, node.span.end_line, node.span.end_column)

    def change_node(self, meta: Any, c: list[Any]) -> Any:
        node_id, (what, *values) = str(c[0]), c[1]
        span = self._sp(meta)
        if what == "max":
            return am.ChangeMax(node_id, values[0], values[1], span=span)
        if what == "title":
            return am.ChangeTitle(node_id, values[0], values[1], span=span)
        if what == "rule":
            return am.ChangeRule(node_id, values[0], span=span)
        if what == "input":
            return am.ChangeInput(node_id, values[0].build(node_id), span=span)
        field, value = values[0]
        return am.ChangeOption(node_id, field, value, span=span)

    def c_max(self, meta: Any, c: list[Any]) -> tuple[Any, ...]:
        return ("max", self._number(c[0]), len(c) > 1)

    def c_title(self, meta: Any, c: list[Any]) -> tuple[Any, ...]:
        return ("title", self._string(c[0]), c[1] if len(c) > 1 else None)

    def c_rule(self, meta: Any, c: list[Any]) -> tuple[Any, ...]:
        return ("rule", c[0])

    def c_input(self, meta: Any, c: list[Any]) -> tuple[Any, ...]:
        return ("input", c[0])

    def c_option(self, meta: Any, c: list[Any]) -> tuple[Any, ...]:
        return ("option", c[0])

    def tier_max_change(self, meta: Any, c: list[Any]) -> am.ChangeTierMax:
        return am.ChangeTierMax(self._number(c[0]), span=self._sp(meta))

    def levels_change(self, meta: Any, c: list[Any]) -> am.ChangeLevel | am.ChangeBelow:
        if isinstance(c[1], m.Level):
            return am.ChangeLevel(str(c[0]), c[1], span=self._sp(meta))
        return am.ChangeBelow(str(c[0]), c[1], span=self._sp(meta))

    # ------------------------------------------------------------ expressions
    def number(self, meta: Any, c: list[Any]) -> m.Number:
        return m.Number(self._number(c[0]), span=self._sp(meta))

    def percent_number(self, meta: Any, c: list[Any]) -> m.Number:
        return m.Number(self._number(c[0]).scaleb(-2, ARITHMETIC), span=self._sp(meta))

    def indicator_ref(self, meta: Any, c: list[Any]) -> m.IndicatorRef:
        return m.IndicatorRef(str(c[0]), span=self._sp(meta))

    def part_ref(self, meta: Any, c: list[Any]) -> m.IndicatorRef:
        return m.IndicatorRef(str(c[0]), str(c[1]), span=self._sp(meta))

    def full_ref(self, meta: Any, c: list[Any]) -> m.FullRef:
        return m.FullRef(span=self._sp(meta))

    def binary(self, meta: Any, c: list[Any]) -> m.Binary:
        return m.Binary(str(c[1]), c[0], c[2], span=self._sp(meta))

    def compare(self, meta: Any, c: list[Any]) -> m.Compare:
        return m.Compare(str(c[1]), c[0], c[2], span=self._sp(meta))

    def or_op(self, meta: Any, c: list[Any]) -> m.BoolOp:
        return m.BoolOp("or", c[0], c[1], span=self._sp(meta))

    def and_op(self, meta: Any, c: list[Any]) -> m.BoolOp:
        return m.BoolOp("and", c[0], c[1], span=self._sp(meta))

    def not_op(self, meta: Any, c: list[Any]) -> m.Not:
        return m.Not(c[0], span=self._sp(meta))

    def negate(self, meta: Any, c: list[Any]) -> m.Negate:
        return m.Negate(c[0], span=self._sp(meta))

    def if_expr(self, meta: Any, c: list[Any]) -> m.IfExpr:
        return m.IfExpr(c[0], c[1], c[2], span=self._sp(meta))

    def min_call(self, meta: Any, c: list[Any]) -> m.Call:
        return m.Call("min", tuple(c), span=self._sp(meta))

    def max_call(self, meta: Any, c: list[Any]) -> m.Call:
        return m.Call("max", tuple(c), span=self._sp(meta))

    def round_call(self, meta: Any, c: list[Any]) -> m.Call:
        mode = str(c[2]) if len(c) > 2 else "half_up"
        return m.Call("round", (c[0], m.Number(Decimal(self._int(c[1])))), span=self._sp(meta), mode=mode)

    def function_call(self, meta: Any, c: list[Any]) -> m.Call:
        name, arguments = str(c[0]), c[1:]
        if name not in m.FUNCTIONS:
            raise _SemanticError(Diagnostic(_span(self.path, c[0]), f"unknown function '{name}'",
                                            hint=did_you_mean(name, (*m.FUNCTIONS, "min", "max", "round"))
                                            or "functions: " + ", ".join((*m.FUNCTIONS, "min", "max", "round"))))
        weighted = name == "weighted_mean"
        args: list[m.Expr] = []
        for value, weight, span in arguments:
            if weighted and weight is None:
                raise _SemanticError(Diagnostic(span, "each value of weighted_mean needs its weight",
                                                hint="write weighted_mean(x weight 2, y weight 1, ...)"))
            if not weighted and weight is not None:
                raise _SemanticError(Diagnostic(span, f"'weight' belongs to weighted_mean, not to {name}",
                                                hint=f"drop 'weight ...', or use weighted_mean"))
            args.extend((value, weight) if weighted else (value,))
        return m.Call(name, tuple(args), span=self._sp(meta))

    def call_arg(self, meta: Any, c: list[Any]) -> tuple[m.Expr, m.Expr | None, Span]:
        return (c[0], c[1] if len(c) > 1 else None, self._sp(meta))


class _PendingIndicator:
    """An input declaration waiting for the id of the criterion that declares it."""

    def __init__(self, name: str, kind: str, label: str, categories: tuple[m.Category, ...],
                 fields: dict[str, Any], span: Span):
        self.name, self.kind, self.label = name, kind, label
        self.categories, self.fields, self.span = categories, fields, span

    def build(self, node_id: str) -> m.Indicator:
        return m.Indicator(name=self.name, kind=self.kind, label=self.label, node_id=node_id,  # type: ignore[arg-type]
                           categories=self.categories, span=self.span, **self.fields)


def _as_amendment_change(item: Any) -> am.AmendmentChange:
    """A top-level item of an amendment: a plain tier is added, a plain declaration applies to every tier."""
    if isinstance(item, m.Tier):
        return am.AddTier(item, span=item.span)
    if isinstance(item, (m.LevelScale, m.Ranking, m.Output)):
        return am.SetDeclaration(item, span=item.span)
    assert isinstance(item, (am.AmendTier, am.RemoveTier, am.ChangeLevel, am.ChangeBelow))
    return item


def _ranked_value(expr: m.Expr) -> m.Expr:
    """A ranking by a bare name ranks by that output as published (``by dti``), or by that input if the tier
    has no output of the name; anything else is kept as written."""
    if isinstance(expr, m.IndicatorRef) and expr.part is None:
        return m.OutputRef(expr.name, span=expr.span)
    return expr


def _with_shared(tier: m.Tier, shared: list[Any]) -> m.Tier:
    """Ruleset-wide levels, rankings and outputs apply to a tier unless it declares one of the same name."""
    import attrs

    def merged(own: tuple[Any, ...], kind: type[Any]) -> tuple[Any, ...]:
        names = {x.name for x in own}
        return tuple(x for x in shared if isinstance(x, kind) and x.name not in names) + own

    return attrs.evolve(
        tier,
        levels=merged(tier.levels, m.LevelScale),
        rankings=merged(tier.rankings, m.Ranking),
        outputs=merged(tier.outputs, m.Output),
    )
