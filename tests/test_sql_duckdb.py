"""The SQL back end in embedded DuckDB against the Python engine: the shipped rulesets on the bundled
sample, the boundary suite, invalid data refused with the same messages, and a differential property
test over generated rulesets and cohorts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from sql_compare import GeneratedCase, differential, generated_differential, mismatches
from strategies import assessments_for, generated_rulesets

from cqdt_rules import api
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.engine.loading import load, load_text
from cqdt_rules.engine.scoring import score
from cqdt_rules.engine.sql.compile import compile_tier
from cqdt_rules.engine.sql.dialects import render
from cqdt_rules.engine.sql.engines import DuckDBEngine
from cqdt_rules.engine.sql.run import assessment_locator, long_rows, score_sql
from cqdt_rules.errors import DataError, UsageError
from cqdt_rules.model.units import Assessment

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "gialai"
PHASES = tuple(p for p in Phase if p is not Phase.explain)


@pytest.fixture(scope="module")
def duck() -> DuckDBEngine:
    return DuckDBEngine()


@pytest.mark.slow
@pytest.mark.parametrize(("ruleset", "data"), [
    ("egov_2020", "egov-2022-audit.yaml"), ("egov_2020", "egov-2021-self.yaml"),
    ("dti_2023", "dti-2023-audit.yaml"), ("dti_2023", "dti-2023-self.yaml"),
])
def test_shipped_rulesets_on_the_sample_agree_with_python(duck: DuckDBEngine, ruleset: str, data: str) -> None:
    checked = load(ruleset)
    units = load_assessments(SAMPLE / data)
    kind, found = differential(checked, units, duck)
    assert kind == "ok" and found == [], found[:5]


# ---------------------------------------------------------------- the boundary suite
BOUNDARY = """
ruleset bien {
  title "Biên" en "Boundaries"
  years 2022..2023
  rounding 3 MODE
  on_zero_denominator 0
  on_missing_evidence zero
}
tier xa "UBND xã" max 100 {
  output chi_so "Chỉ số" = total / 7 round 4 MODE
  levels muc "Mức" { I "Mức I" >= 57% requires points(B) >= 29% II "Mức II" >= 28% below "Không xếp hạng" }
  ranking tinh "Toàn tỉnh" by total ties shared then points(B) ascending
  ranking huyen "Huyện" by chi_so within district ties dense
  group A "Nhóm A" max 60 {
    provenance hypothetical "Kiểm thử"
    criterion A1 "Tỷ lệ" max 20 {
      input ty_le pair "a / b" unit "hồ sơ" evidence "Danh sách"
      ratio ty_le
      provenance hypothetical "Kiểm thử"
    }
    criterion A2 "Bậc" max 20 {
      input bac pair "a / b" unit "hồ sơ"
      bands bac { >= 58% -> 20 >= 57% -> 15 >= 56% -> 12 >= 55% -> 10 >= 29% -> 7 >= 28% -> 5 >= 14% -> 3 >= 7% -> 1 else -> 0 }
      provenance hypothetical "Kiểm thử"
    }
    criterion A3 "Điểm chấm" max 20 {
      input diem number "Điểm lẻ" range 0..20
      formula diem / 1
      provenance hypothetical "Kiểm thử"
    }
  }
  group B "Nhóm B" max 40 {
    provenance hypothetical "Kiểm thử"
    criterion B1 "Số" max 40 {
      input so count "Số" unit "cái" range 0..10000
      per_item so each 0.0015
      provenance hypothetical "Kiểm thử"
    }
  }
}
"""


def _unit(code: str, ty_le: str, bac: str, diem: str, so: int, parent: str = "622", evidence: bool = True) -> Assessment:
    return Assessment(code, f"Xã {code}", "xa", 2022, "audit",
                      values={"ty_le": ty_le, "bac": bac, "diem": diem, "so": so},
                      evidence={"ty_le": ("QĐ 1",)} if evidence else {}, parent=parent)


def _boundary_units() -> list[Assessment]:
    units = []
    # bands exactly on 7/14/28/29/55/56/57/58 % and a hair below; b = 0; missing evidence
    for i, (a, b) in enumerate([(7, 100), (14, 100), (28, 100), (29, 100), (55, 100), (56, 100), (57, 100), (58, 100),
                                (57, 101), (29, 101), (28999, 100000), (0, 0), (3, 7)]):
        units.append(_unit(f"{24000 + i}", f"{a}/{b}" if b else "0/0", f"{a}/{b}", f"{i}.{i}{i}45", i, "622" if i % 2 else "623",
                           evidence=i % 4 != 0))
    # x.xxx5 values: 0.0015 each × count; a score of 12.3455 read through a formula
    units.append(_unit("24100", "1/3", "1/2", "12.3455", 1))
    units.append(_unit("24101", "2/3", "1/2", "12.3445", 3))
    units.append(_unit("24102", "1/8", "1/2", "0.0005", 5))
    # ties: two units with the same values
    units.append(_unit("24103", "1/2", "57/100", "10", 7))
    units.append(_unit("24104", "1/2", "57/100", "10", 7))
    # equal totals (15.000) made of different criteria: the ranking's tie-breaker, points(B) ascending, orders them
    units.append(_unit("24600", "10/20", "0/100", "5", 0))
    units.append(_unit("24601", "0/20", "0/100", "12", 2000))
    units.extend(_on_the_cut_offs())
    return units


def _on_the_cut_offs() -> list[Assessment]:
    """Totals exactly on a level's cut-off, or a rounding step below it, as the mode rounds an x.xxx5 value.
    24500: A = 20 + 20 + 5.4, B = 7733 × 0.0015 = 11.5995, rounded to 11.600 (29 % of 40, Mức I's
    prerequisite, met) except by ``down`` (11.599): a total of exactly 57.000 (Mức I's cut-off) or 56.999.
    24501: 3 + 5 + 20 = 28.000, exactly Mức II's cut-off; 24502: 3 + 5 + 19.9995, on it or 0.001 below."""
    return [_unit("24500", "20/20", "58/100", "5.4", 7733), _unit("24501", "3/20", "28/100", "20", 0),
            _unit("24502", "3/20", "28/100", "19.9995", 0)]


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_boundary_suite_agrees_under_every_rounding_mode(duck: DuckDBEngine, mode: str) -> None:
    checked = load_text(BOUNDARY.replace("MODE", mode), "bien.cqdt")
    kind, found = differential(checked, _boundary_units(), duck)
    assert kind == "ok" and found == [], found[:5]
    ranks = {u.code: (u.total, u.ranks["tinh"].rank) for u in score(checked, _boundary_units()) if u.code in ("24600", "24601")}
    assert ranks["24600"][0] == ranks["24601"][0] and ranks["24600"][1] + 1 == ranks["24601"][1]


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_totals_exactly_on_a_cut_off_get_the_level(duck: DuckDBEngine, mode: str) -> None:
    checked = load_text(BOUNDARY.replace("MODE", mode), "bien.cqdt")
    units = _on_the_cut_offs()
    python = score(checked, units)
    on_cut = mode != "down"
    assert [(str(u.total), u.levels["muc"].id) for u in python] == [
        ("57.000", "I") if on_cut else ("56.999", "II"), ("28.000", "II"), ("28.000", "II") if on_cut else ("27.999", None)]
    duck.load_rows(long_rows(units))
    assert mismatches(python, score_sql(checked, duck, locate=assessment_locator(units))) == []


# ---------------------------------------------------------------- refusing invalid data
def _refused_alike(duck: DuckDBEngine, checked: Any, bad: list[Assessment]) -> list[tuple[str, str, str | None]]:
    """The problems both engines refuse ``bad`` with, once they are found to be the same (position, message, hint)."""
    with pytest.raises(DataError) as python:
        score(checked, bad)
    duck.load_rows(long_rows(bad))
    with pytest.raises(DataError) as sql:
        score_sql(checked, duck, locate=assessment_locator(bad))
    expected = sorted((str(d.span), d.message, d.hint) for d in python.value.diagnostics)
    assert sorted((str(d.span), d.message, d.hint) for d in sql.value.diagnostics) == expected
    return expected


def test_invalid_values_are_refused_with_the_python_engines_messages(duck: DuckDBEngine) -> None:
    checked = load_text(BOUNDARY.replace("MODE", "half_up"), "bien.cqdt")
    bad = [Assessment("24300", "Xã A", "xa", 2022, "audit", values={"ty_le": "9/4", "bac": "1/2", "diem": "21", "so": 2.5},
                      parent="622"),
           Assessment("24301", "Xã B", "xa", 2022, "audit", values={"ty_le": "1/2", "bac": "x/2", "so": -1}, parent="622")]
    expected = _refused_alike(duck, checked, bad)
    assert len(expected) == 6  # a > b, above the range, a fraction of a count, not a number, missing, negative


def test_a_count_written_like_a_thousand_is_refused_by_both_engines_alike(duck: DuckDBEngine) -> None:
    """1.000 in a count (or a pair's part) reads as a thousand as often as one: both engines refuse it, saying so."""
    checked = load_text(BOUNDARY.replace("MODE", "half_up"), "bien.cqdt")
    bad = [Assessment("24300", "Xã A", "xa", 2022, "audit", values={"ty_le": "1/2", "bac": "1.000/2", "diem": "2",
                                                                    "so": " 12.500 "}, parent="622"),
           Assessment("24301", "Xã B", "xa", 2022, "audit", values={"ty_le": "1/2", "bac": "1/2.000", "diem": "2",
                                                                    "so": "1.5"}, parent="622")]
    expected = _refused_alike(duck, checked, bad)
    assert sum("may be read two ways" in message for _, message, _ in expected) == 3, expected


def test_the_scoring_query_itself_refuses_invalid_data(duck: DuckDBEngine) -> None:
    """Run on its own (as a view would be), the query fails rather than score a missing value as 0."""
    checked = load_text(BOUNDARY.replace("MODE", "half_up"), "bien.cqdt")
    duck.load_rows(long_rows([Assessment("24400", "Xã", "xa", 2022, "audit", values={"ty_le": "1/2", "bac": "1/2", "diem": "1"},
                                         parent="622")]))
    query = compile_tier(checked.ruleset, checked.ruleset.tier("xa"))
    with pytest.raises(Exception, match="invalid data for unit 24400"):
        duck.connection.execute(render(query.tree, "duckdb")).fetchall()


def test_an_indicator_named_like_a_keyword_and_quotes_in_texts_are_safe(duck: DuckDBEngine) -> None:
    text = BOUNDARY.replace("MODE", "half_up").replace("so count", "select count").replace("per_item so", "per_item select")
    text = text.replace('criterion A1 "Tỷ lệ"', 'criterion A1 "Tỷ lệ \'; DROP TABLE x; -- */ SELECT 1 /*"')
    checked = load_text(text, "bien.cqdt")
    units = [Assessment(u.code, u.name, u.tier, u.year, u.source,
                        values={("select" if k == "so" else k): v for k, v in u.values.items()}, evidence=u.evidence,
                        parent=u.parent) for u in _boundary_units()]
    kind, found = differential(checked, units, duck)
    assert kind == "ok" and found == []
    sql = render(compile_tier(checked.ruleset, checked.ruleset.tier("xa"), explain=True).tree, "duckdb")
    assert len(sqlglot.parse(sql, read="duckdb")) == 1 and "DROP TABLE" in sql  # inside a comment, not a statement
    duck.connection.execute(f"CREATE OR REPLACE VIEW v AS {sql}")


# ---------------------------------------------------------------- the command line
@pytest.mark.slow
def test_cqdt_score_with_duckdb_prints_what_python_prints(tmp_path: Path) -> None:
    data = str(SAMPLE / "egov-2022-audit.yaml")
    python = subprocess.run([sys.executable, "-m", "cqdt_rules", "score", "egov_2020", data, "--format", "csv"],
                            capture_output=True, text=True, check=True).stdout
    duckdb = subprocess.run([sys.executable, "-m", "cqdt_rules", "score", "egov_2020", data, "--format", "csv",
                             "--engine", "duckdb"], capture_output=True, text=True, check=True).stdout
    strip = [line.split(",", 5)[5] for line in python.splitlines()[1:]]
    assert [line.split(",", 5)[5] for line in duckdb.splitlines()[1:]] == strip


@pytest.mark.slow
def test_cqdt_score_reads_long_form_parquet_csv_and_a_duckdb_table(tmp_path: Path) -> None:
    units = load_assessments(SAMPLE / "dti-2023-audit.yaml")
    engine = DuckDBEngine(str(tmp_path / "dti.duckdb"))
    engine.load_rows(long_rows(units), table="diem_dti")
    engine.connection.execute(f"COPY diem_dti TO '{tmp_path / 'dti.parquet'}' (FORMAT parquet)")
    engine.connection.execute(f"COPY diem_dti TO '{tmp_path / 'dti.csv'}' (FORMAT csv, HEADER)")
    engine.connection.close()
    expected = api.score(load("dti_2023"), units)
    outputs = []
    for extra in (["dti.parquet"], ["dti.csv"], ["dti.duckdb", "--table", "diem_dti"]):
        run = subprocess.run([sys.executable, "-m", "cqdt_rules", "score", "dti_2023", str(tmp_path / extra[0]), *extra[1:],
                              "--engine", "duckdb", "--format", "json"], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout)
    import json

    for text in outputs:
        got = {(u["code"], u["source"]): (u["total"], u["levels"], {k: v["rank"] for k, v in u["ranks"].items()})
               for u in json.loads(text)["units"]}
        want = {(u.code, u.assessment.source): (str(u.total), {k: {"id": v.id, "label": v.label, "unmet": []}
                                                               for k, v in u.levels.items()},
                                                {k: v.rank for k, v in u.ranks.items()}) for u in expected}
        assert got == want


@pytest.mark.slow
def test_cqdt_score_with_duckdb_refuses_bad_data_with_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "loi.yaml"
    bad.write_text((SAMPLE / "egov-2022-audit.yaml").read_text(encoding="utf-8").replace("ke_hoach_cds: yes", "ke_hoach_cds: hmm", 1),
                   encoding="utf-8")
    python = subprocess.run([sys.executable, "-m", "cqdt_rules", "score", "egov_2020", str(bad)], capture_output=True, text=True)
    duckdb = subprocess.run([sys.executable, "-m", "cqdt_rules", "score", "egov_2020", str(bad), "--engine", "duckdb"],
                            capture_output=True, text=True)
    assert python.returncode == duckdb.returncode == 1
    assert duckdb.stderr == python.stderr and "hmm" in python.stderr and "Traceback" not in duckdb.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "comment"), [("en", "/* A1.1 Share of officials provided with a computer (max 4); "
                                                       "provenance reconstructed: "),
                                              ("vi", "/* A1.1 Tỷ lệ CBCC được trang bị máy tính (tối đa 4); "
                                                     "nguồn gốc tái dựng: ")])
