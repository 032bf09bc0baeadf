"""The ruleset as the official table: the criteria laid out the way a decision's appendix prints them.

One row per group and criterion (STT, criterion, maximum points, how it is scored in words generated from
the rule, provenance), group rows carrying their subtotal, a total row per tier, and the level cut-offs.
An official holds it beside the signed decision to check the reconstruction row by row. Writers: Markdown
and HTML here, DOCX in ``write_appendix_docx``; ``cqdt render`` and ``cqdt diff --format`` use them."""

from __future__ import annotations

import html
from decimal import Decimal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from cqdt_rules.files import replacing
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import translate
from cqdt_rules.language.diff import Change, Entry, diff_sections, diff_title, is_node_change, summarise
from cqdt_rules.language.formatter import expr_text
from cqdt_rules.model import ruleset as m
from cqdt_rules.reports.extras import require_extra
from cqdt_rules.reports.markdown_text import escape_markdown

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Phụ lục: {title}", "tier": "Khối {title}", "stt": "STT", "criterion": "Tiêu chí",
        "max": "Điểm tối đa", "scoring": "Cách tính điểm", "provenance": "Nguồn", "total": "Tổng cộng",
        "levels": "Mức xếp loại", "level": "Mức", "cutoff": "Ngưỡng", "below": "Dưới ngưỡng thấp nhất",
        "points": "điểm", "yes": "Có → {p}; không → 0", "else": "còn lại → {p}",
        "ratio": "Tỷ lệ {what} × {max} (tối đa {max})", "ratio_zero": "b = 0 → {p}",
        "percent_ratio": "{what} (%) × {max} / 100", "per_item": "Mỗi {unit} → {each}, tối đa {max}",
        "per_item_unit": "đơn vị", "best_of": "Lấy cách tính cho điểm cao nhất: {alternatives}",
        "normalised": "{what} / giá trị cao nhất {within} × {max}", "within_tier": "trong khối",
        "within_district": "cùng huyện", "direct": "Điểm do Đoàn thẩm định chấm ({what}), 0–{max}",
        "informational": "Thu thập, không tính điểm", "formula": "Theo công thức: {expr}",
        "group": "Cộng các tiêu chí thành phần", "capped": "Cộng các tiêu chí thành phần, tối đa {max}",
        "requires": "và {what} ≥ {cutoff}", "of_max": "≥ {cutoff} tổng điểm",
        "before": "Trước", "after": "Sau", "change": "Thay đổi", "removed": "bỏ", "added": "thêm",
        "amendment": "Sửa đổi: {old} → {new}", "changes": "Các thay đổi",
    },
    "en": {
        "title": "Appendix: {title}", "tier": "Tier {title}", "stt": "No.", "criterion": "Criterion",
        "max": "Maximum points", "scoring": "How it is scored", "provenance": "Source", "total": "Total",
        "levels": "Levels", "level": "Level", "cutoff": "Cut-off", "below": "Below the lowest cut-off",
        "points": "points", "yes": "Yes → {p}; no → 0", "else": "otherwise → {p}",
        "ratio": "Share {what} × {max} (at most {max})", "ratio_zero": "b = 0 → {p}",
        "percent_ratio": "{what} (%) × {max} / 100", "per_item": "Each {unit} → {each}, at most {max}",
        "per_item_unit": "item", "best_of": "The alternative giving the most points: {alternatives}",
        "normalised": "{what} / the highest value {within} × {max}", "within_tier": "in the tier",
        "within_district": "in the district", "direct": "Score entered by the audit team ({what}), 0–{max}",
        "informational": "Collected, not scored", "formula": "By the formula: {expr}",
        "group": "Sum of its criteria", "capped": "Sum of its criteria, at most {max}",
        "requires": "and {what} ≥ {cutoff}", "of_max": "≥ {cutoff} of the total",
        "before": "Before", "after": "After", "change": "Change", "removed": "removed", "added": "added",
        "amendment": "Amendment: {old} → {new}", "changes": "Every change",
    },
}


