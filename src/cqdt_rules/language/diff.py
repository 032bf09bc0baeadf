"""What changed between two rulesets, node by node: what an official reads to see what an amending
decision changed (``cqdt diff OLD NEW``).

Nodes are matched by id within a tier, indicators by name, levels, rankings and outputs by name. A
change to a level scale, ranking or output that is the same in every tier is listed once, under
"every tier".

What a person reads (labels, values such as "none", the connecting words, headings) is in the language
asked for; ``field`` and ``subject`` are the ruleset language's own names, the same in both, and the
rules, inputs and levels are quoted as the ruleset language writes them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import translate
from cqdt_rules.language.formatter import (
    band_text,
    input_text,
    level_text,
    levels_lines,
    literal_text,
    number_text,
    output_text,
    points_text,
    provenance_text,
    quote,
    ranking_text,
    ref_text,
    rounding_text,
    rule_text,
    years_text,
)
from cqdt_rules.model import ruleset as m

EVERY_TIER = "every tier"
_MARK = {"changed": "~", "added": "+", "removed": "-", "moved": ">"}


@attrs.frozen
class Change:
    """One difference. ``section`` is "header", a tier id or "every tier"; ``subject`` what in it
    changed ("" for the section itself, a node id, "levels muc_do", "ranking khoi", "output dti");
    ``field`` which property ("" when the whole subject was added or removed)."""

    kind: str  # changed, added, removed, moved
    section: str
    subject: str
    field: str
    old: str | None
    new: str | None
    label: str = ""  # how the subject is named to a reader, e.g. 'A1.1 "Tỷ lệ ..."'

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def diff_rulesets(old: m.Ruleset, new: m.Ruleset, lang: str = "en") -> tuple[Change, ...]:
    """Every difference between ``old`` and ``new``: header, tiers, nodes, indicators, rules,
    levels, rankings and outputs; labels and values worded in ``lang``."""
    found: list[Change] = list(_header_changes(old.header, new.header, lang))
    old_tiers = {t.id: t for t in old.tiers}
    new_tiers = {t.id: t for t in new.tiers}
    per_tier: dict[str, list[Change]] = {}
    for tier_id in _union([t.id for t in old.tiers], [t.id for t in new.tiers]):
        before, after = old_tiers.get(tier_id), new_tiers.get(tier_id)
        if before is None or after is None:
            tier = after or before
            assert tier is not None
            kind = "added" if before is None else "removed"
            text = (f"{quote(tier.title)}, {translate('max', lang)} {format_number(tier.max, lang)}, "
                    f"{format_number(len(tier.walk()), lang)} {translate('nodes', lang)}")
            found.append(Change(kind, tier_id, "", "", None if before is None else text, text if before is None else None,
                                f"{translate('tier', lang)} {tier_id}"))
            continue
        per_tier[tier_id] = list(_tier_changes(before, after, lang))
    found.extend(_collapse_shared(per_tier))
    return tuple(found)


# ---------------------------------------------------------------- header
_HEADER_FIELDS = ("id", "title", "title_en", "legal_source", "version", "status", "issued", "effective", "years",
                  "note", "rounding", "on_zero_denominator", "on_missing_evidence")


def _header_changes(old: m.Header, new: m.Header, lang: str) -> Iterator[Change]:
    for field in _HEADER_FIELDS:
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            yield Change("changed", "header", "", field, _value(before, field, lang), _value(after, field, lang),
                         translate("header", lang))


def _value(value: object, field: str, lang: str) -> str:
    if value is None:
        return translate("none", lang)
    if field == "years":
        return years_text(value)  # type: ignore[arg-type]
    if field in ("on_zero_denominator",):
        return points_text(value)  # type: ignore[arg-type]
    if isinstance(value, m.Rounding):
        return rounding_text(value)
    if isinstance(value, m.Provenance):
        return provenance_text(value).removeprefix("provenance ")
    if isinstance(value, bool):
        return translate("yes" if value else "no", lang)
    if field == "status":
        return translate(str(value), lang)
    if isinstance(value, str) and field not in ("id", "on_missing_evidence", "kind", "headline"):
        return quote(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_number(value, lang)
    return str(value)


# ---------------------------------------------------------------- tiers and nodes
def _tier_changes(old: m.Tier, new: m.Tier, lang: str) -> Iterator[Change]:
    label = f"{translate('tier', lang)} {new.id} {quote(_title(new, lang))}"
    for field in ("title", "title_en", "max", "total_rounding", "headline"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            yield Change("changed", new.id, "", field, _value(before, field, lang), _value(after, field, lang), label)
    yield from _node_changes(old, new, lang)
    yield from _declaration_changes(new.id, "levels", old.levels, new.levels, _levels_changes, lang)
    yield from _declaration_changes(new.id, "ranking", old.rankings, new.rankings, _whole(ranking_text), lang)
    yield from _declaration_changes(new.id, "output", old.outputs, new.outputs, _whole(output_text), lang)


def _title(item: m.Tier | m.Node, lang: str) -> str:
    """A tier's or node's title in ``lang``: its English title where the ruleset gives one."""
    return item.title_en if lang == "en" and item.title_en else item.title


def _node_changes(old: m.Tier, new: m.Tier, lang: str) -> Iterator[Change]:
    old_nodes = {n.id: n for n in old.walk()}
    new_nodes = {n.id: n for n in new.walk()}
    old_parents, new_parents = _parents(old), _parents(new)
    for node_id in _reading_order([n.id for n in old.walk()], [n.id for n in new.walk()]):
        before, after = old_nodes.get(node_id), new_nodes.get(node_id)
        if after is None:
            assert before is not None
            summary = _node_summary(before, lang) + f", {_parent_text(old_parents[node_id], lang)}"
            yield Change("removed", old.id, node_id, "", summary, None, _node_label(before, lang))
            continue
        label = _node_label(after, lang)
        if before is None:
            yield Change("added", new.id, node_id, "", None,
                         _node_summary(after, lang) + _placement(new, node_id, new_parents, lang), label)
            continue
        if old_parents[node_id] != new_parents[node_id]:
            yield Change("moved", new.id, node_id, "parent", _parent_text(old_parents[node_id], lang),
                         _parent_text(new_parents[node_id], lang), label)
        yield from _same_node_changes(new.id, before, after, label, lang)


def _same_node_changes(tier_id: str, old: m.Node, new: m.Node, label: str, lang: str) -> Iterator[Change]:
    def changed(field: str, before: object, after: object) -> Change:
        return Change("changed", tier_id, new.id, field, _value(before, field, lang), _value(after, field, lang), label)

    if old.is_group != new.is_group:
        yield changed("kind", _kind_word(old, lang), _kind_word(new, lang))
    for field in ("title", "title_en", "max", "capped"):
        if getattr(old, field) != getattr(new, field):
            yield changed(field, getattr(old, field), getattr(new, field))
    yield from _input_changes(tier_id, old, new, label, lang)
    if old.rule != new.rule:
        yield from _rule_changes(tier_id, new.id, old.rule, new.rule, label, lang)
    for field, name in (("provenance", "provenance"), ("rounding", "round"), ("share_digits", "share"), ("note", "note")):
        if getattr(old, field) != getattr(new, field):
            yield changed(name, getattr(old, field), getattr(new, field))


_INDICATOR_FIELDS = ("kind", "label", "unit", "range", "categories", "a_may_exceed_b", "evidence", "audit_only", "default")


def _input_changes(tier_id: str, old: m.Node, new: m.Node, label: str, lang: str) -> Iterator[Change]:
    before = {i.name: i for i in old.inputs}
    after = {i.name: i for i in new.inputs}
    for name in _union(list(before), list(after)):
        b, a = before.get(name), after.get(name)
        if b is None or a is None:
            kind = "added" if b is None else "removed"
            yield Change(kind, tier_id, new.id, f"input {name}", None if b is None else _input_body(b),
                         None if a is None else _input_body(a), label)
            continue
        for field in _INDICATOR_FIELDS:
            if getattr(b, field) != getattr(a, field):
                yield Change("changed", tier_id, new.id, f"input {name} {field}", _indicator_value(b, field, lang),
                             _indicator_value(a, field, lang), label)


def _input_body(ind: m.Indicator) -> str:
    return input_text(ind).removeprefix(f"input {ind.name} ")


def _indicator_value(ind: m.Indicator, field: str, lang: str) -> str:
    value = getattr(ind, field)
    if field == "range" and value is not None:
        return f"{number_text(value[0])}..{number_text(value[1])}"
    if field == "categories":
        return ", ".join(c.name + (f" {quote(c.label)}" if c.label else "") for c in value) or translate("none", lang)
    if field == "kind":
        return str(value)
    if field == "default" and value is not None:
        return literal_text(value)
    return _value(value, field, lang)


def _rule_changes(tier_id: str, node_id: str, old: m.Rule | None, new: m.Rule | None, label: str,
                  lang: str) -> Iterator[Change]:
    def change(field: str, before: str, after: str) -> Change:
        return Change("changed", tier_id, node_id, field, before, after, label)

    if old is None or new is None:
        group = translate("none (a group)", lang)
        yield change("rule", rule_text(old) if old else group, rule_text(new) if new else group)
        return
    if isinstance(old, m.BandsRule) and isinstance(new, m.BandsRule) and old.indicator == new.indicator \
            and len(old.bands) == len(new.bands):
        for index, (b, a) in enumerate(zip(old.bands, new.bands), start=1):
            if b != a:
                yield change(f"bands {new.indicator}, band {index}", band_text(b), band_text(a))
        if old.otherwise != new.otherwise:
            yield change(f"bands {new.indicator}, else", _else_text(old.otherwise, lang), _else_text(new.otherwise, lang))
        return
    if isinstance(old, m.CategoryRule) and isinstance(new, m.CategoryRule) and old.indicator == new.indicator:
        before = {arm.value: arm.points for arm in old.arms}
        after = {arm.value: arm.points for arm in new.arms}
        for value in _union(list(before), list(after)):
            if before.get(value) != after.get(value):
                yield change(f"category {new.indicator}, {value}", _arm_text(before.get(value), lang),
                             _arm_text(after.get(value), lang))
        if old.otherwise != new.otherwise:
            yield change(f"category {new.indicator}, else", _else_text(old.otherwise, lang),
                         _else_text(new.otherwise, lang))
        return
    yield change("rule", rule_text(old), rule_text(new))


def _arm_text(points: m.PointsSpec | None, lang: str) -> str:
    return translate("none", lang) if points is None else f"-> {points_text(points)}"


def _else_text(points: m.PointsSpec | None, lang: str) -> str:
    return translate("none", lang) if points is None else f"else -> {points_text(points)}"


def _node_label(node: m.Node, lang: str) -> str:
    return f"{node.id} {quote(_title(node, lang))}"


def _kind_word(node: m.Node, lang: str) -> str:
    return translate("group" if node.is_group else "criterion", lang)


def _node_summary(node: m.Node, lang: str) -> str:
    text = f"{_kind_word(node, lang)}, {translate('max', lang)} {format_number(node.max, lang)}"
    if node.rule is not None:
        text += f", {rule_text(node.rule)}"
    elif node.children:
        text += f", {format_number(len(node.children), lang)} {translate('items', lang)}"
    return text


def _parents(tier: m.Tier) -> dict[str, str | None]:
    found: dict[str, str | None] = {}

    def visit(nodes: Sequence[m.Node], parent: str | None) -> None:
        for node in nodes:
            found[node.id] = parent
            visit(node.children, node.id)

    visit(tier.nodes, None)
    return found


def _parent_text(parent: str | None, lang: str) -> str:
    return translate("top of the tier", lang) if parent is None else f"{translate('under', lang)} {parent}"


def _placement(tier: m.Tier, node_id: str, parents: dict[str, str | None], lang: str) -> str:
    parent = parents[node_id]
    siblings = [n.id for n in (tier.node(parent).children if parent else tier.nodes)]
    index = siblings.index(node_id)
    where = f", {_parent_text(parent, lang)}"
    if index > 0:
        where += f" {translate('after', lang)} {siblings[index - 1]}"
    elif len(siblings) > 1:
        where += f" {translate('before', lang)} {siblings[1]}"
    return where


def _reading_order(old_ids: list[str], new_ids: list[str]) -> list[str]:
    """The new tree's order, with each removed node just after the node that preceded it before."""
    order = list(new_ids)
    present = set(new_ids)
    for index, node_id in enumerate(old_ids):
        if node_id in present:
            continue
        anchor = next((old_ids[j] for j in range(index - 1, -1, -1) if old_ids[j] in order), None)
        order.insert(order.index(anchor) + 1 if anchor is not None else 0, node_id)
    return order


