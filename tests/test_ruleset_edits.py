"""Rules change in the ruleset file, not in Python: an edited cut-off or maximum changes the main
job's output, and an edit that breaks the sums is refused with the offending node's position."""

from __future__ import annotations

import contextlib
import io
from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import load_assessments
from cqdt_rules.cli.main import main
from cqdt_rules.engine.compiler import round_to
from cqdt_rules.model import ruleset as m

ROOT = Path(__file__).resolve().parent.parent
EGOV = (ROOT / "rulesets/2020/egov.cqdt").read_text(encoding="utf-8")
DATA = str(ROOT / "examples/gialai/egov-2022-audit.yaml")
HALF_UP_3 = m.Rounding(3, "half_up")
LEVEL_I = '  I   "Mức I"   >= 80%\n'
SO_A1_1 = ('      criterion A1.1 "Tỷ lệ CBCCVC được trang bị máy tính" en "Share of staff provided with a computer" '
           'max 5 {\n')


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    assert EGOV.count(old) == 1, f"the ruleset no longer holds {old!r} once"
    path = tmp_path / "egov.cqdt"
    path.write_text(EGOV.replace(old, new), encoding="utf-8")
    return path


def _summary(ruleset: str | Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["summary", str(ruleset), DATA, "--no-rankings"]) == 0
    return out.getvalue()


def test_raising_a_cut_off_changes_the_levels(tmp_path: Path) -> None:
    before = _summary("egov_2020")
    assert "Sở, ban, ngành: 20 đơn vị được đánh giá. 16 đơn vị đạt Mức I" in before
    after = _summary(_edited(tmp_path, LEVEL_I, LEVEL_I.replace("80%", "85%")))
    # 85 % of 140 is 119: the best department has 118,348, so none is at Mức I any more.
    assert "Sở, ban, ngành: 20 đơn vị được đánh giá. Không có đơn vị đạt Mức I" in after


def test_changing_a_maximum_and_its_group_changes_the_totals(tmp_path: Path) -> None:
    edited = EGOV
    for head, old_max, new_max in ((SO_A1_1.rstrip(" {\n").rsplit(" max", 1)[0], 5, 10),
                                   ('group A1 "Hạ tầng CNTT" en "IT infrastructure"', 20, 25),
                                   ('group A "Điều kiện sẵn sàng" en "Readiness"', 50, 55),
                                   ('tier so "Sở, ban, ngành" en "Provincial departments"', 140, 145)):
        edited = edited.replace(f"{head} max {old_max}", f"{head} max {new_max}", 1)  # the first is tier so's
    path = tmp_path / "egov.cqdt"
    path.write_text(edited, encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["explain", str(path), DATA, "--unit", "SO13", "--lang", "en"]) == 0
    # A1.1 is a ratio × max rounded half-up to 3 decimals: doubling its maximum adds its points again.
    staff = next(a for a in load_assessments(DATA) if a.code == "SO13").values["may_tinh"]
    old_points, new_points = (round_to(Decimal(staff[0]) / Decimal(staff[1]) * n, HALF_UP_3) for n in (5, 10))
    assert f"A1.1 Share of staff provided with a computer: {new_points} / 10" in out.getvalue()
    assert f"total {Decimal('118.348') - old_points + new_points} / 145" in out.getvalue()


def test_a_maximum_that_no_longer_adds_up_is_refused_at_the_group(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = _edited(tmp_path, SO_A1_1, SO_A1_1.replace("max 5", "max 6"))
    assert main(["check", "--lang", "en", str(path)]) == 1
    err = capsys.readouterr().err
    line = EGOV.splitlines().index('    group A1 "Hạ tầng CNTT" en "IT infrastructure" max 20 {') + 1
    assert f"egov.cqdt:{line}:5: error: A1 has max 20 but its children add up to 21" in err, err
    assert "Traceback" not in err


DTI = (ROOT / "rulesets/2023_dts/dti.cqdt").read_text(encoding="utf-8")
DTI_DATA = str(ROOT / "examples/gialai/dti-2023-audit.yaml")
SO_1_4 = ('criterion 1.4 "Trang thông tin điện tử có chuyên mục riêng về chuyển đổi số" '
          'en "Website has its own digital transformation section" max 15 {')
NEW_COMPONENT = '''    criterion 1.7 "Kế hoạch truyền thông về chuyển đổi số (thành phần thêm để kiểm thử)" max 5 {
      input ke_hoach_truyen_thong yesno "Có kế hoạch truyền thông về CĐS" default yes
      yes ke_hoach_truyen_thong
      provenance hypothetical "thêm trong kiểm thử"
    }
'''


def test_a_new_dti_component_appears_in_scores_explanations_and_reports(tmp_path: Path) -> None:
    assert DTI.count(SO_1_4) == 1
    edited = DTI.replace(SO_1_4, SO_1_4.replace("max 15", "max 10"))  # the tier keeps its 1,000 points
    anchor = '      provenance reconstructed "= thành phần cấp huyện 1.6 x 1,5 (tái dựng)"\n    }\n'
    assert edited.count(anchor) == 1
    edited = edited.replace(anchor, anchor + NEW_COMPONENT)
    path = tmp_path / "dti.cqdt"
    path.write_text(edited, encoding="utf-8")
    title = "Kế hoạch truyền thông về chuyển đổi số (thành phần thêm để kiểm thử)"

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["score", str(path), DTI_DATA, "--format", "csv"]) == 0
        assert main(["explain", str(path), DTI_DATA, "--unit", "SO13", "--lang", "en"]) == 0
        assert main(["report", str(path), DTI_DATA, "--out", str(tmp_path / "report"), "--formats", "md"]) == 0
    header = out.getvalue().splitlines()[0]
    assert "points_1.7" in header.split(",")
    assert f"1.7 {title}: 5.000 / 5" in out.getvalue()
    markdown = next((tmp_path / "report").glob("*.md")).read_text(encoding="utf-8")
    assert title in markdown
