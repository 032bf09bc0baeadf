"""Amendments: a ruleset that `amends` another is the other with its changes applied, checked like
any ruleset, with positions pointing into the amendment."""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.engine.compiler import round_to
from cqdt_rules.errors import Diagnostic, RulesetError
from cqdt_rules.language.parser import parse_source, parse_text
from cqdt_rules.model import amendment as am
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment, Pair

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "amendment" / "egov-2022-hypothetical.cqdt"

BASE = """\
ruleset base_x {
  title "Base"
  legal_source "QĐ 1"
  version "1"
  effective 2020-01-01
  years 2020..2021
  rounding 2 half_even
  on_zero_denominator 0
}
levels muc "Mức" {
  I  "Mức I"  >= 80%
  II "Mức II" >= 50%
  below "Không xếp hạng"
}
ranking khoi "Khối" by total
tier xa "Xã" max 10 {
  group A "A" max 6 {
    provenance hypothetical "x"
    criterion A1 "a1" max 3 {
      input a1 yesno "a1"
      yes a1
      provenance hypothetical "x"
    }
    criterion A2 "a2" max 3 {
      input a2 pair "a2"
      ratio a2
      provenance hypothetical "x"
    }
  }
  criterion B "b" max 4 {
    input b count "b"
    bands b { >= 2 -> 4  = 1 -> 2  else -> 0 }
    provenance hypothetical "x"
  }
}
tier huyen "Huyện" max 4 {
  criterion H "h" max 4 {
    input h yesno "h"
    yes h
    provenance hypothetical "x"
  }
}
"""

HEADER = """\
ruleset amended_x {
  amends "base.cqdt"
  title "Sửa đổi"
  legal_source "GIẢ ĐỊNH"
  version "2"
  status hypothetical
  effective 2022-01-01
  years 2022..
}
"""


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "base.cqdt").write_text(BASE, encoding="utf-8")
    return tmp_path


def amend(folder: Path, body: str, header: str = HEADER, name: str = "amendment.cqdt") -> api.CheckedRuleset:
    path = folder / name
    path.write_text(header + body, encoding="utf-8")
    return api.load(path)


def errors_of(folder: Path, body: str, header: str = HEADER) -> list[Diagnostic]:
    with pytest.raises(RulesetError) as caught:
        amend(folder, body, header)
    return [d for d in caught.value.diagnostics if d.is_error]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


# ---------------------------------------------------------------- the shipped example
def test_the_example_is_a_checked_hypothetical_amendment_of_egov_2020() -> None:
    checked = api.load(EXAMPLE)
    header = checked.ruleset.header
    assert checked.ruleset.id == "egov_2020_hypothetical_2022"
    assert checked.ruleset.amends == ("egov_2020",)
    assert header.status == "hypothetical"
    assert "HYPOTHETICAL" in (header.legal_source or "") and "GIẢ ĐỊNH" in (header.legal_source or "")
    assert header.effective is not None and header.effective.year == 2022
    assert header.years == (2022, 2022)
    assert checked.warnings == ()


def test_the_example_changes_what_it_says_and_nothing_else() -> None:
    base = api.load_ruleset("egov_2020")
    new = api.load_ruleset(EXAMPLE)
    so_old, so_new = base.tier("so"), new.tier("so")
    assert (so_old.node("B2.2").max, so_new.node("B2.2").max) == (Decimal(8), Decimal(10))
    assert (so_old.node("B2.4").max, so_new.node("B2.4").max) == (Decimal(4), Decimal(2))
    assert so_new.node("B2").max == so_old.node("B2").max == sum(c.max for c in so_new.node("B2").children)
    bands = so_new.node("A2.2").rule
    assert isinstance(bands, m.BandsRule) and bands.bands[1].threshold == m.Threshold(Decimal(40), True)
    assert isinstance(so_new.node("A3.4").rule, m.RatioRule)
    assert so_new.node("A3.4").provenance == m.Provenance("hypothetical", "Ví dụ giả định, không có trong văn bản nào")
    assert [c.id for c in so_new.node("B4").children] == ["B4.1", "B4.3", "B4.4"]
    assert "bieu_mau_dien_tu" not in {i.name for i in so_new.indicators}
    for tier in new.tiers:
        (scale,) = tier.levels
        assert [lv.threshold.value for lv in scale.levels] == [80, 75, 72, 65]
    touched = {"A2.2", "A3.4", "B2", "B2.2", "B2.4", "B4", "B4.2", "B4.4"}
    for node in so_old.walk():
        if node.id not in touched and not any(c.id in touched for c in node.walk()):
            assert so_new.node(node.id) == node
    for tier_id in ("huyen", "xa"):
        assert new.tier(tier_id).nodes == base.tier(tier_id).nodes
        assert new.tier(tier_id).rankings == base.tier(tier_id).rankings


