"""Hypothesis strategies for the property tests (test-only).

- ``fuzz_texts()``: arbitrary text, and ``docs/example-syntax.cqdt`` with random characters or
  tokens deleted, inserted or replaced.
- ``generated_rulesets()``: a random, valid ruleset: a tree of groups and criteria that uses every
  rule kind, with consistent maxima, levels (some with prerequisites), rankings and outputs,
  rendered to text; it carries what the unit strategy needs to know about its indicators.
- ``assessments_for(generated)``: units for such a ruleset, with values of the declared types
  (boundary values such as band thresholds and 29/100 drawn often), evidence, districts, sources.

Choices that keep the reference comparison meaningful (tests/reference.py works exactly):
criterion maxima and points are multiples of 10^-digits for the declared rounding; formulas divide
only by 2, 4, 5, 8, 10 and read pairs by part (``x.a``, ``x.b``); outputs declare their rounding;
a node-level ``round`` never keeps more digits than the header's. These are not limitations of the
engine under test but of what "agree exactly" can mean for a Decimal engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from hypothesis import strategies as st

from cqdt_rules.model.units import Assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "docs" / "example-syntax.cqdt").read_text(encoding="utf-8")

# str.splitlines() breaks lines at these too, Lark only at "\n": a known bug pinned by
# tests/test_engine.py::test_error_lines_count_only_newlines. They are left out of the fuzz
# alphabet so that the fuzz property tests the rest; put them back once that bug is fixed.
OTHER_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters=OTHER_LINE_BREAKS)
_TOKENS = (
    "{", "}", "(", ")", '"', "#", "%", "..", "->", ">=", ">", "=", "/", ",", ".", "-", "\n", " ",
    "ruleset", "tier", "group", "criterion", "input", "max", "capped", "levels", "ranking", "output",
    "full", "else", "yes", "ratio", "bands", "best_of", "formula", "if", "then", "points(A)", "total",
    "A1.1", "x", "0", "1.5", "100%", "2020..2022", "yesno", "pair", "category(a, b)", "requires",
)


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    """The example ruleset with 1-4 random edits: delete, insert, replace or truncate."""
    text = EXAMPLE
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("delete", "insert", "replace", "truncate")))
        pos = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(st.sampled_from(_TOKENS), st.text(_CHARS, min_size=1, max_size=3)))
        if op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 12)):]
        elif op == "insert":
            text = text[:pos] + piece + text[pos:]
        elif op == "replace":
            text = text[:pos] + piece + text[pos + len(piece):]
        else:
            text = text[:pos]
    return text


def fuzz_texts() -> st.SearchStrategy[str]:
    return st.one_of(st.text(_CHARS, max_size=200), mutated_example())


# ---------------------------------------------------------------- generated rulesets
@dataclass
class GenIndicator:
    name: str
    kind: str
    categories: tuple[str, ...] = ()
    a_may_exceed_b: bool = False
    range: tuple[Decimal, Decimal] | None = None
    evidence: bool = False
    audit_only: bool = False
    has_default: bool = False
    direct_max: Decimal | None = None  # the criterion maximum when a `direct` rule reads it
    boundaries: list[Decimal] = field(default_factory=list)  # thresholds worth hitting exactly


@dataclass
class GeneratedRuleset:
    text: str
    tier: str
    indicators: list[GenIndicator]
    node_ids: list[str]
    digits: int

    def __repr__(self) -> str:  # Hypothesis prints this on failure: show the ruleset as written
        return f"GeneratedRuleset(text=\n{self.text}\n)"


def num(value: Decimal | int) -> str:
    """A number as the grammar writes it: no exponent, no trailing '.0' noise."""
    d = Decimal(value)
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


class _Builder:
    """Draws one tier; keeps counters and the nodes a formula may read without a cycle."""

    def __init__(self, draw: st.DrawFn, functions: bool = False):
        self.draw = draw
        self.functions = functions
        self.digits = draw(st.integers(0, 3))
        self.step = Decimal(1).scaleb(-self.digits)
        self.indicators: list[GenIndicator] = []
        self.done: list[tuple[str, Decimal]] = []  # finished nodes (id, max): safe for points()
        self.node_ids: list[str] = []
        self.counter = 0

    # -------------------------------------------------- numbers
    def points_value(self, maximum: Decimal) -> Decimal:
        """Points in 0..maximum, sometimes with more decimals than the rounding keeps."""
        if maximum == 0:
            return Decimal(0)
        fine = self.draw(st.booleans())
        step = Decimal("0.25") if fine else Decimal(1)
        top = int(maximum / step)
        return step * self.draw(st.integers(0, top))

    def points_spec(self, maximum: Decimal) -> str:
        if self.draw(st.integers(0, 4)) == 0:
            return "full"
        return num(self.points_value(maximum))

    def new_indicator(self, kind: str, **options: object) -> GenIndicator:
        self.counter += 1
        ind = GenIndicator(f"v{self.counter}", kind, **options)  # type: ignore[arg-type]
        self.indicators.append(ind)
        return ind

    def declare(self, ind: GenIndicator) -> str:
        kind = ind.kind
        if kind == "category":
            kind = "category(" + ", ".join(f'{c} "Nhãn {c}"' for c in ind.categories) + ")"
        parts = [f"input {ind.name} {kind} \"Chỉ tiêu {ind.name}\""]
        if ind.range is not None:
            parts.append(f"range {num(ind.range[0])}..{num(ind.range[1])}")
        if ind.a_may_exceed_b:
            parts.append("a_may_exceed_b")
        if ind.evidence:
            parts.append('evidence "Văn bản kiểm chứng"')
        if ind.audit_only:
            parts.append("audit_only")
        if ind.has_default:
            default = {"count": "0", "yesno": "no", "percent": "0", "number": "1", "score": "0"}.get(ind.kind)
            if ind.kind == "category":
                default = ind.categories[0]
            parts.append(f"default {default}")
        return " ".join(parts)

    def make(self, kind: str) -> GenIndicator:
        return self.new_indicator(kind, **self.options(kind))

    def options(self, kind: str) -> dict[str, object]:
        draw = self.draw
        found: dict[str, object] = {
            "evidence": draw(st.integers(0, 5)) == 0,
            "has_default": kind != "pair" and draw(st.integers(0, 6)) == 0,
        }
        if kind in ("score", "count") and draw(st.integers(0, 4)) == 0:
            found["audit_only"] = True
        if kind == "number" and draw(st.booleans()):
            found["range"] = (Decimal(-5), Decimal(50))
        if kind == "count" and draw(st.integers(0, 3)) == 0:
            found["range"] = (Decimal(0), Decimal(9))
        if kind == "pair":
            found["a_may_exceed_b"] = draw(st.integers(0, 3)) == 0
        if kind == "category":
            found["categories"] = tuple(f"k{i}" for i in range(draw(st.integers(2, 4))))
        return found

    # -------------------------------------------------- rules
    def rule(self, maximum: Decimal, lines: list[str], kinds: tuple[str, ...]) -> str:
        """Declare the inputs a rule reads (appending to ``lines``) and return the rule's text."""
        draw = self.draw
        kind = draw(st.sampled_from(kinds))
        if kind == "yes":
            ind = self.make("yesno")
            lines.append(self.declare(ind))
            return f"yes {ind.name}"
        if kind == "category":
            ind = self.make("category")
            lines.append(self.declare(ind))
            given = draw(st.lists(st.sampled_from(ind.categories), unique=True, min_size=1))
            arms = " ".join(f"{c} -> {self.points_spec(maximum)}" for c in given)
            if len(given) < len(ind.categories) or draw(st.booleans()):
                arms += f" else -> {self.points_spec(maximum)}"
            return f"category {ind.name} {{ {arms} }}"
        if kind == "ratio":
            ind = self.make(draw(st.sampled_from(("pair", "pair", "percent"))))
            lines.append(self.declare(ind))
            own = draw(st.sampled_from(("", "full", "points")))
            if own == "points":
                own = num(self.points_value(maximum))
            return f"ratio {ind.name}" + (f" on_zero_denominator {own}" if own else "")
        if kind == "bands":
            return self.bands(maximum, lines)
        if kind == "per_item":
            ind = self.make(draw(st.sampled_from(("count", "number"))))
            if ind.kind == "number":
                ind.range = (Decimal(0), Decimal(20))
            lines.append(self.declare(ind))
            each = draw(st.sampled_from(("0.5", "1", "2", "0.75", "3")))
            return f"per_item {ind.name} each {each}"
        if kind == "best_of":
            alternatives = [self.rule(maximum, lines, ("yes", "category", "ratio", "bands", "per_item", "formula"))
                            for _ in range(draw(st.integers(2, 3)))]
            return "best_of { " + " ".join(alternatives) + " }"
        if kind == "normalised":
            ind = self.make(draw(st.sampled_from(("count", "number", "percent"))))
            lines.append(self.declare(ind))
            return f"normalised {ind.name} within {draw(st.sampled_from(('tier', 'district')))}"
        if kind == "direct":
            ind = self.make("score")
            ind.direct_max = maximum
            ind.has_default = False
            lines.append(self.declare(ind))
            return f"direct {ind.name}"
        assert kind == "formula"
        atoms: list[str] = []
        for _ in range(draw(st.integers(1, 2))):
            ind = self.make(draw(st.sampled_from(("yesno", "count", "number", "percent", "score", "pair"))))
            lines.append(self.declare(ind))
            atoms += [f"{ind.name}.a", f"{ind.name}.b"] if ind.kind == "pair" else [ind.name]
        atoms += [f"points({node_id})" for node_id, _ in self.done]
        atoms.append("full")
        return "formula " + draw(expressions(atoms, functions=self.functions))

    def bands(self, maximum: Decimal, lines: list[str]) -> str:
        draw = self.draw
        kind = draw(st.sampled_from(("pair", "pair", "percent", "count", "number", "score")))
        ind = self.make(kind)
        if kind == "score":
            ind.range = (Decimal(0), Decimal(20))
        lines.append(self.declare(ind))
        percent = kind in ("pair", "percent")
        if percent:
            pool = st.sampled_from([Decimal(x) for x in ("0", "10", "29", "29", "29", "50", "57", "57", "58", "58", "70", "80", "90", "95", "98", "100", "33.3")])
        elif kind == "count":
            pool = st.integers(0, 9).map(Decimal)
        else:
            pool = st.sampled_from([Decimal(x) for x in ("0", "0.5", "1", "2.25", "4", "8", "12.5", "20")])
        thresholds = sorted(draw(st.lists(pool, min_size=1, max_size=4, unique=True)), reverse=True)
        ind.boundaries = thresholds
        bands = []
        for t in thresholds:
            comparator = draw(st.sampled_from((">=", ">=", ">", "=")))
            bands.append(f"{comparator} {num(t)}{'%' if percent else ''} -> {self.points_spec(maximum)}")
        text = " ".join(bands)
        last_covers_all = thresholds[-1] == 0 and bands[-1].startswith(">= ") and kind != "number"
        if not last_covers_all or draw(st.booleans()):
            text += f" else -> {self.points_spec(maximum)}"
        return f"bands {ind.name} {{ {text} }}"

    # -------------------------------------------------- nodes
    def criterion(self, node_id: str, depth: int, kind: str | None = None) -> tuple[list[str], Decimal]:
        draw = self.draw
        kind = kind or draw(st.sampled_from(("yes", "category", "ratio", "bands", "per_item", "best_of", "normalised",
                                             "direct", "informational", "formula")))
        lines: list[str] = []
        if kind == "informational":
            maximum = Decimal(0)
            if draw(st.booleans()):
                ind = self.new_indicator(draw(st.sampled_from(("yesno", "count"))))
                lines.append(self.declare(ind))
            rule = "informational"
        else:
            maximum = Decimal(draw(st.integers(1, 10)))
            if self.digits >= 1 and draw(st.integers(0, 3)) == 0:
                maximum += Decimal("0.5")
            rule = self.rule(maximum, lines, (kind,))
        lines.append(rule)
        if draw(st.integers(0, 4)) == 0:
            mode = draw(st.sampled_from(("", " half_up", " half_even", " down", " up")))
            lines.append(f"round {draw(st.integers(1 if maximum % 1 else 0, self.digits))}{mode}")
        if draw(st.integers(0, 4)) == 0:
            lines.append(f"share {draw(st.integers(0, 4))}")
        lines.append(f'provenance hypothetical "sinh ngẫu nhiên {node_id}"')
        pad = "  " * depth
        out = [f'{pad}criterion {node_id} "Tiêu chí {node_id}" max {num(maximum)} {{']
        out += [f"{pad}  {line}" for line in lines]
        out.append(f"{pad}}}")
        self.node_ids.append(node_id)
        return out, maximum

    def node(self, node_id: str, depth: int) -> tuple[list[str], Decimal]:
        draw = self.draw
        if depth >= 3 or draw(st.integers(0, 2)) > 0:
            out, maximum = self.criterion(node_id, depth)
        else:
            self.node_ids.append(node_id)
            body: list[str] = []
            total = Decimal(0)
            for i in range(draw(st.integers(1, 3))):
                child, child_max = self.node(f"{node_id}.{i + 1}", depth + 1)
                body += child
                total += child_max
            maximum = total
            capped = ""
            if total >= 1 and draw(st.integers(0, 3)) == 0:
                maximum = Decimal(draw(st.integers(0, int(total))))
                capped = " capped"
            pad = "  " * depth
            out = [f'{pad}group {node_id} "Nhóm {node_id}" max {num(maximum)}{capped} {{',
                   f'{pad}  provenance hypothetical "nhóm sinh ngẫu nhiên"']
            if draw(st.integers(0, 4)) == 0:
                out.append(f"{pad}  share {draw(st.integers(0, 4))}")
            if draw(st.integers(0, 4)) == 0:
                out.append(f"{pad}  round {draw(st.integers(1 if maximum % 1 else 0, self.digits))}")
            out += body + [f"{pad}}}"]
        self.done.append((node_id, maximum))
        return out, maximum