# ---------------------------------------------------------------- levels, rankings, outputs
Named = Any  # LevelScale | Ranking | Output


def _declaration_changes(tier_id: str, word: str, old: Sequence[Named], new: Sequence[Named],
                         compare: Callable[[str, str, Named, Named, str], Iterator[Change]], lang: str) -> Iterator[Change]:
    before = {x.name: x for x in old}
    after = {x.name: x for x in new}
    for name in _union(list(before), list(after)):
        b, a = before.get(name), after.get(name)
        subject = f"{word} {name}"
        if b is None or a is None:
            kind = "added" if b is None else "removed"
            yield Change(kind, tier_id, subject, "", None if b is None else _declaration_text(b),
                         None if a is None else _declaration_text(a), _subject_label(subject, lang))
        elif b != a:
            yield from compare(tier_id, subject, b, a, lang)


def _subject_label(subject: str, lang: str) -> str:
    """``levels muc_do`` in ``lang``: the kind of declaration in words, its name as written."""
    word, _, name = subject.partition(" ")
    return f"{translate(word, lang)} {name}"


def _declaration_text(item: Named) -> str:
    if isinstance(item, m.LevelScale):
        return " ".join(levels_lines(item))
    if isinstance(item, m.Ranking):
        return ranking_text(item)
    return output_text(item)


