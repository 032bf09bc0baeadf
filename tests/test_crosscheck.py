"""Checks across tiers: district indicators that count their communes against the communes' records."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.analysis.crosscheck import (
    crosscheck,
    crosscheck_csv,
    crosscheck_table,
    load_spec,
    mapping_path_for,
    parse_spec,
)
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.errors import RulesetError
from cqdt_rules.model.units import Pair

RULESET = """
ruleset mini_cross {
  title "Thử kiểm tra chéo"
  status hypothetical
  years 2022..2022
  on_zero_denominator 0
}
tier huyen "UBND huyện" max 14 {
  criterion H1 "Xã có điểm cầu" max 4 {
    input xa_diem_cau pair "Số xã có điểm cầu / tổng số xã" unit "xã"
    ratio xa_diem_cau
    provenance hypothetical "thử"
  }
  criterion H2 "Xã có công chức CNTT" max 4 {
    input xa_cong_chuc pair "Số xã có công chức phụ trách CNTT / tổng số xã" unit "xã"
    ratio xa_cong_chuc
    provenance hypothetical "thử"
  }
  criterion H3 "Thôn có tổ CNSCĐ" max 2 {
    input to_cnscd pair "Số thôn có tổ CNSCĐ / tổng số thôn" unit "thôn"
    ratio to_cnscd
    provenance hypothetical "thử"
  }
  criterion H4 "Xã có trang đủ thông tin" max 2 {
    input xa_trang pair "Số xã có trang thành phần đủ thông tin / tổng số xã" unit "xã"
    ratio xa_trang
    provenance hypothetical "thử"
  }
  criterion H5 "100% xã cáp quang" max 2 {
    input xa_cap_quang yesno "Mọi xã có cáp quang"
    yes xa_cap_quang
    provenance hypothetical "thử"
  }
}
tier xa "UBND xã" max 10 {
  criterion X1 "Điểm cầu" max 2 {
    input diem_cau yesno "Có điểm cầu"
    yes diem_cau
    provenance hypothetical "thử"
  }
  criterion X2 "Công chức CNTT" max 2 {
    input cong_chuc category(chuyen_trach "Chuyên trách", kiem_nhiem "Kiêm nhiệm", khong "Không có") "Công chức CNTT"
    category cong_chuc { chuyen_trach -> 2  kiem_nhiem -> 1  khong -> 0 }
    provenance hypothetical "thử"
  }
  criterion X3 "Thôn có tổ CNSCĐ" max 2 {
    input to_cnscd pair "Số thôn có tổ CNSCĐ / tổng số thôn" unit "thôn"
    ratio to_cnscd
    provenance hypothetical "thử"
  }
  criterion X4 "Mục thông tin" max 2 {
    input muc_tt pair "Số mục có / số mục bắt buộc" unit "mục"
    ratio muc_tt
    provenance hypothetical "thử"
  }
  criterion X5 "Cáp quang" max 2 {
    input cap_quang yesno "Có cáp quang"
    yes cap_quang
    provenance hypothetical "thử"
  }
}
"""

MAPPING = """ruleset: mini_cross
district_tier: huyen
commune_tier: xa
checks:
  - district: xa_diem_cau
    count: diem_cau
  - district: xa_cong_chuc
    count: cong_chuc
    not_in: [khong]
  - district: to_cnscd
    sum: to_cnscd
  - district: xa_trang
    count: muc_tt
    at_least: 100%
    note: "Xã được tính khi trang có đủ mọi mục bắt buộc."
  - district: xa_cap_quang
    all: cap_quang
