"""Amendments: a ruleset written as changes to another (``amends BASE`` in its header), as parsed and before it is
applied (``language.amend``). Apart from the ruleset model, so that what loads, checks or scores a complete ruleset
does not make these classes."""

from __future__ import annotations

from decimal import Decimal
from typing import Union

import attrs

from cqdt_rules.errors import Span
from cqdt_rules.model.ruleset import (
    Header,
    Indicator,
    Level,
    LevelScale,
    Model,
    Node,
    Output,
    Ranking,
    Rounding,
    Rule,
    Tier,
    span_field,
)


@attrs.frozen(repr=False, eq=False, slots=False)
class BaseRef(Model):
    """The ruleset an amendment changes: a shipped ruleset id, or a path relative to the amendment."""

    ref: str
    is_path: bool = False
    span: Span = span_field()

    def __str__(self) -> str:
        return f'"{self.ref}"' if self.is_path else self.ref


@attrs.frozen(repr=False, eq=False, slots=False)
class RemoveNode(Model):
    node_id: str
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class RemoveInput(Model):
    name: str
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ReplaceNode(Model):
    node_id: str
    node: Node
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class AddNode(Model):
    """Add ``node`` under group ``under`` (None: at the top of the tier), after or before a sibling."""

    node: Node
    under: str | None = None
    place: str | None = None  # "after" or "before"
    sibling: str | None = None
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ChangeMax(Model):
    node_id: str
    max: Decimal
    capped: bool = False
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ChangeTitle(Model):
    node_id: str
    title: str
    title_en: str | None = None
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ChangeRule(Model):
    node_id: str
    rule: Rule
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ChangeInput(Model):
    """Replace the declaration of the indicator of the same name in the node (or add it there)."""

    node_id: str
    indicator: Indicator
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ChangeOption(Model):
    """Set a node option: ``provenance``, ``rounding``, ``share_digits`` or ``note``."""

    node_id: str
    field: str
    value: object
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ChangeTierMax(Model):
    max: Decimal
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ChangeLevel(Model):
    """Replace one level (its label, cut-off and requirements) of the scale ``scale``."""

    scale: str
    level: Level
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ChangeBelow(Model):
    scale: str
    below: str
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class SetDeclaration(Model):
    """A levels scale, ranking or output replacing the one of the same name (or added when new)."""

    item: LevelScale | Ranking | Output
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class SetTotalRounding(Model):
    rounding: Rounding
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class SetHeadline(Model):
    output: str
    span: Span = span_field()
    """Of the ``headline`` statement; also where the checker points when the output does not exist."""


TierChange = Union[
    RemoveNode, RemoveInput, ReplaceNode, AddNode, ChangeMax, ChangeTitle, ChangeRule, ChangeInput,
    ChangeOption, ChangeTierMax, ChangeLevel, ChangeBelow, SetDeclaration, SetTotalRounding, SetHeadline,
]


@attrs.frozen(repr=False, eq=False, slots=False)
class AmendTier(Model):
    tier_id: str
    changes: tuple[TierChange, ...]
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class AddTier(Model):
    tier: Tier
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class RemoveTier(Model):
    tier_id: str
    span: Span = span_field()


AmendmentChange = Union[AmendTier, AddTier, RemoveTier, ChangeLevel, ChangeBelow, SetDeclaration]
"""A statement of an amendment; ChangeLevel, ChangeBelow and SetDeclaration outside a tier apply to every tier."""


@attrs.frozen(repr=False, eq=False, slots=False)
class Amendment(Model):
    """A ruleset written as changes to another (its header says ``amends BASE``); unresolved."""

    header: Header
    base: BaseRef
    changes: tuple[AmendmentChange, ...]
    path: str = attrs.field(default="<memory>", eq=False)

    @property
    def id(self) -> str:
        return self.header.id