def test_cqdt_sql_prints_a_view_with_comments_per_criterion(lang: str, comment: str) -> None:
    run = subprocess.run([sys.executable, "-m", "cqdt_rules", "sql", "egov_2020", "--tier", "xa", "--dialect", "postgres",
                          "--explain", "--lang", lang], capture_output=True, text=True, check=True)
    assert 'CREATE OR REPLACE VIEW "egov_2020_xa" AS' in run.stdout
    assert comment in run.stdout
    code = re.sub(r"/\*.*?\*/", "", run.stdout, flags=re.S)
    assert "DIV(" in code and "/" not in code  # every division is an integer division


# ---------------------------------------------------------------- differential property test
@st.composite
def ruleset_units_and_spoiling(draw: st.DrawFn) -> GeneratedCase:
    """A generated ruleset (its formulas and outputs calling the exact functions too), units for it, and
    seeds (or None) to spoil one value and to stretch a few to the limits of what is read."""
    generated = draw(generated_rulesets(functions=True))
    units = draw(assessments_for(generated))
    seeds = st.one_of(st.none(), st.integers(0, 2**32))
    return generated, units, draw(seeds), draw(seeds)


@pytest.mark.slow
@settings(max_examples=50, deadline=None, phases=PHASES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ruleset_units_and_spoiling())
def test_duckdb_agrees_with_python_on_generated_rulesets_and_cohorts(case: GeneratedCase) -> None:
    event(generated_differential(case, DuckDBEngine()))


