"""The canonical layout of ruleset text: `cqdt fmt` (every comment kept) and the printing of a model.

Two entry points share one layout:

* :func:`format_text` rewrites ruleset text: two spaces per level of nesting, one statement per
  line, one space between words, columns of levels and of multi-line category / band arms
  aligned, at most one blank line in a row. Only whitespace changes: the words and every comment
  stay, in order (this is verified on every call). A comment on its own line is indented like the
  statement after it; a comment after a statement stays on that statement's line.
  Two choices are the author's and are kept: whether a `category` / `bands` / `best_of` block is
  written on one line or one arm per line, and whether the values of a `category(...)` input are
  listed one per line.
* :func:`format_ruleset` prints a checked model (which has no comments) as ruleset text in the same
  layout, so that ``parse_text(format_ruleset(r)) == r``.

:func:`rule_text`, :func:`expr_text` and friends print one piece of a model on one line; the
`diff` of two rulesets uses them.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

import attrs
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from cqdt_rules.errors import RulesetError
from cqdt_rules.language import lalr
from cqdt_rules.model import ruleset as m

INDENT = "  "
_BLOCKS = frozenset({"ruleset_block", "tier_block", "group", "criterion", "levels_block", "amend_block"})
_ARM_RULES = frozenset({"category_rule", "bands_rule"})
_LAYOUT = _BLOCKS | _ARM_RULES | {"best_rule", "input_decl"}
_CALLS = frozenset({"category", "points", "share", "min", "max", "round"})
_NO_SPACE_BEFORE = frozenset({")", ",", "%", ".."})
_NO_SPACE_AFTER = frozenset({"(", ".."})


# ---------------------------------------------------------------- parsing with every token and comment
_PARSE_LOCK = threading.Lock()
_COMMENTS: list[Token] = []


@functools.cache
def _lark() -> Lark:
    return lalr.build(**lalr.LAYOUT_OPTIONS, lexer_callbacks={"COMMENT": _COMMENTS.append})


def _parse(text: str, path: str) -> tuple[Tree[Token], list[Token]]:
    """The concrete tree (every keyword and brace kept) and the comments, in source order."""
    from cqdt_rules.language.parser import _syntax_diagnostic

    with _PARSE_LOCK:
        _COMMENTS.clear()
        try:
            tree = lalr.parse(_lark(), text)
        except UnexpectedInput as exc:
            raise RulesetError([_syntax_diagnostic(exc, text, path)], {path: text}) from None
        finally:
            comments = list(_COMMENTS)
            _COMMENTS.clear()
    return tree, comments


def _leaves(item: Tree[Token] | Token) -> Iterator[Token]:
    if isinstance(item, Token):
        yield item
        return
    for child in item.children:
        yield from _leaves(child)


# ---------------------------------------------------------------- format_text
def format_text(text: str, path: str = "<memory>") -> str:
    """The canonical form of ruleset (or amendment) text, every comment kept.

    Raises RulesetError (with its position) when the text does not parse."""
    tree, comments = _parse(text, path)
    printer = _Printer(comments)
    for child in tree.children:
        printer.statement(child, 0)
    result = _weave(printer.lines, comments)
    _verify(result, tree, comments, path)
    return result


def _verify(after: str, tree: Tree[Token], comments: list[Token], path: str) -> None:
    """Formatting changes whitespace only: the same words and the same comments, in the same order."""
    new_tree, new_comments = _parse(after, path)
    old_words = [(t.type, str(t)) for t in _leaves(tree)]
    new_words = [(t.type, str(t)) for t in _leaves(new_tree)]
    if old_words != new_words or [str(c).rstrip() for c in comments] != [str(c).rstrip() for c in new_comments]:
        raise AssertionError(f"cqdt fmt would change the meaning of {path}; please report this as a bug")


@attrs.define
class _Line:
    indent: int
    text: str
    first: Token
    last: Token
    closing: bool = False


@attrs.define
class _Piece:
    """A word (or an already laid-out block) and whether it sticks to its neighbours."""

    text: str
    first: Token
    last: Token
    glue_before: bool = False
    glue_after: bool = False


class _Printer:
    """Lays out the concrete tree as lines; comments are woven in afterwards by position."""

    def __init__(self, comments: list[Token]):
        self.lines: list[_Line] = []
        self.comment_starts = [_pos(c) for c in comments]

    # ------------------------------------------------------------ statements
    def statement(self, item: Tree[Token] | Token, indent: int, prefix: Sequence[Tree[Token] | Token] = ()) -> None:
        if isinstance(item, Token):
            self.line(indent, [*prefix, item])
            return
        data = item.data
        if data in _BLOCKS:
            self.block(item, indent, prefix)
        elif data in _ARM_RULES and self.multiline(item):
            self.arms(item, indent, prefix)
        elif data == "best_rule" and self.multiline(item):
            self.best_of(item, indent, prefix)
        elif data == "input_decl" and self.multiline_category(item):
            self.category_input(item, indent, prefix)
        elif _ends_in_layout(item):
            *head, last = item.children
            self.statement(last, indent, [*prefix, *head])
        else:
            self.line(indent, [*prefix, item])

    def line(self, indent: int, items: Sequence[Tree[Token] | Token], closing: bool = False) -> None:
        pieces = self.pieces(items)
        self.lines.append(_Line(indent, _join(pieces), pieces[0].first, pieces[-1].last, closing))

    def block(self, tree: Tree[Token], indent: int, prefix: Sequence[Tree[Token] | Token]) -> None:
        opening = _brace_index(tree)
        self.line(indent, [*prefix, *tree.children[:opening + 1]])
        body = tree.children[opening + 1:-1]
        if tree.data == "levels_block":
            self.levels(body, indent + 1)
        else:
            for child in body:
                self.statement(child, indent + 1)
        self.line(indent, [tree.children[-1]], closing=True)

    def levels(self, body: Sequence[Tree[Token] | Token], indent: int) -> None:
        rows = [c for c in body if isinstance(c, Tree) and c.data == "level"]
        id_width = max((len(str(r.children[0])) for r in rows), default=0)
        label_width = max((len(str(r.children[1])) for r in rows), default=0)
        for child in body:
            if isinstance(child, Tree) and child.data == "level":
                rest = _join(self.pieces(child.children[2:]))
                text = f"{str(child.children[0]):<{id_width}} {str(child.children[1]):<{label_width}} {rest}"
                leaves = list(_leaves(child))
                self.lines.append(_Line(indent, text, leaves[0], leaves[-1]))
            else:
                self.statement(child, indent)

    def arms(self, tree: Tree[Token], indent: int, prefix: Sequence[Tree[Token] | Token]) -> None:
        opening = _brace_index(tree)
        self.line(indent, [*prefix, *tree.children[:opening + 1]])
        rows: list[tuple[str, str, Token, Token]] = []
        for arm in tree.children[opening + 1:-1]:
            assert isinstance(arm, Tree)
            arrow = next(i for i, c in enumerate(arm.children) if isinstance(c, Token) and c == "->")
            left = _join(self.pieces(arm.children[:arrow]))
            right = _join(self.pieces(arm.children[arrow + 1:]))
            leaves = list(_leaves(arm))
            rows.append((left, right, leaves[0], leaves[-1]))
        width = max(len(r[0]) for r in rows)
        for left, right, first, last in rows:
            self.lines.append(_Line(indent + 1, f"{left:<{width}} -> {right}", first, last))
        self.line(indent, [tree.children[-1]], closing=True)

    def best_of(self, tree: Tree[Token], indent: int, prefix: Sequence[Tree[Token] | Token]) -> None:
        opening = _brace_index(tree)
        self.line(indent, [*prefix, *tree.children[:opening + 1]])
        for child in tree.children[opening + 1:-1]:
            self.statement(child, indent + 1)
        self.line(indent, [tree.children[-1]], closing=True)

    def category_input(self, tree: Tree[Token], indent: int, prefix: Sequence[Tree[Token] | Token]) -> None:
        kind = next(c for c in tree.children if isinstance(c, Tree) and c.data == "t_category")
        at = tree.children.index(kind)
        paren = kind.children.index(next(c for c in kind.children if isinstance(c, Token) and c == "("))
        self.line(indent, [*prefix, *tree.children[:at], *kind.children[:paren + 1]])
        values = kind.children[paren + 1:-1]
        row: list[Tree[Token] | Token] = []
        for value in values:
            row.append(value)
            if isinstance(value, Token) and value == ",":
                self.line(indent + 2, row)
                row = []
        if row:
            self.line(indent + 2, row)
        self.line(indent + 1, [kind.children[-1], *tree.children[at + 1:]])

    # ------------------------------------------------------------ layout decisions kept from the source
    def multiline(self, tree: Tree[Token]) -> bool:
        """A braced rule is laid out one arm per line when its author did so, or when a comment is inside."""
        opening = _brace_index(tree)
        brace, closing = tree.children[opening], tree.children[-1]
        assert isinstance(brace, Token) and isinstance(closing, Token)
        first = next(_leaves(tree.children[opening + 1]))
        if _line(first) > _line(brace) or self.comment_between(brace, closing):
            return True
        return tree.data == "best_rule" and any(
            isinstance(c, Tree) and c.data in (_ARM_RULES | {"best_rule"}) and self.multiline(c)
            for c in tree.children[opening + 1:-1])

    def multiline_category(self, tree: Tree[Token]) -> bool:
        kind = next((c for c in tree.children if isinstance(c, Tree) and c.data == "t_category"), None)
        if kind is None:
            return False
        tokens = [c for c in kind.children if isinstance(c, Token)]
        paren, closing = tokens[1], tokens[-1]
        first = next(_leaves(kind.children[2]))
        return _line(first) > _line(paren) or self.comment_between(paren, closing)

    def comment_between(self, start: Token, end: Token) -> bool:
        return any(_pos(start) < c < _pos(end) for c in self.comment_starts)

    # ------------------------------------------------------------ words on one line
    def pieces(self, items: Iterable[Tree[Token] | Token]) -> list[_Piece]:
        found: list[_Piece] = []
        for item in items:
            self._collect(item, found)
        return found

    def _collect(self, item: Tree[Token] | Token, found: list[_Piece]) -> None:
        if isinstance(item, Token):
            found.append(_Piece(str(item), item, item))
            return
        data = item.data
        if data in _ARM_RULES or data == "best_rule":
            leaves = list(_leaves(item))
            found.append(_Piece(self._inline_braced(item), leaves[0], leaves[-1]))
            return
        start = len(found)
        for child in item.children:
            self._collect(child, found)
        mine = found[start:]
        if data in ("negate", "signed") and len(mine) > 1 and mine[0].text == "-":
            mine[0].glue_after = True
        elif data == "function_call" and len(mine) > 1:
            mine[0].glue_after = True  # mean(...), not mean (...)
        elif data in ("part_ref", "pair_literal"):
            for piece in mine:
                if piece.first in item.children and piece.text in (".", "/"):
                    piece.glue_before = piece.glue_after = True

    def _inline_braced(self, tree: Tree[Token]) -> str:
        """A category / bands / best_of block on one line: arms separated by two spaces."""
        opening = _brace_index(tree)
        head = _join(self.pieces(tree.children[:opening + 1]))
        arms = [_join(self.pieces([arm])) for arm in tree.children[opening + 1:-1]]
        return f"{head} {'  '.join(arms)} }}"


def _brace_index(tree: Tree[Token]) -> int:
    return next(i for i, c in enumerate(tree.children) if isinstance(c, Token) and c == "{")


def _ends_in_layout(tree: Tree[Token]) -> bool:
    """True for a statement that ends with a block (``replace A1 with criterion ... { ... }``)."""
    last = tree.children[-1] if tree.children else None
    return isinstance(last, Tree) and (last.data in _LAYOUT or _ends_in_layout(last))


def _join(pieces: Sequence[_Piece]) -> str:
    out: list[str] = []
    previous: _Piece | None = None
    for piece in pieces:
        if previous is not None and not _sticks(previous, piece):
            out.append(" ")
        out.append(piece.text)
        previous = piece
    return "".join(out)


def _sticks(left: _Piece, right: _Piece) -> bool:
    if left.glue_after or right.glue_before:
        return True
    if right.text in _NO_SPACE_BEFORE or left.text in _NO_SPACE_AFTER:
        return True
    return right.text == "(" and left.text in _CALLS


def _weave(lines: list[_Line], comments: list[Token]) -> str:
    """Put every comment back: before the line it preceded (indented like it), or after the line
    it ended; at most one blank line where the source had one or more, none just inside braces."""
    out: list[str] = []
    pending = list(comments)
    last_line = 0  # the last source line written
    after_opening = True

    def blank_before(source_line: int) -> None:
        if out and not after_opening and source_line - last_line >= 2:
            out.append("")

    for index, line in enumerate(lines):
        comment_indent = line.indent + 1 if line.closing else line.indent
        while pending and _pos(pending[0]) < _pos(line.last):
            comment = pending.pop(0)
            blank_before(_line(comment))
            out.append(INDENT * comment_indent + str(comment).rstrip())
            last_line, after_opening = _line(comment), False
        if not line.closing:
            blank_before(_line(line.first))
        text = INDENT * line.indent + line.text
        last_line = _end_line(line.last)
        if pending and _line(pending[0]) == last_line:
            following = lines[index + 1].first if index + 1 < len(lines) else None
            if following is None or _pos(following) > _pos(pending[0]):
                text += "  " + str(pending.pop(0)).rstrip()
        out.append(text)
        after_opening = str(line.last) in ("{", "(")
    for comment in pending:
        blank_before(_line(comment))
        out.append(str(comment).rstrip())
        last_line, after_opening = _line(comment), False
    return "\n".join(out) + "\n"


def _pos(token: Token) -> int:
    assert token.start_pos is not None
    return token.start_pos


def _line(token: Token) -> int:
    assert token.line is not None
    return token.line


def _end_line(token: Token) -> int:
    return token.end_line if token.end_line is not None else _line(token)


# ---------------------------------------------------------------- printing a model
def format_ruleset(ruleset: m.Ruleset) -> str:
    """A checked ruleset as canonical text (levels, rankings and outputs written inside each tier)."""
    lines = [f"ruleset {ruleset.header.id} {{"]
    lines += [f"{INDENT}{line}" for line in _header_lines(ruleset.header)]
    lines.append("}")
    for tier in ruleset.tiers:
        lines.append("")
        lines += _tier_lines(tier)
    if ruleset.statistics:
        lines.append("")
        lines += [statistic_text(s) for s in ruleset.statistics]
    return format_text("\n".join(lines) + "\n")


def statistic_text(s: m.Statistic) -> str:
    """One statistic on one line, its options in a fixed order."""
    text = f"statistic {s.name} {quote(s.label)} = {expr_text(s.expr)}"
    if s.tiers:
        text += " over " + ", ".join(s.tiers)
    if s.percent:
        text += " percent"
    if s.rounding is not None:
        text += f" round {rounding_text(s.rounding)}"
    for word, value in (("unit", s.unit), ("heading", s.heading), ("text", s.text)):
        if value is not None:
            text += f" {word} {quote(value)}"
    return text


def _header_lines(h: m.Header) -> list[str]:
    lines = [f"title {quote(h.title)}" + (f" en {quote(h.title_en)}" if h.title_en is not None else "")]
    if h.legal_source is not None:
        lines.append(f"legal_source {quote(h.legal_source)}")
    if h.version is not None:
        lines.append(f"version {quote(h.version)}")
    if h.status is not None:
        lines.append(f"status {h.status}")
    if h.issued is not None:
        lines.append(f"issued {h.issued.isoformat()}")
    if h.effective is not None:
        lines.append(f"effective {h.effective.isoformat()}")
    if h.years is not None:
        lines.append(f"years {years_text(h.years)}")
    if h.note is not None:
        lines.append(f"note {quote(h.note)}")
    if h.rounding is not None:
        lines.append(f"rounding {rounding_text(h.rounding)}")
    if h.on_zero_denominator is not None:
        lines.append(f"on_zero_denominator {points_text(h.on_zero_denominator)}")
    if h.on_missing_evidence is not None:
        lines.append(f"on_missing_evidence {h.on_missing_evidence}")
    return lines


def _tier_lines(tier: m.Tier) -> list[str]:
    title_en = f" en {quote(tier.title_en)}" if tier.title_en is not None else ""
    body: list[str] = []
    if tier.total_rounding is not None:
        body.append(f"total round {rounding_text(tier.total_rounding)}")
    if tier.headline is not None:
        body.append(f"headline {tier.headline}")
    for scale in tier.levels:
        body += levels_lines(scale)
    body += [ranking_text(r) for r in tier.rankings]
    body += [output_text(o) for o in tier.outputs]
    for node in tier.nodes:
        body += node_lines(node)
    return [f"tier {tier.id} {quote(tier.title)}{title_en} max {number_text(tier.max)} {{", *body, "}"]


def node_lines(node: m.Node) -> list[str]:
    """A criterion or group with everything inside it (one item per line; ``format_text`` indents)."""
    lines = [node_head(node) + " {"]
    lines += [input_text(i) for i in node.inputs]
    if node.rule is not None:
        lines.append(rule_text(node.rule))
    lines += _option_lines(node)
    for child in node.children:
        lines += node_lines(child)
    lines.append("}")
    return lines


def node_head(node: m.Node) -> str:
    """``group A "title" en "..." max 50 capped`` (without the brace)."""
    word = "group" if node.is_group else "criterion"
    title_en = f" en {quote(node.title_en)}" if node.title_en is not None else ""
    capped = " capped" if node.capped else ""
    return f"{word} {node.id} {quote(node.title)}{title_en} max {number_text(node.max)}{capped}"


def _option_lines(node: m.Node) -> list[str]:
    lines = []
    if node.provenance is not None:
        lines.append(provenance_text(node.provenance))
    if node.rounding is not None:
        lines.append(f"round {rounding_text(node.rounding)}")
    if node.share_digits is not None:
        lines.append(f"share {node.share_digits}")
    if node.note is not None:
        lines.append(f"note {quote(node.note)}")
    return lines


def provenance_text(provenance: m.Provenance) -> str:
    return f"provenance {provenance.status} {quote(provenance.text)}"


def input_text(ind: m.Indicator) -> str:
    """An indicator declaration on one line: ``input NAME TYPE "label" options``."""
    kind: str = ind.kind
    if kind == "category":
        values = ", ".join(c.name + (f" {quote(c.label)}" if c.label is not None else "") for c in ind.categories)
        kind = f"category({values})"
    parts = [f"input {ind.name} {kind} {quote(ind.label)}"]
    if ind.unit is not None:
        parts.append(f"unit {quote(ind.unit)}")
    if ind.range is not None:
        parts.append(f"range {signed_text(ind.range[0])}..{signed_text(ind.range[1])}")
    if ind.a_may_exceed_b:
        parts.append("a_may_exceed_b")
    if ind.evidence is not None:
        parts.append(f"evidence {quote(ind.evidence)}")
    if ind.audit_only:
        parts.append("audit_only")
    if ind.default is not None:
        parts.append(f"default {literal_text(ind.default)}")
    return " ".join(parts)


def literal_text(value: object) -> str:
    if isinstance(value, tuple):
        return f"{signed_text(value[0])}/{signed_text(value[1])}"
    if isinstance(value, Decimal):
        return signed_text(value)
    return str(value)


def rule_text(rule: m.Rule) -> str:
    """A scoring rule on one line, as written in a ruleset."""
    if isinstance(rule, m.YesRule):
        return f"yes {rule.indicator}"
    if isinstance(rule, m.CategoryRule):
        arms = [f"{a.value} -> {points_text(a.points)}" for a in rule.arms]
        return _braced(f"category {rule.indicator}", arms, rule.otherwise)
    if isinstance(rule, m.RatioRule):
        suffix = f" on_zero_denominator {points_text(rule.on_zero)}" if rule.on_zero is not None else ""
        return f"ratio {rule.indicator}{suffix}"
    if isinstance(rule, m.BandsRule):
        return _braced(f"bands {rule.indicator}", [band_text(b) for b in rule.bands], rule.otherwise)
    if isinstance(rule, m.PerItemRule):
        return f"per_item {rule.indicator} each {number_text(rule.each)}"
    if isinstance(rule, m.BestOfRule):
        return f"best_of {{ {'  '.join(rule_text(a) for a in rule.alternatives)} }}"
    if isinstance(rule, m.NormalisedRule):
        return f"normalised {rule.indicator} within {rule.within}"
    if isinstance(rule, m.DirectRule):
        return f"direct {rule.indicator}"
    if isinstance(rule, m.InformationalRule):
        return "informational"
    return f"formula {expr_text(rule.expr)}"


def _braced(head: str, arms: list[str], otherwise: m.PointsSpec | None) -> str:
    if otherwise is not None:
        arms = arms + [f"else -> {points_text(otherwise)}"]
    return f"{head} {{ {'  '.join(arms)} }}"


def band_text(band: m.Band) -> str:
    return f"{band.comparator} {threshold_text(band.threshold)} -> {points_text(band.points)}"


def levels_lines(scale: m.LevelScale) -> list[str]:
    on = "" if isinstance(scale.on, m.TotalRef) else f" on {ref_text(scale.on)}"
    return [f"levels {scale.name} {quote(scale.label)}{on} {{", *(level_text(lv) for lv in scale.levels),
            f"below {quote(scale.below)}", "}"]


def level_text(level: m.Level) -> str:
    text = f"{level.id} {quote(level.label)} >= {threshold_text(level.threshold)}"
    if level.requires:
        text += " requires " + " and ".join(f"{ref_text(r.ref)} >= {threshold_text(r.threshold)}" for r in level.requires)
    return text


def ranking_text(r: m.Ranking) -> str:
    text = f"ranking {r.name} {quote(r.label)} by {expr_text(r.by)} {r.direction}"
    if r.within != "tier":
        text += f" within {r.within}"
    text += f" ties {r.ties}"
    if r.tiebreaks:
        text += " then " + ", ".join(f"{expr_text(t.ref)} {t.direction}" for t in r.tiebreaks)
    return text


def output_text(o: m.Output) -> str:
    text = f"output {o.name} {quote(o.label)} = {expr_text(o.expr)}"
    return text + (f" round {rounding_text(o.rounding)}" if o.rounding is not None else "")


def ref_text(ref: m.ValueRef) -> str:
    if isinstance(ref, m.TotalRef):
        return "total"
    if isinstance(ref, m.PointsRef):
        return f"points({ref.node_id})"
    if isinstance(ref, m.ShareRef):
        return f"share({ref.node_id})"
    return ref.name


# Binding strength of each expression form, loosest first (the grammar's order).
_IF, _OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _ATOM = range(9)


def expr_text(expr: m.Expr) -> str:
    """An expression with only the parentheses it needs."""
    return _expr(expr, _IF)


def _expr(e: m.Expr, context: int) -> str:
    text, strength = _expr_bare(e)
    return f"({text})" if strength < context else text


def _expr_bare(e: m.Expr) -> tuple[str, int]:
    if isinstance(e, m.Number):
        return number_text(e.value), _ATOM
    if isinstance(e, m.IndicatorRef):
        return (f"{e.name}.{e.part}" if e.part else e.name), _ATOM
    if isinstance(e, m.TotalRef):
        return "total", _ATOM
    if isinstance(e, m.FullRef):
        return "full", _ATOM
    if isinstance(e, (m.PointsRef, m.ShareRef, m.OutputRef)):
        return ref_text(e), _ATOM
    if isinstance(e, m.Call):
        if e.function == "round":
            digits = e.args[1]
            assert isinstance(digits, m.Number)
            mode = "" if e.mode == "half_up" else f" {e.mode}"
            return f"round({_expr(e.args[0], _IF)}, {number_text(digits.value)}{mode})", _ATOM
        if e.function == "weighted_mean":
            pairs = zip(e.args[0::2], e.args[1::2])
            return f"weighted_mean({', '.join(f'{_expr(v, _IF)} weight {_expr(w, _IF)}' for v, w in pairs)})", _ATOM
        return f"{e.function}({', '.join(_expr(a, _IF) for a in e.args)})", _ATOM
    if isinstance(e, m.Negate):
        return f"-{_expr(e.operand, _UNARY)}", _UNARY
    if isinstance(e, m.Binary):
        strength = _SUM if e.op in ("+", "-") else _PRODUCT
        return f"{_expr(e.left, strength)} {e.op} {_expr(e.right, strength + 1)}", strength
    if isinstance(e, m.Compare):
        return f"{_expr(e.left, _SUM)} {e.op} {_expr(e.right, _SUM)}", _COMPARE
    if isinstance(e, m.Not):
        return f"not {_expr(e.operand, _NOT)}", _NOT
    if isinstance(e, m.BoolOp):
        strength = _OR if e.op == "or" else _AND
        return f"{_expr(e.left, strength)} {e.op} {_expr(e.right, strength + 1)}", strength
    assert isinstance(e, m.IfExpr)
    return f"if {_expr(e.condition, _OR)} then {_expr(e.then, _OR)} else {_expr(e.otherwise, _IF)}", _IF


# ---------------------------------------------------------------- small values
def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def number_text(value: Decimal) -> str:
    return format(value.copy_abs() if value.is_zero() else value, "f")


def signed_text(value: Decimal) -> str:
    return ("-" + number_text(-value)) if value < 0 else number_text(value)


def points_text(points: m.PointsSpec) -> str:
    return "full" if points == "full" else number_text(points)  # type: ignore[arg-type]


def threshold_text(threshold: m.Threshold) -> str:
    return number_text(threshold.value) + ("%" if threshold.percent else "")


def rounding_text(rounding: m.Rounding) -> str:
    return f"{rounding.digits} {rounding.mode}"


def years_text(years: tuple[int, int | None]) -> str:
    return f"{years[0]}..{years[1] if years[1] is not None else ''}"