@st.composite
def expressions(draw: st.DrawFn, atoms: list[str], depth: int = 0, functions: bool = False) -> str:
    """A numeric formula over ``atoms``, fully parenthesised so precedence never matters; with ``functions``,
    also the exact functions of docs/language.md (sum, mean, weighted_mean, to_target, minmax, rank)."""
    leaf = st.one_of(st.sampled_from(atoms), st.sampled_from(("0", "1", "2", "0.5", "3.25", "10", "50%")))
    if depth >= 3:
        return draw(leaf)
    sub = expressions(atoms, depth + 1, functions)
    if functions and draw(st.integers(0, 3)) == 0:
        return draw(_function_calls(atoms, sub))
    choice = draw(st.integers(0, 9))
    if choice <= 2:
        return draw(leaf)
    if choice == 3:
        op = draw(st.sampled_from(("+", "-", "*")))
        return f"({draw(sub)} {op} {draw(sub)})"
    if choice == 4:
        return f"({draw(sub)} / {draw(st.sampled_from(('2', '4', '5', '8', '10')))})"
    if choice == 5:
        function = draw(st.sampled_from(("min", "max")))
        return f"{function}({', '.join(draw(st.lists(sub, min_size=2, max_size=3)))})"
    if choice == 6:
        return f"round({draw(sub)}, {draw(st.integers(0, 3))})"
    if choice == 7:
        return f"-({draw(sub)})"
    return f"(if {draw(conditions(atoms, depth + 1))} then {draw(sub)} else {draw(sub)})"