EXPRESSIONS = """
ruleset bieu_thuc {
  title "Xếp hạng theo biểu thức" en "Rankings by expressions"
  years 2022..2023
  rounding 2 half_even
  on_zero_denominator 0
  on_missing_evidence zero
}
tier xa "UBND xã" max 20 {
  output a "A" = total / 4 round 3 down
  output b "B" = a * 2 + round(total / 3, 1 up)
  ranking r1 "R1" by total / 8 within district
  ranking r2 "R2" by b ascending ties dense then points(C1) / 5
  criterion C1 "C1" max 10 {
    input x pair "x" unit "hồ sơ"
    ratio x
    provenance hypothetical "Kiểm thử"
  }
  criterion C2 "C2" max 10 {
    input y count "y" unit "cái"
    per_item y each 1.25
    provenance hypothetical "Kiểm thử"
  }
}
"""


def test_outputs_reading_outputs_round_modes_in_formulas_and_rankings_by_expressions(duck: DuckDBEngine) -> None:
    checked = load_text(EXPRESSIONS, "bieu_thuc.cqdt")
    units = [Assessment(code, f"Xã {code}", "xa", 2022, "audit", values={"x": x, "y": y}, parent=parent)
             for code, x, y, parent in [("1", "1/3", 3, "622"), ("2", "2/3", 2, "622"), ("3", "0/0", 7, "623"),
                                        ("4", "5/7", 1, "623"), ("5", "2/6", 3, "623")]]
    kind, found = differential(checked, units, duck)
    assert kind == "ok" and found == [], found[:5]


