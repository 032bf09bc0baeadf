"""Apply an amendment to its base ruleset: the result is an ordinary ruleset, checked like any other.

An amendment's statements are applied in the order written. Every node, indicator, level or tier an
amendment writes keeps its position in the amendment file, and so does every node whose maximum or
children a statement changed, so that a check error caused by an amendment (a group whose children
no longer add up, say) points at the statement that caused it rather than into the base file; a
finding about unchanged base text of a changed node (a band above the criterion's new maximum) is
moved there too (:meth:`AppliedAmendment.relocate`), its hint naming the base position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from cqdt_rules.errors import Diagnostic, Span, did_you_mean
from cqdt_rules.model import amendment as am
from cqdt_rules.model import ruleset as m

_Path = tuple[int, ...]
"""Where a node sits in a tier: the index in the tier's top nodes, then in each group's children."""

_Changed = dict[tuple[str, str], Span]
"""(tier id, node id) → the statement that last changed that node (or its children)."""


@attrs.frozen
class AppliedAmendment:
    ruleset: m.Ruleset
    diagnostics: tuple[Diagnostic, ...]
    """Problems found while applying the statements: errors (the ruleset is then incomplete) and warnings."""
    changed: Mapping[tuple[str, str], Span] = attrs.field(factory=dict, repr=False)
    """(tier id, node id) → the statement that last changed the node or its children."""

    def relocate(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Move a check's finding about base text of a node the amendment changed (a band now above the
        criterion's new maximum, say) to the statement that changed it; the hint keeps the base position."""
        owners: dict[Span, tuple[str, str]] = {}
        for tier in self.ruleset.tiers:
            for node in tier.walk():
                for span in _spans_in(node):
                    owners.setdefault(span, (tier.id, node.id))
        moved: list[Diagnostic] = []
        for diagnostic in diagnostics:
            owner = owners.get(diagnostic.span) if diagnostic.span.path != self.ruleset.path else None
            statement = self.changed.get(owner) if owner is not None else None
            if owner is not None and statement is not None and statement != diagnostic.span:
                note = f"the text is {owner[1]}'s, unchanged from the base at {diagnostic.span}"
                hint = f"{diagnostic.hint}; {note}" if diagnostic.hint else note
                diagnostic = Diagnostic(statement, diagnostic.message, diagnostic.severity, hint)
            moved.append(diagnostic)
        return moved


def _spans_in(node: m.Node) -> Iterator[Span]:
    """The positions of a node's own text: its inputs, its rule and every part of the rule."""
    for indicator in node.inputs:
        yield indicator.span
    rules: list[m.Rule] = [node.rule] if node.rule is not None else []
    while rules:
        rule = rules.pop()
        yield rule.span
        if isinstance(rule, m.BestOfRule):
            rules.extend(rule.alternatives)
        elif isinstance(rule, m.BandsRule):
            yield from (band.span for band in rule.bands)
        elif isinstance(rule, m.CategoryRule):
            yield from (arm.span for arm in rule.arms)
        elif isinstance(rule, m.FormulaRule):
            yield from (sub.span for sub in m.walk_expr(rule.expr))


def apply_amendment(base: m.Ruleset, amendment: am.Amendment) -> AppliedAmendment:
    """The ruleset ``amendment`` makes of ``base``, and every problem found while applying it
    (errors such as an unknown criterion, and warnings); the ruleset is incomplete when there are errors."""
    found: list[Diagnostic] = []
    changed: _Changed = {}
    header = _merged_header(base.header, amendment, found)
    tiers = list(base.tiers)
    for change in amendment.changes:
        if isinstance(change, am.AmendTier):
            index = _tier_index(tiers, change.tier_id, change.span, found)
            if index is not None:
                editor = _TierEditor(tiers[index], found, changed)
                for tier_change in change.changes:
                    editor.apply(tier_change)
                tiers[index] = editor.tier
        elif isinstance(change, am.AddTier):
            if any(t.id == change.tier.id for t in tiers):
                found.append(Diagnostic(change.span, f"tier '{change.tier.id}' already exists in '{base.id}'",
                                        hint=f"change it with 'amend tier {change.tier.id} {{ ... }}', or write "
                                             f"'remove tier {change.tier.id}' before this block to replace it whole"))
            else:
                tiers.append(change.tier)
        elif isinstance(change, am.RemoveTier):
            index = _tier_index(tiers, change.tier_id, change.span, found)
            if index is not None:
                del tiers[index]
        else:
            _apply_everywhere(tiers, change, found, changed)
    ruleset = m.Ruleset(header, tuple(tiers), base.statistics, path=amendment.path, amends=(base.id,) + base.amends)
    unique = dict.fromkeys(found)  # a change applied to every tier reports a problem once
    ordered = tuple(sorted(unique, key=lambda d: (d.span.path, d.span.line, d.span.column)))
    return AppliedAmendment(ruleset, ordered, changed)


