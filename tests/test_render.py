"""`cqdt render`: the ruleset as the appendix table of the decision, row by row the ruleset's own numbers."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.formatting import format_number
from cqdt_rules.model import ruleset as m
from cqdt_rules.reports.appendix import build_appendix, render_html, render_markdown, row_anchor


def _rows(markdown: str) -> dict[str, list[str]]:
    """The table rows of a rendered appendix by their STT, as a reader sees them (bold marks of group rows and
    Markdown's escapes removed)."""
    rows = {}
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("| STT") and not line.startswith("| No."):
            cells = [re.sub(r"\\(.)", r"\1", c.strip().strip("*")) for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if cells[0]:
                rows[cells[0]] = cells
    return rows


def test_a_rendered_row_reads_the_published_rule() -> None:
    text = render_markdown(build_appendix(api.load("egov_2020").ruleset, "vi", "xa"))
    row = _rows(text)["A2.2"]
    assert row[1] == "Tỷ lệ CBCC được tập huấn" and row[2] == "3"
    assert row[3] == ("số CBCC được tập huấn CNTT / kỹ năng số trong năm / tổng số CBCC: "
                      "≥ 80% → 3 điểm; ≥ 50% → 2 điểm; > 0% → 1 điểm; còn lại → 0 điểm")
    assert row[4].startswith("tái dựng: ")


@pytest.mark.parametrize("ruleset_id", ["egov_2020", "dti_2023"])
def test_every_row_carries_the_rulesets_numbers(ruleset_id: str) -> None:
    ruleset = api.load(ruleset_id).ruleset
    for tier in ruleset.tiers:
        rows = _rows(render_markdown(build_appendix(ruleset, "vi", tier.id)))
        for node in tier.walk():
            row = rows[node.id]
            assert row[2] == format_number(node.max, "vi"), node.id
            for band in node.rule.bands if isinstance(node.rule, m.BandsRule) else ():
                points = node.max if band.points == "full" else Decimal(band.points)
                threshold = format_number(band.threshold.value, "vi") + ("%" if band.threshold.percent else "")
                assert f"{threshold} → {format_number(points, 'vi')} điểm" in row[3], node.id
        assert f"| | **Tổng cộng** | **{format_number(tier.max, 'vi')}** | | |" in render_markdown(
            build_appendix(ruleset, "vi", tier.id))


def test_english_and_level_cut_offs() -> None:
    text = render_markdown(build_appendix(api.load("egov_2020").ruleset, "en", "so"))
    assert "| No. | Criterion | Maximum points | How it is scored | Source |" in text
    assert "| Mức I | ≥ 80% of the total |" in text
    assert "| Không xếp hạng | Below the lowest cut-off |" in text


HOSTILE = """ruleset hostile {
  title "<script>alert(1)</script> | pipe"
  years 2023..
  legal_source "[link](javascript:alert(0))"
}

tier xa "<iframe src=javascript:alert(3)>" max 10 {
  group A "**bold** `code`" max 10 {
    provenance hypothetical "[link](javascript:alert(4))"
    criterion A1 "![img](http://evil/x.png)" max 10 {
      input co_trang yesno "co trang"
      yes co_trang
    }
  }
  levels muc "<b>Mức</b>" {
    I "<i>I</i>" >= 80%
    below "Không"
  }
}
"""


def test_markdown_shows_ruleset_text_as_written_never_as_html_links_or_images() -> None:
    """Titles are the ruleset author's text: the Markdown escapes them as the report escapes unit names."""
    text = render_markdown(build_appendix(api.load_text(HOSTILE, "hostile.cqdt").ruleset, "vi"))
    assert "# Phụ lục: \\<script\\>alert(1)\\</script\\> \\| pipe" in text
    assert "## Khối \\<iframe src=javascript:alert(3)\\>" in text
    assert "!\\[img\\](http://evil/x.png)" in text and "\\[link\\](javascript:alert(4))" in text
    assert "*\\[link\\](javascript:alert(0))*" in text
    assert "**\\*\\*bold\\*\\* \\`code\\`**" in text
    assert "**\\<b\\>Mức\\</b\\>**" in text and "| \\<i\\>I\\</i\\> |" in text
    assert "<script>" not in text and "](" not in text.replace("\\](", "")


def test_html_rows_have_the_anchors_the_report_links_to() -> None:
    page = render_html(build_appendix(api.load("egov_2020").ruleset, "vi"))
    assert f'id="{row_anchor("xa", "A2.2")}"' in page and page.startswith("<!DOCTYPE html>")


def test_render_command_writes_a_readable_docx(tmp_path: Path) -> None:
    import docx

    out = tmp_path / "phu-luc.docx"
    assert main(["render", "egov_2020", "--format", "docx", "--out", str(out)]) == 0
    document = docx.Document(str(out))
    rows = {r.cells[0].text: [c.text for c in r.cells] for t in document.tables for r in t.rows}
    assert rows["A2.2"][1:3] == ["Tỷ lệ CBCC được tập huấn", "3"]
    assert "≥ 80% → 3 điểm" in rows["A2.2"][3]
    assert document.paragraphs[0].text.startswith("Phụ lục: ")


def test_render_command_html_shows_the_highlighted_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "egov_2020", "--tier", "so"]) == 0
    page = capsys.readouterr().out
    assert "<details><summary>Mã nguồn bộ tiêu chí</summary>" in page and "<span style=" in page


