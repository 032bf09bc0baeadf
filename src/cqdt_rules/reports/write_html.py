"""The report as one self-contained HTML page: inline CSS and SVG charts, no script, nothing loaded."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from html import escape

from cqdt_rules.reports.charts import grouped_chart, level_chart, rank_chart
from cqdt_rules.reports.document import (
    Criterion,
    Report,
    TierReport,
    UnitPage,
    WrittenRows,
    each_explanation_page,
    explanation_pages,
    level_chart_data,
    lines_text,
    moves_for_chart,
    unit_links,
)
from cqdt_rules.reports.appendix import appendix_rows_html, row_anchor
from cqdt_rules.reports.sections import Section, TextTable

CSS = """
:root { --ink: #1b1f24; --muted: #5b6570; --line: #d9dee4; --accent: #1d5fa8; --rise: #2e8540; --fall: #c0392b; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink);
       line-height: 1.5; background: #f4f6f8; }
.page { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.7rem; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--accent); padding-bottom: 4px; margin-top: 2.2em; }
h3 { font-size: 1.15rem; margin-top: 1.8em; }
h4 { font-size: 1rem; margin: 1.4em 0 0.4em; }
.subtitle { color: var(--muted); margin: 0 0 1em; }
.banner { border: 2px solid #b26b00; background: #fff4e0; color: #6b3f00; padding: 10px 14px; margin: 12px 0;
          font-weight: bold; }