"""

DATA = """
year: 2022
source: self
units:
  - {code: "631", name: "Huyện Đức Cơ", tier: huyen,
     values: {xa_diem_cau: [3, 3], xa_cong_chuc: [2, 3], to_cnscd: [20, 30], xa_trang: [1, 3], xa_cap_quang: yes}}
  - {code: "23857", name: "Thị trấn Chư Ty", tier: xa, parent: "631",
     values: {diem_cau: yes, cong_chuc: chuyen_trach, to_cnscd: [6, 10], muc_tt: [12, 12], cap_quang: yes}}
  - {code: "23860", name: "Xã Ia Dơk", tier: xa, parent: "631",
     values: {diem_cau: no, cong_chuc: kiem_nhiem, to_cnscd: [9, 10], muc_tt: [7, 12], cap_quang: yes}}
  - {code: "23863", name: "Xã Ia Krêl", tier: xa, parent: "631",
     values: {diem_cau: yes, cong_chuc: khong, to_cnscd: [5, 10], muc_tt: [11, 12], cap_quang: no}}
  - {code: "622", name: "Thành phố Pleiku", tier: huyen,
     values: {xa_diem_cau: [1, 1], xa_cong_chuc: [1, 1], to_cnscd: [4, 8], xa_trang: [0, 1], xa_cap_quang: yes}}
  - {code: "23563", name: "Phường Yên Đỗ", tier: xa, parent: "622",
     values: {diem_cau: yes, cong_chuc: chuyen_trach, to_cnscd: [4, 8], muc_tt: [5, 6], cap_quang: yes}}
  - {code: "634", name: "Huyện Đăk Pơ", tier: huyen,
     values: {xa_diem_cau: [5, 8], xa_cong_chuc: [8, 8], to_cnscd: [1, 2], xa_trang: [0, 8], xa_cap_quang: no}}
  - {code: "24000", name: "Xã Lạc", tier: xa, parent: "699",
     values: {diem_cau: yes, cong_chuc: khong, to_cnscd: [1, 2], muc_tt: [1, 2], cap_quang: yes}}