STATUS = {
    "vi": {"official": "chính thức", "reconstructed": "tái dựng", "hypothetical": "giả định", "draft": "dự thảo"},
    "en": {"official": "official", "reconstructed": "reconstructed", "hypothetical": "hypothetical", "draft": "draft"},
}


@attrs.frozen
class Row:
    stt: str
    title: str
    max: Decimal
    scoring: str
    provenance: str
    depth: int  # 0 for a top-level node
    is_group: bool
    anchor: str  # the HTML id of the row, which the report's explanations link to


@attrs.frozen
class LevelLine:
    label: str
    cutoff: str


@attrs.frozen
class TierTable:
    id: str
    title: str
    max: Decimal
    rows: tuple[Row, ...]
    levels: tuple[tuple[str, tuple[LevelLine, ...]], ...]  # scale label, its levels (the last is 'below')


@attrs.frozen
class Appendix:
    title: str
    legal_source: str | None
    lang: str
    tiers: tuple[TierTable, ...]
    ruleset_title: str = ""

    def num(self, value: Decimal) -> str:
        return format_number(value, self.lang)

    def t(self, key: str) -> str:
        return TEXT[self.lang][key]


def row_anchor(tier_id: str, node_id: str) -> str:
    """The id of a criterion's row in the rendered appendix (and in the HTML report's appendix section)."""
    return f"tieu-chi-{tier_id}-{node_id.replace('.', '-')}"


def build_appendix(ruleset: m.Ruleset, lang: str = "vi", tier: str | None = None) -> Appendix:
    tiers = [t for t in ruleset.tiers if tier is None or t.id == tier]
    title = ruleset.header.title_en if lang == "en" and ruleset.header.title_en else ruleset.header.title
    return Appendix(TEXT[lang]["title"].format(title=title), ruleset.header.legal_source, lang,
                    tuple(_tier_table(t, ruleset.header, lang) for t in tiers), title)


def _tier_table(tier: m.Tier, header: m.Header, lang: str) -> TierTable:
    words = _Words(tier, header, lang)
    rows = tuple(words.row(node, depth) for node, depth in _walk(tier.nodes, 0))
    levels = tuple((scale.label, tuple(words.level(scale, level) for level in scale.levels)
                    + (LevelLine(scale.below, TEXT[lang]["below"]),)) for scale in tier.levels)
    title = tier.title_en if lang == "en" and tier.title_en else tier.title
    return TierTable(tier.id, title, tier.max, rows, levels)


def _walk(nodes: tuple[m.Node, ...], depth: int) -> list[tuple[m.Node, int]]:
    return [item for node in nodes for item in [(node, depth), *_walk(node.children, depth + 1)]]