def _whole(text: Callable[[Any], str]) -> Callable[[str, str, Named, Named, str], Iterator[Change]]:
    def compare(tier_id: str, subject: str, old: Named, new: Named, lang: str) -> Iterator[Change]:
        yield Change("changed", tier_id, subject, "declaration", text(old), text(new), _subject_label(subject, lang))

    return compare


def _levels_changes(tier_id: str, subject: str, old: m.LevelScale, new: m.LevelScale, lang: str) -> Iterator[Change]:
    label = f"{_subject_label(subject, lang)} {quote(new.label)}"

    def change(kind: str, field: str, before: str | None, after: str | None) -> Change:
        return Change(kind, tier_id, subject, field, before, after, label)

    if old.label != new.label:
        yield change("changed", "label", quote(old.label), quote(new.label))
    if old.on != new.on:
        yield change("changed", "on", ref_text(old.on), ref_text(new.on))
    before = {lv.id: lv for lv in old.levels}
    after = {lv.id: lv for lv in new.levels}
    for level_id in _union(list(before), list(after)):
        b, a = before.get(level_id), after.get(level_id)
        if b is None or a is None:
            kind = "added" if b is None else "removed"
            yield change(kind, f"level {level_id}", None if b is None else level_text(b), None if a is None else level_text(a))
            continue
        if b.threshold != a.threshold:
            yield change("changed", f"level {level_id} cut-off", f">= {_threshold(b)}", f">= {_threshold(a)}")
        if b.label != a.label:
            yield change("changed", f"level {level_id} label", quote(b.label), quote(a.label))
        if b.requires != a.requires:
            yield change("changed", f"level {level_id} requires", _requires(b, lang), _requires(a, lang))
    if old.below != new.below:
        yield change("changed", "below", quote(old.below), quote(new.below))