@st.composite
def _function_calls(draw: st.DrawFn, atoms: list[str], sub: st.SearchStrategy[str]) -> str:
    """A call of an exact function; a cohort function reads an atom (a value of every unit, not nested)."""
    function = draw(st.sampled_from(("sum", "mean", "weighted_mean", "to_target", "minmax", "rank")))
    if function in ("minmax", "rank"):
        return f"{function}({draw(st.sampled_from(atoms))})"
    if function == "to_target":
        return f"to_target({draw(sub)}, {draw(st.sampled_from(('2', '4', '5', '8', '10', '0.5')))})"
    if function == "weighted_mean":
        weights = st.sampled_from(("1", "2", "0.5", "3"))
        terms = [f"{draw(sub)} weight {draw(weights)}" for _ in range(draw(st.integers(1, 3)))]
        return f"weighted_mean({', '.join(terms)})"
    return f"{function}({', '.join(draw(st.lists(sub, min_size=1, max_size=3)))})"


@st.composite
def conditions(draw: st.DrawFn, atoms: list[str], depth: int) -> str:
    sub = expressions(atoms, depth + 1)
    choice = draw(st.integers(0, 4 if depth < 3 else 1))
    if choice <= 1:
        return f"{draw(sub)} {draw(st.sampled_from(('>=', '<=', '>', '<', '==', '!=')))} {draw(sub)}"
    if choice == 2:
        return f"not ({draw(conditions(atoms, depth + 1))})"
    op = draw(st.sampled_from(("and", "or")))
    return f"({draw(conditions(atoms, depth + 1))} {op} {draw(conditions(atoms, depth + 1))})"