class _Words:
    """How a rule is scored, in words, with the numbers of the ruleset in the reader's format."""

    def __init__(self, tier: m.Tier, header: m.Header, lang: str):
        self.tier, self.header, self.lang = tier, header, lang
        self.text = TEXT[lang]
        self.indicators = {ind.name: ind for ind in tier.indicators}

    def num(self, value: Decimal) -> str:
        return format_number(value, self.lang)

    def points(self, spec: m.PointsSpec | None, node: m.Node) -> str:
        value = node.max if spec == "full" or spec is None else Decimal(spec)
        return f"{self.num(value)} {self.text['points']}"

    def label(self, name: str) -> str:
        """The indicator's label, to follow a word ('Tỷ lệ số CBCC ...'): lower-cased unless it starts an acronym."""
        ind = self.indicators.get(name)
        text = ind.label if ind is not None else name
        return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text

    def row(self, node: m.Node, depth: int) -> Row:
        title = node.title_en if self.lang == "en" and node.title_en else node.title
        provenance = ""
        if node.provenance is not None:
            status = STATUS[self.lang].get(node.provenance.status, node.provenance.status)
            provenance = f"{status}: {node.provenance.text}"
        if node.rule is None:
            scoring = (self.text["capped"].format(max=self.num(node.max)) if node.capped else self.text["group"])
        else:
            scoring = self.rule(node.rule, node)
        return Row(node.id, title, node.max, scoring, provenance, depth, node.is_group, row_anchor(self.tier.id, node.id))

    def rule(self, rule: m.Rule, node: m.Node) -> str:
        t = self.text
        if isinstance(rule, m.YesRule):
            return t["yes"].format(p=self.points("full", node))
        if isinstance(rule, m.CategoryRule):
            labels = {c.name: c.label or c.name for c in self.indicators[rule.indicator].categories}
            arms = [f"{labels.get(a.value, a.value)} → {self.points(a.points, node)}" for a in rule.arms]
            if rule.otherwise is not None:
                arms.append(t["else"].format(p=self.points(rule.otherwise, node)))
            return "; ".join(arms)
        if isinstance(rule, m.RatioRule):
            if self.indicators[rule.indicator].kind == "percent":
                return t["percent_ratio"].format(what=self.label(rule.indicator), max=self.num(node.max))
            zero = rule.on_zero if rule.on_zero is not None else self.header.on_zero_denominator
            text = t["ratio"].format(what=self.label(rule.indicator), max=self.num(node.max))
            return text + "; " + t["ratio_zero"].format(p=self.points(zero if zero is not None else Decimal(0), node))
        if isinstance(rule, m.BandsRule):
            comparator = {">=": "≥", ">": ">", "=": "="}
            arms = [f"{comparator[b.comparator]} {self._threshold(b.threshold)} → {self.points(b.points, node)}"
                    for b in rule.bands]
            arms.append(t["else"].format(p=self.points(rule.otherwise if rule.otherwise is not None else Decimal(0), node)))
            return f"{self.label(rule.indicator)}: " + "; ".join(arms)
        if isinstance(rule, m.PerItemRule):
            unit = self.indicators[rule.indicator].unit or t["per_item_unit"]
            return t["per_item"].format(unit=unit, each=self.points(rule.each, node), max=self.points("full", node))
        if isinstance(rule, m.BestOfRule):
            parts = [f"({i + 1}) {self.rule(alt, node)}" for i, alt in enumerate(rule.alternatives)]
            return t["best_of"].format(alternatives="; ".join(parts))
        if isinstance(rule, m.NormalisedRule):
            within = t["within_tier"] if rule.within == "tier" else t["within_district"]
            return t["normalised"].format(what=self.label(rule.indicator), within=within, max=self.num(node.max))
        if isinstance(rule, m.DirectRule):
            return t["direct"].format(what=self.label(rule.indicator), max=self.num(node.max))
        if isinstance(rule, m.InformationalRule):
            return t["informational"]
        return t["formula"].format(expr=expr_text(rule.expr))

    def _threshold(self, threshold: m.Threshold) -> str:
        return self.num(threshold.value) + ("%" if threshold.percent else "")

    def level(self, scale: m.LevelScale, level: m.Level) -> LevelLine:
        cutoff = self._threshold(level.threshold)
        if isinstance(scale.on, m.TotalRef) and level.threshold.percent:
            cutoff = self.text["of_max"].format(cutoff=cutoff)
        elif not isinstance(scale.on, m.TotalRef):
            cutoff = f"{_ref_text(scale.on)} ≥ {cutoff}"
        else:
            cutoff = f"≥ {cutoff}"
        for requirement in level.requires:
            cutoff += " " + self.text["requires"].format(what=_ref_text(requirement.ref),
                                                         cutoff=self._threshold(requirement.threshold))
        return LevelLine(level.label, cutoff)


def _ref_text(ref: m.ValueRef) -> str:
    if isinstance(ref, m.TotalRef):
        return "total"
    if isinstance(ref, m.PointsRef):
        return f"points({ref.node_id})"
    if isinstance(ref, m.ShareRef):
        return f"share({ref.node_id})"
    return ref.name


# ---------------------------------------------------------------- Markdown
_md = escape_markdown  # ruleset text: shown as written, never as HTML, a link or an image


