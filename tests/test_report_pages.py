"""A large cohort's HTML report: a tier of more units than ``PAGE_UNITS`` has its explanations on pages of their
own (one per district for communes), linked from the main page, every link landing on its target."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.data.readers import load_many
from cqdt_rules.reports import write_html, write_report
from cqdt_rules.reports.document import Report, build_report

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gialai"
MAIN = "report.html"


@pytest.fixture(scope="module")
def report() -> Report:
    ruleset = api.load("egov_2020")
    current, previous = (api.score(ruleset, load_many([SAMPLE / f"egov-{year}-audit.yaml"]), run_at="fixed")
                         for year in (2022, 2021))
    return build_report(current, previous, lang="en")


def _targets(files: dict[str, str]) -> list[tuple[str, str, str]]:
    """Every link of every page: the page, the file it points to, the anchor (may be empty)."""
    found = []
    for page, text in files.items():
        for href in re.findall(r'href="([^"]*)"', text):
            file, _, target = href.partition("#")
            found.append((page, file or page, target))
    return found


def test_a_small_cohort_stays_one_page(report: Report) -> None:
    assert write_html.render_html_pages(report, MAIN) == {MAIN: write_html.render_html(report)}


def test_a_large_tier_is_explained_on_pages_of_their_own(report: Report) -> None:
    communes = next(t for t in report.tiers if t.id == "xa")
    limit = 10
    assert len(communes.units) > 3 * limit
    files = write_html.render_html_pages(report, MAIN, page_units=limit)
    main, parts = files[MAIN], {name: text for name, text in files.items() if name != MAIN}
    explained = {tier.id: [u.anchor for u in tier.units] for tier in report.tiers}
    split = [t for t in report.tiers if len(t.units) > limit]
    for tier in report.tiers:  # a tier explained on pages of its own is not on the main page, the others are
        on_main = [a for a in explained[tier.id] if f'id="{a}"' in main]
        assert on_main == ([] if tier in split else explained[tier.id])
    for name in parts:
        assert name.startswith("report-giai-trinh-") and f'href="{name}"' in main
    pages = [re.findall(r'<details class="unit" id="([^"]+)"', text) for text in parts.values()]
    assert all(0 < len(units) <= limit for units in pages)
    assert sorted(a for units in pages for a in units) == sorted(a for t in split for a in explained[t.id])
    districts = {u.district for u in communes.units}
    assert len(pages) >= len(districts) > 1  # communes: one page (or more) per district
    for page, file, target in _targets(files):
        assert file in files, (page, file)
        assert not target or f'id="{target}"' in files[file], (page, file, target)
    assert sum(1 for page, file, _ in _targets(files) if page == MAIN and file != MAIN) >= len(communes.units)


def test_write_report_writes_every_page(report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_html, "PAGE_UNITS", 10)
    written = write_report(report, tmp_path, ["html"])
    expected = write_html.render_html_pages(report, written[0].name)
    assert len(expected) > 2
    assert [p.name for p in written] == list(expected)
    assert all(p.read_text(encoding="utf-8") == expected[p.name] for p in written)