@st.composite
def generated_rulesets(draw: st.DrawFn, functions: bool = False) -> GeneratedRuleset:
    """A random valid ruleset; with ``functions``, its formulas and outputs also call the exact functions."""
    b = _Builder(draw, functions)
    body: list[str] = []
    tier_max = Decimal(0)
    for letter in "ABC"[: draw(st.integers(1, 3))]:
        lines, maximum = b.node(letter, 1)
        body += lines
        tier_max += maximum
    if tier_max == 0:  # keep shares of the tier maximum meaningful
        lines, maximum = b.criterion("Z", 1, kind="yes")
        b.done.append(("Z", maximum))
        body += lines
        tier_max += maximum
    scored = [(i, mx) for i, mx in b.done if mx > 0]
    refs = ["total"] + [f"points({i})" for i, _ in scored]

    outputs = []
    for k in range(draw(st.integers(0, 2))):
        atoms = ["total"] + [f"points({i})" for i, _ in scored] + [f"share({i})" for i, _ in scored]
        outputs.append(f'output o{k + 1} "Chỉ số {k + 1}" = {draw(expressions(atoms, 1, functions))} round {draw(st.integers(0, 4))}')

    levels = []
    for k in range(draw(st.integers(0, 2))):
        on = draw(st.sampled_from(["total", "total"] + [f"points({i})" for i, _ in scored]))
        percent = draw(st.booleans())
        if percent:
            cut = sorted(draw(st.lists(st.integers(0, 100), min_size=1, max_size=4, unique=True)), reverse=True)
            cuts = [f"{c}%" for c in cut]
        else:
            ceiling = tier_max if on == "total" else dict(scored)[on[7:-1]]
            cut = sorted(draw(st.lists(st.integers(0, int(ceiling) + 1), min_size=1, max_size=4, unique=True)), reverse=True)
            cuts = [str(c) for c in cut]
        rows = []
        for j, cutoff in enumerate(cuts):
            row = f'L{j + 1} "Mức {j + 1}" >= {cutoff}'
            if draw(st.integers(0, 3)) == 0:
                target, _ = draw(st.sampled_from(scored))
                ref = draw(st.sampled_from((f"points({target})", f"share({target})")))
                threshold = f"{draw(st.integers(0, 100))}%" if draw(st.booleans()) else num(Decimal(draw(st.integers(0, 4))) / 4)
                row += f" requires {ref} >= {threshold}"
            rows.append(row)
        on_text = "" if on == "total" and draw(st.booleans()) else f" on {on}"
        levels.append(f'levels thang{k + 1} "Thang {k + 1}"{on_text} {{ ' + " ".join(rows) + ' below "Không xếp hạng" }')

    rankings = []
    outs = [f"o{k + 1}" for k in range(len(outputs))]
    for k in range(draw(st.integers(0, 3))):
        by = draw(st.sampled_from(refs + outs))
        text = f'ranking r{k + 1} "Xếp hạng {k + 1}" by {by}'
        if draw(st.booleans()):
            text += " " + draw(st.sampled_from(("descending", "ascending")))
        if draw(st.booleans()):
            text += " within " + draw(st.sampled_from(("tier", "district")))
        if draw(st.booleans()):
            text += " ties " + draw(st.sampled_from(("shared", "dense")))
        breaks = draw(st.lists(st.sampled_from(refs + outs), max_size=2))
        if breaks:
            text += " then " + ", ".join(f"{r} {draw(st.sampled_from(('descending', 'ascending')))}" for r in breaks)
        rankings.append(text)

    shared_on_top = draw(st.booleans())
    mode = draw(st.sampled_from(("", " half_up", " half_even", " down", " up")))
    header = [
        "ruleset sinh_ngau_nhien {",
        '  title "Bộ tiêu chí sinh ngẫu nhiên" en "Generated ruleset"',
        '  version "gen"',
        "  status hypothetical",
        "  years 2022..2023",
        f"  rounding {b.digits}{mode}",
        f"  on_zero_denominator {draw(st.sampled_from(('0', 'full', '1')))}",
        "  on_missing_evidence zero",
        "}",
    ]
    outside = (levels + rankings) if shared_on_top else []
    inside = [] if shared_on_top else levels + rankings
    total_round = [f"  total round {draw(st.integers(b.digits, 4))}"] if draw(st.booleans()) else []
    lines = header + outside + [f'tier xa "UBND xã" max {num(tier_max)} {{'] + total_round
    lines += [f"  {x}" for x in outputs + inside] + body + ["}"]
    return GeneratedRuleset("\n".join(lines) + "\n", "xa", b.indicators, b.node_ids, b.digits)


