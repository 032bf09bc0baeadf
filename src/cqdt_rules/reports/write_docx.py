"""A DOCX draft of the report in the layout of the province's report (python-docx, the ``docx`` extra).

The office edits and signs this draft: the national and agency header, sections I to V drafted from the
results and the analyses (section II from the ruleset's statistics, III from the shortfalls, IV from the
comparison, V from III), the signature block, and the rankings as an appendix. Section titles use Word's
heading styles, so the navigation pane lists them; charts are PNG images drawn by matplotlib. What only
people can write (the causes of the shortcomings, the number and date, the signer) is highlighted yellow."""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from cqdt_rules.formatting import format_count
from cqdt_rules.reports.chart_images import bars_png, moves_png
from cqdt_rules.files import replacing
from cqdt_rules.reports.document import RankRow, Report, TierReport, level_chart_data, moves_for_chart
from cqdt_rules.reports.extras import require_extra
from cqdt_rules.reports.packages import rewrite_parts
from cqdt_rules.reports.sections import Section

_DOC: dict[str, dict[str, Any]] = {
    "vi": {
        "agency_parent": "UBND TỈNH GIA LAI",
        "agency": "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ",
        "number": "Số:          /BC-BCĐ",
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "date": "Gia Lai, ngày      tháng      năm {year}",
        "kind": "BÁO CÁO",
        "basis": "Căn cứ {legal};",
        "s1": "I. CÔNG TÁC TỔ CHỨC, TRIỂN KHAI",
        "s2": "II. THỰC TRẠNG MỨC ĐỘ CỦA CÁC ĐƠN VỊ THÔNG QUA CÔNG TÁC ĐÁNH GIÁ",
        "s3": "III. NHỮNG TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "s4": "IV. ĐÁNH GIÁ CHUNG",
        "s4_lead": "- Theo kết quả đánh giá, xếp hạng năm {year} (phân theo {levels} mức độ):",
        "s4_tier": "+ Đối với {tier}: ",
        "s4_ranking": "- Việc xếp hạng theo tổng điểm được chia làm {groups} nhóm; cấp xã chỉ xếp hạng với các xã trong cùng huyện. "
                      "Kết quả xếp hạng chi tiết tại Phụ lục kèm theo.",
        "s4_moves": "3. Về thứ tự xếp hạng so với năm {year}",
        "s4_levels": "1. Kết quả đánh giá theo mức độ",
        "s4_rank_heading": "2. Xếp hạng theo tổng điểm",
        "s5": "V. KIẾN NGHỊ VÀ ĐỀ XUẤT",
        "causes": "[Nguyên nhân: cơ quan thường trực bổ sung.]",
        "closing": "Trên đây là báo cáo kết quả đánh giá, xếp hạng năm {year}. Kính đề nghị Ủy ban nhân dân tỉnh xem xét, chỉ đạo./.",
        "recipients": "Nơi nhận:",
        "recipient_lines": ["- UBND tỉnh (báo cáo);", "- Thành viên Ban Chỉ đạo;", "- Các cơ quan, đơn vị, địa phương;",
                            "- Lưu: VT."],
        "sign": ["TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"],
        "signer": "[Họ và tên]",
        "appendix": "PHỤ LỤC",
        "appendix_title": "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG NĂM {year}",
        "appendix_note": "(Kèm theo Báo cáo số       /BC-BCĐ ngày      /     /{year} của Ban Chỉ đạo)",
    },
    "en": {
        "agency_parent": "GIA LAI PROVINCIAL PEOPLE'S COMMITTEE",
        "agency": "STEERING COMMITTEE FOR DIGITAL TRANSFORMATION",
        "number": "No.:          /BC-BCĐ",
        "nation": "SOCIALIST REPUBLIC OF VIETNAM",
        "motto": "Independence - Freedom - Happiness",
        "date": "Gia Lai, day      month      {year}",
        "kind": "REPORT",
        "basis": "Pursuant to {legal};",
        "s1": "I. ORGANISATION",
        "s2": "II. THE UNITS' LEVEL AS SEEN IN THE ASSESSMENT",
        "s3": "III. SHORTCOMINGS AND CAUSES",
        "s4": "IV. OVERALL ASSESSMENT",
        "s4_lead": "- The {year} assessment and ranking ({levels} levels):",
        "s4_tier": "+ {tier}: ",
        "s4_ranking": "- Ranking by total score is done in {groups} groups; communes are ranked only against the communes of "
                      "their district. The detailed rankings are in the appendix.",
        "s4_moves": "3. Rank order against {year}",
        "s4_levels": "1. Results by level",
        "s4_rank_heading": "2. Ranking by total score",
        "s5": "V. RECOMMENDATIONS",
        "causes": "[Causes: to be written by the standing office.]",
        "closing": "This is the report on the {year} assessment and ranking, submitted to the Provincial People's Committee./.",
        "recipients": "To:",
        "recipient_lines": ["- Provincial People's Committee;", "- Members of the Steering Committee;",
                            "- Departments, districts and communes;", "- Archive."],
        "sign": ["ON BEHALF OF THE STEERING COMMITTEE", "FOR THE HEAD", "DEPUTY HEAD"],
        "signer": "[Name]",
        "appendix": "APPENDIX",
        "appendix_title": "ASSESSMENT AND RANKING RESULTS, {year}",
        "appendix_note": "(Attached to report No.       /BC-BCĐ of      /     /{year})",
    },
}
FONT = "Times New Roman"


