"""Render one unit's result as text: every node's points, the inputs read, the branch taken, provenance."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from cqdt_rules.engine.compiler import NodeResult
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import branch_text
from cqdt_rules.model.ruleset import Tier
from cqdt_rules.model.units import Assessment, Pair


class _Level(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def unmet(self) -> tuple[str, ...]: ...


class _Rank(Protocol):
    @property
    def ranking(self) -> str: ...
    @property
    def rank(self) -> int: ...
    @property
    def of(self) -> int: ...
    @property
    def group(self) -> str: ...


class ExplainedUnit(Protocol):
    """What an explanation reads of a unit's result (``results.UnitResult`` has it; this module does
    not import ``results``, which calls it)."""

    @property
    def assessment(self) -> Assessment: ...
    @property
    def tier(self) -> Tier: ...
    @property
    def nodes(self) -> Mapping[str, NodeResult]: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def max(self) -> Decimal: ...
    @property
    def outputs(self) -> Mapping[str, Decimal | None]: ...
    @property
    def levels(self) -> Mapping[str, _Level]: ...
    @property
    def ranks(self) -> Mapping[str, _Rank]: ...


_WORDS = {
    "vi": {"district": "huyện", "total": "tổng điểm", "not_higher": "chưa lên mức cao hơn vì", "rank": "hạng",
           "read": "số liệu", "why": "cách tính", "flags": "ghi chú", "provenance": "nguồn",
           "not assessed": "(chưa đánh giá)", "yes": "có", "no": "không", "year": "năm", "tier": "khối"},
    "en": {"district": "district", "total": "total", "not_higher": "not higher", "rank": "rank",
           "read": "read", "why": "why", "flags": "flags", "provenance": "provenance",
           "not assessed": "(not assessed)", "yes": "yes", "no": "no", "year": "", "tier": "tier"},
}
_SOURCES = {"vi": {"self": "tự đánh giá", "audit": "thẩm định"}, "en": {"self": "self", "audit": "audit"}}
_FLAGS_VI = {"not assessed": "chưa đánh giá", "missing evidence": "thiếu tài liệu kiểm chứng", "capped": "vượt tối đa",
             "floored": "nâng lên 0", "informational": "chỉ để thông tin", "cohort best is 0": "cao nhất trong nhóm bằng 0"}
_STATUS_VI = {"official": "chính thức", "reconstructed": "tái dựng", "hypothetical": "giả định"}


def _value_text(value: Any, lang: str = "en") -> str:
    if value is None:
        return _WORDS[lang]["not assessed"]
    if isinstance(value, bool):
        return _WORDS[lang]["yes" if value else "no"]
    if isinstance(value, Pair):
        return f"{format_number(value.a, lang)}/{format_number(value.b, lang)}"
    if isinstance(value, Decimal):
        return format_number(value, lang)
    return str(value)


def explain_unit(unit: ExplainedUnit, lang: str = "en") -> str:
    """Every node's points with the values read, the branch taken, flags and provenance, in ``lang``
    (numbers in its format; the ruleset's own titles as written, or their English title in English)."""
    words = _WORDS[lang]
    a = unit.assessment
    year = f"{words['year']} {a.year}".strip()
    lines = [f"{a.code} {a.name} ({words['tier']} {unit.tier.id}, {year}, {_SOURCES[lang].get(a.source, a.source)})"
             + (f", {words['district']} {a.parent}" if a.parent else "")]
    lines.append(_summary(unit, lang))
    texts = _node_texts(unit.tier, lang)
    for node_id, result in unit.nodes.items():
        lines.extend(_node_lines(texts[node_id], result, lang))
    return "\n".join(lines)


class _NodeText(NamedTuple):
    """What a node's lines say whatever the unit: set out once per tier and language."""

    head: str  # indent, id and title, up to the points
    of_max: str  # " / " and the maximum
    indent: str
    is_group: bool
    provenance: str | None  # the provenance line


def _node_texts(tier: Tier, lang: str) -> dict[str, _NodeText]:
    """The ``_NodeText`` of every node of the tier in ``lang``, set out once per tier."""
    kept: dict[str, _NodeText] | None = tier.memo.get((_NodeText, lang))
    if kept is None:
        kept = tier.memo[(_NodeText, lang)] = _set_out(tier, lang)
    return kept


def _set_out(tier: Tier, lang: str) -> dict[str, _NodeText]:
    words, depth = _WORDS[lang], tier.depths
    texts: dict[str, _NodeText] = {}
    for node in tier.walk():
        indent = "  " * (depth.get(node.id, 0) + 1)
        title = node.title_en if lang == "en" and node.title_en else node.title
        provenance = None
        if node.provenance is not None:
            status = node.provenance.status
            shown = _STATUS_VI.get(status, status) if lang == "vi" else status
            provenance = f"{indent}  {words['provenance']} ({shown}): {node.provenance.text}"
        texts.setdefault(node.id, _NodeText(f"{indent}{node.id} {title}: ", f" / {format_number(node.max, lang)}",
                                            indent, node.rule is None, provenance))
    return texts


def _summary(unit: ExplainedUnit, lang: str) -> str:
    words = _WORDS[lang]
    summary = f"{words['total']} {format_number(unit.total, lang)} / {format_number(unit.max, lang)}"
    for name, value in unit.outputs.items():
        summary += f"; {name} = {format_number(value, lang)}"
    for level in unit.levels.values():
        summary += f"; {level.label}"
        if level.unmet:
            summary += f" ({words['not_higher']}: {'; '.join(level.unmet)})"
    labels = {r.name: r.label for r in unit.tier.rankings}
    for rank in unit.ranks.values():
        where = f"{words['district']} {rank.group}" if rank.group != unit.tier.id else f"{words['tier']} {rank.group}"
        name = labels.get(rank.ranking, rank.ranking) if lang == "vi" else rank.ranking
        summary += f"; {words['rank']} {rank.rank}/{rank.of} ({name}, {where})"
    return summary


def _node_lines(text: _NodeText, result: NodeResult, lang: str) -> list[str]:
    words = _WORDS[lang]
    indent = text.indent
    lines = [f"{text.head}{format_number(result.points, lang)}{text.of_max}"]
    if text.is_group:
        if "capped" in result.flags:
            lines.append(f"{indent}  {branch_text(result.branch, lang)}")
        return lines
    inputs = result.inputs
    if inputs:
        read = ", ".join(f"{name} = {_value_text(value, lang)}" for name, value in inputs)
        lines.append(f"{indent}  {words['read']}: {read}")
    lines.append(f"{indent}  {words['why']}: {branch_text(result.branch, lang)}")
    if result.flags:
        flags = [_FLAGS_VI.get(f, f) if lang == "vi" else f for f in result.flags]
        lines.append(f"{indent}  {words['flags']}: {', '.join(flags)}")
    if text.provenance is not None:
        lines.append(text.provenance)
    return lines
