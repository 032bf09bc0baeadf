"""The yearly report and the year-over-year comparison: one model from results and compare(), rendered to
HTML, Markdown, XLSX and DOCX; `cqdt report` and `cqdt compare` on small fixtures and the bundled sample."""

from __future__ import annotations

import os
import random
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml

from cqdt_rules import api
from cqdt_rules.analysis.compare import compare
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_many
from cqdt_rules.errors import UsageError
from cqdt_rules.reports import write_report
from cqdt_rules.reports.document import (
    build_report,
    data_label,
    is_synthetic_label,
    why_text,
)
from cqdt_rules.reports.write_html import render_html
from cqdt_rules.reports.write_markdown import render_markdown

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(os.environ.get("CQDT_SAMPLE_DIR") or ROOT / "examples" / "gialai")  # override: a regenerated sample

# ---------------------------------------------------------------- small fixtures of our own
# Real codes and names (dvhcvn), a handful per tier; one department name full of markup to check escaping.
SO_UNITS = [("SO01", "Văn phòng UBND tỉnh"), ("SO02", "Sở Tài chính"), ("SO03", "Sở Kế hoạch và Đầu tư"),
            ("SO04", "Sở Giáo dục và Đào tạo"), ("SO05", 'Sở <Thử> & "Kiểm" tra'), ("SO06", "Sở Tài nguyên và Môi trường")]
HUYEN_UNITS = [("622", "Thành phố Pleiku"), ("623", "Thị xã An Khê"), ("625", "Huyện KBang")]
XA_UNITS = [("23557", "Phường Yên Đỗ", "622"), ("23560", "Phường Diên Hồng", "622"), ("23563", "Phường Ia Kring", "622"),
            ("23566", "Phường Hội Thương", "622"), ("23614", "Phường An Bình", "623"), ("23617", "Phường Tây Sơn", "623"),
            ("23620", "Phường An Phú", "623"), ("23638", "Thị trấn KBang", "625"), ("23641", "Xã Đăk Roong", "625")]
ONLY_2022 = "SO06"  # a unit assessed this year only
ONLY_2021 = "SO04"  # a unit assessed last year only
COMMENT = "# SYNTHETIC test data: dữ liệu giả lập cho kiểm thử, không phải số liệu thật.\n"


def _value(ind, quality: float, rng: random.Random):  # type: ignore[no-untyped-def]
    if ind.kind == "yesno":
        return rng.random() < quality
    if ind.kind == "category":
        return ind.categories[0 if rng.random() < quality else -1].name
    if ind.kind == "pair":
        b = rng.randint(10, 60)
        return [max(0, min(b, int(b * (quality + rng.uniform(-0.2, 0.2))))), b]
    low, high = (float(ind.range[0]), float(ind.range[1])) if ind.range else (0.0, 100.0)
    if ind.kind == "count":
        return int(round(low + (high - low) * quality)) if ind.range else rng.randint(0, 6)
    value = round(low + (high - low) * quality * rng.uniform(0.85, 1.0), 2)
    return min(value, 100.0) if ind.kind == "percent" else value


