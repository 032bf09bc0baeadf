"""A large cohort's report (HTML and Markdown): a tier of more units than ``PAGE_UNITS`` has its explanations on
pages of their own (one per district for communes), linked from the main page, every link landing on its target."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.data.readers import load_many
from cqdt_rules.reports import document, write_html, write_markdown, write_report
from cqdt_rules.reports.document import Report, build_report

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gialai"
CHARTS = "charts"
LINK = {"html": r'href="([^"]*)"', "md": r"\]\(([^)\s]*)\)"}
UNIT = {"html": r'<details class="unit" id="([^"]+)"', "md": r'<a id="(u-[^"]+)"></a>\n\n####'}


@pytest.fixture(scope="module")
def report() -> Report:
    ruleset = api.load("egov_2020")
    current, previous = (api.score(ruleset, load_many([SAMPLE / f"egov-{year}-audit.yaml"]), run_at="fixed")
                         for year in (2022, 2021))
    return build_report(current, previous, lang="en")


def _pages(report: Report, fmt: str, page_units: int | None = None) -> dict[str, str]:
    return dict(_page_stream(report, fmt, page_units))


def _links(files: dict[str, str], fmt: str) -> list[tuple[str, str, str]]:
    """Every link of every page between the pages: the page, the file it points to, the anchor (may be empty)."""
    found = []
    for page, text in files.items():
        for href in re.findall(LINK[fmt], text):
            file, _, target = href.partition("#")
            if not file.startswith(CHARTS + "/"):
                found.append((page, file or page, target))
    return found


def test_a_small_cohort_stays_one_page(report: Report) -> None:
    assert list(write_html.render_html_pages(report, "report.html")) == [("report.html", write_html.render_html(report))]
    text, charts = write_markdown.render_markdown(report, CHARTS)
    pages, found = write_markdown.render_markdown_pages(report, "report.md", CHARTS)
    assert (list(pages), found) == ([("report.md", text)], charts)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_large_tier_is_explained_on_pages_of_their_own(report: Report, fmt: str) -> None:
    communes = next(t for t in report.tiers if t.id == "xa")
    limit = 10
    assert len(communes.units) > 3 * limit
    files = _pages(report, fmt, limit)
    name = f"report.{fmt}"
    main, parts = files[name], {n: text for n, text in files.items() if n != name}
    explained = {tier.id: [u.anchor for u in tier.units] for tier in report.tiers}
    split = [t for t in report.tiers if len(t.units) > limit]
    on_main = set(re.findall(UNIT[fmt], main))
    for tier in report.tiers:  # a tier explained on pages of its own is not on the main page, the others are
        assert [a for a in explained[tier.id] if a in on_main] == ([] if tier in split else explained[tier.id])
    for part in parts:
        assert part.startswith("report-giai-trinh-") and part.endswith("." + fmt)
        assert re.search(LINK[fmt].replace("([^", f"({re.escape(part)}[^"), main)  # listed on the main page
    pages = [re.findall(UNIT[fmt], text) for text in parts.values()]
    assert all(0 < len(units) <= limit for units in pages)
    assert sorted(a for units in pages for a in units) == sorted(a for t in split for a in explained[t.id])
    assert len(pages) >= len({u.district for u in communes.units}) > 1  # communes: a page (or more) per district
    links = _links(files, fmt)
    for page, file, target in links:
        assert file in files, (page, file)
        assert not target or f'id="{target}"' in files[file], (page, file, target)
    assert sum(1 for page, file, _ in links if page == name and file != name) >= len(communes.units)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_pages_are_made_one_at_a_time(report: Report, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A national cohort's explanation pages come to a gigabyte: each is made when the writer asks for it."""
    module: Any = write_html if fmt == "html" else write_markdown
    made: list[str] = []
    real = module._explanation_page
    monkeypatch.setattr(module, "_explanation_page", lambda *a, **k: made.append(a[2]) or real(*a, **k))
    pages = iter(_page_stream(report, fmt, 10))
    assert next(pages)[0] == f"report.{fmt}" and made == []
    second, _ = next(pages)
    assert len(made) == 1 and second.startswith("report-giai-trinh-")


def _page_stream(report: Report, fmt: str, page_units: int | None) -> Iterable[tuple[str, str]]:
    if fmt == "html":
        return write_html.render_html_pages(report, "report.html", page_units)
    return write_markdown.render_markdown_pages(report, "report.md", CHARTS, page_units)[0]


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_write_report_writes_every_page(report: Report, fmt: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "PAGE_UNITS", 10)
    written = [p for p in write_report(report, tmp_path, [fmt]) if p.suffix != ".svg"]
    main = written[0]
    expected = dict(write_html.render_html_pages(report, main.name) if fmt == "html"
                    else write_markdown.render_markdown_pages(report, main.name, main.stem + "-charts")[0])
    assert len(expected) > 2
    assert [p.name for p in written] == list(expected)
    assert all(p.read_text(encoding="utf-8") == expected[p.name] for p in written)