def _threshold(level: m.Level) -> str:
    return number_text(level.threshold.value) + ("%" if level.threshold.percent else "")


def _requires(level: m.Level, lang: str) -> str:
    text = level_text(level)
    return text.split(" requires ", 1)[1] if " requires " in text else translate("nothing", lang)


def _collapse_shared(per_tier: dict[str, list[Change]]) -> list[Change]:
    """List a level, ranking or output change made in every tier once, under "every tier"."""
    if len(per_tier) < 2:
        return [c for changes in per_tier.values() for c in changes]

    def key(c: Change) -> tuple[Any, ...]:
        return (c.kind, c.subject, c.field, c.old, c.new, c.label)

    declarations = [[c for c in changes if _is_declaration(c)] for changes in per_tier.values()]
    common = [key(c) for c in declarations[0] if all(key(c) in {key(x) for x in other} for other in declarations[1:])]
    shared = [attrs.evolve(c, section=EVERY_TIER) for c in declarations[0] if key(c) in common]
    rest = [c for changes in per_tier.values() for c in changes if not (_is_declaration(c) and key(c) in common)]
    return shared + rest


def is_node_change(change: Change) -> bool:
    """Whether ``change`` is to a node (a group or criterion) of a tier, not to the header, a tier itself or a level
    scale, ranking or output."""
    return change.section not in ("header", EVERY_TIER) and bool(change.subject) and not _is_declaration(change)