def make_data(path: Path, ruleset_id: str, year: int, seed: int, *, skip: str | None = None) -> Path:
    """A YAML file of plausible random values for the fixture units, drawn from the ruleset's declarations."""
    ruleset = api.load_ruleset(ruleset_id)
    rng = random.Random(seed)
    units = []
    rows = {"so": [(c, n, None) for c, n in SO_UNITS], "huyen": [(c, n, None) for c, n in HUYEN_UNITS], "xa": XA_UNITS}
    for tier in ruleset.tiers:
        for code, name, parent in rows[tier.id]:
            if code == skip:
                continue
            quality = rng.uniform(0.45, 1.0)
            values = {ind.name: _value(ind, quality, rng) for ind in tier.indicators}
            evidence = {ind.name: [f"VB-{code}-{ind.name}"] for ind in tier.indicators if ind.evidence}
            unit = {"code": code, "name": name, "tier": tier.id, "values": values, "evidence": evidence}
            if parent:
                unit["parent"] = parent
            units.append(unit)
    text = yaml.safe_dump({"year": year, "source": "audit", "units": units}, allow_unicode=True, sort_keys=False)
    path.write_text(COMMENT + text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("report-data")
    return {
        "2021": make_data(folder / "egov-2021.yaml", "egov_2020", 2021, 21, skip=ONLY_2022),
        "2022": make_data(folder / "egov-2022.yaml", "egov_2020", 2022, 22, skip=ONLY_2021),
        "2023": make_data(folder / "dti-2023.yaml", "dti_2023", 2023, 23),
    }


def score(ruleset_id: str, *paths: Path):  # type: ignore[no-untyped-def]
    return api.score(api.load(ruleset_id), load_many(list(paths)))


@pytest.fixture(scope="module")
def results(files: dict[str, Path]):  # type: ignore[no-untyped-def]
    return score("egov_2020", files["2022"]), score("egov_2020", files["2021"])


@pytest.fixture(scope="module")
def report(results):  # type: ignore[no-untyped-def]
    current, previous = results
    return build_report(current, previous, note="SYNTHETIC test data")


@pytest.fixture(scope="module")
def html(report) -> str:  # type: ignore[no-untyped-def]
    return render_html(report)


def _level_counts(results, tier: str) -> Counter:  # type: ignore[no-untyped-def]
    """Counted here from the results, independently of the report and of compare()."""
    return Counter(u.level.label for u in results.tier_units(tier))


# ---------------------------------------------------------------- the model
def test_counts_per_level_are_those_of_the_results(results, report) -> None:  # type: ignore[no-untyped-def]
    current, previous = results
    for tier in report.tiers:
        now, then = _level_counts(current, tier.id), _level_counts(previous, tier.id)
        assert {row.label: row.count for row in tier.levels if row.count} == dict(now)
        assert {row.label: row.previous for row in tier.levels if row.previous} == dict(then)
        assert all(row.change == row.count - row.previous for row in tier.levels)
        assert tier.assessed == len(current.tier_units(tier.id))


def test_a_tier_without_units_this_year_is_said_to_be_missing(results) -> None:  # type: ignore[no-untyped-def]
    import attrs

    current, previous = results
    without = attrs.evolve(current, units=tuple(u for u in current.units if u.tier.id != "huyen"))
    found = build_report(without, previous)
    missing = "UBND huyện, thị xã, thành phố: không có đơn vị nào được đánh giá năm 2022 (năm 2021: 3)."
    assert missing in found.front[0].blocks[0].paragraphs
    assert missing in render_markdown(found, "charts")[0]
    assert "huyen" not in {tier.id for tier in found.tiers}
    assert "không có đơn vị nào được đánh giá" not in "".join(build_report(current, previous).front[0].blocks[0].paragraphs)


def test_year_over_year_figures_come_from_compare(results, report) -> None:  # type: ignore[no-untyped-def]
    current, previous = results
    for comparison, tier in zip(compare(current, previous, source="audit"), report.tiers):
        assert [(c.label, c.count, c.previous) for c in comparison.counts] == \
               [(row.label, row.count, row.previous) for row in tier.levels]
        risers, fallers = comparison.movers(5)
        assert [m.code for m in tier.risers] == [u.code for u in risers]
        assert [m.code for m in tier.fallers] == [u.code for u in fallers]
        for mover, change in zip(tier.risers + tier.fallers, risers + fallers):
            assert mover.rank_change == change.rank_change
            gains = [(cid, delta) for cid, delta in change.node_changes() if (delta > 0) == (change.rank_change > 0)]
            assert [(cid, delta) for cid, _, delta in mover.criteria] == gains[:3]


def test_change_sentence_reads_like_the_report(report) -> None:  # type: ignore[no-untyped-def]
    rises = 0
    for tier in report.tiers:
        for row in tier.levels:
            if row.change and row.change > 0:
                assert f"tăng {row.change:02d} đơn vị so với năm 2021" in tier.paragraph
                rises += 1
    assert rises


def test_units_of_one_year_only_are_listed_with_their_status(report) -> None:  # type: ignore[no-untyped-def]
    so = next(t for t in report.tiers if t.id == "so")
    rows = {row.code: row for group in so.groups for row in group.rows}
    assert rows[ONLY_2022].status == "chỉ có năm nay" and rows[ONLY_2022].previous_rank is None
    assert ONLY_2021 not in rows  # not in this year's ranking ...
    assert any(ONLY_2021 in s or "Sở Giáo dục" in s for s in so.movement)  # ... but named in the text


def test_communes_are_grouped_by_district_named_from_district_results(report) -> None:  # type: ignore[no-untyped-def]
    xa = next(t for t in report.tiers if t.id == "xa")
    assert xa.within_district
    assert [g.title for g in xa.groups] == ["Thành phố Pleiku (622)", "Thị xã An Khê (623)", "Huyện KBang (625)"]
    for group in xa.groups:
        assert [row.rank for row in group.rows] == sorted(row.rank for row in group.rows)
        assert all(row.of == len(group.rows) for row in group.rows)


def test_unit_explanation_has_every_node_with_inputs(results, report) -> None:  # type: ignore[no-untyped-def]
    current, _ = results
    so = next(t for t in report.tiers if t.id == "so")
    page = next(u for u in so.units if u.code == "SO01")
    unit = current.unit("SO01")
    assert [c.id for c in page.criteria] == list(unit.nodes)
    leaf = next(c for c in page.criteria if c.id == "A1.1")
    assert leaf.read and "/" in leaf.read[0][1]


def test_why_text_is_translated_and_uses_a_decimal_comma() -> None:
    assert why_text("yes → full points", "vi") == "có → đủ điểm"
    assert why_text("43/49 × 2", "vi") == "43/49 × 2"
    assert why_text("assessed score 7.5", "vi") == "điểm thẩm định 7,5"
    assert why_text("missing evidence (x: QĐ 2392) → 0, as the ruleset declares", "vi") == \
        "thiếu tài liệu kiểm chứng (x: QĐ 2392) → 0, theo quy định của bộ tiêu chí"
    assert why_text("assessed score 7.5", "en") == "assessed score 7.5"


def test_synthetic_label_is_read_from_the_data_files(files: dict[str, Path]) -> None:
    label = data_label([files["2022"]])
    assert label is not None and label.startswith("SYNTHETIC test data")
    assert is_synthetic_label("Dữ liệu giả lập") and not is_synthetic_label("Kết quả thẩm định năm 2022")


def test_english_report_uses_english_numbers(results) -> None:  # type: ignore[no-untyped-def]
    current, previous = results
    report = build_report(current, previous, lang="en")
    total = current.unit("SO01").total
    page = render_html(report)
    assert '<html lang="en">' in page
    assert f">{total:,.3f}<" in page  # 129.934 in English, grouped with commas
    assert "units at" in page or "no unit at" in page


def test_a_report_without_previous_year_compares_nothing(results) -> None:  # type: ignore[no-untyped-def]
    current, _ = results
    report = build_report(current, None)
    assert report.previous_year is None and all(not t.compared_levels for t in report.tiers)
    page = render_html(report)
    assert "Không có số liệu năm trước" in page and 'id="thay-doi"' not in page


def test_across_rulesets_ranks_are_compared_but_not_levels(files: dict[str, Path], results) -> None:  # type: ignore[no-untyped-def]
    current = score("dti_2023", files["2023"])
    report = build_report(current, results[0])
    assert not report.same_ruleset and report.previous_year == 2022
    for tier in report.tiers:
        assert not tier.compared_levels
        assert all(not m.criteria and m.total_change is None for m in tier.risers + tier.fallers)
    page = render_html(report)
    assert "chấm theo bộ tiêu chí khác (egov_2020)" in page
    assert "Chỉ số DTI" in page


# ---------------------------------------------------------------- HTML
def test_html_is_self_contained(html: str) -> None:
    without_namespace = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in without_namespace and "https://" not in without_namespace
    assert "<script" not in html and "<link" not in html and "@import" not in html and "url(" not in html
    assert not re.search(r'\s(src|href)="(?!#)', html), "every link stays inside the page"


def test_html_has_vietnamese_lang_toc_sections_and_charts(report, html: str) -> None:  # type: ignore[no-untyped-def]
    assert html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in html and '<meta charset="utf-8">' in html
    assert '<nav class="toc"' in html
    for anchor in ("danh-gia-chung", "thay-doi", "xep-hang", "giai-trinh", "khoi-so", "xep-hang-xa", "giai-trinh-huyen"):
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html
    assert html.count('class="chart chart-levels"') == 3 and html.count('class="chart chart-ranks"') == 3
    for tier in report.tiers:
        assert escape_text(tier.paragraph) in html
    assert html.count('<details class="unit"') == sum(len(t.units) for t in report.tiers)
    for tier in report.tiers:
        for group in tier.groups:
            for row in group.rows:
                assert f'href="#{row.anchor}"' in html and f'id="{row.anchor}"' in html


def escape_text(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def test_html_escapes_every_text(html: str) -> None:
    assert "Sở &lt;Thử&gt; &amp; &quot;Kiểm&quot; tra" in html
    assert "<Thử>" not in html


def test_html_numbers_use_vietnamese_format(results, html: str) -> None:  # type: ignore[no-untyped-def]
    current, _ = results
    total = current.unit("SO01").total
    shown = f"{total:,.3f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert f">{shown}<" in html
    assert re.search(r">\d+,\d\d%<", html), "shares with a decimal comma"


def test_html_labels_synthetic_data(html: str) -> None:
    assert 'class="banner synthetic"' in html and "SYNTHETIC test data" in html


def test_html_names_a_reconstructed_ruleset(html: str) -> None:
    assert "bản tái dựng" in html
    assert "tình trạng tái dựng)" in html and "tình trạng reconstructed" not in html


# ---------------------------------------------------------------- Markdown, XLSX, DOCX and the extras
def test_markdown_has_the_same_text_and_chart_files(report) -> None:  # type: ignore[no-untyped-def]
    text, charts = render_markdown(report, "charts")
    assert text.startswith("> **DỮ LIỆU GIẢ LẬP (SYNTHETIC): SYNTHETIC test data")  # the label in the report's language first
    assert "## IV. Đánh giá chung" in text and "#### Thành phố Pleiku (622)" in text
    assert "## III. Những tồn tại, hạn chế" in text and "## V. Kiến nghị và đề xuất" in text
    assert set(charts) == {"levels-so.svg", "levels-huyen.svg", "levels-xa.svg", "ranks-so.svg", "ranks-huyen.svg",
                           "ranks-xa.svg"}
    assert all(svg.startswith("<svg xmlns=") for svg in charts.values())
    assert "](charts/levels-so.svg)" in text
    assert "Sở <Thử>" not in text and r"Sở \<Thử\>" in text


def test_every_format_names_the_stage_reported_in_words(report, html: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The XLSX said 'Nguồn số liệu: audit' where the HTML and Markdown name the stage in words."""
    import openpyxl

    named = "Nguồn số liệu: kết quả thẩm định của Đoàn kiểm tra (audit)"
    [workbook] = write_report(report, tmp_path, ["xlsx"])
    cells = [str(c) for sheet in openpyxl.load_workbook(workbook).worksheets for row in sheet.iter_rows(values_only=True)
             for c in row if c]
    assert any(c.endswith(named) for c in cells) and not any(c.endswith("Nguồn số liệu: audit") for c in cells)
    assert f"- {named}" in render_markdown(report, "charts")[0]
    assert "Nguồn số liệu:</dt><dd>kết quả thẩm định của Đoàn kiểm tra (audit)</dd>" in html


def test_xlsx_holds_the_rankings_as_numbers(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl
    [path] = write_report(report, tmp_path, ["xlsx"])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Sở, ban, ngành", "UBND huyện, thị xã, thành phố", "UBND xã, phường, thị trấn"]
    sheet = book["UBND xã, phường, thị trấn"]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Huyện (mã)")
    header = [c.value for c in sheet[header_row]]
    assert header[:6] == ["Huyện (mã)", "Huyện", "Hạng", "Mã", "Đơn vị", "Tổng điểm"]
    first = [c.value for c in sheet[header_row + 1]]
    assert first[0] == "622" and first[1] == "Thành phố Pleiku" and isinstance(first[5], float)
    assert sheet.cell(header_row + 1, 6).number_format == "0.000"
    assert "SYNTHETIC" in book["Tổng hợp"].cell(1, 1).value


def test_docx_draft_follows_the_seed_layout(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import docx
    [path] = write_report(report, tmp_path, ["docx"])
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "Độc lập - Tự do - Hạnh phúc" in cells
    assert "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ" in cells and "TM. BAN CHỈ ĐẠO" in cells
    for heading in ("BÁO CÁO", "I. CÔNG TÁC TỔ CHỨC, TRIỂN KHAI", "IV. ĐÁNH GIÁ CHUNG", "V. KIẾN NGHỊ VÀ ĐỀ XUẤT", "PHỤ LỤC"):
        assert heading in text
    so = next(t for t in report.tiers if t.id == "so")
    assert so.paragraph.split(": ", 1)[1] in text
    assert "SYNTHETIC" in document.sections[0].header.paragraphs[0].text
    with zipfile.ZipFile(path) as archive:
        assert "Times New Roman" in archive.read("word/styles.xml").decode("utf-8")
        images = [name for name in archive.namelist() if name.startswith("word/media/")]
    # Word's navigation pane lists paragraphs in heading styles: I., 1., 1.1.
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "IV. ĐÁNH GIÁ CHUNG") in headings and ("Heading 1", "III. NHỮNG TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN") in headings
    assert ("Heading 2", "1. Kết quả đánh giá theo mức độ") in headings
    assert ("Heading 3", "1.1. Sở, ban, ngành") in headings
    assert [name for name, _ in headings].count("Heading 1") == 6  # I, II, III, IV, V and the appendix
    assert all(document.styles[f"Heading {n}"].font.name == "Times New Roman" for n in (1, 2, 3))
    # one level chart per tier and one rank chart per tier with movement, embedded as PNG
    assert len(document.inline_shapes) == len(images) == 3 + sum(1 for t in report.tiers if t.moves)
    with zipfile.ZipFile(path) as archive:
        assert all(archive.read(name)[:8] == b"\x89PNG\r\n\x1a\n" for name in images)
    assert "[Cơ quan thường trực bổ sung nội dung phần này.]" not in text
    assert "các tiêu chí mất nhiều điểm nhất là" in text and "tập trung khắc phục" in text


@pytest.mark.parametrize("fmt, module, extra", [("xlsx", "openpyxl", "xlsx"), ("docx", "docx", "docx")])
def test_a_missing_extra_is_named(report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                  fmt: str, module: str, extra: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(UsageError, match=rf"needs the '{extra}' extra: pip install 'cqdt-rules\[{extra}\]'"):
        write_report(report, tmp_path, [fmt])


def test_core_report_modules_do_not_import_the_extras() -> None:
    import subprocess

    code = ("import sys; sys.modules['openpyxl'] = None; sys.modules['docx'] = None; "
            "import cqdt_rules.reports.document, cqdt_rules.reports.write_html, cqdt_rules.reports.write_markdown, "
            "cqdt_rules.reports.write_xlsx, cqdt_rules.reports.write_docx, cqdt_rules.cli.commands; "
            "assert {'report', 'compare'} <= {c.name for c in cqdt_rules.cli.commands.all_commands()}")
    done = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(ROOT / "src")}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------- the commands
def test_cqdt_report_writes_every_format(files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["report", "egov_2020", str(files["2022"]), "--previous", str(files["2021"]), "--out", str(tmp_path),
                 "--formats", "html,md,xlsx,docx"])
    assert code == 0
    out = capsys.readouterr()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["rankings-egov_2020-2022-vi.xlsx", "report-egov_2020-2022-vi-charts", "report-egov_2020-2022-vi.docx",
                     "report-egov_2020-2022-vi.html", "report-egov_2020-2022-vi.md"]
    assert "report-egov_2020-2022-vi.html" in out.out and "và 6 biểu đồ của năm 2022 so với năm 2021" in out.err
    page = (tmp_path / "report-egov_2020-2022-vi.html").read_text(encoding="utf-8")
    assert "SYNTHETIC test data: dữ liệu giả lập" in page  # the data file's own label


def test_cqdt_report_note_option_and_english(files: dict[str, Path], tmp_path: Path) -> None:
    assert main(["report", "egov_2020", str(files["2022"]), "--out", str(tmp_path), "--lang", "en",
                 "--note", "Draft for review", "--title", "E-government 2022"]) == 0
    page = (tmp_path / "report-egov_2020-2022-en.html").read_text(encoding="utf-8")
    assert 'class="banner plain"' in page and "Draft for review" in page and "<h1>E-government 2022</h1>" in page


def test_cqdt_report_rejects_an_unknown_format(files: dict[str, Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "egov_2020", str(files["2022"]), "--out", str(tmp_path), "--formats", "html,pdf", "--lang", "en"]) == 2
    assert "unknown format 'pdf'" in capsys.readouterr().err


@pytest.mark.parametrize("formats", ["", " ", ", ,"])
def test_cqdt_report_without_a_format_says_so_in_the_runs_language(formats: str, files: dict[str, Path], tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "egov_2020", str(files["2022"]), "--out", str(tmp_path), "--formats", formats]) == 2
    assert "chưa chọn định dạng báo cáo nào: dùng html, md, xlsx, docx" in capsys.readouterr().err


def test_cqdt_report_writes_a_format_named_twice_once(files: dict[str, Path], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "egov_2020", str(files["2022"]), "--out", str(tmp_path), "--formats", "HTML,html"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [str(tmp_path / "report-egov_2020-2022-vi.html")]
    assert "đã ghi 1 tệp báo cáo" in captured.err


def test_cqdt_compare_prints_changes_and_the_criteria_that_moved_them(files: dict[str, Path], results,  # type: ignore[no-untyped-def]
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    current, previous = results
    assert main(["compare", "egov_2020", str(files["2022"]), "--previous", str(files["2021"]), "--tier", "so"]) == 0
    out = capsys.readouterr().out
    so = next(c for c in compare(current, previous, source="audit") if c.tier == "so")
    change = so.units[0]
    assert "Sở, ban, ngành — 2022 so với 2021, kết quả thẩm định của Đoàn kiểm tra (audit); xếp hạng" in out
    for c in so.units:
        if c.status == "both":
            assert f"{c.previous.rank()} → {c.current.rank()}" in out
            moved = [(n, d) for n, d in c.node_changes() if (d > 0) == ((c.rank_change or c.total_change) > 0)][:1]
            if moved and (c.rank_change or c.total_change):
                node_id, delta = moved[0]
                assert f"{node_id} {'+' if delta > 0 else ''}{str(delta).replace('.', ',')}" in out
    assert "chỉ có năm nay" in out and "chỉ có năm 2021" in out
    assert change.code in out


def test_cqdt_compare_one_unit_lists_every_criterion(files: dict[str, Path], results,  # type: ignore[no-untyped-def]
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    current, previous = results
    assert main(["compare", "egov_2020", str(files["2022"]), "--previous", str(files["2021"]), "--unit", "SO01"]) == 0
    out = capsys.readouterr().out
    change = next(c for c in compare(current, previous, source="audit")[0].units if c.code == "SO01")
    for node_id, _ in change.node_changes():
        assert re.search(rf"^{re.escape(node_id)}\s", out, re.M)


def test_cqdt_compare_csv_uses_plain_decimals(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "egov_2020", str(files["2022"]), "--previous", str(files["2021"]), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("tier,code,name,status,level_2021,level_2022,rank_2021,rank_2022,rank_change")
    assert re.search(r",\d+\.\d{3},", lines[1])


def test_cqdt_compare_one_unit_as_csv_lists_every_criterion_in_the_runs_language(  # type: ignore[no-untyped-def]
        files: dict[str, Path], results, capsys: pytest.CaptureFixture[str]) -> None:
    """--unit with --format csv writes CSV (it printed the English text table), titles in the run's language."""
    current, previous = results
    assert main(["compare", "egov_2020", str(files["2022"]), "--previous", str(files["2021"]), "--unit", "SO01",
                 "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    change = next(c for c in compare(current, previous, source="audit")[0].units if c.code == "SO01")
    node_id, delta = change.node_changes()[0]
    title = current.ruleset.tier("so").node(node_id).title
    assert lines[0] == "tier,code,name,criterion,title,points_2021,points_2022,points_change"
    assert lines[1] == (f"so,SO01,Văn phòng UBND tỉnh,{node_id},{title},{change.previous.nodes[node_id].points},"
                        f"{change.current.nodes[node_id].points},{delta}")
    assert len(lines) == 1 + len(change.node_changes())


@pytest.mark.parametrize("unit, refusal", [
    (ONLY_2022, f"cqdt: lỗi: đơn vị '{ONLY_2022}' chỉ có kết quả năm 2022: không so sánh được tiêu chí nào; bỏ --format csv"),
    ("SO01", "cqdt: lỗi: năm 2022 chấm theo bộ tiêu chí khác (egov_2020): không so sánh được tiêu chí nào của đơn vị "
             "'SO01'; bỏ --format csv")])
def test_cqdt_compare_one_unit_as_csv_refuses_what_has_no_criteria_to_compare(
        unit: str, refusal: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    current, ruleset, previous = ((files["2022"], "egov_2020", files["2021"]) if unit == ONLY_2022
                                  else (files["2023"], "dti_2023", files["2022"]))
    assert main(["compare", ruleset, str(current), "--previous", str(previous), "--previous-ruleset", "egov_2020",
                 "--unit", unit, "--format", "csv"]) == 2
    assert capsys.readouterr().err.startswith(refusal)


def test_cqdt_compare_needs_previous(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["compare", "egov_2020", str(files["2022"])])
    assert exc.value.code == 2


# ---------------------------------------------------------------- the bundled sample
def sample(name: str) -> Path:
    path = SAMPLE / name
    if not path.is_file():
        pytest.fail(f"the bundled sample {path} is missing: run python examples/gialai/generate.py")
    return path


def test_sample_report_in_one_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """From the bundled sample, one command writes the HTML report, labelled synthetic, with the published figures."""
    code = main(["report", "egov_2020", str(sample("egov-2022-audit.yaml")), "--previous",
                 str(sample("egov-2021-audit.yaml")), "--out", str(tmp_path), "--formats", "html"])
    assert code == 0
    page = (tmp_path / "report-egov_2020-2022-vi.html").read_text(encoding="utf-8")
    assert 'class="banner synthetic"' in page and "SYNTHETIC" in page
    # the 2022 report, section IV: "Có 16 đơn vị đạt Mức I (chiếm tỷ lệ 80% ...; tăng 04 đơn vị so với năm 2021)"
    assert "16 đơn vị đạt Mức I (chiếm tỷ lệ 80,00%; tăng 04 đơn vị so với năm 2021)" in page
    assert "02 đơn vị đạt Mức II (chiếm tỷ lệ 10,00%; giảm 02 đơn vị so với năm 2021)" in page
    assert "118,348" in page and "154,603" in page  # Sở TT&TT and TP. Pleiku, as published
    assert page.count('<details class="unit"') == 257


@pytest.mark.parametrize("lang, capped", [("vi", "vượt tối đa"), ("en", "capped")])
def test_a_criterions_flags_are_shown_in_the_reports_language(lang: str, capped: str) -> None:
    """B2.5 of the sample's 2022 audit is capped for some departments: the flag reads in the report's language."""
    report = build_report(score("egov_2020", sample("egov-2022-audit.yaml")), None, lang=lang)
    markdown, _ = render_markdown(report, "charts")
    html = render_html(report)
    assert re.search(rf";B2\.5 [^|]* \({capped}\) \|", markdown)
    assert f'<span class="flag">{capped}</span>' in html
    if lang == "vi":
        assert "(capped)" not in markdown and ">capped<" not in html


def test_sample_year_over_year_matches_the_results_files() -> None:
    current = score("egov_2020", sample("egov-2022-audit.yaml"))
    previous = score("egov_2020", sample("egov-2021-audit.yaml"))
    report = build_report(current, previous)
    for tier in report.tiers:
        now, then = _level_counts(current, tier.id), _level_counts(previous, tier.id)
        for row in tier.levels:
            assert (row.count, row.previous, row.change) == (now[row.label], then[row.label],
                                                             now[row.label] - then[row.label])
        ranks_now = {u.code: u.rank() for u in current.tier_units(tier.id)}
        ranks_then = {u.code: u.rank() for u in previous.tier_units(tier.id)}
        for mover in tier.risers + tier.fallers:
            assert (mover.previous_rank, mover.rank) == (ranks_then[mover.code], ranks_now[mover.code])
    so = {t.id: t for t in report.tiers}["so"]
    assert [(r.label, r.count, r.previous) for r in so.levels][:3] == [("Mức I", 16, 12), ("Mức II", 2, 4), ("Mức III", 2, 4)]
    assert {m.name for m in so.risers[:2]} == {"Sở Ngoại vụ", "Sở Công Thương"}
    assert so.fallers[0].name == "Sở Tài nguyên và Môi trường"


@pytest.mark.slow
def test_sample_transition_year_2023_dti_against_2022(tmp_path: Path) -> None:
    assert main(["report", "dti_2023", str(sample("dti-2023-audit.yaml")), "--previous", str(sample("egov-2022-audit.yaml")),
                 "--previous-ruleset", "egov_2020", "--out", str(tmp_path), "--formats", "html,md"]) == 0
    page = (tmp_path / "report-dti_2023-2023-vi.html").read_text(encoding="utf-8")
    assert "Năm 2022 chấm theo bộ tiêu chí khác (egov_2020)" in page
    assert 'class="chart chart-ranks"' in page


def test_sections_one_to_five_are_drafted_from_the_data(report) -> None:  # type: ignore[no-untyped-def]
    from cqdt_rules.reports.write_html import render_html

    page = render_html(report)
    for anchor, title in (("to-chuc", "I. Công tác tổ chức, triển khai"), ("ton-tai", "III. Những tồn tại, hạn chế"),
                          ("danh-gia-chung", "IV. Đánh giá chung"), ("kien-nghi", "V. Kiến nghị và đề xuất")):
        assert f'<section id="{anchor}"><h2>{title}</h2>' in page
        assert f'<a href="#{anchor}">' in page  # listed in the table of contents
    assert page.index('id="ton-tai"') < page.index('id="danh-gia-chung"') < page.index('id="kien-nghi"')
    assert "các tiêu chí mất nhiều điểm nhất là" in page
    total = sum(t.assessed for t in report.tiers)
    assert f"Tổng số đơn vị được đánh giá, xếp hạng năm {report.year}: {total} đơn vị" in page
    changes = next(t for t in report.tiers if t.attribution)
    assert any("tăng điểm chủ yếu ở" in s or "mất điểm chủ yếu ở" in s for s in changes.attribution)


def test_docx_table_rows_written_directly_are_what_python_docx_writes() -> None:
    """Large DOCX tables skip python-docx's cell-by-cell building (write_docx._append_rows): the rows must be
    the same XML, in the same order, with a row holding a line break still going through python-docx."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from cqdt_rules.reports import write_docx

    rows = [["1", "Xã <A> & \"B\"", " 92,5 "], ["2", "", "x"], ["3", "line\nbreak", "7"], ["4", "Phường D", "1.000,25"]]
    direct = docx.Document()
    write_docx._table(direct, ["Hạng", "Đơn vị", "Điểm"], rows, {0, 2}, Pt)
    by_cell = docx.Document()
    table = by_cell.add_table(rows=1, cols=3)
    for values in rows:
        cells = table.add_row().cells
        for i, text in enumerate(values):
            paragraph = cells[i].paragraphs[0]
            paragraph.add_run(text).font.size = Pt(11)
            paragraph.paragraph_format.space_after = Pt(0)
            if i in {0, 2}:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def rows_xml(document: object) -> list[str]:
        return [re.sub(r">\s+<", "><", row._tr.xml) for row in document.tables[0].rows[1:]]  # type: ignore[attr-defined]

    assert rows_xml(direct) == rows_xml(by_cell)
    assert [[c.text for c in row.cells] for row in direct.tables[0].rows[1:]] == rows