def render_markdown(appendix: Appendix) -> str:
    a = appendix
    lines = [f"# {_md(a.title)}", ""]
    if a.legal_source:
        lines += [f"*{_md(a.legal_source)}*", ""]
    for tier in a.tiers:
        lines += [f"## {_md(a.t('tier').format(title=tier.title))}", ""]
        lines += [f"| {a.t('stt')} | {a.t('criterion')} | {a.t('max')} | {a.t('scoring')} | {a.t('provenance')} |",
                  "|---|---|---:|---|---|"]
        for row in tier.rows:
            title = f"**{_md(row.title)}**" if row.is_group else _md(row.title)
            stt = f"**{_md(row.stt)}**" if row.is_group else _md(row.stt)
            maximum = f"**{a.num(row.max)}**" if row.is_group else a.num(row.max)
            lines.append(f"| {stt} | {title} | {maximum} | {_md(row.scoring)} | {_md(row.provenance)} |")
        lines.append(f"| | **{a.t('total')}** | **{a.num(tier.max)}** | | |")
        lines.append("")
        for label, levels in tier.levels:
            lines += [f"**{_md(label)}**", "", f"| {a.t('level')} | {a.t('cutoff')} |", "|---|---|"]
            lines += [f"| {_md(line.label)} | {_md(line.cutoff)} |" for line in levels]
            lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- HTML
_STYLE = """body{font-family:"Times New Roman",serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111}
table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #555;padding:4px 6px;vertical-align:top}
th{background:#eee}td.num{text-align:right;white-space:nowrap}tr.group td{font-weight:bold;background:#f6f6f6}
tr.total td{font-weight:bold}tr:target td{background:#fff3b0}.prov{font-size:90%;color:#444}
details pre{font-size:85%;overflow:auto;border:1px solid #ccc;padding:.5em}"""


def appendix_rows_html(appendix: Appendix, tier: TierTable) -> str:
    """One tier's table as HTML (also embedded in the HTML report, where explanations link to its rows)."""
    a, e = appendix, html.escape
    head = (f"<tr><th>{e(a.t('stt'))}</th><th>{e(a.t('criterion'))}</th><th>{e(a.t('max'))}</th>"
            f"<th>{e(a.t('scoring'))}</th><th>{e(a.t('provenance'))}</th></tr>")
    rows = []
    for row in tier.rows:
        indent = f' style="padding-left:{0.4 + 1.2 * row.depth:.1f}em"'
        rows.append(f'<tr id="{row.anchor}"{" class=group" if row.is_group else ""}><td>{e(row.stt)}</td>'
                    f"<td{indent}>{e(row.title)}</td><td class=num>{e(a.num(row.max))}</td><td>{e(row.scoring)}</td>"
                    f'<td class="prov">{e(row.provenance)}</td></tr>')
    rows.append(f"<tr class=total><td></td><td>{e(a.t('total'))}</td><td class=num>{e(a.num(tier.max))}</td>"
                "<td></td><td></td></tr>")
    levels = "".join(
        f"<table class=levels><tr><th colspan=2>{e(label)}</th></tr><tr><th>{e(a.t('level'))}</th>"
        f"<th>{e(a.t('cutoff'))}</th></tr>" + "".join(f"<tr><td>{e(x.label)}</td><td>{e(x.cutoff)}</td></tr>" for x in lines)
        + "</table>" for label, lines in tier.levels)
    return f"<table class=appendix>{head}{''.join(rows)}</table>{levels}"


