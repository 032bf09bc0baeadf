"""Every unit's explanation page is built only for the formats that show it (HTML and Markdown): a report for
XLSX or DOCX alone is built without them and writes the same files. The pages look each tier's labels and
texts up once, and read exactly as looking them up unit by unit would."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_many
from cqdt_rules.engine.compiler import NodeResult
from cqdt_rules.errors import UsageError
from cqdt_rules.model.units import Pair
from cqdt_rules.reports import document, write_report
from cqdt_rules.reports.document import Report, build_report

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gialai"
CURRENT, PREVIOUS = SAMPLE / "egov-2022-audit.yaml", SAMPLE / "egov-2021-audit.yaml"


@pytest.fixture(scope="module")
def reports() -> tuple[Report, Report]:
    ruleset = api.load("egov_2020")
    current, previous = (api.score(ruleset, load_many([path]), run_at="fixed") for path in (CURRENT, PREVIOUS))
    return build_report(current, previous), build_report(current, previous, explain=False)


def test_a_report_without_explanations_differs_only_by_its_unit_pages(reports: tuple[Report, Report]) -> None:
    full, lean = reports
    assert all(tier.units for tier in full.tiers) and full.explained
    assert all(not tier.units for tier in lean.tiers) and not lean.explained
    stripped = attrs.evolve(full, tiers=tuple(attrs.evolve(t, units=()) for t in full.tiers), explained=False)
    assert stripped == lean


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_xlsx_and_docx_are_the_same_without_explanations(reports: tuple[Report, Report], fmt: str,
                                                         tmp_path: Path) -> None:
    full, lean = reports
    [from_full] = write_report(full, tmp_path / "full", [fmt])
    [from_lean] = write_report(lean, tmp_path / "lean", [fmt])
    with zipfile.ZipFile(from_full) as a, zipfile.ZipFile(from_lean) as b:
        names = [n for n in a.namelist() if n != "docProps/core.xml"]  # core.xml: the time it was written
        assert names == [n for n in b.namelist() if n != "docProps/core.xml"]
        assert all(a.read(name) == b.read(name) for name in names)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_html_and_markdown_refuse_a_report_without_explanations(reports: tuple[Report, Report], fmt: str,
                                                                tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="explanation"):
        write_report(reports[1], tmp_path, [fmt])
    assert not tmp_path.joinpath("report-egov_2020-2022-vi." + fmt).exists()


@pytest.mark.parametrize("formats, explained", [("xlsx", False), ("docx,xlsx", False), ("xlsx,md", True),
                                                ("html", True)])
def test_cqdt_report_builds_unit_pages_only_for_a_format_that_shows_them(formats: str, explained: bool, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    unit_page = document._unit_page

    def counted(change, *args):  # type: ignore[no-untyped-def]
        built.append(change.code)
        return unit_page(change, *args)

    monkeypatch.setattr(document, "_unit_page", counted)
    assert main(["report", "egov_2020", str(CURRENT), "--out", str(tmp_path), "--formats", formats]) == 0
    units = len(load_many([CURRENT]))
    assert len(built) == (units if explained else 0)


# ---------------------------------------------------------------- each tier's texts, looked up once
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_explanation_reads_as_the_unit_by_unit_lookups_would(lang: str) -> None:
    ruleset = api.load("egov_2020")
    current = api.score(ruleset, load_many([CURRENT]), run_at="fixed")
    report = build_report(current, lang=lang)
    units = {(u.tier.id, u.code): u for u in current.units}
    checked = 0
    for tier in report.tiers:
        for page in tier.units:
            unit = units[(tier.id, page.code)]
            for criterion, (node_id, result) in zip(page.criteria, unit.nodes.items(), strict=True):
                assert criterion.id == node_id
                labels = {ind.name: ind.label for ind in unit.tier.indicators}
                assert criterion.read == tuple((labels.get(name, name), document.value_text(unit.tier, name, value, lang))
                                               for name, value in result.inputs)
                named = document._category_labels(unit.tier, result.inputs, result.branch)
                assert criterion.why == document.why_text(named, lang)
                checked += 1
    assert checked > 1000


def test_equal_numbers_written_differently_keep_their_own_digits() -> None:
    tier = api.load_ruleset("egov_2020").tier("xa")
    explainer = document._Explainer(tier, "vi")
    name = next(ind.name for ind in tier.indicators if ind.kind not in ("yesno", "category", "pair"))
    assert [explainer.value(name, v) for v in (Decimal("1.0"), Decimal("1"), Decimal("1.0"))] == ["1,0", "1", "1,0"]
    assert [explainer.value(name, v) for v in (True, 1)] == ["có", "1"]
    pairs = [Pair(Decimal("1.0"), Decimal("2")), Pair(Decimal("1"), Decimal("2"))]
    assert [explainer.value(name, p) for p in pairs] == ["1,0/2", "1/2"]


def test_criteria_reading_the_same_are_one_object_and_keep_the_digits_they_were_written_with() -> None:
    tier = api.load_ruleset("egov_2020").tier("xa")
    explainer = document._Explainer(tier, "vi")
    indicator = next(ind for ind in tier.indicators if ind.kind not in ("yesno", "category", "pair"))
    node = tier.node(indicator.node_id)

    def criterion(value: object, points: str, change: Decimal | None = None) -> document.Criterion:
        result = NodeResult(node.id, Decimal(points), node.max, ("{} × {}", value, Decimal(1)), (), None,
                            (indicator.name,), {indicator.name: value})
        return explainer.criterion(result, change)

    first = criterion(Decimal("1"), "1")
    assert criterion(Decimal("1"), "1") is first  # a cohort's units share the rows that read the same
    written_apart = [criterion(Decimal("1.0"), "1"), criterion(Decimal("1"), "1.0"), criterion(True, "1"),
                     criterion(Decimal("1"), "1", Decimal("0")), criterion(Decimal("1"), "1", Decimal("0.0"))]
    assert len({id(c) for c in [first, *written_apart]}) == 6
    assert [c.read[0][1] for c in (first, written_apart[0], written_apart[2])] == ["1", "1,0", "có"]
    assert (first.why, written_apart[0].why) == ("1 × 1", "1,0 × 1")
    assert [str(c.points) for c in (first, written_apart[1])] == ["1", "1.0"]