# ---------------------------------------------------------------- the limits of the arithmetic
LIMITS = """
ruleset gioi_han {
  title "Giới hạn" en "Limits"
  years 2022..2023
  rounding 2
  on_zero_denominator 0
}
tier xa "UBND xã" max 40 {
  output lon "Lớn" = so_lon round 12
  output dem_7 "Đếm / 7" = dem / 7 round 12 half_even
  output phan_so "Phần" = phan.a - phan.b round 12
  ranking theo_lon "Theo số lớn" by lon then dem_7 ascending
  criterion A1 "Tỷ lệ" max 10 {
    input ty_le pair "a / b" unit "hồ sơ"
    ratio ty_le
    provenance hypothetical "Kiểm thử"
  }
  criterion A2 "Phần" max 10 {
    input phan pair "a / b" range 0..999999999999999.999999999999
    bands phan { >= 57% -> 10 >= 0.5% -> 5 else -> 0 }
    provenance hypothetical "Kiểm thử"
  }
  criterion A3 "Số lớn" max 10 {
    input so_lon number "Số lớn"
    bands so_lon { >= 999999999999999.999999999999 -> 10 >= 0.000000000001 -> 5 >= 0 -> 1 else -> 0 }
    provenance hypothetical "Kiểm thử"
  }
  criterion A4 "Đếm" max 10 {
    input dem count "Đếm" unit "cái"
    per_item dem each 0.000000000001
    provenance hypothetical "Kiểm thử"
  }
}
"""