def test_the_example_keeps_the_method_settings_of_its_base() -> None:
    base, new = api.load_ruleset("egov_2020"), api.load_ruleset(EXAMPLE)
    assert new.header.rounding == base.header.rounding
    assert new.header.on_zero_denominator == base.header.on_zero_denominator
    assert new.header.on_missing_evidence == base.header.on_missing_evidence


def test_changes_from_the_amendment_point_into_the_amendment() -> None:
    new = api.load_ruleset(EXAMPLE)
    text = EXAMPLE.read_text(encoding="utf-8")
    so = new.tier("so")
    assert so.node("B4.4").span.path == str(EXAMPLE)
    assert so.node("B4.4").span.line == line_of(text, "criterion B4.4")
    assert so.node("B2.2").span.line == line_of(text, "change B2.2 max 10")
    assert so.node("A2.2").rule.span.line == line_of(text, "change A2.2 bands")  # type: ignore[union-attr]
    assert so.node("A1.1").span.path.endswith("egov.cqdt")


def test_the_example_content_hash_covers_its_base_too() -> None:
    base, new = api.load("egov_2020"), api.load(EXAMPLE)
    assert new.ruleset.content_hash.startswith("sha256:")
    assert new.ruleset.content_hash != base.ruleset.content_hash
    assert set(new.sources) == {str(EXAMPLE), str(base.ruleset.path)}


def test_results_record_which_ruleset_was_amended() -> None:
    results = api.score(api.load(EXAMPLE), [], run_at="t")
    assert results.to_dict()["ruleset"]["amends"] == ["egov_2020"]


def test_check_command_accepts_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--lang", "en", str(EXAMPLE)]) == 0
    assert "ruleset 'egov_2020_hypothetical_2022' (hypothetical) is valid" in capsys.readouterr().out


# ---------------------------------------------------------------- scoring with the example
def random_assessment(tier: m.Tier, code: str, rng: random.Random, year: int = 2022,
                      parent: str | None = None) -> Assessment:
    """Valid values for every indicator of ``tier``, with evidence wherever the ruleset asks for it."""
    values: dict[str, object] = {}
    for ind in tier.indicators:
        low, high = ind.range if ind.range else (Decimal(0), Decimal(12))
        if ind.kind == "yesno":
            values[ind.name] = rng.random() < 0.8
        elif ind.kind == "category":
            values[ind.name] = rng.choice(ind.categories).name
        elif ind.kind == "pair":
            b = rng.randint(1, 40)
            a = rng.randint(0, b * 2 if ind.a_may_exceed_b else b) if rng.random() < 0.7 else b
            values[ind.name] = Pair(Decimal(a), Decimal(b))
        elif ind.kind == "percent":
            values[ind.name] = Decimal(rng.randint(0, 100))
        else:
            values[ind.name] = Decimal(rng.randint(int(low), int(min(high, low + 12))))
    evidence = {ind.name: ("VB số 1/2022",) for ind in tier.indicators if ind.evidence_required}
    return Assessment(code, f"Đơn vị {code}", tier.id, year, "audit", values, evidence, parent=parent)