def test_render_command_refuses_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "egov_2020", "--tier", "tinh", "--lang", "en"]) == 2
    assert main(["render", "egov_2020", "--format", "docx", "--lang", "en"]) == 2
    assert "needs --out" in capsys.readouterr().err


def test_report_explanations_link_to_the_appendix_rows(tmp_path: Path) -> None:
    from cqdt_rules.data.readers import load_assessments
    from cqdt_rules.reports.document import build_report
    from cqdt_rules.reports.write_html import render_html as report_html

    case = Path(__file__).resolve().parent / "golden" / "good" / "egov2020_xa"
    checked = api.load_text((case / "ruleset.cqdt").read_text(encoding="utf-8"), "ruleset.cqdt")
    page = report_html(build_report(api.score(checked, load_assessments(case / "units.yaml"), run_at="fixed")))
    links = set(re.findall(r'<a href="#(tieu-chi-[^"]+)"', page))
    rows = set(re.findall(r'<tr id="(tieu-chi-[^"]+)"', page))
    assert links and links <= rows


def test_diff_renders_an_amendment_before_and_after_in_the_appendix_layout(capsys: pytest.CaptureFixture[str]) -> None:
    amendment = str(Path(__file__).resolve().parent.parent / "examples" / "amendment" / "egov-2022-hypothetical.cqdt")
    assert main(["diff", "egov_2020", amendment, "--format", "md"]) == 0
    tiers = capsys.readouterr().out.split("\n## ")
    assert tiers[1].startswith("Khối Sở, ban, ngành")
    rows = _rows(tiers[1])
    old, new = api.load("egov_2020").ruleset.tier("so"), api.load(amendment).ruleset.tier("so")
    assert rows["B2.2"][2] == format_number(old.node("B2.2").max, "vi") and rows["B2.2"][4] == format_number(
        new.node("B2.2").max, "vi")
    assert "≥ 50% → 2 điểm" in rows["A2.2"][3] and "≥ 40% → 2 điểm" in rows["A2.2"][5]
    assert rows["B4.4"][3] == "(thêm)" and rows["B4.2"][5] == "(bỏ)"
    assert "A1.1" not in rows, "unchanged rows are not listed"
    assert main(["diff", "egov_2020", amendment, "--format", "html", "--lang", "en"]) == 0
    assert "<th colspan=2>Before</th><th colspan=2>After</th>" in capsys.readouterr().out


def test_html_report_shows_the_ruleset_source_highlighted(tmp_path: Path) -> None:
    from cqdt_rules.data.readers import load_assessments
    from cqdt_rules.reports.document import build_report
    from cqdt_rules.reports.write_html import render_html as report_html

    case = Path(__file__).resolve().parent / "golden" / "good" / "index_means"
    checked = api.load(case / "ruleset.cqdt")
    page = report_html(build_report(api.score(checked, load_assessments(case / "units.yaml"), run_at="fixed")))
    source = page[page.index('<details class="source">'):]
    assert "<summary>Mã nguồn bộ tiêu chí</summary>" in source
    assert "weighted_mean</span>" in source and "headline</span>" in source, "highlighted by the cqdt lexer"
