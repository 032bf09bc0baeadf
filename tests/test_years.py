"""Assessment years: a year picks the ruleset that declares it; a year nobody declares is refused
unless a ruleset is forced; every result records the ruleset it used."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.errors import UsageError
from cqdt_rules.i18n import translate
from cqdt_rules.model.units import Assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "amendment" / "egov-2022-hypothetical.cqdt"

TINY = """\
ruleset {id} {{
  title "T"
  version "{version}"
  years {years}
}}
tier xa "Xã" max 1 {{
  criterion A "a" max 1 {{
    input a yesno "a"
    yes a
    provenance hypothetical "x"
  }}
}}
"""


def _tiny(folder: Path, name: str, ruleset_id: str, years: str, version: str = "1") -> Path:
    path = folder / f"{name}.cqdt"
    path.write_text(TINY.format(id=ruleset_id, years=years, version=version), encoding="utf-8")
    return path


@pytest.mark.parametrize(("year", "expected"), [(2020, "egov_2020"), (2021, "egov_2020"), (2022, "egov_2020"),
                                                (2023, "dti_2023"), (2025, "dti_2023")])
def test_a_year_picks_the_shipped_ruleset_that_declares_it(year: int, expected: str) -> None:
    assert api.ruleset_for_year(year).ruleset.id == expected


def test_the_2022_assessment_uses_the_egov_criteria_though_the_dti_was_issued_in_2023() -> None:
    dti = api.load_ruleset("dti_2023")
    assert dti.header.issued is not None and dti.header.issued.year == 2023
    assert api.ruleset_for_year(2022).ruleset.id == "egov_2020"


def test_a_year_no_ruleset_declares_is_refused_naming_the_covered_years() -> None:
    with pytest.raises(UsageError) as caught:
        api.ruleset_for_year(2019)
    message = str(caught.value)
    assert "no ruleset declares assessment year 2019" in message
    assert "(covered: egov_2020 2020..2022, dti_2023 2023..); name the ruleset" in message
    assert translate(message, "vi") == ("không bộ tiêu chí nào áp dụng cho năm đánh giá 2019 (các năm có: egov_2020 "
                                        "2020..2022, dti_2023 2023..); hãy chỉ ra bộ tiêu chí thay vì năm")


def test_a_year_as_a_number_or_its_digits_loads_the_ruleset_that_declares_it() -> None:
    assert api.load(2022).ruleset.id == "egov_2020" and api.load(2023).ruleset.id == "dti_2023"
    assert api.ruleset_for_year("2022").ruleset.id == "egov_2020"
    with pytest.raises(UsageError, match="^no ruleset declares assessment year 2019 "):
        api.load(2019)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: api.load(None), "a ruleset is a path, a shipped ruleset id or an assessment year, such as 'egov_2020' "
                             "or 2022, not NoneType"),
    (lambda: api.ruleset_for_year(None), "an assessment year is a whole number, such as 2022, not NoneType"),
    (lambda: api.ruleset_for_year("hai"), "an assessment year is a whole number, such as 2022, not str"),
])
def test_a_ruleset_or_year_of_another_type_is_a_usage_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        call()
    assert str(caught.value) == message


def test_forcing_a_ruleset_uses_it_for_any_year() -> None:
    assert api.ruleset_for_year(2019, force="egov_2020").ruleset.id == "egov_2020"


def test_an_amendment_declaring_the_year_takes_the_place_of_its_base() -> None:
    assert api.ruleset_for_year(2022, [EXAMPLE]).ruleset.id == "egov_2020_hypothetical_2022"
    assert api.ruleset_for_year(2021, [EXAMPLE]).ruleset.id == "egov_2020"
    assert api.ruleset_for_year(2023, [EXAMPLE]).ruleset.id == "dti_2023"


def test_given_paths_are_candidates_too(tmp_path: Path) -> None:
    path = _tiny(tmp_path, "old", "egov_2015", "2015..2019")
    assert api.ruleset_for_year(2016, [path]).ruleset.id == "egov_2015"


def test_two_unrelated_rulesets_declaring_one_year_are_ambiguous(tmp_path: Path) -> None:
    path = _tiny(tmp_path, "rival", "rival_2022", "2022..2022")
    with pytest.raises(UsageError, match="several rulesets declare assessment year 2022: egov_2020 .*rival_2022"):
        api.ruleset_for_year(2022, [path])


def test_declared_years_lists_every_ruleset_with_its_years() -> None:
    found = {c.id: c for c in api.declared_years([EXAMPLE])}
    assert found["egov_2020"].years == (2020, 2022)
    assert found["dti_2023"].years == (2023, None)
    assert found["egov_2020_hypothetical_2022"].amends == ("egov_2020",)
    assert found["dti_2023"].years_text == "2023 onwards"


def test_a_year_can_stand_for_the_ruleset_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--lang", "en", "2022"]) == 0
    assert "ruleset 'egov_2020'" in capsys.readouterr().out
    assert main(["check", "--lang", "en", "2019"]) == 2
    assert "no ruleset declares assessment year 2019" in capsys.readouterr().err


def test_each_result_records_the_ruleset_it_used(tmp_path: Path) -> None:
    checked = api.ruleset_for_year(2023)
    tier = checked.ruleset.tier("huyen")
    values: dict[str, object] = {}
    for ind in tier.indicators:
        values[ind.name] = {"yesno": True, "pair": [1, 1], "category": ind.categories[0].name if ind.categories else None,
                            "count": 1, "number": 1, "percent": 50, "score": 0}[ind.kind]
    unit = Assessment("622", "TP. Pleiku", "huyen", 2023, "audit", values)
    results = api.score(checked, [unit], run_at="2024-01-01T00:00:00+00:00")
    recorded = results.to_dict()["ruleset"]
    assert (recorded["id"], recorded["version"]) == ("dti_2023", checked.ruleset.header.version)
    assert recorded["content_hash"] == checked.ruleset.content_hash
    assert Decimal(results.units[0].total) >= 0


def test_an_amendment_result_records_the_amendment_and_its_own_hash() -> None:
    checked = api.ruleset_for_year(2022, [EXAMPLE])
    assert checked.ruleset.header.version == "2022.1-hypothetical"
    assert checked.ruleset.content_hash not in (api.load("egov_2020").ruleset.content_hash, "")
    assert checked.ruleset.amends == ("egov_2020",)


def test_the_package_exports_year_selection() -> None:
    import cqdt_rules

    assert cqdt_rules.ruleset_for_year(2022).ruleset.id == "egov_2020"
    assert cqdt_rules.ruleset_for_year(2024).ruleset.id == "dti_2023"
    assert [entry.id for entry in cqdt_rules.declared_years()] == ["egov_2020", "dti_2023"]
