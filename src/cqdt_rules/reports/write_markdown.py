"""The report as Markdown, with its charts as separate SVG files beside it."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

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
    RankRow,
    lines_text,
    moves_for_chart,
    unit_links,
)
from cqdt_rules.reports.markdown_text import escape_markdown as _escape
from cqdt_rules.reports.sections import Section


class Raw(str):
    """Markdown made here (a link, bold text): put into a table cell as it is."""


def _text(text: object) -> str:
    """Text from the data or the ruleset, escaped so Markdown shows it as written (names like 'Sở <Thử> & ...')."""
    return _escaped(text) if type(text) is str else _escape(str(text))


@lru_cache(maxsize=1 << 14)
def _escaped(text: str) -> str:
    """A large cohort's explanations repeat the same titles and texts: each is escaped once (text only: 1.0 and 1
    are equal numbers written differently)."""
    return _escape(text)


def _cell(text: object) -> str:
    return str(text) if isinstance(text, Raw) else _text(text)


def _table(header: list[str], rows: Iterable[list[str]], right: set[int]) -> list[str]:
    return list(_table_lines(header, rows, right))


def _table_lines(header: list[str], rows: Iterable[list[str]], right: set[int]) -> Iterator[str]:
    """A table's lines, each row written as it comes."""
    yield "| " + " | ".join(_cell(h) for h in header) + " |"
    yield "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"
    for row in rows:
        yield "| " + " | ".join(_cell(c) for c in row) + " |"
    yield ""


def render_markdown_pages(report: Report, name: str, charts_dir: str,
                          page_units: int | None = None) -> tuple[Iterator[tuple[str, str]], dict[str, str]]:
    """The report as Markdown files, each as file name and text, made one at a time (``name`` first, then, for each
    tier of more than ``page_units`` units, its explanations on pages of their own: see ``explanation_pages``), and
    the charts they link to."""
    files, charts = markdown_files(report, name, charts_dir, page_units)
    first_name, first = next(files)
    text = "".join(first)  # the main page, which makes the charts
    return itertools.chain([(first_name, text)], ((file, "".join(part)) for file, part in files)), charts


def markdown_files(report: Report, name: str, charts_dir: str,
                   page_units: int | None = None) -> tuple[Iterator[tuple[str, Iterable[str]]], dict[str, str]]:
    """``render_markdown_pages``, each file's text in pieces made as they are written; the charts are made with the
    main page's text, so are all there once it is written."""
    pages = explanation_pages(report, name, page_units)
    listed = {tier: [(f, t) for f, t, _ in parts] for tier, parts in pages.items()}
    charts: dict[str, str] = {}
    main = lines_text(_markdown_lines(report, charts, charts_dir, listed, unit_links(pages)))
    explained = each_explanation_page(report, pages, functools.partial(_explanation_page, report, main=name))
    return itertools.chain([(name, main)], ((file, (text,)) for file, text in explained)), charts


def _explanation_page(r: Report, tier: TierReport, title: str, units: Iterable[UnitPage], written: WrittenRows | None = None,
                      main: str = "") -> str:
    """One page of a tier's explanations, titled by the tier and the page, linking back to ``main``."""
    out = [f"> **{_text(r.banner)}**" if r.synthetic else f"> {_text(r.banner)}", ""] if r.banner else []
    out += [f"# {_text(r.t('units'))}", "", f"*{_text(tier.title)}: {_text(title)}*", "",
            f"[{_text(r.title)}]({main}#giai-trinh)", ""]
    known = WrittenRows() if written is None else written
    for unit in units:
        out += _unit(r, tier, unit, known)
    out.append(_text(r.t("generated", at=r.run_at, ruleset=r.ruleset_id, version=r.ruleset_version,
                         hash=r.ruleset_hash)))
    out.append("")
    return "\n".join(out)