def amended_assessment(old: Assessment, new_tier: m.Tier, rng: random.Random) -> Assessment:
    """The same unit for the amended ruleset: values it no longer reads dropped, new ones added."""
    names = {i.name for i in new_tier.indicators}
    values = {k: v for k, v in old.values.items() if k in names}
    fresh = random_assessment(new_tier, old.code, rng, old.year, old.parent)
    values.update({k: v for k, v in fresh.values.items() if k not in values})
    evidence = {k: v for k, v in {**old.evidence, **fresh.evidence}.items() if k in names}
    return Assessment(old.code, old.name, old.tier, old.year, old.source, values, evidence, parent=old.parent)


def _units(ruleset: m.Ruleset, rng: random.Random, per_tier: int) -> Iterator[Assessment]:
    for tier in ruleset.tiers:
        for index in range(per_tier):
            parent = f"H{index % 5}" if tier.id == "xa" else None
            yield random_assessment(tier, f"{tier.id}{index:03d}", rng, parent=parent)


def _expected_level(total: Decimal, maximum: Decimal, third: int = 72) -> str | None:
    share = total / maximum * 100
    return next((level for level, cut in (("I", 80), ("II", 75), ("III", third), ("IV", 65)) if share >= cut), None)


def _pct(value: object) -> Decimal:
    assert isinstance(value, Pair)
    return Decimal(0) if value.b == 0 else value.a / value.b * 100


def test_scoring_with_the_example_differs_exactly_where_it_says() -> None:
    base, amended = api.load("egov_2020"), api.load(EXAMPLE)
    rng = random.Random(20220315)
    old_units = list(_units(base.ruleset, rng, 300))
    new_units = [amended_assessment(a, amended.ruleset.tier(a.tier), rng) for a in old_units]
    before = {u.code: u for u in api.score(base, old_units, run_at="t")}
    after = {u.code: u for u in api.score(amended, new_units, run_at="t")}
    touched = {"A2.2", "A3.4", "B2.2", "B2.4", "B4.2", "B4.4"}
    ancestors = {"A", "A2", "A3", "B", "B2", "B4"}
    three = m.Rounding(3, "half_up")
    moved_by_cutoff = 0
    for code, old in before.items():
        new = after[code]
        values = new.assessment.values
        for node_id in set(old.nodes) | set(new.nodes):
            if old.tier.id != "so" or node_id not in touched | ancestors:
                assert old.nodes[node_id].points == new.nodes[node_id].points, (code, node_id)
        if old.tier.id == "so":
            assert new.points("B2.2") == round_to(min(_pct(values["ho_so_cong_viec"]), Decimal(100)) / 10, three)
            assert new.points("B2.4") == round_to(_pct(values["chung_thu_so"]) / 50, three)
            pct = _pct(values["tap_huan_cntt"])
            assert new.points("A2.2") == (3 if pct >= 80 else 2 if pct >= 40 else 1 if pct > 0 else 0)
            assert new.points("A3.4") == round_to(_pct(values["van_ban_nguoi_dung_dau_ky"]) * 3 / 100, three)
            assert new.points("B4.4") == (4 if values["du_lieu_mo"] else 0)
            assert "B4.2" not in new.nodes and "B4.4" not in old.nodes
        else:
            assert new.total == old.total
        assert old.level is not None and new.level is not None
        assert old.level.id == _expected_level(old.total, old.max, third=70)
        assert new.level.id == _expected_level(new.total, new.max)
        if old.tier.id != "so" and old.level.id != new.level.id:
            assert 70 <= old.total / old.max * 100 < 72 and (old.level.id, new.level.id) == ("III", "IV")
            moved_by_cutoff += 1
    assert moved_by_cutoff > 0, "the data should include a unit between the old and the new cut-off"


@pytest.mark.slow
def test_the_gialai_sample_scores_under_the_example_where_it_applies() -> None:
    sample = ROOT / "examples" / "gialai" / "egov-2022-audit.yaml"
    from cqdt_rules.data.readers import load_assessments

    base, amended = api.load("egov_2020"), api.load(EXAMPLE)
    old_units = load_assessments(sample)
    rng = random.Random(1)
    new_units = [amended_assessment(a, amended.ruleset.tier(a.tier), rng) for a in old_units]
    before = {u.code: u for u in api.score(base, old_units, run_at="t")}
    after = {u.code: u for u in api.score(amended, new_units, run_at="t")}
    for code, old in before.items():
        if old.tier.id != "so":
            assert after[code].total == old.total
            assert after[code].level.id == _expected_level(old.total, old.max)  # type: ignore[union-attr]