def _limit_unit(code: str, ty_le: object, phan: object, so_lon: object, dem: object) -> Assessment:
    return Assessment(code, f"Xã {code}", "xa", 2022, "audit", values={"ty_le": ty_le, "phan": phan, "so_lon": so_lon, "dem": dem},
                      parent="622")


def _limit_units() -> list[Assessment]:
    """Values at the limits: 10^15 - 1, 12 decimals, 13 decimals of which the last is 0, fractional pair parts
    where a range is declared."""
    return [
        _limit_unit("1", ["999999999999999", "999999999999999"], ["0.000000000001", "999999999999999.999999999999"],
                    "999999999999999.999999999999", 999999999999999),
        _limit_unit("2", ["1", "999999999999999"], ["1.5", "2.5"], "-999999999999999.999999999999", 0),
        _limit_unit("3", ["0", "0"], ["0", "0"], "0.000000000001", 7),
        _limit_unit("4", ["3", "7"], ["570", "1000"], "1.0000000000000", 3),
        _limit_unit("5", ["3", "7"], ["999999999999999.999999999999", "999999999999999.999999999999"], "-0.000000000001", 10),
        _limit_unit("6", ["0", "0"], ["0.000000000001", "0.000000000002"], 1e-05, 1),
    ]


def test_numbers_at_the_limits_are_read_and_scored_as_python_does(duck: DuckDBEngine) -> None:
    checked = load_text(LIMITS, "gioi_han.cqdt")
    kind, found = differential(checked, _limit_units(), duck)
    assert kind == "ok" and found == [], found[:5]
    lon = {u.code: u.outputs["lon"] for u in score(checked, _limit_units())}
    assert str(lon["1"]) == "999999999999999.999999999999" and str(lon["6"]) == "0.000010000000"


