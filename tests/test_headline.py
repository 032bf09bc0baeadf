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