# ---------------------------------------------------------------- statements, on a small base
def test_every_kind_of_change_applies(folder: Path) -> None:
    checked = amend(folder, """\
amend tier xa {
  change A1 max 2
  add under A after A1 criterion A3 "a3" max 1 {
    input a3 yesno "a3"
    yes a3
    provenance hypothetical "new"
  }
  change A2 title "a2 mới" en "new a2"
  change A2 provenance official "Điều 2"
  change A2 round 1 down
  change A2 share 3
  change A2 note "ghi chú"
  change B bands b { >= 3 -> 4  >= 1 -> 2  else -> 0 }
  change B input b count "b mới" range 0..9
  change levels muc II "Mức II" >= 55% requires points(A) >= 50%
  change levels muc below "Chưa đạt"
  ranking khoi "Khối" by total ascending
  output idx "Chỉ số" = total / 10 round 2
  total round 1
}
amend tier huyen {
  replace H with group H "h" max 4 {
    provenance hypothetical "x"
    criterion H1 "h1" max 4 {
      input h1 yesno "h1"
      yes h1
      provenance hypothetical "x"
    }
  }
  change tier max 4
}
""")
    r = checked.ruleset
    xa = r.tier("xa")
    assert [c.id for c in xa.node("A").children] == ["A1", "A3", "A2"]
    a2 = xa.node("A2")
    assert (a2.title, a2.title_en, a2.provenance, a2.rounding, a2.share_digits, a2.note) == (
        "a2 mới", "new a2", m.Provenance("official", "Điều 2"), m.Rounding(1, "down"), 3, "ghi chú")
    assert xa.node("B").inputs[0].label == "b mới" and xa.node("B").inputs[0].range == (Decimal(0), Decimal(9))
    (scale,) = xa.levels
    assert scale.levels[1].threshold.value == 55 and scale.levels[1].requires and scale.below == "Chưa đạt"
    assert xa.rankings[0].direction == "ascending" and [o.name for o in xa.outputs] == ["idx"]
    assert xa.total_rounding == m.Rounding(1, "half_up")
    assert [n.id for n in r.tier("huyen").walk()] == ["H", "H1"]
    assert r.tier("huyen").levels[0].below == "Không xếp hạng"  # a tier's change stays in that tier


def test_changes_outside_a_tier_apply_to_every_tier(folder: Path) -> None:
    r = amend(folder, 'change levels muc I "Mức I" >= 85%\nranking khoi "Khối" by total ties dense\n').ruleset
    for tier in r.tiers:
        assert tier.levels[0].levels[0].threshold.value == 85
        assert tier.rankings[0].ties == "dense"


def test_tiers_can_be_added_and_removed(folder: Path) -> None:
    r = amend(folder, 'remove tier huyen\ntier so "Sở" max 1 {\n  criterion S "s" max 1 {\n    input s yesno "s"\n'
                      '    yes s\n    provenance hypothetical "x"\n  }\n}\n').ruleset
    assert [t.id for t in r.tiers] == ["xa", "so"]



def test_removing_every_tier_is_refused_at_the_amendments_header(folder: Path) -> None:
    (error,) = errors_of(folder, "remove tier xa\nremove tier huyen\n")
    assert error.message == "ruleset 'amended_x' has no tier"
    assert (error.span.path, error.span.line) == (str(folder / "amendment.cqdt"), 1)


def test_inputs_can_be_removed(folder: Path) -> None:
    r = amend(folder, 'amend tier xa {\n  change B per_item c each 1\n  change B input c count "c" range 0..4\n'
                      '  remove input b\n}\n').ruleset
    assert [i.name for i in r.tier("xa").indicators] == ["a1", "a2", "c"]