def test_numbers_beyond_the_limits_are_refused_with_the_python_engines_messages(duck: DuckDBEngine) -> None:
    checked = load_text(LIMITS, "gioi_han.cqdt")
    bad = [_limit_unit("6", ["1.5", "3"], ["1", "2"], "1000000000000000", 1),
           _limit_unit("7", ["1", "3"], ["1", "0.0000000000001"], "0.0000000000001", 1000000000000000),
           _limit_unit("8", ["abc", "10000000000000000"], ["1", "2"], "1" * 65, 1),
           _limit_unit("9", ["1", "3"], ["1000000000000000", "2"], "-1000000000000000", 1e16)]
    kind, found = differential(checked, bad, duck)
    assert kind == "refused" and found == []
    with pytest.raises(DataError) as python:
        score(checked, bad)
    messages = " ".join(d.message for d in python.value.diagnostics)
    for why in ("too large", "more than 12 decimals", "65 characters", "must be whole numbers"):
        assert why in messages


def test_a_number_written_with_an_exponent_is_refused_with_its_own_message(duck: DuckDBEngine) -> None:
    """The SQL back end parses digits written out; the Python engine also reads 1.5e3: the one difference."""
    checked = load_text(LIMITS, "gioi_han.cqdt")
    units = [_limit_unit("10", ["1", "3"], ["1", "2"], "1.5e3", 1)]
    score(checked, units)
    duck.load_rows(long_rows(units))
    with pytest.raises(DataError) as sql:
        score_sql(checked, duck, locate=assessment_locator(units))
    assert [(d.message, d.hint) for d in sql.value.diagnostics] == [
        ("unit '10', 'so_lon': expected a number, got '1.5e3': the SQL back end reads numbers written out, without an exponent",
         "write the number out (1500, not 1.5e3), or score the data with the Python engine")]


def test_a_value_that_could_pass_38_digits_refuses_the_ruleset_when_compiling() -> None:
    text = LIMITS.replace('output lon "Lớn" = so_lon round 12', 'output lon "Lớn" = so_lon * so_lon round 2')
    checked = load_text(text, "gioi_han.cqdt")
    with pytest.raises(UsageError, match="output lon could exceed 38 digits .* declare a 'range'"):
        compile_tier(checked.ruleset, checked.ruleset.tier("xa"))
    ranged = text.replace('input so_lon number "Số lớn"', 'input so_lon number "Số lớn" range -1000000..1000000')
    checked = load_text(ranged, "gioi_han.cqdt")
    compile_tier(checked.ruleset, checked.ruleset.tier("xa"))


