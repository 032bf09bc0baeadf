"""Render one unit's result as text: every node's points, the inputs read, the branch taken, provenance."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from cqdt_rules.engine.compiler import NodeResult
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


def _value_text(value: Any) -> str:
    if value is None:
        return "(not assessed)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Pair):
        return f"{value.a}/{value.b}"
    return str(value)


def explain_unit(unit: ExplainedUnit) -> str:
    a = unit.assessment
    lines = [f"{a.code} {a.name} ({unit.tier.id}, {a.year}, {a.source})"
             + (f", district {a.parent}" if a.parent else "")]
    summary = f"total {unit.total} / {unit.max}"
    for name, value in unit.outputs.items():
        summary += f"; {name} = {value}"
    for level in unit.levels.values():
        summary += f"; {level.label}"
        if level.unmet:
            summary += f" (not higher: {'; '.join(level.unmet)})"
    for rank in unit.ranks.values():
        summary += f"; rank {rank.rank}/{rank.of} in {rank.ranking} ({rank.group})"
    lines.append(summary)
    depth = unit.tier.depths
    for node_id, result in unit.nodes.items():
        node = unit.tier.node(node_id)
        indent = "  " * (depth.get(node_id, 0) + 1)
        lines.append(f"{indent}{node_id} {node.title}: {result.points} / {result.max}")
        if node.rule is None:
            if "capped" in result.flags:
                lines.append(f"{indent}  {result.branch}")
            continue
        inputs = result.inputs
        if inputs:
            read = ", ".join(f"{name} = {_value_text(value)}" for name, value in inputs)
            lines.append(f"{indent}  read: {read}")
        lines.append(f"{indent}  why: {result.branch}")
        if result.flags:
            lines.append(f"{indent}  flags: {', '.join(result.flags)}")
        if node.provenance is not None:
            lines.append(f"{indent}  provenance ({node.provenance.status}): {node.provenance.text}")
    return "\n".join(lines)