def _is_declaration(change: Change) -> bool:
    return change.subject.split(" ", 1)[0] in ("levels", "ranking", "output")


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


# ---------------------------------------------------------------- rendering
@attrs.frozen
class Entry:
    """One line of a diff as a reader sees it, the same in every format: a subject added or removed (``text``), a
    subject with the properties that changed (``details``), or a property of the section itself (no ``label``)."""

    mark: str  # ~ + - >
    label: str
    text: str = ""
    details: tuple[str, ...] = ()


def diff_sections(changes: Sequence[Change], old: m.Ruleset, new: m.Ruleset,
                  lang: str = "en") -> list[tuple[str, list[Entry]]]:
    """The changes grouped as the reader reads them: per section (header, every tier, each tier) its heading in
    ``lang`` and its entries. The text, Markdown and HTML formats all write these."""
    sections: list[tuple[str, list[Entry]]] = []
    tiers = {t.id: t for t in (*old.tiers, *new.tiers)}
    section: str | None = None
    subject: str | None = None
    for change in changes:
        if change.section != section:
            section, subject = change.section, None
            sections.append((_section_heading(section, tiers, lang), []))
        entries = sections[-1][1]
        if change.field == "" or change.kind in ("added", "removed") and not change.field.startswith(("input ", "level ")):
            entries.append(Entry(_MARK[change.kind], change.label, _whole_text(change, lang)))
            subject = None
        elif not change.subject:
            entries.append(Entry("~", "", _field_text(change, lang)))
        elif change.subject == subject:
            entries[-1] = attrs.evolve(entries[-1], details=(*entries[-1].details, _field_text(change, lang)))
        else:
            subject = change.subject
            entries.append(Entry("~", change.label, details=(_field_text(change, lang),)))
    return sections


def _section_heading(section: str, tiers: dict[str, m.Tier], lang: str) -> str:
    if section == "header":
        return translate("Header", lang)
    if section == EVERY_TIER:
        return translate("Every tier", lang)
    title = quote(_title(tiers[section], lang)) if section in tiers else ""
    return f"{translate('Tier', lang)} {section} {title}"


def render_diff(changes: Sequence[Change], old: m.Ruleset, new: m.Ruleset, lang: str = "en") -> str:
    """The changes as text in ``lang``, grouped by section and subject, with a count at the end."""
    lines = [diff_title(old, new, lang)]
    if not changes:
        lines.append(translate("no differences", lang))
        return "\n".join(lines) + "\n"
    for heading, entries in diff_sections(changes, old, new, lang):
        lines += ["", heading]
        for entry in entries:
            if entry.details:
                lines.append(f"  ~ {entry.label}")
                lines += [f"      {detail}" for detail in entry.details]
            else:
                lines.append(f"  {entry.mark} {entry.label}: {entry.text}" if entry.label else f"  ~ {entry.text}")
    lines.append("")
    lines.append(summarise(changes, lang))
    return "\n".join(lines) + "\n"