# ---------------------------------------------------------------- functions
FUNCTIONS = """
ruleset ham {
  title "Hàm" en "Functions"
  years 2022..2023
  rounding 3 MODE
  on_zero_denominator 0
}
tier xa "UBND xã" max 100 {
  output tb "Trung bình" = mean(share(A), share(B)) round 4 MODE
  output tbt "Trung bình trọng số" = weighted_mean(share(A) weight 2, share(B) weight 1, x weight w) round 4 MODE
  output tong "Tổng" = sum(points(A1), points(A2), x, 0.5) round 3 MODE
  output mm "Min–max" = minmax(total) round 4 MODE
  output mmx "Min–max x" = minmax(x * 3) round 5 MODE
  output hang "Hạng" = rank(total)
  output hx "Hạng x" = rank(x)
  output muc_tieu "Mục tiêu" = min(to_target(total, 80), 1) round 4 MODE
  output mtx "Mục tiêu x" = to_target(x, 7) round 6 MODE
  ranking theo_mm "Theo min–max" by mm then hx ascending
  ranking theo_hang "Theo hạng" by hang ascending within district ties dense
  levels muc "Mức" on mm { cao "Cao" >= 0.5 below "Thấp" }
  group A "Nhóm A" max 50 {
    provenance hypothetical "Kiểm thử"
    criterion A1 "A1" max 30 {
      input p pair "a / b" unit "hồ sơ"
      ratio p
      provenance hypothetical "Kiểm thử"
    }
    criterion A2 "A2" max 20 {
      input x number "x" range 0..20 audit_only
      input w number "trọng số" range -5..5
      formula mean(points(A1), x)
      provenance hypothetical "Kiểm thử"
    }
  }
  group B "Nhóm B" max 50 {
    provenance hypothetical "Kiểm thử"
    criterion B1 "B1" max 40 {
      input d score "Điểm"
      formula weighted_mean(d weight 3, to_target(d, 40) * 40 weight 1)
      provenance hypothetical "Kiểm thử"
    }
    criterion B2 "B2" max 10 {
      formula round(minmax(x) * 5, 2) + 5 / rank(points(A1))
      provenance hypothetical "Kiểm thử"
    }
  }
}
"""


def _function_unit(code: str, p: str, x: str | None, w: str, d: str, source: str = "audit", parent: str = "622") -> Assessment:
    values = {"p": p, "w": w, "d": d} | ({"x": x} if x is not None else {})
    return Assessment(code, f"Xã {code}", "xa", 2022, source, values=values, parent=parent)


def _function_units() -> list[Assessment]:
    """Audited units (x given) and self-assessed ones (x, audit-only, not assessed: they take no part in
    minmax(x) and rank(x), whose values they lack), ties on total and on x, x.xxx5 values."""
    return [_function_unit("1", "1/3", "10.5", "1", "12.345"), _function_unit("2", "2/3", "0", "0", "40"),
            _function_unit("3", "0/0", "20", "-2", "0"), _function_unit("4", "5/7", "10.5", "5", "17.0005", parent="623"),
            _function_unit("5", "1/3", "7", "1", "12.345", parent="623"),
            _function_unit("6", "1/3", None, "1", "12.345", source="self"), _function_unit("7", "3/3", None, "2", "33", source="self")]


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_the_exact_functions_agree_under_every_rounding_mode(duck: DuckDBEngine, mode: str) -> None:
    checked = load_text(FUNCTIONS.replace("MODE", mode), "ham.cqdt")
    kind, found = differential(checked, _function_units(), duck)
    assert kind == "ok" and found == [], found[:5]
    outputs = {u.code: u.outputs for u in score(checked, _function_units())}
    assert outputs["3"]["mmx"] == 1 and outputs["2"]["mmx"] == 0 and outputs["6"]["mmx"] is None
    assert (outputs["1"]["hx"], outputs["4"]["hx"], outputs["5"]["hx"]) == (2, 2, 4)  # shared: 1, 2, 2, 4, 5