def render_html(appendix: Appendix, source_html: str = "") -> str:
    """A self-contained page; ``source_html`` (the highlighted ruleset) is shown folded under the tables."""
    a, e = appendix, html.escape
    body = [f"<h1>{e(a.title)}</h1>"]
    if a.legal_source:
        body.append(f"<p><em>{e(a.legal_source)}</em></p>")
    for tier in a.tiers:
        body.append(f'<h2 id="khoi-{e(tier.id)}">{e(a.t("tier").format(title=tier.title))}</h2>')
        body.append(appendix_rows_html(a, tier))
    if source_html:
        body.append(f"<details><summary>{e('Mã nguồn bộ tiêu chí' if a.lang == 'vi' else 'Ruleset source')}</summary>"
                    f"{source_html}</details>")
    return (f'<!DOCTYPE html><html lang="{a.lang}"><head><meta charset="utf-8"><title>{e(a.title)}</title>'
            f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>\n")


# ---------------------------------------------------------------- DOCX
def write_docx(appendix: Appendix, path: Path) -> None:
    """The appendix as a Word document (landscape A4, Times New Roman), for the office to print beside the decision."""
    require_extra("docx", "docx")
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    a = appendix
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(12)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.5))
    document.add_heading(a.title, level=1)
    if a.legal_source:
        document.add_paragraph().add_run(a.legal_source).italic = True
    for tier in a.tiers:
        document.add_heading(a.t("tier").format(title=tier.title), level=2)
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (a.t("stt"), a.t("criterion"), a.t("max"), a.t("scoring"),
                                                     a.t("provenance"))):
            cell.paragraphs[0].add_run(text).bold = True
        for row in tier.rows:
            _docx_row(table, (row.stt, row.title, a.num(row.max), row.scoring, row.provenance), row.is_group, Pt(11))
        _docx_row(table, ("", a.t("total"), a.num(tier.max), "", ""), True, Pt(11))
        for cells in table.rows:
            cells.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for label, lines in tier.levels:
            document.add_paragraph().add_run(label).bold = True
            levels = document.add_table(rows=0, cols=2)
            levels.style = "Table Grid"
            for line in lines:
                _docx_row(levels, (line.label, line.cutoff), False, Pt(11))
    with replacing(path) as saved:
        document.save(str(saved))


def _docx_row(table: Any, texts: tuple[str, ...], bold: bool, size: Any) -> None:
    cells = table.add_row().cells
    for cell, text in zip(cells, texts):
        run = cell.paragraphs[0].add_run(text)
        run.bold = bold
        run.font.size = size


# ---------------------------------------------------------------- an amendment, before and after
@attrs.frozen
class ChangedRow:
    stt: str
    title: str
    before: Row | None  # None: added
    after: Row | None  # None: removed


@attrs.frozen
class Amendment:
    """What ``cqdt diff --format md|html`` shows, all from one list of changes (``diff_rulesets``): the changed
    nodes' rows before and after in the appendix layout, then every change as the text format lists it."""

    old: Appendix
    new: Appendix
    rulesets: str  # 'egov_2020 (version ...) → ...'
    rows: dict[str, list[ChangedRow]]
    sections: list[tuple[str, list[Entry]]]
    summary: str


def build_amendment(old: m.Ruleset, new: m.Ruleset, changes: Sequence[Change], lang: str = "vi") -> Amendment:
    before, after = build_appendix(old, lang), build_appendix(new, lang)
    summary = summarise(changes, lang) if changes else translate("no differences", lang)
    return Amendment(before, after, diff_title(old, new, lang), amendment_rows(before, after, changes),
                     diff_sections(changes, old, new, lang), summary)


def amendment_rows(old: Appendix, new: Appendix, changes: Sequence[Change]) -> dict[str, list[ChangedRow]]:
    """Per tier title, the appendix rows of the nodes ``changes`` changes (every row of a tier added), in the new
    reading order, removed rows last."""
    changed = {(c.section, c.subject) for c in changes if is_node_change(c)}
    found: dict[str, list[ChangedRow]] = {}
    old_tiers = {t.id: t for t in old.tiers}
    for tier in new.tiers:
        before = {r.stt: r for r in old_tiers[tier.id].rows} if tier.id in old_tiers else {}
        after = {r.stt: r for r in tier.rows}
        order = list(after) + [stt for stt in before if stt not in after]
        rows = [ChangedRow(stt, (after.get(stt) or before[stt]).title, before.get(stt), after.get(stt))
                for stt in order if (tier.id, stt) in changed or not before]
        if rows:
            found[tier.title] = rows
    return found