def diff_title(old: m.Ruleset, new: m.Ruleset, lang: str = "en") -> str:
    """``egov_2020 (version 2020.1) → egov_2022 (version 2022.1)``: the two rulesets a diff compares."""
    return f"{_ruleset_name(old, lang)} → {_ruleset_name(new, lang)}"


def _ruleset_name(ruleset: m.Ruleset, lang: str) -> str:
    if not ruleset.header.version:
        return ruleset.id
    return f"{ruleset.id} ({translate('version', lang)} {ruleset.header.version})"


def _whole_text(change: Change, lang: str) -> str:
    if change.kind == "added":
        return translate("added ({what})", lang).format(what=change.new)
    return translate("removed (was {what})", lang).format(what=change.old)


def _field_text(change: Change, lang: str) -> str:
    field = field_name(change.field, lang)
    if change.kind == "added":
        return translate("{field}: added: {what}", lang).format(field=field, what=change.new)
    if change.kind == "removed":
        return f"{field}: " + _whole_text(change, lang)
    if change.kind == "moved":
        return translate("moved: {old} → {new}", lang).format(old=change.old, new=change.new)
    if "->" in f"{change.old}{change.new}":  # rule text has arrows of its own
        return translate("{field}: was {old}; now {new}", lang).format(field=field, old=change.old, new=change.new)
    return f"{field}: {change.old} → {change.new}"


def field_name(field: str, lang: str) -> str:
    """A ``Change.field`` for a reader: the ruleset language's names of properties (``max``, ``input x unit``,
    ``bands x, band 2``, ``level III cut-off``) in ``lang``, identifiers and values as written."""
    if lang == "en":
        return field
    head, _, rest = field.partition(" ")
    if head in ("input", "level") and rest:  # input NAME [PROPERTY], level ID [PROPERTY]
        name, _, prop = rest.partition(" ")
        word = translate("indicator" if head == "input" else head, lang)
        return f"{word} {name}" + (f", {translate(prop, lang)}" if prop else "")
    if head in ("bands", "category") and ", " in rest:  # bands NAME, band N | bands NAME, else | category NAME, VALUE
        name, _, which = rest.partition(", ")
        word, _, number = which.partition(" ")
        which = f"{translate(word, lang)} {number}" if word == "band" else translate(which, lang) if which == "else" else which
        return f"{translate(head, lang)} {name}, {which}"
    return translate(field, lang)


def summarise(changes: Sequence[Change], lang: str = "en") -> str:
    """``3 nodes changed, 1 added, 1 removed; ...``: the size of a diff in one line."""
    nodes: dict[str, set[tuple[str, str]]] = {"changed": set(), "added": set(), "removed": set(), "moved": set()}
    other = 0
    for c in changes:
        if is_node_change(c):
            kind = c.kind if c.kind == "moved" or not c.field else "changed"
            nodes[kind].add((c.section, c.subject))
        else:
            other += 1
    counts = {kind: format_number(len(found), lang) for kind, found in nodes.items()}
    text = translate("{changed} node(s) changed, {added} added, {removed} removed", lang).format(**counts)
    if nodes["moved"]:
        text += translate(", {moved} moved", lang).format(**counts)
    return text + translate("; {other} other change(s) (header, tiers, levels, rankings, outputs)", lang).format(
        other=format_number(other, lang))


def diff_json(changes: Sequence[Change], old: m.Ruleset, new: m.Ruleset) -> str:
    return json.dumps({
        "old": {"id": old.id, "version": old.header.version, "path": old.path, "content_hash": old.content_hash},
        "new": {"id": new.id, "version": new.header.version, "path": new.path, "content_hash": new.content_hash},
        "changes": [c.to_dict() for c in changes],
    }, ensure_ascii=False, indent=2)