def render_markdown(report: Report, charts_dir: str, pages: Mapping[str, list[tuple[str, str]]] | None = None,
                    links: Mapping[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """The Markdown text and the charts it links to (file name → SVG), to write under ``charts_dir``; ``pages``
    (by tier id: file name and title of each explanation page) and ``links`` (a unit's anchor: the file that
    explains it) when some tiers' explanations are on pages of their own."""
    charts: dict[str, str] = {}
    text = "\n".join(_markdown_lines(report, charts, charts_dir, pages or {}, links or {})) + "\n"
    return text, charts


def _markdown_lines(r: Report, charts: dict[str, str], charts_dir: str, pages: Mapping[str, list[tuple[str, str]]],
                    links: Mapping[str, str]) -> Iterator[str]:
    """``render_markdown``'s lines, made as they are written (its charts put into ``charts`` on the way): a national
    cohort's ranking tables and explanations are never held together."""
    if r.banner:
        yield from [f"> **{_text(r.banner)}**" if r.synthetic else f"> {_text(r.banner)}", ""]
    yield from [f"# {_text(r.title)}", "", f"*{_text(r.subtitle)}*", ""]
    yield (f"- {_text(r.t('ruleset'))}: `{r.ruleset_id}` ({_text(r.t('version'))} {_text(r.ruleset_version)}, "
           f"{_text(r.t('status'))} {_text(r.status_label)}), `{r.ruleset_hash[:19]}`")
    yield f"- {_text(r.t('source'))}: {_text(r.source_label)}"
    if r.reconstructed:
        yield f"- {_text(r.t('reconstructed'))}"
    if r.previous_year is None:
        yield f"- {_text(r.t('no_previous'))}"
    elif not r.same_ruleset:
        yield f"- {_text(r.t('previous_ruleset', year=r.previous_year, ruleset=r.previous_ruleset_id))}"
    yield ""
    yield from [f"## {_text(r.t('toc'))}", ""]
    for number, (section, title) in enumerate(r.section_ids(), 1):
        yield f"{number}. [{_text(title)}](#{section})"
        for tier in r.tiers:
            yield f"   - {_text(tier.title)}"
    yield ""

    for written in r.front:
        yield from _section(written, charts, charts_dir, r.lang)
    yield from ['<a id="danh-gia-chung"></a>', "", f"## {_text(r.t('general'))}", ""]
    for tier in r.tiers:
        yield from [f"### {_text(tier.title)}", "", _text(tier.paragraph), ""]
        if tier.top_bottom:
            yield from [_text(tier.top_bottom), ""]
        yield from _level_table(r, tier)
        labels, current, previous = level_chart_data(r, tier)
        if tier.compared_levels and r.previous_year is not None:
            title = r.t("chart_levels", tier=tier.title, year=r.year, previous=r.previous_year)
        else:
            title = r.t("chart_levels_one", tier=tier.title, year=r.year)
        name = f"levels-{tier.id}.svg"
        charts[name] = level_chart(title, labels, current, previous, str(r.year),
                                   str(r.previous_year) if r.previous_year is not None else None, r.lang)
        yield from [f"![{_cell(title)}]({charts_dir}/{name})", ""]

    if r.previous_year is not None:
        yield from ['<a id="thay-doi"></a>', "", f"## {_text(r.t('changes', year=r.previous_year))}", ""]
        for tier in r.tiers:
            yield from [f"### {_text(tier.title)}", ""]
            for sentence in tier.movement:
                yield from [_text(sentence), ""]
            if tier.movement_ranking:
                yield from [f"*{_text(r.t('movement_basis', ranking=tier.movement_ranking))}*", ""]
            for sentence in tier.attribution:
                yield from [_text(sentence), ""]
            for key, movers in (("risers", tier.risers), ("fallers", tier.fallers)):
                if not movers:
                    continue
                yield from [f"#### {_text(r.t(key))}", ""]
                rows = [[f"{m.name} ({m.code})", r.num(m.previous_rank), r.num(m.rank), r.signed(m.rank_change),
                         r.signed(m.total_change, tier.digits),
                         "; ".join(f"{cid} {title} ({r.signed(delta, tier.digits)})" for cid, title, delta in m.criteria)]
                        for m in movers]
                yield from _table([r.t("unit"), r.t("rank_prev", year=r.previous_year), r.t("rank_prev", year=r.year),
                                   r.t("rank_move"), "± " + r.t("points"), r.t("moved_by")], rows, {1, 2, 3, 4})
            moves = moves_for_chart(tier)
            if moves:
                title = r.t("chart_ranks", tier=tier.title, ranking=tier.movement_ranking or "", previous=r.previous_year)
                name = f"ranks-{tier.id}.svg"
                charts[name] = rank_chart(title, moves, r.t("rise"), r.t("fall"), r.lang)
                yield from [f"![{_cell(title)}]({charts_dir}/{name})", ""]
            else:
                yield from [_text(r.t("no_movement")), ""]

    for written in r.back:
        yield from _section(written, charts, charts_dir, r.lang)
    yield from ['<a id="xep-hang"></a>', "", f"## {_text(r.t('rankings'))}", "", _text(r.t("ranking_note")), ""]
    for tier in r.tiers:
        yield from [f"### {_text(tier.title)} — {_text(tier.ranking_label)}", ""]
        yield from _ranking(r, tier, links)

    yield from ['<a id="giai-trinh"></a>', "", f"## {_text(r.t('units'))}", ""]
    for tier in r.tiers:
        yield from [f"### {_text(tier.title)}", ""]
        if tier.id in pages:
            yield _text(r.t("units_pages", count=r.num(len(tier.units)), pages=r.num(len(pages[tier.id]))))
            yield from [""] + [f"- [{_text(title)}]({file})" for file, title in pages[tier.id]] + [""]
        shown = WrittenRows()
        for unit in tier.units if tier.id not in pages else ():
            yield from _unit(r, tier, unit, shown)
    yield _text(r.t("generated", at=r.run_at, ruleset=r.ruleset_id, version=r.ruleset_version, hash=r.ruleset_hash))


def _section(section: Section, charts: dict[str, str], charts_dir: str, lang: str) -> list[str]:
    """A written section (I-III, V, history): headings, paragraphs, tables, and its charts as SVG files."""
    out = [f'<a id="{section.anchor}"></a>', "", f"## {_text(section.title)}", ""]
    for block in section.blocks:
        if block.heading:
            out += [f"### {_text(block.heading)}", ""]
        for text in block.paragraphs:
            out += [_text(text), ""]
        for table in block.tables:
            if table.title:
                out += [f"#### {_text(table.title)}", ""]
            out += _table(list(table.header), [list(row) for row in table.rows], set(table.right))
        for chart in block.charts:
            charts[f"{chart.name}.svg"] = grouped_chart(chart.title, chart.categories, chart.series, lang)
            out += [f"![{_cell(chart.title)}]({charts_dir}/{chart.name}.svg)", ""]
        for figure in block.figures:
            charts[f"{figure.name}.svg"] = figure.svg
            out += [f"![{_cell(figure.title)}]({charts_dir}/{figure.name}.svg)", ""]
    return out


def _level_table(r: Report, tier: TierReport) -> list[str]:
    compared = tier.compared_levels and r.previous_year is not None
    header, rows = r.level_table(tier)
    total = [r.t("total_row")] + ([r.num(tier.previous_assessed)] if compared else []) + [r.num(tier.assessed), r.num(100) + "%"]
    rows.append(total + ([""] if compared else []))
    return _table(header, rows, set(range(1, len(header))))


def _ranking(r: Report, tier: TierReport, links: Mapping[str, str]) -> Iterator[str]:
    """A tier's ranking tables, line by line."""
    rows_all = [row for g in tier.groups for row in g.rows]
    show_change = any(row.rank_change is not None for row in rows_all)
    show_prev = r.previous_year is not None
    show_prev_level = any(row.previous_level is not None for row in rows_all)
    show_status = any(row.status for row in rows_all)
    header = [r.t("rank"), r.t("code"), r.t("unit"), tier.total_label or r.t("total")] + list(tier.output_labels) + [tier.level_title or r.t("level")]
    if show_prev_level:
        header.append(r.t("level_prev", year=r.previous_year))
    if show_prev:
        header.append(r.t("rank_prev", year=r.previous_year))
    if show_change:
        header.append(r.t("rank_move"))
    if show_status:
        header.append(r.t("note"))
    right = {0, 3} | set(range(4, 4 + len(tier.output_labels)))
    if show_prev:
        right.add(header.index(r.t("rank_prev", year=r.previous_year)))
    if show_change:
        right.add(header.index(r.t("rank_move")))

    def cells(row: RankRow) -> list[str]:
        found = [r.num(row.rank), row.code, Raw(f"[{_text(row.name)}]({links.get(row.anchor, '')}#{row.anchor})"),
                 r.num(row.total, tier.table_digits)]
        found += [r.num(value, digits) for value, digits in zip(row.outputs, tier.output_digits)]
        found.append(row.level)
        if show_prev_level:
            found.append(row.previous_level or "—")
        if show_prev:
            found.append(r.num(row.previous_rank) if row.previous_rank is not None else "—")
        if show_change:
            found.append(r.signed(row.rank_change) if row.rank_change else ("0" if row.rank_change == 0 else "—"))
        if show_status:
            found.append(row.status)
        return found

    for group in tier.groups:
        if group.title:
            yield from [f"#### {_text(group.title)}", ""]
        yield from _table_lines(header, map(cells, group.rows), right)


def _unit(r: Report, tier: TierReport, unit: UnitPage, written: WrittenRows | None = None) -> list[str]:
    """A unit's explanation; ``written``: the rows already written for this tier."""
    known = WrittenRows() if written is None else written
    title = f"{unit.code} {unit.name}" + (f" — {unit.district}" if unit.district else "")
    out = [f'<a id="{unit.anchor}"></a>', "", f"#### {_text(title)}", ""]
    facts = [unit.summary(r, tier.table_digits)]
    facts += [f"{label}: {r.num(value, digits)}" for (label, value), digits in zip(unit.outputs, tier.output_digits)]
    facts += [r.t("ranked", rank=r.num(rank), of=r.num(of), ranking=label) for label, rank, of in unit.ranks]
    out += [_text("; ".join(facts) + "."), ""]
    if unit.previous:
        out += [_text(unit.previous + "."), ""]
    if unit.unmet:
        out += [_text(f"{r.t('unmet')}: {'; '.join(unit.unmet)}."), ""]
    if unit.note and unit.note != r.note:
        out += [_text(f"{r.t('note')}: {unit.note}"), ""]
    show_delta = any(c.change is not None for c in unit.criteria) and r.previous_year is not None
    head = known.heads.get(show_delta)
    if head is None:
        head = known.heads[show_delta] = "\n".join(_table(_explain_header(r, show_delta), [],
                                                           {1, 2, 3} if show_delta else {1, 2})[:-1])
    out.append(head)
    out += known.written(unit.criteria, show_delta, lambda c: _criterion_row(r, tier, c, show_delta))
    return out + [""]


def _explain_header(r: Report, show_delta: bool) -> list[str]:
    header = [r.t("criterion"), r.t("points_col"), r.t("max")]
    header += [r.t("delta", year=r.previous_year)] if show_delta else []
    return header + [r.t("read"), r.t("why")]


def _criterion_row(r: Report, tier: TierReport, c: Criterion, show_delta: bool) -> str:
    """A criterion's line of a unit's table, as ``_table`` writes it (its values and explanation, which few criteria
    share, escaped without the cache of repeated texts)."""
    cells = [_criterion_name(c.id, c.title, c.depth, c.is_group, c.flags), _text(r.num(c.points, tier.digits)),
             _text(r.num(c.max))]
    if show_delta:
        cells.append(_text(r.signed(c.change, tier.digits) if c.change else ""))
    cells.append(_escape("; ".join(f"{label}: {value}" for label, value in c.read)))
    cells.append("" if c.is_group else _escape(c.why))
    return "| " + " | ".join(cells) + " |"


@lru_cache(maxsize=1 << 12)
def _criterion_name(node_id: str, title: str, depth: int, is_group: bool, flags: tuple[str, ...]) -> str:
    """A criterion's first cell: indented by its depth, a group in bold, its flags after it."""
    label = _text(f"{node_id} {title}")
    name = ("&nbsp;&nbsp;" * depth) + (f"**{label}**" if is_group else label)
    if flags:
        name += " (" + _text(", ".join(flags)) + ")"
    return name
