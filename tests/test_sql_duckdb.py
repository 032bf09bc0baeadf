"""The SQL back end in embedded DuckDB against the Python engine: the shipped rulesets on the bundled
sample, the boundary suite, invalid data refused with the same messages, and a differential property
test over generated rulesets and cohorts."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sql_compare import differential, mismatches, spoil
from strategies import GeneratedRuleset, assessments_for, generated_rulesets

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
      input so count "Số" unit "cái" range 0..100
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
    return units


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_boundary_suite_agrees_under_every_rounding_mode(duck: DuckDBEngine, mode: str) -> None:
    checked = load_text(BOUNDARY.replace("MODE", mode), "bien.cqdt")
    kind, found = differential(checked, _boundary_units(), duck)
    assert kind == "ok" and found == [], found[:5]


def test_totals_exactly_on_a_cut_off_get_the_level(duck: DuckDBEngine) -> None:
    # 57 % of 100 = 57: a total of exactly 57.000 meets Mức I when group B has 29 % (11.6 of 40)
    checked = load_text(BOUNDARY.replace("MODE", "half_up"), "bien.cqdt")
    on_cut = _unit("24200", "0/10", "0/10", "17", 0)
    on_cut = Assessment(on_cut.code, on_cut.name, "xa", 2022, "audit",
                        values={"ty_le": "0/10", "bac": "0/10", "diem": "17", "so": 0}, evidence={}, parent="622")
    units = [on_cut]
    duck.load_rows(long_rows(units))
    results = score_sql(checked, duck, locate=assessment_locator(units))
    assert mismatches(score(checked, units), results) == []


# ---------------------------------------------------------------- refusing invalid data
def test_invalid_values_are_refused_with_the_python_engines_messages(duck: DuckDBEngine) -> None:
    checked = load_text(BOUNDARY.replace("MODE", "half_up"), "bien.cqdt")
    bad = [Assessment("24300", "Xã A", "xa", 2022, "audit", values={"ty_le": "9/4", "bac": "1/2", "diem": "21", "so": 2.5},
                      parent="622"),
           Assessment("24301", "Xã B", "xa", 2022, "audit", values={"ty_le": "1/2", "bac": "x/2", "so": -1}, parent="622")]
    with pytest.raises(DataError) as python:
        score(checked, bad)
    duck.load_rows(long_rows(bad))
    with pytest.raises(DataError) as sql:
        score_sql(checked, duck, locate=assessment_locator(bad))
    expected = sorted((str(d.span), d.message, d.hint) for d in python.value.diagnostics)
    assert sorted((str(d.span), d.message, d.hint) for d in sql.value.diagnostics) == expected
    assert len(expected) == 6  # a > b, above the range, a fraction of a count, not a number, missing, negative


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
def ruleset_units_and_spoiling(draw: st.DrawFn) -> tuple[GeneratedRuleset, list[Assessment], int | None]:
    generated = draw(generated_rulesets())
    units = draw(assessments_for(generated))
    return generated, units, draw(st.one_of(st.none(), st.integers(0, 2**32)))


@settings(max_examples=25, deadline=None, phases=PHASES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ruleset_units_and_spoiling())
def test_duckdb_agrees_with_python_on_generated_rulesets_and_cohorts(case: tuple[GeneratedRuleset, list[Assessment], int | None]) -> None:
    generated, units, seed = case
    checked = api.load_text(generated.text, "generated.cqdt")
    if seed is not None:  # invalid data: both engines refuse it, at the same places, with the same messages
        units = spoil(units, random.Random(seed), {i.name: i for i in checked.ruleset.tier("xa").indicators})
    kind, found = differential(checked, units, DuckDBEngine())
    assert kind != "differ" and found == [], (kind, found[:5])



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


def test_a_function_the_sql_back_end_does_not_compile_is_refused_by_name() -> None:
    text = EXPRESSIONS.replace('output b "B" = a * 2 + round(total / 3, 1 up)', 'output b "B" = mean(a, total) round 2')
    checked = load_text(text, "bieu_thuc.cqdt")
    with pytest.raises(UsageError, match="does not compile the function 'mean'"):
        compile_tier(checked.ruleset, checked.ruleset.tier("xa"))