"""


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "rules"
    folder.mkdir()
    paths = {"ruleset": folder / "mini.cqdt", "mapping": folder / "crosscheck.yaml", "data": tmp_path / "data.yaml"}
    paths["ruleset"].write_text(RULESET, encoding="utf-8")
    paths["mapping"].write_text(MAPPING, encoding="utf-8")
    paths["data"].write_text(DATA, encoding="utf-8")
    return paths


def _report(files: dict[str, Path]):  # type: ignore[no-untyped-def]
    ruleset = api.load_ruleset(files["ruleset"])
    spec = load_spec(mapping_path_for(files["ruleset"]), ruleset)
    return crosscheck(ruleset, spec, load_assessments(files["data"]))


def test_mapping_is_read_from_beside_the_ruleset(files: dict[str, Path]) -> None:
    ruleset = api.load_ruleset(files["ruleset"])
    spec = load_spec(mapping_path_for(files["ruleset"]), ruleset)
    assert [(c.district, c.aggregate, c.commune) for c in spec.checks] == [
        ("xa_diem_cau", "count", "diem_cau"), ("xa_cong_chuc", "count", "cong_chuc"), ("to_cnscd", "sum", "to_cnscd"),
        ("xa_trang", "count", "muc_tt"), ("xa_cap_quang", "all", "cap_quang")]
    assert spec.checks[0].label == "Số xã có điểm cầu / tổng số xã"  # the district indicator's label by default


def test_count_of_yes_communes_against_a_district_pair(files: dict[str, Path]) -> None:
    report = _report(files)
    finding = next(f for f in report.findings if f.district_code == "631" and f.check.district == "xa_diem_cau")
    assert finding.declared == Pair(Decimal(3), Decimal(3))
    assert finding.found == Pair(Decimal(2), Decimal(3))
    assert finding.differences == (("a", Decimal(1)),)
    assert [c.code for c in finding.not_counted] == ["23860"]


def test_a_district_without_a_value_is_shown_against_its_communes_as_a_pair(files: dict[str, Path]) -> None:
    files["ruleset"].write_text(RULESET.replace('input xa_diem_cau pair "Số xã có điểm cầu / tổng số xã" unit "xã"',
                                                'input xa_diem_cau pair "Số xã có điểm cầu / tổng số xã" unit "xã" audit_only'),
                                encoding="utf-8")
    files["data"].write_text(re.sub(r"xa_diem_cau: \[\d+, \d+\], ", "", DATA), encoding="utf-8")  # self: left empty
    finding = next(f for f in _report(files).findings if f.district_code == "631" and f.check.district == "xa_diem_cau")
    assert finding.declared is None
    assert finding.found == Pair(Decimal(2), Decimal(3))


def test_category_condition_sum_share_threshold_and_all(files: dict[str, Path]) -> None:
    found = {f.check.district: f for f in _report(files).findings if f.district_code == "631"}
    assert found["xa_cong_chuc"].agrees  # 2 of 3 have an official; Ia Krêl has none
    assert found["to_cnscd"].found == Pair(Decimal(20), Decimal(30)) and found["to_cnscd"].agrees
    assert found["xa_trang"].found == Pair(Decimal(1), Decimal(3)) and found["xa_trang"].agrees  # only 12/12 counts
    assert found["xa_cap_quang"].found is False and found["xa_cap_quang"].differences == (("value", None),)


def test_the_number_of_communes_is_checked_against_b(files: dict[str, Path]) -> None:
    pleiku = {f.check.district: f for f in _report(files).findings if f.district_code == "622"}
    assert pleiku["xa_diem_cau"].agrees
    assert pleiku["to_cnscd"].agrees


def test_districts_without_communes_and_communes_without_district_are_listed(files: dict[str, Path]) -> None:
    report = _report(files)
    assert report.districts_without_communes == (("634", "Huyện Đăk Pơ", 2022),)
    assert report.orphan_communes == (("24000", "Xã Lạc", "699"),)
    assert not any(f.district_code == "634" for f in report.findings)


def test_table_lists_differences_and_the_communes_to_check(files: dict[str, Path]) -> None:
    text = crosscheck_table(_report(files))
    assert "631       Huyện Đức Cơ  2022  xa_diem_cau          3/3            2/3        a +1" in text
    assert "xã không được tính (01): 23860 Xã Ia Dơk (không)" in text
    assert "xa_cap_quang" in text and "23863 Xã Ia Krêl (không)" in text
    assert "xa_cong_chuc" not in text.split("Chi tiết")[0]  # agreeing indicators only with --all
    assert "02 chỉ số lệch trên 10 chỉ số được đối chiếu ở 02 huyện." in text
    assert "Huyện không có hồ sơ cấp xã trong dữ liệu (không đối chiếu được): 634 Huyện Đăk Pơ (2022)." in text
    assert "Xã có hồ sơ nhưng không có hồ sơ của huyện (01): 24000 Xã Lạc (huyện 699)." in text
    english = crosscheck_table(_report(files), "en", show_all=True)
    assert "communes not counted (1): 23860 Xã Ia Dơk (no)" in english and "xa_cong_chuc" in english


def test_csv_lists_every_finding(files: dict[str, Path]) -> None:
    lines = crosscheck_csv(_report(files)).splitlines()
    assert lines[0] == ("year,district_code,district_name,indicator,commune_indicator,aggregate,declared,found,agrees,"
                        "difference,communes_not_counted")
    assert "2022,631,Huyện Đức Cơ,xa_diem_cau,diem_cau,count,3/3,2/3,no,a: 1,23860" in lines
    assert len(lines) == 1 + 10


def test_cli_crosscheck_exit_codes(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crosscheck", str(files["ruleset"]), str(files["data"])]) == 0
    assert "Kiểm tra chéo" in capsys.readouterr().out
    assert main(["crosscheck", str(files["ruleset"]), str(files["data"]), "--source", "audit"]) == 2
    assert "dữ liệu không có bản ghi 'audit' nào của khối 'huyen'; dữ liệu có bản ghi 'self': hãy dùng --source self" \
        in capsys.readouterr().err
    assert main(["crosscheck", str(files["ruleset"]), str(files["data"]), "--source", "audit", "--lang", "en"]) == 2
    assert "no 'audit' records of tier 'huyen' in the data; they hold 'self' records: give --source self" \
        in capsys.readouterr().err
    files["mapping"].unlink()
    assert main(["crosscheck", str(files["ruleset"]), str(files["data"]), "--lang", "en"]) == 2
    assert "no cross-tier mapping" in capsys.readouterr().err


def test_communes_of_a_source_the_data_lack_are_an_error_not_no_differences(
        files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crosscheck", str(files["ruleset"]), str(files["data"]), "--commune-source", "audit"]) == 2
    assert ("dữ liệu không có bản ghi 'audit' nào của khối 'xa'; dữ liệu có bản ghi 'self': "
            "hãy dùng --commune-source self") in capsys.readouterr().err
    districts_only = "\n".join(line for line in DATA.splitlines() if "tier: xa" not in line and "diem_cau: yes" not in
                               line and "diem_cau: no" not in line)
    files["data"].write_text(districts_only, encoding="utf-8")
    assert main(["crosscheck", str(files["ruleset"]), str(files["data"]), "--lang", "en"]) == 2
    assert "no 'self' records of tier 'xa' in the data; name a file with the 'xa' records" in capsys.readouterr().err


@pytest.mark.parametrize("text, line, message", [
    (MAPPING.replace("count: diem_cau", "count: diem_cao"), 6, "the commune tier has no indicator 'diem_cao'"),
    (MAPPING.replace("district: xa_trang", "district: xa_trangg"), 12, "the district tier has no indicator 'xa_trangg'"),
    (MAPPING.replace("not_in: [khong]", "not_in: [khongco]"), 9, "'khongco' is not a category of 'cong_chuc'"),
    (MAPPING.replace("at_least: 100%", "at_least: 100"), 14, "is a pair: give its share as a percentage"),
    (MAPPING.replace("    not_in: [khong]\n", ""), 8, "say when a commune counts"),
    (MAPPING.replace("all: cap_quang", "count: cap_quang"), 16, "'count' needs a district pair or count"),
    (MAPPING.replace("sum: to_cnscd", "sum: diem_cau"), 10, "summing into the pair 'to_cnscd' needs a commune pair"),
    (MAPPING + "  - district: xa_diem_cau\n    count: diem_cau\n", 18, "'xa_diem_cau' is checked twice"),
    (MAPPING.replace("    note:", "    nota:"), 15, "unknown field 'nota' in a check"),
    (MAPPING.replace("ruleset: mini_cross", "ruleset: egov_2020"), 1, "the mapping is for ruleset 'egov_2020'"),
])
def test_mapping_errors_are_positioned(files: dict[str, Path], text: str, line: int, message: str) -> None:
    ruleset = api.load_ruleset(files["ruleset"])
    with pytest.raises(RulesetError) as caught:
        parse_spec(text, ruleset, "crosscheck.yaml")
    diagnostic = caught.value.diagnostics[0]
    assert message in diagnostic.message
    assert (diagnostic.span.path, diagnostic.span.line) == ("crosscheck.yaml", line)


def test_cli_reports_a_bad_mapping_with_its_line(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    files["mapping"].write_text(MAPPING.replace("count: diem_cau", "count: diem_cao"), encoding="utf-8")
    assert main(["crosscheck", "--lang", "en", str(files["ruleset"]), str(files["data"])]) == 1
    err = capsys.readouterr().err
    assert f"{files['mapping']}:6:12: error: the commune tier has no indicator 'diem_cao'" in err
    assert "did you mean 'diem_cau'?" in err


@pytest.mark.parametrize("ruleset_id", ["egov_2020", "dti_2023"])
def test_shipped_mappings_match_their_rulesets(ruleset_id: str) -> None:
    path = api.resolve_ruleset_path(ruleset_id)
    spec = load_spec(mapping_path_for(path), api.load_ruleset(ruleset_id))
    assert spec.checks and spec.district_tier == "huyen" and spec.commune_tier == "xa"


def test_shipped_egov_mapping_covers_every_district_indicator_that_counts_communes() -> None:
    ruleset = api.load_ruleset("egov_2020")
    spec = load_spec(mapping_path_for(api.resolve_ruleset_path("egov_2020")), ruleset)
    counting = {i.name for i in ruleset.tier("huyen").indicators if i.unit == "xã" or i.name.startswith("xa_")}
    assert counting <= {c.district for c in spec.checks}


SAMPLE_DIR = Path(__file__).resolve().parent.parent / "examples" / "gialai"
SAMPLE = SAMPLE_DIR / "egov-2022-self.yaml"
# The sample's districts agree with their communes except for these deliberate over-counts in the
# self-assessments (examples/gialai/README.md): (district, indicator) -> a claimed beyond the communes.
SAMPLE_OVER_COUNTS: dict[str, dict[tuple[str, str], int]] = {
    "egov-2021-self.yaml": {("630", "xa_hoi_nghi_truyen_hinh"): 3, ("635", "xa_cong_chuc_cntt"): 2,
                            ("637", "to_cong_nghe_so"): 12},
    "egov-2022-self.yaml": {("626", "to_cong_nghe_so"): 10, ("631", "xa_hoi_nghi_truyen_hinh"): 3,
                            ("638", "xa_cong_chuc_cntt"): 2},
    "dti-2023-self.yaml": {("626", "ho_cap_quang"): 2500, ("631", "xa_ket_noi_truyen_so_lieu"): 3,
                           ("637", "thon_co_to_cnscd"): 20},
}
SAMPLE_FILES = [(ruleset_id, f"{prefix}-{source}.yaml") for ruleset_id, prefix in
                (("egov_2020", "egov-2021"), ("egov_2020", "egov-2022"), ("dti_2023", "dti-2023"))
                for source in ("audit", "self")]


@pytest.mark.slow
def test_gialai_sample_every_district_is_checked() -> None:
    ruleset = api.load_ruleset("egov_2020")
    spec = load_spec(mapping_path_for(api.resolve_ruleset_path("egov_2020")), ruleset)
    report = crosscheck(ruleset, spec, load_assessments(SAMPLE))
    assert len({f.district_code for f in report.findings}) == 17
    assert not report.districts_without_communes and not report.orphan_communes


@pytest.mark.slow
@pytest.mark.parametrize(("ruleset_id", "name"), SAMPLE_FILES)
def test_gialai_sample_districts_agree_with_their_communes_but_for_the_documented_over_counts(
        ruleset_id: str, name: str) -> None:
    ruleset = api.load_ruleset(ruleset_id)
    spec = load_spec(mapping_path_for(api.resolve_ruleset_path(ruleset_id)), ruleset)
    source = name.removesuffix(".yaml").rsplit("-", 1)[1]
    report = crosscheck(ruleset, spec, load_assessments(SAMPLE_DIR / name), source=source)
    assert len(report.findings) == 17 * len(spec.checks)
    found = {(f.district_code, f.check.district): f.differences for f in report.differences}
    assert found == {key: (("a", Decimal(extra)),) for key, extra in SAMPLE_OVER_COUNTS.get(name, {}).items()}


def test_gialai_sample_readme_lists_the_deliberate_over_counts() -> None:
    lines = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.startswith("|")]
    for name, over_counts in SAMPLE_OVER_COUNTS.items():
        for (code, indicator), extra in over_counts.items():
            assert any(f"`{name}`" in row and f"| {code} " in row and f"`{indicator}`" in row
                       and f"+{extra:,}" in row for row in rows), (name, code, indicator)
