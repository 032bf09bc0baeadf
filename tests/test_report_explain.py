"""Every unit's explanation page is built only for the formats that show it (HTML and Markdown): a report for
XLSX or DOCX alone is built without them and writes the same files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import attrs
import pytest

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_many
from cqdt_rules.errors import UsageError
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