# ---------------------------------------------------------------- units
def _decimals(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _value(draw: st.DrawFn, ind: GenIndicator) -> object:
    kind = ind.kind
    if kind == "yesno":
        return draw(st.sampled_from((True, False, "yes", "không", "có", "no")))
    if kind == "category":
        return draw(st.sampled_from(ind.categories))
    if kind == "pair":
        if draw(st.booleans()) and ind.boundaries:  # exactly on a band threshold: 29/100 vs 29%
            t = draw(st.sampled_from(ind.boundaries))
            if t > 100 and not ind.a_may_exceed_b:
                return ["0", "100"]
            scale = Decimal(10) ** _decimals(t)  # pair parts are whole numbers: 33.3 % is 333 of 1000
            return [str(t * scale), str(100 * scale)]
        b = draw(st.sampled_from((0, 1, 2, 3, 4, 7, 10, 100, 1600)))
        return [draw(st.integers(0, b + 5 if ind.a_may_exceed_b else b)), b]
    if kind == "count":
        most = int(ind.range[1]) if ind.range else 12
        counts = [int(t) for t in ind.boundaries if t <= most]
        return draw(st.sampled_from(counts)) if draw(st.booleans()) and counts else draw(st.integers(0, most))
    if kind == "score":
        limit = ind.direct_max if ind.direct_max is not None else (ind.range[1] if ind.range else Decimal(20))
        return str(Decimal(draw(st.integers(0, int(limit * 4)))) / 4)
    if kind == "percent":
        shares = [Decimal(x) for x in ("0", "100", "29", "57", "58", "33.3")] + ind.boundaries
        return str(draw(st.one_of(st.sampled_from(shares), st.decimals(0, 100, places=2))))
    assert kind == "number"
    low, high = ind.range if ind.range else (Decimal(-5), Decimal(50))
    near = [t for t in ind.boundaries if low <= t <= high]
    if draw(st.booleans()) and near:
        return str(draw(st.sampled_from(near)))
    return str(draw(st.decimals(low, high, places=2)))


@st.composite
def assessments_for(draw: st.DrawFn, generated: GeneratedRuleset, max_units: int = 7) -> list[Assessment]:
    count = draw(st.integers(1, max_units))
    units = []
    for i in range(count):
        code = f"{24000 + i}"
        source = draw(st.sampled_from(("self", "audit")))
        year = draw(st.sampled_from((2022, 2022, 2023)))
        values: dict[str, object] = {}
        evidence: dict[str, tuple[str, ...]] = {}
        for ind in generated.indicators:
            if ind.audit_only and source == "self":
                continue
            if ind.has_default and draw(st.integers(0, 2)) == 0:
                continue
            values[ind.name] = _value(draw, ind)
            if ind.evidence and draw(st.integers(0, 3)) > 0:
                evidence[ind.name] = ("QĐ số 1",)
        units.append(Assessment(code=code, name=f"Xã {i}", tier=generated.tier, year=year, source=source,
                                values=values, evidence=evidence, parent=draw(st.sampled_from(("622", "623")))))
    return units
