"""`cqdt diff OLD NEW`: what changed between two rulesets, node by node."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.language.diff import EVERY_TIER, Change, diff_rulesets, field_name, render_diff
from cqdt_rules.language.parser import parse_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "amendment" / "egov-2022-hypothetical.cqdt"
EXPECTED = ROOT / "examples" / "amendment" / "diff.txt"

BASE = """\
ruleset d {
  title "D"
  version "1"
}
levels muc "Mức" {
  I  "Mức I"  >= 80%
  II "Mức II" >= 50%
  below "Không xếp hạng"
}
tier xa "Xã" max 10 {
  group A "A" max 6 {
    criterion A1 "a1" max 3 {
      input a1 yesno "a1"
      yes a1
    }
    criterion A2 "a2" max 3 {
      input a2 category(co "Có", khong "Không") "a2"
      category a2 { co -> 3  khong -> 0 }
    }
  }
  group C "C" max 4 {
    criterion B "b" max 4 {
      input b count "b" unit "lần"
      bands b { >= 2 -> 4  = 1 -> 2  else -> 0 }
    }
  }
}
tier huyen "Huyện" max 1 {
  criterion H "h" max 1 {
    input h yesno "h"
    yes h
  }
}
"""


def _changes(new_text: str) -> tuple[Change, ...]:
    return diff_rulesets(parse_text(BASE), parse_text(new_text))


def test_the_example_amendment_reads_as_its_expected_diff(capsys: pytest.CaptureFixture[str]) -> None:
    """examples/amendment/diff.txt is what an official reads; it lists every article of the amendment."""
    assert main(["diff", "egov_2020", str(EXAMPLE), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out == EXPECTED.read_text(encoding="utf-8")
    for line in ("level III cut-off: >= 70% → >= 72%",
                 "bands tap_huan_cntt, band 2: was >= 50% -> 2; now >= 40% -> 2",
                 "max: 8 → 10", "max: 4 → 2",
                 "rule: was bands van_ban_chi_dao { >= 3 -> 3  = 2 -> 2  = 1 -> 1  else -> 0 }; "
                 "now ratio van_ban_nguoi_dung_dau_ky",
                 '- B4.2 "Electronic forms in use": removed',
                 '+ B4.4 "Open data published on the provincial data portal": added (criterion, max 4, yes du_lieu_mo, '
                 "under B4 after B4.3)",
                 "4 node(s) changed, 1 added, 1 removed"):
        assert line in out


def test_the_example_amendment_reads_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    """The same diff in Vietnamese (examples/amendment/diff-vi.txt): the rules are quoted as the ruleset writes them."""
    assert main(["diff", "egov_2020", str(EXAMPLE), "--lang", "vi"]) == 0
    out = capsys.readouterr().out
    assert out == EXPECTED.with_name("diff-vi.txt").read_text(encoding="utf-8")
    for line in ("mức III, ngưỡng: >= 70% → >= 72%",
                 "bậc tap_huan_cntt, bậc 2: trước đây >= 50% -> 2; nay >= 40% -> 2",
                 "tối đa: 8 → 10", "trạng thái: tái dựng → giả định",
                 '- B4.2 "Biểu mẫu điện tử đang sử dụng": bỏ (trước đây: tiêu chí, tối đa 4, bands bieu_mau_dien_tu',
                 '+ B4.4 "Công bố dữ liệu mở trên Cổng dữ liệu của tỉnh": thêm (tiêu chí, tối đa 4, yes du_lieu_mo, '
                 "thuộc B4 sau B4.3)",
                 "4 nút thay đổi, 1 thêm, 1 bỏ; 11 thay đổi khác"):
        assert line in out


@pytest.mark.parametrize(("field", "vietnamese"), [
    ("max", "tối đa"), ("input x unit", "chỉ số x, đơn vị tính"), ("input x", "chỉ số x"),
    ("bands x, band 2", "bậc x, bậc 2"), ("bands x, else", "bậc x, còn lại"), ("category x, summer", "phân loại x, summer"),
    ("level III cut-off", "mức III, ngưỡng"), ("level III", "mức III"), ("on_zero_denominator", "khi mẫu số bằng 0"),
])
def test_field_names_read_in_vietnamese(field: str, vietnamese: str) -> None:
    assert field_name(field, "vi") == vietnamese
    assert field_name(field, "en") == field


def test_the_example_diff_lists_its_nodes_in_reading_order() -> None:
    changes = diff_rulesets(api.load_ruleset("egov_2020"), api.load_ruleset(EXAMPLE))
    nodes = list(dict.fromkeys(c.subject for c in changes if c.section == "so"))
    assert nodes == ["A2.2", "A3.4", "B2.2", "B2.4", "B4.2", "B4.4"]
    assert {c.section for c in changes} == {"header", EVERY_TIER, "so"}


def _as_read(page: str, form: str) -> str:
    """A Markdown or HTML page's text as a reader sees it: markup and escapes removed."""
    if form == "md":
        return re.sub(r"\\(.)", r"\1", page).replace("&amp;", "&")
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("form", ["md", "html"])
def test_markdown_and_html_show_every_change_the_text_shows(
        lang: str, form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The appendix layout shows changed rows; the level cut-offs, outputs and header changes the text lists are
    there too (the example's Article 5 moves level III from 70% to 72%)."""
    base = tmp_path / "base.cqdt"
    base.write_text(BASE.replace("version", "years 2023..\n  version")
                    .replace("tier xa \"Xã\" max 10 {", "tier xa \"Xã\" max 10 {\n  output o1 \"O1\" = total / 20"),
                    encoding="utf-8")
    amended = tmp_path / "amended.cqdt"
    amended.write_text(base.read_text(encoding="utf-8").replace("2023..", "2024..").replace(">= 80%", ">= 60%")
                       .replace("total / 20", "total / 10"), encoding="utf-8")
    for old, new in ((str(base), str(amended)), ("egov_2020", str(EXAMPLE))):
        assert main(["diff", old, new, "--lang", lang]) == 0
        text = capsys.readouterr().out
        assert main(["diff", old, new, "--lang", lang, "--format", form]) == 0
        page = " ".join(_as_read(capsys.readouterr().out, form).split())
        listed = [line.strip().lstrip("~+->").strip() for line in text.splitlines()[1:] if line.strip()]
        assert len(listed) > 5
        for line in listed:
            for part in line.split(": ", 1):  # a label and its change are written apart in the page
                assert " ".join(part.split()) in page, (form, part)


def test_identical_rulesets_have_no_differences(capsys: pytest.CaptureFixture[str]) -> None:
    assert diff_rulesets(api.load_ruleset("egov_2020"), api.load_ruleset("egov_2020")) == ()
    assert main(["diff", "egov_2020", "egov_2020", "--lang", "en"]) == 0
    assert "no differences" in capsys.readouterr().out
    assert main(["diff", "egov_2020", "egov_2020", "--lang", "vi"]) == 0
    assert "không có khác biệt" in capsys.readouterr().out


def test_a_changed_maximum_title_and_unit_are_listed_per_node() -> None:
    new = BASE.replace('criterion A1 "a1" max 3', 'criterion A1 "a1 mới" max 2').replace(
        'criterion A2 "a2" max 3', 'criterion A2 "a2" max 4').replace('unit "lần"', 'unit "cuộc"')
    assert [(c.subject, c.field, c.old, c.new) for c in _changes(new)] == [
        ("A1", "title", '"a1"', '"a1 mới"'),
        ("A1", "max", "3", "2"),
        ("A2", "max", "3", "4"),
        ("B", "input b unit", '"lần"', '"cuộc"'),
    ]


def test_band_and_category_arm_changes_are_listed_one_by_one() -> None:
    new = BASE.replace("= 1 -> 2  else -> 0", "= 1 -> 1  else -> 0").replace("khong -> 0", "khong -> 1")
    found = [(c.field, c.old, c.new) for c in _changes(new)]
    assert found == [("category a2, khong", "-> 0", "-> 1"), ("bands b, band 2", "= 1 -> 2", "= 1 -> 1")]


def test_added_removed_and_moved_nodes() -> None:
    new = BASE.replace('''    criterion A2 "a2" max 3 {
      input a2 category(co "Có", khong "Không") "a2"
      category a2 { co -> 3  khong -> 0 }
    }
''', "").replace('group C "C" max 4 {', '''group C "C" max 4 {
    criterion A2 "a2" max 0 {
      informational
    }''').replace('criterion A1 "a1" max 3 {\n      input a1 yesno "a1"\n      yes a1\n    }',
                  'criterion A1 "a1" max 3 {\n      input a1 yesno "a1"\n      yes a1\n    }\n'
                  '    criterion A3 "a3" max 0 {\n      informational\n    }')
    kinds = [(c.kind, c.subject, c.field) for c in _changes(new)]
    assert ("added", "A3", "") in kinds
    assert ("moved", "A2", "parent") in kinds
    assert ("removed", "A2", "input a2") in kinds
    moved = next(c for c in _changes(new) if c.kind == "moved")
    assert (moved.old, moved.new) == ("under A", "under C")


def test_a_level_change_made_in_every_tier_is_listed_once() -> None:
    new = BASE.replace('II "Mức II" >= 50%', 'II "Mức II" >= 55%')
    (change,) = _changes(new)
    assert (change.section, change.subject, change.field, change.old, change.new) == (
        EVERY_TIER, "levels muc", "level II cut-off", ">= 50%", ">= 55%")


def test_a_change_in_one_tier_only_stays_with_that_tier() -> None:
    new = BASE.replace('tier huyen "Huyện" max 1 {', 'tier huyen "Huyện" max 1 {\n  levels muc "Mức" {\n'
                       '    I "Mức I" >= 90%\n    below "Không xếp hạng"\n  }')
    found = [(c.section, c.kind, c.field) for c in _changes(new)]
    assert found == [("huyen", "changed", "level I cut-off"), ("huyen", "removed", "level II")]


def test_added_and_removed_tiers_and_header_fields() -> None:
    new = BASE.replace('version "1"', 'version "2"').split("tier huyen")[0]
    found = [(c.section, c.kind, c.field, c.old, c.new) for c in _changes(new)]
    assert found[0] == ("header", "changed", "version", '"1"', '"2"')
    assert found[1][:2] == ("huyen", "removed")


def test_rendered_diff_names_both_rulesets_and_counts_the_changes() -> None:
    old, new = parse_text(BASE), parse_text(BASE.replace('criterion A1 "a1" max 3', 'criterion A1 "a1" max 2'))
    text = render_diff(diff_rulesets(old, new), old, new)
    assert text.splitlines()[0] == "d (version 1) → d (version 1)"
    assert '  ~ A1 "a1"\n      max: 3 → 2\n' in text
    assert text.rstrip().endswith("1 node(s) changed, 0 added, 0 removed; 0 other change(s) (header, tiers, levels, "
                                  "rankings, outputs)")


def test_diff_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--format", "json", "egov_2020", str(EXAMPLE)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["old"]["id"], data["new"]["id"]) == ("egov_2020", "egov_2020_hypothetical_2022")
    assert {"kind": "changed", "section": "so", "subject": "B2.2", "field": "max", "old": "8", "new": "10",
            "label": 'B2.2 "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng"'} in data["changes"]


def test_diff_of_an_unknown_ruleset_is_a_usage_error() -> None:
    assert main(["diff", "egov_2020", "egov_2099"]) == 2