def write_docx(report: Report, path: Path) -> None:
    docx = require_extra("docx", "docx")
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    r = report
    d = _DOC[r.lang]
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)

    if r.banner:
        header = section.header.paragraphs[0]
        run = header.add_run(r.banner)
        run.bold = True
        run.font.size = Pt(10)
        run.font.color.rgb = RGBColor(0xB0, 0x3A, 0x00)
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def para(text: str = "", *, bold: bool = False, italic: bool = False, align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
             size: float | None = None, indent: bool = True, placeholder: bool = False, container: Any = None) -> Any:
        target = container if container is not None else document
        paragraph = target.add_paragraph()
        paragraph.alignment = align
        if indent and align == WD_ALIGN_PARAGRAPH.JUSTIFY:
            paragraph.paragraph_format.first_line_indent = Cm(1)
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return paragraph

    # national and agency header: two columns without borders, as in the seed
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    left.paragraphs[0].text = ""
    for i, (text, bold) in enumerate(((d["agency_parent"], False), (d["agency"], True), ("", False), (d["number"], False))):
        p = left.paragraphs[0] if i == 0 else left.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = bold
        run.font.size = Pt(13)
    for i, (text, bold, italic) in enumerate(((d["nation"], True, False), (d["motto"], True, False), ("", False, False),
                                              (d["date"].format(year=r.year + 1), False, True))):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(13)
        if i == 3:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    para()
    para(d["kind"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(r.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(r.subtitle, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=13)
    if r.legal_source:
        para(d["basis"].format(legal=r.legal_source), italic=True)
    if r.reconstructed:
        para(r.t("reconstructed"), italic=True, size=12)

    _headings(document, Pt, RGBColor, qn)
    titles = {"to-chuc": d["s1"], "thuc-trang": d["s2"], "ton-tai": d["s3"], "kien-nghi": d["s5"]}
    for section in r.front:
        _section(document, r, section, titles.get(section.anchor, section.title.upper()), para, Pt)
        if section.anchor == "ton-tai":
            para(d["causes"], placeholder=True)

    document.add_heading(d["s4"], level=1)
    document.add_heading(d["s4_levels"], level=2)
    levels = max((len([x for x in t.levels if x.level_id is not None]) for t in r.tiers), default=0)
    para(d["s4_lead"].format(year=r.year, levels=format_count(levels, r.lang)))
    for number, tier in enumerate(r.tiers, 1):
        document.add_heading(f"1.{number}. {tier.title}", level=3)
        text = tier.paragraph
        prefix = f"{tier.title}: "
        para(text[len(prefix):] if text.startswith(prefix) else text)
        if tier.top_bottom:
            para(tier.top_bottom)
        labels, current, previous = level_chart_data(r, tier)
        series = ([(str(r.previous_year), previous)] if previous is not None else []) + [(str(r.year), current)]
        _picture(document, bars_png(_levels_title(r, tier), labels, series, r.lang), Cm)
    document.add_heading(d["s4_rank_heading"], level=2)
    para(d["s4_ranking"].format(groups=format_count(len(r.tiers), r.lang)))
    if r.previous_year is not None:
        document.add_heading(d["s4_moves"].format(year=r.previous_year), level=2)
        for number, tier in enumerate(r.tiers, 1):
            document.add_heading(f"3.{number}. {tier.title}", level=3)
            for sentence in tier.movement + tier.attribution:
                para(f"- {sentence}")
            moves = moves_for_chart(tier)
            if moves:
                title = r.t("chart_ranks", tier=tier.title, ranking=tier.movement_ranking or "", previous=r.previous_year)
                _picture(document, moves_png(title, moves, r.lang), Cm)
    for section in r.back:
        _section(document, r, section, titles.get(section.anchor, section.title.upper()), para, Pt)
    para(d["closing"].format(year=r.year))

    sign = document.add_table(rows=1, cols=2)
    to, signer = sign.rows[0].cells
    first = to.paragraphs[0]
    run = first.add_run(d["recipients"])
    run.bold, run.italic = True, True
    run.font.size = Pt(12)
    for line in d["recipient_lines"]:
        p = to.add_paragraph()
        p.add_run(line).font.size = Pt(11)
        p.paragraph_format.space_after = Pt(0)
    for i, line in enumerate(d["sign"]):
        p = signer.paragraphs[0] if i == 0 else signer.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        p.add_run(line).bold = True
    for _ in range(3):
        signer.add_paragraph()
    p = signer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(d["signer"])
    run.bold = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    # appendix: counts per level and the rankings, communes by district
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    appendix = document.add_heading(d["appendix"], level=1)
    appendix.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para(d["appendix_title"].format(year=r.year), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(d["appendix_note"].format(year=r.year + 1), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    later = _LaterRows()
    for number, tier in enumerate(r.tiers, 1):
        document.add_heading(f"{number}. {tier.title}", level=2)
        _levels_table(document, r, tier, Pt)
        for group in tier.groups:
            if group.title:
                para(group.title, bold=True, italic=True, indent=False, size=12)
            _ranking_table(document, r, tier, group, Pt, later)
    with replacing(path) as saved:
        document.save(str(saved))
        later.write(saved)


def _headings(document: Any, pt: Any, rgb: Any, qn: Any) -> None:
    """Word's own heading styles (so the navigation pane lists I., 1., 1.1.), in the report's font, black."""
    for level, size in ((1, 14), (2, 14), (3, 14)):
        style = document.styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = pt(size)
        style.font.bold = True
        style.font.italic = level == 3
        style.font.color.rgb = rgb(0, 0, 0)
        fonts = style.element.rPr.rFonts
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        style.paragraph_format.space_before = pt(6)
        style.paragraph_format.space_after = pt(6)


def _section(document: Any, r: Report, section: Section, title: str, para: Any, pt: Any) -> None:
    """A written section: its title as Heading 1, each block as Heading 2 ("1. …"), tables and charts."""
    from docx.shared import Cm

    document.add_heading(title, level=1)
    number = 0
    for block in section.blocks:
        if block.heading:
            number += 1
            document.add_heading(f"{number}. {block.heading}", level=2)
        for text in block.paragraphs:
            para(f"- {text}")
        for table in block.tables:
            if table.title:
                para(table.title, italic=True, indent=False, size=12)
            _table(document, list(table.header), [list(row) for row in table.rows], set(table.right), pt)
        for chart in block.charts:
            _picture(document, bars_png(chart.title, chart.categories, chart.series, r.lang), Cm)


def _picture(document: Any, png: bytes, cm: Any) -> None:
    import io

    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document.add_picture(io.BytesIO(png), width=cm(15.5))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _levels_title(r: Report, tier: TierReport) -> str:
    if tier.compared_levels and r.previous_year is not None:
        return r.t("chart_levels", tier=tier.title, year=r.year, previous=r.previous_year)
    return r.t("chart_levels_one", tier=tier.title, year=r.year)


def _table(document: Any, header: list[str], rows: Iterable[list[str]], right: set[int], pt: Any,
           later: _LaterRows | None = None) -> None:
    """A table of plain-text cells, the header in bold; its rows written in the document's tree, or, given ``later``,
    made and written into the saved file row by row (see ``_LaterRows``)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for i, text in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = pt(11)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    half_points = int(pt(11).pt * 2)
    if later is not None:
        later.add(table, _rows_xml(table, rows, right, pt))
    else:
        batch: list[list[str]] = []
        for values in rows:
            if not any(_CONTROL.search(text) for text in values):
                batch.append(values)
                continue
            _append_rows(table, batch, right, half_points)  # in order: a row with a tab or line break goes through python-docx
            batch = []
            _docx_row(table, values, right, pt)
        _append_rows(table, batch, right, half_points)
    document.add_paragraph()


def _docx_row(table: Any, values: list[str], right: set[int], pt: Any) -> Any:
    """A row added cell by cell through python-docx (which writes a tab or a line break in a cell's text as Word does);
    its ``<w:tr>`` element."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    row = table.add_row()
    cells = row.cells
    for i, text in enumerate(values):
        paragraph = cells[i].paragraphs[0]
        paragraph.add_run(text).font.size = pt(11)
        paragraph.paragraph_format.space_after = pt(0)
        if i in right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return row._tr


_CONTROL = re.compile(r"[\x00-\x1f]")
_NOT_PLAIN = re.compile(r"[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
"""What a row written as text must not hold: a control character (a tab or a line break, which python-docx writes as
elements, and the rest, which it refuses), or what XML cannot hold: such a row goes through python-docx."""


def _append_rows(table: Any, rows: list[list[str]], right: set[int], half_points: int) -> None:
    """Append plain-text rows as WordprocessingML written here, the same elements python-docx makes cell by
    cell (which took most of a large report's time): see ``_row_writer``. Rows with control characters are not
    passed here."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    write = _row_writer(table, right, half_points)
    body = "".join(map(write, rows))
    if body:
        for row in list(parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")):
            table._tbl.append(row)


def _row_writer(table: Any, right: set[int], half_points: int) -> Callable[[list[str]], str]:
    """A plain-text row as the ``<w:tr>`` python-docx makes cell by cell: each cell's width, no space after, right
    alignment where asked, the font size; the text escaped."""
    from xml.sax.saxutils import escape

    widths = [column.w for column in table._tbl.tblGrid.gridCol_lst]
    starts = []
    for i, width in enumerate(widths):
        properties = f'<w:tcPr><w:tcW w:type="dxa" w:w="{width.twips}"/></w:tcPr>' if width is not None else ""
        align = '<w:jc w:val="right"/>' if i in right else ""
        starts.append(f'<w:tc>{properties}<w:p><w:pPr><w:spacing w:after="0"/>{align}</w:pPr>'
                      f'<w:r><w:rPr><w:sz w:val="{half_points}"/></w:rPr>')

    def text_element(text: str) -> str:  # as python-docx writes a run's text
        if not text:
            return ""
        keep = ' xml:space="preserve"' if text != text.strip() else ""
        return f"<w:t{keep}>{escape(text)}</w:t>"

    end = "</w:r></w:p></w:tc>"

    def row(values: list[str]) -> str:
        return "<w:tr>" + "".join(start + text_element(text) + end for start, text in zip(starts, values)) + "</w:tr>"

    return row


def _rows_xml(table: Any, rows: Iterable[list[str]], right: set[int], pt: Any) -> Iterator[str]:
    """Each row's ``<w:tr>``, as it would be written in the document's tree, made one at a time: plain text as
    ``_row_writer`` writes it, any other through python-docx (the row added to the table, written, and taken out
    again)."""
    from lxml import etree  # type: ignore[import-untyped]  # python-docx's own XML library

    write = _row_writer(table, right, int(pt(11).pt * 2))
    for values in rows:
        if not any(_NOT_PLAIN.search(text) for text in values):
            yield write(values)
            continue
        element = _docx_row(table, values, right, pt)
        table._tbl.remove(element)
        text = etree.tostring(element, encoding="unicode")
        yield _NAMESPACES.sub("<w:tr", text, count=1)  # declared once, on the document


_NAMESPACES = re.compile(r'^<w:tr(?: xmlns:\w+="[^"]*")+')


class _LaterRows:
    """The rows of large tables, written into the saved document as they are made rather than held in its tree: each
    such table holds, when the document is saved, one row of a marker of its own, which ``write`` replaces with the
    table's rows."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(16)
        self.tables: list[tuple[bytes, Iterable[str]]] = []

    def add(self, table: Any, rows: Iterable[str]) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        marker = f"<w:tr><w:tc><w:p><w:r><w:t>{self.token}-{len(self.tables)}</w:t></w:r></w:p></w:tc></w:tr>"
        table._tbl.append(parse_xml(f"<w:tbl {nsdecls('w')}>{marker}</w:tbl>")[0])
        self.tables.append((marker.encode(), rows))

    def write(self, path: Path) -> None:
        if self.tables:
            rewrite_parts(path, {"word/document.xml": self._document})

    def _document(self, part: IO[bytes]) -> Iterator[bytes]:
        rest = part.read()  # the document without the large tables' rows
        for marker, rows in self.tables:
            before, found, rest = rest.partition(marker)
            if not found:
                raise AssertionError("a table's marker is not in the document as saved")
            yield before
            each = iter(rows)
            while batch := list(itertools.islice(each, 1000)):
                yield "".join(batch).encode()
        yield rest


def _levels_table(document: Any, r: Report, tier: TierReport, pt: Any) -> None:
    header, rows = r.level_table(tier)
    _table(document, header, rows, set(range(1, len(header))), pt)


def _ranking_table(document: Any, r: Report, tier: TierReport, group: Any, pt: Any, later: _LaterRows) -> None:
    """A group's ranking table, its rows made as they are written into the saved file (``later``)."""
    header = [r.t("rank"), r.t("unit"), tier.total_label or r.t("total")] + list(tier.output_labels) + [tier.level_title or r.t("level")]
    if r.previous_year is not None:
        header.append(r.t("rank_prev", year=r.previous_year))

    def cells(row: RankRow) -> list[str]:
        found = [r.num(row.rank), row.name, r.num(row.total, tier.table_digits)]
        found += [r.num(value, digits) for value, digits in zip(row.outputs, tier.output_digits)]
        found.append(row.level)
        if r.previous_year is not None:
            found.append(r.num(row.previous_rank) if row.previous_rank is not None else "—")
        return found

    right = {0, 2} | set(range(3, 3 + len(tier.output_labels))) | ({len(header) - 1} if r.previous_year is not None else set())
    _table(document, header, map(cells, group.rows), right, pt, later)