def render_amendment_markdown(amendment: Amendment) -> str:
    a = amendment.new
    lines = [f"# {_md(a.t('amendment').format(old=amendment.old.ruleset_title, new=a.ruleset_title))}", "",
             f"*{_md(amendment.rulesets)}*", ""]
    for tier_title, rows in amendment.rows.items():
        lines += [f"## {_md(a.t('tier').format(title=tier_title))}", "",
                  f"| {a.t('stt')} | {a.t('criterion')} | {a.t('before')}: {a.t('max')} | {a.t('before')}: {a.t('scoring')} "
                  f"| {a.t('after')}: {a.t('max')} | {a.t('after')}: {a.t('scoring')} |",
                  "|---|---|---:|---|---:|---|"]
        for row in rows:
            before = (a.num(row.before.max), _md(row.before.scoring)) if row.before else ("", f"*({a.t('added')})*")
            after = (a.num(row.after.max), _md(row.after.scoring)) if row.after else ("", f"*({a.t('removed')})*")
            lines.append(f"| {_md(row.stt)} | {_md(row.title)} | {before[0]} | {before[1]} | {after[0]} | {after[1]} |")
        lines.append("")
    lines += [f"## {a.t('changes')}", ""]
    for heading, entries in amendment.sections:
        lines += [f"### {_md(heading)}", ""]
        for entry in entries:
            label = f"**{_md(entry.label)}**" if entry.label else ""
            lines.append("- " + (f"{label}: {_md(entry.text)}" if label and entry.text else label or _md(entry.text)))
            lines += [f"  - {_md(detail)}" for detail in entry.details]
        lines.append("")
    lines += [_md(amendment.summary), ""]
    return "\n".join(lines)


def render_amendment_html(amendment: Amendment) -> str:
    a, e = amendment.new, html.escape
    body = [f"<h1>{e(a.t('amendment').format(old=amendment.old.ruleset_title, new=a.ruleset_title))}</h1>",
            f"<p><em>{e(amendment.rulesets)}</em></p>"]
    for tier_title, rows in amendment.rows.items():
        body.append(f"<h2>{e(a.t('tier').format(title=tier_title))}</h2><table class=appendix><tr>"
                    f"<th rowspan=2>{e(a.t('stt'))}</th><th rowspan=2>{e(a.t('criterion'))}</th>"
                    f"<th colspan=2>{e(a.t('before'))}</th><th colspan=2>{e(a.t('after'))}</th></tr><tr>"
                    + f"<th>{e(a.t('max'))}</th><th>{e(a.t('scoring'))}</th>" * 2 + "</tr>")
        for row in rows:
            cells = [f"<td>{e(row.stt)}</td><td>{e(row.title)}</td>"]
            for side, missing in ((row.before, a.t("added")), (row.after, a.t("removed"))):
                cells.append(f"<td class=num>{e(a.num(side.max))}</td><td>{e(side.scoring)}</td>" if side
                             else f"<td></td><td><em>({e(missing)})</em></td>")
            body.append(f"<tr>{''.join(cells)}</tr>")
        body.append("</table>")
    body.append(f"<h2>{e(a.t('changes'))}</h2>")
    for heading, entries in amendment.sections:
        items = []
        for entry in entries:
            label = f"<strong>{e(entry.label)}</strong>" if entry.label else ""
            item = f"{label}: {e(entry.text)}" if label and entry.text else label or e(entry.text)
            if entry.details:
                item += "<ul>" + "".join(f"<li>{e(detail)}</li>" for detail in entry.details) + "</ul>"
            items.append(f"<li>{item}</li>")
        body.append(f"<h3>{e(heading)}</h3><ul class=changes>{''.join(items)}</ul>")
    body.append(f"<p>{e(amendment.summary)}</p>")
    return (f'<!DOCTYPE html><html lang="{a.lang}"><head><meta charset="utf-8"><title>{e(a.title)}</title>'
            f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>\n")
