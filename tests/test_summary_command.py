"""`cqdt summary`, the main job the README's quick start runs, on the bundled Gia Lai sample."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from cqdt_rules.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples/gialai"


@pytest.fixture(scope="module")
def summary_2022() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["summary", "egov_2020", str(SAMPLE / "egov-2022-audit.yaml"),
                     "--previous", str(SAMPLE / "egov-2021-audit.yaml")])
    assert code == 0
    return out.getvalue()


def _paragraph(text: str, tier_title: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(tier_title + ":"))


def test_department_counts_read_like_the_report(summary_2022: str) -> None:
    so = _paragraph(summary_2022, "Sở, ban, ngành")
    assert so.startswith("Sở, ban, ngành: 20 đơn vị được đánh giá. 16 đơn vị đạt Mức I (chiếm tỷ lệ 80,00%; "
                         "tăng 04 đơn vị so với năm 2021); 02 đơn vị đạt Mức II (chiếm tỷ lệ 10,00%; giảm 02 đơn vị")
    assert "không có đơn vị đạt Mức IV (không đổi so với năm 2021)" in so


def test_the_stage_is_named_in_words_once_when_every_tier_has_it(summary_2022: str) -> None:
    """The sources line said 'so audit; huyen audit; xa audit': the stage as the report names it, once."""
    assert "\nNguồn số liệu: kết quả thẩm định của Đoàn kiểm tra (audit)\n" in summary_2022


def test_each_tiers_stage_is_named_in_words_when_they_differ(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "egov_2020", str(SAMPLE / "egov-2022-self.yaml"),
                 str(SAMPLE / "egov-2022-audit-so.csv")]) == 0
    audit, own = "kết quả thẩm định của Đoàn kiểm tra (audit)", "kết quả tự đánh giá của đơn vị (self)"
    assert (f"\nNguồn số liệu theo khối: Sở, ban, ngành: {audit}; UBND huyện, thị xã, thành phố: {own}; "
            f"UBND xã, phường, thị trấn: {own}\n") in capsys.readouterr().out


def test_district_and_commune_counts(summary_2022: str) -> None:
    huyen = _paragraph(summary_2022, "UBND huyện, thị xã, thành phố")
    assert ". Không có đơn vị đạt Mức I (" in huyen
    assert "06 đơn vị đạt Mức II (chiếm tỷ lệ 35,29%" in huyen and "03 đơn vị đạt Mức IV (chiếm tỷ lệ 17,65%" in huyen
    assert "không có đơn vị dưới Mức IV (Không xếp hạng; giảm 09 đơn vị so với năm 2021)" in huyen
    xa = _paragraph(summary_2022, "UBND xã, phường, thị trấn")
    assert "03 đơn vị đạt Mức III" in xa and "12 đơn vị đạt Mức IV" in xa
    assert "205 đơn vị dưới Mức IV (Không xếp hạng; chiếm tỷ lệ 93,18%" in xa


def test_the_report_movers_are_named(summary_2022: str) -> None:
    risers = [line for line in summary_2022.splitlines() if line.startswith("Tăng bậc")]
    fallers = [line for line in summary_2022.splitlines() if line.startswith("Giảm bậc")]
    assert "Sở Ngoại vụ (hạng 14 → 3)" in risers[0] and "Sở Công Thương" in risers[0]
    assert "Sở Tài nguyên và Môi trường (hạng 3 → 19)" in fallers[0]
    assert "Huyện Đăk Pơ (hạng 10 → 2)" in risers[1] and "Thị xã An Khê" in risers[1]
    assert "Huyện Đức Cơ (hạng 2 → 17)" in fallers[1] and "Huyện Ia Pa" in fallers[1]


def test_communes_are_ranked_per_district_and_their_moves_name_the_district(summary_2022: str) -> None:
    assert "\nThành phố Pleiku (622)\nHạng" in summary_2022
    commune_risers = [line for line in summary_2022.splitlines() if line.startswith("Tăng bậc")][2]
    moves = re.findall(r"\(((?:Thành phố|Thị xã|Huyện) [^,()]+), hạng (\d+) → (\d+)\)", commune_risers)
    assert len(moves) == 5 and all(int(old) > int(new) for _, old, new in moves)


def test_a_missing_data_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "egov_2020", "no-such-file.yaml"]) == 2
    err = capsys.readouterr().err
    assert "no-such-file.yaml" in err and "Traceback" not in err


def test_a_broken_data_file_points_into_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    text = (SAMPLE / "egov-2022-audit.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("tier: so", "tier: sox", 1), encoding="utf-8")
    assert main(["summary", "--lang", "en", "egov_2020", str(broken)]) == 1
    err = capsys.readouterr().err
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "tier: so" in row)
    assert re.search(rf"broken\.yaml:{line}:\d+: error: .*'sox'", err), err
    assert "Traceback" not in err


def test_a_wrong_tier_in_a_csv_points_at_its_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = (SAMPLE / "egov-2022-audit-so.csv").read_text(encoding="utf-8").splitlines()
    header = source[0].split(",")
    row = next(i for i, line in enumerate(source) if line.split(",")[header.index("tier")] == "so")
    cells = source[row].split(",")
    cells[header.index("tier")] = "sox"
    source[row] = ",".join(cells)
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(source) + "\n", encoding="utf-8")
    assert main(["score", "--lang", "en", "egov_2020", str(broken)]) == 1
    column = len(",".join(cells[: header.index("tier")])) + 2
    assert f"broken.csv:{row + 1}:{column}: error: unit" in capsys.readouterr().err


@pytest.mark.slow
def test_year_picks_one_year_of_multi_year_data(summary_2022: str, capsys: pytest.CaptureFixture[str]) -> None:
    both = [str(SAMPLE / "egov-2021-audit.yaml"), str(SAMPLE / "egov-2022-audit.yaml")]
    assert main(["summary", "egov_2020", *both]) == 2
    assert "nhưng có các năm 2021, 2022; hãy chọn một năm bằng --year" in capsys.readouterr().err
    assert main(["summary", "egov_2020", *both, "--year", "2022", "--previous", *both]) == 0
    assert capsys.readouterr().out == summary_2022  # the same files as both: the year before is the previous year
    assert main(["summary", "egov_2020", *both, "--year", "2020"]) == 2
    assert "không có bản đánh giá nào cho năm 2020; chỉ có các năm 2021, 2022" in capsys.readouterr().err


def test_a_tier_without_units_this_year_is_said_to_be_missing(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["summary", "egov_2020", str(SAMPLE / "egov-2022-audit-so.csv"), "--previous",
                 str(SAMPLE / "egov-2021-audit.yaml"), "--no-rankings"])
    out = capsys.readouterr().out
    assert code == 0
    assert "\nUBND huyện, thị xã, thành phố: không có đơn vị nào được đánh giá năm 2022 (năm 2021: 17).\n" in out
    assert "\nUBND xã, phường, thị trấn: không có đơn vị nào được đánh giá năm 2022 (năm 2021: " in out
    assert out.index("\nSở, ban, ngành: 20 đơn vị") < out.index("\nUBND huyện, thị xã, thành phố: không có")