def test_adding_before_a_sibling_and_at_the_top_of_a_tier(folder: Path) -> None:
    r = amend(folder, """\
amend tier xa {
  add criterion Z "z" max 1 {
    input z yesno "z"
    yes z
    provenance hypothetical "x"
  }
  change A max 5
  remove A2
  add before A1 criterion A0 "a0" max 2 {
    input a0 yesno "a0"
    yes a0
    provenance hypothetical "x"
  }
}
""").ruleset
    xa = r.tier("xa")
    assert [n.id for n in xa.nodes] == ["A", "B", "Z"]
    assert [c.id for c in xa.node("A").children] == ["A0", "A1"]


def test_a_chain_of_amendments_resolves_in_order(folder: Path) -> None:
    amend(folder, 'amend tier xa {\n  change A1 max 2\n  change A2 max 4\n}\n', name="mid.cqdt")
    header = HEADER.replace("amended_x", "second_x").replace('"base.cqdt"', "amended_x")
    r = amend(folder, 'amend tier xa {\n  change A1 max 1\n  change A2 max 5\n}\n', header=header).ruleset
    assert r.amends == ("amended_x", "base_x")
    assert (r.tier("xa").node("A1").max, r.tier("xa").node("A2").max) == (Decimal(1), Decimal(5))


def test_a_cycle_of_amendments_is_reported(folder: Path) -> None:
    (folder / "one.cqdt").write_text(HEADER.replace('"base.cqdt"', '"two.cqdt"'), encoding="utf-8")
    (folder / "two.cqdt").write_text(HEADER.replace('"base.cqdt"', '"one.cqdt"'), encoding="utf-8")
    with pytest.raises(RulesetError, match="amendments form a cycle"):
        api.load(folder / "one.cqdt")


def test_the_base_can_be_named_by_shipped_id(tmp_path: Path) -> None:
    path = tmp_path / "a.cqdt"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert api.load_ruleset(path) == api.load_ruleset(EXAMPLE)