.banner.plain { border-color: var(--line); background: #f7f9fb; color: var(--ink); font-weight: normal; }
.meta { font-size: 0.9rem; color: var(--muted); }
.meta dt { font-weight: bold; float: left; clear: left; margin-right: 0.5em; }
.meta dd { margin: 0 0 2px 0; }
nav.toc { background: #f7f9fb; border: 1px solid var(--line); padding: 8px 20px; margin: 16px 0; }
nav.toc ol { margin: 4px 0; }
p.section-iv { font-size: 1.02rem; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9rem; }
th, td { border: 1px solid var(--line); padding: 3px 8px; vertical-align: top; }
th { background: #eef2f6; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.up { color: var(--rise); } td.down { color: var(--fall); }
tr.group td { font-weight: bold; background: #fafbfc; }
tr:target td { background: #fff3b0; }
table.appendix td.prov { font-size: 0.85rem; color: #444; }
figure { margin: 12px 0 20px; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: var(--muted); }
details.unit { border: 1px solid var(--line); margin: 6px 0; padding: 4px 10px; }
details.unit > summary { cursor: pointer; font-weight: bold; }
details.unit table { width: 100%; }
td.why { color: var(--muted); font-size: 0.85rem; }
table.ranking td:nth-child(3), table.movers td:first-child { min-width: 13em; }
td.read { font-size: 0.85rem; }
.depth-0 td:first-child { font-weight: bold; }
.depth-1 td:first-child { padding-left: 18px; }
.depth-2 td:first-child { padding-left: 32px; }
.depth-3 td:first-child { padding-left: 46px; }
.flag { display: inline-block; background: #fdecea; color: var(--fall); border-radius: 3px; padding: 0 4px;
        font-size: 0.8rem; margin-left: 4px; }
footer { margin-top: 3em; font-size: 0.8rem; color: var(--muted); }
@media print { body { background: #fff; } .page { padding: 0; } details.unit { break-inside: avoid; } }
"""


def _e(text: object) -> str:
    return _escaped(text) if type(text) is str else escape(str(text), quote=True)


@lru_cache(maxsize=1 << 14)
def _escaped(text: str) -> str:
    """A large cohort's pages repeat the same titles, labels and explanations: each is escaped once."""
    return escape(text, quote=True)


def render_html(report: Report, pages: Mapping[str, list[tuple[str, str]]] | None = None,
                links: Mapping[str, str] | None = None) -> str:
    """The report as one page; ``pages`` (by tier id: file name and title of each explanation page) and ``links``
    (a unit's anchor: the file that explains it) when some tiers' explanations are on pages of their own."""
    return "".join(_html_lines(report, pages, links))


def _html_lines(report: Report, pages: Mapping[str, list[tuple[str, str]]] | None = None,
                links: Mapping[str, str] | None = None) -> Iterator[str]:
    """``render_html``'s text in pieces, made as they are written: a national cohort's ranking tables and
    explanations are never held together."""
    pages, links = pages or {}, links or {}
    return lines_text(itertools.chain(
        ["<!DOCTYPE html>", f'<html lang="{report.lang}">', "<head>", '<meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{_e(report.title)}</title>",
         f"<style>{CSS}</style>", "</head>", "<body>", '<div class="page">', _header(report), _toc(report), "<main>"],
        (_section(s, report.lang) for s in report.front),
        [_general(report)],
        [_changes(report, links)] if report.previous_year is not None else [],
        (_section(s, report.lang) for s in report.back),
        _rankings(report, links), _units(report, pages),
        [_appendix(report), "</main>", _footer(report), "</div>", "</body>", "</html>"]))


def _header(r: Report) -> str:
    out = ["<header>"]
    if r.banner:
        out.append(f'<div class="banner{" synthetic" if r.synthetic else " plain"}" role="note">{_e(r.banner)}</div>')
    out.append(f'<p class="meta">{_e(r.t("report"))}</p>')
    out.append(f"<h1>{_e(r.title)}</h1>")
    out.append(f'<p class="subtitle">{_e(r.subtitle)}</p>')
    out.append('<dl class="meta">')
    out.append(f"<dt>{_e(r.t('ruleset'))}:</dt><dd>{_e(r.ruleset_id)} ({_e(r.t('version'))} {_e(r.ruleset_version)}, "
               f"{_e(r.t('status'))} {_e(r.status_label)}), {_e(r.ruleset_hash[:19])}</dd>")
    out.append(f"<dt>{_e(r.t('source'))}:</dt><dd>{_e(r.source_label)}</dd>")
    out.append("</dl>")
    if r.reconstructed:
        out.append(f'<p class="meta">{_e(r.t("reconstructed"))}</p>')
    if r.previous_year is None:
        out.append(f'<p class="meta">{_e(r.t("no_previous"))}</p>')
    elif not r.same_ruleset:
        out.append(f'<p class="meta">{_e(r.t("previous_ruleset", year=r.previous_year, ruleset=r.previous_ruleset_id))}</p>')
    out.append("</header>")
    return "\n".join(out)


def _toc(r: Report) -> str:
    out = [f'<nav class="toc" aria-label="{_e(r.t("toc"))}"><h2>{_e(r.t("toc"))}</h2><ol>']
    prefixes = {"danh-gia-chung": "", "thay-doi": "thay-doi-", "xep-hang": "xep-hang-", "giai-trinh": "giai-trinh-"}
    written = {s.anchor: s for s in r.front + r.back}
    for section, title in r.section_ids():
        out.append(f'<li><a href="#{section}">{_e(title)}</a><ol>')
        if section in written:
            for i, block in enumerate(written[section].blocks):
                if block.heading:
                    out.append(f'<li><a href="#{section}-{i}">{_e(block.heading)}</a></li>')
            out.append("</ol></li>")
            continue
        for tier in r.tiers:
            target = tier.anchor if section == "danh-gia-chung" else prefixes[section] + tier.id
            out.append(f'<li><a href="#{target}">{_e(tier.title)}</a></li>')
        out.append("</ol></li>")
    out.append("</ol></nav>")
    return "\n".join(out)


def _section(section: Section, lang: str) -> str:
    """A written section (I-III, V, history): per block a heading, its paragraphs, tables and charts."""
    out = [f'<section id="{section.anchor}"><h2>{_e(section.title)}</h2>']
    for i, block in enumerate(section.blocks):
        out.append(f'<section class="block" id="{section.anchor}-{i}">')
        if block.heading:
            out.append(f"<h3>{_e(block.heading)}</h3>")
        out += [f"<p>{_e(text)}</p>" for text in block.paragraphs]
        out += [_text_table(table) for table in block.tables]
        for chart in block.charts:
            svg = grouped_chart(chart.title, chart.categories, chart.series, lang)
            out.append(f'<figure class="chart-grouped">{svg}<figcaption>{_e(chart.title)}</figcaption></figure>')
        for figure in block.figures:
            out.append(f'<figure class="chart-{figure.name}">{figure.svg}<figcaption>{_e(figure.title)}</figcaption></figure>')
        out.append("</section>")
    out.append("</section>")
    return "\n".join(out)


def _text_table(table: TextTable) -> str:
    out = [f"<h4>{_e(table.title)}</h4>"] if table.title else []
    head = "".join(f'<th class="num">{_e(h)}</th>' if i in table.right else f"<th>{_e(h)}</th>"
                   for i, h in enumerate(table.header))
    out.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
    for row in table.rows:
        cells = "".join(_td_num(c) if i in table.right else f"<td>{_e(c)}</td>" for i, c in enumerate(row))
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _change_class(value: object) -> str:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return "up" if value > 0 else "down" if value < 0 else ""
    return ""


def _td_num(text: str, value: object = None) -> str:
    cls = _change_class(value) if value is not None else ""
    return f'<td class="num{" " + cls if cls else ""}">{_e(text)}</td>'


def _general(r: Report) -> str:
    out = [f'<section id="danh-gia-chung"><h2>{_e(r.t("general"))}</h2>']
    for tier in r.tiers:
        out.append(f'<section class="tier" id="{tier.anchor}"><h3>{_e(tier.title)}</h3>')
        out.append(f'<p class="section-iv">{_e(tier.paragraph)}</p>')
        if tier.top_bottom:
            out.append(f"<p>{_e(tier.top_bottom)}</p>")
        out.append(_level_table(r, tier))
        labels, current, previous = level_chart_data(r, tier)
        if tier.compared_levels and r.previous_year is not None:
            title = r.t("chart_levels", tier=tier.title, year=r.year, previous=r.previous_year)
        else:
            title = r.t("chart_levels_one", tier=tier.title, year=r.year)
        chart = level_chart(title, labels, current, previous, str(r.year),
                            str(r.previous_year) if r.previous_year is not None else None, r.lang)
        out.append(f'<figure class="chart-levels">{chart}<figcaption>{_e(title)}</figcaption></figure>')
        out.append("</section>")
    out.append("</section>")
    return "\n".join(out)


def _level_table(r: Report, tier: TierReport) -> str:
    compared = tier.compared_levels and r.previous_year is not None
    head = [f"<th>{_e(tier.level_title or r.t('level'))}</th>"]
    if compared:
        head.append(f'<th class="num">{r.previous_year}</th>')
    head.append(f'<th class="num">{r.year}</th><th class="num">{_e(r.t("share"))}</th>')
    if compared:
        head.append(f'<th class="num">{_e(r.t("change"))}</th>')
    rows = [f"<table class=\"levels\"><thead><tr>{''.join(head)}</tr></thead><tbody>"]
    for row in tier.levels:
        cells = [f"<td>{_e(row.label)}</td>"]
        if compared:
            cells.append(_td_num(r.num(row.previous)))
        cells.append(_td_num(r.num(row.count)))
        cells.append(_td_num(r.num(row.share, 2) + "%" if row.share is not None else "—"))
        if compared:
            cells.append(_td_num(r.signed(row.change) or "0", row.change))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    total = [f"<td><strong>{_e(r.t('total_row'))}</strong></td>"]
    if compared:
        total.append(_td_num(r.num(tier.previous_assessed)))
    total.append(_td_num(r.num(tier.assessed)))
    total.append(_td_num(r.num(100) + "%"))
    if compared:
        total.append("<td></td>")
    rows.append(f"<tr class=\"group\">{''.join(total)}</tr></tbody></table>")
    return "\n".join(rows)


def render_html_pages(report: Report, name: str, page_units: int | None = None) -> Iterator[tuple[str, str]]:
    """The report as HTML files, each as file name and text, made one at a time: ``name`` first, then, for each tier
    of more than ``page_units`` units (``PAGE_UNITS``), its explanations on pages of their own (see
    ``explanation_pages``), each linking back to the main page's appendix."""
    return ((file, "".join(text)) for file, text in html_files(report, name, page_units))


def html_files(report: Report, name: str, page_units: int | None = None) -> Iterator[tuple[str, Iterable[str]]]:
    """``render_html_pages``, each file's text in pieces made as they are written."""
    pages = explanation_pages(report, name, page_units)
    listed = {tier: [(f, t) for f, t, _ in parts] for tier, parts in pages.items()}
    yield name, _html_lines(report, listed, unit_links(pages))
    for file, text in each_explanation_page(report, pages, functools.partial(_explanation_page, report, main=name)):
        yield file, (text,)


def _explanation_page(r: Report, tier: TierReport, title: str, units: Iterable[UnitPage], written: WrittenRows | None = None,
                      main: str = "") -> str:
    """One page of a tier's explanations, titled by the report, the tier and the page, linking back to ``main``."""
    heading = f"{tier.title}: {title}"
    parts = ["<!DOCTYPE html>", f'<html lang="{r.lang}">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_e(r.title)} — {_e(heading)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
             '<div class="page">', "<header>"]
    if r.banner:
        parts.append(f'<div class="banner{" synthetic" if r.synthetic else " plain"}" role="note">{_e(r.banner)}</div>')
    parts += [f'<p class="meta"><a href="{_e(main)}#giai-trinh-{tier.id}">{_e(r.title)}</a></p>',
              f"<h1>{_e(r.t('units'))}</h1>", f'<p class="subtitle">{_e(heading)}</p>', "</header>", "<main>"]
    known = WrittenRows() if written is None else written
    for unit in units:
        parts += _unit_lines(r, tier, unit, main, known)
    parts += ["</main>", _footer(r), "</div>", "</body>", "</html>", ""]
    return "\n".join(parts)  # one join per page: a page holds hundreds of units


def _changes(r: Report, links: Mapping[str, str]) -> str:
    out = [f'<section id="thay-doi"><h2>{_e(r.t("changes", year=r.previous_year))}</h2>']
    for tier in r.tiers:
        out.append(f'<section class="tier" id="thay-doi-{tier.id}"><h3>{_e(tier.title)}</h3>')
        for sentence in tier.movement:
            out.append(f"<p>{_e(sentence)}</p>")
        if tier.movement_ranking:
            out.append(f'<p class="meta">{_e(r.t("movement_basis", ranking=tier.movement_ranking))}</p>')
        out += [f'<p class="attribution">{_e(sentence)}</p>' for sentence in tier.attribution]
        for key, movers in (("risers", tier.risers), ("fallers", tier.fallers)):
            if not movers:
                continue
            out.append(f"<h4>{_e(r.t(key))}</h4>")
            out.append(f"<table class=\"movers\"><thead><tr><th>{_e(r.t('unit'))}</th>"
                       f"<th class=\"num\">{_e(r.t('rank_prev', year=r.previous_year))}</th>"
                       f"<th class=\"num\">{_e(r.t('rank_prev', year=r.year))}</th>"
                       f"<th class=\"num\">{_e(r.t('rank_move'))}</th><th class=\"num\">± {_e(r.t('points_col').lower())}</th>"
                       f"<th>{_e(r.t('moved_by'))}</th></tr></thead><tbody>")
            for mover in movers:
                moved = "; ".join(f"{cid} {title} ({r.signed(delta, tier.digits)})" for cid, title, delta in mover.criteria)
                out.append(f'<tr><td><a href="{_e(links.get(mover.anchor, ""))}#{mover.anchor}">{_e(mover.name)}</a> ({_e(mover.code)})</td>'
                           f"{_td_num(r.num(mover.previous_rank))}{_td_num(r.num(mover.rank))}"
                           f"{_td_num(r.signed(mover.rank_change), mover.rank_change)}"
                           f"{_td_num(r.signed(mover.total_change, tier.digits), mover.total_change)}"
                           f"<td>{_e(moved)}</td></tr>")
            out.append("</tbody></table>")
        moves = moves_for_chart(tier)
        if moves:
            title = r.t("chart_ranks", tier=tier.title, ranking=tier.movement_ranking or "", previous=r.previous_year)
            chart = rank_chart(title, moves, r.t("rise"), r.t("fall"), r.lang)
            out.append(f'<figure class="chart-ranks">{chart}<figcaption>{_e(title)}</figcaption></figure>')
        else:
            out.append(f"<p>{_e(r.t('no_movement'))}</p>")
        out.append("</section>")
    out.append("</section>")
    return "\n".join(out)


def _rankings(r: Report, links: Mapping[str, str]) -> Iterator[str]:
    """The ranking tables, line by line."""
    yield f'<section id="xep-hang"><h2>{_e(r.t("rankings"))}</h2>'
    yield f'<p class="meta">{_e(r.t("ranking_note"))}</p>'
    for tier in r.tiers:
        yield f'<section class="tier" id="xep-hang-{tier.id}"><h3>{_e(tier.title)} — {_e(tier.ranking_label)}</h3>'
        show_change = any(row.rank_change is not None for g in tier.groups for row in g.rows)
        show_prev = r.previous_year is not None
        show_status = any(row.status for g in tier.groups for row in g.rows)
        show_prev_level = any(row.previous_level is not None for g in tier.groups for row in g.rows)
        head = [f'<th class="num">{_e(r.t("rank"))}</th>', f"<th>{_e(r.t('code'))}</th>", f"<th>{_e(r.t('unit'))}</th>",
                f'<th class="num">{_e(tier.total_label or r.t("total"))}</th>']
        head += [f'<th class="num">{_e(label)}</th>' for label in tier.output_labels]
        head.append(f"<th>{_e(tier.level_title or r.t('level'))}</th>")
        if show_prev_level:
            head.append(f"<th>{_e(r.t('level_prev', year=r.previous_year))}</th>")
        if show_prev:
            head.append(f'<th class="num">{_e(r.t("rank_prev", year=r.previous_year))}</th>')
        if show_change:
            head.append(f'<th class="num">{_e(r.t("rank_move"))}</th>')
        if show_status:
            head.append(f"<th>{_e(r.t('note'))}</th>")
        for group in tier.groups:
            if group.title:
                yield f'<h4 id="xep-hang-{tier.id}-{_e(group.code or "")}">{_e(group.title)}</h4>'
            yield f"<table class=\"ranking\"><thead><tr>{''.join(head)}</tr></thead><tbody>"
            for row in group.rows:
                cells = [_td_num(r.num(row.rank)), f"<td>{_e(row.code)}</td>",
                         f'<td><a href="{_e(links.get(row.anchor, ""))}#{row.anchor}">{_e(row.name)}</a></td>', _td_num(r.num(row.total, tier.table_digits))]
                cells += [_td_num(r.num(value, digits)) for value, digits in zip(row.outputs, tier.output_digits)]
                cells.append(f"<td>{_e(row.level)}</td>")
                if show_prev_level:
                    cells.append(f"<td>{_e(row.previous_level or '—')}</td>")
                if show_prev:
                    cells.append(_td_num(r.num(row.previous_rank) if row.previous_rank is not None else "—"))
                if show_change:
                    cells.append(_td_num(r.signed(row.rank_change) if row.rank_change else
                                         ("0" if row.rank_change == 0 else "—"), row.rank_change))
                if show_status:
                    cells.append(f"<td>{_e(row.status)}</td>")
                yield f"<tr>{''.join(cells)}</tr>"
            yield "</tbody></table>"
        yield "</section>"
    yield "</section>"


def _units(r: Report, pages: Mapping[str, list[tuple[str, str]]]) -> Iterator[str]:
    """The explanations' section: each tier's units, or the list of the pages that explain them; line by line."""
    yield f'<section id="giai-trinh"><h2>{_e(r.t("units"))}</h2>'
    for tier in r.tiers:
        yield f'<section class="tier" id="giai-trinh-{tier.id}"><h3>{_e(tier.title)}</h3>'
        if tier.id in pages:
            yield f"<p>{_e(r.t('units_pages', count=r.num(len(tier.units)), pages=r.num(len(pages[tier.id]))))}</p>"
            yield ("<ul>" + "".join(f'<li><a href="{_e(file)}">{_e(title)}</a></li>' for file, title in pages[tier.id])
                   + "</ul>")
        written = WrittenRows()
        for unit in tier.units if tier.id not in pages else ():
            yield _unit(r, tier, unit, written=written)
        yield "</section>"
    yield "</section>"


def _unit(r: Report, tier: TierReport, unit: UnitPage, main: str = "", written: WrittenRows | None = None) -> str:
    """A unit's explanation; ``main``: the file holding the appendix its criteria link to, when not this one;
    ``written``: the rows already written for this tier and ``main``."""
    return "\n".join(_unit_lines(r, tier, unit, main, written))


def _unit_lines(r: Report, tier: TierReport, unit: UnitPage, main: str = "",
                written: WrittenRows | None = None) -> list[str]:
    known = WrittenRows() if written is None else written
    summary = unit.summary(r, tier.table_digits)
    title = f"{unit.code} {unit.name}" + (f" — {unit.district}" if unit.district else "")
    out = [f'<details class="unit" id="{unit.anchor}"><summary>{_e(title)}: {_e(summary)}</summary>']
    facts = [f"{label}: {r.num(value, digits)}" for (label, value), digits in zip(unit.outputs, tier.output_digits)]
    facts += [r.t("ranked", rank=r.num(rank), of=r.num(of), ranking=label) for label, rank, of in unit.ranks]
    if facts:
        out.append(f"<p>{_e('; '.join(facts))}.</p>")
    if unit.previous:
        out.append(f"<p>{_e(unit.previous)}.</p>")
    if unit.unmet:
        out.append(f"<p>{_e(r.t('unmet'))}: {_e('; '.join(unit.unmet))}.</p>")
    if unit.note and unit.note != r.note:
        out.append(f"<p>{_e(r.t('note'))}: {_e(unit.note)}</p>")
    show_delta = any(c.change is not None for c in unit.criteria) and r.previous_year is not None
    head = known.heads.get(show_delta)
    if head is None:
        head = known.heads[show_delta] = _explain_head(r, show_delta)
    out.append(head)
    out += known.written(unit.criteria, show_delta, lambda c: _criterion_row(r, tier, c, main, show_delta))
    out.append("</tbody></table></details>")
    return out


def _explain_head(r: Report, show_delta: bool) -> str:
    head = (f"<tr><th>{_e(r.t('criterion'))}</th><th class=\"num\">{_e(r.t('points_col'))}</th>"
            f"<th class=\"num\">{_e(r.t('max'))}</th>"
            + (f"<th class=\"num\">{_e(r.t('delta', year=r.previous_year))}</th>" if show_delta else "")
            + f"<th>{_e(r.t('read'))}</th><th>{_e(r.t('why'))}</th></tr>")
    return f"<table class=\"explain\"><thead>{head}</thead><tbody>"


def _criterion_row(r: Report, tier: TierReport, c: Criterion, main: str, show_delta: bool) -> str:
    cells = [_criterion_cell(tier.id, c.id, c.title, c.depth, c.flags, main if r.appendix is not None else None),
             _td_num(r.num(c.points, tier.digits)), _td_num(r.num(c.max))]
    if show_delta:
        cells.append(_td_num(r.signed(c.change, tier.digits) if c.change else "", c.change))
    read = "; ".join(f"{label}: {value}" for label, value in c.read)
    cells.append(f'<td class="read">{escape(read, quote=True)}</td>')
    cells.append(f'<td class="why">{escape(c.why, quote=True) if not c.is_group else ""}</td></tr>')
    return "".join(cells)


@lru_cache(maxsize=1 << 12)
def _criterion_cell(tier_id: str, node_id: str, title: str, depth: int, flags: tuple[str, ...], main: str | None) -> str:
    """The start of a criterion's row: its depth, and its id (linked to the appendix's row in ``main``, unless the
    report has no appendix: None), title and flags."""
    flagged = "".join(f'<span class="flag">{_e(flag)}</span>' for flag in flags)
    criterion = f'<a href="{_e(main)}#{row_anchor(tier_id, node_id)}">{_e(node_id)}</a>' if main is not None else _e(node_id)
    return f'<tr class="depth-{min(depth, 3)}"><td>{criterion} {_e(title)}{flagged}</td>'


def _appendix(r: Report) -> str:
    """The criteria as the decision's appendix prints them; each explanation's criterion id links to its row."""
    if r.appendix is None:
        return ""
    out = [f'<section id="phu-luc"><h2>{_e(r.appendix.title)}</h2>']
    for tier in r.appendix.tiers:
        out.append(f'<section class="tier"><h3>{_e(r.appendix.t("tier").format(title=tier.title))}</h3>')
        out.append(appendix_rows_html(r.appendix, tier))
        out.append("</section>")
    if r.ruleset_source is not None:
        out.append(f'<details class="source"><summary>{_e(r.t("ruleset_source"))}</summary>{_source(r.ruleset_source)}</details>')
    out.append("</section>")
    return "\n".join(out)


def _source(text: str) -> str:
    """The ruleset's text, highlighted by the cqdt lexer when Pygments (the 'highlight' extra) is installed."""
    try:
        from cqdt_rules.language.highlight import highlighted_html
    except ImportError:
        return f"<pre>{_e(text)}</pre>"
    return highlighted_html(text)


def _footer(r: Report) -> str:
    return (f"<footer><p>{_e(r.t('generated', at=r.run_at, ruleset=r.ruleset_id, version=r.ruleset_version, hash=r.ruleset_hash))}"
            "</p></footer>")