def test_weights_adding_up_to_0_and_a_target_of_0_stop_both_engines_alike(duck: DuckDBEngine) -> None:
    checked = load_text(FUNCTIONS.replace("MODE", "half_up").replace("to_target(x, 7)", "to_target(x, w + 1)"), "ham.cqdt")
    units = _function_units()[:2] + [_function_unit("8", "1/3", "3", "-3", "1"), _function_unit("9", "1/3", "3", "-1", "1")]
    kind, found = differential(checked, units, duck)
    assert kind == "refused" and found == []
    with pytest.raises(DataError) as python:
        score(checked, units)
    assert {d.message for d in python.value.diagnostics} == {
        "unit '8', output 'tbt': the weights of weighted_mean add up to 0",
        "unit '9', output 'mtx': to_target: the target is 0"}


@pytest.mark.parametrize("function", ["geometric_mean(share(A), share(B))", "zscore(total)"])
def test_a_root_is_refused_when_compiling_saying_why(function: str) -> None:
    text = FUNCTIONS.replace("MODE", "half_up").replace("mean(share(A), share(B)) round 4 half_up", f"{function} round 4")
    checked = load_text(text, "ham.cqdt")
    name = function.partition("(")[0]
    with pytest.raises(UsageError, match=f"{name} needs a root .*SQL has no exact root.*Python engine"):
        compile_tier(checked.ruleset, checked.ruleset.tier("xa"))


def test_a_cohort_function_inside_another_is_refused_when_compiling() -> None:
    text = FUNCTIONS.replace("MODE", "half_up").replace("minmax(x * 3)", "minmax(rank(x))")
    checked = load_text(text, "ham.cqdt")
    with pytest.raises(UsageError, match="minmax .* reads another function of the cohort"):
        compile_tier(checked.ruleset, checked.ruleset.tier("xa"))


@pytest.mark.slow
def test_a_duckdb_table_is_read_without_changing_the_file_and_a_file_that_is_no_database_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cqdt_rules.cli.main import main

    database = tmp_path / "dti.duckdb"
    engine = DuckDBEngine(str(database))
    engine.load_rows(long_rows(load_assessments(SAMPLE / "dti-2023-audit.yaml")), table="diem_dti")
    engine.connection.close()
    before = database.read_bytes()
    assert main(["score", "dti_2023", str(database), "--engine", "duckdb", "--table", "diem_dti", "--format", "csv",
                 "--lang", "en"]) == 0
    assert database.read_bytes() == before  # opened read-only
    capsys.readouterr()
    yaml_file = str(SAMPLE / "dti-2023-audit.yaml")
    assert main(["score", "dti_2023", yaml_file, "--engine", "duckdb", "--table", "diem_dti", "--lang", "en"]) == 2
    assert capsys.readouterr().err.startswith(f"cqdt: error: cannot open '{yaml_file}' as a DuckDB database: ")
    assert main(["score", "dti_2023", str(database), "--engine", "duckdb", "--table", 'x"; DROP TABLE diem_dti; --',
                 "--lang", "en"]) == 2
    assert "name a table as letters, digits and '_'" in capsys.readouterr().err
    assert database.read_bytes() == before


def test_duckdb_writes_only_into_a_folder_of_its_own_and_removes_it() -> None:
    engine = DuckDBEngine()
    folder = engine.folder
    assert folder.stat().st_mode & 0o777 == 0o700  # no other user may read it or plant files in it
    assert engine.query("SELECT current_setting('temp_directory')")[1] == [(str(folder),)]
    table = engine.materialise("numbers", ["SELECT 1 AS n", "SELECT 2 AS n"])
    assert sorted(engine.query(f"SELECT n FROM {table}")[1]) == [(1,), (2,)]
    assert (folder / "work.duckdb").is_file()
    engine.close()
    assert not folder.exists()