def _merged_header(base: m.Header, amendment: am.Amendment, found: list[Diagnostic]) -> m.Header:
    """The amendment's own header; the method settings it does not restate come from the base."""
    own = amendment.header
    if own.legal_source is None:
        found.append(Diagnostic(own.span, f"the amendment '{own.id}' names no legal source", "warning",
                                hint='add e.g. legal_source "QĐ .../QĐ-UBND ngày ..., sửa đổi, bổ sung QĐ ..."'))
    if own.effective is None:
        found.append(Diagnostic(own.span, f"the amendment '{own.id}' has no effective date", "warning",
                                hint="add e.g. 'effective 2022-03-15'"))
    elif base.effective is not None and own.effective < base.effective:
        found.append(Diagnostic(own.span, f"the amendment takes effect ({own.effective}) before the ruleset it "
                                          f"amends ({base.effective})", "warning"))
    return attrs.evolve(
        own,
        rounding=own.rounding if own.rounding is not None else base.rounding,
        on_zero_denominator=own.on_zero_denominator if own.on_zero_denominator is not None else base.on_zero_denominator,
        on_missing_evidence=own.on_missing_evidence if own.on_missing_evidence is not None else base.on_missing_evidence,
    )


def _tier_index(tiers: list[m.Tier], tier_id: str, span: Span, found: list[Diagnostic]) -> int | None:
    for index, tier in enumerate(tiers):
        if tier.id == tier_id:
            return index
    names = [t.id for t in tiers]
    found.append(Diagnostic(span, f"no tier '{tier_id}' to change",
                            hint=did_you_mean(tier_id, names) or f"tiers: {', '.join(names) or 'none'}"))
    return None


def _apply_everywhere(tiers: list[m.Tier], change: am.AmendmentChange, found: list[Diagnostic],
                      changed: _Changed) -> None:
    """A level change or declaration outside any tier applies to every tier (that has the scale)."""
    if isinstance(change, (am.ChangeLevel, am.ChangeBelow)):
        having = [i for i, t in enumerate(tiers) if any(s.name == change.scale for s in t.levels)]
        if not having:
            names = sorted({s.name for t in tiers for s in t.levels})
            found.append(Diagnostic(change.span, f"no tier has a level scale '{change.scale}'",
                                    hint=did_you_mean(change.scale, names) or f"scales: {', '.join(names) or 'none'}"))
            return
        for index in having:
            editor = _TierEditor(tiers[index], found, changed)
            editor.apply(change)
            tiers[index] = editor.tier
        return
    for index, tier in enumerate(tiers):
        editor = _TierEditor(tier, found, changed)
        editor.apply(change)  # type: ignore[arg-type]
        tiers[index] = editor.tier


