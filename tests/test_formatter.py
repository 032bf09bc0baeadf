"""`cqdt fmt` and the model printer: canonical, idempotent, meaning-preserving, every comment kept."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.errors import RulesetError
from cqdt_rules.language.formatter import _parse, format_ruleset, format_text
from cqdt_rules.language.parser import parse_source, parse_text
from cqdt_rules.model import ruleset as m

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "fmt"
SHIPPED = sorted((ROOT / "rulesets").rglob("*.cqdt"))
EXAMPLES = sorted((ROOT / "examples" / "amendment").rglob("*.cqdt"))
OTHERS = sorted((ROOT / "tests" / "rulesets").rglob("*.cqdt")) + [ROOT / "docs" / "example-syntax.cqdt"]
ALL_FILES = SHIPPED + EXAMPLES + OTHERS
UPDATE = os.environ.get("CQDT_UPDATE_GOLDENS") == "1"


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _comments(text: str) -> list[str]:
    return [str(c).rstrip() for c in _parse(text, "<test>")[1]]


# ---------------------------------------------------------------- shipped files
def test_shipped_rulesets_are_found() -> None:
    assert {p.relative_to(ROOT).as_posix() for p in SHIPPED} >= {"rulesets/2020/egov.cqdt", "rulesets/2023_dts/dti.cqdt"}


@pytest.mark.parametrize("path", SHIPPED + EXAMPLES, ids=_ids(SHIPPED + EXAMPLES))
def test_shipped_rulesets_and_examples_are_canonical(path: Path) -> None:
    """`cqdt fmt --check` passes: formatting a shipped file changes nothing."""
    text = path.read_text(encoding="utf-8")
    assert format_text(text, str(path)) == text


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_formatting_keeps_the_model_and_every_comment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted = format_text(text, str(path))
    assert parse_source(formatted, str(path)) == parse_source(text, str(path))
    assert _comments(formatted) == _comments(text)
    assert format_text(formatted) == formatted


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_printing_a_checked_ruleset_parses_back_to_it(path: Path) -> None:
    ruleset = api.load_ruleset(path)
    printed = format_ruleset(ruleset)
    assert parse_text(printed) == ruleset
    assert format_text(printed) == printed


# ---------------------------------------------------------------- goldens
GOLDEN_CASES = sorted(p.name.removesuffix(".in.cqdt") for p in GOLDEN.glob("*.in.cqdt"))


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden_formatting(case: str) -> None:
    """The goldens show comments in every position surviving; CQDT_UPDATE_GOLDENS=1 rewrites them."""
    source = (GOLDEN / f"{case}.in.cqdt").read_text(encoding="utf-8")
    expected_path = GOLDEN / f"{case}.out.cqdt"
    formatted = format_text(source, f"{case}.in.cqdt")
    if UPDATE:
        expected_path.write_text(formatted, encoding="utf-8")
    assert formatted == expected_path.read_text(encoding="utf-8")
    assert _comments(formatted) == _comments(source)
    assert parse_source(formatted) == parse_source(source)


def test_golden_with_comments_keeps_trailing_and_own_line_comments_in_place() -> None:
    formatted = (GOLDEN / "comments.out.cqdt").read_text(encoding="utf-8")
    assert 'ruleset demo_fmt {  # trailing comment on the header line' in formatted
    assert '        chuyen_trach "Chuyên trách",  # the best case' in formatted
    assert '        # a comment among the arms\n        kiem_nhiem   -> 1.5' in formatted
    assert '    # last comment in group A, before its closing brace\n  }' in formatted
    assert formatted.endswith("}\n# trailing comment at the end of the file\n")


# ---------------------------------------------------------------- layout rules
def test_indentation_and_spacing_are_normalised() -> None:
    text = 'ruleset x{title "t"}\ntier a "A" max 1{criterion C "c" max 1{input y yesno "y" yes y}}'
    assert format_text(text) == (
        'ruleset x {\n  title "t"\n}\ntier a "A" max 1 {\n  criterion C "c" max 1 {\n'
        '    input y yesno "y"\n    yes y\n  }\n}\n')


def test_blank_lines_collapse_to_one_and_none_just_inside_braces() -> None:
    text = 'ruleset x {\n\n\n  title "t"\n\n\n\n  version "1"\n\n}\n'
    assert format_text(text) == 'ruleset x {\n  title "t"\n\n  version "1"\n}\n'


def test_one_line_and_one_arm_per_line_blocks_keep_the_authors_choice() -> None:
    base = 'ruleset x { title "t" }\ntier a "A" max 3 { criterion C "c" max 3 { input y count "y"\n'
    one_line = base + "bands y { >= 3 -> 3 else -> 0 } } }\n"
    per_line = base + "bands y {\n >= 3 -> 3 else -> 0 } } }\n"
    assert "    bands y { >= 3 -> 3  else -> 0 }\n" in format_text(one_line)
    assert "    bands y {\n      >= 3 -> 3\n      else -> 0\n    }\n" in format_text(per_line)


def test_a_comment_inside_a_one_line_block_opens_it() -> None:
    text = ('ruleset x { title "t" }\ntier a "A" max 3 { criterion C "c" max 3 { input y count "y"\n'
            "bands y { >= 3 -> 3 # three\n else -> 0 } } }\n")
    assert "      >= 3 -> 3  # three\n      else -> 0\n" in format_text(text)


def test_a_comment_inside_a_statement_moves_above_it() -> None:
    text = 'ruleset x { title "t" # the title\n version # odd place\n "1" }\n'
    assert format_text(text) == 'ruleset x {\n  title "t"  # the title\n  # odd place\n  version "1"\n}\n'


def test_syntax_errors_are_reported_with_their_position() -> None:
    with pytest.raises(RulesetError) as caught:
        format_text('ruleset x {\n  title "t"\n  max 3\n}\n', "bad.cqdt")
    diagnostic = caught.value.diagnostics[0]
    assert (diagnostic.span.path, diagnostic.span.line, diagnostic.span.column) == ("bad.cqdt", 3, 3)


# ---------------------------------------------------------------- the command
def _messy(path: Path) -> Path:
    path.write_text('# keep me\nruleset   x {title "t"   # and me\n}\n', encoding="utf-8")
    return path


def test_fmt_check_lists_files_that_would_change_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = _messy(tmp_path / "messy.cqdt")
    before = messy.read_text(encoding="utf-8")
    assert main(["fmt", "--lang", "en", "--check", str(messy)]) == 1
    assert f"would reformat {messy}" in capsys.readouterr().out
    assert messy.read_text(encoding="utf-8") == before


def test_fmt_rewrites_in_place_then_check_passes(tmp_path: Path) -> None:
    messy = _messy(tmp_path / "messy.cqdt")
    assert main(["fmt", str(tmp_path)]) == 0
    assert messy.read_text(encoding="utf-8") == '# keep me\nruleset x {\n  title "t"  # and me\n}\n'
    assert main(["fmt", "--check", str(messy)]) == 0


def test_fmt_diff_shows_a_unified_diff_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = _messy(tmp_path / "messy.cqdt")
    before = messy.read_text(encoding="utf-8")
    assert main(["fmt", "--diff", str(messy)]) == 0
    out = capsys.readouterr().out
    assert "-ruleset   x {title \"t\"   # and me\n" in out and "+ruleset x {\n" in out
    assert messy.read_text(encoding="utf-8") == before
    assert main(["fmt", "--diff", str(messy), "--lang", "vi"]) == 0
    out = capsys.readouterr().out  # the headers too in the run's language
    assert f"--- {messy} (hiện tại)\n+++ {messy} (sau khi định dạng)\n" in out and "(now)" not in out


def test_fmt_check_passes_on_every_shipped_ruleset() -> None:
    assert main(["fmt", "--check", str(ROOT / "rulesets")]) == 0


def test_fmt_reports_a_file_that_does_not_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.cqdt"
    bad.write_text("ruleset x {\n", encoding="utf-8")
    assert main(["fmt", "--check", str(bad)]) == 1
    assert f"{bad}:" in capsys.readouterr().err


def test_fmt_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["fmt", str(tmp_path / "nope.cqdt")]) == 2


def test_fmt_reads_standard_input_and_writes_standard_output(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO('ruleset x {title "t"}  # c\n'))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == 'ruleset x {\n  title "t"\n}  # c\n'


# ---------------------------------------------------------------- properties
WORDS = st.text(alphabet="abcdeghiklmnoprstuvxyĐđăâêôơưàáạảãếệốờựữ _-/().,:%\\\"'", min_size=1, max_size=20)
NAMES = st.from_regex(r"v_[a-z0-9_]{0,6}", fullmatch=True)
IDS = st.from_regex(r"[A-Z][0-9]{0,2}(\.[0-9a-z]{1,2}){0,2}", fullmatch=True)
NUMBERS = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False)
SIGNED = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
POINTS = st.one_of(NUMBERS, st.just("full"))
ROUNDING = st.builds(m.Rounding, st.integers(0, 6), st.sampled_from(["half_up", "half_even", "down", "up"]))
THRESHOLDS = st.builds(m.Threshold, NUMBERS, st.booleans())
REFS = st.one_of(st.builds(m.TotalRef), st.builds(m.PointsRef, IDS), st.builds(m.ShareRef, IDS), st.builds(m.OutputRef, NAMES))


def _expressions() -> st.SearchStrategy[m.Expr]:
    leaves = st.one_of(
        st.builds(m.Number, NUMBERS), st.builds(m.IndicatorRef, NAMES, st.sampled_from([None, "a", "b"])),
        st.builds(m.TotalRef), st.builds(m.FullRef), st.builds(m.PointsRef, IDS), st.builds(m.ShareRef, IDS))

    def extend(inner: st.SearchStrategy[m.Expr]) -> st.SearchStrategy[m.Expr]:
        return st.one_of(
            st.builds(m.Binary, st.sampled_from(["+", "-", "*", "/"]), inner, inner),
            st.builds(m.Negate, inner),
            st.builds(m.Compare, st.sampled_from([">=", "<=", "==", "!=", ">", "<"]), inner, inner),
            st.builds(m.BoolOp, st.sampled_from(["and", "or"]), inner, inner),
            st.builds(m.Not, inner),
            st.builds(m.IfExpr, inner, inner, inner),
            st.builds(m.Call, st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3).map(tuple)),
            st.builds(lambda e, d: m.Call("round", (e, m.Number(Decimal(d)))), inner, st.integers(0, 5)),
        )

    return st.recursive(leaves, extend, max_leaves=8)


EXPRS = _expressions()


def _rules() -> st.SearchStrategy[m.Rule]:
    arms = st.lists(st.builds(m.CategoryArm, NAMES, POINTS), min_size=1, max_size=3).map(tuple)
    bands = st.lists(st.builds(m.Band, st.sampled_from([">=", ">", "="]), THRESHOLDS, POINTS), min_size=1, max_size=3)
    simple = st.one_of(
        st.builds(m.YesRule, NAMES),
        st.builds(m.CategoryRule, NAMES, arms, st.one_of(st.none(), POINTS)),
        st.builds(m.RatioRule, NAMES, st.one_of(st.none(), POINTS)),
        st.builds(m.BandsRule, NAMES, bands.map(tuple), st.one_of(st.none(), POINTS)),
        st.builds(m.PerItemRule, NAMES, NUMBERS),
        st.builds(m.NormalisedRule, NAMES, st.sampled_from(["tier", "district"])),
        st.builds(m.DirectRule, NAMES),
        st.builds(m.InformationalRule),
        st.builds(m.FormulaRule, EXPRS),
    )
    return st.one_of(simple, st.builds(m.BestOfRule, st.lists(simple, min_size=1, max_size=3).map(tuple)))


RULES = _rules()


@st.composite
def _indicator(draw: st.DrawFn, node_id: str) -> m.Indicator:
    kind: Any = draw(st.sampled_from(["yesno", "count", "number", "percent", "pair", "score", "category"]))
    categories = tuple(draw(st.lists(st.builds(m.Category, NAMES, st.one_of(st.none(), WORDS)), min_size=1, max_size=3))) \
        if kind == "category" else ()
    low = draw(SIGNED)
    default = draw(st.one_of(st.none(), SIGNED, NAMES, st.tuples(SIGNED, SIGNED)))
    return m.Indicator(
        name=draw(NAMES), kind=kind, label=draw(WORDS), node_id=node_id, unit=draw(st.one_of(st.none(), WORDS)),
        range=draw(st.one_of(st.none(), st.just((low, low + 10)))), categories=categories,
        a_may_exceed_b=draw(st.booleans()), evidence=draw(st.one_of(st.none(), WORDS)), audit_only=draw(st.booleans()),
        default=default)


def _options(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "title_en": draw(st.one_of(st.none(), WORDS)),
        "provenance": draw(st.one_of(st.none(), st.builds(m.Provenance, st.sampled_from(
            ["official", "reconstructed", "hypothetical", "draft"]), WORDS))),
        "rounding": draw(st.one_of(st.none(), ROUNDING)),
        "share_digits": draw(st.one_of(st.none(), st.integers(0, 6))),
        "note": draw(st.one_of(st.none(), WORDS)),
    }


@st.composite
def _node(draw: st.DrawFn, depth: int = 0) -> m.Node:
    node_id = draw(IDS)
    if depth < 2 and draw(st.booleans()):
        children = tuple(draw(st.lists(_node(depth + 1), max_size=3)))
        return m.Node(node_id, draw(WORDS), draw(NUMBERS), children=children, capped=draw(st.booleans()), **_options(draw))
    inputs = tuple(draw(st.lists(_indicator(node_id), max_size=2)))
    return m.Node(node_id, draw(WORDS), draw(NUMBERS), inputs=inputs, rule=draw(RULES), **_options(draw))


@st.composite
def _tier(draw: st.DrawFn) -> m.Tier:
    level = st.builds(m.Level, NAMES, WORDS, THRESHOLDS,
                      st.lists(st.builds(m.Requirement, REFS, THRESHOLDS), max_size=2).map(tuple))
    scale = st.builds(m.LevelScale, NAMES, WORDS, REFS, st.lists(level, min_size=1, max_size=3).map(tuple), WORDS)
    tiebreak = st.builds(m.TieBreak, REFS, st.sampled_from(["descending", "ascending"]))
    ranking = st.builds(m.Ranking, NAMES, WORDS, REFS, st.sampled_from(["descending", "ascending"]),
                        st.sampled_from(["tier", "district"]), st.sampled_from(["shared", "dense"]),
                        st.lists(tiebreak, max_size=2).map(tuple))
    output = st.builds(m.Output, NAMES, WORDS, EXPRS, st.one_of(st.none(), ROUNDING))
    return m.Tier(
        id=draw(NAMES), title=draw(WORDS), max=draw(NUMBERS), nodes=tuple(draw(st.lists(_node(), max_size=3))),
        title_en=draw(st.one_of(st.none(), WORDS)), levels=tuple(draw(st.lists(scale, max_size=2))),
        rankings=tuple(draw(st.lists(ranking, max_size=2))), outputs=tuple(draw(st.lists(output, max_size=2))),
        total_rounding=draw(st.one_of(st.none(), ROUNDING)))


@st.composite
def rulesets(draw: st.DrawFn) -> m.Ruleset:
    first = draw(st.integers(1990, 2100))
    dates = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
    header = m.Header(
        id=draw(NAMES), title=draw(WORDS), title_en=draw(st.one_of(st.none(), WORDS)),
        legal_source=draw(st.one_of(st.none(), WORDS)), version=draw(st.one_of(st.none(), WORDS)),
        status=draw(st.one_of(st.none(), st.sampled_from(["official", "reconstructed", "hypothetical", "draft"]))),
        issued=draw(dates), effective=draw(dates),
        years=draw(st.one_of(st.none(), st.tuples(st.just(first), st.one_of(st.none(), st.integers(first, 2100))))),
        note=draw(st.one_of(st.none(), WORDS)), rounding=draw(st.one_of(st.none(), ROUNDING)),
        on_zero_denominator=draw(st.one_of(st.none(), POINTS)),
        on_missing_evidence=draw(st.one_of(st.none(), st.sampled_from(["zero", "error"]))))
    return m.Ruleset(header, tuple(draw(st.lists(_tier(), max_size=2))))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets())
def test_parse_of_a_printed_generated_ruleset_gives_it_back(ruleset: m.Ruleset) -> None:
    """parse(format(r)) == r for generated models (which need not pass the checks)."""
    printed = format_ruleset(ruleset)
    assert parse_text(printed) == ruleset
    assert format_text(printed) == printed


_SEPARATORS = st.sampled_from([" ", "  ", "\n", "\n\n\n", "\t", " \n    "])


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_spacing_of_a_shipped_ruleset_formats_to_the_same_meaning(data: st.DataObject) -> None:
    """Re-space a ruleset's words at random (and add comments): the format keeps its model and its
    comments, and formatting again changes nothing."""
    path = data.draw(st.sampled_from(ALL_FILES))
    text = path.read_text(encoding="utf-8")
    tree, comments = _parse(text, str(path))
    words = [str(t) for t in _leaves(tree)]
    pieces: list[str] = []
    added: list[str] = []
    for word in words[:400]:
        pieces.append(word)
        if data.draw(st.integers(0, 30)) == 0:
            comment = f"# c{len(added)}"
            added.append(comment)
            pieces.append(" " + comment + "\n")
        else:
            pieces.append(data.draw(_SEPARATORS))
    respaced = "".join(pieces) + " ".join(words[400:]) + "\n"
    formatted = format_text(respaced)
    assert parse_source(formatted) == parse_source(text)
    assert _comments(formatted) == added
    assert format_text(formatted) == formatted


def _leaves(tree: object) -> list[object]:
    from cqdt_rules.language.formatter import _leaves as leaves

    return list(leaves(tree))  # type: ignore[arg-type]