def _refused_header(tmp_path: Path, header: str) -> RulesetError:
    """The error loading an amendment with ``header`` (and no base beside it) raises."""
    path = tmp_path / "a.cqdt"
    path.write_text(header, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        api.load(path)
    return caught.value


def test_an_unknown_base_suggests_a_known_id(tmp_path: Path) -> None:
    (diagnostic,) = _refused_header(tmp_path, HEADER.replace('"base.cqdt"', "egov_2021")).diagnostics
    assert (diagnostic.span.line, diagnostic.hint) == (2, "did you mean 'egov_2020'?")


def test_a_missing_base_file_is_reported_at_the_amends_line(tmp_path: Path) -> None:
    path = tmp_path / "a.cqdt"
    path.write_text(HEADER, encoding="utf-8")
    with pytest.raises(RulesetError, match="no ruleset file 'base.cqdt'") as caught:
        api.load(path)
    assert caught.value.diagnostics[0].span.line == 2


def test_an_amendment_naming_no_base_says_so_in_the_runs_language(tmp_path: Path) -> None:
    error = _refused_header(tmp_path, HEADER.replace('amends "base.cqdt"', 'amends ""'))
    (diagnostic,) = error.diagnostics
    assert (diagnostic.span.line, diagnostic.message) == (2, "'amends' names no base")
    assert "lỗi: 'amends' chưa ghi bộ tiêu chí gốc" in error.render("vi")


# ---------------------------------------------------------------- errors an official can act on
def test_a_sum_that_no_longer_holds_points_at_the_change(folder: Path) -> None:
    body = "amend tier xa {\n  change A1 max 4\n}\n"
    (error,) = errors_of(folder, body)
    assert error.message == "A has max 6 but its children add up to 7"
    assert (error.span.path, error.span.line) == (str(folder / "amendment.cqdt"), line_of(HEADER + body, "change A1"))


def test_a_tier_total_that_no_longer_holds_points_at_the_change(folder: Path) -> None:
    body = "amend tier xa {\n  remove B\n}\n"
    (error,) = errors_of(folder, body)
    assert "tier 'xa' has max 10 but its top nodes add up to 6" in error.message
    assert error.span.line == line_of(HEADER + body, "remove B")


def test_unknown_ids_suggest_the_closest(folder: Path) -> None:
    body = 'amend tier xa {\n  remove A22\n  change levels muc III "x" >= 1%\n}\namend tier so {\n}\n'
    found = errors_of(folder, body)
    assert [(d.message, d.hint) for d in found] == [
        ("no criterion or group 'A22' in tier 'xa'", "did you mean 'A2'?"),
        ("scale 'muc' has no level 'III'", "did you mean 'II'?"),
        ("no tier 'so' to change", "tiers: xa, huyen"),
    ]


def test_statements_that_cannot_apply_say_why(folder: Path) -> None:
    body = """\
amend tier xa {
  add under A1 criterion X "x" max 0 { informational }
  change A yes a1
  change A1 max 3 capped
  add under A after B criterion Y "y" max 0 { informational }
}
tier xa "Xã" max 1 { }
"""
    messages = [d.message for d in errors_of(folder, body)]
    assert messages == [
        "'A1' is a criterion, not a group: nothing can be added under it",
        "A is a group: its points are the sum of its criteria",
        "A1 is a criterion: only a group's maximum can be 'capped'",
        "'B' is not directly under 'A'",
        "tier 'xa' already exists in 'base_x'",
    ]


def test_an_error_in_new_text_points_at_the_new_text(folder: Path) -> None:
    body = 'amend tier xa {\n  replace B with criterion B "b" max 4 {\n    yes nothing\n    provenance hypothetical "x"\n  }\n}\n'
    (error,) = errors_of(folder, body)
    assert error.message == "unknown indicator 'nothing'"
    assert error.span.line == line_of(HEADER + body, "yes nothing")


def test_a_change_that_changes_nothing_is_a_warning(folder: Path) -> None:
    checked = amend(folder, "amend tier xa {\n  change A1 max 3\n}\n")
    assert [w.message for w in checked.warnings] == ["this changes nothing: A1 already says exactly this"]


def test_an_amendment_without_legal_source_or_effective_date_is_warned(folder: Path) -> None:
    header = HEADER.replace('  legal_source "GIẢ ĐỊNH"\n', "").replace("  effective 2022-01-01\n", "")
    checked = amend(folder, "", header=header)
    assert sorted(w.message for w in checked.warnings) == [
        "the amendment 'amended_x' has no effective date", "the amendment 'amended_x' names no legal source"]


def test_amendment_statements_need_an_amends_line() -> None:
    with pytest.raises(RulesetError, match="only an amendment can change another ruleset"):
        parse_text('ruleset x {\n  title "t"\n}\namend tier xa {\n}\n')


def test_parse_text_refuses_an_amendment_and_says_how_to_load_it() -> None:
    with pytest.raises(RulesetError) as caught:
        parse_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    assert "load it with cqdt_rules.load()" in (caught.value.diagnostics[0].hint or "")
    parsed = parse_source(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    assert isinstance(parsed, am.Amendment) and parsed.base == am.BaseRef("egov_2020")


def test_warnings_of_the_base_are_not_repeated_for_the_amendment(folder: Path) -> None:
    (folder / "base.cqdt").write_text(BASE.replace('yes h\n    provenance hypothetical "x"\n', "yes h\n"), encoding="utf-8")
    assert [w.message for w in api.load(folder / "base.cqdt").warnings] == ["H has no provenance"]
    checked = amend(folder, 'amend tier xa {\n  add under A criterion A3 "a3" max 0 {\n    informational\n  }\n}\n')
    assert [w.message for w in checked.warnings] == ["A3 has no provenance"]


def test_a_problem_in_unchanged_base_text_of_a_changed_node_points_at_the_change(folder: Path) -> None:
    body = "amend tier xa {\n  change B max 3\n  change A1 max 4\n  change A max 7\n}\n"
    (error,) = errors_of(folder, body)
    assert error.message == "band gives 4 points, outside 0..3 (the maximum of B)"
    assert (error.span.path, error.span.line) == (str(folder / "amendment.cqdt"), line_of(HEADER + body, "change B"))
    assert error.hint == f"the text is B's, unchanged from the base at {folder / 'base.cqdt'}:{line_of(BASE, 'bands b')}:15"