class _TierEditor:
    """Applies the changes of one tier, keeping the tier as it stands after each statement."""

    def __init__(self, tier: m.Tier, found: list[Diagnostic], changed: _Changed):
        self.tier = tier
        self.found = found
        self.changed = changed

    def error(self, span: Span, message: str, hint: str | None = None) -> None:
        self.found.append(Diagnostic(span, message, hint=hint))

    def warn(self, span: Span, message: str, hint: str | None = None) -> None:
        self.found.append(Diagnostic(span, message, "warning", hint=hint))

    def apply(self, change: am.TierChange) -> None:
        handler: Callable[[Any], None] = getattr(self, "_" + type(change).__name__)
        handler(change)

    # ------------------------------------------------------------ finding nodes
    def _locate(self, node_id: str) -> _Path | None:
        def search(nodes: Sequence[m.Node], prefix: _Path) -> _Path | None:
            for index, node in enumerate(nodes):
                if node.id == node_id:
                    return prefix + (index,)
                inside = search(node.children, prefix + (index,))
                if inside is not None:
                    return inside
            return None

        return search(self.tier.nodes, ())

    def _node_at(self, path: _Path) -> m.Node:
        nodes = self.tier.nodes
        node = nodes[path[0]]
        for index in path[1:]:
            node = node.children[index]
        return node

    def _find(self, node_id: str, span: Span, what: str = "criterion or group") -> _Path | None:
        path = self._locate(node_id)
        if path is None:
            ids = [n.id for n in self.tier.walk()]
            self.error(span, f"no {what} '{node_id}' in tier '{self.tier.id}'",
                       hint=did_you_mean(node_id, ids) or "write the id as the ruleset being amended gives it")
        return path

    # ------------------------------------------------------------ editing the tree
    def _edit_children(self, parent: _Path, edit: Callable[[list[m.Node]], list[m.Node]], span: Span) -> None:
        """Edit the children of the node at ``parent`` (the tier's top nodes for ``()``); the parent
        then points at the statement, which is where a check of its sum should send the reader."""

        def rebuild(nodes: tuple[m.Node, ...], path: _Path) -> tuple[m.Node, ...]:
            if not path:
                return tuple(edit(list(nodes)))
            head, rest = path[0], path[1:]
            node = nodes[head]
            children = rebuild(node.children, rest)
            changed = attrs.evolve(node, children=children, span=span if not rest else node.span)
            return nodes[:head] + (changed,) + nodes[head + 1:]

        if parent:
            self.changed[(self.tier.id, self._node_at(parent).id)] = span
        self.tier = attrs.evolve(self.tier, nodes=rebuild(self.tier.nodes, parent))
        if not parent:
            self.tier = attrs.evolve(self.tier, span=span)

    def _replace_node(self, path: _Path, new: m.Node, span: Span, touches_parent: bool) -> None:
        index = path[-1]

        def edit(children: list[m.Node]) -> list[m.Node]:
            children[index] = new
            return children

        if touches_parent:
            self._edit_children(path[:-1], edit, span)
            return
        # Only the node itself changed: keep the parent's own position.
        parent_span = self._node_at(path[:-1]).span if len(path) > 1 else self.tier.span
        self._edit_children(path[:-1], edit, parent_span)

    # ------------------------------------------------------------ statements
    def _RemoveNode(self, change: am.RemoveNode) -> None:
        path = self._find(change.node_id, change.span)
        if path is None:
            return
        index = path[-1]
        self._edit_children(path[:-1], lambda children: children[:index] + children[index + 1:], change.span)

    def _ReplaceNode(self, change: am.ReplaceNode) -> None:
        path = self._find(change.node_id, change.span)
        if path is not None:
            self._replace_node(path, change.node, change.span, touches_parent=True)

    def _AddNode(self, change: am.AddNode) -> None:
        parent: _Path = ()
        if change.under is not None:
            found = self._find(change.under, change.span, "group")
            if found is None:
                return
            group = self._node_at(found)
            if not group.is_group:
                self.error(change.span, f"'{change.under}' is a criterion, not a group: nothing can be added under it",
                           hint=f"replace {change.under} with a group holding the criteria")
                return
            parent = found
        position: int | None = None
        if change.sibling is not None:
            sibling = self._find(change.sibling, change.span)
            if sibling is None:
                return
            if change.under is not None and sibling[:-1] != parent:
                siblings = [n.id for n in self._children(parent)]
                self.error(change.span, f"'{change.sibling}' is not directly under '{change.under}'",
                           hint=f"under {change.under}: {', '.join(siblings) or 'nothing yet'}")
                return
            parent = sibling[:-1]
            position = sibling[-1] + (1 if change.place == "after" else 0)
        node = change.node

        def edit(children: list[m.Node]) -> list[m.Node]:
            at = len(children) if position is None else position
            return children[:at] + [node] + children[at:]

        self._edit_children(parent, edit, change.span)

    def _children(self, parent: _Path) -> tuple[m.Node, ...]:
        return self._node_at(parent).children if parent else self.tier.nodes

    def _change_node(self, node_id: str, span: Span, update: Callable[[m.Node], m.Node | None],
                     touches_parent: bool = False) -> None:
        path = self._find(node_id, span)
        if path is None:
            return
        old = self._node_at(path)
        new = update(old)
        if new is None:
            return
        if new == old:
            self.warn(span, f"this changes nothing: {node_id} already says exactly this")
        self._replace_node(path, new, span, touches_parent)
        self.changed[(self.tier.id, new.id)] = span

    def _ChangeMax(self, change: am.ChangeMax) -> None:
        def update(node: m.Node) -> m.Node | None:
            if change.capped and not node.is_group:
                self.error(change.span, f"{node.id} is a criterion: only a group's maximum can be 'capped'")
                return None
            return attrs.evolve(node, max=change.max, capped=change.capped, span=change.span)

        self._change_node(change.node_id, change.span, update, touches_parent=True)

    def _ChangeTitle(self, change: am.ChangeTitle) -> None:
        self._change_node(change.node_id, change.span,
                          lambda node: attrs.evolve(node, title=change.title, title_en=change.title_en))

    def _ChangeRule(self, change: am.ChangeRule) -> None:
        def update(node: m.Node) -> m.Node | None:
            if node.is_group:
                self.error(change.span, f"{node.id} is a group: its points are the sum of its criteria",
                           hint=f"change the rules of its criteria, or replace {node.id} with a criterion")
                return None
            return attrs.evolve(node, rule=change.rule)

        self._change_node(change.node_id, change.span, update)

    def _ChangeInput(self, change: am.ChangeInput) -> None:
        def update(node: m.Node) -> m.Node:
            names = [i.name for i in node.inputs]
            indicator = change.indicator
            if indicator.name in names:
                inputs = tuple(indicator if i.name == indicator.name else i for i in node.inputs)
            else:
                inputs = node.inputs + (indicator,)
            return attrs.evolve(node, inputs=inputs)

        self._change_node(change.node_id, change.span, update)

    def _ChangeOption(self, change: am.ChangeOption) -> None:
        fields: dict[str, Any] = {change.field: change.value}
        self._change_node(change.node_id, change.span, lambda node: attrs.evolve(node, **fields))

    def _RemoveInput(self, change: am.RemoveInput) -> None:
        for node in self.tier.walk():
            if any(i.name == change.name for i in node.inputs):
                inputs = tuple(i for i in node.inputs if i.name != change.name)
                self._change_node(node.id, change.span, lambda n: attrs.evolve(n, inputs=inputs))
                return
        names = [i.name for i in self.tier.indicators]
        self.error(change.span, f"no input '{change.name}' in tier '{self.tier.id}'",
                   hint=did_you_mean(change.name, names))

    def _ChangeTierMax(self, change: am.ChangeTierMax) -> None:
        if change.max == self.tier.max:
            self.warn(change.span, f"this does not change tier '{self.tier.id}': its maximum is already {change.max}")
        self.tier = attrs.evolve(self.tier, max=change.max, span=change.span)

    def _scale(self, name: str, span: Span) -> int | None:
        for index, scale in enumerate(self.tier.levels):
            if scale.name == name:
                return index
        names = [s.name for s in self.tier.levels]
        self.error(span, f"no level scale '{name}' in tier '{self.tier.id}'",
                   hint=did_you_mean(name, names) or f"scales: {', '.join(names) or 'none'}")
        return None

    def _set_scale(self, index: int, scale: m.LevelScale) -> None:
        levels = self.tier.levels
        self.tier = attrs.evolve(self.tier, levels=levels[:index] + (scale,) + levels[index + 1:])

    def _ChangeLevel(self, change: am.ChangeLevel) -> None:
        index = self._scale(change.scale, change.span)
        if index is None:
            return
        scale = self.tier.levels[index]
        ids = [level.id for level in scale.levels]
        if change.level.id not in ids:
            self.error(change.level.span, f"scale '{scale.name}' has no level '{change.level.id}'",
                       hint=did_you_mean(change.level.id, ids)
                       or f"levels: {', '.join(ids)}; to add or drop a level, restate the whole scale "
                          f"with 'levels {scale.name} \"...\" {{ ... }}'")
            return
        if scale.levels[ids.index(change.level.id)] == change.level:
            self.warn(change.span, f"this does not change level '{change.level.id}' of '{scale.name}'")
        levels = tuple(change.level if level.id == change.level.id else level for level in scale.levels)
        self._set_scale(index, attrs.evolve(scale, levels=levels))

    def _ChangeBelow(self, change: am.ChangeBelow) -> None:
        index = self._scale(change.scale, change.span)
        if index is not None:
            self._set_scale(index, attrs.evolve(self.tier.levels[index], below=change.below))

    def _SetDeclaration(self, change: am.SetDeclaration) -> None:
        item = change.item
        field = "levels" if isinstance(item, m.LevelScale) else "rankings" if isinstance(item, m.Ranking) else "outputs"
        current: tuple[Any, ...] = getattr(self.tier, field)
        if any(x.name == item.name for x in current):
            updated = tuple(item if x.name == item.name else x for x in current)
        else:
            updated = current + (item,)
        fields: dict[str, Any] = {field: updated}
        self.tier = attrs.evolve(self.tier, **fields)

    def _SetTotalRounding(self, change: am.SetTotalRounding) -> None:
        self.tier = attrs.evolve(self.tier, total_rounding=change.rounding)

    def _SetHeadline(self, change: am.SetHeadline) -> None:
        self.tier = attrs.evolve(self.tier, headline=change.output, headline_span=change.span)

