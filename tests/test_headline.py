"""An index tier (``headline OUTPUT``): tables and reports show that output, not the tier's total."""

from __future__ import annotations

from pathlib import Path

from cqdt_rules import api
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.reports.document import build_report
from cqdt_rules.reports.score_table import results_table
from cqdt_rules.reports.write_markdown import render_markdown

CASE = Path(__file__).resolve().parent / "golden" / "good" / "index_means"


def _results() -> api.Results:
    checked = api.load(CASE / "ruleset.cqdt")
    return api.score(checked, load_assessments(CASE / "units.yaml"), run_at="fixed")


def test_score_table_shows_the_headline_output_first_and_no_total() -> None:
    table = results_table(_results(), "en")
    header = table.splitlines()[1]
    assert "Total" not in header
    assert header.index("EGDI ") < header.index("EGDI (%)") < header.index("Geometric mean")
    denmark = next(line for line in table.splitlines() if "DNK" in line)
    assert denmark.split()[5:7] == ["0.9717", "97.1700"]  # after rank, code, name and the second ranking


def test_report_tables_and_unit_pages_lead_with_the_headline_output() -> None:
    results = _results()
    text, _ = render_markdown(build_report(results, lang="en"), "charts")
    assert "| Rank | Code | Unit | EGDI |" in text
    assert "| 1 | DNK | [Denmark](#u-quoc_gia-DNK) | 0.9717 |" in text
    assert "EGDI 0.9717;" in text
    assert "Total 2.9151/3" not in text


def test_an_amendment_can_make_a_tier_an_index_tier(tmp_path: Path) -> None:
    base = tmp_path / "base.cqdt"
    base.write_text((CASE / "ruleset.cqdt").read_text(encoding="utf-8").replace("  headline egdi\n", ""), encoding="utf-8")
    assert api.load(base).ruleset.tier("quoc_gia").headline is None
    amendment = tmp_path / "amendment.cqdt"
    amendment.write_text('ruleset amended {\n  title "Amended"\n  years 2022..\n  amends "base.cqdt"\n}\n'
                         "amend tier quoc_gia {\n  headline weighted\n}\n", encoding="utf-8")
    assert api.load(amendment).ruleset.tier("quoc_gia").headline == "weighted"


def test_a_headline_must_name_an_output() -> None:
    import pytest

    from cqdt_rules.errors import RulesetError

    text = (CASE / "ruleset.cqdt").read_text(encoding="utf-8").replace("headline egdi", "headline egdy")
    with pytest.raises(RulesetError) as caught:
        api.load_text(text, "ruleset.cqdt")
    assert "unknown output 'egdy' in tier 'quoc_gia'" in caught.value.render()
    assert "did you mean 'egdi'?" in caught.value.render()


def test_diff_lists_a_changed_headline(tmp_path: Path) -> None:
    from cqdt_rules.language.diff import diff_rulesets

    old = api.load(CASE / "ruleset.cqdt").ruleset
    text = (CASE / "ruleset.cqdt").read_text(encoding="utf-8").replace("headline egdi", "headline weighted")
    new = api.load_text(text, "new.cqdt").ruleset
    changes = [c for c in diff_rulesets(old, new) if c.field == "headline"]
    assert [(c.section, c.old, c.new) for c in changes] == [("quoc_gia", "egdi", "weighted")]


def test_summary_names_units_by_their_headline_figure() -> None:
    from cqdt_rules.analysis.summary import top_and_bottom

    text = top_and_bottom(list(_results()), "vi")
    assert text.startswith("Điểm cao nhất: Denmark (EGDI 0,9717), Finland (EGDI 0,9533)")
